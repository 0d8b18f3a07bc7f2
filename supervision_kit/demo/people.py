"""Demo staff: three teams per scale unit, their supervision contracts and training."""
from __future__ import annotations

import dataclasses as dc
import datetime as dt

from ..domain.values import add_years
from . import text
from .context import Gen, Staff, iso

SOCIAL, SCHOOL, HEALTH = "children's social care", "school", "health"
# (agency, names, preset for practitioners, preset for supervisors with their manager,
#  practitioners per team)
TEAM_KINDS = ((SOCIAL, text.SOCIAL_TEAMS, "havering_social_work", "havering_social_work", 5),
              (SCHOOL, text.SCHOOLS, "temple_school_dsl", "temple_school_dsl", 3),
              (HEALTH, text.HEALTH_TEAMS, "health_clinical", "hscb_multi_agency", 3))
SPECIAL = ("admin", "auditor", "researcher", "trainer")


@dc.dataclass
class Team:
    name: str
    agency: str
    preset: str
    manager: Staff
    supervisors: list[Staff]
    practitioners: list[Staff]
    leavers: list[Staff]


def _numbered(names: tuple[str, ...], unit: int) -> str:
    k, i = divmod(unit, len(names))
    return names[i] + (f" {k + 1}" if k else "")


def _username(g: Gen, first: str, last: str) -> str:
    base = f"{first}.{last}".lower()
    name, n = base, 1
    while name in g.usernames:
        n += 1
        name = f"{base}{n}"
    return name


def _staff(g: Gen, role: str, team: str, agency: str, *, start: dt.date,
           username: str | None = None, qualified: dt.date | None = None, **kw) -> Staff:
    rng = g.rng
    first, last = g.pick(text.STAFF_NAMES), g.pick(text.SURNAMES)
    s = Staff(id=g.id("P"), first=first, last=last, role=role, team=team, agency=agency,
              start=start, **kw)
    user = username or _username(g, first, last)
    g.usernames.add(user)
    g.add("practitioners", {
        "id": s.id, "name": s.name, "username": user, "role": role, "team": team,
        "agency_type": agency, "email": f"{user}@example.org",
        "qualified_date": iso(qualified or (start - dt.timedelta(days=rng.randint(200, 5000)))),
        "asye_start": iso(s.asye_start), "leaving_date": iso(s.leaving),
        "line_manager_id": s.supervisor or s.manager})
    g.staff[s.id] = s
    return s


def build_unit(g: Gen, unit: int) -> tuple[dict[str, Staff], list[Team]]:
    """Staff of one scale unit: special roles by role, and three teams of different agencies."""
    rng, today = g.rng, g.today
    long_ago = today - dt.timedelta(days=3 * 365)
    specials = {role: _staff(g, role, "", "other", start=long_ago,
                             username=role if unit == 0 else f"{role}{unit + 1}")
                for role in SPECIAL}
    teams = []
    for agency, names, preset, sup_preset, n_prac in TEAM_KINDS:
        name = _numbered(names, unit)

        def hired():
            # Most staff predate the 18-month window; a few joined during it.
            if rng.random() < 0.15:
                return g.between(today - dt.timedelta(days=400), today - dt.timedelta(days=120))
            return g.between(today - dt.timedelta(days=6 * 365), today - dt.timedelta(days=2 * 365))

        manager = _staff(g, "manager", name, agency, start=hired())
        supervisors = [_staff(g, "supervisor", name, agency, start=hired(), manager=manager.id,
                              preset=sup_preset)
                       for _ in range(2 if agency == SOCIAL else rng.randint(1, 2))]
        pracs = []
        for i in range(n_prac):
            sup = supervisors[i % len(supervisors)]
            kw = {}
            if agency == SOCIAL and i < 2:  # newly qualified, in their ASYE year
                asye = today - dt.timedelta(days=(rng.randint(40, 120) if i == 0 else rng.randint(200, 330)))
                kw = dict(asye_start=asye, qualified=asye - dt.timedelta(days=rng.randint(30, 90)))
                start = asye
            else:
                start = hired()
            pracs.append(_staff(g, "practitioner", name, agency, start=start, supervisor=sup.id,
                                manager=manager.id, preset=preset,
                                poorly_supervised=(i == n_prac - 1 and rng.random() < 0.7), **kw))
        leavers = []
        if agency == SOCIAL:  # left four years ago: their records are due for destruction
            leaving = today - dt.timedelta(days=4 * 365 + rng.randint(0, 60))
            leavers.append(_staff(g, "practitioner", name, agency,
                                  start=leaving - dt.timedelta(days=3 * 365), leaving=leaving,
                                  supervisor=supervisors[0].id, manager=manager.id, preset=preset))
        teams.append(Team(name, agency, preset, manager, supervisors, pracs, leavers))
    return specials, teams


def _contract(g: Gen, sup: Staff, who: Staff, preset: str, start: dt.date,
              end: dt.date | None = None, replaces: str | None = None, note: str = "") -> dict:
    rng, today = g.rng, g.today
    k = 1
    while add_years(start, k) <= today:
        k += 1
    # review_date is when the next annual review is due; a quarter are past it.
    due = add_years(start, k - 1 if k > 1 and rng.random() < 0.25 else k)
    signed = g.days(start, 0, 10)
    return g.add("contracts", {
        "id": g.id("K"), "supervisor_id": sup.id, "supervisee_id": who.id, "preset": preset,
        "overrides": {}, "start_date": iso(start), "end_date": iso(end),
        "review_date": iso(due if end is None else None),
        "terms": text.contract_terms(preset),
        "supervisor_signed_at": g.at(signed),
        "supervisee_signed_at": None if rng.random() < 0.05 else g.at(g.days(signed, 0, 2)),
        "handover_note": note, "replaces_id": replaces})


def contracts(g: Gen, teams: list[Team]) -> None:
    """One contract per supervisor-supervisee pair; one handed over from another supervisor."""
    for t in teams:
        for s in t.supervisors:
            _contract(g, t.manager, s, s.preset, s.start)
        for i, p in enumerate(t.practitioners + t.leavers):
            sup = g.staff[p.supervisor]
            switch = g.today - dt.timedelta(days=600)
            if i == 0 and t.agency != SOCIAL and len(t.supervisors) > 1 and p.start < switch:
                other = t.supervisors[1] if sup is t.supervisors[0] else t.supervisors[0]
                old = _contract(g, other, p, p.preset, p.start, end=switch)
                _contract(g, sup, p, p.preset, switch, replaces=old["id"],
                          note=f"Handed over by {other.name}: caseload and open actions reviewed.")
            else:
                _contract(g, sup, p, p.preset, p.asye_start or p.start, end=p.leaving)


def training(g: Gen, staff: list[Staff]) -> None:
    """One to three courses each; some renewals overdue."""
    for s in staff:
        for _ in range(g.rng.randint(1, 3)):
            course, level = g.pick(text.COURSES)
            end = s.leaving or g.today
            attended = g.between(max(s.start, end - dt.timedelta(days=1500)), end)
            g.add("training_records", {
                "id": g.id("T"), "practitioner_id": s.id, "course": course, "level": level,
                "attended": iso(attended), "renewal_due": iso(attended + dt.timedelta(days=3 * 365))})
