"""Queries for the supervisee's side: the records a person attended and who has signed them."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..domain.enums import SessionState
from .schema import AttendeeRow, PractitionerRow, SessionRow, SignatureRow

S, AT, SG, P = (SessionRow.__table__, AttendeeRow.__table__, SignatureRow.__table__,
                PractitionerRow.__table__)


def attended_records(conn: Connection, practitioner_id: str) -> list[dict]:
    """Every record (not cancelled) ``practitioner_id`` attended as a supervisee, newest
    first: id, date, type, state, supervisor_id, supervisee_ids, and ``signed`` mapping
    each signer to {signed_at, method, disagrees, comment}; ``names`` of all parties."""
    mine = select(AT.c.session_id).where(AT.c.practitioner_id == practitioner_id)
    rows = list(conn.execute(
        select(S.c.id, S.c.date, S.c.type, S.c.state, S.c.supervisor_id)
        .where(S.c.id.in_(mine), S.c.state != SessionState.CANCELLED.value)
        .order_by(S.c.date.desc(), S.c.id.desc())))
    ids = [r.id for r in rows]
    attendees: dict[str, list[str]] = {}
    signed: dict[str, dict] = {}
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        for r in conn.execute(select(AT.c.session_id, AT.c.practitioner_id)
                              .where(AT.c.session_id.in_(chunk)).order_by(AT.c.position)):
            attendees.setdefault(r.session_id, []).append(r.practitioner_id)
        for r in conn.execute(select(SG).where(SG.c.session_id.in_(chunk)).order_by(SG.c.signed_at)):
            signed.setdefault(r.session_id, {})[r.practitioner_id] = dict(
                signed_at=r.signed_at, method=r.method, disagrees=bool(r.disagrees),
                comment=r.comment or "")
    people = {p for r in rows for p in (r.supervisor_id, *attendees.get(r.id, []))}
    names = {r.id: r.name for r in conn.execute(select(P.c.id, P.c.name).where(
        P.c.id.in_(sorted(people))))} if people else {}
    return [dict(id=r.id, date=r.date, type=r.type, state=r.state,
                 supervisor_id=r.supervisor_id, supervisee_ids=attendees.get(r.id, []),
                 signed=signed.get(r.id, {}), names=names) for r in rows]


def awaiting(records: list[dict], practitioner_id: str) -> list[dict]:
    """Of ``attended_records``: those signed by someone (the content is final) and not yet
    by ``practitioner_id``."""
    return [r for r in records if r["state"] == SessionState.AWAITING.value
            and practitioner_id not in r["signed"]]
