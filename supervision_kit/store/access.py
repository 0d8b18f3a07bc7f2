"""Who may see whom: the visibility rule's queries, over facts no one writes for themselves.

A user sees themselves and:
- their line reports (``line_manager_id``, set by an administrator);
- as a manager, everyone in their team (``team``, set by an administrator);
- the supervisee of a contract they supervise once the supervisee has signed it (the
  supervisor's own signature is a fact they write for themselves, so it proves nothing);
- the supervisees of a session they supervise once the session is signed by everyone, or
  once that supervisee has signed it.

Unsigned contracts and draft sessions are left out on purpose: the user could have written
those themselves (issue 19). Every write that names people is checked against this set
first (``Toolkit._check_named``), so a signed record can only name people its writer was
already entitled to name, or people who signed it themselves.
"""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection

from . import tables

SUPERVISING_ROLES = ("supervisor", "manager", "admin")


def visible_ids(conn: Connection, me: str, *, manager: bool, team: str = "") -> set[str]:
    """Practitioner ids user ``me`` may see (themselves included); see the module docstring."""
    ids = {me}
    ids |= set(conn.execute(select(tables.practitioners.c.id).where(tables.practitioners.c.line_manager_id == me)).scalars())
    if manager and team:  # an empty team is no team: it must not match everyone without one
        ids |= set(conn.execute(select(tables.practitioners.c.id).where(tables.practitioners.c.team == team)).scalars())
    ids |= set(conn.execute(select(tables.contracts.c.supervisee_id).where(
        tables.contracts.c.supervisor_id == me, tables.contracts.c.supervisee_signed_at.is_not(None))).scalars())
    own_signature = select(tables.signatures.c.session_id).where(tables.signatures.c.session_id == tables.attendees.c.session_id,
                                                  tables.signatures.c.practitioner_id == tables.attendees.c.practitioner_id)
    ids |= set(conn.execute(
        select(tables.attendees.c.practitioner_id).join(tables.sessions, tables.sessions.c.id == tables.attendees.c.session_id)
        .where(tables.sessions.c.supervisor_id == me, or_(tables.sessions.c.state == "signed", own_signature.exists()))
    ).scalars())
    return ids


def may_supervise(conn: Connection, ids) -> set[str]:
    """Which of ``ids`` are current staff who may supervise (anyone may hand over to them)."""
    ids = sorted({i for i in ids if i})
    if not ids:
        return set()
    return set(conn.execute(select(tables.practitioners.c.id).where(
        tables.practitioners.c.id.in_(ids), tables.practitioners.c.role.in_(SUPERVISING_ROLES), tables.practitioners.c.leaving_date.is_(None))).scalars())


def case_workers(conn: Connection, case_ids) -> dict[str, str]:
    """``case id -> worker id`` for the known cases among ``case_ids``."""
    ids = sorted({c for c in case_ids if c})
    out: dict[str, str] = {}
    for i in range(0, len(ids), 900):
        out.update(conn.execute(select(tables.cases.c.id, tables.cases.c.worker_id).where(tables.cases.c.id.in_(ids[i:i + 900]))).all())
    return out


def named_in_session(conn: Connection, rec) -> list[tuple[str, str]]:
    """(field, practitioner id) of everyone a session record names, for the write check:
    supervisees, action owners, the workers of discussed cases and of reviewed actions."""
    named = [(f"supervisee_ids[{i}]", p) for i, p in enumerate(rec.supervisee_ids)]
    named += [(f"actions[{i}].owner_id", a.owner_id) for i, a in enumerate(rec.actions)]
    workers = case_workers(conn, [d.case_id for d in rec.discussions]
                           + [a.case_id for a in rec.actions])
    named += [(f"discussions[{i}].case_id", workers.get(d.case_id))
              for i, d in enumerate(rec.discussions)]
    named += [(f"actions[{i}].case_id", workers.get(a.case_id)) for i, a in enumerate(rec.actions)]
    acts = [r.action_id for r in rec.reviews]
    owners = dict(conn.execute(select(tables.actions.c.id, tables.actions.c.owner_id).where(tables.actions.c.id.in_(acts))).all()) if acts else {}
    named += [(f"reviews[{i}].action_id", owners.get(r.action_id))
              for i, r in enumerate(rec.reviews)]
    return named


def known_people(conn: Connection, ids) -> set[str]:
    """Which of ``ids`` are practitioners in the store."""
    ids = sorted({i for i in ids if i})
    return set(conn.execute(select(tables.practitioners.c.id).where(tables.practitioners.c.id.in_(ids))).scalars()) if ids else set()


def practitioner_by_name(conn: Connection, name: str):
    """The ``practitioners`` row whose username or id is ``name``, or None."""
    return conn.execute(select(tables.practitioners).where(or_(tables.practitioners.c.username == name, tables.practitioners.c.id == name))).first()


def session_supervisor(conn: Connection, session_id: str) -> str | None:
    """The supervisor's id of a session, or None when there is no such session."""
    r = conn.execute(select(tables.sessions.c.supervisor_id).where(tables.sessions.c.id == session_id)).first()
    return None if r is None else r.supervisor_id


def session_attendees(conn: Connection, session_id: str) -> list[str]:
    """The attendees' ids of a session, in their order on the record."""
    return list(conn.execute(select(tables.attendees.c.practitioner_id).where(tables.attendees.c.session_id == session_id)
                             .order_by(tables.attendees.c.position)).scalars())


def has_practitioners(conn: Connection) -> bool:
    """Does the store hold anybody yet?"""
    return bool(conn.execute(select(func.count()).select_from(tables.practitioners)).scalar())
