"""Entitlement: a supervisee sees whether supervision is overdue and asks for help.

``EntitlementPanel(tk)`` [Temple "Entitlement"; HSCB aim 7] shows the supervisee when
their next supervision is due and, once it is overdue beyond the preset's tolerance, a
"Request a three-way meeting" button; an urgent discussion with the supervisor can be
asked for at any time; their requests and outcomes are listed. ``RequestInbox(tk)`` is
the supervisor's or manager's side: open requests addressed to them, with the outcome.
"""
from __future__ import annotations

import ipywidgets as w
from traitlets import Bool, Dict, HasTraits, List, Unicode, observe

from ..errors import SupervisionError
from .common import Beside, Displayable, Field, attempt, esc, now_text, reply_in, show_refusal, textarea

PRE = "white-space:pre-wrap"
NO_CASE = ("— not about one case —", "")


def request_html(r: dict) -> str:
    """One request and where it stands (escaped)."""
    about = f" about {esc(r['reference'])}" if r.get("reference") else ""
    head = (f"<b>{esc(r['kind'].capitalize())}</b>{about} <small>— asked by {esc(r['requester'])} "
            f"on {r['created']:%d %b %Y}; to {esc(r['supervisor'] or 'the supervisor')}"
            + (f" and {esc(r['manager'])}" if r.get("manager") else "") + "</small>")
    body = f"<div style='{PRE}'>{esc(r['reason'])}</div>"
    if r["open"]:
        return head + body + "<div style='color:#8a5a00'>Open</div>"
    return (head + body + f"<div style='color:#1b5e20'><b>Outcome ({r['resolved_at']:%d %b %Y}):"
            f"</b> <span style='{PRE}'>{esc(r['outcome'])}</span></div>")


class EntitlementPanel(HasTraits, Displayable):
    """The acting supervisee's entitlement: overdue status, three-way meeting, urgent discussion."""

    state = Dict(help="As ``tk.entitlement``")
    mine = List(help="This user's own requests")
    can_request = Bool(False, help="Overdue beyond the tolerance: a three-way meeting may be asked for")
    status = Unicode("")

    def __init__(self, tk, as_of=None):
        super().__init__()
        self.tk, self.as_of = tk, as_of
        self.summary = w.HTML(value="")
        self.three_way_reason = textarea("Why", rows=2, placeholder="What you have tried with your "
                                         "supervisor, and what you would like the meeting to agree")
        self.three_way_field = Field("Request a three-way meeting", self.three_way_reason,
                                     "you, your supervisor and your line manager (or head)")
        self.three_way_button = w.Button(description="Request a three-way meeting", icon="users",
                                         button_style="warning", layout={"width": "auto"})
        self.three_way_button.on_click(lambda _: self.request_three_way())
        try:
            cases = [(f"{c.reference} ({c.status})", c.id) for c in tk.cases(worker_id=tk.me.id)]
        except SupervisionError:
            cases = []
        self.case = w.Dropdown(options=[NO_CASE, *cases], value="", description="Case")
        self.urgent_reason = textarea("Concern", rows=2, placeholder="Your concern, e.g. about "
                                      "the response to escalating risk")
        self.urgent_field = Field("Ask for an urgent discussion with your supervisor",
                                  self.urgent_reason, "between sessions, when you are worried")
        self.urgent_button = w.Button(description="Ask for an urgent discussion", icon="bolt",
                                      layout={"width": "auto"})
        self.urgent_button.on_click(lambda _: self.request_urgent(self.case.value or None))
        self.list_box = w.VBox([])
        self._status = w.HTML(value="")
        # the answer shows by the button that asked; it starts by the one always on screen
        beside = Beside(self._status)
        urgent_row = beside.row(self.case, self.urgent_button)
        self.three_way_box = w.VBox([self.three_way_field.box, beside.row(self.three_way_button)],
                                    layout={"display": "none"})
        self.widget = w.VBox([
            w.HTML(value="<h2 style='margin:4px 0'>Your supervision entitlement</h2>"),
            self.summary, self.three_way_box,
            w.VBox([self.urgent_field.box, urgent_row]),
            w.HTML(value="<b>Your requests</b>"), self.list_box])
        self.refresh()

    def refresh(self) -> None:
        """Read the entitlement and requests again."""
        try:
            self.state = self.tk.entitlement(as_of=self.as_of)
            self.mine = [r for r in self.tk.requests() if r["requester_id"] == self.tk.me.id]
        except SupervisionError as e:
            show_refusal(self, e)

    @observe("state")
    def _state_changed(self, change) -> None:
        s = change["new"]
        self.can_request = bool(s.get("beyond_tolerance"))
        def line(x: dict, text: str) -> str:
            colour = ("#b00020" if x.get("beyond_tolerance") else
                      "#8a5a00" if x.get("days_overdue") else "#555")
            return f"<div style='color:{colour}'>{esc(text)}</div>"
        streams = s.get("streams") or []
        if len(streams) > 1:  # streams side by side: each its own due date and supervisor
            self.summary.value = "".join(line(x, f"{x['stream_label']}" + (
                f" with {x['supervisor']}" if x["supervisor"] else "") + f": {x['message']}")
                for x in streams)
        else:
            self.summary.value = line(s, s.get("message", ""))

    @observe("can_request")
    def _can_request_changed(self, change) -> None:
        self.three_way_box.layout.display = None if change["new"] else "none"

    @observe("mine")
    def _mine_changed(self, change) -> None:
        self.list_box.children = [w.HTML(value=request_html(r), layout={"border": "1px solid #eee",
                                                                         "padding": "4px"})
                                  for r in change["new"]] or [w.HTML(value="<i>None yet.</i>")]

    @observe("status")
    def _status_changed(self, change) -> None:
        text = change["new"]
        colour = "#b00020" if text.startswith("Not") else "#555"
        self._status.value = f"<div style='color:{colour}'>{esc(text)}</div>" if text else ""

    def _ask(self, field: Field, call) -> dict | None:
        field.set_error("")
        r = attempt(self, field, "Not sent", call)
        if r is None:
            return None
        self.status = f"Sent to {r['supervisor']}" + (f" and {r['manager']}" if r["manager"] else "") \
            + f" at {now_text()}"
        self.refresh()
        return r

    def request_three_way(self, reason: str | None = None) -> dict | None:
        """Ask for the three-way meeting (refused until overdue beyond the tolerance)."""
        text = self.three_way_reason.value if reason is None else reason
        r = self._ask(self.three_way_field, lambda: self.tk.request_three_way(text, as_of=self.as_of))
        if r is not None:
            self.three_way_reason.value = ""
        return r

    def request_urgent(self, case_id: str | None = None, reason: str | None = None) -> dict | None:
        """Ask the supervisor for an urgent discussion (about a case, or not)."""
        text = self.urgent_reason.value if reason is None else reason
        r = self._ask(self.urgent_field, lambda: self.tk.request_urgent_discussion(text, case_id))
        if r is not None:
            self.urgent_reason.value = ""
            self.case.value = ""
        return r


