"""Named queries the sessions service runs: summaries, a case's discussions, signatures,
addenda, and what verification compares."""
from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import and_, insert, select
from sqlalchemy.engine import Connection

from ..domain.enums import SessionState
from ..domain.records import Addendum, Signature
from . import tables

sessions, attendees, signatures = tables.sessions, tables.attendees, tables.signatures
addenda, audit_log = tables.addenda, tables.audit_log


def attendees_by_session(conn: Connection, ids: list[str]) -> dict[str, list[str]]:
    """Attendee ids of each session, in their order on the record."""
    out: dict[str, list[str]] = {}
    for i in range(0, len(ids), 900):  # SQLite's limit on bound values
        q = (select(attendees).where(attendees.c.session_id.in_(ids[i:i + 900]))
             .order_by(attendees.c.position))
        for r in conn.execute(q):
            out.setdefault(r.session_id, []).append(r.practitioner_id)
    return out


def session_summaries(conn: Connection, supervisee_id: str | None = None,
                      state: str | None = None) -> list[dict]:
    """id, date, type, state, supervisor_id and supervisee_ids of sessions, newest first."""
    q = select(sessions.c.id, sessions.c.date, sessions.c.type, sessions.c.state,
               sessions.c.supervisor_id).order_by(sessions.c.date.desc())
    if state:
        q = q.where(sessions.c.state == state)
    if supervisee_id:
        q = q.where(sessions.c.id.in_(select(attendees.c.session_id)
                                      .where(attendees.c.practitioner_id == supervisee_id)))
    rows = list(conn.execute(q))
    att = attendees_by_session(conn, [r.id for r in rows])
    return [dict(r._mapping, supervisee_ids=att.get(r.id, [])) for r in rows]


def case_by_id_or_reference(conn: Connection, case_id: str):
    """The case row (id, reference, worker_id) named by id or reference, or None."""
    c = tables.cases
    return conn.execute(select(c.c.id, c.c.reference, c.c.worker_id)
                        .where((c.c.id == case_id) | (c.c.reference == case_id))).first()


def session_date(conn: Connection, session_id: str):
    """The date of a session, or None."""
    return conn.execute(
        select(tables.sessions.c.date).where(tables.sessions.c.id == session_id)
    ).scalar()


def session_with_hash(conn: Connection, digest: str):
    """(id, state) of the session whose content hash is ``digest``, or None."""
    return conn.execute(
        select(tables.sessions.c.id, tables.sessions.c.state).where(
            tables.sessions.c.content_hash == digest
        )
    ).first()


def people_of_session(conn: Connection, session_id: str) -> set[str]:
    """Ids of a session's supervisor, attendees and signers."""
    ids = {conn.execute(select(sessions.c.supervisor_id)
                        .where(sessions.c.id == session_id)).scalar()}
    ids |= set(conn.execute(select(attendees.c.practitioner_id)
                            .where(attendees.c.session_id == session_id)).scalars())
    ids |= set(conn.execute(select(signatures.c.practitioner_id)
                            .where(signatures.c.session_id == session_id)).scalars())
    return ids - {None}


def signers_of(conn: Connection, session_id: str) -> set[str]:
    """Who has signed a session so far."""
    return set(conn.execute(select(signatures.c.practitioner_id)
                            .where(signatures.c.session_id == session_id)).scalars())


def signatures_of(conn: Connection, session_id: str) -> list[Signature]:
    """A session's signatures, in the order given."""
    q = (select(signatures).where(signatures.c.session_id == session_id)
         .order_by(signatures.c.signed_at))
    return [Signature(session_id=r.session_id, practitioner_id=r.practitioner_id,
                      signed_at=r.signed_at, method=r.method, content_hash=r.content_hash,
                      comment=r.comment or "", disagrees=bool(r.disagrees))
            for r in conn.execute(q)]


def add_addendum(conn: Connection, a: Addendum) -> None:
    """Write an addendum (its text hashed, so verification sees a later edit)."""
    conn.execute(insert(addenda), [dict(
        id=a.id, session_id=a.session_id, author_id=a.author_id, text=a.text,
        created_at=a.created_at, content_hash=hashlib.sha256(a.text.encode()).hexdigest())])


