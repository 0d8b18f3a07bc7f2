"""Requests between sessions (three-way meetings, urgent discussions) and recorded
disagreements in the store: the conditions that pick them, their rows and their updates."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ..domain.enums import SessionState
from . import tables
from .oversight import ASKED


# -- requests ------------------------------------------------------------------------
def the_request(request_id: str):
    """Condition: this one request."""
    return tables.requests.c.id == request_id


def requests_where(kind: str | None = None, *, open_only: bool = False,
                   addressed_to: str | None = None) -> list:
    """Conditions: requests of one kind, still open, or addressed to one person (each optional)."""
    requests = tables.requests
    conds = []
    if kind:
        conds.append(requests.c.kind == kind)
    if open_only:
        conds.append(requests.c.resolved_at.is_(None))
    if addressed_to:
        conds.append((requests.c.supervisor_id == addressed_to)
                     | (requests.c.manager_id == addressed_to))
    return conds


def request_rows(conn: Connection, *conds) -> list:
    """``requests`` rows with their case's ``reference`` (if any), newest first."""
    requests, cases = tables.requests, tables.cases
    return list(conn.execute(
        select(requests, cases.c.reference)
        .outerjoin(cases, cases.c.id == requests.c.case_id)
        .where(*conds)
        .order_by(requests.c.created.desc())
    ))


def insert_request(conn: Connection, **row) -> None:
    """Write a new request."""
    conn.execute(insert(tables.requests), [row])


def open_request_since(conn: Connection, requester_id: str, kind: str) -> dt.datetime | None:
    """When ``requester_id`` asked for a still-open request of ``kind``, or None."""
    requests = tables.requests
    return conn.execute(select(requests.c.created).where(
        requests.c.requester_id == requester_id, requests.c.kind == kind,
        requests.c.resolved_at.is_(None))).scalar()


def resolve_request(conn: Connection, request_id: str, outcome: str, at: dt.datetime) -> None:
    """Record what came of a request."""
    conn.execute(update(tables.requests).where(the_request(request_id))
                 .values(outcome=outcome, resolved_at=at))


# -- disagreements ----------------------------------------------------------------------
def the_disagreement(disagreement_id: str):
    """Condition: this one disagreement."""
    return tables.disagreements.c.id == disagreement_id


def disagreements_where(supervisee_id: str | None = None, *, escalated_only: bool = False,
                        reached_manager: bool = False) -> list:
    """Conditions: disagreements of sessions not cancelled, of one supervisee's sessions,
    escalated, and (``reached_manager``) escalated in a record that has been signed."""
    dis, sessions = tables.disagreements, tables.sessions
    conds = [sessions.c.state != SessionState.CANCELLED.value]
    if supervisee_id:
        conds.append(dis.c.session_id.in_(select(tables.attendees.c.session_id).where(
            tables.attendees.c.practitioner_id == supervisee_id)))
    if escalated_only or reached_manager:
        conds.append(dis.c.escalated.is_(True) | dis.c.escalated_to_id.is_not(None))
    if reached_manager:  # only once the record is signed does an escalation reach the manager
        conds.append(sessions.c.state.in_(ASKED))
    return conds


def disagreement_rows(conn: Connection, *conds) -> tuple[list, dict[str, list[str]]]:
    """(``disagreements`` rows with their session's date, state and supervisor, by date;
    session id -> attendee ids in order)."""
    dis, sessions, attendees = tables.disagreements, tables.sessions, tables.attendees
    rows = list(conn.execute(
        select(dis, sessions.c.date, sessions.c.state, sessions.c.supervisor_id)
        .join(sessions, sessions.c.id == dis.c.session_id)
        .where(*conds)
        .order_by(sessions.c.date, dis.c.position)
    ))
    sids = sorted({r.session_id for r in rows})
    att: dict[str, list[str]] = {}
    for a in conn.execute(select(attendees).where(attendees.c.session_id.in_(sids))
                          .order_by(attendees.c.position)):
        att.setdefault(a.session_id, []).append(a.practitioner_id)
    return rows, att


def disagreement_in_session(conn: Connection, disagreement_id: str):
    """One disagreement row with its session's ``state`` and ``supervisor_id``, or None."""
    dis, sessions = tables.disagreements, tables.sessions
    return conn.execute(
        select(dis, sessions.c.state, sessions.c.supervisor_id)
        .join(sessions, sessions.c.id == dis.c.session_id)
        .where(the_disagreement(disagreement_id))
    ).first()


def escalate_disagreement(conn: Connection, disagreement_id: str, to: str) -> None:
    """Record whom a disagreement went to (a lifecycle column: the signed content stays)."""
    conn.execute(update(tables.disagreements).where(the_disagreement(disagreement_id))
                 .values(escalated_to_id=to))


def resolve_disagreement(conn: Connection, disagreement_id: str, outcome: str, day: dt.date,
                         by: str) -> None:
    """Record the outcome of an escalated disagreement and who resolved it."""
    conn.execute(update(tables.disagreements).where(the_disagreement(disagreement_id))
                 .values(outcome=outcome, resolved_date=day, escalated_to_id=by))
