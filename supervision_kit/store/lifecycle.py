"""Queries of a record's lifecycle: the last signed discussion of a case, later unsigned
ones, a supervisor's open drafts, discarding a draft (kept whole in ``discarded_drafts``)
and restoring it."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from ..domain.enums import SessionState
from ..domain.records import to_dict
from ..errors import ValidationError
from .schema import (ActionReviewRow, ActionRow, AttendeeRow, DiscardedDraftRow, DiscussionRow,
                     ReflectionRow, SessionRow)

S, D, AT = SessionRow.__table__, DiscussionRow.__table__, AttendeeRow.__table__
A, R, RF = ActionRow.__table__, ActionReviewRow.__table__, ReflectionRow.__table__
BIN = DiscardedDraftRow.__table__
UNSIGNED = (SessionState.DRAFT.value, SessionState.AWAITING.value)


def _of_case(case_id: str, before: dt.date, exclude_session: str | None):
    q = (select(S.c.id, S.c.date, S.c.state, S.c.supervisor_id)
         .join(D, D.c.session_id == S.c.id)
         .where(D.c.case_id == case_id, S.c.date <= before))
    return q.where(S.c.id != exclude_session) if exclude_session else q


def last_signed(conn: Connection, case_id: str, before: dt.date,
                exclude_session: str | None = None):
    """(session id, date) of the case's last discussion in a record signed by everyone."""
    q = (_of_case(case_id, before, exclude_session)
         .where(S.c.state == SessionState.SIGNED.value)
         .order_by(S.c.date.desc(), S.c.id.desc()).limit(1))
    return conn.execute(q).first()


def unsigned_since(conn: Connection, case_id: str, since: dt.date | None, before: dt.date,
                   exclude_session: str | None = None) -> list:
    """Discussions of the case in unsigned records on or after ``since``, newest first."""
    q = _of_case(case_id, before, exclude_session).where(S.c.state.in_(UNSIGNED))
    if since is not None:
        q = q.where(S.c.date >= since)
    return list(conn.execute(q.order_by(S.c.date.desc(), S.c.id.desc())))


def pair_drafts(conn: Connection, supervisor_id: str, supervisee_ids: list[str]) -> list[str]:
    """Ids of the supervisor's drafts with exactly these supervisees, newest first."""
    want = sorted(supervisee_ids)
    rows = list(conn.execute(
        select(S.c.id, AT.c.practitioner_id).join(AT, AT.c.session_id == S.c.id)
        .where(S.c.supervisor_id == supervisor_id, S.c.state == SessionState.DRAFT.value,
               S.c.id.in_(select(AT.c.session_id).where(AT.c.practitioner_id.in_(want))))
        .order_by(S.c.date.desc(), S.c.id.desc())))
    people: dict[str, list[str]] = {}
    for r in rows:
        people.setdefault(r.id, []).append(r.practitioner_id)
    return [sid for sid, ids in people.items() if sorted(ids) == want]


def discard(conn: Connection, rec, by: str) -> None:
    """Move a draft to ``discarded_drafts`` inside the caller's transaction, whole, so it can
    be restored (``restore``); the audit log then names it by id only.

    Reviews it made of earlier actions are undone; supervisees' own reflections stay (they
    are detached); a draft whose actions a later session has reviewed is refused, since
    deleting them would change that session's record."""
    mine = select(A.c.id).where(A.c.session_id == rec.id)
    later = conn.execute(select(R.c.session_id).where(R.c.action_id.in_(mine),
                                                      R.c.session_id != rec.id)).first()
    if later is not None:
        raise ValidationError("session", f"actions agreed in this draft were reviewed in session "
                                         f"{later.session_id}: continue the draft instead")
    conn.execute(delete(BIN).where(BIN.c.id == rec.id))  # discarded before, restored since
    conn.execute(insert(BIN), [dict(
        id=rec.id, supervisor_id=rec.supervisor_id, supervisee_ids=list(rec.supervisee_ids),
        date=rec.date, discarded_by=by, discarded_at=dt.datetime.now().replace(microsecond=0),
        content=json.loads(json.dumps(to_dict(rec))))])
    conn.execute(update(A).where(A.c.reviewed_session_id == rec.id)
                 .values(status="open", reviewed_session_id=None, completed_date=None))
    conn.execute(update(RF).where(RF.c.session_id == rec.id, RF.c.author_id != rec.supervisor_id)
                 .values(session_id=None))
    conn.execute(delete(S).where(S.c.id == rec.id, S.c.state == SessionState.DRAFT.value))


def forget_discarded(conn: Connection, practitioner_id: str) -> int:
    """Destroy the discarded drafts about a practitioner whose records are destroyed
    (retention); how many went."""
    ids = [r.id for r in conn.execute(select(BIN.c.id, BIN.c.supervisee_ids))
           if practitioner_id in (r.supervisee_ids or [])]
    if ids:
        conn.execute(delete(BIN).where(BIN.c.id.in_(ids)))
    return len(ids)


