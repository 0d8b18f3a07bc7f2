"""Session records to and from the tables: batch loading and one-transaction saves."""
from __future__ import annotations

import functools
from collections import defaultdict
from typing import Iterable

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.engine import Connection

from ..domain.enums import SessionState
from ..domain.records import (ActionReview, CaseDiscussion, Disagreement, Oversight,
                              SessionRecord)
from ..domain.values import new_id
from . import tables
from .records import action_from_row, reflection_from_row

SESSION_TEXT = ("agenda", "wellbeing", "workload", "sickness_absence", "training_since",
                "learning_development", "group_confidentiality")
ANSWERS = ("summary", "worries", "working_well", "barriers", "impact", "needs",
           "engagement", "plan", "proposed_amendment", "refusal_action", "decision",
           "rationale")
# Answers a preset may add (domain.agenda.EXTRA_QUESTIONS); stored only when given.
EXTRA_ANSWERS = ("actions_taken", "designate_role")



DIVERSITY_PREFIX = "diversity."  # flat text keys: the dataset schema wants text values


def diversity_content(answers: dict) -> dict[str, str]:
    """The diversity answers as ``content`` keys (empty answers are not stored)."""
    return {DIVERSITY_PREFIX + k: str(v) for k, v in (answers or {}).items() if str(v).strip()}


def diversity_from_content(content: dict) -> dict[str, str]:
    """The diversity answers back out of a session's ``content``."""
    n = len(DIVERSITY_PREFIX)
    return {k[n:]: v for k, v in content.items() if k.startswith(DIVERSITY_PREFIX)}


def _chunks(ids: list[str], n: int = 900) -> Iterable[list[str]]:
    for i in range(0, len(ids), n):
        yield ids[i:i + n]


@functools.cache
def _record_statements(by_supervisee: bool) -> tuple:
    """The eight statements that load whole records, built once: the session ids are a
    bound list (``ids``) or one supervisee's sessions (``pid``). A statement built once
    keeps its cache key, so SQLAlchemy neither rebuilds nor recompiles it per call."""
    att = tables.attendees
    among = (select(att.c.session_id).where(att.c.practitioner_id == bindparam("pid"))
             if by_supervisee else bindparam("ids", expanding=True))

    def rows_of(t, *order):
        return select(t).where(t.c.session_id.in_(among)).order_by(*order)

    return (rows_of(att, att.c.position),
            rows_of(tables.discussions, tables.discussions.c.position),
            rows_of(tables.actions, tables.actions.c.position),
            rows_of(tables.action_reviews, tables.action_reviews.c.position),
            rows_of(tables.disagreements, tables.disagreements.c.position),
            rows_of(tables.reflections, tables.reflections.c.created, tables.reflections.c.id),
            select(tables.sessions).where(tables.sessions.c.id.in_(among)))


def _discussion_from_row(r) -> CaseDiscussion:
    ov = None
    if r.needs_oversight or r.oversight_status:
        ov = Oversight(status=r.oversight_status or "pending", manager_id=r.oversight_manager_id,
                       reason=r.oversight_reason or "", answered_at=r.oversight_at)
    ans = r.answers or {}
    return CaseDiscussion(
        case_id=r.case_id, rag=r.rag, quarterly_review=bool(r.quarterly_review),
        needs_oversight=bool(r.needs_oversight), oversight=ov, id=r.id,
        provenance=dict(r.provenance or {}), chosen_by=r.chosen_by,
        choice_reason=r.choice_reason or "",
        **{k: ans.get(k, "") for k in ANSWERS + EXTRA_ANSWERS})


