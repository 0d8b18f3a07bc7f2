"""Management oversight: the manager's task list, and the answers the supervisor sees next time.

``OversightTasks(tk)`` is a manager's task list [Havering 9.2]: each decision sent for
oversight, with agree / disagree / ask for more information and a reason [HSCB "why a
specific action has been agreed"], then the disagreements escalated to them [Havering 10]
with a box for the outcome. ``OversightAnswers(tk, supervisee_ids, ...)`` shows a
supervisor, in the next session, what came back, and lets them answer a question.
Every button is also a method; typed text is shown as text.
"""
from __future__ import annotations

import ipywidgets as w
from traitlets import HasTraits, List, Unicode, observe

from ..errors import SupervisionError
from .common import Displayable, Field, esc, now_text, reply_in, show_refusal, textarea

STATUS_WORDS = {"pending": "Waiting for management oversight",
                "agreed": "Agreed", "disagreed": "Disagreed",
                "more information requested": "More information requested"}
STATUS_COLOUR = {"agreed": "#1b5e20", "disagreed": "#b00020",
                 "more information requested": "#8a5a00", "pending": "#555"}
PRE = "white-space:pre-wrap"


def _when(x) -> str:
    return x.strftime("%d %b %Y %H:%M") if hasattr(x, "strftime") else esc(x or "")


def exchange_html(item: dict) -> str:
    """The steps of an oversight exchange so far, oldest first (escaped)."""
    steps = sorted(item.get("exchange") or [], key=lambda e: e["at"])
    if not steps:
        return ""
    rows = "".join(f"<li><small>{esc(_when(e['at']))}, {esc(e['author'])}</small>"
                   f"<div style='{PRE}'>{esc(e['text'].split(':', 1)[-1].strip())}</div></li>"
                   for e in steps)
    return f"<details open><summary>Exchange so far</summary><ul>{rows}</ul></details>"


def outcome_html(item: dict) -> str:
    """"Agreed by Mia Manager on …: reason" (or who it is waiting for), escaped."""
    st = item["status"]
    colour = STATUS_COLOUR.get(st, "#555")
    if st == "pending":
        who = item.get("manager") or ", ".join(item.get("routed_names") or []) or "a manager"
        text = f"Waiting for management oversight by {who}"
    else:
        text = f"{STATUS_WORDS.get(st, st)} by {item.get('manager') or 'a manager'}"
        if item.get("answered_at"):
            text += f" on {item['answered_at']:%d %b %Y}"
    reason = item.get("reason") or ""
    return (f"<div style='color:{colour}'><b>{esc(text)}</b></div>"
            + (f"<div style='{PRE}'>{esc(reason)}</div>" if reason else ""))


def decision_html(item: dict) -> str:
    """The decision sent for oversight and where it came from (escaped)."""
    who = ", ".join(item.get("supervisees") or [])
    return (f"<b>{esc(item['reference'])}</b> <small>— session of {item['session_date']:%d %b %Y}, "
            f"supervisor {esc(item['supervisor'])}, supervisee {esc(who)}</small>"
            f"<div><i>Decision:</i> <span style='{PRE}'>{esc(item['decision'] or 'not recorded')}"
            f"</span></div><div><i>Rationale:</i> <span style='{PRE}'>"
            f"{esc(item['rationale'] or 'not recorded')}</span></div>")


def typed_texts(cards: dict) -> dict[str, str]:
    """What is typed in each card, so a refresh of the list keeps it (by item id)."""
    return {k: c.text.value for k, c in cards.items() if c.text.value}


class _Card:
    """One item with a text box, buttons and an error line."""

    def __init__(self, html: str, placeholder: str, buttons: list[tuple[str, str, object]]):
        self.text = textarea(placeholder, rows=2, placeholder=placeholder)
        self.field = Field(None, self.text)
        self.buttons = {}
        for label, icon, act in buttons:
            b = w.Button(description=label, icon=icon, layout={"width": "auto"})
            b.on_click(lambda _, act=act: act())
            self.buttons[label] = b
        self.widget = w.VBox([w.HTML(value=html), self.field.box, w.HBox(list(self.buttons.values()))],
                             layout={"border": "1px solid #ccc", "padding": "6px", "margin": "4px 0"})


