"""A draft already open for this supervisor and supervisee(s), from another day: say so,
and let the person continue it (under its date, or as today's) or discard it (logged by id
and kept whole, so it can be restored) and start today's session."""
from __future__ import annotations

import copy
import datetime as dt

import ipywidgets as w

from ...domain.lifecycle import day_text
from ...domain.records import SessionRecord
from ...domain.values import parse_date
from ...errors import SupervisionError
from ..common import esc, show_refusal


class DraftPrompt:
    """The question and its three answers, each a button (and a recorder method)."""

    def __init__(self, rec, draft: SessionRecord):
        when, today = day_text(draft.date), day_text(rec.wanted_date)
        names = ", ".join(rec.name_of(p) for p in draft.supervisee_ids)
        today_word = "today's" if rec.wanted_date == dt.date.today() else f"the {today} one"
        self.question = w.HTML(value=(
            f"<div class='draft-prompt' role='alert' style='border:2px solid #8a5a00;"
            f"padding:8px;background:#fff8e1'><b>A draft from {esc(when)} is open</b> for "
            f"{esc(names)}: continue it, or discard it and start {esc(today_word)}.</div>"))
        self.continue_button = w.Button(description=f"Continue the draft of {when}",
                                        icon="pencil", layout={"width": "auto"})
        self.today_button = w.Button(description=f"Continue it, dated {today}",
                                     icon="calendar", layout={"width": "auto"})
        self.discard_button = w.Button(description=f"Discard it and start {today_word} session",
                                       icon="trash", button_style="warning", layout={"width": "auto"})
        self.continue_button.on_click(lambda _: rec.continue_draft())
        self.today_button.on_click(lambda _: rec.continue_draft(use_today=True))
        self.discard_button.on_click(lambda _: rec.discard_draft())
        self.widget = w.VBox([self.question, w.HBox(
            [self.continue_button, self.today_button, self.discard_button],
            layout={"flex_flow": "row wrap"})])


class DraftsMixin:
    """``continue_draft``, ``discard_draft`` and ``request_record`` of the recorder."""

    @property
    def wanted_date(self):
        """The date this session was opened for (today unless another was given)."""
        return parse_date(self._wanted[1], "date") or dt.date.today()

    def _ask_about(self, draft: SessionRecord) -> None:
        self.pending_draft = draft
        self.prompt = DraftPrompt(self, draft)
        self.widget.children = [self.prompt.widget, self.answers.home]

    def continue_draft(self, use_today: bool = False) -> bool:
        """Continue the open draft: under its own date, or (if chosen) as today's session."""
        draft = self.pending_draft
        if draft is None:
            return False
        self.pending_draft = None
        self._last_saved = copy.deepcopy(draft)
        if use_today:
            draft.date = self.wanted_date
        self.record = draft
        if use_today:
            self.changed()
        return True

    def discard_draft(self) -> bool:
        """Discard the open draft (logged, and kept so it can be restored) and start today's
        session."""
        draft = self.pending_draft
        if draft is None:
            return False
        try:
            self.tk.discard_draft(draft.id)
            self.pending_draft = None
            kind, date = self._wanted
            rec = self.tk.open_session(self.supervisee_ids, date=date, type=kind)
        except SupervisionError as e:
            show_refusal(self, e)
            return False
        self.status = (f"The draft of {day_text(draft.date)} was discarded (logged, and kept so "
                       f"it can be restored)")
        if rec.version and rec.date != self.wanted_date:
            self._ask_about(rec)   # an older draft still open for them: ask again
            return True
        self._last_saved = copy.deepcopy(rec) if rec.version else None
        self.record = rec
        return True

    def request_record(self, session_id: str) -> None:
        """Ask the app to open another record (an unsigned later discussion of a case)."""
        self.requested_record = ""
        self.requested_record = session_id