def addenda_of(conn: Connection, session_id: str) -> list[Addendum]:
    """A session's addenda, oldest first."""
    q = (select(addenda).where(addenda.c.session_id == session_id)
         .order_by(addenda.c.created_at, addenda.c.id))
    return [Addendum(session_id=r.session_id, author_id=r.author_id, text=r.text,
                     created_at=r.created_at, id=r.id) for r in conn.execute(q)]


def signed_hashes(conn: Connection) -> dict[str, dict[str, str]]:
    """{session id: {signer: the hash they signed}} over the whole store."""
    out: dict[str, dict[str, str]] = {}
    q = select(signatures.c.session_id, signatures.c.practitioner_id, signatures.c.content_hash)
    for r in conn.execute(q):
        out.setdefault(r.session_id, {})[r.practitioner_id] = r.content_hash
    return out


def once_signed(conn: Connection, signed_ids) -> list[str]:
    """Every session that is, or once was, signed: by its state, its hash or a signature."""
    states = (SessionState.AWAITING.value, SessionState.SIGNED.value)
    q = select(sessions.c.id).where(sessions.c.state.in_(states)
                                    | sessions.c.content_hash.is_not(None))
    return sorted(set(conn.execute(q).scalars()) | set(signed_ids))


def altered_addenda(conn: Connection) -> list[str]:
    """Addenda whose text no longer matches its hash."""
    return [f"addendum {r.id} on session {r.session_id}: text altered"
            for r in conn.execute(select(addenda))
            if hashlib.sha256(r.text.encode()).hexdigest() != r.content_hash]


def deleted_signed(conn: Connection, present: set[str]) -> list[str]:
    """Records the audit log shows were signed that are gone, and not by the retention schedule."""
    log = audit_log
    signed = {r.entity_id: r.at for r in conn.execute(
        select(log.c.entity_id, log.c.at).where(log.c.action == "sign", log.c.entity == "session")
        .order_by(log.c.id))}
    gone: dict[str, dt.datetime] = {sid: at for sid, at in signed.items() if sid not in present}
    if not gone:
        return []
    destroyed = " ".join(conn.execute(select(log.c.detail).where(log.c.action == "destroy")).scalars())
    return [f"session {sid} (signed {at:%Y-%m-%d}): deleted outside the application"
            for sid, at in sorted(gone.items()) if f"{sid} (" not in destroyed]


def carried_actions(conn: Connection, supervisee_ids, session_id: str | None) -> list:
    """``actions`` rows for review in ``session_id``: open actions of the supervisees'
    other (not cancelled) sessions, and those this session already reviewed; soonest due first."""
    actions = tables.actions
    earlier = (select(attendees.c.session_id)
               .join(sessions, sessions.c.id == attendees.c.session_id)
               .where(attendees.c.practitioner_id.in_(supervisee_ids),
                      sessions.c.id != session_id,
                      sessions.c.state != SessionState.CANCELLED.value))
    return list(conn.execute(
        select(actions)
        .where(actions.c.session_id.in_(earlier),
               (actions.c.status == "open") | and_(actions.c.reviewed_session_id == session_id,
                                                   actions.c.reviewed_session_id.is_not(None)))
        .order_by(actions.c.due_date, actions.c.id)))


def state_and_version(conn: Connection, session_id: str):
    """(state, version) of a stored session, or None."""
    return conn.execute(select(sessions.c.state, sessions.c.version)
                        .where(sessions.c.id == session_id)).first()


def session_state(conn: Connection, session_id: str) -> str | None:
    """A session's state, or None when there is no such session."""
    return conn.execute(select(sessions.c.state).where(sessions.c.id == session_id)).scalar()


def has_signatures(conn: Connection, session_id: str) -> bool:
    """Has anyone signed this session?"""
    return conn.execute(select(signatures.c.session_id)
                        .where(signatures.c.session_id == session_id)).first() is not None


def known_cases(conn: Connection, ids) -> set[str]:
    """Which of ``ids`` are cases in the store."""
    return set(conn.execute(select(tables.cases.c.id).where(tables.cases.c.id.in_(ids))).scalars())


def known_actions(conn: Connection, ids) -> set[str]:
    """Which of ``ids`` are actions in the store."""
    actions = tables.actions
    return set(conn.execute(select(actions.c.id).where(actions.c.id.in_(ids))).scalars())
