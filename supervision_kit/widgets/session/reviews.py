"""Review of the actions carried from earlier sessions: done, carried forward or dropped."""
from __future__ import annotations

import ipywidgets as w

from ...domain.enums import ReviewOutcome
from ...domain.records import ActionItem, ActionReview
from ...errors import ValidationError
from ..common import Field, esc
from ..table import date_text
from .sections import Section

OUTCOMES = [("Done", ReviewOutcome.DONE.value), ("Carried forward", ReviewOutcome.CARRIED.value),
            ("Dropped", ReviewOutcome.DROPPED.value)]
ALIASES = {"carried": ReviewOutcome.CARRIED.value, "carry": ReviewOutcome.CARRIED.value,
           "carried_forward": ReviewOutcome.CARRIED.value, "drop": ReviewOutcome.DROPPED.value}


class ReviewSection(Section):
    """One row per carried action with a ToggleButtons outcome and an optional note."""

    title = "Review of previous actions"
    fields_handled = ("reviews",)

    def __init__(self, rec, carried: list[ActionItem]):
        super().__init__(rec)
        self.carried = {a.id: a for a in carried}
        existing = {r.action_id: r for r in rec.record.reviews}
        self.buttons: dict[str, w.ToggleButtons] = {}
        self.notes: dict[str, w.Text] = {}
        self.fields: dict[str, Field] = {}
        self._quiet = False
        rows = []
        for a in carried:
            r = existing.get(a.id)
            tb = w.ToggleButtons(options=OUTCOMES, value=r.outcome if r else None,
                                 style={"button_width": "auto"})
            note = w.Text(value=r.note if r else "", placeholder="Note (optional)",
                          continuous_update=False, layout={"width": "40%"})
            tb.observe(self._changed, names="value")
            note.observe(self._changed, names="value")
            self.buttons[a.id], self.notes[a.id] = tb, note
            self.fields[a.id] = Field(None, w.VBox([w.HTML(value=self._describe(a)),
                                                    w.HBox([tb, note])]))
            rows.append(self.fields[a.id].box)
        if not rows:
            rows = [w.HTML(value="<i>No open actions from earlier sessions.</i>")]
        # Management oversight of earlier decisions, answered since the last session [Havering 9.2].
        from ..oversight import OversightAnswers
        r = rec.record
        self.oversight = OversightAnswers(rec.tk, r.supervisee_ids, before=r.date, exclude_session=r.id,
                                         log=False)  # part of the record opened
        if self.oversight.items:
            rows = [*rows, self.oversight.widget]
        self.widget.children = rows

    def _describe(self, a: ActionItem) -> str:
        owner = self.rec.name_of(a.owner_id) if a.owner_id else "no owner"
        late = a.due_date is not None and a.due_date < self.rec.record.date
        due = esc(date_text(a.due_date) if a.due_date else "no due date")
        if late:
            due = f"<span style='color:#b00020'>{due} (overdue)</span>"
        case = self.rec.case_label(a.case_id) if a.case_id else ""
        return (f"<b>{esc(a.description)}</b><br><small>Owner: {esc(owner)} · Due: {due}"
                + (f" · Case: {esc(case)}" if case else "") + "</small>")

    def _changed(self, _=None) -> None:
        if self._quiet:
            return
        known = [ActionReview(action_id=aid, outcome=tb.value, note=self.notes[aid].value)
                 for aid, tb in self.buttons.items() if tb.value]
        others = [r for r in self.rec.record.reviews if r.action_id not in self.buttons]
        self.rec.record.reviews = others + known
        self.rec.changed()

    def review(self, action_id: str, outcome: str | None, note: str | None = None) -> None:
        """Mark a carried action done / carried forward / dropped (None clears it)."""
        if action_id not in self.buttons:
            raise ValidationError("reviews", f"{action_id} is not an open action from an earlier session")
        if outcome is not None:
            outcome = ALIASES.get(str(outcome).strip().lower(), str(outcome).strip().lower())
            if outcome not in {v for _, v in OUTCOMES}:
                raise ValidationError("reviews", f"outcome {outcome!r}: use done, carried forward "
                                                 f"or dropped")
        self._quiet = True
        try:
            if note is not None:
                self.notes[action_id].value = note
            self.buttons[action_id].value = outcome
        finally:
            self._quiet = False
        self._changed()

    def error_field(self, name, index, attr):
        reviews = self.rec.record.reviews
        if index is not None and index < len(reviews):
            return self.fields.get(reviews[index].action_id)
        return None
