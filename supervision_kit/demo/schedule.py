"""When demo sessions happen: policy cadences with missed, late, cancelled and ad-hoc ones."""
from __future__ import annotations

import dataclasses as dc
import datetime as dt

from .context import Gen, Staff, add_working_days, weekday
from .people import Team

CADENCE = {"havering_social_work": (28, 33), "temple_school_dsl": (42, 49),
           "health_clinical": (28, 42), "hscb_multi_agency": (80, 92)}


@dc.dataclass
class Plan:
    """A session to generate: when, who, and whether it went ahead."""
    day: dt.date
    seq: int
    supervisor: Staff
    supervisees: list[Staff]
    type: str
    next_day: dt.date | None = None
    cancelled: bool = False
    return_date: dt.date | None = None


def _gap(g: Gen, who: Staff, preset: str, day: dt.date) -> int:
    """Days to the next session: the ASYE schedule [Havering 5] or the preset's cadence."""
    if who.asye_start and preset == "havering_social_work":
        since = (day - who.asye_start).days
        if since < 42:
            return 7
        if since < 182:
            return 14 + g.rng.randint(-1, 1)
    lo, hi = CADENCE[preset]
    return g.rng.randint(lo, hi)


def pair_plans(g: Gen, sup: Staff, who: Staff, preset: str, kind: str, seq) -> list[Plan]:
    """Sessions of one supervisor-supervisee pair from the later of their start and the window."""
    rng = g.rng
    end = who.leaving or g.today
    start = who.asye_start or who.start
    if who.leaving is None:
        start = max(start, g.window_start)
    else:  # a leaver: the year before they left
        start = max(start, who.leaving - dt.timedelta(days=365))
    out: list[Plan] = []
    day = weekday(g.days(start, 0, 10 if not who.asye_start else 3))
    miss = 0.15 if who.poorly_supervised else 0.04
    while day <= end:
        gap = _gap(g, who, preset, day)
        r = rng.random()
        if r < miss:  # missed: nothing recorded, so the gap exceeds the policy
            day = weekday(day + dt.timedelta(days=gap))
            continue
        if r < miss + 0.03 and gap > 14:  # cancelled for sickness, rearranged after return
            back = g.days(day, 2, 9)
            again = add_working_days(back, g.pick((1, 2, 3, 4, 5, 5, 7, 9)))
            out.append(Plan(day, next(seq), sup, [who], kind, next_day=again, cancelled=True,
                            return_date=back))
            if again > end:
                break
            day = again
        elif rng.random() < 0.06:  # late
            day = weekday(day + dt.timedelta(days=rng.randint(7, 18)))
            if day > end:
                break
        nxt = weekday(day + dt.timedelta(days=gap))
        out.append(Plan(day, next(seq), sup, [who], kind, next_day=nxt))
        if rng.random() < 0.02 and who.cases:  # an ad-hoc discussion between sessions
            extra = weekday(day + dt.timedelta(days=rng.randint(2, max(3, gap // 2))))
            if extra < nxt and extra <= end:
                out.append(Plan(extra, next(seq), sup, [who], "ad-hoc", next_day=None))
        day = nxt
    return out


def group_plans(g: Gen, team: Team, seq) -> list[Plan]:
    """A group session about every quarter for teams with enough practitioners."""
    out: list[Plan] = []
    if len(team.practitioners) < 3:
        return out
    day = weekday(g.days(g.window_start, 5, 40))
    while day <= g.today:
        present = [p for p in team.practitioners if (p.asye_start or p.start) <= day]
        g.rng.shuffle(present)
        present = present[:5]
        nxt = weekday(g.days(day, 85, 100))
        if len(present) >= 2:
            out.append(Plan(day, next(seq), team.supervisors[0], present, "group", next_day=nxt))
        day = nxt
    return out


def unit_plans(g: Gen, teams: list[Team], seq) -> list[Plan]:
    """Every session of a unit, in date order."""
    plans: list[Plan] = []
    for t in teams:
        for s in t.supervisors:
            plans += pair_plans(g, t.manager, s, s.preset, "one-to-one", seq)
        for p in t.practitioners + t.leavers:
            kind = "clinical" if p.preset == "health_clinical" else "one-to-one"
            plans += pair_plans(g, g.staff[p.supervisor], p, p.preset, kind, seq)
        plans += group_plans(g, t, seq)
    plans.sort(key=lambda p: (p.day, p.seq))
    return plans
