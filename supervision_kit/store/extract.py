"""The rows behind a case extract: a case's signed discussions and their actions."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..domain.enums import SessionState
from .schema import ActionRow, CaseRow, DiscussionRow, PractitionerRow, SessionRow

C, D, S, A, P = (CaseRow.__table__, DiscussionRow.__table__, SessionRow.__table__,
                 ActionRow.__table__, PractitionerRow.__table__)


def find_case(conn: Connection, case_id: str):
    """The case row by id or reference, or None."""
    return conn.execute(select(C.c.id, C.c.reference, C.c.status, C.c.worker_id).where(
        (C.c.id == case_id) | (C.c.reference == case_id))).first()


def case_decisions(conn: Connection, case_id: str) -> list[dict]:
    """Each signed discussion of the case, oldest first: date, supervisor, RAG, decision,
    rationale, oversight and the actions set on the case in that session. Only these
    columns are read: the session's personal sections never leave the store here."""
    names = {r.id: r.name for r in conn.execute(select(P.c.id, P.c.name))}
    rows = conn.execute(
        select(S.c.id, S.c.date, S.c.supervisor_id, D.c.rag, D.c.answers, D.c.oversight_status,
               D.c.oversight_reason, D.c.oversight_manager_id, D.c.oversight_at)
        .join(D, D.c.session_id == S.c.id)
        .where(D.c.case_id == case_id, S.c.state == SessionState.SIGNED.value)
        .order_by(S.c.date, S.c.id))
    out = []
    for r in rows:
        ans = r.answers or {}
        acts = conn.execute(select(A.c.description, A.c.owner_id, A.c.due_date, A.c.status)
                            .where(A.c.session_id == r.id, A.c.case_id == case_id)
                            .order_by(A.c.position))
        out.append({
            "session_id": r.id, "date": r.date, "supervisor": names.get(r.supervisor_id, ""),
            "rag": r.rag, "decision": ans.get("decision", ""), "rationale": ans.get("rationale", ""),
            "oversight": ({"status": r.oversight_status, "reason": r.oversight_reason or "",
                           "by": names.get(r.oversight_manager_id, ""), "at": r.oversight_at}
                          if r.oversight_status else None),
            "actions": [{"description": a.description, "owner": names.get(a.owner_id, ""),
                         "due_date": a.due_date, "status": a.status} for a in acts]})
    return out
