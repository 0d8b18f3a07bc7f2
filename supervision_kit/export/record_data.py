"""A stored session as the plain dict the PDF layout takes (see ``record_notebook``)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..domain.lifecycle import provenance_text
from ..domain.records import SessionRecord
from ..store import tables
from ..store.sessions import load_sessions

STATE = {"draft": "draft", "awaiting signatures": "awaiting_signatures", "signed": "signed"}


def _people(conn: Connection, ids) -> dict[str, tuple[str, str]]:
    ids = [i for i in set(ids) if i]
    return {
        r.id: (r.name, r.role)
        for r in conn.execute(
            select(
                tables.practitioners.c.id, tables.practitioners.c.name, tables.practitioners.c.role
            ).where(tables.practitioners.c.id.in_(ids))
        )
    }


def _previous(conn: Connection, rec: SessionRecord) -> tuple[dt.date | None, dict[str, str]]:
    """The date of the last session before this one and each case's last rating."""
    last = conn.execute(
        select(tables.sessions.c.date)
        .join(tables.attendees, tables.attendees.c.session_id == tables.sessions.c.id)
        .where(
            tables.attendees.c.practitioner_id.in_(rec.supervisee_ids),
            tables.sessions.c.id != rec.id,
            tables.sessions.c.date < rec.date,
            tables.sessions.c.state != "cancelled",
        )
        .order_by(tables.sessions.c.date.desc())
        .limit(1)
    ).scalar()
    rags: dict[str, str] = {}
    cases = [d.case_id for d in rec.discussions]
    q = (
        select(tables.discussions.c.case_id, tables.discussions.c.rag, tables.sessions.c.date)
        .join(tables.sessions, tables.sessions.c.id == tables.discussions.c.session_id)
        .where(
            tables.discussions.c.case_id.in_(cases),
            tables.sessions.c.id != rec.id,
            tables.sessions.c.date <= rec.date,
            tables.discussions.c.rag.is_not(None),
        )
        .order_by(tables.sessions.c.date)
    )
    for r in conn.execute(q):
        rags[r.case_id] = r.rag
    return last, rags


def _diversity(answers: dict, form) -> dict:
    """The diversity section as (question, answer) pairs in the form's order."""
    if form is None:
        from ..export.pdf import default_templates_dir
        from ..catalog.forms import diversity_form
        form = diversity_form(default_templates_dir())
    known = {p.key for p in form.prompts}
    items = [{"question": p.question, "answer": answers.get(p.key, "")} for p in form.prompts]
    items += [{"question": k, "answer": v} for k, v in answers.items() if k not in known]
    return {"title": form.title, "items": items}


