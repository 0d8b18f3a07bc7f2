"""Store queries for reminders: records awaiting signatures, open requests, opt-outs and
the log of what was sent."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import delete, insert, select

from .schema import (AttendeeRow, ReminderLogRow, ReminderOptOutRow, RequestRow, SessionRow,
                     SignatureRow)

S, AT, SG = SessionRow.__table__, AttendeeRow.__table__, SignatureRow.__table__
RQ, OPT, LOG = RequestRow.__table__, ReminderOptOutRow.__table__, ReminderLogRow.__table__


def awaiting_signature(conn) -> Counter:
    """Per person: records awaiting signatures that they have not yet signed."""
    sessions = {r.id: {r.supervisor_id} for r in conn.execute(
        select(S.c.id, S.c.supervisor_id).where(S.c.state == "awaiting signatures"))}
    for r in conn.execute(select(AT.c.session_id, AT.c.practitioner_id)
                          .where(AT.c.session_id.in_(list(sessions)))):
        sessions[r.session_id].add(r.practitioner_id)
    for r in conn.execute(select(SG.c.session_id, SG.c.practitioner_id)
                          .where(SG.c.session_id.in_(list(sessions)))):
        sessions[r.session_id].discard(r.practitioner_id)
    return Counter(p for parties in sessions.values() for p in parties)


def open_requests(conn) -> Counter:
    """Per person: open requests addressed to them (as supervisor or manager)."""
    out = Counter()
    for r in conn.execute(select(RQ.c.supervisor_id, RQ.c.manager_id)
                          .where(RQ.c.resolved_at.is_(None))):
        for p in {r.supervisor_id, r.manager_id} - {None}:
            out[p] += 1
    return out


def opted_out(conn) -> set[tuple[str, str]]:
    """(person, kind) pairs not to remind."""
    return {(r.practitioner_id, r.kind) for r in conn.execute(select(OPT))}


def set_opt_out(conn, pid: str, kind: str, out: bool) -> None:
    conn.execute(delete(OPT).where(OPT.c.practitioner_id == pid, OPT.c.kind == kind))
    if out:
        conn.execute(insert(OPT), [dict(practitioner_id=pid, kind=kind)])


def sent_on(conn, day: dt.date) -> set[tuple[str, str]]:
    """(person, fingerprint) of the digests sent on ``day``."""
    return {(r.practitioner_id, r.fingerprint) for r in conn.execute(
        select(LOG.c.practitioner_id, LOG.c.fingerprint).where(LOG.c.day == day,
                                                               LOG.c.status == "sent"))}


def log_send(conn, pid: str, day: dt.date, fp: str, status: str, detail: str = "") -> None:
    conn.execute(insert(LOG), [dict(practitioner_id=pid, day=day, fingerprint=fp, status=status,
                                    sent_at=dt.datetime.now().replace(microsecond=0),
                                    detail=detail[:500])])
