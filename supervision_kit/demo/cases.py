"""Demo cases: families with synthetic identifiers, status histories and RAG trajectories."""
from __future__ import annotations

import datetime as dt

from . import text
from .context import DemoCase, Gen, Staff, iso
from .people import HEALTH, SCHOOL, SOCIAL

EH, CIN, CP, LAC, OTHER, CLOSED = ("early help", "child in need", "child protection plan",
                                   "looked after", "other", "closed")
PATHS = {
    SOCIAL: (((EH,), 2), ((CIN,), 3), ((CP,), 3), ((LAC,), 2), ((OTHER,), 1), ((EH, CIN), 1),
             ((CIN, CP), 2), ((CP, LAC), 1), ((CP, CIN), 1)),
    SCHOOL: (((EH,), 3), ((CIN,), 3), ((CP,), 2), ((OTHER,), 2), ((EH, CIN), 1), ((CIN, CP), 1)),
    HEALTH: (((EH,), 3), ((CIN,), 2), ((CP,), 2), ((OTHER,), 2), ((LAC,), 1), ((CIN, CP), 1)),
}
# The first cases of each unit's social-care team cover every status, an escalation and a closure.
FORCED = ((EH,), (CIN, CP), (CP,), (LAC,), (OTHER,), (CIN, CLOSED))
ESCALATIONS = {(EH, CIN), (CIN, CP), (CP, LAC)}
TRAJECTORIES = (("improving", 30), ("drift", 30), ("stable", 20), ("fluctuating", 10),
                ("worsening", 10))


def _weighted(g: Gen, options):
    total = sum(w for _, w in options)
    x = g.rng.uniform(0, total)
    for value, w in options:
        x -= w
        if x <= 0:
            return value
    return options[-1][0]


def _postcode(g: Gen) -> str:
    return f"ZZ{g.rng.randint(1, 9)} {g.rng.randint(1, 9)}Z{g.pick(text.POSTCODE_LETTERS)}"


def _phone(g: Gen) -> str:
    return f"07700 900{g.rng.randrange(1000):03d}"  # Ofcom's drama range


def _address(g: Gen) -> str:
    return (f"{g.rng.randint(1, 180)} {g.pick(text.STREETS)} {g.pick(text.STREET_KINDS)}, "
            f"{g.pick(text.TOWNS)}")


def _family(g: Gen, case_id: str, opened: dt.date, looked_after: bool) -> dict:
    """Rows of the people in a case, and the template context that names them."""
    rng = g.rng
    fam = g.pick(text.SURNAMES)
    kids = [g.pick(text.CHILD_NAMES) for _ in range(1 if rng.random() < 0.6 else 2)]
    if len(kids) == 2 and kids[0] == kids[1]:
        kids.pop()
    adults = [(g.pick(text.ADULT_NAMES), fam, "parent")]
    if len(kids) + 1 < 4 and (rng.random() < 0.5 or len(kids) == 1):
        adults.append((g.pick(text.ADULT_NAMES), g.pick(text.SURNAMES) if rng.random() < 0.5 else fam,
                       "carer" if looked_after else "parent"))
    address, pc, phone = _address(g), _postcode(g), _phone(g)
    pos = 0
    for k in kids:
        dob = opened - dt.timedelta(days=rng.randint(120, 16 * 365))
        g.add("case_people", {"id": f"{case_id}-{pos + 1}", "case_id": case_id, "position": pos,
                              "role": "child", "first_name": k, "last_name": fam, "dob": iso(dob),
                              "address": "", "postcode": "", "phone": ""})
        pos += 1
    for j, (first, last, role) in enumerate(adults):
        other = j > 0 and (looked_after or last != fam)
        g.add("case_people", {
            "id": f"{case_id}-{pos + 1}", "case_id": case_id, "position": pos, "role": role,
            "first_name": first, "last_name": last,
            "dob": iso(opened - dt.timedelta(days=rng.randint(20 * 365, 50 * 365))),
            "address": _address(g) if other else address, "postcode": _postcode(g) if other else pc,
            "phone": _phone(g) if other else phone})
        pos += 1
    p = adults[0][0]
    q = adults[1][0] if len(adults) > 1 else "the grandparent"
    return {"c": kids[0], "cs": f"{kids[0]}'s", "c2": kids[-1], "kids": " and ".join(kids),
            "p": p, "ps": f"{p}'s",
            "pf": f"{p} {fam}", "q": q, "fam": fam, "phone": phone, "pc": pc}


