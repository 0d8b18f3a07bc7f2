"""The smaller records around a session: rows to records, and the check that a session
is still open to additions."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..domain.enums import SessionState
from ..domain.records import CONTRACT_TERMS, Contract, Evaluation, Observation, Reflection
from ..errors import RecordLocked, ValidationError
from . import tables

OBSERVATION_NOTES = ("setting", "permissions", "went_well", "development_points")


def contract_from_row(r) -> Contract:
    """A ``Contract`` from a ``contracts`` row (its terms are kept as one JSON mapping)."""
    terms = r.terms or {}
    return Contract(supervisor_id=r.supervisor_id, supervisee_id=r.supervisee_id, preset=r.preset,
                    start_date=r.start_date, overrides=r.overrides or {},
                    review_date=r.review_date, end_date=r.end_date,
                    supervisor_signed_at=r.supervisor_signed_at,
                    supervisee_signed_at=r.supervisee_signed_at, handover_note=r.handover_note,
                    replaces_id=r.replaces_id, id=r.id, stream=r.stream,
                    **{k: terms.get(k, "") for k in CONTRACT_TERMS})


def reflection_from_row(r) -> Reflection:
    """A ``Reflection`` from a ``reflections`` row."""
    return Reflection(framework=r.framework, author_id=r.author_id, responses=r.responses or {},
                      session_id=r.session_id, case_id=r.case_id, exercise_id=r.exercise_id,
                      created=r.created, id=r.id)


def evaluation_from_row(r) -> Evaluation:
    """An ``Evaluation`` from an ``evaluations`` row."""
    return Evaluation(supervisee_id=r.supervisee_id, supervisor_id=r.supervisor_id, date=r.date,
                      answers=list(r.answers), more_of=r.more_of, less_of=r.less_of,
                      session_id=r.session_id, id=r.id)


def observation_from_row(r) -> Observation:
    """An ``Observation`` from an ``observations`` row (its notes are one JSON mapping)."""
    return Observation(supervisee_id=r.supervisee_id, observer_id=r.observer_id, date=r.date,
                       planned=r.planned, qa_sample=r.qa_sample,
                       discussed_session_id=r.discussed_session_id, id=r.id,
                       **{k: (r.notes or {}).get(k, "") for k in OBSERVATION_NOTES})


def check_session_open(conn: Connection, session_id: str | None, field: str) -> None:
    """Refuse adding to a record that is signed (or being signed): its content is sealed."""
    if not session_id:
        return
    sessions, signatures = tables.sessions, tables.signatures
    state = conn.execute(select(sessions.c.state).where(sessions.c.id == session_id)).scalar()
    if state is None:
        raise ValidationError(field, f"unknown session {session_id!r}")
    signed = conn.execute(select(signatures.c.session_id)
                          .where(signatures.c.session_id == session_id)).first()
    if state in (SessionState.SIGNED, SessionState.AWAITING) or signed:
        raise RecordLocked(f"session {session_id} has been signed; add an addendum instead")
