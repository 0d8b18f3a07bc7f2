"""Management oversight in the store: decisions marked as needing a manager's view, with the
session, case, attendees, the managers it is routed to and the exchange of addenda about it."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from ..domain.enums import OversightStatus, SessionState
from . import tables
from .people import managers_above, names_of

ASKED = (SessionState.AWAITING.value, SessionState.SIGNED.value)
PENDING = OversightStatus.PENDING.value


def marker(reference: str) -> str:
    """The opening words of every addendum about one case's oversight."""
    return f"Management oversight of {reference}:"


def still_pending():
    """Condition: the decision has no answer yet."""
    return (tables.discussions.c.oversight_status == PENDING) | \
        tables.discussions.c.oversight_status.is_(None)


def the_discussion(discussion_id: str):
    """Condition: this one case discussion."""
    return tables.discussions.c.id == discussion_id


def of_supervisees(ids, exclude_session: str | None = None) -> list:
    """Conditions: decisions in sessions these supervisees attended (but ``exclude_session``)."""
    mine = select(tables.attendees.c.session_id).where(
        tables.attendees.c.practitioner_id.in_(ids)
    )
    conds = [tables.discussions.c.session_id.in_(mine)]
    if exclude_session:
        conds.append(tables.discussions.c.session_id != exclude_session)
    return conds


def _attendees_and_notes(conn: Connection, sids: list[str]) -> tuple[dict, dict]:
    att: dict[str, list[str]] = {}
    notes: dict[str, list] = {}
    if sids:
        for a in conn.execute(
            select(tables.attendees)
            .where(tables.attendees.c.session_id.in_(sids))
            .order_by(tables.attendees.c.position)
        ):
            att.setdefault(a.session_id, []).append(a.practitioner_id)
        for n in conn.execute(
            select(tables.addenda)
            .where(
                tables.addenda.c.session_id.in_(sids),
                tables.addenda.c.text.like("Management oversight of %"),
            )
            .order_by(tables.addenda.c.created_at, tables.addenda.c.id)
        ):
            notes.setdefault(n.session_id, []).append(n)
    return att, notes


def oversight_items(conn: Connection, *conds) -> list[dict]:
    """Decisions needing oversight in sessions asked to sign or signed, meeting ``conds``,
    by session date and case reference, as the items ``oversight_tasks`` describes."""
    discussion, session, case = tables.discussions.c, tables.sessions.c, tables.cases.c
    q = (
        select(discussion.id, discussion.session_id, discussion.case_id, discussion.answers,
               discussion.oversight_status, discussion.oversight_manager_id,
               discussion.oversight_reason, discussion.oversight_at, session.date,
               session.state, session.supervisor_id, case.reference, case.worker_id)
        .join(tables.sessions, tables.sessions.c.id == tables.discussions.c.session_id)
        .join(tables.cases, tables.cases.c.id == tables.discussions.c.case_id)
        .where(
            tables.discussions.c.needs_oversight.is_(True),
            tables.sessions.c.state.in_(ASKED),
            *conds,
        )
        .order_by(tables.sessions.c.date, tables.cases.c.reference)
    )
    rows = list(conn.execute(q))
    att, notes = _attendees_and_notes(conn, sorted({r.session_id for r in rows}))
    above: dict[str, list[str]] = {}
    out = []
    for r in rows:
        if r.supervisor_id not in above:
            above[r.supervisor_id] = managers_above(conn, r.supervisor_id)
        routed = [r.oversight_manager_id] if r.oversight_manager_id else above[r.supervisor_id]
        ans = r.answers or {}
        out.append(dict(
            discussion_id=r.id, session_id=r.session_id, session_date=r.date,
            case_id=r.case_id, reference=r.reference, worker_id=r.worker_id,
            supervisor_id=r.supervisor_id, supervisee_ids=att.get(r.session_id, []),
            decision=ans.get("decision", ""), rationale=ans.get("rationale", ""),
            status=r.oversight_status or PENDING, manager_id=r.oversight_manager_id,
            routed_to=routed, reason=r.oversight_reason or "", answered_at=r.oversight_at,
            exchange=[dict(author_id=n.author_id, at=n.created_at, text=n.text)
                      for n in notes.get(r.session_id, [])
                      if n.text.startswith(marker(r.reference))]))
    names = names_of(
        conn,
        [
            p
            for d in out
            for p in (
                d["supervisor_id"],
                d["manager_id"],
                d["worker_id"],
                *d["routed_to"],
                *d["supervisee_ids"],
                *(e["author_id"] for e in d["exchange"]),
            )
        ],
    )
    for d in out:
        d["supervisor"] = names.get(d["supervisor_id"], d["supervisor_id"])
        d["supervisees"] = [names.get(p, p) for p in d["supervisee_ids"]]
        d["manager"] = names.get(d["manager_id"], "") if d["manager_id"] else ""
        d["routed_names"] = [names.get(p, p) for p in d["routed_to"]]
        for e in d["exchange"]:
            e["author"] = names.get(e["author_id"], e["author_id"])
    return out


def discussion_flags(conn: Connection, discussion_id: str):
    """(needs_oversight, session state) of one case discussion, or None."""
    return conn.execute(
        select(tables.discussions.c.needs_oversight, tables.sessions.c.state)
        .join(tables.sessions, tables.sessions.c.id == tables.discussions.c.session_id)
        .where(tables.discussions.c.id == discussion_id)
    ).first()


def set_oversight(conn: Connection, discussion_id: str, **values) -> None:
    """Write the oversight columns of one case discussion."""
    conn.execute(
        update(tables.discussions)
        .where(tables.discussions.c.id == discussion_id)
        .values(**values)
    )


def last_session_date(conn: Connection, ids, before: dt.date,
                      exclude_session: str | None = None) -> dt.date | None:
    """Date of the latest session (not cancelled) of these supervisees on or before ``before``."""
    q = (
        select(tables.sessions.c.date)
        .join(tables.attendees, tables.attendees.c.session_id == tables.sessions.c.id)
        .where(
            tables.attendees.c.practitioner_id.in_(ids),
            tables.sessions.c.date <= before,
            tables.sessions.c.state != SessionState.CANCELLED.value,
        )
        .order_by(tables.sessions.c.date.desc())
        .limit(1)
    )
    if exclude_session:
        q = q.where(tables.sessions.c.id != exclude_session)
    return conn.execute(q).scalar()
