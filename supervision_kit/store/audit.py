"""The append-only, hash-chained audit log: who did what, when."""
from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection

from ..domain.canonical import chain_hash
from .schema import AuditRow

audit_log = AuditRow.__table__
GENESIS = "0" * 64


def _fields(at, user, action, entity, entity_id, detail) -> dict:
    return {"at": at.isoformat(timespec="microseconds"), "user": user, "action": action,
            "entity": entity, "entity_id": entity_id, "detail": detail}


@functools.cache
def _append_statements() -> tuple:
    """The lock, the newest entry's hash and the insert, built once: a statement built once
    keeps its cache key, so the audit write of every view rebuilds nothing."""
    return (text("SELECT pg_advisory_xact_lock(727274)"),
            select(audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1),
            insert(audit_log))


def append(conn: Connection, user: str, action: str, entity: str, entity_id: str = "",
           detail: str = "") -> None:
    """Write one entry, chained to the last, inside the caller's transaction."""
    lock, last, add = _append_statements()
    if conn.dialect.name == "postgresql":
        # Serialise appenders so two transactions cannot both chain to one entry.
        conn.execute(lock)
    prev = conn.execute(last).scalar() or GENESIS
    at = dt.datetime.now().replace(tzinfo=None)
    entity_id = str(entity_id)[:200]
    fields = _fields(at, user, action, entity, entity_id, detail)
    # One row as one parameter set: a list would take the executemany path.
    conn.execute(add, dict(at=at, user=user, action=action, entity=entity, entity_id=entity_id,
                           detail=detail, prev_hash=prev, hash=chain_hash(prev, fields)))


def verify_chain(conn: Connection) -> list[str]:
    """Problems in the chain: an edited, deleted or reordered entry is named."""
    problems = []
    prev = GENESIS
    for r in conn.execute(select(audit_log).order_by(audit_log.c.id)):
        if r.prev_hash != prev:
            problems.append(
                f"audit entry {r.id}: chain broken before it (an entry was deleted or reordered)"
            )
        expected = chain_hash(r.prev_hash, _fields(r.at, r.user, r.action, r.entity,
                                                   r.entity_id, r.detail))
        if expected != r.hash:
            problems.append(f"audit entry {r.id}: content changed after it was written")
        prev = r.hash
    return problems


def head(conn: Connection) -> tuple[int, str]:
    """(number of entries, hash of the newest): written down outside the database, it lets a
    later ``verify`` see entries removed from the end, which the chain alone cannot."""
    n = conn.execute(select(func.count()).select_from(audit_log)).scalar() or 0
    last = (
        conn.execute(select(audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)).scalar()
        or GENESIS
    )
    return n, last


def missing_head(conn: Connection, recorded: str) -> list[str]:
    """A problem when the entry whose hash was recorded earlier is no longer in the log."""
    recorded = recorded.strip().lower()
    if (
        recorded == GENESIS
        or conn.execute(select(audit_log.c.id).where(audit_log.c.hash == recorded)).first()
    ):
        return []
    return [f"audit entry with hash {recorded[:16]}… recorded earlier is gone: entries were "
            f"removed from the end of the log"]


def entries(conn: Connection, limit: int = 200, user: str | None = None,
            action: str | None = None) -> list[dict]:
    """Newest entries first."""
    q = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if user:
        q = q.where(audit_log.c.user == user)
    if action:
        q = q.where(audit_log.c.action == action)
    return [dict(r._mapping) for r in conn.execute(q)]
