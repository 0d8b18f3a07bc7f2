"""Beside each answer of a follow-up discussion: where its text came from, last time's
answer for reference (as text), and a button to confirm it. Confirming is recorded in the
discussion's provenance, so it prints as "confirmed from <date>"."""
from __future__ import annotations

import ipywidgets as w

from ...domain import lifecycle as lc
from ..common import esc

NOTE_STYLE = "color:#555;font-size:90%"
CARRIED_STYLE = "color:#8a5a00;font-size:90%"


class AnswerNote:
    """One answer's provenance line and its Confirm button."""

    def __init__(self, form, key: str):
        self.form, self.key = form, key
        prev = form.previous
        self.old = (getattr(prev, key, "") or "") if prev is not None else ""
        self.note = w.HTML(value="")
        self.reference = w.HTML(value="")
        self.button = w.Button(description="", layout={"width": "auto"})
        self.button.on_click(lambda _: form.confirm(key))
        self.widget = w.VBox([self.reference, w.HBox([self.note, self.button])])
        self.show()

    def show(self) -> None:
        """Bring the note and button up to date with the discussion's provenance."""
        d, when = self.form.d, lc.day_text(self.form.previous_date)
        kind = lc.how(d, self.key)
        if kind == lc.CARRIED:
            self.note.value = f"<span style='{CARRIED_STYLE}'>{esc(lc.provenance_text(d, self.key))}</span>"
            self.button.description = "Confirm unchanged"
        elif kind == lc.CONFIRMED:
            self.note.value = (f"<span style='{NOTE_STYLE}'>&#10003; {esc(lc.provenance_text(d, self.key))}"
                               f"</span>")
        elif self.key in lc.STABLE and self.old.strip() and getattr(d, self.key).strip():
            self.note.value = f"<span style='{NOTE_STYLE}'>changed in this session</span>"
        else:
            self.note.value = ""
        meeting = self.key in lc.MEETING and self.old.strip()
        # Last time's answer to a question about this meeting, for reference only.
        self.reference.value = (f"<div style='{NOTE_STYLE};white-space:pre-wrap'><i>Last time "
                                f"({esc(when)}):</i> {esc(self.old)}</div>" if meeting else "")
        # "Since last time" cannot be last time's words: that one is only shown.
        reusable = meeting and self.key != "summary" and kind != lc.CONFIRMED
        if reusable:
            self.button.description = "Use last time's answer (confirm)"
        show = kind == lc.CARRIED or reusable
        self.button.layout.display = None if show else "none"
        self.widget.layout.display = (None if (self.note.value or self.reference.value
                                               or show) else "none")
