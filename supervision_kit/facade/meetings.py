"""Case meetings and everything due, in one place, through the facade.

``everything_due`` gathers supervision due (per stream), contract reviews, quarterly case
reviews, observations of practice and cases to discuss before a meeting into one table
(kind, who, item, due, days overdue, reason) for the caseload and QA apps and
``supervision-kit due``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.meetings import MEETING_KINDS, CaseMeeting, validate_meeting
from ..domain.streams import stream_label
from ..errors import NotFound, ValidationError
from ..store import meetings as store
from ..store.access import case_workers
from ..domain.values import new_id
from ..rules.calendar import british
from .context import Context

if TYPE_CHECKING:
    import pandas as pd

DUE_COLUMNS = ["kind", "person_id", "person", "team", "item", "due", "days_overdue", "flag",
               "reason"]
KINDS = ("supervision", "contract review", "quarterly case review", "observation",
         "case meeting")


class MeetingsService:
    """Meetings about cases, and one table of everything due."""

    def __init__(self, ctx: Context, rules):
        self.ctx, self.rules = ctx, rules

    def add_case_meeting(self, m: CaseMeeting) -> CaseMeeting:
        """Enter a meeting about a case (its worker must be visible)."""
        self.ctx.require_write("enter case meetings")
        m = validate_meeting(m)
        with self.ctx.engine.connect() as conn:
            self._worker(conn, m.case_id, "enter a meeting about")
        m.id = m.id or new_id("meet")
        with self.ctx.tx() as conn:
            store.insert_meeting(conn, m)
            self.ctx.log(conn, "create", "case_meeting", m.id, f"{m.kind} on {m.date}")
        return m

    def _worker(self, conn, case_id: str, what: str) -> str:
        worker = case_workers(conn, [case_id]).get(case_id)
        if worker is None:
            raise NotFound(f"no case {case_id!r}")
        self.ctx.check_see([worker], f"{what} case {case_id}")
        return worker

    def _meeting(self, conn, meeting_id: str, what: str) -> CaseMeeting:
        m = store.meeting(conn, meeting_id)
        if m is None:
            raise NotFound(f"no case meeting {meeting_id!r}")
        self._worker(conn, m.case_id, what)
        return m

    def case_meetings(self, case_id: str | None = None, since=None) -> list[CaseMeeting]:
        """Meetings about one case (or every case this user may see), from ``since`` on,
        soonest first (a logged view)."""
        from ..domain.values import parse_date
        since = parse_date(since, "since")
        with self.ctx.engine.connect() as conn:
            if case_id:
                self._worker(conn, case_id, "see the meetings about")
            out = [m for m, worker in store.meetings_with_workers(conn, case_id, since)
                   if self.ctx.can_see(worker)]
        self.ctx.log_view("case_meetings", case_id or "", f"{len(out)} meetings")
        return out

    def update_case_meeting(self, m: CaseMeeting) -> CaseMeeting:
        """Change a meeting's kind, date or note (it stays about the same case)."""
        self.ctx.require_write("change case meetings")
        m = validate_meeting(m)
        with self.ctx.engine.connect() as conn:
            old = self._meeting(conn, m.id, "change a meeting about")
        if old.case_id != m.case_id:
            raise ValidationError("case_id", "a meeting stays about its case; remove it and "
                                             "enter it for the other case")
        with self.ctx.tx() as conn:
            store.update_meeting(conn, m)
            self.ctx.log(conn, "update", "case_meeting", m.id,
                         f"{old.kind} on {old.date} -> {m.kind} on {m.date}")
        return m

    def remove_case_meeting(self, meeting_id: str) -> None:
        """Remove a meeting entered in error or called off (logged with what it was)."""
        self.ctx.require_write("remove case meetings")
        with self.ctx.engine.connect() as conn:
            old = self._meeting(conn, meeting_id, "remove a meeting about")
        with self.ctx.tx() as conn:
            store.delete_meeting(conn, meeting_id)
            self.ctx.log(conn, "delete", "case_meeting", meeting_id,
                         f"{old.kind} on {old.date} about {old.case_id}")

    def meetings_due(self, as_of=None, team: str | None = None) -> pd.DataFrame:
        """Meetings about open cases from the day on: case_id, reference, worker_id, worker,
        team, kind, meeting_date, discuss_from, last_discussed, flag, reason, meeting_id."""
        from ..rules.meetings import meetings_due
        day, fr, book = self.rules._rules_context(as_of, only=("meetings",))
        return self.rules._rules_out(meetings_due(fr, book, day), "meetings_due", day, team,
                               who=("worker_id",))

    def arrangements_due(self, as_of=None, team: str | None = None) -> pd.DataFrame:
        """Everything due except supervision itself: contract reviews, quarterly case
        reviews, observations and case meetings (the caseload and QA apps' "Also due")."""
        return self.everything_due(as_of=as_of, team=team, kinds=KINDS[1:])

    def everything_due(self, as_of=None, team: str | None = None, *,
                       kinds=KINDS) -> pd.DataFrame:
        """Everything due in one table (see the module docstring), most overdue first."""
        import pandas as pd
        parts = []

        def part(kind, df, who, name, item, due, reason, flag=None):
            if len(df):
                parts.append(pd.DataFrame({
                    "kind": kind, "person_id": df[who].to_numpy(), "person": df[name].to_numpy(),
                    "team": df["team"].to_numpy(), "item": item.to_numpy(),
                    "due": df[due].to_numpy(), "days_overdue": df.get(
                        "days_overdue", pd.Series(0, index=df.index)).to_numpy(),
                    "flag": (df["days_overdue"] > 0 if flag is None else flag).to_numpy(),
                    "reason": reason.to_numpy()}))
        if "supervision" in kinds:
            d = self.rules.due(as_of=as_of, team=team)
            part("supervision", d, "supervisee_id", "name", d["stream"].map(stream_label),
                 "next_due", d["reason"])
        if "contract review" in kinds:
            k = self.rules.contract_reviews(as_of=as_of, team=team)
            fmt = british(k["review_due"])
            part("contract review", k, "supervisee_id", "supervisee",
                 k["stream"].map(stream_label) + " contract with " + k["supervisor"].fillna(""),
                 "review_due", pd.Series(
                     ["Overdue by %d days: " % n if n > 0 else "" for n in k["days_overdue"]],
                     index=k.index, dtype=object) + "contract review due " + fmt + ".")
        if "quarterly case review" in kinds:
            w = self.rules.case_windows(as_of=as_of, team=team)
            w = w[w["quarterly_review_due"].notna()].copy()
            w["days_overdue"] = ((pd.Timestamp(_day(as_of)) - w["quarterly_review_due"])
                                 .dt.days.clip(lower=0) if len(w) else 0)
            part("quarterly case review", w, "worker_id", "worker", w["reference"],
                 "quarterly_review_due", "Quarterly case review of " + w["reference"] + " due "
                 + british(w["quarterly_review_due"]) + ".")
        if "observation" in kinds:
            o = self.rules.observations_due(as_of=as_of, team=team)
            part("observation", o, "supervisee_id", "name",
                 pd.Series("observation of practice", index=o.index), "next_due", o["reason"])
        if "case meeting" in kinds:
            m = self.meetings_due(as_of=as_of, team=team)
            m["days_overdue"] = 0
            part("case meeting", m, "worker_id", "worker",
                 m["reference"] + ": " + m["kind"].map(lambda k: MEETING_KINDS.get(k, k)),
                 "meeting_date", m["reason"], flag=m["flag"])
        parts = [p for p in parts if not p.empty]
        if not parts:
            return pd.DataFrame(columns=DUE_COLUMNS)
        out = pd.concat(parts, ignore_index=True)
        out["due"] = pd.to_datetime(out["due"])
        return out[DUE_COLUMNS].sort_values(["flag", "days_overdue", "due"],
                                            ascending=[False, False, True]).reset_index(drop=True)


def _day(as_of):
    import datetime as dt

    from ..domain.values import parse_date
    return parse_date(as_of, "as_of") or dt.date.today()
