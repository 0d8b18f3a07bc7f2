"""Drift escalations and professional differences in the store."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from .schema import (CaseRow, DriftEscalationRow, PractitionerRow,
                     ProfessionalDifferenceRow)

E, PD = DriftEscalationRow.__table__, ProfessionalDifferenceRow.__table__
C, P = CaseRow.__table__, PractitionerRow.__table__


def line_managers(conn: Connection, worker_ids) -> dict[str, str | None]:
    """Worker id -> their line manager's id."""
    ids = list(set(worker_ids))
    return {r.id: r.line_manager_id for r in conn.execute(
        select(P.c.id, P.c.line_manager_id).where(P.c.id.in_(ids)))}


def known(conn: Connection) -> set[tuple[str, dt.date]]:
    """(case_id, flagged_since) of every escalation already made."""
    return {(r.case_id, r.flagged_since) for r in conn.execute(select(E.c.case_id, E.c.flagged_since))}


def insert_escalation(conn: Connection, **row) -> None:
    """Write one escalation (pending)."""
    conn.execute(insert(E), [dict(status="pending", outcome="", **row)])


def escalations(conn: Connection, manager_id: str | None = None) -> list[dict]:
    """Escalations with the case reference, newest due first (one manager's, or all)."""
    q = (select(E, C.c.reference, C.c.worker_id).join(C, C.c.id == E.c.case_id)
         .order_by(E.c.due_on.desc(), E.c.id))
    if manager_id:
        q = q.where(E.c.manager_id == manager_id)
    return [dict(r._mapping) for r in conn.execute(q)]


def escalation(conn: Connection, esc_id: str):
    """One escalation row, or None."""
    return conn.execute(select(E).where(E.c.id == esc_id)).first()


def answer(conn: Connection, esc_id: str, status: str, outcome: str) -> None:
    """Record the manager's outcome."""
    conn.execute(update(E).where(E.c.id == esc_id).values(
        status=status, outcome=outcome, answered_at=dt.datetime.now().replace(microsecond=0)))


def insert_difference(conn: Connection, **row) -> None:
    """Write one professional difference."""
    conn.execute(insert(PD), [row])


def update_difference(conn: Connection, diff_id: str, **values) -> None:
    """Change a difference's stage, outcome or resolution date."""
    conn.execute(update(PD).where(PD.c.id == diff_id).values(**values))


def difference(conn: Connection, diff_id: str):
    """One professional difference row, or None."""
    return conn.execute(select(PD).where(PD.c.id == diff_id)).first()


def differences(conn: Connection, case_id: str) -> list[dict]:
    """A case's professional differences, oldest first."""
    return [dict(r._mapping) for r in conn.execute(
        select(PD).where(PD.c.case_id == case_id).order_by(PD.c.raised_on, PD.c.id))]
