"""Cases with their people and status history: rows to records and back."""
from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ..domain.records import Case, CasePerson, StatusChange
from ..domain.values import new_id
from ..errors import ValidationError
from . import tables


def case_rows(c: Case) -> tuple[dict, list[dict], list[dict]]:
    """The rows of a case, its people and its status history (new people get ids)."""
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


def check_unique(conn: Connection, kind: str, items: list, unique: tuple[str, ...]) -> None:
    """Refuse, by item and field, a value that must be unique and is taken (in the list or
    store); ``kind`` names the table (``cases``, ``practitioners``), ``unique`` its columns."""
    for name in unique:
        col = getattr(tables, kind).c[name]
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


def load_cases(conn: Connection, query) -> list[Case]:
    """The cases ``query`` selects, with their people and status history."""
    rows = list(conn.execute(query))
    ids = [r.id for r in rows]
    people: dict[str, list] = {i: [] for i in ids}
    hist: dict[str, list] = {i: [] for i in ids}
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        for p in conn.execute(
            select(tables.case_people)
            .where(tables.case_people.c.case_id.in_(chunk))
            .order_by(tables.case_people.c.position)
        ):
            people[p.case_id].append(CasePerson(
                role=p.role, first_name=p.first_name, last_name=p.last_name, dob=p.dob,
                address=p.address, postcode=p.postcode, phone=p.phone, id=p.id))
        for h in conn.execute(
            select(tables.status_changes)
            .where(tables.status_changes.c.case_id.in_(chunk))
            .order_by(tables.status_changes.c.from_date, tables.status_changes.c.id)
        ):
            hist[h.case_id].append(StatusChange(status=h.status, from_date=h.from_date))
    return [Case(id=r.id, reference=r.reference, worker_id=r.worker_id, status=r.status,
                 opened=r.opened, closed=r.closed, people=people[r.id],
                 status_history=hist[r.id]) for r in rows]


def cases_of(conn: Connection, worker_id: str | None = None, *, include_closed: bool = False,
             visible=None) -> list[Case]:
    """Cases by reference: one worker's when given, open ones unless ``include_closed``,
    only those of workers in ``visible`` when it is not None."""
    q = select(tables.cases).order_by(tables.cases.c.reference)
    if worker_id:
        q = q.where(tables.cases.c.worker_id == worker_id)
    if not include_closed:
        q = q.where(tables.cases.c.closed.is_(None))
    if visible is not None:
        q = q.where(tables.cases.c.worker_id.in_(sorted(visible)))
    return load_cases(conn, q)


def case_named(conn: Connection, case_id: str) -> Case | None:
    """The case whose id or reference is ``case_id``, or None."""
    found = load_cases(
        conn,
        select(tables.cases).where(
            (tables.cases.c.id == case_id) | (tables.cases.c.reference == case_id)
        ),
    )
    return found[0] if found else None


def case_references(conn: Connection, case_ids) -> dict[str, str]:
    """Case id -> its reference, for the known cases among ``case_ids``."""
    ids = sorted({c for c in case_ids if c})
    return dict(conn.execute(select(tables.cases.c.id, tables.cases.c.reference)
                             .where(tables.cases.c.id.in_(ids))).all())


def insert_cases(conn: Connection, rows: list[dict], people: list[dict],
                 history: list[dict]) -> None:
    """Write cases with their people and status history."""
    for t, data in (
        (tables.cases, rows),
        (tables.case_people, people),
        (tables.status_changes, history),
    ):
        if data:
            conn.execute(insert(t), data)


def change_status(conn: Connection, case_id: str, status: str, when, closed: bool) -> None:
    """Add a status to a case's history and make it the case's status (closing it when asked)."""
    conn.execute(
        insert(tables.status_changes), [dict(case_id=case_id, status=status, from_date=when)]
    )
    values = {"status": status}
    if closed:
        values["closed"] = when
    conn.execute(update(tables.cases).where(tables.cases.c.id == case_id).values(**values))
