"""The retention schedule's queries [Havering 9]: which records of a leaver are due for
destruction (``retention_plan``), how many rows that is, and destroying them (``destroy_records``).

Sessions go when every supervisee in them is past the date and no legal hold or kept record
needs them; the practitioner's own rows go with them; the practitioner row is anonymised,
not deleted, because kept records point to it. See ``facade/maintenance.py``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection

from ..domain.values import add_years
from . import holds as holds_store
from . import tables
from .lifecycle import forget_discarded
from .schema import Base

by_name = Base.metadata.tables


def leavers_due(conn: Connection, as_of: dt.date, years: int) -> dict[str, dt.date]:
    """Practitioners whose leaving date is ``years`` or more before ``as_of``: id -> left."""
    return {
        r.id: r.leaving_date
        for r in conn.execute(
            select(
                tables.practitioners.c.id,
                tables.practitioners.c.leaving_date,
                tables.practitioners.c.username,
            ).where(tables.practitioners.c.leaving_date.is_not(None))
        )
        if add_years(r.leaving_date, years) <= as_of
    }


def session_attendees(conn: Connection) -> dict[str, set]:
    """Every session's attendees' ids."""
    attendees: dict[str, set] = {}
    for r in conn.execute(
        select(tables.attendees.c.session_id, tables.attendees.c.practitioner_id)
    ):
        attendees.setdefault(r.session_id, set()).add(r.practitioner_id)
    return attendees


def reviewed_elsewhere(conn: Connection, doomed: set[str]) -> set[str]:
    """Sessions among ``doomed`` whose actions a session outside ``doomed`` reviewed."""
    return {
        r.session_id
        for r in conn.execute(
            select(tables.actions.c.session_id)
            .join(
                tables.action_reviews,
                tables.action_reviews.c.action_id == tables.actions.c.id,
            )
            .where(
                tables.actions.c.session_id.in_(doomed),
                tables.action_reviews.c.session_id.not_in(doomed),
            )
        )
    }


def session_dates(conn: Connection, ids) -> dict[str, dt.date]:
    """Session id -> date for ``ids``."""
    return {
        r.id: r.date
        for r in conn.execute(
            select(tables.sessions.c.id, tables.sessions.c.date).where(
                tables.sessions.c.id.in_(ids)
            )
        )
    }


def is_anonymised(conn: Connection, pid: str) -> bool:
    """Whether the practitioner row has already been anonymised by an earlier destruction."""
    return (
        conn.execute(
            select(tables.practitioners.c.username).where(tables.practitioners.c.id == pid)
        )
        .scalar()
        .startswith("left-")
    )


def retention_plan(conn: Connection, as_of: dt.date, years: int) -> list[dict]:
    """Practitioners whose records are due for destruction, and what would go (see the facade)."""
    leavers = leavers_due(conn, as_of, years)
    if not leavers:
        return []
    held_p, held_c = holds_store.active_targets(conn)
    held_sessions = holds_store.sessions_touching_cases(conn, held_c)
    attendees = session_attendees(conn)
    free = leavers.keys() - held_p.keys()  # a held practitioner's sessions are all kept
    doomed = {s for s, who in attendees.items() if who and who <= free} - held_sessions
    # Keep a session whose actions a kept record reviewed: destroying it would change
    # that record's signed content.
    while True:
        kept_for_review = reviewed_elsewhere(conn, doomed)
        if not kept_for_review:
            break
        doomed -= kept_for_review
    dates = session_dates(conn, doomed)
    plan = []
    for pid, left in sorted(leavers.items()):
        mine = sorted((s for s in doomed if pid in attendees[s]), key=lambda s: (dates[s], s))
        kept = sorted(s for s, who in attendees.items() if pid in who and s not in doomed)
        item = {"practitioner_id": pid, "left": left, "due": add_years(left, years),
                "sessions": [(s, dates[s]) for s in mine], "kept_sessions": kept,
                "held": held_p.get(pid, []),
                "held_sessions": sorted(s for s in kept if s in held_sessions),
                "held_cases": sorted(held_c),
                "rows": {} if pid in held_p else
                retention_counts(conn, pid, mine, sorted(held_c))}
        if any(item["rows"].values()) or not is_anonymised(conn, pid) or item["held"]:
            plan.append(item)
    return plan


def own_rows(pid: str) -> dict:
    """Rows that belong to the practitioner alone, outside any session destroyed."""
    return {
        "reflections": tables.reflections.c.author_id == pid,
        "evaluations": tables.evaluations.c.supervisee_id == pid,
        "observations": tables.observations.c.supervisee_id == pid,
        "contracts": tables.contracts.c.supervisee_id == pid,
        "requests": tables.requests.c.requester_id == pid,
        "training_records": tables.training_records.c.practitioner_id == pid,
        # Their bookings and reminder settings and log go with them.
        "bookings": tables.bookings.c.supervisee_id == pid,
        "reminder_optouts": tables.reminder_optouts.c.practitioner_id == pid,
        "reminder_log": tables.reminder_log.c.practitioner_id == pid,
        # Their agenda still waiting (items a destroyed session took go with it).
        "agenda_items": (tables.agenda_items.c.supervisee_id == pid)
        & tables.agenda_items.c.session_id.is_(None),
    }


def loose_reflections(pid: str, held_cases: list[str]):
    """The practitioner's reflections outside any session, except those on a held case."""
    rf = tables.reflections.c
    return ((rf.author_id == pid) & rf.session_id.is_(None)
            & (rf.case_id.is_(None) | rf.case_id.not_in(held_cases)))


