"""Demo session records: discussions, actions and their reviews, reflections, signatures."""
from __future__ import annotations

import datetime as dt

from ..domain.signing import DEMO_DATA
from . import text
from .bookings import booking_for
from .cases import CP, rag_for
from .context import DemoCase, Gen, Staff, iso
from .schedule import Plan

FUNCTIONS = ("management", "support", "development", "mediation")
FUNCTION_ODDS = (0.95, 0.85, 0.75, 0.25)
ONE_TO_ONE = ("one-to-one", "clinical")


def _day_text(g: Gen, day: dt.date) -> str:
    d = day - dt.timedelta(days=g.rng.randint(1, 20))
    return f"{d.day} {d:%B}" if g.rng.random() < 0.6 else f"{d:%d/%m/%Y}"


class SessionBuilder:
    """Turns plans into rows, in date order, carrying actions from one session to the next."""

    def __init__(self, g: Gen):
        self.g = g
        self.open_actions: dict[str, list[list]] = {}   # supervisee -> [[row, created, carries]]
        self.count: dict[str, int] = {}                 # supervisee -> sessions so far
        self.streak: dict[str, tuple] = {}              # supervisee -> (from, length, function)
        self.held: dict[str, list[tuple[dt.date, str]]] = {}
        self.disagreements: list[tuple[dict, Plan]] = []
        self.fallback: tuple | None = None  # a session to hold a disagreement if none arose
        self.recent = 0                     # sessions of the last three weeks so far

    # -- parts of a record
    def _functions(self, who: Staff) -> list[str]:
        rng = self.g.rng
        n = self.count[who.id] = self.count.get(who.id, 0) + 1
        if who.id not in self.streak:
            self.streak[who.id] = ((rng.randint(2, 10), rng.randint(3, 5), self.g.pick(FUNCTIONS[1:3]))
                                   if rng.random() < 0.35 else (0, 0, ""))
        first, length, missing = self.streak[who.id]
        out = [f for f, p in zip(FUNCTIONS, FUNCTION_ODDS) if rng.random() < p]
        if first <= n < first + length and missing in out:
            out.remove(missing)  # several sessions in a row without support or development
        return out or ["management"]

    def _pick_cases(self, plan: Plan) -> list[DemoCase]:
        rng, day = self.g.rng, plan.day
        open_ = [c for s in plan.supervisees for c in s.cases if c.open_on(day)]
        if plan.type == "ad-hoc":
            k = 1
        elif plan.type == "group":
            k = rng.randint(2, 3)
        else:
            k = rng.randint(2, 5)
        if rng.random() < 0.3:
            rng.shuffle(open_)
            return open_[:k]
        keyed = [((day - (c.last_discussed or c.opened)).days * (2 if c.status == CP else 1)
                  + rng.randint(0, 30), i, c) for i, c in enumerate(open_)]
        keyed.sort(key=lambda t: (-t[0], t[1]))
        return [c for _, _, c in keyed[:k]]

    def _discussion(self, sid: str, pos: int, case: DemoCase, plan: Plan, age: int) -> dict:
        g, rng, day = self.g, self.g.rng, plan.day
        ctx = dict(case.ctx, day=_day_text(g, day))
        rag = rag_for(g, case)
        key = rag or "A"
        f = g.pick
        answers = {
            "summary": f(text.SUMMARY[key]), "worries": f(text.WORRIES),
            "working_well": f(text.WORKING_WELL), "barriers": f(text.BARRIERS),
            "impact": f(text.IMPACT[key]), "needs": f(text.NEEDS), "engagement": f(text.ENGAGEMENT),
            "plan": f(text.PLAN), "proposed_amendment": f(text.AMENDMENT[key]),
            "refusal_action": f(text.REFUSAL), "decision": f(text.DECISION[key]),
            "rationale": f(text.RATIONALE[key])}
        answers = {k: v.format_map(ctx) for k, v in answers.items()}
        quarterly = (day - case.last_quarterly).days >= 84
        if quarterly:
            case.last_quarterly = day
        case.last_discussed = day
        needs = (rag == "R" and rng.random() < 0.5) or rng.random() < 0.08
        status, manager, reason, at = None, None, "", None
        if needs:
            manager = plan.supervisor.manager
            status = "pending"
            if age > 10:
                x = rng.random()
                status = ("agreed" if x < 0.8 else "disagreed" if x < 0.87
                          else "more information requested" if x < 0.95 else "pending")
            if status != "pending":
                at = g.at(g.days(day, 1, 5))
                reason = {"agreed": "Agreed; the plan is proportionate.",
                          "disagreed": "Consider a strategy discussion for {c}.",
                          "more information requested": "Add the latest school report for {c}.",
                          }[status].format_map(ctx)
        return {"id": g.id("D"), "session_id": sid, "case_id": case.id, "position": pos,
                "rag": rag, "answers": answers, "quarterly_review": quarterly,
                "needs_oversight": needs, "oversight_status": status,
                "oversight_manager_id": manager, "oversight_reason": reason, "oversight_at": at}

    def _review(self, sid: str, plan: Plan) -> None:
        g, rng = self.g, self.g.rng
        who = plan.supervisees[0]
        still, pos = [], 0
        for item in self.open_actions.get(who.id, []):
            row, created, carries = item
            if rng.random() < 0.1:  # not looked at this time
                still.append(item)
                continue
            x = rng.random()
            if carries >= 2:
                outcome = "done" if x < 0.7 else "dropped"
            else:
                outcome = "done" if x < 0.65 else "carried forward" if x < 0.9 else "dropped"
            g.add("action_reviews", {"action_id": row["id"], "session_id": sid, "outcome": outcome,
                                     "note": g.pick(text.REVIEW_NOTES[outcome]), "position": pos})
            pos += 1
            row["reviewed_session_id"] = sid
            if outcome == "carried forward":
                item[2] += 1
                still.append(item)
            else:
                row["status"] = outcome
                if outcome == "done":
                    row["completed_date"] = iso(g.between(created, plan.day))
        self.open_actions[who.id] = still

    def _actions(self, sid: str, plan: Plan, cases: list[DemoCase]) -> None:
        g, rng, day = self.g, self.g.rng, plan.day
        n = rng.randint(1, 2) if plan.type == "group" else rng.randint(0 if not cases else 1, 3)
        for pos in range(n):
            case = cases[pos % len(cases)] if cases else None
            x = rng.random()
            if case is not None:
                owner = g.staff[case.worker]
                desc = g.pick(text.ACTIONS).format_map(case.ctx)
            else:
                owner = plan.supervisees[0]
                desc = g.pick(text.STAFF_ACTIONS)
            owner_id = None if x < 0.04 else plan.supervisor.id if x < 0.18 else owner.id
            row = g.add("actions", {
                "id": g.id("A"), "description": desc, "owner_id": owner_id,
                "due_date": None if rng.random() < 0.05 else iso(g.days(day, 7, 28)),
                "case_id": case.id if case else None, "session_id": sid, "status": "open",
                "reviewed_session_id": None, "completed_date": None, "position": pos})
            self.open_actions.setdefault(owner.id, []).append([row, day, 0])

    def _reflection(self, sid: str, plan: Plan, case: DemoCase) -> None:
        g = self.g
        framework, stages = (("gibbs", text.GIBBS) if g.rng.random() < 0.6 else ("kolb", text.KOLB))
        ctx = dict(case.ctx, day=_day_text(g, plan.day))
        g.add("reflections", {
            "id": g.id("R"), "framework": framework, "author_id": plan.supervisees[0].id,
            "session_id": sid, "case_id": case.id, "exercise_id": None,
            "responses": {k: g.pick(v).format_map(ctx) for k, v in stages.items()},
            "created": g.at(plan.day - dt.timedelta(days=g.rng.randint(1, 3)), 18, 21)})

    def _content(self, plan: Plan, cases: list[DemoCase]) -> dict:
        g, who = self.g, plan.supervisees[0]
        name = who.first if len(plan.supervisees) == 1 else "The group"
        k = sum(1 for s in plan.supervisees for c in s.cases if c.open_on(plan.day))
        return {
            "agenda": g.pick(text.AGENDA).format(n=len(cases)),
            "wellbeing": g.pick(text.WELLBEING).format(s=name),
            "workload": g.pick(text.WORKLOAD).format(k=k),
            "sickness_absence": g.pick(text.SICKNESS),
            "training_since": g.pick(text.TRAINING_SINCE),
            "learning_development": text.LEARNING[3] if who.asye_start else g.pick(text.LEARNING[:3]),
            "group_confidentiality": g.pick(text.GROUP_CONFIDENTIALITY) if plan.type == "group" else ""}

    def _sign(self, sid: str, plan: Plan, state: str, recorded: dt.date) -> str | None:
        g, today = self.g, self.g.today
        signers = [plan.supervisor] + plan.supervisees
        if state == "awaiting signatures":
            signers = signers[:1 + (len(plan.supervisees) > 1)]
        last = None
        for s in signers:
            at = g.at(min(today, g.days(recorded, 0, 3)))
            last = max(last or at, at)
            g.add("signatures", {"session_id": sid, "practitioner_id": s.id, "signed_at": at,
                                 "method": DEMO_DATA, "content_hash": ""})
        return last if state == "signed" else None

    # -- a whole record
    def build(self, plan: Plan) -> None:
        g, rng, today = self.g, self.g.rng, self.g.today
        sid = g.id("S")
        age = (today - plan.day).days
        empty = dict.fromkeys(("agenda", "wellbeing", "workload", "sickness_absence",
                               "training_since", "learning_development", "group_confidentiality"), "")
        row = g.add("sessions", {
            "id": sid, "date": iso(plan.day), "type": plan.type, "supervisor_id": plan.supervisor.id,
            "state": "cancelled", "content": empty, "functions": [],
            "next_session_date": iso(plan.next_day), "duration_minutes": None,
            "cancelled_reason": "", "return_date": None, "recorded_date": None,
            "content_hash": None, "locked_at": None, "version": 1})
        for i, s in enumerate(plan.supervisees):
            g.add("session_attendees", {"session_id": sid, "practitioner_id": s.id, "position": i})
        booking_for(g, plan, sid)
        if plan.cancelled:
            row.update(cancelled_reason="sickness", return_date=iso(plan.return_date),
                       recorded_date=iso(plan.day),
                       content=dict(empty, sickness_absence=f"{plan.supervisees[0].first} off sick "
                                                            f"until {plan.return_date:%d/%m/%Y}."))
            return
        for s in plan.supervisees:
            self.held.setdefault(s.id, []).append((plan.day, sid))
        if plan.type in ONE_TO_ONE:
            self._review(sid, plan)
        cases = self._pick_cases(plan)
        for pos, case in enumerate(cases):
            g.add("case_discussions", self._discussion(sid, pos, case, plan, age))
        self._actions(sid, plan, cases)
        if cases and plan.type in ONE_TO_ONE and rng.random() < 0.2:
            self._reflection(sid, plan, cases[0])
        if cases and rng.random() < 0.03:
            self._disagreement(sid, plan, cases[0])
        elif cases and age > 30:
            self.fallback = (sid, plan, cases[0])
        # As in a real team: about one in four records of the last three weeks still a
        # draft (those past the recording limit show in the stale-draft lists), half of the
        # last two days'; some awaiting a signature; older ones signed, bar the odd one still
        # waiting for a supervisee. Drafts are counted, not drawn, so even the smallest
        # agency has a few; one draw per session as before, so the rest comes out the same.
        x = rng.random()
        if age <= 21:
            self.recent += 1
            if self.recent % (2 if age <= 2 else 4) == 0:
                state = "draft"
            else:
                state = "awaiting signatures" if x < 0.3 else "signed"
        else:
            state = "awaiting signatures" if x < 0.025 else "signed"
        delay = g.pick((0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 5, 8))
        recorded = min(today, plan.day + dt.timedelta(days=delay))
        minutes = {"group": 90, "ad-hoc": 30}.get(plan.type, g.pick((45, 60, 60, 75, 90)))
        row.update(state=state, content=self._content(plan, cases),
                   functions=self._functions(plan.supervisees[0]), duration_minutes=minutes,
                   recorded_date=iso(recorded) if state != "draft" else None)
        if state != "draft":
            row["locked_at"] = self._sign(sid, plan, state, recorded)
        if state == "signed" and age > 30 and rng.random() < 0.02:
            ctx = dict(cases[0].ctx if cases else {"p": "the parent"}, day=_day_text(g, plan.day))
            author = plan.supervisor if rng.random() < 0.6 else plan.supervisees[0]
            created = min(today, g.days(dt.date.fromisoformat(row["locked_at"][:10]), 2, 40))
            g.add("addenda", {"id": g.id("AD"), "session_id": sid, "author_id": author.id,
                              "text": g.pick(text.ADDENDUM).format_map(ctx),
                              "created_at": g.at(created), "content_hash": ""})

    def _disagreement(self, sid: str, plan: Plan, case: DemoCase) -> None:
        g = self.g
        d = g.add("disagreements", {
            "id": g.id("DG"), "session_id": sid, "position": 0,
            "description": g.pick(text.DISAGREE).format_map(case.ctx),
            "resolution": g.pick(text.RESOLVE), "escalated": False, "escalated_to_id": None,
            "outcome": "", "resolved_date": None})
        self.disagreements.append((d, plan))

    def escalate_one(self) -> None:
        """Mark one disagreement of the unit as escalated to the team manager."""
        if not self.disagreements and self.fallback:
            self._disagreement(*self.fallback)  # every unit has one escalation
        if not self.disagreements:
            return
        d, plan = self.disagreements[len(self.disagreements) // 2]
        resolved = self.g.days(plan.day, 5, 20)
        d.update(escalated=True, escalated_to_id=plan.supervisor.manager or plan.supervisor.id,
                 outcome=text.ESCALATION_OUTCOME if resolved <= self.g.today else "",
                 resolved_date=iso(resolved) if resolved <= self.g.today else None)
        self.disagreements = []
