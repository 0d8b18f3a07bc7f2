"""Contracts, observations of practice and training records in the apps [issue 10].

The caseload app's "Contracts", "Observations" and "Training records" tabs compose
``ContractForm``, ``ObservationList``/``ObservationForm`` and ``TrainingRecordPanel``;
each tab is built the first time it is opened (``LazySection``) so the caseload shows
at once. ``my_contract`` is the supervisee's own contract for the reflection app's
"My supervision" tab.
"""
from __future__ import annotations

import ipywidgets as w

from ..errors import SupervisionError
from ..widgets.common import Displayable, message
from .common import STAFF_ROLES, message_box

NEW = ""


class LazySection(Displayable):
    """A tab whose content (``make()``, an object with ``.widget``) is built on first ``open()``."""

    def __init__(self, make):
        self.make = make
        self.content = None
        self.widget = w.VBox([])

    def open(self):
        """Build the content if not yet built; returns it (None if the facade refused)."""
        if self.content is None:
            try:
                self.content = self.make()
            except SupervisionError as e:
                self.widget.children = [message_box(message(e), "error")]
                return None
            self.widget.children = [self.content.widget]
        return self.content


def my_supervisees(tk) -> list:
    """Whom this user agrees contracts with: current supervisees and, for a first
    contract, the people whose line manager they are (by name)."""
    mine = {p.id: p for p in tk.supervisees()}
    for p in tk.practitioners(include_left=False):
        if p.line_manager_id == tk.me.id and p.id != tk.me.id:
            mine.setdefault(p.id, p)
    return sorted(mine.values(), key=lambda p: p.name)


def supervisee_picker(owner, tk) -> w.Dropdown:
    """"Choose a supervisee…" then ``my_supervisees`` by name; a choice calls ``owner.choose(id)``."""
    picker = w.Dropdown(options=[("Choose a supervisee…", NEW),
                                 *[(p.name, p.id) for p in my_supervisees(tk)]],
                        value=NEW, description="Supervisee", layout={"width": "24em"},
                        style={"description_width": "auto"})
    picker.observe(lambda c: owner.choose(c["new"]), "value")
    return picker


class ContractsSection(Displayable):
    """Caseload: choose one of my supervisees, then agree, sign or hand over their contract."""

    def __init__(self, tk):
        self.tk = tk
        self.form = None
        self.person = supervisee_picker(self, tk)
        # Streams side by side: one contract per stream (management, safeguarding, ...).
        self.which = w.Dropdown(options=[], description="Contract", layout={"width": "34em"},
                                style={"description_width": "auto"})
        self.which.observe(lambda c: self._quiet or self.open(c["new"]), "value")
        self._quiet = False
        self.area = w.VBox([])
        intro = ("<small>The supervisee's current contract, or a new one drafted from the policy "
                 "preset. Both of you sign; a signed contract is read only. A change of "
                 "supervisor (with a handover note) replaces it.</small>")
        kids = [w.HTML(value=intro), self.person, self.area]
        if len(self.person.options) == 1:  # only "Choose a supervisee…"
            kids.insert(2, message_box("You have no supervisees yet: a supervisee appears here "
                                       "once you are their line manager or have supervised them.",
                                       "info"))
        self.widget = w.VBox(kids)

    def choose(self, supervisee_id: str):
        """Show the contract form for ``supervisee_id`` (its current contract, or a new one)."""
        if self.person.value != supervisee_id:
            self.person.value = supervisee_id  # observed: comes back here once
            return self.form
        if not supervisee_id:
            self.form, self.area.children = None, []
            return None
        from ..domain.streams import stream_label
        try:
            streams = {s["contract_id"]: s["stream"] for s in self.tk.streams(supervisee_id)}
        except SupervisionError:
            streams = {}
        names = self.tk.contract_names(supervisee_id)
        opts = [(f"{stream_label(streams.get(c.id, c.stream))} with "
                 f"{names.get(c.supervisor_id, c.supervisor_id)}", c.id)
                for c in self.tk.contracts(supervisee_id, active_only=True)]
        opts.append(("New contract in another stream" if opts else "New contract", NEW))
        self._quiet = True
        try:
            self.which.options, self.which.value = opts, opts[0][1]
        finally:
            self._quiet = False
        return self.open(self.which.value)

    def open(self, contract_id: str):
        """Show one of the chosen supervisee's contracts, or a new one beside them."""
        from ..widgets.contract import ContractForm
        pid = self.person.value
        if contract_id:
            self.form = ContractForm(self.tk, pid, contract_id)
        else:
            self.form = ContractForm(self.tk, pid, None, side_by_side=len(self.which.options) > 1)
        self.area.children = [self.which, self.working_time(pid).widget, self.form.widget]
        return self.form

    def working_time(self, pid: str):
        """The supervisee's share of full time and start in post (a ``WorkingTimeForm``),
        kept while the same supervisee is chosen."""
        from ..widgets.working_time import WorkingTimeForm
        if getattr(self, "hours", None) is None or self.hours.practitioner_id != pid:
            self.hours = WorkingTimeForm(self.tk, pid)
        return self.hours