def _load(conn: Connection, params: dict, by_supervisee: bool, out: dict) -> None:
    q_att, q_disc, q_act, q_rev, q_dis, q_refl, q_sess = _record_statements(by_supervisee)
    att, disc, acts, revs, dis, refl = (defaultdict(list) for _ in range(6))
    # ``.all()``: one fetchall per table instead of a fetch per row.
    for r in conn.execute(q_att, params).all():
        att[r.session_id].append(r.practitioner_id)
    for r in conn.execute(q_disc, params).all():
        disc[r.session_id].append(_discussion_from_row(r))
    for r in conn.execute(q_act, params).all():
        acts[r.session_id].append(action_from_row(r))
    for r in conn.execute(q_rev, params).all():
        revs[r.session_id].append(ActionReview(action_id=r.action_id, outcome=r.outcome,
                                               note=r.note))
    for r in conn.execute(q_dis, params).all():
        dis[r.session_id].append(Disagreement(
            description=r.description, resolution=r.resolution, escalated=bool(r.escalated),
            escalated_to_id=r.escalated_to_id, outcome=r.outcome,
            resolved_date=r.resolved_date, id=r.id))
    for r in conn.execute(q_refl, params).all():
        refl[r.session_id].append(reflection_from_row(r))
    for r in conn.execute(q_sess, params).all():
        content = r.content or {}
        out[r.id] = SessionRecord(
            id=r.id, date=r.date, type=r.type, supervisor_id=r.supervisor_id,
            supervisee_ids=att[r.id], state=r.state, functions=list(r.functions or []),
            next_session_date=r.next_session_date, duration_minutes=r.duration_minutes,
            cancelled_reason=r.cancelled_reason or "", return_date=r.return_date,
            recorded_date=r.recorded_date, content_hash=r.content_hash, version=r.version,
            stream=r.stream,
            reviews=revs[r.id], discussions=disc[r.id], actions=acts[r.id],
            disagreements=dis[r.id], reflections=refl[r.id],
            diversity=diversity_from_content(content),
            **{k: content.get(k, "") for k in SESSION_TEXT})


def load_sessions(conn: Connection, ids: list[str], *,
                  supervisee_id: str | None = None) -> list[SessionRecord]:
    """Whole records for ``ids`` (order kept), one query per table per chunk.

    ``supervisee_id``: ``ids`` are all that supervisee's sessions; the queries select them
    by supervisee instead of by a list: one pass, however many sessions."""
    out: dict[str, SessionRecord] = {}
    if supervisee_id is not None:
        _load(conn, {"pid": supervisee_id}, True, out)
    else:
        for chunk in _chunks(list(dict.fromkeys(ids))):
            _load(conn, {"ids": chunk}, False, out)
    return [out[i] for i in ids if i in out]


def discussions_of_case(conn: Connection, case_id: str) -> list[tuple]:
    """(date, session id, discussion) of every discussion of a case in a session not
    cancelled, oldest first: the discussion rows alone, not their whole records (a case's
    timeline opened from the caseload waited for every table of every record)."""
    d, s = tables.discussions, tables.sessions
    rows = conn.execute(select(s.c.date, *d.c).join(s, s.c.id == d.c.session_id)
                        .where(d.c.case_id == case_id, s.c.state != SessionState.CANCELLED.value)
                        .order_by(s.c.date, s.c.id))
    return [(r.date, r.session_id, _discussion_from_row(r)) for r in rows]


@functools.cache
def _history_ids():
    att, sessions = tables.attendees, tables.sessions
    return (select(sessions.c.id).join(att, att.c.session_id == sessions.c.id)
            .where(att.c.practitioner_id == bindparam("pid"))
            .order_by(sessions.c.date, sessions.c.id))


def history_of(conn: Connection, supervisee_id: str) -> list[SessionRecord]:
    """Every session a supervisee attended, oldest first, whole (one pass over each table)."""
    ids = list(conn.execute(_history_ids(), {"pid": supervisee_id}).scalars())
    return load_sessions(conn, ids, supervisee_id=supervisee_id)


def session_row(rec: SessionRecord) -> dict:
    """The ``sessions`` row of a record."""
    return dict(id=rec.id, date=rec.date, type=rec.type, supervisor_id=rec.supervisor_id,
                state=rec.state, content={**{k: getattr(rec, k) for k in SESSION_TEXT},
                                         **diversity_content(rec.diversity)},
                functions=list(rec.functions), next_session_date=rec.next_session_date,
                duration_minutes=rec.duration_minutes, cancelled_reason=rec.cancelled_reason,
                return_date=rec.return_date, recorded_date=rec.recorded_date,
                content_hash=rec.content_hash, version=rec.version, stream=rec.stream)


