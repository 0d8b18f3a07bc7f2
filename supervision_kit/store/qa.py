"""Queries behind the governance QA measures (records in a window, with their people)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..domain.enums import SessionState
from .schema import AttendeeRow, PractitionerRow, SessionRow
from .sessions import diversity_from_content

S, AT, P = SessionRow.__table__, AttendeeRow.__table__, PractitionerRow.__table__
HELD = (SessionState.AWAITING.value, SessionState.SIGNED.value)


def held_records(conn: Connection, start: dt.date, end: dt.date) -> list[dict]:
    """Records held (awaiting signatures or signed) dated ``start``..``end``: session_id,
    date, supervisor_id, supervisee_ids, state and the diversity answers."""
    rows = list(conn.execute(select(S.c.id, S.c.date, S.c.supervisor_id, S.c.state, S.c.content)
                             .where(S.c.date >= start, S.c.date <= end, S.c.state.in_(HELD))
                             .order_by(S.c.date, S.c.id)))
    att: dict[str, list[str]] = {}
    ids = [r.id for r in rows]
    for i in range(0, len(ids), 900):
        for r in conn.execute(select(AT.c.session_id, AT.c.practitioner_id)
                              .where(AT.c.session_id.in_(ids[i:i + 900])).order_by(AT.c.position)):
            att.setdefault(r.session_id, []).append(r.practitioner_id)
    return [{"session_id": r.id, "date": r.date, "supervisor_id": r.supervisor_id,
             "supervisee_ids": att.get(r.id, []), "state": r.state,
             "diversity": diversity_from_content(r.content or {})} for r in rows]


def people(conn: Connection) -> dict[str, tuple[str, str]]:
    """Practitioner id -> (name, team)."""
    return {r.id: (r.name, r.team or "") for r in conn.execute(select(P.c.id, P.c.name, P.c.team))}


def staff_and_training(conn: Connection, as_of: dt.date) -> tuple[list[dict], dict[str, list]]:
    """Current staff (id, name, team, role, supervises) and their training records
    (course, attended) up to ``as_of``."""
    from .schema import ContractRow, TrainingRecordRow
    K, TR = ContractRow.__table__, TrainingRecordRow.__table__
    supervising = set(conn.execute(select(K.c.supervisor_id).where(
        (K.c.end_date.is_(None)) | (K.c.end_date >= as_of))).scalars())
    staff = [{"id": r.id, "name": r.name, "team": r.team or "", "role": r.role,
              "supervises": r.role in ("supervisor", "manager") or r.id in supervising}
             for r in conn.execute(select(P.c.id, P.c.name, P.c.team, P.c.role, P.c.leaving_date))
             if (r.leaving_date is None or r.leaving_date > as_of)
             and r.role not in ("researcher",)]
    recs: dict[str, list] = {}
    for r in conn.execute(select(TR.c.practitioner_id, TR.c.course, TR.c.attended)
                          .where(TR.c.attended <= as_of)):
        recs.setdefault(r.practitioner_id, []).append((r.course, r.attended))
    return staff, recs
