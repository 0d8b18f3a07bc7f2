"""A record's lifecycle around the session being written: where a follow-up discussion
starts, the drafts already open for a supervisor and supervisee, discarding one, and the
drafts left longer than the record-keeping limit."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..domain.enums import Role, SessionState
from ..domain.lifecycle import FollowUpBasis, UnsignedDiscussion
from ..domain.values import parse_date
from ..errors import NotFound, RecordLocked, ValidationError
from ..store import lifecycle as q
from ..store.access import case_workers
from ..store.sessions import load_sessions
from ..store.people import names_of
from .context import Context
from .rules import RulesService
from .sessions import SessionsService

if TYPE_CHECKING:  # pandas only when the rules are asked for: kernels start sooner
    import pandas as pd

STALE_COLUMNS = ["supervisor_id", "supervisor", "session_id", "date", "supervisee_ids",
                 "supervisees", "days", "detail", "team"]


class LifecycleService:
    """Follow-ups start from signed records; drafts are never silently reopened."""

    def __init__(self, ctx: Context, sessions: SessionsService, rules: RulesService):
        self.ctx, self.sessions, self.rules = ctx, sessions, rules

    def follow_up_basis(self, case_id: str, before=None, exclude_session: str | None = None,
                        *, log: bool = True) -> FollowUpBasis:
        """The case's last signed discussion (the record everyone agreed) and any later
        unsigned ones, named but not copied. The view is logged (``log=False``: drawing a
        record whose opening was logged; the access check still runs)."""
        before = parse_date(before, "before") or dt.date.max
        with self.ctx.engine.connect() as conn:
            worker = case_workers(conn, [case_id]).get(case_id)
        if worker is None:
            raise NotFound(f"no case {case_id!r}")
        self.ctx.check_see([worker], f"see the discussions of case {case_id}")
        basis = FollowUpBasis(case_id=case_id)
        with self.ctx.engine.connect() as conn:
            last = q.last_signed(conn, case_id, before, exclude_session)
            if last is not None:
                rec = load_sessions(conn, [last.id])[0]
                basis.previous = next(d for d in rec.discussions if d.case_id == case_id)
                basis.previous_date, basis.previous_session_id = last.date, last.id
            later = q.unsigned_since(conn, case_id, last.date if last else None, before,
                                     exclude_session)
            names = names_of(conn, {r.supervisor_id for r in later})
        basis.unsigned = [UnsignedDiscussion(r.id, r.date, r.state, r.supervisor_id,
                                             names.get(r.supervisor_id, r.supervisor_id))
                          for r in later if not last or r.id != last.id]
        if log:
            self.ctx.log_view("case_discussions", case_id,
                              f"follow-up basis: signed {basis.previous_session_id or 'none'}, "
                              f"{len(basis.unsigned)} unsigned later")
        return basis

    def open_drafts(self, supervisee_ids) -> list[dict]:
        """The acting supervisor's drafts with exactly these supervisees, newest first:
        id, date, version."""
        ids = [supervisee_ids] if isinstance(supervisee_ids, str) else list(supervisee_ids)
        with self.ctx.engine.connect() as conn:
            found = q.pair_drafts(conn, self.ctx.me.id, ids)
            rows = q.session_versions(conn, found)
        return [dict(id=i, date=rows[i].date, version=rows[i].version) for i in found]

    def discard_draft(self, session_id: str) -> None:
        """Discard one's own draft: kept whole among the discarded drafts (restorable with
        ``restore_draft``), the audit log naming it by id and date only."""
        self.ctx.require_write("discard a draft")
        with self.ctx.tx() as conn:
            self.ctx.check_session_access(conn, session_id, f"discard session {session_id}")
            found = load_sessions(conn, [session_id])
            if not found:
                raise NotFound(f"no session {session_id!r}")
            rec = found[0]
            if rec.state != SessionState.DRAFT:
                raise RecordLocked("only a draft nobody has signed can be discarded")
            if rec.supervisor_id != self.ctx.me.id and self.ctx.role != Role.ADMIN:
                raise self.ctx.deny(f"discard a draft supervised by {rec.supervisor_id}")
            q.discard(conn, rec, self.ctx.me.id)
            self.ctx.log(conn, "discard", "session", session_id,
                      f"draft of {rec.date}; kept in discarded_drafts")
        self.ctx.forget_access()

    def discarded_draft(self, session_id: str) -> dict | None:
        """A discarded draft's content (its supervisor, auditors and admins; logged)."""
        with self.ctx.tx() as conn:
            sup = q.discarded_supervisor(conn, session_id)
            if sup != self.ctx.me.id:
                self.ctx.require("read discarded drafts", Role.AUDITOR, Role.ADMIN)
            out = q.discarded_record(conn, session_id)
            self.ctx.log(conn, "view", "discarded_draft", session_id)
        return out

    def restore_draft(self, session_id: str):
        """Bring a discarded draft back (its supervisor, or an admin);
        an action it had reviewed and that was reviewed since keeps the later outcome."""
        self.ctx.require_write("restore a draft")
        with self.ctx.tx() as conn:
            content = q.discarded_record(conn, session_id)
            if content is None:
                raise NotFound(f"no discarded draft {session_id!r}")
            if q.session_exists(conn, session_id):
                raise ValidationError("session", f"session {session_id} exists already")
            rec = q.record_from_content(content)
            if rec.supervisor_id != self.ctx.me.id and self.ctx.role != Role.ADMIN:
                raise self.ctx.deny(f"restore a draft supervised by {rec.supervisor_id}")
            rec.state, rec.version = SessionState.DRAFT.value, 1
            q.restore(conn, rec)
            self.sessions._apply_reviews(conn, rec)
            self.ctx.log(conn, "restore", "session", session_id, "from discarded_drafts")
        self.ctx.forget_access()
        return self.sessions.session(session_id, log=False)

    def stale_drafts(self, as_of=None, team: str | None = None,
                     timely: pd.DataFrame | None = None) -> pd.DataFrame:
        """Drafts not recorded within the policy's working days, per supervisor: the
        timeliness rule's "not recorded" rows whose record is still a draft (``timely``:
        that rule's frame when the caller has it already, for the same date and team)."""
        import pandas as pd
        t = self.rules.timeliness(as_of=as_of, team=team) if timely is None else timely
        t = t[t["issue"] == "not recorded"]
        if t.empty:
            return pd.DataFrame(columns=STALE_COLUMNS)
        with self.ctx.engine.connect() as conn:
            drafts = q.drafts_among(conn, t["session_id"])
        t = t[t["session_id"].isin(drafts)].copy()
        with self.ctx.engine.connect() as conn:
            names = names_of(conn, set(t["supervisor_id"]) | {p for ids in t["supervisee_ids"]
                                                              for p in ids})
        t["supervisor"] = t["supervisor_id"].map(lambda p: names.get(p, p))
        t["supervisees"] = t["supervisee_ids"].map(lambda ids: [names.get(p, p) for p in ids])
        if "team" not in t.columns:
            t["team"] = ""
        return (t[STALE_COLUMNS].sort_values(["supervisor", "date", "session_id"])
                .reset_index(drop=True))
