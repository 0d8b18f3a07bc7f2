"""Practitioners and cases through the facade."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update

from ..domain.enums import CaseStatus, Role
from ..domain.records import Case, CasePerson, Practitioner, StatusChange, to_dict
from ..domain.validation import validate_case, validate_practitioner
from ..domain.values import parse_choice, parse_date
from ..errors import NotFound, ValidationError
from ..store.schema import (CasePersonRow, CaseRow, PractitionerRow, StatusChangeRow)
from ..store.sessions import new_id
from .base import AT, K, S, practitioner_from_row

P, C, CP, SH = (PractitionerRow.__table__, CaseRow.__table__, CasePersonRow.__table__,
                StatusChangeRow.__table__)


def _case_rows(c: Case) -> tuple[dict, list[dict], list[dict]]:
    row = dict(id=c.id, reference=c.reference, worker_id=c.worker_id, status=c.status,
               opened=c.opened, closed=c.closed)
    people = []
    for i, p in enumerate(c.people):
        p.id = p.id or new_id("person")
        people.append(dict(id=p.id, case_id=c.id, position=i, role=p.role,
                           first_name=p.first_name, last_name=p.last_name, dob=p.dob,
                           address=p.address, postcode=p.postcode, phone=p.phone))
    hist = [dict(case_id=c.id, status=s.status, from_date=s.from_date) for s in c.status_history]
    if not hist:
        hist = [dict(case_id=c.id, status=c.status, from_date=c.opened)]
    return row, people, hist


def _check_new(conn, kind: str, items: list, unique: dict) -> None:
    """Refuse, by item and field, a value that must be unique and is taken (in the list or store)."""
    for name, col in unique.items():
        values = [getattr(x, name) for x in items]
        distinct = sorted({v for v in values if v is not None})
        taken = set()
        for k in range(0, len(distinct), 900):  # SQLite's limit on bound values
            taken |= set(conn.execute(select(col).where(col.in_(distinct[k:k + 900]))).scalars())
        seen: dict = {}
        for i, v in enumerate(values):
            if v in taken:
                raise ValidationError(f"{kind}[{i}].{name}", f"{v!r} is already in the database")
            if v in seen:
                raise ValidationError(f"{kind}[{i}].{name}", f"{v!r} is also {kind}[{seen[v]}]")
            seen[v] = i


class PeopleMixin:
    """Who works here, and the children and families they work with."""

    def practitioners(self, team: str | None = None, *, include_left: bool = True) -> list[Practitioner]:
        """Practitioners this user may see, by name."""
        q = select(P).order_by(P.c.name)
        if team:
            q = q.where(P.c.team == team)
        with self.engine.connect() as conn:
            rows = [practitioner_from_row(r) for r in conn.execute(q)]
        rows = [p for p in rows if self.can_see(p.id)]
        if not include_left:
            rows = [p for p in rows if not p.leaving_date]
        return rows

    def practitioner(self, pid: str) -> Practitioner:
        """One practitioner by id or username."""
        with self.engine.connect() as conn:
            r = conn.execute(select(P).where((P.c.id == pid) | (P.c.username == pid))).first()
        if r is None or not self.can_see(r.id):
            raise NotFound(f"no practitioner {pid!r}")
        return practitioner_from_row(r)

    def supervisees(self, supervisor_id: str | None = None) -> list[Practitioner]:
        """Current supervisees of a supervisor (default: this user), by name.

        An active contract decides; without one, whoever they last supervised.
        """
        sup = supervisor_id or self.me.id
        with self.engine.connect() as conn:
            active = {r.supervisee_id: r.supervisor_id for r in conn.execute(
                select(K.c.supervisee_id, K.c.supervisor_id).where(K.c.end_date.is_(None)))}
            held = set(conn.execute(select(AT.c.practitioner_id).join(S, S.c.id == AT.c.session_id)
                                    .where(S.c.supervisor_id == sup)).scalars())
        ids = {p for p, s in active.items() if s == sup} | {p for p in held if p not in active}
        return [p for p in self.practitioners(include_left=False) if p.id in ids and p.id != sup]

    def supervisors(self) -> list[tuple[str, str]]:
        """(name, id) of current staff who may supervise (supervisors, managers, admins),
        by name: to whom a contract may be handed over. Names only, whatever the team."""
        if self.role == Role.RESEARCHER:
            return []  # no identifiable people for research
        roles = (Role.SUPERVISOR.value, Role.MANAGER.value, Role.ADMIN.value)
        with self.engine.connect() as conn:
            return [(r.name, r.id) for r in conn.execute(
                select(P.c.name, P.c.id).where(P.c.role.in_(roles), P.c.leaving_date.is_(None))
                .order_by(P.c.name))]

    def teams(self) -> list[str]:
        """Team names visible to this user."""
        return sorted({p.team for p in self.practitioners() if p.team})

    def add_practitioners(self, people: list[Practitioner]) -> None:
        """Add practitioners (admin only); all or nothing. A refusal names the item and field
        (``practitioners[3].username``), also for clashes with the store."""
        self._require("add practitioners", Role.ADMIN)
        rows = []
        for i, p in enumerate(people):
            try:
                rows.append(to_dict(validate_practitioner(p)))
            except ValidationError as e:
                raise ValidationError(f"practitioners[{i}].{e.field}", e.message) from None
        with self.engine.connect() as conn:
            _check_new(conn, "practitioners", people, {"id": P.c.id, "username": P.c.username})
            known = set(conn.execute(select(P.c.id).where(P.c.id.in_(
                sorted({p.line_manager_id for p in people if p.line_manager_id})))).scalars())
        known |= {p.id for p in people}
        for i, p in enumerate(people):
            if p.line_manager_id and p.line_manager_id not in known:
                raise ValidationError(f"practitioners[{i}].line_manager_id",
                                      f"unknown practitioner {p.line_manager_id!r}")
        for p, r in zip(people, rows):
            r.update(qualified_date=p.qualified_date, asye_start=p.asye_start,
                     leaving_date=p.leaving_date)
        managers = {r["id"]: r.pop("line_manager_id") for r in rows}
        with self._tx() as conn:
            if rows:
                conn.execute(insert(P), rows)
                # Line managers may come later in the list: link them once all exist.
                for pid, mid in managers.items():
                    if mid:
                        conn.execute(update(P).where(P.c.id == pid).values(line_manager_id=mid))
            self._log(conn, "create", "practitioner", ",".join(p.id for p in people)[:200])
        self._forget_access()

    def set_leaving_date(self, pid: str, when) -> None:
        """Record that a practitioner left (starts the retention clock)."""
        self._require("record a leaving date", Role.ADMIN, Role.MANAGER)
        when = parse_date(when, "leaving_date", required=True)
        self._check_named([("practitioner_id", pid)])
        with self._tx() as conn:
            conn.execute(update(P).where(P.c.id == pid).values(leaving_date=when))
            self._log(conn, "update", "practitioner", pid, f"left {when}")

    # -- cases -------------------------------------------------------------------
    def _load_cases(self, conn, q) -> list[Case]:
        rows = list(conn.execute(q))
        ids = [r.id for r in rows]
        people: dict[str, list] = {i: [] for i in ids}
        hist: dict[str, list] = {i: [] for i in ids}
        for i in range(0, len(ids), 900):
            chunk = ids[i:i + 900]
            for p in conn.execute(select(CP).where(CP.c.case_id.in_(chunk)).order_by(CP.c.position)):
                people[p.case_id].append(CasePerson(
                    role=p.role, first_name=p.first_name, last_name=p.last_name, dob=p.dob,
                    address=p.address, postcode=p.postcode, phone=p.phone, id=p.id))
            for h in conn.execute(select(SH).where(SH.c.case_id.in_(chunk)).order_by(SH.c.from_date, SH.c.id)):
                hist[h.case_id].append(StatusChange(status=h.status, from_date=h.from_date))
        return [Case(id=r.id, reference=r.reference, worker_id=r.worker_id, status=r.status,
                     opened=r.opened, closed=r.closed, people=people[r.id],
                     status_history=hist[r.id]) for r in rows]

    def cases(self, worker_id: str | None = None, *, include_closed: bool = False) -> list[Case]:
        """Cases of a worker (default: all this user may see), by reference."""
        q = select(C).order_by(C.c.reference)
        if worker_id:
            q = q.where(C.c.worker_id == worker_id)
        if not include_closed:
            q = q.where(C.c.closed.is_(None))
        if self._visible is not None:
            q = q.where(C.c.worker_id.in_(sorted(self._visible)))
        with self.engine.connect() as conn:
            found = self._load_cases(conn, q)
        # The people in a case are children and families: reading them is a logged view.
        self._log_view("cases", worker_id or "", f"{len(found)} cases")
        return found

    def case(self, case_id: str) -> Case:
        """One case (logged as a view)."""
        with self.engine.connect() as conn:
            found = self._load_cases(conn, select(C).where((C.c.id == case_id) | (C.c.reference == case_id)))
        if not found:
            raise NotFound(f"no case {case_id!r}")
        c = found[0]
        self._check_see([c.worker_id], f"see case {c.reference}")
        self._log_view("case", c.id)
        return c

    def add_cases(self, cases: list[Case]) -> None:
        """Add cases with their people; all or nothing."""
        self._require_write("add cases")
        rows, people, hist = [], [], []
        for i, c in enumerate(cases):
            c.id = c.id or new_id("case")
            try:
                validate_case(c)
            except ValidationError as e:
                raise ValidationError(f"cases[{i}].{e.field}", e.message) from None
            if self.role not in (Role.ADMIN, Role.MANAGER, Role.SUPERVISOR) and c.worker_id != self.me.id:
                raise self._deny(f"add a case for {c.worker_id}")
            r, p, h = _case_rows(c)
            rows.append(r); people += p; hist += h
        with self.engine.connect() as conn:
            _check_new(conn, "cases", cases, {"id": C.c.id, "reference": C.c.reference})
            workers = set(conn.execute(select(P.c.id).where(
                P.c.id.in_(sorted({c.worker_id for c in cases})))).scalars())
        for i, c in enumerate(cases):
            if c.worker_id not in workers:
                raise ValidationError(f"cases[{i}].worker_id", f"unknown practitioner {c.worker_id!r}")
        self._check_named([(f"cases[{i}].worker_id", c.worker_id) for i, c in enumerate(cases)])
        with self._tx() as conn:
            for t, data in ((C, rows), (CP, people), (SH, hist)):
                if data:
                    conn.execute(insert(t), data)
            self._log(conn, "create", "case", ",".join(c.id for c in cases)[:200])

    def set_case_status(self, case_id: str, status: str, when=None) -> None:
        """Change a case's status from a date on (kept in its history for as-of queries)."""
        self._require_write("change a case's status")
        status = parse_choice(status, CaseStatus, "status").value
        when = parse_date(when, "from_date") or dt.date.today()
        c = self.case(case_id)
        with self._tx() as conn:
            conn.execute(insert(SH), [dict(case_id=c.id, status=status, from_date=when)])
            values = {"status": status}
            if status == CaseStatus.CLOSED:
                values["closed"] = when
            conn.execute(update(C).where(C.c.id == c.id).values(**values))
            self._log(conn, "update", "case", c.id, f"status {status} from {when}")
