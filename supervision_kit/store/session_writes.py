"""The writes of saving and signing a session record beyond its rows (``sessions.py``):
the version-checked update of a draft, review outcomes carried onto actions, signatures."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, update
from sqlalchemy.engine import Connection

from ..domain.records import SessionRecord
from . import tables
from .sessions import session_row


def update_if_version(conn: Connection, rec: SessionRecord) -> bool:
    """Write a draft's ``sessions`` row only if the stored version is the one before
    ``rec.version`` (False: someone else saved in between)."""
    values = session_row(rec)
    values.pop("id")
    sessions = tables.sessions
    res = conn.execute(update(sessions)
                       .where(sessions.c.id == rec.id, sessions.c.version == rec.version - 1)
                       .values(**values))
    return res.rowcount == 1


def reopen_reviewed_actions(conn: Connection, session_id: str) -> None:
    """Undo the outcomes an earlier draft of this session gave to the actions it reviewed."""
    actions = tables.actions
    conn.execute(update(actions).where(actions.c.reviewed_session_id == session_id)
                 .values(status="open", reviewed_session_id=None, completed_date=None))


def set_reviewed(conn: Connection, action_id: str, status: str, session_id: str,
                 completed: dt.date | None) -> None:
    """An action's outcome as reviewed in ``session_id``."""
    actions = tables.actions
    conn.execute(update(actions).where(actions.c.id == action_id).values(
        status=status, reviewed_session_id=session_id, completed_date=completed))


def insert_signature(conn: Connection, **row) -> None:
    """Write one signature."""
    conn.execute(insert(tables.signatures), [row])


def mark_signed(conn: Connection, session_id: str, state: str, content_hash: str,
                locked_at: dt.datetime | None, recorded_date: dt.date) -> None:
    """A record's state, hash and lock after a signature (its version moves on)."""
    sessions = tables.sessions
    conn.execute(update(sessions).where(sessions.c.id == session_id).values(
        state=state, content_hash=content_hash, version=sessions.c.version + 1,
        locked_at=locked_at, recorded_date=recorded_date))
