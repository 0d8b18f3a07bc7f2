"""Queries behind the access rules: who a person is, who they may see, who was in a session."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection

from .schema import AttendeeRow, ContractRow, PractitionerRow, SessionRow

practitioners = PractitionerRow.__table__
sessions = SessionRow.__table__
attendees = AttendeeRow.__table__
contracts = ContractRow.__table__


def practitioner_by_name(conn: Connection, name: str):
    """The ``practitioners`` row whose username or id is ``name``, or None."""
    return conn.execute(select(practitioners).where(
        or_(practitioners.c.username == name, practitioners.c.id == name))).first()


def visible_practitioners(
    conn: Connection, me: str, team: str | None, *, manager: bool
) -> set[str]:
    """Ids a practitioner may see: themselves, their supervisees (past sessions and
    contracts), the people they line-manage, and a manager's whole team."""
    ids = {me}
    if manager:
        ids |= set(conn.execute(select(practitioners.c.id)
                                .where(practitioners.c.team == team)).scalars())
    supervised = (select(attendees.c.practitioner_id)
                  .join(sessions, sessions.c.id == attendees.c.session_id)
                  .where(sessions.c.supervisor_id == me))
    ids |= set(conn.execute(supervised).scalars())
    ids |= set(conn.execute(select(contracts.c.supervisee_id)
                            .where(contracts.c.supervisor_id == me)).scalars())
    ids |= set(conn.execute(select(practitioners.c.id)
                            .where(practitioners.c.line_manager_id == me)).scalars())
    return ids


def session_supervisor(conn: Connection, session_id: str) -> str | None:
    """The supervisor's id of a session, or None when there is no such session."""
    r = conn.execute(select(sessions.c.supervisor_id).where(sessions.c.id == session_id)).first()
    return None if r is None else r.supervisor_id


def session_attendees(conn: Connection, session_id: str) -> list[str]:
    """The attendees' ids of a session, in their order on the record."""
    return list(conn.execute(select(attendees.c.practitioner_id)
                             .where(attendees.c.session_id == session_id)
                             .order_by(attendees.c.position)).scalars())


def has_practitioners(conn: Connection) -> bool:
    """Does the store hold anybody yet?"""
    return bool(conn.execute(select(func.count()).select_from(practitioners)).scalar())
