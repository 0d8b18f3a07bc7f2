"""Drift escalation to the line manager and professional differences with other
agencies [HSCB aim 3; HSCB "Managing Professional Differences"]; every step logged."""
from __future__ import annotations

import datetime as dt

from ..domain.enums import OversightStatus, Role
from ..domain.escalation import check_difference, escalation_due
from ..domain.values import clean_text, new_id, parse_date
from ..errors import NotFound, ValidationError
from ..store import escalations as store
from ..store.extract import find_case
from .catalog import CatalogService
from .context import Context
from .rules import RulesService


class EscalationsService:
    """Escalate drift that stays unresolved; record other agencies' differences."""

    def __init__(self, ctx: Context, rules: RulesService, catalog: CatalogService):
        self.ctx, self.rules, self.catalog = ctx, rules, catalog

    def _sync(self, day: dt.date) -> int:
        """Put every drift flag unresolved for the preset delay on its worker's line
        manager's list (once per flag); returns how many were added."""
        from ..catalog.policies import period_of
        period = period_of((self.catalog.policy() or {}).get("drift") or {}, "escalate_after")
        drift = self.rules.drift(as_of=day)
        added = 0
        with self.ctx.tx() as conn:
            seen = store.known(conn)
            managers = store.line_managers(conn, drift["worker_id"].tolist()) if len(drift) else {}
            for r in drift.itertuples(index=False):
                since = parse_date(r.since, "since")
                due = escalation_due(since, period) if since else None
                if due is None or due > day or (r.case_id, since) in seen:
                    continue
                eid = new_id("esc")
                store.insert_escalation(conn, id=eid, case_id=r.case_id, flagged_since=since,
                                        due_on=due, reason=str(r.reason),
                                        manager_id=managers.get(r.worker_id))
                self.ctx.log(conn, "escalate", "drift", eid,
                             f"case {r.reference}: drift since {since}, unresolved on {due}; "
                             f"to {managers.get(r.worker_id) or 'no line manager'}")
                added += 1
        return added

    def drift_escalations(self, as_of=None, mine: bool = True) -> list[dict]:
        """Drift escalations due by ``as_of`` (made now if new): the acting person's as
        line manager (``mine``), or every one they may see."""
        ctx = self.ctx
        day = parse_date(as_of, "as_of") or dt.date.today()
        self._sync(day)
        with ctx.tx() as conn:
            found = store.escalations(conn, ctx.me.id if mine else None)
            found = [e for e in found if e["due_on"] <= day
                     and (e["manager_id"] == ctx.me.id or ctx.can_see(e["worker_id"]))]
            ctx.log(conn, "view", "drift", "", f"{len(found)} escalation(s) as of {day}")
        return found

    def answer_drift_escalation(self, esc_id: str, status: str, outcome: str) -> dict:
        """The line manager's outcome, as for management oversight: agreed, disagreed or
        more information requested, with the reason."""
        ctx = self.ctx
        ctx.require_write("answer a drift escalation")
        try:
            status = OversightStatus(status).value
        except ValueError:
            raise ValidationError("status", "agreed, disagreed or more information requested") from None
        if status == OversightStatus.PENDING.value:
            raise ValidationError("status", "choose an outcome")
        outcome = clean_text(outcome, "outcome", required=True)
        with ctx.tx() as conn:
            row = store.escalation(conn, esc_id)
            if row is None:
                raise NotFound(f"no drift escalation {esc_id!r}")
            if row.manager_id != ctx.me.id and ctx.role != Role.ADMIN:
                raise ctx.deny(f"answer drift escalation {esc_id} (it is for {row.manager_id})")
            store.answer(conn, esc_id, status, outcome)
            ctx.log(conn, "answer", "drift", esc_id, f"outcome {status}")
            return dict(store.escalation(conn, esc_id)._mapping)

    # -- professional differences ------------------------------------------------
    def record_professional_difference(self, case_id: str, agency: str, stage: str,
                                       description: str = "", outcome: str = "",
                                       resolved_on=None) -> dict:
        """Record a difference with another agency about a case, the stage reached and
        the outcome so far."""
        ctx = self.ctx
        ctx.require_write("record a professional difference")
        agency, stage = check_difference(agency, stage)
        did = new_id("pd")
        with ctx.tx() as conn:
            case = find_case(conn, case_id)
            if case is None:
                raise NotFound(f"no case {case_id!r}")
            ctx.check_see([case.worker_id], f"record a difference on case {case.reference}")
            store.insert_difference(conn, id=did, case_id=case.id, agency=agency, stage=stage,
                                    description=clean_text(description, "description"),
                                    outcome=clean_text(outcome, "outcome"),
                                    raised_by_id=ctx.me.id, raised_on=dt.date.today(),
                                    resolved_on=parse_date(resolved_on, "resolved_on"))
            ctx.log(conn, "record", "professional_difference", did,
                    f"case {case.reference}; agency {agency}; stage {stage}")
            return dict(store.difference(conn, did)._mapping)

    def update_professional_difference(self, diff_id: str, stage: str | None = None,
                                       outcome: str | None = None, resolved_on=None) -> dict:
        """Move a difference to a later stage, or record its outcome."""
        ctx = self.ctx
        ctx.require_write("update a professional difference")
        with ctx.tx() as conn:
            row = store.difference(conn, diff_id)
            if row is None:
                raise NotFound(f"no professional difference {diff_id!r}")
            case = find_case(conn, row.case_id)
            ctx.check_see([case.worker_id], f"update difference {diff_id}")
            values = {}
            if stage is not None:
                values["stage"] = check_difference(row.agency, stage)[1]
            if outcome is not None:
                values["outcome"] = clean_text(outcome, "outcome")
            if resolved_on is not None:
                values["resolved_on"] = parse_date(resolved_on, "resolved_on")
            store.update_difference(conn, diff_id, **values)
            ctx.log(conn, "update", "professional_difference", diff_id,
                    "; ".join(f"{k} {v}" for k, v in values.items() if k != "outcome"))
            return dict(store.difference(conn, diff_id)._mapping)

    def professional_differences(self, case_id: str) -> list[dict]:
        """A case's professional differences with other agencies (the view is logged)."""
        ctx = self.ctx
        with ctx.tx() as conn:
            case = find_case(conn, case_id)
            if case is None:
                raise NotFound(f"no case {case_id!r}")
            ctx.check_see([case.worker_id], f"see differences on case {case.reference}")
            found = store.differences(conn, case.id)
            ctx.log(conn, "view", "professional_difference", case.id, f"{len(found)}")
        return found
