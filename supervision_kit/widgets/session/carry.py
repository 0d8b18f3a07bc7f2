"""Beside each answer of a follow-up discussion: where its text came from, last time's
answer for reference (as text), and a button to confirm it. Confirming is recorded in the
discussion's provenance, so it prints as "confirmed from <date>"."""
from __future__ import annotations

import ipywidgets as w

from ...domain import lifecycle as lc
from ..common import esc, html_text, shared_look

NOTE_STYLE = "color:#555;font-size:90%"
CARRIED_STYLE = "color:#8a5a00;font-size:90%"


class AnswerNote:
    """One answer's provenance line and its Confirm button; their widgets are made only
    once there is something to show (a new case's answers never have any: a discussion
    form drew over a hundred widgets for nothing) [issue 15]."""

    def __init__(self, form, key: str):
        self.form, self.key = form, key
        prev = form.previous
        self.old = (getattr(prev, key, "") or "") if prev is not None else ""
        self._parts: tuple[w.HTML, w.HTML, w.Button] | None = None
        note, reference, label, show = self._state()
        shown = bool(note or reference or show)
        # made as they will first be shown: no update follows their creation
        self.widget = w.VBox(self._make(note, reference, label, show) if shown else [],
                             layout={"display": None if shown else "none"})

    def _make(self, note: str, reference: str, label: str, show: bool) -> list:
        note_w, reference_w = html_text(note), html_text(reference)
        button = w.Button(description=label, style=shared_look("button"),
                          layout={"width": "auto", "display": None if show else "none"})
        button.on_click(lambda _: self.form.confirm(self.key))
        self._parts = (note_w, reference_w, button)
        return [reference_w, w.HBox([note_w, button])]

    def _built(self) -> tuple[w.HTML, w.HTML, w.Button]:
        if self._parts is None:
            self.widget.children = self._make("", "", "", False)
        return self._parts

    @property
    def note(self) -> w.HTML:
        """Where the answer's text came from."""
        return self._built()[0]

    @property
    def reference(self) -> w.HTML:
        """Last time's answer, for reference."""
        return self._built()[1]

    @property
    def button(self) -> w.Button:
        """Confirm the carried answer (or take last time's)."""
        return self._built()[2]

    def _state(self) -> tuple[str, str, str, bool]:
        """(note, reference, button label, button shown) for the answer as it is now."""
        d, when = self.form.d, lc.day_text(self.form.previous_date)
        kind = lc.how(d, self.key)
        label = ""
        if kind == lc.CARRIED:
            note = f"<span style='{CARRIED_STYLE}'>{esc(lc.provenance_text(d, self.key))}</span>"
            label = "Confirm unchanged"
        elif kind == lc.CONFIRMED:
            note = (f"<span style='{NOTE_STYLE}'>&#10003; {esc(lc.provenance_text(d, self.key))}"
                    f"</span>")
        elif self.key in lc.STABLE and self.old.strip() and getattr(d, self.key).strip():
            note = f"<span style='{NOTE_STYLE}'>changed in this session</span>"
        else:
            note = ""
        meeting = self.key in lc.MEETING and self.old.strip()
        # Last time's answer to a question about this meeting, for reference only.
        reference = (f"<div style='{NOTE_STYLE};white-space:pre-wrap'><i>Last time "
                     f"({esc(when)}):</i> {esc(self.old)}</div>" if meeting else "")
        # "Since last time" cannot be last time's words: that one is only shown.
        reusable = meeting and self.key != "summary" and kind != lc.CONFIRMED
        if reusable:
            label = "Use last time's answer (confirm)"
        return note, reference, label, kind == lc.CARRIED or bool(reusable)

    def show(self) -> None:
        """Bring the note and button up to date with the discussion's provenance."""
        note, reference, label, show = self._state()
        if self._parts is None and not (note or reference or show):
            return  # nothing to show, nothing made
        note_w, reference_w, button = self._built()
        note_w.value, reference_w.value = note, reference
        if label:
            button.description = label
        button.layout.display = None if show else "none"
        self.widget.layout.display = None if (note or reference or show) else "none"
