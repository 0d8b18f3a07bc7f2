"""Demo records beside the sessions: evaluations, observations, requests, reflections, exercises."""
from __future__ import annotations

import datetime as dt

from . import text
from .context import Gen, Staff, iso
from .people import Team
from .sessions import SessionBuilder

GENERIC = {"c": "the child", "cs": "the child's", "c2": "the sibling", "kids": "the children",
           "p": "the parent",
           "ps": "the parent's", "pf": "the parent", "q": "the partner", "fam": "Testington",
           "phone": "07700 900000", "pc": "ZZ1 1ZZ"}


def _ctx(g: Gen, who: Staff, day: dt.date) -> dict:
    base = g.pick(who.cases).ctx if who.cases else GENERIC
    return dict(base, day=f"{day.day} {day:%B}")


def _answer(g: Gen) -> str | None:
    x = g.rng.random()
    return "yes" if x < 0.7 else "maybe" if x < 0.9 else "no" if x < 0.98 else None


def evaluations(g: Gen, b: SessionBuilder, people: list[Staff]) -> None:
    """One to three evaluation-tool returns per supervisee, each after one of their sessions."""
    for who in people:
        held = [h for h in b.held.get(who.id, []) if h[0] >= g.window_start]
        if not held:
            continue
        picks = sorted(g.rng.sample(range(len(held)), min(len(held), g.rng.randint(1, 3))))
        for i in picks:
            day, sid = held[i]
            g.add("evaluations", {
                "id": g.id("E"), "supervisee_id": who.id,
                "supervisor_id": who.supervisor or who.manager,
                "session_id": sid if g.rng.random() < 0.5 else None,
                "date": iso(min(g.today, g.days(day, 0, 7))),
                "answers": [_answer(g) for _ in range(10)],
                "more_of": g.pick(text.EVAL_MORE), "less_of": g.pick(text.EVAL_LESS)})


def observations(g: Gen, b: SessionBuilder, team: Team) -> None:
    """Observations of practice; some practitioners have fewer than two in the last year."""
    rng, today = g.rng, g.today
    for who in team.practitioners:
        start = max(who.asye_start or who.start, g.window_start)
        days = [g.between(max(start, today - dt.timedelta(days=365)), today - dt.timedelta(days=3))
                for _ in range(g.pick((0, 1, 1, 2, 2, 2, 3)))]
        if start < today - dt.timedelta(days=365) and rng.random() < 0.5:
            days.append(g.between(start, today - dt.timedelta(days=366)))
        for day in sorted(days):
            ctx = _ctx(g, who, day)
            later = [sid for d, sid in b.held.get(who.id, []) if d > day]
            observer = who.supervisor if rng.random() < 0.8 else who.manager
            g.add("observations", {
                "id": g.id("O"), "supervisee_id": who.id, "observer_id": observer,
                "date": iso(day), "planned": rng.random() < 0.7, "qa_sample": rng.random() < 0.2,
                "notes": {"setting": g.pick(text.OBS_SETTINGS).format_map(ctx),
                          "permissions": f"{ctx['p']} agreed to the observation.",
                          "went_well": g.pick(text.OBS_WELL).format_map(ctx),
                          "development_points": g.pick(text.OBS_DEV).format_map(ctx)},
                "discussed_session_id": later[0] if later else None})


def requests(g: Gen, teams: list[Team]) -> None:
    """A few entitlement requests per unit; most answered."""
    rng = g.rng
    pool = [p for t in teams for p in t.practitioners if p.cases]
    for k in range(min(3, len(pool))):
        who = pool[rng.randrange(len(pool))]
        case = g.pick(who.cases)
        day = g.between(max(g.window_start, case.opened), g.today)
        resolved = k < 2 and day + dt.timedelta(days=5) <= g.today
        g.add("requests", {
            "id": g.id("RQ"), "kind": text.REQUEST_KINDS[k % 3], "requester_id": who.id,
            "supervisor_id": who.supervisor, "manager_id": who.manager, "case_id": case.id,
            "created": g.at(day), "reason": text.REQUEST_REASONS[k % 3].format_map(case.ctx),
            "outcome": "Meeting held; plan agreed." if resolved else "",
            "resolved_at": g.at(g.days(day, 1, 5)) if resolved else None})


def own_reflections(g: Gen, team: Team, held: dict | None = None) -> None:
    """Reflections practitioners wrote outside any session; each went on the writer's
    agenda for their next held session, if any (the supervisee's agenda; no extra random
    draws, so the rest of the demo is unchanged)."""
    for who in team.practitioners:
        if not who.cases or g.rng.random() > 0.3:
            continue
        case = g.pick(who.cases)
        day = g.between(max(case.opened, g.window_start), g.today)
        framework, stages = ("gibbs", text.GIBBS) if g.rng.random() < 0.5 else ("kolb", text.KOLB)
        ctx = dict(case.ctx, day=f"{day.day} {day:%B}")
        refl = g.add("reflections", {
            "id": g.id("R"), "framework": framework, "author_id": who.id, "session_id": None,
            "case_id": case.id, "exercise_id": None,
            "responses": {k: g.pick(v).format_map(ctx) for k, v in stages.items()},
            "created": g.at(day, 17, 21)})
        taken = next((sid for d, sid in (held or {}).get(who.id, []) if d > day), None)
        if taken:
            g.add("agenda_items", {
                "id": g.id("AG"), "supervisee_id": who.id, "author_id": who.id,
                "text": "My reflection on a case, to think through together.", "case_id": None,
                "reason": "", "reflection_id": refl["id"], "session_id": taken,
                "created_at": refl["created"]})


def exercise(g: Gen, trainer: Staff, unit: int, templates) -> None:
    """A rating-calibration exercise on three of the library's vignettes: trainees mostly
    agree with the expert, some skip an update."""
    from ..catalog.vignettes import load_vignettes
    rng = g.rng
    xid = g.id("X")
    library = load_vignettes(templates)
    vignettes = [library[v] for v in rng.sample(sorted(library), 3)]
    day = g.between(g.window_start, g.today - dt.timedelta(days=7))
    created = dt.datetime(day.year, day.month, day.day, 9, 30)
    # A snapshot, as the facade stores it: what trainees saw stays what results refer to.
    g.add("exercises", {"id": xid, "code": f"DEMO-{unit + 1:04d}-{rng.randrange(100):02d}",
                        "trainer_id": trainer.id, "title": f"RAG calibration {day:%B %Y}",
                        "vignettes": [v.to_dict() for v in vignettes],
                        "created": created.isoformat()})
    for j in range(rng.randint(8, 12)):
        alias = f"trainee-{j + 1:02d}"
        for v in vignettes:
            for i, update in enumerate(v.updates):
                x = rng.random()
                rating = (update.expert_rating if x < 0.7 else None if x < 0.73
                          else g.pick("GAR"))
                at = created + dt.timedelta(minutes=10 + 15 * i + rng.randint(0, 9))
                g.add("exercise_ratings", {
                    "exercise_id": xid, "alias": alias, "vignette": v.id, "update_index": i,
                    "rating": rating, "rationale": g.pick(text.RATING_RATIONALE),
                    "at": at.isoformat()})