class OversightTasks(HasTraits, Displayable):
    """A manager's task list: decisions for oversight, then disagreements escalated to them."""

    tasks = List(help="Pending oversight items (as ``tk.oversight_tasks``)")
    escalations = List(help="Open disagreements escalated to this manager")
    status = Unicode("", help="Last answer given, or the problem that stopped it")

    def __init__(self, tk, manager_id: str | None = None):
        super().__init__()
        self.tk, self.manager_id = tk, manager_id
        self.cards: dict[str, _Card] = {}
        self.escalation_cards: dict[str, _Card] = {}
        self._status = w.HTML(value="")
        self.tasks_box, self.escalations_box = w.VBox([]), w.VBox([])
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.widget = w.VBox([
            w.HTML(value="<h2 style='margin:4px 0'>Decisions awaiting your oversight</h2>"
                         "<small>Agree, disagree with a reason, or ask for more information "
                         "before signing off [Havering 9.2].</small>"),
            self.tasks_box,
            w.HTML(value="<h2 style='margin:4px 0'>Disagreements escalated to you</h2>"),
            self.escalations_box, w.HBox([self.refresh_button]), self._status])
        self.refresh()

    # -- state ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the task list again."""
        try:
            self.tasks = self.tk.oversight_tasks(self.manager_id)
            self.escalations = [d for d in self.tk.disagreements(to_me=True) if d["open"]]
        except SupervisionError as e:
            self.tasks, self.escalations = [], []
            show_refusal(self, e)

    @observe("tasks")
    def _tasks_changed(self, change) -> None:
        typed = typed_texts(self.cards)
        self.cards = {}
        for t in change["new"]:
            did = t["discussion_id"]
            html = decision_html(t) + exchange_html(t)
            self.cards[did] = _Card(html, "Reason (required to disagree or to ask for more information)", [
                ("Agree", "check", lambda did=did: self.agree(did)),
                ("Disagree", "times", lambda did=did: self.disagree(did)),
                ("Ask for more information", "question", lambda did=did: self.ask_more(did))])
            self.cards[did].text.value = typed.get(did, "")
        self.tasks_box.children = [c.widget for c in self.cards.values()] or [
            w.HTML(value="<i>No decisions are waiting for your oversight.</i>")]

    @observe("escalations")
    def _escalations_changed(self, change) -> None:
        typed = typed_texts(self.escalation_cards)
        self.escalation_cards = {}
        for d in change["new"]:
            html = (f"<b>Session of {d['session_date']:%d %b %Y}</b> <small>— supervisor "
                    f"{esc(d['supervisor'])}, supervisee {esc(', '.join(d['supervisees']))}</small>"
                    f"<div style='{PRE}'><i>Disagreement:</i> {esc(d['description'])}</div>"
                    f"<div style='{PRE}'><i>Tried in the session:</i> "
                    f"{esc(d['resolution'] or 'not recorded')}</div>")
            self.escalation_cards[d["id"]] = _Card(html, "Outcome, shared with both parties", [
                ("Record outcome", "gavel", lambda i=d["id"]: self.resolve_disagreement(i))])
            self.escalation_cards[d["id"]].text.value = typed.get(d["id"], "")
        self.escalations_box.children = [c.widget for c in self.escalation_cards.values()] or [
            w.HTML(value="<i>No disagreements are waiting for you.</i>")]

    @observe("status")
    def _status_changed(self, change) -> None:
        text = change["new"]
        bad = text.startswith(("Not", "Unexpected"))
        self._status.value = (f"<div style='color:{'#b00020' if bad else '#555'}'>{esc(text)}</div>"
                              if text else "")

    # -- gestures --------------------------------------------------------------------------
    def answer(self, discussion_id: str, status: str, reason: str | None = None) -> dict | None:
        """Answer one decision; ``reason`` defaults to what is typed in its box."""
        card = self.cards.get(discussion_id)
        if card is None:
            self.status = "Not answered: that decision is not on your task list"
            return None
        text = card.text.value if reason is None else reason
        return reply_in(self, card.field, "Not answered",
                        lambda: self.tk.answer_oversight(discussion_id, status, text),
                        lambda item: f"{item['reference']}: "
                                     f"{STATUS_WORDS.get(item['status'], item['status'])} at "
                                     f"{now_text()}; the supervisor sees it in the next session")

    def agree(self, discussion_id: str, reason: str | None = None) -> dict | None:
        """Agree with the decision (the reason says why it is agreed)."""
        return self.answer(discussion_id, "agreed", reason)

    def disagree(self, discussion_id: str, reason: str | None = None) -> dict | None:
        """Disagree, saying why."""
        return self.answer(discussion_id, "disagreed", reason)

    def ask_more(self, discussion_id: str, question: str | None = None) -> dict | None:
        """Ask the supervisor for more information before signing off."""
        return self.answer(discussion_id, "more information requested", question)

    def resolve_disagreement(self, disagreement_id: str, outcome: str | None = None) -> dict | None:
        """Record the outcome of a disagreement escalated to this manager."""
        card = self.escalation_cards.get(disagreement_id)
        if card is None:
            self.status = "Not recorded: that disagreement is not waiting for you"
            return None
        text = card.text.value if outcome is None else outcome
        return reply_in(self, card.field, "Not recorded",
                        lambda: self.tk.resolve_disagreement(disagreement_id, text),
                        lambda _: f"Outcome recorded at {now_text()}; both parties see it on "
                                  "the record")