def retention_counts(conn: Connection, pid: str, sessions: list[str],
                     held_cases: list[str] = ()) -> dict[str, int]:
    """Rows per table that destroying ``pid``'s records with ``sessions`` would remove."""
    def n(table, cond) -> int:
        return conn.execute(select(func.count()).select_from(table).where(cond)).scalar()
    acts = select(tables.actions.c.id).where(tables.actions.c.session_id.in_(sessions))
    rows = {
        "sessions": len(sessions),
        "case_discussions": n(
            tables.discussions, tables.discussions.c.session_id.in_(sessions)
        ),
        "actions": n(tables.actions, tables.actions.c.session_id.in_(sessions)),
        "action_reviews": n(
            tables.action_reviews,
            tables.action_reviews.c.session_id.in_(sessions)
            | tables.action_reviews.c.action_id.in_(acts),
        ),
        "disagreements": n(
            tables.disagreements, tables.disagreements.c.session_id.in_(sessions)
        ),
        "signatures": n(tables.signatures, tables.signatures.c.session_id.in_(sessions)),
        "addenda": n(tables.addenda, tables.addenda.c.session_id.in_(sessions)),
    }
    own = own_rows(pid)
    own["reflections"] = (tables.reflections.c.session_id.in_(sessions)
                          | loose_reflections(pid, list(held_cases)))
    for name, cond in own.items():
        rows[name] = n(by_name[name], cond)
    return rows


def destroy_records(conn: Connection, item: dict) -> None:
    """Delete what a ``retention_plan`` item lists and anonymise the practitioner row."""
    pid = item["practitioner_id"]
    sids = [s for s, _ in item["sessions"]]
    acts = select(tables.actions.c.id).where(tables.actions.c.session_id.in_(sids))
    conn.execute(
        delete(tables.action_reviews).where(
            tables.action_reviews.c.session_id.in_(sids)
            | tables.action_reviews.c.action_id.in_(acts)
        )
    )
    # Kept actions reviewed in a destroyed session lose the link (not part of their hash).
    conn.execute(
        update(tables.actions)
        .where(
            tables.actions.c.reviewed_session_id.in_(sids),
            tables.actions.c.session_id.not_in(sids),
        )
        .values(reviewed_session_id=None)
    )
    conn.execute(
        update(tables.evaluations)
        .where(tables.evaluations.c.session_id.in_(sids))
        .values(session_id=None)
    )
    conn.execute(
        update(tables.observations)
        .where(tables.observations.c.discussed_session_id.in_(sids))
        .values(discussed_session_id=None)
    )
    for t in (
        tables.agenda_items,
        tables.actions,
        tables.discussions,
        tables.disagreements,
        tables.reflections,
        tables.signatures,
        tables.addenda,
        tables.attendees,
    ):
        conn.execute(delete(t).where(t.c.session_id.in_(sids)))
    conn.execute(delete(tables.sessions).where(tables.sessions.c.id.in_(sids)))
    own = own_rows(pid)
    own["reflections"] = loose_reflections(pid, item["held_cases"])
    mine = select(tables.contracts.c.id).where(tables.contracts.c.supervisee_id == pid)
    conn.execute(
        update(tables.contracts)
        .where(
            tables.contracts.c.replaces_id.in_(mine), tables.contracts.c.supervisee_id != pid
        )
        .values(replaces_id=None)
    )
    conn.execute(
        update(tables.contracts)
        .where(tables.contracts.c.supervisee_id == pid)
        .values(replaces_id=None)
    )
    for name, cond in own.items():
        conn.execute(delete(by_name[name]).where(cond))
    if item["held_sessions"]:
        return  # held records still name the practitioner: anonymise once the hold is lifted
    forget_discarded(conn, pid)  # drafts discarded about them, too
    conn.execute(update(tables.practitioners).where(tables.practitioners.c.id == pid).values(
        name=f"Former practitioner {pid}", username=f"left-{pid}", email="",
        qualified_date=None, asye_start=None))
