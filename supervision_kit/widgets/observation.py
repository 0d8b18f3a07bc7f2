"""Observation of practice [Havering 8]: plan, record and review.

``ObservationForm`` plans an observation (a future date, agreed in advance) or records
one: date, observer, setting, permissions sought from service users or professionals,
what went well, development points and the supervision session where it was discussed.
``ObservationList`` shows a supervisee's (or everyone visible's) observations as a
``DataTable`` (a row click shows that observation in full below), who is short of the
policy's observations this year (another table), and lets a manager mark a random sample for
the quality-assurance audit. Every button is also a method; typed text is shown as text.
"""
from __future__ import annotations

import dataclasses as dc
import datetime as dt

import ipywidgets as w
from traitlets import HasTraits, Instance, List, Unicode, observe

from ..domain.records import Observation
from ..domain.values import parse_date
from ..errors import SupervisionError, ValidationError
from .common import Beside, Displayable, Field, esc, now_text, show_refusal, status_html, textarea
from .dates import DateInput
from .table import DataTable, cell_text

NOTES = (("setting", "Setting", "where, with whom, what kind of work"),
         ("permissions", "Permissions sought", "from the service users or professionals present"),
         ("went_well", "What went well", ""),
         ("development_points", "Development points", "for discussion at the next supervision"))
NOT_YET = ("— not yet discussed —", "")
PRE = "white-space:pre-wrap"
SHORT = (("name", "Supervisee"), ("reason", "Why"))
COLUMNS = (("date", "Date"), ("supervisee", "Supervisee"), ("observer", "Observer"),
           ("setting", "Setting"), ("state", "State"), ("qa_sample", "QA sample"))


def observation_state(o: Observation, today: dt.date) -> str:
    """Planned (ahead), not written up (its date passed with no record: not counted as
    held), discussed, or recorded."""
    if o.date > today:
        return "planned"
    if not (o.setting or "").strip():
        return "planned, not written up"
    return "discussed" if o.discussed_session_id else "recorded"