class ObservationsSection(Displayable):
    """Caseload: observations of my supervisees' practice; plan or record a new one (for
    someone short of them: click their row), or click a row of the table to open that one."""

    def __init__(self, tk, as_of=None):
        from ..widgets.observation import ObservationList
        self.tk = tk
        self.form = None
        self._quiet = False
        self.list = ObservationList(tk, as_of=as_of, detail=False)  # the form below is the detail
        self.list.table.observe(lambda c: self._quiet or self._row(c["new"]), "selected")
        # a click on someone short of observations plans one for them
        self.list.short.observe(lambda c: c["new"] and self.plan_for(c["new"]), "selected")
        self.new_button = w.Button(description="New observation", icon="plus")
        self.new_button.on_click(lambda _: self.open(NEW))
        self.form_box = w.VBox([])
        self.widget = w.VBox([self.list.widget, self.new_button, self.form_box])
        self.open(NEW)

    def _row(self, observation_id: str) -> None:
        if observation_id:
            self.open(observation_id)

    def plan_for(self, supervisee_id: str):
        """A new observation's form for ``supervisee_id`` (a click on their row in "Short of
        the policy's observations")."""
        form = self.open(NEW)
        if supervisee_id in {v for _, v in form.supervisee.options}:
            form.supervisee.value = supervisee_id
        return form

    def open(self, observation_id: str = NEW):
        """A new observation's form (``NEW``, no row selected) or a stored one's."""
        from ..widgets.observation import ObservationForm
        form = ObservationForm(self.tk, observation_id=observation_id or None)
        form.observe(self._saved, "observation")
        self.form = form
        self.form_box.children = [form.widget]
        self._select(observation_id)
        return form

    def _select(self, observation_id: str) -> None:
        # Marking the row on show is not a choice: the form on show stays.
        self._quiet = True
        try:
            self.list.table.select(observation_id)
        except ValueError:
            pass  # not a row of the list (yet)
        finally:
            self._quiet = False

    def _saved(self, change) -> None:
        # A save shows in the list at once, its row selected; the form stays as it is.
        self._quiet = True
        try:
            self.list.refresh()
        finally:
            self._quiet = False
        if change["new"] is not None and change["new"].id:
            self._select(change["new"].id)


def practice_tabs(tk) -> dict:
    """{tab title: LazySection} of the caseload app for staff (empty for others)."""
    from ..widgets.training_record import TrainingRecordPanel
    from .booking_sections import BOOKING_ROLES, BookingsSection
    from ..widgets.case_meetings import CaseMeetingsPanel
    # Meetings about cases: anyone who may write about a case (a worker about their own).
    meetings = ({"Case meetings": LazySection(lambda: CaseMeetingsPanel(tk))}
                if tk.me.role not in ("auditor", "researcher") else {})
    if tk.me.role not in STAFF_ROLES:
        return meetings
    bookings = ({"Bookings": LazySection(lambda: BookingsSection(tk))}
                if tk.me.role in BOOKING_ROLES else {})
    return {**bookings, **meetings, "Contracts": LazySection(lambda: ContractsSection(tk)),
            "Observations": LazySection(lambda: ObservationsSection(tk)),
            "Training records": LazySection(lambda: TrainingRecordPanel(tk))}


def my_contract(tk):
    """The supervisee's current contract to read and sign (a ``ContractForm``), or None."""
    from ..widgets.contract import ContractForm
    current = [c for c in tk.contracts(tk.me.id, active_only=True) if c.supervisee_id == tk.me.id]
    if not current:
        return None
    form = ContractForm(tk, tk.me.id, current[0].id)
    # The supervisee signs for themselves; the supervisor signs and hands over in their app.
    for x in (form.sign_supervisor_button, form.change_box):
        x.layout.display = "none"
    return form