class OversightAnswers(HasTraits, Displayable):
    """For the next session: decisions still waiting and answers given since the last one;
    the supervisor answers a request for more information here."""

    items = List(help="Oversight items (as ``tk.oversight_answers``)")
    status = Unicode("")

    def __init__(self, tk, supervisee_ids, before=None, exclude_session: str | None = None,
                 *, log: bool = True):
        super().__init__()
        self.tk, self.log = tk, log
        self.args = (supervisee_ids, before, exclude_session)
        self.replies: dict[str, _Card] = {}
        self._status = w.HTML(value="")
        self.box = w.VBox([])
        self.widget = w.VBox([w.HTML(value="<b>Management oversight since the last session</b>"),
                              self.box, self._status])
        self.refresh()

    def refresh(self) -> None:
        """Read the answers again."""
        try:
            self.items = self.tk.oversight_answers(*self.args, log=self.log)
        except SupervisionError as e:
            self.items = []
            show_refusal(self, e)

    @observe("items")
    def _items_changed(self, change) -> None:
        typed = typed_texts(self.replies)
        self.replies, rows = {}, []
        for it in change["new"]:
            html = decision_html(it) + outcome_html(it)
            if it["status"] == "more information requested" and it["supervisor_id"] == self.tk.me.id:
                did = it["discussion_id"]
                card = _Card(html, "The information the manager asked for", [
                    ("Send more information", "reply", lambda did=did: self.reply(did))])
                card.text.value = typed.get(did, "")
                self.replies[did] = card
                rows.append(card.widget)
            else:
                rows.append(w.HTML(value=html, layout={"border": "1px solid #eee", "padding": "4px"}))
        self.box.children = rows or [w.HTML(value="<i>No decisions were sent for oversight.</i>")]

    @observe("status")
    def _status_changed(self, change) -> None:
        self._status.value = f"<small>{esc(change['new'])}</small>" if change["new"] else ""

    def texts(self) -> list[str]:
        """What is shown, as plain strings (for a quick look in a notebook or test)."""
        return [f"{i['reference']}: {i['status']}" + (f" — {i['reason']}" if i["reason"] else "")
                for i in self.items]

    def reply(self, discussion_id: str, text: str | None = None) -> dict | None:
        """Send the more information asked for; the decision goes back to the manager."""
        card = self.replies.get(discussion_id)
        if card is None:
            self.status = "Not sent: no request for more information on that decision"
            return None
        return reply_in(self, card.field, "Not sent", lambda: self.tk.reply_oversight(
            discussion_id, card.text.value if text is None else text),
            lambda item: f"Sent to {item['manager'] or 'the manager'} at {now_text()}")
