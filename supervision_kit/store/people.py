"""Rows of people turned into domain records."""
from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ..domain.enums import Role, SessionState
from ..domain.records import Practitioner
from . import tables


def practitioner_from_row(r) -> Practitioner:
    """A ``Practitioner`` from a ``practitioners`` row."""
    return Practitioner(id=r.id, name=r.name, username=r.username, role=r.role, team=r.team,
                        agency_type=r.agency_type, email=r.email, qualified_date=r.qualified_date,
                        asye_start=r.asye_start, leaving_date=r.leaving_date,
                        line_manager_id=r.line_manager_id, started_in_post=r.started_in_post,
                        working_percent=r.working_percent)


def managers_above(conn: Connection, pid: str | None) -> list[str]:
    """Who a person's decisions and escalations go to: their line manager, else the
    current managers of their team; never the person themselves."""
    if not pid:
        return []
    r = conn.execute(
        select(tables.practitioners.c.line_manager_id, tables.practitioners.c.team).where(
            tables.practitioners.c.id == pid
        )
    ).first()
    if r is None:
        return []
    if r.line_manager_id and r.line_manager_id != pid:
        return [r.line_manager_id]
    if not r.team:
        return []
    q = (
        select(tables.practitioners.c.id)
        .where(
            tables.practitioners.c.team == r.team,
            tables.practitioners.c.role == Role.MANAGER.value,
            tables.practitioners.c.leaving_date.is_(None),
        )
        .order_by(tables.practitioners.c.name)
    )
    return [m for m in conn.execute(q).scalars() if m != pid]


def names_of(conn: Connection, ids) -> dict[str, str]:
    """Names of practitioners by id."""
    ids = sorted({i for i in ids if i})
    return {
        r.id: r.name
        for r in conn.execute(
            select(tables.practitioners.c.id, tables.practitioners.c.name).where(
                tables.practitioners.c.id.in_(ids)
            )
        )
    }


def current_supervisor(conn: Connection, pid: str) -> str | None:
    """The supervisor of an active contract, else of the last session, else the line manager."""
    sup = conn.execute(
        select(tables.contracts.c.supervisor_id)
        .where(tables.contracts.c.supervisee_id == pid, tables.contracts.c.end_date.is_(None))
        .order_by(tables.contracts.c.start_date.desc())
        .limit(1)
    ).scalar()
    if sup:
        return sup
    sup = conn.execute(
        select(tables.sessions.c.supervisor_id)
        .join(tables.attendees, tables.attendees.c.session_id == tables.sessions.c.id)
        .where(
            tables.attendees.c.practitioner_id == pid,
            tables.sessions.c.state != SessionState.CANCELLED.value,
        )
        .order_by(tables.sessions.c.date.desc())
        .limit(1)
    ).scalar()
    if sup:
        return sup
    return conn.execute(
        select(tables.practitioners.c.line_manager_id).where(tables.practitioners.c.id == pid)
    ).scalar()


def third_party(conn: Connection, pid: str, supervisor: str | None) -> str | None:
    """The line manager for a three-way meeting: the supervisee's own line manager when
    that is not the supervisor, else the supervisor's line manager or team manager."""
    lm = conn.execute(
        select(tables.practitioners.c.line_manager_id).where(tables.practitioners.c.id == pid)
    ).scalar()
    if lm and lm not in (supervisor, pid):
        return lm
    found = [m for m in managers_above(conn, supervisor) if m != pid]
    return found[0] if found else None


def practitioners_by_id(conn: Connection, ids) -> dict[str, Practitioner]:
    """Practitioners by id, for the ids given."""
    ids = sorted({i for i in ids if i})
    return {r.id: practitioner_from_row(r) for r in conn.execute(
        select(tables.practitioners).where(tables.practitioners.c.id.in_(ids)))}


def practitioner_rows(conn: Connection, team: str | None = None) -> list:
    """Practitioner rows by name (one team's when given)."""
    q = select(tables.practitioners).order_by(tables.practitioners.c.name)
    if team:
        q = q.where(tables.practitioners.c.team == team)
    return list(conn.execute(q))


def supervised_by(conn: Connection, sup: str) -> set[str]:
    """Ids of those ``sup`` supervises now: an active contract decides; without one,
    whoever ``sup`` last supervised in a session."""
    active = {
        r.supervisee_id: r.supervisor_id
        for r in conn.execute(
            select(
                tables.contracts.c.supervisee_id, tables.contracts.c.supervisor_id
            ).where(tables.contracts.c.end_date.is_(None))
        )
    }
    held = set(
        conn.execute(
            select(tables.attendees.c.practitioner_id)
            .join(tables.sessions, tables.sessions.c.id == tables.attendees.c.session_id)
            .where(tables.sessions.c.supervisor_id == sup)
        ).scalars()
    )
    return {p for p, s in active.items() if s == sup} | {p for p in held if p not in active}


def current_staff_with_roles(conn: Connection, roles) -> list[tuple[str, str]]:
    """(name, id) of staff who have not left and hold one of ``roles``, by name."""
    return [
        (r.name, r.id)
        for r in conn.execute(
            select(tables.practitioners.c.name, tables.practitioners.c.id)
            .where(
                tables.practitioners.c.role.in_(roles),
                tables.practitioners.c.leaving_date.is_(None),
            )
            .order_by(tables.practitioners.c.name)
        )
    ]


def insert_practitioners(conn: Connection, rows: list[dict], managers: dict[str, str]) -> None:
    """Write practitioners, then link their line managers (who may come later in ``rows``)."""
    conn.execute(insert(tables.practitioners), rows)
    for pid, mid in managers.items():
        if mid:
            conn.execute(
                update(tables.practitioners)
                .where(tables.practitioners.c.id == pid)
                .values(line_manager_id=mid)
            )


def set_leaving_date(conn: Connection, pid: str, when) -> None:
    """Record the day a practitioner left."""
    conn.execute(
        update(tables.practitioners)
        .where(tables.practitioners.c.id == pid)
        .values(leaving_date=when)
    )


def set_working_time(conn: Connection, pid: str, working_percent, started_in_post) -> None:
    """Record a practitioner's share of full time and start date in post."""
    conn.execute(
        update(tables.practitioners)
        .where(tables.practitioners.c.id == pid)
        .values(working_percent=working_percent, started_in_post=started_in_post)
    )
