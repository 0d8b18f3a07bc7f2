"""Demo bookings: each planned session was booked; some were cancelled for sickness."""
from __future__ import annotations

from .context import Gen, iso


def booking_for(g: Gen, plan, session_id: str) -> None:
    """The booking behind a planned session: a sickness cancellation (by the supervisee,
    with the return date), or the next one-to-one booked ahead of today."""
    who = plan.supervisees[0]
    base = {"supervisee_id": who.id, "supervisor_id": plan.supervisor.id, "stream": None,
            "start_time": g.pick(("09:30", "10:00", "13:30", "14:00")), "duration_minutes": 90,
            "place": g.pick(("Room 2", "Team office", "Video call")), "cancelled_reason": "",
            "cancelled_by": "", "return_date": None, "note": "", "replaces_id": None,
            "cancelled_session_id": None, "invited_at": None}
    if plan.cancelled:
        g.add("bookings", {**base, "id": g.id("B"), "date": iso(plan.day), "status": "cancelled",
                           "cancelled_reason": "sickness", "cancelled_by": "supervisee",
                           "return_date": iso(plan.return_date),
                           "cancelled_session_id": session_id})
    elif plan.next_day and plan.next_day > g.today and len(plan.supervisees) == 1:
        g.add("bookings", {**base, "id": g.id("B"), "date": iso(plan.next_day), "status": "booked"})


def case_meetings(g: Gen, first: int = 0) -> None:
    """A coming meeting for open child-in-need and child-protection cases [HSCB aim 4], for
    the cases from position ``first`` on (each unit's own: earlier units have theirs)."""
    import datetime as dt
    kinds = {"child protection plan": ("core group", "review cp conference"),
             "child in need": ("cin review",), "looked after": ("lac review",)}
    for c in g.data["cases"][first:]:
        if c["closed"] or c["status"] not in kinds or g.rng.random() < 0.4:
            continue
        g.add("case_meetings", {"id": g.id("M"), "case_id": c["id"],
                                "kind": g.pick(kinds[c["status"]]),
                                "date": iso(g.today + dt.timedelta(days=g.rng.randint(3, 40))),
                                "note": ""})
