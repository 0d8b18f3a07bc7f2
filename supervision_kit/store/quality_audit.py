"""Quality audits in the store: candidate discussions, samples and judgements."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ..domain.enums import SessionState
from .schema import (AuditItemRow, AttendeeRow, CaseRow, DiscussionRow, PractitionerRow,
                     QualityAuditRow, SessionRow)

QA, IT = QualityAuditRow.__table__, AuditItemRow.__table__
S, D, C, AT, P = (SessionRow.__table__, DiscussionRow.__table__, CaseRow.__table__,
                  AttendeeRow.__table__, PractitionerRow.__table__)


def candidates(conn: Connection, start: dt.date, end: dt.date) -> list[dict]:
    """Every discussion in a signed record dated ``start``..``end``, with its rating, the
    case's rating before it, the supervisor and the first supervisee."""
    rows = list(conn.execute(
        select(D.c.id, D.c.session_id, D.c.case_id, D.c.rag, S.c.date, S.c.supervisor_id)
        .join(S, S.c.id == D.c.session_id)
        .where(S.c.state == SessionState.SIGNED.value, S.c.date >= start, S.c.date <= end)))
    cases = list({r.case_id for r in rows})
    history: dict[str, list] = {}
    for r in conn.execute(select(D.c.case_id, D.c.rag, S.c.date, S.c.id).join(S, S.c.id == D.c.session_id)
                          .where(D.c.case_id.in_(cases), D.c.rag.is_not(None),
                                 S.c.state != SessionState.CANCELLED.value)
                          .order_by(S.c.date, S.c.id)):
        history.setdefault(r.case_id, []).append((r.date, r.id, r.rag))
    out = []
    for r in rows:
        before = [g for d, sid, g in history.get(r.case_id, []) if (d, sid) < (r.date, r.session_id)]
        out.append({"discussion_id": r.id, "session_id": r.session_id, "case_id": r.case_id,
                    "rag": r.rag, "previous": before[-1] if before else None, "date": r.date,
                    "supervisor_id": r.supervisor_id})
    return out


def insert_audit(conn: Connection, audit: dict, items: list[dict]) -> None:
    """Write a sample and its items (unjudged)."""
    conn.execute(insert(QA), [audit])
    if items:
        conn.execute(insert(IT), [dict(audit_id=audit["id"], discussion_id=i["discussion_id"],
                                       session_id=i["session_id"], case_id=i["case_id"],
                                       stratum=i["stratum"], position=n, judgements={},
                                       comment="") for n, i in enumerate(items)])


def audits(conn: Connection) -> list[dict]:
    """Every audit, newest first."""
    return [dict(r._mapping) for r in conn.execute(select(QA).order_by(QA.c.created_at.desc(), QA.c.id))]


def items(conn: Connection, audit_id: str | None = None) -> list[dict]:
    """Audit items with the record's date, case reference, supervisor and team."""
    first = (select(AT.c.practitioner_id).where(AT.c.session_id == IT.c.session_id)
             .order_by(AT.c.position).limit(1).scalar_subquery())
    q = (select(IT, S.c.date, S.c.supervisor_id, C.c.reference, first.label("supervisee_id"))
         .join(S, S.c.id == IT.c.session_id).join(C, C.c.id == IT.c.case_id)
         .order_by(IT.c.audit_id, IT.c.position))
    if audit_id:
        q = q.where(IT.c.audit_id == audit_id)
    return [dict(r._mapping) for r in conn.execute(q)]


def item(conn: Connection, audit_id: str, discussion_id: str):
    """One item's row, or None."""
    return conn.execute(select(IT).where(IT.c.audit_id == audit_id,
                                         IT.c.discussion_id == discussion_id)).first()


def judge(conn: Connection, audit_id: str, discussion_id: str, judgements: dict, comment: str,
          by: str) -> None:
    """Store a judgement (a later one replaces it; each is logged by the caller)."""
    conn.execute(update(IT).where(IT.c.audit_id == audit_id, IT.c.discussion_id == discussion_id)
                 .values(judgements=judgements, comment=comment, judged_by_id=by,
                         judged_at=dt.datetime.now().replace(microsecond=0)))
