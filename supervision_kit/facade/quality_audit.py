"""Supervision quality audit [HSCB aim 2; Temple]: a QA lead (auditor or manager) draws a
stratified random sample of signed discussions (worsening, red, amber), judges each
against the seeds' checklist with comments; samples and judgements are stored and logged."""
from __future__ import annotations

import datetime as dt
import secrets

from ..domain.enums import Role
from ..domain.lifecycle import day_text
from ..domain.quality_audit import check_judgements, draw, stratum
from ..domain.values import clean_text, new_id, parse_date
from ..errors import NotFound, ValidationError
from ..store import quality_audit as store
from ..store.qa import people
from .context import Context

QA_LEADS = (Role.AUDITOR, Role.MANAGER)


class QualityAuditService:
    """Draw, judge and read quality audits."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def audit_checklist(self) -> list[dict]:
        """The checklist's criteria: [{key, question, source}]."""
        from ..catalog.forms import audit_checklist
        return audit_checklist(self.ctx.settings.templates)

    def draw_audit_sample(self, start, end, per_stratum: int = 3, seed: int | None = None) -> dict:
        """A new sample of up to ``per_stratum`` discussions from each stratum among the
        signed records dated ``start``..``end`` that this person may see. The seed is
        stored: the same seed over the same records draws the same sample."""
        ctx = self.ctx
        ctx.require("draw a quality audit sample", *QA_LEADS)
        start = parse_date(start, "start", required=True)
        end = parse_date(end, "end", required=True)
        if end < start:
            raise ValidationError("end", f"{day_text(end)} is before the start {day_text(start)}")
        seed = int(seed) if seed is not None else secrets.randbelow(2 ** 31)
        aid = new_id("audit")
        with ctx.tx() as conn:
            pool = [dict(c, stratum=stratum(c["rag"], c["previous"]))
                    for c in store.candidates(conn, start, end)]
            pool = [c for c in pool if c["stratum"] and ctx.can_see(c["supervisor_id"])]
            chosen = draw(pool, int(per_stratum), seed)
            store.insert_audit(conn, dict(id=aid, created_by_id=ctx.me.id, start=start, end=end,
                                          created_at=dt.datetime.now().replace(microsecond=0),
                                          seed=seed, per_stratum=int(per_stratum)), chosen)
            counts = {s: sum(c["stratum"] == s for c in chosen) for s in ("worsening", "red", "amber")}
            ctx.log(conn, "sample", "quality_audit", aid,
                    f"{start}..{end}; seed {seed}; {per_stratum} per stratum; "
                    + ", ".join(f"{n} {s}" for s, n in counts.items()))
        return {"id": aid, "seed": seed, "items": self.audit_items(aid, log=False)}

    def audit_items(self, audit_id: str, log: bool = True) -> list[dict]:
        """A sample's items: discussion, session, case reference, date, stratum,
        judgements and comment."""
        ctx = self.ctx
        ctx.require("read a quality audit", *QA_LEADS)
        with ctx.engine.connect() as conn:
            found = store.items(conn, audit_id)
        if log:
            ctx.log_view("quality_audit", audit_id, f"{len(found)} item(s)")
        return found

    def judge_audit_item(self, audit_id: str, discussion_id: str, judgements: dict,
                         comment: str = "") -> dict:
        """Store the QA lead's judgement of one sampled discussion against the checklist."""
        ctx = self.ctx
        ctx.require("judge a quality audit", *QA_LEADS)
        keys = [c["key"] for c in self.audit_checklist()]
        judgements = check_judgements(judgements, keys)
        comment = clean_text(comment, "comment")
        with ctx.tx() as conn:
            if store.item(conn, audit_id, discussion_id) is None:
                raise NotFound(f"discussion {discussion_id!r} is not in audit {audit_id!r}")
            store.judge(conn, audit_id, discussion_id, judgements, comment, ctx.me.id)
            ctx.log(conn, "judge", "quality_audit", audit_id,
                    f"{discussion_id}: " + ", ".join(f"{k} {v}" for k, v in judgements.items()))
            return dict(store.item(conn, audit_id, discussion_id)._mapping)

    def audit_results(self, audit_id: str | None = None):
        """Judged items as rows (audit, month, team, stratum, criterion, answer) for the
        QA app's results by team and over time; the view is logged."""
        import pandas as pd
        ctx = self.ctx
        ctx.require("read quality audit results", *QA_LEADS)
        with ctx.engine.connect() as conn:
            found, who = store.items(conn, audit_id), people(conn)
        rows = [{"audit_id": i["audit_id"], "month": f"{i['date']:%Y-%m}",
                 "team": who.get(i["supervisee_id"], ("", ""))[1],
                 "supervisor": who.get(i["supervisor_id"], ("", ""))[0],
                 "stratum": i["stratum"], "criterion": k, "answer": v}
                for i in found if ctx.can_see(i["supervisor_id"])
                for k, v in (i["judgements"] or {}).items()]
        ctx.log_view("quality_audit", audit_id or "", f"results: {len(rows)} judgement(s)")
        return pd.DataFrame(rows, columns=["audit_id", "month", "team", "supervisor", "stratum",
                                           "criterion", "answer"])
