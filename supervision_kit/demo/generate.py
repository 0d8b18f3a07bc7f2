"""Generate a demo dataset, and create a demo store in one transaction.

Per scale unit: a children's social care team, a school DSL team and a health team, each
with a manager, supervisors and practitioners (two newly qualified, one who left four years
ago), plus an admin, an auditor, a researcher and a trainer; about five cases each; 18 months
of sessions before ``today``. Every name, address, postcode (ZZ...) and phone number (Ofcom's
07700 900xxx drama range) is synthetic.
"""
from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from ..catalog.files import SHIPPED_TEMPLATES
from ..io.dataset import Progress, gc_paused, import_dataset, seal
from . import extras
from .bookings import case_meetings
from .cases import cases_for
from .context import Gen
from .people import SOCIAL, build_unit, contracts, training
from .schedule import unit_plans
from .sessions import SessionBuilder

TODAY = dt.date(2026, 11, 23)


def generate(scale: int = 1, seed: int = 0, today: dt.date = TODAY, templates=None) -> dict:
    """A demo dataset (the ``io.dataset`` format), the same for the same arguments.

    Signed sessions and signatures carry no content hash yet: ``create_demo`` seals them
    after import, from the records as the store rebuilds them.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    g = Gen(scale, seed, today)
    seq = itertools.count()
    for unit in range(scale):
        first_case = len(g.data["cases"])
        specials, teams = build_unit(g, unit)
        contracts(g, teams)
        staff = list(specials.values()) + [s for t in teams for s in
                                           [t.manager, *t.supervisors, *t.practitioners, *t.leavers]]
        training(g, staff)
        for t in teams:
            forced = next((p for p in t.practitioners if not p.asye_start), None) \
                if t.agency == SOCIAL else None
            for p in t.practitioners + t.leavers:
                cases_for(g, p, forced=p is forced)
        builder = SessionBuilder(g)
        for plan in unit_plans(g, teams, seq):
            builder.build(plan)
        builder.escalate_one()
        extras.evaluations(g, builder, [s for t in teams for s in t.supervisors + t.practitioners])
        for t in teams:
            extras.observations(g, builder, t)
            extras.own_reflections(g, t, builder.held)
        extras.requests(g, teams)
        case_meetings(g, first_case)  # this unit's cases only, else meetings grow as scale²
        extras.exercise(g, specials["trainer"], unit, templates or SHIPPED_TEMPLATES)
    return g.data


def create_demo(engine_or_conn: Engine | Connection | str | Path, scale: int = 1, seed: int = 0,
                today: dt.date = TODAY, progress: Progress = None, templates=None) -> dict[str, int]:
    """Generate, import and seal a demo dataset in one transaction; rows per table.

    Takes an engine (or a database URL / SQLite path) and commits, or a connection and
    works inside the caller's transaction. The store must not already hold the demo's ids.
    """
    with gc_paused():
        data = generate(scale, seed, today, templates)
    if isinstance(engine_or_conn, Connection):
        return _load(engine_or_conn, data, progress)
    if not isinstance(engine_or_conn, Engine):
        from ..store.engine import make_engine
        engine_or_conn = make_engine(engine_or_conn)
    with engine_or_conn.begin() as conn:
        return _load(conn, data, progress)


def _load(conn: Connection, data: dict, progress: Progress) -> dict[str, int]:
    counts = import_dataset(conn, data, progress)
    seal(conn)
    return counts