class ObservationForm(HasTraits, Displayable):
    """One observation: new (planned or recorded) or stored (``observation_id``)."""

    observation = Instance(Observation, allow_none=True, help="As last saved")
    status = Unicode("")

    def __init__(self, tk, supervisee_id: str | None = None, observation_id: str | None = None,
                 *, today: dt.date | None = None):
        super().__init__()
        self.tk, self.today = tk, today or dt.date.today()
        people = [p for p in tk.practitioners(include_left=False) if p.id != tk.me.id]
        self.supervisee = w.Dropdown(options=[(p.name, p.id) for p in people], value=None,
                                     description="Supervisee")
        observers = [(tk.me.name, tk.me.id)] + [(p.name, p.id) for p in people
                                                 if p.role in ("supervisor", "manager")]
        self.observer = w.Dropdown(options=observers, value=tk.me.id, description="Observer")
        self.date = DateInput(value=self.today, description="Date")
        self.planned = w.Checkbox(value=True, indent=False,
                                  description="Planned and agreed in advance with the supervisee")
        self.inputs = {k: textarea(t, rows=2, placeholder=h or t) for k, t, h in NOTES}
        self.session = w.Dropdown(options=[NOT_YET], value="", description="Discussed in")
        self.fields = {"supervisee_id": Field(None, self.supervisee), "date": Field(None, self.date),
                       "observer_id": Field(None, self.observer),
                       **{k: Field(t, self.inputs[k], h) for k, t, h in NOTES},
                       "discussed_session_id": Field("Supervision session where it was discussed",
                                                     self.session)}
        self.save_button = w.Button(description="Save observation", icon="save", button_style="primary")
        self.save_button.on_click(lambda _: self.save())
        self.header = w.HTML(value="")
        self._status = w.HTML(value="")
        self.supervisee.observe(lambda _: self._sessions(), "value")
        self.widget = w.VBox([
            self.header,
            w.HBox([self.fields[k].box for k in ("supervisee_id", "observer_id", "date")]),
            self.planned, *[self.fields[k].box for k, _, _ in NOTES],
            self.fields["discussed_session_id"].box, Beside(self._status).row(self.save_button)])
        try:
            if observation_id:
                found = [o for o in tk.observations() if o.id == observation_id]
                if not found:
                    raise ValidationError("observation", f"no observation {observation_id!r} you can see")
                self.observation = found[0]
            elif supervisee_id:
                self.supervisee.value = supervisee_id
        except SupervisionError as e:
            show_refusal(self, e)
        self._header()

    def _sessions(self) -> None:
        pid = self.supervisee.value
        opts = [NOT_YET]
        if pid:
            try:
                opts += [(f"{s['date']:%d %b %Y} ({s['state']})", s["id"])
                         for s in self.tk.sessions(supervisee_id=pid) if s["state"] != "cancelled"]
            except SupervisionError:
                pass
        keep = self.session.value if self.session.value in {v for _, v in opts} else ""
        self.session.options = opts
        self.session.value = keep

    def _header(self) -> None:
        o = self.observation
        if o is None:
            self.header.value = ("<h3 style='margin:4px 0'>Observation of practice</h3><small>Plan "
                                 "one (a date ahead) or record one you have made. At least twice "
                                 "a year [Havering 8].</small>")
        else:
            state = observation_state(o, self.today).replace("discussed", "recorded") + (
                ", discussed in supervision" if o.discussed_session_id else "") + (
                ", in the quality-assurance sample" if o.qa_sample else "")
            self.header.value = (f"<h3 style='margin:4px 0'>Observation of practice</h3>"
                                 f"<small>{esc(o.date)}: {esc(state)}</small>")

    @observe("observation")
    def _observation_changed(self, change) -> None:
        o = change["new"]
        if o is None:
            return
        if o.supervisee_id not in {v for _, v in self.supervisee.options}:
            name = self._names().get(o.supervisee_id, o.supervisee_id)
            self.supervisee.options = [*self.supervisee.options, (name, o.supervisee_id)]
        self.supervisee.value = o.supervisee_id
        if o.observer_id not in {v for _, v in self.observer.options}:
            name = self._names().get(o.observer_id, o.observer_id)
            self.observer.options = [*self.observer.options, (name, o.observer_id)]
        self.observer.value = o.observer_id
        self.date.value, self.planned.value = o.date, o.planned
        for k, _, _ in NOTES:
            self.inputs[k].value = getattr(o, k) or ""
        self._sessions()
        self.session.value = o.discussed_session_id or ""
        self._header()

    def _names(self) -> dict[str, str]:
        try:
            return self.tk.observation_names()
        except SupervisionError:
            return {}

    @observe("status")
    def _status_changed(self, change) -> None:
        self._status.value = status_html(change["new"])

    def compose(self) -> Observation:
        """The observation as the form shows it (not yet saved)."""
        base = self.observation
        return Observation(supervisee_id=self.supervisee.value or "", observer_id=self.observer.value,
                           date=self.date.value, planned=self.planned.value,
                           discussed_session_id=self.session.value or None,
                           qa_sample=base.qa_sample if base else False, id=base.id if base else None,
                           **{k: self.inputs[k].value for k, _, _ in NOTES})

    def _problems(self, o: Observation) -> dict[str, str]:
        out = {}
        if not o.supervisee_id:
            out["supervisee_id"] = "Choose whose practice is observed"
        if o.date is None:
            out["date"] = "Choose the date"
        elif o.date <= self.today:  # it happened: the record needs its substance
            for k, msg in (("setting", "Say where and what was observed"),
                           ("permissions", "Record the permissions sought from those present")):
                if not getattr(o, k).strip():
                    out[k] = msg
        elif o.discussed_session_id:
            out["discussed_session_id"] = "A planned observation cannot have been discussed yet"
        return out

    def save(self) -> Observation | None:
        """Save the plan or the record; problems are shown beside their fields."""
        o = self.compose()
        problems = self._problems(o)
        for k, f in self.fields.items():
            f.set_error(problems.get(k, ""))
        if problems:
            self.status = "Not saved: " + "; ".join(problems.values())
            return None
        try:
            saved = self.tk.save_observation(o)
        except SupervisionError as e:
            show_refusal(self, e, "Not saved", beside=self.fields)
            return None
        self.observation = dc.replace(saved)
        self.status = f"Saved at {now_text()}"
        return saved