def add_case(g: Gen, worker: Staff, path: tuple[str, ...], close: bool,
             early: bool = False) -> DemoCase | None:
    """One case of ``worker`` following ``path`` of statuses (``closed`` may end it).

    ``early`` opens it at least eight months ago, leaving room for a change and a closure."""
    rng, today = g.rng, g.today
    if path[-1] == CLOSED:
        path, close = path[:-1], True
    end = worker.leaving or today
    earliest = max(worker.start + dt.timedelta(days=7), end - dt.timedelta(days=3 * 365))
    latest = end - dt.timedelta(days=30 if worker.leaving is None else 90)
    if early and end - dt.timedelta(days=240) >= earliest:
        latest = end - dt.timedelta(days=240)
    if latest < earliest:
        return None
    opened = g.between(earliest, latest)
    cid = g.id("C")
    history = [(path[0], opened)]
    if len(path) > 1 and (end - opened).days > 75:
        history.append((path[1], g.between(opened + dt.timedelta(days=30), end - dt.timedelta(days=30))))
    closed = None
    if worker.leaving:
        closed = worker.leaving
    elif close and (today - history[-1][1]).days > 60:
        closed = g.between(history[-1][1] + dt.timedelta(days=30), today - dt.timedelta(days=7))
    if closed:
        history.append((CLOSED, closed))
    status = history[-1][0]
    g.add("cases", {"id": cid, "reference": f"CR-{opened.year}-{g.count('C'):06d}",
                    "worker_id": worker.id, "status": status, "opened": iso(opened),
                    "closed": iso(closed)})
    for s, day in history:
        g.status_id += 1
        g.add("case_status_history", {"id": g.status_id, "case_id": cid, "status": s,
                                      "from_date": iso(day)})
    moves = tuple(s for s, _ in history if s != CLOSED)
    if len(moves) > 1 and moves[:2] in ESCALATIONS:
        trajectory = "worsening"
    elif len(moves) > 1:
        trajectory = "improving"
    else:
        trajectory = _weighted(g, TRAJECTORIES)
    case = DemoCase(cid, worker.id, opened, closed, status,
                    _family(g, cid, opened, LAC in moves), trajectory,
                    marks=(rng.randint(1, 3), rng.randint(2, 3)), last_quarterly=opened)
    g.cases[cid] = case
    worker.cases.append(case)
    return case


def cases_for(g: Gen, worker: Staff, forced: bool = False) -> None:
    """About five cases for a practitioner (two or three closed ones for a leaver)."""
    rng = g.rng
    if worker.leaving:
        for _ in range(rng.randint(2, 3)):
            add_case(g, worker, _weighted(g, PATHS[SOCIAL]), True)
        return
    paths = list(FORCED) if forced else []
    while len(paths) < rng.randint(4, 6):
        paths.append(_weighted(g, PATHS[worker.agency]))
    for i, path in enumerate(paths):
        add_case(g, worker, path, rng.random() < 0.1, early=forced and i < len(FORCED))


def rag_for(g: Gen, case: DemoCase) -> str | None:
    """The next RAG rating along the case's trajectory."""
    rng, n = g.rng, case.n_discussed
    case.n_discussed += 1
    if rng.random() < 0.02:
        return None  # not rated this time
    a, b = case.marks
    t = case.trajectory
    if t == "improving":
        return "R" if n < a else "A" if n < a + b else "G"
    if t == "worsening":
        return "G" if n < a else "A" if n < a + b else "R"
    if t == "drift":
        return "A"
    if t == "stable":
        return "G" if rng.random() < 0.9 else "A"
    return g.pick("GAAR")
