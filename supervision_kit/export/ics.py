"""An iCalendar (RFC 5545) invitation for a booked supervision session.

Only the arrangement goes in it: when, where, how long, which stream, and the two
parties. Never a case, a child or anything said in supervision: calendars are shared,
synced and forwarded.
"""
from __future__ import annotations

import datetime as dt

from ..domain.streams import stream_label

PRODID = "-//supervision_kit//Supervision bookings//EN"


def booking_ics(booking, supervisor, supervisee, *, timezone: str = "Europe/London",
                stamp: dt.datetime | None = None, uid: str | None = None,
                sequence: int = 0) -> bytes:
    """The invitation for ``booking`` from ``supervisor`` to both parties, as bytes.
    A booking without a time is an all-day event on its date. A cancelled booking is
    a cancellation (METHOD:CANCEL, STATUS:CANCELLED); ``uid`` (default the booking's
    id) and ``sequence`` let a rearranged or cancelled session update the event the
    parties already have (RFC 5545 3.8.7.4)."""
    try:
        from icalendar import Calendar, Event, vCalAddress, vText
    except ImportError:  # pragma: no cover - a dependency, but say what to do
        raise RuntimeError("calendar invitations need icalendar: pip install icalendar") from None
    from zoneinfo import ZoneInfo
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cancelled = booking.status in ("cancelled", "rearranged")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    ev = Event()
    ev.add("uid", f"{uid or booking.id}@supervision-kit")
    ev.add("sequence", int(sequence))
    ev.add("dtstamp", stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    ev.add("summary", f"{stream_label(booking.stream)}: {supervisor.name} and {supervisee.name}")
    if booking.start_time:
        hh, mm = (int(x) for x in booking.start_time.split(":"))
        start = dt.datetime.combine(booking.date, dt.time(hh, mm), tzinfo=ZoneInfo(timezone))
        ev.add("dtstart", start)
        ev.add("dtend", start + dt.timedelta(minutes=booking.duration_minutes or 60))
    else:
        ev.add("dtstart", booking.date)
        ev.add("dtend", booking.date + dt.timedelta(days=1))
    if booking.place:
        ev.add("location", vText(booking.place))
    ev.add("description", "Supervision session cancelled in supervision_kit; a new date is "
                          "arranged with you." if cancelled else
           "Supervision session booked in supervision_kit. Prepare your agenda "
           "and review the actions from your last session.")
    ev.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    for person, role in ((supervisor, "CHAIR"), (supervisee, "REQ-PARTICIPANT")):
        addr = vCalAddress(f"mailto:{person.email}" if person.email else
                           f"urn:supervision-kit:{person.id}")
        addr.params["cn"] = vText(person.name)
        addr.params["role"] = vText(role)
        ev.add("attendee", addr, encode=0)
        if role == "CHAIR":
            org = vCalAddress(str(addr))
            org.params["cn"] = vText(person.name)
            ev.add("organizer", org, encode=0)
    cal.add_component(ev)
    if hasattr(cal, "add_missing_timezones"):
        cal.add_missing_timezones()
    return cal.to_ical()
