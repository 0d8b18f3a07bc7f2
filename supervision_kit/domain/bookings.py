"""Booked supervision sessions, their cancellations and rearrangements.

[Havering 5: "The dates and times of supervision should be arranged in advance by
agreement. Any arrangements will only be changed by mutual agreement and a new
arrangement will be made for the earliest possible time and date available. When
cancelled due to sickness, supervision must take place within five working days of
return to work"; Surrey: "Changes to times and supervision dates should be recorded and
the supervision re-arranged to the earliest opportunity".]
"""
from __future__ import annotations

import dataclasses as dc
import datetime as dt
import re

from ..errors import ValidationError
from .streams import parse_stream
from .values import clean_text, parse_date

STATUSES = ("booked", "cancelled", "rearranged", "held")
# Why a booked session did not happen, and who called it off.
CANCEL_REASONS = {"sickness": "The supervisee's sickness", "leave": "Leave",
                  "supervisor unavailable": "Supervisor unavailable", "other": "Other"}
CANCELLED_BY = {"supervisee": "The supervisee", "supervisor": "The supervisor",
                "other": "Someone else (e.g. the service)"}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dc.dataclass
class Booking:
    """A supervision session booked ahead: when, where, how long, and what became of it."""
    supervisee_id: str
    supervisor_id: str
    date: dt.date
    start_time: str = ""            # "14:30"; blank: time not fixed
    duration_minutes: int | None = None
    place: str = ""
    stream: str | None = None
    status: str = "booked"
    cancelled_reason: str = ""
    cancelled_by: str = ""
    return_date: dt.date | None = None  # sickness: the day the supervisee is back
    note: str = ""                  # why it was cancelled or rearranged
    replaces_id: str | None = None  # the booking this one rearranges
    cancelled_session_id: str | None = None
    invited_at: dt.datetime | None = None  # when the calendar invitation was e-mailed
    id: str | None = None


def validate_booking(b: Booking) -> Booking:
    """Parties, date, a HH:MM time, a length of 1-600 minutes, place and stream."""
    if not b.supervisee_id:
        raise ValidationError("supervisee_id", "whose supervision is booked?")
    if not b.supervisor_id:
        raise ValidationError("supervisor_id", "who supervises?")
    b.date = parse_date(b.date, "date", required=True)
    b.start_time = (b.start_time or "").strip()
    if b.start_time and not _TIME.match(b.start_time):
        raise ValidationError("start_time", f"a time as HH:MM (24-hour), got {b.start_time!r}")
    if b.duration_minutes in ("", None, 0):
        b.duration_minutes = None
    else:
        try:
            b.duration_minutes = int(b.duration_minutes)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError("duration_minutes", "a whole number of minutes") from None
        if not 0 < b.duration_minutes <= 600:
            raise ValidationError("duration_minutes", "between 1 and 600 minutes")
    b.place = clean_text(b.place, "place", max_len=200)
    b.note = clean_text(b.note, "note")
    b.stream = parse_stream(b.stream)
    b.return_date = parse_date(b.return_date, "return_date")
    return b


def check_cancellation(reason: str, cancelled_by: str, return_date, date: dt.date) -> tuple:
    """(reason, cancelled_by, return_date) checked: a known reason and party; a return
    date only for sickness, and not before the cancelled date."""
    reason = (reason or "").strip().lower()
    if reason not in CANCEL_REASONS:
        raise ValidationError("cancelled_reason", "choose why: " + ", ".join(CANCEL_REASONS))
    cancelled_by = (cancelled_by or "").strip().lower()
    if cancelled_by not in CANCELLED_BY:
        raise ValidationError("cancelled_by", "choose who cancelled: " + ", ".join(CANCELLED_BY))
    ret = parse_date(return_date, "return_date")
    if ret is not None and reason != "sickness":
        raise ValidationError("return_date", "a return date is for a sickness cancellation")
    if ret is not None and ret < date:
        raise ValidationError("return_date", f"the return ({ret:%d %b %Y}) is before the "
                              f"cancelled session ({date:%d %b %Y})")
    return reason, cancelled_by, ret
