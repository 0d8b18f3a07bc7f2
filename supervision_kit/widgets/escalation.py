"""Escalating a disagreement to the supervisor's line manager [Havering 10; HSCB
"Managing professional differences"], with both parties' knowledge.

``DisagreementsPanel(tk)`` lists the disagreements recorded in one's sessions (either
party sees the same list) with where each stands, and an "Escalate" button for one a
signed record could not resolve. ``EscalationControl`` is the same button on one
disagreement inside the session recorder.
"""
from __future__ import annotations

import ipywidgets as w
from traitlets import HasTraits, List, Unicode, observe

from ..errors import SupervisionError
from .common import Displayable, esc, now_text, show_refusal

PRE = "white-space:pre-wrap"


def standing_html(d: dict) -> str:
    """Where a disagreement stands: resolved in session, escalated, resolved by whom (escaped)."""
    if d.get("resolved_date"):
        return (f"<div style='color:#1b5e20'><b>Resolved on {d['resolved_date']:%d %b %Y} by "
                f"{esc(d.get('escalated_to') or 'the line manager')}:</b> "
                f"<span style='{PRE}'>{esc(d.get('outcome'))}</span></div>")
    if d.get("escalated"):
        return (f"<div style='color:#8a5a00'><b>Escalated to "
                f"{esc(d.get('escalated_to') or 'the line manager')}</b>; waiting for the outcome"
                + ("" if d.get("session_state") in ("signed", "awaiting signatures")
                   else " (sent when the record is signed)") + "</div>")
    return "<div style='color:#555'>Not escalated</div>"


class EscalationControl:
    """Inside the recorder's signed record: escalate one disagreement (an addendum)."""

    def __init__(self, rec, d, on_done=None):
        self.rec, self.d, self.on_done = rec, d, on_done
        self.button = w.Button(description="Escalate to the supervisor's line manager",
                               icon="level-up", layout={"width": "auto"})
        self.button.on_click(lambda _: self.escalate())
        self.note = w.HTML(value="")
        self.widget = w.VBox([self.note, self.button])
        self.show()

    def show(self) -> None:
        """Offer the button only where it can work: a stored, signed, unescalated item."""
        d, r = self.d, self.rec.record
        signed = r is not None and r.state in ("signed", "awaiting signatures")
        self.button.layout.display = (None if signed and d.id and not (d.escalated_to_id
                                                                      or d.escalated) else "none")
        text = f"<b>Disagreement:</b> <span style='{PRE}'>{esc(d.description)}</span>"
        if d.escalated_to_id:
            text += (f"<br>Escalated to {esc(self.rec.name_of(d.escalated_to_id))}"
                     + (f"; outcome: <span style='{PRE}'>{esc(d.outcome)}</span>" if d.outcome else ""))
        elif d.escalated:
            text += "<br>Marked for escalation to the supervisor's line manager"
        self.note.value = f"<small>{text}</small>"
        self.widget.layout.display = None if signed else "none"

    def escalate(self) -> dict | None:
        """Refer it to the supervisor's line manager; both parties see it."""
        try:
            found = self.rec.tk.escalate_disagreement(self.d.id)
        except SupervisionError as e:
            show_refusal(self.rec, e, "Not escalated")
            return None
        self.d.escalated_to_id = found["escalated_to_id"]
        self.rec.status = f"Escalated to {found['escalated_to']} at {now_text()}"
        self.show()
        if self.on_done:
            self.on_done()
        return found


class DisagreementsPanel(HasTraits, Displayable):
    """Disagreements from one's supervision, for the supervisor and the supervisee alike."""

    items = List(help="Disagreements (as ``tk.disagreements``)")
    status = Unicode("")

    def __init__(self, tk, supervisee_id: str | None = None):
        super().__init__()
        self.tk, self.supervisee_id = tk, supervisee_id
        self.buttons: dict[str, w.Button] = {}
        self.box = w.VBox([])
        self._status = w.HTML(value="")
        self.widget = w.VBox([w.HTML(value="<h2 style='margin:4px 0'>Disagreements</h2><small>"
                                           "Unresolved ones go to the supervisor's line manager, "
                                           "with the knowledge of both of you [Havering 10].</small>"),
                              self.box, self._status])
        self.refresh()

    def refresh(self) -> None:
        """Read the list again."""
        try:
            self.items = self.tk.disagreements(self.supervisee_id)
        except SupervisionError as e:
            self.items = []
            show_refusal(self, e)

    @observe("items")
    def _items_changed(self, change) -> None:
        self.buttons, rows = {}, []
        for d in change["new"]:
            html = (f"<b>Session of {d['session_date']:%d %b %Y}</b> <small>— "
                    f"{esc(d['supervisor'])} with {esc(', '.join(d['supervisees']))}</small>"
                    f"<div style='{PRE}'>{esc(d['description'])}</div>"
                    + (f"<div style='{PRE}'><i>In the session:</i> {esc(d['resolution'])}</div>"
                       if d["resolution"] else "") + standing_html(d))
            kids = [w.HTML(value=html)]
            if not d["escalated"] and d["session_state"] in ("signed", "awaiting signatures"):
                b = w.Button(description="Escalate to the line manager", icon="level-up",
                             layout={"width": "auto"})
                b.on_click(lambda _, i=d["id"]: self.escalate(i))
                self.buttons[d["id"]] = b
                kids.append(b)
            rows.append(w.VBox(kids, layout={"border": "1px solid #ddd", "padding": "4px"}))
        self.box.children = rows or [w.HTML(value="<i>No disagreements recorded.</i>")]

    @observe("status")
    def _status_changed(self, change) -> None:
        self._status.value = f"<small>{esc(change['new'])}</small>" if change["new"] else ""

    def escalate(self, disagreement_id: str, to_manager_id: str | None = None) -> dict | None:
        """Escalate one disagreement (default: the supervisor's line manager)."""
        try:
            d = self.tk.escalate_disagreement(disagreement_id, to_manager_id)
        except SupervisionError as e:
            show_refusal(self, e, "Not escalated")
            return None
        self.status = f"Escalated to {d['escalated_to']} at {now_text()}"
        self.refresh()
        return d
