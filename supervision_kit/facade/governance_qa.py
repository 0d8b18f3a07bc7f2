"""Governance QA measures: diversity considered, QA by supervisor (read only, logged)."""
from __future__ import annotations

import datetime as dt

from ..domain.enums import Role
from ..domain.values import parse_date
from ..store import qa as store
from .context import Context

QA_ROLES = (Role.AUDITOR, Role.MANAGER, Role.SUPERVISOR)


def window_start(as_of: dt.date, months: int) -> dt.date:
    """The first day of the month ``months - 1`` months before ``as_of``'s month."""
    y, m = divmod(as_of.year * 12 + as_of.month - 1 - (months - 1), 12)
    return dt.date(y, m + 1, 1)


class GovernanceQAService:
    """Measures the seeds' quality assurance asks for, by team and by supervisor."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def _visible_rows(self, rows: list[dict]) -> list[dict]:
        ctx = self.ctx
        return [r for r in rows if ctx.can_see(r["supervisor_id"])
                or any(ctx.can_see(p) for p in r["supervisee_ids"])]

    def diversity_form(self):
        """The diversity and anti-discriminatory practice prompts of every record."""
        from ..catalog.forms import diversity_form
        return diversity_form(self.ctx.settings.templates)

    def diversity_measure(self, as_of=None, months: int = 12, team: str | None = None,
                          supervisor: str | None = None) -> dict:
        """Share of records where diversity and anti-discriminatory practice was considered
        [Havering 13.3]: ``records`` (one row per record), ``by_group`` (month, team,
        supervisor) and ``by_month``; the view is logged."""
        from ..analytics.governance import diversity_records, diversity_share
        ctx = self.ctx
        ctx.require("read quality-assurance measures", *QA_ROLES)
        day = parse_date(as_of, "as_of") or dt.date.today()
        with ctx.engine.connect() as conn:
            rows = store.held_records(conn, window_start(day, int(months)), day)
            people = store.people(conn)
        df = diversity_records(self._visible_rows(rows), people)
        if team:
            df = df[df["team"] == team]
        if supervisor:
            df = df[df["supervisor_id"] == supervisor]
        df = df.reset_index(drop=True)
        ctx.log_view("qa", "diversity", f"as of {day.isoformat()}; {months} months"
                     + (f"; team {team}" if team else "")
                     + (f"; supervisor {supervisor}" if supervisor else "") + f"; {len(df)} records")
        return {"records": df, "by_group": diversity_share(df),
                "by_month": diversity_share(df, ("month",))}

    def development_take_up(self, as_of=None, team: str | None = None) -> dict:
        """Supervisors' development and equality and diversity training from
        ``training/levels.yaml`` courses: ``status`` (per person and course) and
        ``take_up`` (per course and team); the view is logged."""
        from ..analytics.governance import development_status, development_take_up
        from ..catalog.forms import development_courses
        ctx = self.ctx
        ctx.require("read quality-assurance measures", *QA_ROLES)
        day = parse_date(as_of, "as_of") or dt.date.today()
        courses = development_courses(ctx.settings.templates)
        with ctx.engine.connect() as conn:
            staff, recs = store.staff_and_training(conn, day)
        staff = [p for p in staff if ctx.can_see(p["id"]) and (not team or p["team"] == team)]
        status = development_status(staff, recs, courses, day)
        ctx.log_view("qa", "development", f"as of {day.isoformat()}; {len(status)} rows")
        return {"status": status, "take_up": development_take_up(status)}

    def log_report_export(self, name: str, as_of, months: int) -> None:
        """Log that an inspection report was written (an export)."""
        ctx = self.ctx
        ctx.require("export an inspection report", *QA_ROLES)
        with ctx.tx() as conn:
            ctx.log(conn, "export", "inspection_report", name,
                    f"as of {parse_date(as_of, 'as_of')}; {months} months")
