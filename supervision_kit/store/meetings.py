"""Meetings about cases in the store: rows to ``CaseMeeting`` records, and their writes."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from ..domain.meetings import CaseMeeting
from . import tables


def meeting_from_row(r) -> CaseMeeting:
    """A ``CaseMeeting`` from a ``case_meetings`` row."""
    return CaseMeeting(r.case_id, r.kind, r.date, r.note or "", r.id)


def insert_meeting(conn: Connection, m: CaseMeeting) -> None:
    """Write a new case meeting."""
    conn.execute(insert(tables.case_meetings),
                 [dict(id=m.id, case_id=m.case_id, kind=m.kind, date=m.date, note=m.note)])


def meeting(conn: Connection, meeting_id: str) -> CaseMeeting | None:
    """One case meeting, or None."""
    r = conn.execute(select(tables.case_meetings)
                     .where(tables.case_meetings.c.id == meeting_id)).first()
    return None if r is None else meeting_from_row(r)


def meetings_with_workers(conn: Connection, case_id: str | None = None,
                          since: dt.date | None = None) -> list[tuple[CaseMeeting, str]]:
    """(meeting, its case's worker id) of one case's meetings (or all), from ``since`` on,
    soonest first."""
    meetings, cases = tables.case_meetings, tables.cases
    q = (select(meetings, cases.c.worker_id).join(cases, cases.c.id == meetings.c.case_id)
         .order_by(meetings.c.date, meetings.c.id))
    if case_id:
        q = q.where(meetings.c.case_id == case_id)
    if since:
        q = q.where(meetings.c.date >= since)
    return [(meeting_from_row(r), r.worker_id) for r in conn.execute(q)]


def update_meeting(conn: Connection, m: CaseMeeting) -> None:
    """Change a meeting's kind, date and note."""
    conn.execute(update(tables.case_meetings).where(tables.case_meetings.c.id == m.id)
                 .values(kind=m.kind, date=m.date, note=m.note))


def delete_meeting(conn: Connection, meeting_id: str) -> None:
    """Remove a case meeting."""
    conn.execute(delete(tables.case_meetings).where(tables.case_meetings.c.id == meeting_id))