def child_rows(rec: SessionRecord) -> dict[str, list[dict]]:
    """Rows of every table below ``sessions`` for one record (ids assigned)."""
    sid = rec.id
    rows: dict[str, list[dict]] = {"session_attendees": [], "case_discussions": [],
                                   "actions": [], "action_reviews": [], "disagreements": [],
                                   "reflections": []}
    for i, p in enumerate(rec.supervisee_ids):
        rows["session_attendees"].append(dict(session_id=sid, practitioner_id=p, position=i))
    for i, d in enumerate(rec.discussions):
        d.id = d.id or new_id("disc")
        ov = d.oversight
        rows["case_discussions"].append(dict(
            id=d.id, session_id=sid, case_id=d.case_id, position=i, rag=d.rag,
            answers={**{k: getattr(d, k) for k in ANSWERS},
                     **{k: getattr(d, k) for k in EXTRA_ANSWERS if getattr(d, k)}},
            quarterly_review=d.quarterly_review, chosen_by=d.chosen_by or None,
            choice_reason=d.choice_reason,
            needs_oversight=d.needs_oversight,
            oversight_status=(ov.status if ov else ("pending" if d.needs_oversight else None)),
            oversight_manager_id=ov.manager_id if ov else None,
            oversight_reason=ov.reason if ov else "", oversight_at=ov.answered_at if ov else None,
            provenance=dict(d.provenance or {})))
    for i, a in enumerate(rec.actions):
        a.id = a.id or new_id("act")
        a.session_id = sid
        rows["actions"].append(dict(
            id=a.id, description=a.description, owner_id=a.owner_id, due_date=a.due_date,
            case_id=a.case_id, session_id=sid, status=a.status,
            reviewed_session_id=a.reviewed_session_id, completed_date=a.completed_date, position=i))
    for i, r in enumerate(rec.reviews):
        rows["action_reviews"].append(dict(action_id=r.action_id, session_id=sid,
                                           outcome=r.outcome, note=r.note, position=i))
    for i, d in enumerate(rec.disagreements):
        d.id = d.id or new_id("dis")
        rows["disagreements"].append(dict(
            id=d.id, session_id=sid, position=i, description=d.description,
            resolution=d.resolution, escalated=d.escalated, escalated_to_id=d.escalated_to_id,
            outcome=d.outcome, resolved_date=d.resolved_date))
    for r in rec.reflections:
        r.id = r.id or new_id("refl")
        r.session_id = sid
        rows["reflections"].append(dict(
            id=r.id, framework=r.framework, author_id=r.author_id, session_id=sid,
            case_id=r.case_id, exercise_id=r.exercise_id, responses=dict(r.responses),
            created=r.created))
    return rows


TABLES = {
    "session_attendees": tables.attendees,
    "case_discussions": tables.discussions,
    "actions": tables.actions,
    "action_reviews": tables.action_reviews,
    "disagreements": tables.disagreements,
    "reflections": tables.reflections,
}


def write_session(conn: Connection, rec: SessionRecord, *, insert_new: bool,
                  row_written: bool = False) -> None:
    """Replace a record's rows inside the caller's transaction."""
    if insert_new:
        conn.execute(insert(tables.sessions), [session_row(rec)])
    else:
        if not row_written:
            row = session_row(rec)
            row.pop("id")
            conn.execute(
                tables.sessions.update().where(tables.sessions.c.id == rec.id).values(**row)
            )
        for name in ("case_discussions", "action_reviews", "disagreements", "session_attendees"):
            t = TABLES[name]
            conn.execute(delete(t).where(t.c.session_id == rec.id))
        # Reflections may be saved on their own (a supervisee's, before the session):
        # replace only those this record carries.
        ids = [r.id for r in rec.reflections if r.id]
        if ids:
            conn.execute(delete(tables.reflections).where(tables.reflections.c.id.in_(ids)))
        # Actions made here may already be referenced; replace only the ones this record lists.
        conn.execute(delete(tables.actions).where(tables.actions.c.session_id == rec.id))
    for name, rows in child_rows(rec).items():
        if rows:
            conn.execute(insert(TABLES[name]), rows)
