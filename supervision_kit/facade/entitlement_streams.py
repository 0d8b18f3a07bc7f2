"""Entitlement per supervision stream [Temple "Entitlement"; HSCB "Definition"].

A supervisee with management and safeguarding (or clinical) supervision side by side has
an entitlement in each: each stream's own due date, its contract's tolerance and its own
supervisor. ``stream_entitlements`` works them out from the rows of ``due`` for one
supervisee; ``EntitlementService.entitlement`` reports the most overdue one first and
lists them all under ``streams``.
"""
from __future__ import annotations

import datetime as dt

from ..domain.streams import stream_label
from ..errors import ValidationError
from ..store.people import names_of
from ..store.records import contract_overrides


def _tolerance(templates, preset: str, overrides) -> tuple[int, int]:
    from ..catalog.policies import load_policy
    try:
        # A contract may override the tolerance as it may any number of its preset.
        pol = load_policy(preset, templates, overrides or None)
        return pol.period("supervision.entitlement_tolerance") or (0, 0)
    except ValidationError:
        return 0, 0


def _message(due: dt.date, days: int, tolerance: int, beyond: bool) -> str:
    when = f"{due.day} {due:%B %Y}"
    if beyond:
        return (f"Your supervision was due on {when} and is {days} days overdue, more than "
                f"the {tolerance} days your policy allows. Talk to your supervisor first; if "
                f"that does not resolve it, ask for a three-way meeting.")
    if days:
        return (f"Your supervision was due on {when} ({days} days ago). Arrange it with "
                f"your supervisor; after {tolerance} days you may ask for a three-way meeting.")
    return f"Your next supervision is due by {when}."


def stream_entitlements(conn, templates, df, day: dt.date) -> list[dict]:
    """One dict per row of ``due`` (one supervisee's streams, most overdue first):
    stream, stream_label, supervisor_id, supervisor, contract_id, preset, next_due,
    days_overdue, tolerance_days, beyond_tolerance, message."""
    import pandas as pd
    ids = [c for c in df["contract_id"] if isinstance(c, str)]
    overrides = contract_overrides(conn, ids) if ids else {}
    sups = [s for s in df["supervisor_id"] if isinstance(s, str)]
    names = names_of(conn, sups) if sups else {}
    out = []
    for _, r in df.iterrows():
        stream = r["stream"] if isinstance(r["stream"], str) else None
        sup = r["supervisor_id"] if isinstance(r["supervisor_id"], str) else None
        item = dict(stream=stream, stream_label=stream_label(stream), supervisor_id=sup,
                    supervisor=names.get(sup, ""), contract_id=r["contract_id"]
                    if isinstance(r["contract_id"], str) else None, preset=r["preset"],
                    next_due=None, days_overdue=0, tolerance_days=0, beyond_tolerance=False,
                    message="No supervision is required of you at the moment.")
        if not pd.isna(r["next_due"]):
            months, days = _tolerance(templates, r["preset"], overrides.get(item["contract_id"]))
            due = r["next_due"].date()
            limit = (pd.Timestamp(due) + pd.DateOffset(months=months, days=days)).date()
            late = int(r["days_overdue"])
            beyond = day > limit and late > 0
            item.update(next_due=due, days_overdue=late, tolerance_days=(limit - due).days,
                        beyond_tolerance=beyond,
                        message=_message(due, late, (limit - due).days, beyond))
        out.append(item)
    return out


def stream_lines(streams: list[dict]) -> list[str]:
    """"Safeguarding supervision with Sam Supervisor: <message>" for each stream, when
    there are several (one stream needs no label)."""
    if len(streams) < 2:
        return []
    return [f"{s['stream_label']}" + (f" with {s['supervisor']}" if s["supervisor"] else "")
            + f": {s['message']}" for s in streams]
