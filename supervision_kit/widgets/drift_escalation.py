"""A line manager's drift escalations [HSCB aim 3]: each flag unresolved past the preset
delay, with its reason; the manager records an outcome as for management oversight."""
from __future__ import annotations

import datetime as dt

import ipywidgets as w
from traitlets import HasTraits, Unicode

from ..domain.enums import OversightStatus
from ..errors import SupervisionError
from .common import Displayable, esc, show_refusal, status_label, textarea

OUTCOMES = [s.value for s in OversightStatus if s != OversightStatus.PENDING]


def _d(x) -> str:
    return f"{x.day} {x:%b %Y}" if isinstance(x, dt.date) else esc(x or "")


class DriftEscalations(HasTraits, Displayable):
    """The list, and an outcome form for the chosen escalation."""

    status = Unicode("", help="The last problem or result, as text")

    def __init__(self, tk, as_of=None):
        super().__init__()
        self.tk, self.as_of = tk, as_of
        self.items: list[dict] = []
        self.list = w.HTML(value="")
        self.choice = w.Dropdown(options=[], description="Escalation")
        self.outcome = w.Dropdown(options=OUTCOMES, description="Outcome")
        self.reason = textarea("Reason for the outcome", rows=2)
        self.answer_button = w.Button(description="Record outcome", icon="check")
        self.answer_button.on_click(lambda _: self.answer())
        self._status = status_label(self)
        self.widget = w.VBox([self.list, self.choice, self.outcome, self.reason,
                              self.answer_button, self._status])
        self.refresh()

    def refresh(self) -> None:
        """Reload the acting manager's escalations."""
        try:
            self.items = self.tk.drift_escalations(as_of=self.as_of)
        except SupervisionError as e:
            show_refusal(self, e)
            return
        rows = "".join(
            f"<li><b>{esc(e['reference'])}</b>: {esc(e['reason'])} <small>(drift since "
            f"{_d(e['flagged_since'])}; with you since {_d(e['due_on'])}; {esc(e['status'])}"
            + (f": {esc(e['outcome'])}" if e["outcome"] else "") + ")</small></li>"
            for e in self.items)
        self.list.value = f"<ul>{rows}</ul>" if rows else "<p><i>No drift escalated to you.</i></p>"
        self.choice.options = [(f"{e['reference']} (since {_d(e['flagged_since'])})", e["id"])
                               for e in self.items if e["status"] == "pending"]

    def answer(self) -> dict | None:
        """Record the chosen outcome and reason for the chosen escalation."""
        if not self.choice.value:
            self.status = "Choose an escalation first"
            return None
        try:
            done = self.tk.answer_drift_escalation(self.choice.value, self.outcome.value,
                                                   self.reason.value)
        except SupervisionError as e:
            show_refusal(self, e, "Not recorded")  # the reason typed stays in its box
            return None
        self.reason.value = ""
        self.status = f"Outcome recorded: {done['status']}"
        self.refresh()
        return done
