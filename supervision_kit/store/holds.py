"""Legal holds in the store: placing, lifting and the records a hold keeps."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from . import tables
from .schema import ActionRow, DiscussionRow, LegalHoldRow

H, D, A = LegalHoldRow.__table__, DiscussionRow.__table__, ActionRow.__table__


def insert_hold(conn: Connection, hold_id: str, scope: str, target_id: str, reason: str,
                reference: str, placed_by: str) -> None:
    """Write a new active hold."""
    conn.execute(insert(H), [dict(id=hold_id, scope=scope, target_id=target_id, reason=reason,
                                  reference=reference, placed_by_id=placed_by,
                                  placed_at=dt.datetime.now().replace(microsecond=0),
                                  lift_note="")])


def hold_row(conn: Connection, hold_id: str):
    """One hold's row, or None."""
    return conn.execute(select(H).where(H.c.id == hold_id)).first()


def lift_hold(conn: Connection, hold_id: str, lifted_by: str, note: str) -> None:
    """Mark a hold lifted (the row stays: who held what, and when, is history)."""
    conn.execute(update(H).where(H.c.id == hold_id).values(
        lifted_by_id=lifted_by, lifted_at=dt.datetime.now().replace(microsecond=0),
        lift_note=note))


def holds(conn: Connection, active_only: bool = True) -> list[dict]:
    """Holds as dicts, oldest first."""
    q = select(H).order_by(H.c.placed_at, H.c.id)
    if active_only:
        q = q.where(H.c.lifted_at.is_(None))
    return [dict(r._mapping) for r in conn.execute(q)]


def active_targets(conn: Connection) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """Active holds by practitioner id and by case id."""
    by_p: dict[str, list[dict]] = {}
    by_c: dict[str, list[dict]] = {}
    for h in holds(conn):
        (by_p if h["scope"] == "practitioner" else by_c).setdefault(h["target_id"], []).append(h)
    return by_p, by_c


def sessions_touching_cases(conn: Connection, case_ids) -> set[str]:
    """Sessions that discussed one of ``case_ids`` or set an action on one."""
    case_ids = list(case_ids)
    if not case_ids:
        return set()
    found = set(conn.execute(select(D.c.session_id).where(D.c.case_id.in_(case_ids))).scalars())
    found |= {s for s in conn.execute(select(A.c.session_id).where(
        A.c.case_id.in_(case_ids), A.c.session_id.is_not(None))).scalars()}
    return found


def owner_of(conn: Connection, scope: str, target_id: str) -> str | None:
    """The practitioner whose records a hold of ``scope`` on ``target_id`` keeps (the case's
    worker for a case), or None when there is no such practitioner or case."""
    if scope == "practitioner":
        return conn.execute(select(tables.practitioners.c.id)
                            .where(tables.practitioners.c.id == target_id)).scalar()
    return conn.execute(select(tables.cases.c.worker_id)
                        .where(tables.cases.c.id == target_id)).scalar()
