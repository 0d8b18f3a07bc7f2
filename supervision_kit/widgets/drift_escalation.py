"""A line manager's drift escalations [HSCB aim 3]: each flag unresolved past the preset
delay, with its reason, in a ``DataTable``; a click on a row chooses it, and the manager
records an outcome as for management oversight."""
from __future__ import annotations

import ipywidgets as w
from traitlets import HasTraits, Unicode

from ..domain.enums import OversightStatus
from ..errors import SupervisionError
from .common import Displayable, esc, show_refusal, status_label, textarea
from .table import DataTable, cell_text

OUTCOMES = [s.value for s in OversightStatus if s != OversightStatus.PENDING]
COLUMNS = (("reference", "Case"), ("reason", "Reason"), ("flagged_since", "Drift since"),
           ("due_on", "With you since"), ("state", "Outcome"))


class DriftEscalations(HasTraits, Displayable):
    """The escalations (click a row to choose one), and an outcome form for it."""

    status = Unicode("", help="The last problem or result, as text")

    def __init__(self, tk, as_of=None):
        super().__init__()
        self.tk, self.as_of = tk, as_of
        self.items: list[dict] = []
        # click a row (or Enter on it) to choose the escalation the outcome is for
        self.list = DataTable(COLUMNS, caption="Drift escalated to you", sort_by="flagged_since",
                              empty_text="No drift escalated to you.")
        self.list.observe(lambda _: self._chosen(), "selected")
        self.chosen = w.HTML(value="")
        self.outcome = w.Dropdown(options=OUTCOMES, description="Outcome")
        self.reason = textarea("Reason for the outcome", rows=2)
        self.answer_button = w.Button(description="Record outcome", icon="check")
        self.answer_button.on_click(lambda _: self.answer())
        self._status = status_label(self)
        self.widget = w.VBox([self.list, self.chosen, self.outcome, self.reason,
                              self.answer_button, self._status])
        self.refresh()

    def refresh(self) -> None:
        """Reload the acting manager's escalations."""
        try:
            self.items = self.tk.drift_escalations(as_of=self.as_of)
        except SupervisionError as e:
            show_refusal(self, e)
            return
        rows = [{"id": e["id"], "reference": e["reference"], "reason": e["reason"],
                 "flagged_since": e["flagged_since"], "due_on": e["due_on"],
                 "state": e["status"] + (f": {e['outcome']}" if e["outcome"] else "")}
                for e in self.items]
        # The chosen row stays (its outcome now shown); the form follows it.
        self.list.set_records(rows)
        self._chosen()

    @property
    def chosen_escalation(self) -> dict | None:
        """The escalation whose row is selected (None when none is)."""
        return self.list.chosen_in(self.items, key=lambda e: e["id"])

    def select(self, escalation_id: str) -> dict | None:
        """Choose an escalation (clicking its row)."""
        self.list.select(escalation_id)
        return self.chosen_escalation

    def _chosen(self) -> None:
        e = self.chosen_escalation
        pending = e is not None and e["status"] == "pending"
        self.answer_button.disabled = not pending
        self.chosen.value = ("<small>Click an escalation in the table to record its outcome."
                             "</small>" if e is None else
                             f"<b>Chosen:</b> {esc(e['reference'])}, drift since "
                             f"{esc(cell_text(e['flagged_since']))}"
                             + ("" if pending else f" ({esc(e['status'])}: answered)"))

    def answer(self) -> dict | None:
        """Record the chosen outcome and reason for the chosen escalation."""
        if self.chosen_escalation is None:
            self.status = "Choose an escalation first: click its row"
            return None
        try:
            done = self.tk.answer_drift_escalation(self.list.selected, self.outcome.value,
                                                   self.reason.value)
        except SupervisionError as e:
            show_refusal(self, e, "Not recorded")  # the reason typed stays in its box
            return None
        self.reason.value = ""
        self.status = f"Outcome recorded: {done['status']}"
        self.refresh()
        return done
