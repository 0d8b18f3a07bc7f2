"""Safeguarding training records [Surrey 6; Temple Appendix 2 "CP/Safeguarding Training"].

``TrainingRecordPanel(tk)`` records a course attended (course, level, date, renewal) for
oneself or someone one supervises or manages, and shows their record (a ``DataTable``:
a row click shows that course in full below it) and whether they hold the level their
role needs. ``TrainingTakeUp(tk)`` is the quality-assurance view:
take-up by team and who is out of date. The levels and renewal period are data
(``templates/training/levels.yaml``).
"""
from __future__ import annotations


import ipywidgets as w
import pandas as pd
from traitlets import HasTraits, List, Unicode, observe

from ..errors import SupervisionError
from .common import Beside, Displayable, Field, esc, now_text, show_refusal
from .dates import DateInput
from .table import DataTable, with_detail


COURSES = (("course", "Course"), ("level", "Level"), ("attended", "Attended"),
           ("renewal_due", "Renew by"))


class TrainingRecordPanel(HasTraits, Displayable):
    """One practitioner's safeguarding training: add a course, see the record and status."""

    records = List(help="The chosen practitioner's courses (as ``tk.training_records``)")
    status = Unicode("")

    def __init__(self, tk, practitioner_id: str | None = None, as_of=None):
        super().__init__()
        self.tk, self.as_of = tk, as_of
        conf = tk.training_levels()
        people = {p.id: p.name for p in tk.practitioners(include_left=False)}
        people.setdefault(tk.me.id, tk.me.name)
        self.person = w.Dropdown(options=sorted(((n, i) for i, n in people.items())),
                                 value=practitioner_id if practitioner_id in people else tk.me.id,
                                 description="Practitioner")
        self.course = w.Text(value="", placeholder="e.g. Safeguarding Children Level 3",
                             layout={"width": "30em"})
        self.level = w.Dropdown(options=[(f"{k}: {v}", k) for k, v in conf["levels"].items()],
                                value=max(conf["levels"]), description="Level")
        self.attended = DateInput(value=None, description="Attended")
        self.renewal = DateInput(value=None, description="Renew by")
        self.fields = {"course": Field("Course", self.course), "level": Field(None, self.level),
                       "attended": Field(None, self.attended),
                       "renewal_due": Field(None, self.renewal,
                                            f"blank: {conf['renewal_months']} months after")}
        self.add_button = w.Button(description="Add course", icon="plus", button_style="primary")
        self.add_button.on_click(lambda _: self.add())
        self.summary = w.HTML(value="")
        # click a row (or Enter on it) to read that course in full below the table
        self.table = DataTable(COURSES, caption="Courses attended", sort_by="attended",
                               ascending=False, empty_text="No training recorded.")
        listing = with_detail(self.table)
        self.detail = listing.detail
        self._status = w.HTML(value="")
        self.person.observe(lambda _: self.refresh(), "value")
        self.widget = w.VBox([
            w.HTML(value="<h2 style='margin:4px 0'>Safeguarding training</h2>"),
            self.person, self.summary, listing, self.fields["course"].box,
            w.HBox([self.fields[k].box for k in ("level", "attended", "renewal_due")]),
            Beside(self._status).row(self.add_button)])
        self.refresh()

    def refresh(self) -> None:
        """Read the chosen practitioner's record and status again."""
        pid = self.person.value
        try:
            self.records = self.tk.training_records(pid)
            st = self.tk.training_status(as_of=self.as_of)
        except SupervisionError as e:
            show_refusal(self, e)
            return
        row = st[st["practitioner_id"] == pid]
        if row.empty:
            self.summary.value = ""
            return
        r = row.iloc[0]
        need = "none" if pd.isna(r["required_level"]) else f"level {int(r['required_level'])}"
        colour = "#b00020" if r["out_of_date"] else "#1b5e20"
        self.summary.value = (f"<div>Required for a {esc(r['role'])}: {esc(need)}. "
                              f"<span style='color:{colour}'><b>{'Out of date' if r['out_of_date'] else 'Up to date'}"
                              f"</b>: {esc(r['reason'])}</span></div>")

    @observe("records")
    def _records_changed(self, change) -> None:
        # Another practitioner's courses, or the same ones again: a chosen row stays if still there.
        self.table.set_records(change["new"])

    @observe("status")
    def _status_changed(self, change) -> None:
        text = change["new"]
        colour = "#b00020" if text.startswith("Not") else "#555"
        self._status.value = f"<div style='color:{colour}'>{esc(text)}</div>" if text else ""

    def add(self, course: str | None = None, level: int | None = None, attended=None,
            renewal_due=None, practitioner_id: str | None = None) -> dict | None:
        """Record a course (arguments default to what the form shows)."""
        if practitioner_id:
            self.person.value = practitioner_id
        args = dict(course=self.course.value if course is None else course,
                    level=self.level.value if level is None else level,
                    attended=self.attended.value if attended is None else attended,
                    renewal_due=self.renewal.value if renewal_due is None else renewal_due)
        for f in self.fields.values():
            f.set_error("")
        try:
            r = self.tk.add_training_record(self.person.value, **args)
        except SupervisionError as e:
            show_refusal(self, e, "Not added", beside=self.fields)
            return None
        self.course.value = ""
        self.attended.value = self.renewal.value = None
        self.status = f"Added at {now_text()}"
        self.refresh()
        self.table.select(r["id"])  # the new course, chosen in the list that now holds it
        return r


TAKE_UP = (("team", "Team"), ("staff", "Staff"), ("up_to_date", "Up to date"),
           ("out_of_date", "Out of date"), ("take_up_percent", "Take-up %"))
OUT_OF_DATE = (("name", "Name"), ("team", "Team"), ("role", "Role"),
               ("required_level", "Level needed"), ("latest_course", "Latest course"),
               ("renewal_due", "Renewal was due"), ("reason", "Why"))


class TrainingTakeUp(HasTraits, Displayable):
    """Quality assurance: take-up of safeguarding training by team, and who is out of date."""

    status = Unicode("")

    def __init__(self, tk, as_of=None, team: str | None = None):
        super().__init__()
        self.tk, self.as_of, self.team = tk, as_of, team
        self.take_up = pd.DataFrame()
        self.out_of_date = pd.DataFrame()
        self.summary = DataTable(TAKE_UP, caption="Take-up by team", sort_by="team",
                                 empty_text="No staff need safeguarding training.")
        self.people = DataTable(OUT_OF_DATE, caption="Out of date", sort_by="name",
                                empty_text="Everyone is up to date.")
        self.problem = w.HTML(value="")
        self.widget = w.VBox([w.HTML(value="<h2 style='margin:4px 0'>Safeguarding training take-up</h2>"),
                              self.problem, self.summary, with_detail(self.people)])
        self.refresh()

    def refresh(self) -> None:
        """Compute take-up and the out-of-date list again."""
        try:
            self.take_up = self.tk.training_take_up(as_of=self.as_of)
            st = self.tk.training_status(as_of=self.as_of, team=self.team)
        except SupervisionError as e:
            show_refusal(self, e)
            self.problem.value = f"<i>{esc(self.status)}</i>"
            return
        if self.team:
            self.take_up = self.take_up[self.take_up["team"] == self.team].reset_index(drop=True)
        self.out_of_date = st[st["out_of_date"]].reset_index(drop=True)
        self.problem.value = ""
        self.summary.set_rows(self.take_up, key="team" if "team" in self.take_up else None)
        self.people.set_rows(self.out_of_date,
                             key="practitioner_id" if "practitioner_id" in self.out_of_date else None)