def record_dict(conn: Connection, session_id: str, *, frameworks: dict | None = None,
                timeline_png=None, diversity_form=None) -> dict:
    """Everything the paper record shows, names resolved; ``timeline_png(case_id)`` draws figures."""
    rec = load_sessions(conn, [session_id])[0]
    reviewed = {r.action_id: r for r in rec.reviews}
    prev_actions = {
        r.id: r
        for r in conn.execute(select(tables.actions).where(tables.actions.c.id.in_(list(reviewed))))
    }
    sigs = list(
        conn.execute(
            select(tables.signatures)
            .where(tables.signatures.c.session_id == session_id)
            .order_by(tables.signatures.c.signed_at)
        )
    )
    adds = list(
        conn.execute(
            select(tables.addenda)
            .where(tables.addenda.c.session_id == session_id)
            .order_by(tables.addenda.c.created_at)
        )
    )
    cases = {
        r.id: r
        for r in conn.execute(
            select(tables.cases.c.id, tables.cases.c.reference, tables.cases.c.status).where(
                tables.cases.c.id.in_(
                    [d.case_id for d in rec.discussions]
                    + [a.case_id for a in rec.actions if a.case_id]
                )
            )
        )
    }
    ids = [
        rec.supervisor_id,
        *rec.supervisee_ids,
        *(a.owner_id for a in rec.actions),
        *(a.owner_id for a in prev_actions.values()),
        *(s.practitioner_id for s in sigs),
        *(a.author_id for a in adds),
        *(d.oversight.manager_id for d in rec.discussions if d.oversight),
        *(d.chosen_by for d in rec.discussions),
        *(d.escalated_to_id for d in rec.disagreements),
    ]
    names = _people(conn, ids)
    name = lambda pid: names.get(pid, (pid or "", ""))[0]  # noqa: E731
    person = lambda pid: {"name": name(pid), "role": names.get(pid, ("", ""))[1]}  # noqa: E731
    last, rags = _previous(conn, rec)
    frameworks = frameworks or {}

    def stages(r):
        fw = frameworks.get(r.framework)
        order = (
            [(s.key, s.title) for s in fw.stages]
            if fw
            else [(k, k.replace("_", " ").capitalize()) for k in r.responses]
        )
        return [{"title": t, "response": r.responses.get(k, "")} for k, t in order]

    return {
        "id": rec.id,
        "state": STATE.get(rec.state, "draft"),
        "content_hash": rec.content_hash,
        "date": rec.date,
        "last_session_date": last,
        "session_type": rec.type,
        "next_session_date": rec.next_session_date,
        "supervisor": person(rec.supervisor_id),
        "supervisees": [person(p) for p in rec.supervisee_ids],
        "group_confidentiality": rec.group_confidentiality or None,
        "agenda": rec.agenda,
        "previous_actions": [
            {
                "description": prev_actions[r.action_id].description,
                "owner": name(prev_actions[r.action_id].owner_id),
                "due_date": prev_actions[r.action_id].due_date,
                "outcome": r.outcome + (f" — {r.note}" if r.note else ""),
            }
            for r in rec.reviews
            if r.action_id in prev_actions
        ],
        "discussions": [
            {
                "case_reference": cases[d.case_id].reference if d.case_id in cases else d.case_id,
                "case_status": cases[d.case_id].status if d.case_id in cases else "",
                **{
                    k: getattr(d, k)
                    for k in (
                        "summary",
                        "worries",
                        "working_well",
                        "barriers",
                        "impact",
                        "needs",
                        "engagement",
                        "plan",
                        "proposed_amendment",
                        "refusal_action",
                    )
                },
                "decision": d.decision,
                "rationale": d.rationale,
                # Who brought the case [Temple Appendix 2]: shown once anyone else chose one
                # (before the supervisee's agenda every case was the supervisor's).
                "chosen_by": (f"{name(d.chosen_by or rec.supervisor_id)}"
                              + (f" ({d.choice_reason})" if d.choice_reason else "")
                              if any(x.chosen_by for x in rec.discussions) else ""),
                "actions_taken": d.actions_taken,
                "designate_role": d.designate_role,
                "rag": d.rag,
                "previous_rag": rags.get(d.case_id),
                # "confirmed from 2 Apr 2024" beside an answer kept from an earlier discussion.
                "provenance": {k: provenance_text(d, k) for k in d.provenance},
                "oversight": (
                    {
                        "status": d.oversight.status,
                        "by": name(d.oversight.manager_id),
                        "reason": d.oversight.reason,
                        "at": d.oversight.answered_at,
                    }
                    if d.needs_oversight and d.oversight
                    else None
                ),
                "timeline_png": timeline_png(d.case_id) if timeline_png else None,
            }
            for d in rec.discussions
        ],
        "reflections": [
            {
                "framework": (
                    frameworks[r.framework].name if r.framework in frameworks else r.framework
                ),
                "stages": stages(r),
            }
            for r in rec.reflections
        ],
        "functions": list(rec.functions),
        "diversity": _diversity(rec.diversity, diversity_form),
        **{
            k: getattr(rec, k)
            for k in (
                "wellbeing",
                "workload",
                "sickness_absence",
                "training_since",
                "learning_development",
            )
        },
        "disagreements": [
            {
                "description": d.description,
                "resolution": d.resolution,
                "escalated": d.escalated or bool(d.escalated_to_id),
                "escalated_to": name(d.escalated_to_id),
                "outcome": d.outcome,
            }
            for d in rec.disagreements
        ],
        "actions": [
            {
                "description": a.description,
                "owner": name(a.owner_id),
                "due_date": a.due_date,
                "case_reference": cases[a.case_id].reference if a.case_id in cases else "",
            }
            for a in rec.actions
        ],
        "signatures": [
            {
                "name": name(s.practitioner_id),
                "role": names.get(s.practitioner_id, ("", ""))[1],
                "signed_at": s.signed_at,
                "method": s.method,
                "comment": s.comment or "",
                "disagrees": bool(s.disagrees),
            }
            for s in sigs
        ],
        "addenda": [
            {"author": name(a.author_id), "created_at": a.created_at, "text": a.text} for a in adds
        ],
    }
