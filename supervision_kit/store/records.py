"""The smaller records around a session (actions, reflections, evaluations, contracts,
observations): their queries, rows to records, and the check that a session is still open."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ..domain.enums import SessionState
from ..domain.records import (CONTRACT_TERMS, ActionItem, Contract, Evaluation, Observation,
                              Reflection)
from ..errors import RecordLocked, ValidationError
from . import tables
from .session_queries import has_signatures, session_state

OBSERVATION_NOTES = ("setting", "permissions", "went_well", "development_points")


def action_from_row(r) -> ActionItem:
    """An ``ActionItem`` from an ``actions`` row."""
    return ActionItem(description=r.description, owner_id=r.owner_id, due_date=r.due_date,
                      case_id=r.case_id, status=r.status, session_id=r.session_id,
                      reviewed_session_id=r.reviewed_session_id, completed_date=r.completed_date,
                      id=r.id)


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
    state = session_state(conn, session_id)
    if state is None:
        raise ValidationError(field, f"unknown session {session_id!r}")
    if state in (SessionState.SIGNED, SessionState.AWAITING) or has_signatures(conn, session_id):
        raise RecordLocked(f"session {session_id} has been signed; add an addendum instead")


# -- actions ---------------------------------------------------------------------
def actions_matching(conn: Connection, owner_id: str | None = None, case_id: str | None = None,
                     status: str | None = None) -> list[ActionItem]:
    """Actions by owner, case and status (each optional), soonest due first."""
    actions = tables.actions
    q = select(actions).order_by(actions.c.due_date, actions.c.id)
    if owner_id:
        q = q.where(actions.c.owner_id == owner_id)
    if case_id:
        q = q.where(actions.c.case_id == case_id)
    if status:
        q = q.where(actions.c.status == status)
    return [action_from_row(r) for r in conn.execute(q)]


def parties_of_sessions(conn: Connection, session_ids) -> dict[str, set]:
    """Session id -> its supervisor and attendees, for many sessions at once."""
    sids = sorted(set(session_ids))
    parties: dict[str, set] = {}
    for i in range(0, len(sids), 900):  # SQLite's limit on bound values
        chunk = sids[i:i + 900]
        for r in conn.execute(select(tables.sessions.c.id, tables.sessions.c.supervisor_id)
                              .where(tables.sessions.c.id.in_(chunk))):
            parties.setdefault(r.id, set()).add(r.supervisor_id)
        for r in conn.execute(
            select(tables.attendees.c.session_id, tables.attendees.c.practitioner_id)
            .where(tables.attendees.c.session_id.in_(chunk))
        ):
            parties.setdefault(r.session_id, set()).add(r.practitioner_id)
    return parties


def case_exists(conn: Connection, case_id: str) -> bool:
    """Is there a case with this id?"""
    return conn.execute(
        select(tables.cases.c.id).where(tables.cases.c.id == case_id)
    ).first() is not None


def insert_action(conn: Connection, a: ActionItem) -> None:
    """Write a new action."""
    conn.execute(insert(tables.actions), [dict(
        id=a.id, description=a.description, owner_id=a.owner_id, due_date=a.due_date,
        case_id=a.case_id, session_id=a.session_id, status=a.status)])


def action(conn: Connection, action_id: str) -> ActionItem | None:
    """One action, or None."""
    r = conn.execute(select(tables.actions).where(tables.actions.c.id == action_id)).first()
    return None if r is None else action_from_row(r)


def set_action_status(conn: Connection, action_id: str, status: str,
                      completed: dt.date | None) -> None:
    """Change an action's status and completion date."""
    conn.execute(update(tables.actions).where(tables.actions.c.id == action_id)
                 .values(status=status, completed_date=completed))


# -- reflections -----------------------------------------------------------------
def reflection_author_and_session(conn: Connection, reflection_id: str):
    """(author_id, session_id) of a stored reflection, or None."""
    refl = tables.reflections
    return conn.execute(
        select(refl.c.author_id, refl.c.session_id).where(refl.c.id == reflection_id)
    ).first()


def save_reflection(conn: Connection, r: Reflection, *, exists: bool) -> None:
    """Write a reflection: update the stored one when ``exists``, else insert it."""
    row = dict(framework=r.framework, author_id=r.author_id, session_id=r.session_id,
               case_id=r.case_id, exercise_id=r.exercise_id, responses=dict(r.responses),
               created=r.created)
    if exists:
        conn.execute(update(tables.reflections).where(tables.reflections.c.id == r.id)
                     .values(**row))
    else:
        conn.execute(insert(tables.reflections), [dict(id=r.id, **row)])


def reflections_of(conn: Connection, author_id: str | None = None,
                   session_id: str | None = None) -> list[Reflection]:
    """Reflections by author or session (each optional), newest first."""
    refl = tables.reflections
    q = select(refl).order_by(refl.c.created.desc())
    if author_id:
        q = q.where(refl.c.author_id == author_id)
    if session_id:
        q = q.where(refl.c.session_id == session_id)
    return [reflection_from_row(r) for r in conn.execute(q)]