class RequestInbox(HasTraits, Displayable):
    """Open requests addressed to the acting supervisor or manager, each with an outcome box."""

    items = List(help="Open requests addressed to this user")
    status = Unicode("")

    def __init__(self, tk):
        super().__init__()
        self.tk = tk
        self.boxes: dict[str, Field] = {}
        self.box = w.VBox([])
        self._status = w.HTML(value="")
        self.widget = w.VBox([w.HTML(value="<h2 style='margin:4px 0'>Requests for you</h2>"),
                              self.box, self._status])
        self.refresh()

    def refresh(self) -> None:
        """Read the open requests again."""
        try:
            self.items = self.tk.requests(open_only=True, addressed_to_me=True)
        except SupervisionError as e:
            self.items = []
            show_refusal(self, e)

    @observe("items")
    def _items_changed(self, change) -> None:
        # Answering one request re-reads the list: what is typed for the others stays.
        typed = {k: f.input.value for k, f in self.boxes.items() if f.input.value}
        self.boxes, rows = {}, []
        for r in change["new"]:
            f = Field(None, textarea("Outcome", rows=2, placeholder="What was agreed, when it happened"))
            f.input.value = typed.get(r["id"], "")
            b = w.Button(description="Record outcome", icon="check", layout={"width": "auto"})
            b.on_click(lambda _, i=r["id"]: self.resolve(i))
            self.boxes[r["id"]] = f
            rows.append(w.VBox([w.HTML(value=request_html(r)), f.box, b],
                               layout={"border": "1px solid #ccc", "padding": "4px"}))
        self.box.children = rows or [w.HTML(value="<i>No open requests.</i>")]

    @observe("status")
    def _status_changed(self, change) -> None:
        self._status.value = f"<small>{esc(change['new'])}</small>" if change["new"] else ""

    def resolve(self, request_id: str, outcome: str | None = None) -> dict | None:
        """Record the outcome of a request."""
        f = self.boxes.get(request_id)
        if f is None:
            self.status = "Not recorded: that request is not open for you"
            return None
        return reply_in(self, f, "Not recorded", lambda: self.tk.resolve_request(
            request_id, f.input.value if outcome is None else outcome),
            lambda _: f"Outcome recorded at {now_text()}")