class ObservationList(HasTraits, Displayable):
    """Observations this user may see, with what the policy still needs and the QA sample.

    A row click selects that observation, shown in full below the table (unless
    ``detail=False``: the caseload opens its form instead)."""

    items = List(help="Observations (as ``tk.observations``)")
    status = Unicode("")

    def __init__(self, tk, supervisee_id: str | None = None, as_of=None, detail: bool = True):
        super().__init__()
        self.tk, self.supervisee_id, self.as_of = tk, supervisee_id, as_of
        self.show_detail = detail
        # who is short of the policy's observations this year, and why
        self.short = DataTable(SHORT, caption="Short of the policy's observations", sort_by="name",
                               empty_text="Everyone has the observations the policy asks for.")
        # click a row (or Enter on it) to open that observation
        self.table = DataTable(COLUMNS, caption="Observations", sort_by="date", ascending=False,
                               empty_text="No observations yet.")
        self.detail = w.HTML(value="")
        self.table.observe(lambda _: self._selected(), "selected")
        self.fraction = w.BoundedFloatText(value=0.2, min=0.01, max=1.0, step=0.05,
                                           description="Fraction")
        self.sample_button = w.Button(description="Mark a random sample for QA audit",
                                      icon="random", layout={"width": "auto"})
        self.sample_button.on_click(lambda _: self.sample_for_qa(self.fraction.value))
        qa = [w.HBox([self.fraction, self.sample_button])] if tk.me.role in ("manager", "admin") else []
        self._status = w.HTML(value="")
        self.widget = w.VBox([w.HTML(value="<h2 style='margin:4px 0'>Observations of practice</h2>"),
                              self.short, self.table, self.detail, *qa, self._status])
        self.refresh()

    def refresh(self) -> None:
        """Read the observations and the policy's requirement again."""
        try:
            self.items = self.tk.observations(self.supervisee_id)
            df = self.tk.observations_due(as_of=self.as_of)
        except SupervisionError as e:
            show_refusal(self, e)
            return
        if self.supervisee_id:
            df = df[df["supervisee_id"] == self.supervisee_id]
        self.short.set_rows(df[df["days_overdue"] > 0], key="supervisee_id")

    @observe("items")
    def _items_changed(self, change) -> None:
        # The observer may be someone this user cannot look up (a supervisee's supervisor).
        self.names = {p.id: p.name for p in self.tk.practitioners()} | self.tk.observation_names(
            self.supervisee_id)
        today = parse_date(self.as_of, "as_of") or dt.date.today()
        rows = [{"id": o.id, "date": o.date,
                 "supervisee": self.names.get(o.supervisee_id, o.supervisee_id),
                 "observer": self.names.get(o.observer_id, o.observer_id), "setting": o.setting or "—",
                 "state": observation_state(o, today), "qa_sample": "yes" if o.qa_sample else "no"}
                for o in change["new"]]
        self.table.set_records(rows)
        self._selected()  # the detail follows the row, now as saved (or clears)

    @property
    def chosen(self) -> Observation | None:
        """The observation whose row is selected (None when none is)."""
        return self.table.chosen_in(self.items)

    def select(self, observation_id: str) -> Observation | None:
        """Choose an observation (clicking its row)."""
        self.table.select(observation_id)
        return self.chosen

    def _selected(self) -> None:
        o = self.chosen
        if o is None or not self.show_detail:
            self.detail.value = ""
            return
        name = self.names.get
        items = [("Date", cell_text(o.date)), ("Supervisee", name(o.supervisee_id, o.supervisee_id)),
                 ("Observer", name(o.observer_id, o.observer_id)),
                 *((t, getattr(o, k) or "—") for k, t, _ in NOTES)]
        rows = "".join(f"<dt>{esc(k)}</dt><dd style='{PRE}'>{esc(v)}</dd>" for k, v in items)
        self.detail.value = f"<dl class='sk-row-detail observation-detail'>{rows}</dl>"

    @observe("status")
    def _status_changed(self, change) -> None:
        self._status.value = f"<small>{esc(change['new'])}</small>" if change["new"] else ""

    def sample_for_qa(self, fraction: float = 0.2, seed=None) -> list[str]:
        """Mark a random sample of recorded observations for the QA team's audit."""
        try:
            ids = self.tk.sample_observations_for_qa(fraction, seed, as_of=self.as_of)
        except SupervisionError as e:
            show_refusal(self, e, "Not sampled")
            return []
        self.status = f"{len(ids)} observation(s) marked for the quality-assurance audit"
        self.refresh()
        return ids

    def form(self, observation_id: str | None = None) -> ObservationForm:
        """A form for a stored observation, or a new one for this list's supervisee."""
        return ObservationForm(self.tk, self.supervisee_id, observation_id)