def session_versions(conn: Connection, ids) -> dict:
    """Session id -> (id, date, version) row for ``ids``."""
    return {r.id: r for r in conn.execute(
        select(S.c.id, S.c.date, S.c.version).where(S.c.id.in_(ids)))}


def drafts_among(conn: Connection, ids) -> set[str]:
    """Which of ``ids`` are sessions still in draft."""
    return set(conn.execute(select(S.c.id).where(
        S.c.id.in_(list(ids)), S.c.state == SessionState.DRAFT.value)).scalars())


def session_exists(conn: Connection, session_id: str) -> bool:
    """Is there a session (not discarded) with this id?"""
    return conn.execute(select(S.c.id).where(S.c.id == session_id)).first() is not None


def discarded_supervisor(conn: Connection, session_id: str) -> str | None:
    """The supervisor of a discarded draft, or None."""
    return conn.execute(select(BIN.c.supervisor_id).where(BIN.c.id == session_id)).scalar()


def record_from_content(d: dict):
    """A ``SessionRecord`` again from the content logged when its draft was discarded."""
    from ..domain.records import (ActionItem, ActionReview, CaseDiscussion, Disagreement,
                                  Oversight, Reflection, SessionRecord)

    def day(v):
        return dt.date.fromisoformat(v) if v else None

    def moment(v):
        return dt.datetime.fromisoformat(v) if v else None

    d = dict(d)
    d["discussions"] = [CaseDiscussion(**{**x, "oversight": Oversight(**{
        **x["oversight"], "answered_at": moment(x["oversight"].get("answered_at"))})
        if x.get("oversight") else None}) for x in d.get("discussions", [])]
    d["actions"] = [ActionItem(**{**x, "due_date": day(x.get("due_date")),
                                  "completed_date": day(x.get("completed_date"))})
                    for x in d.get("actions", [])]
    d["reviews"] = [ActionReview(**x) for x in d.get("reviews", [])]
    d["disagreements"] = [Disagreement(**{**x, "resolved_date": day(x.get("resolved_date"))})
                          for x in d.get("disagreements", [])]
    d["reflections"] = [Reflection(**{**x, "created": moment(x.get("created"))})
                        for x in d.get("reflections", [])]
    for k in ("date", "next_session_date", "return_date", "recorded_date"):
        d[k] = day(d.get(k))
    return SessionRecord(**d)


def discarded_record(conn: Connection, session_id: str) -> dict | None:
    """The content of a discarded draft, as it was when discarded."""
    return conn.execute(select(BIN.c.content).where(BIN.c.id == session_id)).scalar()


def repeated_oversight(conn: Connection, rec) -> list[tuple[str, str]]:
    """(field, message) for each discussion asking management oversight of the very decision
    the case's last signed discussion already sent: one decision, one oversight item."""
    out = []
    for i, d in enumerate(rec.discussions):
        decision = (d.decision or "").strip()
        if not d.needs_oversight or not decision:
            continue
        last = last_signed(conn, d.case_id, rec.date, rec.id)
        if last is None:
            continue
        prev = conn.execute(select(D.c.answers, D.c.needs_oversight).where(
            D.c.session_id == last.id, D.c.case_id == d.case_id)).first()
        if prev is not None and prev.needs_oversight and \
                ((prev.answers or {}).get("decision") or "").strip() == decision:
            out.append((f"discussions[{i}].needs_oversight",
                        f"this decision went to management oversight on "
                        f"{last.date.day} {last.date:%b %Y}; it is not raised again: record "
                        f"today's decision, or untick oversight"))
    return out


def still_open(conn: Connection, action_id: str) -> bool:
    """True when the action exists and no session has reviewed it."""
    r = conn.execute(select(A.c.status, A.c.reviewed_session_id).where(A.c.id == action_id)).first()
    return r is not None and r.status == "open" and r.reviewed_session_id is None


def restore(conn: Connection, rec) -> None:
    """Write a discarded draft back inside the caller's transaction: reviews of actions
    reviewed since are left out; supervisees' reflections detached at discard re-attached."""
    from .sessions import write_session
    rec.reviews = [r for r in rec.reviews if still_open(conn, r.action_id)]
    ids = [r.id for r in rec.reflections if r.id]
    kept = set(conn.execute(select(RF.c.id).where(RF.c.id.in_(ids))).scalars()) if ids else set()
    rec.reflections = [r for r in rec.reflections if r.id not in kept]
    write_session(conn, rec, insert_new=True)
    if kept:
        conn.execute(update(RF).where(RF.c.id.in_(kept)).values(session_id=rec.id))
    conn.execute(delete(BIN).where(BIN.c.id == rec.id))