# -- evaluations -----------------------------------------------------------------
def insert_evaluation(conn: Connection, e: Evaluation) -> None:
    """Write one set of evaluation-tool answers."""
    conn.execute(insert(tables.evaluations), [dict(
        id=e.id, supervisee_id=e.supervisee_id, supervisor_id=e.supervisor_id,
        session_id=e.session_id, date=e.date, answers=e.answers, more_of=e.more_of,
        less_of=e.less_of)])


def evaluations_of(conn: Connection, supervisor_id: str | None = None) -> list[Evaluation]:
    """Evaluation-tool answers (of one supervisor's supervision, if given), oldest first."""
    q = select(tables.evaluations).order_by(tables.evaluations.c.date)
    if supervisor_id:
        q = q.where(tables.evaluations.c.supervisor_id == supervisor_id)
    return [evaluation_from_row(r) for r in conn.execute(q)]


# -- contracts -------------------------------------------------------------------
def contract_supervisor(conn: Connection, contract_id: str) -> str | None:
    """The supervisor named in a contract, or None."""
    contracts = tables.contracts
    return conn.execute(
        select(contracts.c.supervisor_id).where(contracts.c.id == contract_id)
    ).scalar()


def contract(conn: Connection, contract_id: str) -> Contract | None:
    """One contract, or None."""
    r = conn.execute(
        select(tables.contracts).where(tables.contracts.c.id == contract_id)
    ).first()
    return None if r is None else contract_from_row(r)


def save_contract(conn: Connection, c: Contract, *, exists: bool) -> None:
    """Write a contract; rewriting a stored one clears both signatures."""
    row = dict(supervisor_id=c.supervisor_id, supervisee_id=c.supervisee_id, preset=c.preset,
               overrides=dict(c.overrides), start_date=c.start_date, end_date=c.end_date,
               review_date=c.review_date, terms={k: getattr(c, k) for k in CONTRACT_TERMS},
               handover_note=c.handover_note, replaces_id=c.replaces_id, stream=c.stream)
    if exists:
        conn.execute(update(tables.contracts).where(tables.contracts.c.id == c.id).values(
            **row, supervisor_signed_at=None, supervisee_signed_at=None))
    else:
        conn.execute(insert(tables.contracts), [dict(id=c.id, **row)])


def end_contract(conn: Connection, contract_id: str, end_date: dt.date) -> None:
    """End a contract that has no end date yet (it is replaced)."""
    contracts = tables.contracts
    conn.execute(update(contracts)
                 .where(contracts.c.id == contract_id, contracts.c.end_date.is_(None))
                 .values(end_date=end_date))


def sign_contract(conn: Connection, contract_id: str, as_supervisor: bool,
                  at: dt.datetime) -> None:
    """Record the supervisor's or the supervisee's signature on a contract."""
    col = "supervisor_signed_at" if as_supervisor else "supervisee_signed_at"
    conn.execute(update(tables.contracts).where(tables.contracts.c.id == contract_id)
                 .values(**{col: at}))


def contracts_of(conn: Connection, supervisee_id: str | None = None, *,
                 active_only: bool = False) -> list[Contract]:
    """Contracts (of one supervisee, only unended ones if asked), newest first."""
    contracts = tables.contracts
    q = select(contracts).order_by(contracts.c.start_date.desc())
    if supervisee_id:
        q = q.where(contracts.c.supervisee_id == supervisee_id)
    if active_only:
        q = q.where(contracts.c.end_date.is_(None))
    return [contract_from_row(r) for r in conn.execute(q)]


def contract_overrides(conn: Connection, contract_ids) -> dict[str, dict]:
    """Contract id -> the preset overrides it agrees, for the ids given."""
    ids = sorted({i for i in contract_ids if i})
    contracts = tables.contracts
    return {r.id: r.overrides for r in conn.execute(
        select(contracts.c.id, contracts.c.overrides).where(contracts.c.id.in_(ids)))}


def contract_pairs(conn: Connection, supervisee_id: str | None = None) -> list[tuple[str, str]]:
    """(supervisee id, supervisor id) of every contract (of one supervisee, if given)."""
    contracts = tables.contracts
    q = select(contracts.c.supervisee_id, contracts.c.supervisor_id)
    if supervisee_id:
        q = q.where(contracts.c.supervisee_id == supervisee_id)
    return [(r.supervisee_id, r.supervisor_id) for r in conn.execute(q)]


# -- observations of practice ------------------------------------------------------
def save_observation(conn: Connection, o: Observation) -> None:
    """Write an observation: update it if stored, else insert it."""
    obs = tables.observations
    row = dict(supervisee_id=o.supervisee_id, observer_id=o.observer_id, date=o.date,
               planned=o.planned, qa_sample=o.qa_sample,
               notes={k: getattr(o, k) for k in OBSERVATION_NOTES},
               discussed_session_id=o.discussed_session_id)
    if conn.execute(select(obs.c.id).where(obs.c.id == o.id)).first():
        conn.execute(update(obs).where(obs.c.id == o.id).values(**row))
    else:
        conn.execute(insert(obs), [dict(id=o.id, **row)])


def observations_of(conn: Connection, supervisee_id: str | None = None) -> list[Observation]:
    """Observations (of one supervisee, if given), newest first."""
    obs = tables.observations
    q = select(obs).order_by(obs.c.date.desc())
    if supervisee_id:
        q = q.where(obs.c.supervisee_id == supervisee_id)
    return [observation_from_row(r) for r in conn.execute(q)]
