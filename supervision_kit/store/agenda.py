"""The supervisee's agenda in the store: items waiting for the next session, and those a
session took."""
from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from ..domain.agenda import AgendaItem
from . import tables

T = tables.agenda_items
FIELDS = ("id", "supervisee_id", "author_id", "text", "case_id", "reason", "reflection_id",
          "session_id", "created_at")


def item_from_row(r) -> AgendaItem:
    """An ``AgendaItem`` from an ``agenda_items`` row."""
    return AgendaItem(**{k: getattr(r, k) for k in FIELDS})


def insert_item(conn: Connection, item: AgendaItem) -> None:
    """Write a new item (its id and created_at already set)."""
    conn.execute(insert(T), [{k: getattr(item, k) for k in FIELDS}])


def item(conn: Connection, item_id: str) -> AgendaItem | None:
    """One item, or None."""
    r = conn.execute(select(T).where(T.c.id == item_id)).first()
    return item_from_row(r) if r is not None else None


def delete_item(conn: Connection, item_id: str) -> None:
    """Remove a waiting item."""
    conn.execute(delete(T).where(T.c.id == item_id, T.c.session_id.is_(None)))


def items(conn: Connection, supervisee_ids, *, session_id: str | None = None,
          waiting: bool = False) -> list[AgendaItem]:
    """Items of ``supervisee_ids``: those a session took (``session_id``), those still
    waiting (``waiting``), or all; oldest first."""
    q = select(T).where(T.c.supervisee_id.in_(list(supervisee_ids)))
    if session_id is not None:
        q = q.where(T.c.session_id == session_id)
    elif waiting:
        q = q.where(T.c.session_id.is_(None))
    return [item_from_row(r) for r in conn.execute(q.order_by(T.c.created_at, T.c.id))]


def take_items(conn: Connection, ids: list[str], session_id: str) -> None:
    """Mark waiting items as taken into ``session_id``."""
    if ids:
        conn.execute(update(T).where(T.c.id.in_(ids), T.c.session_id.is_(None))
                     .values(session_id=session_id))


def attach_reflection(conn: Connection, reflection_id: str, session_id: str) -> None:
    """A pre-session reflection becomes part of the session's record."""
    conn.execute(update(tables.reflections)
                 .where(tables.reflections.c.id == reflection_id,
                        tables.reflections.c.session_id.is_(None))
                 .values(session_id=session_id))
