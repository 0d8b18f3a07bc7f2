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
    """One answer's provenance line and its Confirm button, shown under the answer's box
    in its ``Field``. They are made only once there is something to show (a new case's
    answers never have any) and placed straight in the field: no box of their own, as a
    discussion form was over two hundred models for the browser to make [issue 15]."""

    def __init__(self, form, key: str, field):
        self.form, self.key, self.field = form, key, field
        prev = form.previous
        self.old = (getattr(prev, key, "") or "") if prev is not None else ""
        self._parts: tuple[w.HTML, w.Button] | None = None
        note, reference, label, show = self._state()
        if note or reference or show:
            self._made(note, reference, label)
            self._place(show)

    def _made(self, note: str, reference: str, label: str) -> tuple[w.HTML, w.Button]:
        if self._parts is None:
            text = html_text(reference + note)  # last time's answer, then where today's came from
            button = w.Button(description=label or "Confirm unchanged",
                              style=shared_look("button"), layout=shared_look("auto"))
            button.on_click(lambda _: self.form.confirm(self.key))
            self._parts = (text, button)
        return self._parts

    def _place(self, offered: bool) -> None:
        """Show the line (if it has text) and the button (if offered) under the answer."""
        text, button = self._parts
        box = self.field.box
        kids = [x for x in box.children if x is not text and x is not button]
        i = next(j for j, x in enumerate(kids) if x is self.field.input) + 1
        mine = ([text] if text.value else []) + ([button] if offered else [])
        new = (*kids[:i], *mine, *kids[i:])
        if new != tuple(box.children):
            box.children = new

    def _built(self) -> tuple[w.HTML, w.Button]:
        return self._made("", "", "")

    @property
    def note(self) -> w.HTML:
        """The line saying where the answer's text came from (after last time's answer)."""
        return self._built()[0]

    @property
    def reference(self) -> w.HTML:
        """The line showing last time's answer, for reference (the note's line)."""
        return self._built()[0]

    @property
    def button(self) -> w.Button:
        """Confirm the carried answer (or take last time's)."""
        return self._built()[1]

    @property
    def offered(self) -> bool:
        """Whether the Confirm button is on screen."""
        return self._parts is not None and any(x is self._parts[1] for x in self.field.box.children)

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
        text, button = self._made(note, reference, label)
        text.value = reference + note
        if label:
            button.description = label
        self._place(show)
