"""``CaseMeetingsPanel``: the dated meetings about a case (child in need review, core
group, initial and review child protection conference, looked-after review), to add,
change or remove, so supervision can discuss the case before each [HSCB aim 4].

The meetings are a ``DataTable``: a row click puts that meeting in the form to change or
remove. Every button is also a method (``choose_case``, ``choose_meeting``, ``add``,
``save``, ``remove``), so tests drive it by setting values and clicking. Access is the facade's:
the case's worker, their supervisor or manager, and any role that may write about it.
"""
from __future__ import annotations

import datetime as dt

import ipywidgets as w
from traitlets import HasTraits, List, Unicode, observe

from ..domain.lifecycle import day_text
from ..domain.meetings import MEETING_KINDS, CaseMeeting
from ..errors import SupervisionError
from .common import Beside, Displayable, Field, attempt, esc, message, status_html
from .dates import DateInput
from .table import DataTable

NO_CASE = ("— choose a case —", "")
COLUMNS = (("date", "Date"), ("kind", "Meeting"), ("note", "Note"), ("when", "Past or to come"))


class CaseMeetingsPanel(HasTraits, Displayable):
    """One case's meetings: a table (click a row to change or remove that meeting) and a
    form to add one or change the chosen one."""

    meetings = List(help="The chosen case's meetings, soonest first")
    status = Unicode("")

    def __init__(self, tk, *, case_id: str = ""):
        super().__init__()
        self.tk = tk
        try:
            cases = tk.cases()
        except SupervisionError as e:
            cases, self.status = [], message(e)
        self.case = w.Dropdown(options=[NO_CASE, *[(c.reference, c.id) for c in cases]],
                               value="", description="Case", layout={"width": "24em"},
                               style={"description_width": "auto"})
        self.case.observe(lambda c: self.choose_case(c["new"]), "value")
        # click a row (or Enter on it) to change or remove that meeting in the form below
        self.table = DataTable(COLUMNS, caption="Meetings about the case", sort_by="date",
                               empty_text="No meetings entered for this case.")
        self.table.observe(lambda c: self.choose_meeting(c["new"]), "selected")
        self.new_button = w.Button(description="New meeting", icon="plus")
        self.new_button.on_click(lambda _: self.choose_meeting(""))
        self.chosen = w.HTML(value="")
        auto = {"description_width": "auto"}
        self.kind = w.Dropdown(options=[(v, k) for k, v in MEETING_KINDS.items()],
                               value="core group", description="Kind of meeting", style=auto,
                               layout={"width": "30em"})
        self.date = DateInput(value=None, description="Meeting on")
        self.note = w.Text(value="", description="Note", placeholder="optional; no child's "
                           "name needed", style=auto, layout={"width": "30em"})
        self.fields = {"kind": Field(None, self.kind), "date": Field(None, self.date),
                       "note": Field(None, self.note)}
        self.add_button = w.Button(description="Add meeting", icon="plus")
        self.save_button = w.Button(description="Save changes", icon="save", disabled=True)
        self.remove_button = w.Button(description="Remove", icon="trash", disabled=True)
        self.add_button.on_click(lambda _: self.add())
        self.save_button.on_click(lambda _: self.save())
        self.remove_button.on_click(lambda _: self.remove())
        self._status = w.HTML(value="")
        self.form = w.VBox([self.table, w.HBox([self.new_button, self.chosen]),
                            *(f.box for f in self.fields.values()),
                            Beside(self._status).row(self.add_button, self.save_button,
                                                     self.remove_button)])
        self.form.layout.display = "none"
        intro = w.HTML(value="<small>Meetings about the case that supervision should come "
                             "before; a case not discussed in the days before one is flagged "
                             "under <b>Also due</b>.</small>")
        self.widget = w.VBox([intro, self.case, self.form])
        if case_id:
            self.choose_case(case_id)

    # -- gestures ------------------------------------------------------------------
    def choose_case(self, case_id: str) -> None:
        """Show ``case_id``'s meetings and the form to add one."""
        if self.case.value != case_id:
            self.case.value = case_id  # observed: comes back here once
            return
        self.form.layout.display = "" if case_id else "none"
        self.refresh()

    def choose_meeting(self, meeting_id: str) -> None:
        """Put a meeting in the form to change or remove it, as a click on its row does
        (``""``: a new one, no row chosen)."""
        if self.table.selected != meeting_id:
            self.table.select(meeting_id)  # observed: comes back here
            return
        chosen = self.chosen_meeting
        self.save_button.disabled = self.remove_button.disabled = chosen is None
        self.add_button.disabled = chosen is not None
        if chosen is not None:
            self.kind.value, self.date.value, self.note.value = chosen.kind, chosen.date, chosen.note
        self.chosen.value = (f"<b>Changing:</b> {esc(MEETING_KINDS.get(chosen.kind, chosen.kind))} "
                             f"on {esc(day_text(chosen.date))}" if chosen is not None else
                             "<small>A new meeting, or click one in the table to change it."
                             "</small>")
        self._clear_errors()

    @property
    def chosen_meeting(self) -> CaseMeeting | None:
        """The meeting whose row is selected (None when none is)."""
        return self.table.chosen_in(self.meetings)

    def add(self) -> CaseMeeting | None:
        """Enter the meeting in the form for the chosen case."""
        self._clear_errors()
        out = attempt(self, self.fields, "Not added", lambda: self.tk.add_case_meeting(
            CaseMeeting(self.case.value, self.kind.value, self.date.value, self.note.value)))
        if out is not None:
            self.status = f"Added: {MEETING_KINDS[out.kind]} on {day_text(out.date)}"
            self._done()
        return out

    def save(self) -> CaseMeeting | None:
        """Save the form over the chosen meeting."""
        self._clear_errors()
        if self.chosen_meeting is None:
            self.status = "Not saved: choose a meeting"
            return None
        out = attempt(self, self.fields, "Not saved", lambda: self.tk.update_case_meeting(
            CaseMeeting(self.case.value, self.kind.value, self.date.value, self.note.value,
                        self.table.selected)))
        if out is not None:
            self.status = f"Saved: {MEETING_KINDS[out.kind]} on {day_text(out.date)}"
            self._done()
        return out

    def remove(self) -> bool:
        """Remove the chosen meeting."""
        chosen = self.chosen_meeting
        if chosen is None:
            self.status = "Not removed: choose a meeting"
            return False
        try:
            self.tk.remove_case_meeting(chosen.id)
        except SupervisionError as e:
            self.status = f"Not removed: {message(e)}"
            return False
        self.status = f"Removed: {MEETING_KINDS[chosen.kind]} on {day_text(chosen.date)}"
        self._done()
        return True

    # -- state -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the chosen case's meetings."""
        if not self.case.value:
            self.meetings = []
            return
        try:
            self.meetings = self.tk.case_meetings(self.case.value)
        except SupervisionError as e:
            self.status = message(e)

    @observe("meetings")
    def _meetings_changed(self, change) -> None:
        today = dt.date.today()
        rows = [{"id": m.id, "date": m.date, "kind": MEETING_KINDS.get(m.kind, m.kind),
                 "note": m.note or "—", "when": "past" if m.date < today else "to come"}
                for m in change["new"]]
        # The chosen row stays if its meeting is still there, else the choice clears.
        self.table.set_records(rows)
        self.choose_meeting(self.table.selected)

    @observe("status")
    def _status_changed(self, change) -> None:
        self._status.value = status_html(change["new"])

    def _clear_errors(self) -> None:
        for f in self.fields.values():
            f.set_error("")

    def _done(self) -> None:
        self.note.value, self.date.value = "", None
        self.choose_meeting("")  # the form is for a new meeting again
        self.refresh()
