"""Practitioners and cases through the facade."""
from __future__ import annotations

import datetime as dt

from ..domain.enums import CaseStatus, Role
from ..domain.records import Case, Practitioner, to_dict
from ..domain.validation import validate_case, validate_practitioner
from ..domain.values import new_id, parse_choice, parse_date
from ..errors import NotFound, ValidationError
from ..store import cases as case_store
from ..store import people as store
from ..store.access import known_people, practitioner_by_name
from ..store.cases import case_rows, check_unique
from ..store.people import practitioner_from_row
from .context import Context


class PeopleService:
    """Who works here, and the children and families they work with."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def practitioners(
        self, team: str | None = None, *, include_left: bool = True
    ) -> list[Practitioner]:
        """Practitioners this user may see, by name."""
        with self.ctx.engine.connect() as conn:
            rows = [practitioner_from_row(r) for r in store.practitioner_rows(conn, team)]
        rows = [p for p in rows if self.ctx.can_see(p.id)]
        if not include_left:
            rows = [p for p in rows if not p.leaving_date]
        return rows

    def practitioner(self, pid: str) -> Practitioner:
        """One practitioner by id or username."""
        with self.ctx.engine.connect() as conn:
            r = practitioner_by_name(conn, pid)
        if r is None or not self.ctx.can_see(r.id):
            raise NotFound(f"no practitioner {pid!r}")
        return practitioner_from_row(r)

    def supervisees(self, supervisor_id: str | None = None) -> list[Practitioner]:
        """Current supervisees of a supervisor (default: this user), by name.

        An active contract decides; without one, whoever they last supervised.
        """
        sup = supervisor_id or self.ctx.me.id
        with self.ctx.engine.connect() as conn:
            ids = store.supervised_by(conn, sup)
        return [p for p in self.practitioners(include_left=False) if p.id in ids and p.id != sup]

    def supervisors(self) -> list[tuple[str, str]]:
        """(name, id) of current staff who may supervise (supervisors, managers, admins),
        by name: to whom a contract may be handed over. Names only, whatever the team."""
        if self.ctx.role == Role.RESEARCHER:
            return []  # no identifiable people for research
        roles = (Role.SUPERVISOR.value, Role.MANAGER.value, Role.ADMIN.value)
        with self.ctx.engine.connect() as conn:
            return store.current_staff_with_roles(conn, roles)

    def teams(self) -> list[str]:
        """Team names visible to this user."""
        return sorted({p.team for p in self.practitioners() if p.team})

    def add_practitioners(self, people: list[Practitioner]) -> None:
        """Add practitioners (admin only); all or nothing. A refusal names the item and field
        (``practitioners[3].username``), also for clashes with the store."""
        self.ctx.require("add practitioners", Role.ADMIN)
        rows = []
        for i, p in enumerate(people):
            try:
                rows.append(to_dict(validate_practitioner(p)))
            except ValidationError as e:
                raise ValidationError(f"practitioners[{i}].{e.field}", e.message) from None
        with self.ctx.engine.connect() as conn:
            check_unique(conn, "practitioners", people, ("id", "username"))
            known = known_people(conn, {p.line_manager_id for p in people})
        known |= {p.id for p in people}
        for i, p in enumerate(people):
            if p.line_manager_id and p.line_manager_id not in known:
                raise ValidationError(f"practitioners[{i}].line_manager_id",
                                      f"unknown practitioner {p.line_manager_id!r}")
        for p, r in zip(people, rows):
            r.update(qualified_date=p.qualified_date, asye_start=p.asye_start,
                     leaving_date=p.leaving_date, started_in_post=p.started_in_post)
        managers = {r["id"]: r.pop("line_manager_id") for r in rows}
        with self.ctx.tx() as conn:
            if rows:
                # Line managers may come later in the list: linked once all exist.
                store.insert_practitioners(conn, rows, managers)
            self.ctx.log(conn, "create", "practitioner", ",".join(p.id for p in people)[:200])
        self.ctx.forget_access()

    def set_leaving_date(self, pid: str, when) -> None:
        """Record that a practitioner left (starts the retention clock)."""
        self.ctx.require("record a leaving date", Role.ADMIN, Role.MANAGER)
        when = parse_date(when, "leaving_date", required=True)
        self.ctx.check_named([("practitioner_id", pid)])
        with self.ctx.tx() as conn:
            store.set_leaving_date(conn, pid, when)
            self.ctx.log(conn, "update", "practitioner", pid, f"left {when}")

    def set_working_time(self, pid: str, working_percent=None, started_in_post=None) -> Practitioner:
        """Record a practitioner's share of full time (5-100 per cent; blank: full time)
        and start date in post, which stretch the supervision interval for part-time staff
        [Havering 5] and start the newly appointed phases [Temple; HSCB]. Their supervisor,
        line manager or an admin; not one's own."""
        self.ctx.require("record working time", Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)
        p = self.practitioner(pid)
        if p.id == self.ctx.me.id and self.ctx.role != Role.ADMIN:
            raise self.ctx.deny("record your own working time (your line manager does)")
        self.ctx.check_see([p.id], f"record the working time of {p.id}")
        p.working_percent, p.started_in_post = working_percent, started_in_post
        p = validate_practitioner(p)
        with self.ctx.tx() as conn:
            store.set_working_time(conn, p.id, p.working_percent, p.started_in_post)
            self.ctx.log(conn, "update", "practitioner", p.id,
                         f"working {p.working_percent or 100}%; in post from "
                         f"{p.started_in_post or 'not recorded'}")
        return p

    # -- cases -------------------------------------------------------------------
    def cases(self, worker_id: str | None = None, *, include_closed: bool = False,
              log: bool = True) -> list[Case]:
        """Cases of a worker (default: all this user may see), by reference; logged unless
        ``log=False`` (the case picker of a record whose opening was logged)."""
        with self.ctx.engine.connect() as conn:
            found = case_store.cases_of(conn, worker_id, include_closed=include_closed,
                                        visible=self.ctx.visible)
        # The people in a case are children and families: reading them is a logged view.
        if log:
            self.ctx.log_view("cases", worker_id or "", f"{len(found)} cases")
        return found

    def case(self, case_id: str) -> Case:
        """One case (logged as a view)."""
        with self.ctx.engine.connect() as conn:
            c = case_store.case_named(conn, case_id)
        if c is None:
            raise NotFound(f"no case {case_id!r}")
        self.ctx.check_see([c.worker_id], f"see case {c.reference}")
        self.ctx.log_view("case", c.id)
        return c

    def add_cases(self, cases: list[Case]) -> None:
        """Add cases with their people; all or nothing."""
        self.ctx.require_write("add cases")
        rows, people, hist = [], [], []
        for i, c in enumerate(cases):
            c.id = c.id or new_id("case")
            try:
                validate_case(c)
            except ValidationError as e:
                raise ValidationError(f"cases[{i}].{e.field}", e.message) from None
            if (
                self.ctx.role not in (Role.ADMIN, Role.MANAGER, Role.SUPERVISOR)
                and c.worker_id != self.ctx.me.id
            ):
                raise self.ctx.deny(f"add a case for {c.worker_id}")
            r, p, h = case_rows(c)
            rows.append(r); people += p; hist += h
        with self.ctx.engine.connect() as conn:
            check_unique(conn, "cases", cases, ("id", "reference"))
            workers = known_people(conn, {c.worker_id for c in cases})
        for i, c in enumerate(cases):
            if c.worker_id not in workers:
                raise ValidationError(
                    f"cases[{i}].worker_id", f"unknown practitioner {c.worker_id!r}"
                )
        self.ctx.check_named([(f"cases[{i}].worker_id", c.worker_id) for i, c in enumerate(cases)])
        with self.ctx.tx() as conn:
            case_store.insert_cases(conn, rows, people, hist)
            self.ctx.log(conn, "create", "case", ",".join(c.id for c in cases)[:200])

    def set_case_status(self, case_id: str, status: str, when=None) -> None:
        """Change a case's status from a date on (kept in its history for as-of queries)."""
        self.ctx.require_write("change a case's status")
        status = parse_choice(status, CaseStatus, "status").value
        when = parse_date(when, "from_date") or dt.date.today()
        c = self.case(case_id)
        with self.ctx.tx() as conn:
            case_store.change_status(conn, c.id, status, when, closed=status == CaseStatus.CLOSED)
            self.ctx.log(conn, "update", "case", c.id, f"status {status} from {when}")
