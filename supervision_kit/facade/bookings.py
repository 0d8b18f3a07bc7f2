"""Bookings through the facade: book the next sessions, cancel one (why and by whom),
rearrange one to the earliest date, and the cancellations for quality assurance.

[Havering 5: arranged in advance by agreement, changed only by mutual agreement and
rebooked for the earliest date; sickness: within five working days of return. Surrey:
changes recorded and rearranged at the earliest opportunity.] A cancelled booking is
also recorded as a cancelled session, so the due-date rules see it (a sickness
cancellation with a return date moves the due date; a cancelled session never counts
as held).
"""
from __future__ import annotations

import datetime as dt

from ..domain.bookings import Booking, check_cancellation, validate_booking
from ..domain.enums import Role
from ..domain.values import clean_text, parse_date
from ..errors import NotFound, ValidationError
from ..store.bookings import (cancellation_rows, close_booking, event_invited_at,
                              insert_booking, load_bookings)
from ..domain.values import new_id
from .context import Context
from .streams import settle_stream


class BookingsService:
    """Sessions booked ahead, cancelled or rearranged."""

    def __init__(self, ctx: Context, sessions, people):
        self.ctx, self.sessions, self.people = ctx, sessions, people

    def book_session(self, b: Booking) -> Booking:
        """Book a session (supervisor or manager; the supervisee must be visible)."""
        self.ctx.require("book supervision", Role.SUPERVISOR, Role.MANAGER)
        b = validate_booking(b)
        self.ctx.check_see([b.supervisee_id], f"book supervision for {b.supervisee_id}")
        if b.stream:  # it must be one of the supervisee's streams (when they have any)
            from ..domain.records import SessionRecord
            probe = SessionRecord(date=b.date, supervisor_id=b.supervisor_id,
                                  supervisee_ids=[b.supervisee_id], stream=b.stream)
            settle_stream(self.ctx, probe)
        b.id, b.status = new_id("book"), "booked"
        with self.ctx.tx() as conn:
            insert_booking(conn, b)
            self.ctx.log(conn, "create", "booking", b.id, f"{b.supervisee_id} on {b.date}")
        return b

    def bookings(self, supervisee_id: str | None = None, since=None) -> list[Booking]:
        """Bookings this user may see (of one supervisee; from ``since``), soonest first."""
        if supervisee_id:
            self.ctx.check_see([supervisee_id], f"see the bookings of {supervisee_id}")
        with self.ctx.engine.connect() as conn:
            out = load_bookings(conn, supervisee_id, parse_date(since, "since"))
        out = [b for b in out if self.ctx.can_see(b.supervisee_id) or b.supervisor_id == self.ctx.me.id]
        self.ctx.log_view("bookings", supervisee_id or "", f"{len(out)} bookings")
        return out

    def _booking(self, conn, booking_id: str) -> Booking:
        found = load_bookings(conn, booking_id=booking_id)
        if not found:
            raise NotFound(f"no booking {booking_id!r}")
        b = found[0]
        self.ctx.check_see([b.supervisee_id], f"change the booking {booking_id}")
        if b.status != "booked":
            raise ValidationError("booking", f"this booking is already {b.status}")
        return b

    def cancel_booking(self, booking_id: str, reason: str, cancelled_by: str,
                       return_date=None, note: str = "") -> Booking:
        """Cancel a booked session: why (sickness, leave, supervisor unavailable, other),
        who called it off, and for sickness the return date if known."""
        self.ctx.require("cancel supervision", Role.SUPERVISOR, Role.MANAGER)
        with self.ctx.engine.connect() as conn:
            b = self._booking(conn, booking_id)
            # An invitation for this event is out (perhaps for the date it moved from):
            # the parties' calendars need its cancellation (``remind`` sends it).
            out_since = event_invited_at(conn, b)
        reason, cancelled_by, ret = check_cancellation(reason, cancelled_by, return_date, b.date)
        note = clean_text(note, "note")
        sid = self.sessions.record_cancellation(b.supervisee_id, b.date, reason, ret, b.stream)
        with self.ctx.tx() as conn:
            close_booking(conn, booking_id, "cancelled", cancelled_reason=reason,
                          cancelled_by=cancelled_by, return_date=ret, note=note,
                          cancelled_session_id=sid, invited_at=out_since)
            self.ctx.log(conn, "cancel", "booking", booking_id, f"{reason}; by {cancelled_by}")
        with self.ctx.engine.connect() as conn:
            return load_bookings(conn, booking_id=booking_id)[0]

    def rearrange_booking(self, booking_id: str, date, start_time: str = "", reason: str = "",
                          place: str | None = None, duration_minutes=None) -> Booking:
        """Move a booked session to a new date (and time), keeping the reason; the old
        booking is kept as rearranged and the new one names it."""
        self.ctx.require("rearrange supervision", Role.SUPERVISOR, Role.MANAGER)
        reason = clean_text(reason, "note", required=True)
        with self.ctx.engine.connect() as conn:
            old = self._booking(conn, booking_id)
        new = Booking(supervisee_id=old.supervisee_id, supervisor_id=old.supervisor_id,
                      date=parse_date(date, "date", required=True), start_time=start_time,
                      duration_minutes=old.duration_minutes if duration_minutes is None
                      else duration_minutes, place=old.place if place is None else place,
                      stream=old.stream, replaces_id=old.id, note=reason)
        new = validate_booking(new)
        new.id = new_id("book")
        with self.ctx.tx() as conn:
            close_booking(conn, old.id, "rearranged", note=reason)
            insert_booking(conn, new)
            self.ctx.log(conn, "rearrange", "booking", old.id, f"to {new.date}: {new.id}")
        return new

    def earliest_date(self, supervisee_id: str, after=None) -> dt.date:
        """The earliest working day after ``after`` (default today) for a rearranged session."""
        import numpy as np
        import pandas as pd

        from ..catalog.calendars import load_holidays
        from ..rules.calendar import next_working_day
        from ..catalog.policies import load_policy
        day = parse_date(after, "after") or dt.date.today()
        pol = load_policy(self.ctx.settings.default_preset, self.ctx.settings.templates)
        hol = load_holidays(pol.get("bank_holidays"), self.ctx.settings.templates)
        return pd.Timestamp(next_working_day(np.datetime64(day, "D"), hol)).date()

    def cancellations(self, since=None, until=None, team: str | None = None):
        """Cancellations in the period (default the last 12 months) this user may see, as a
        DataFrame: supervisee_id, team, date, reason, cancelled_by."""
        import pandas as pd
        until = parse_date(until, "until") or dt.date.today()
        since = parse_date(since, "since") or until.replace(year=until.year - 1)
        with self.ctx.engine.connect() as conn:
            rows = cancellation_rows(conn, since, until)
        teams = {p.id: p.team for p in self.people.practitioners()}
        df = pd.DataFrame(rows, columns=["supervisee_id", "date", "reason", "cancelled_by"])
        df = df[[self.ctx.can_see(p) for p in df["supervisee_id"]]] if len(df) else df
        df.insert(1, "team", [teams.get(p, "") for p in df["supervisee_id"]])
        if team:
            df = df[df["team"] == team]
        self.ctx.log_view("rules", "cancellations", f"{since} to {until}; {len(df)} rows")
        return df.reset_index(drop=True)

    def booking_ics(self, booking_id: str) -> bytes:
        """The booking as an iCalendar file for both parties (logged export): an
        invitation, the updated invitation of a rearranged session (same event, next
        sequence), or for a cancelled one its cancellation."""
        from ..export.ics import booking_ics
        from ..store.bookings import calendar_identity
        with self.ctx.engine.connect() as conn:
            found = load_bookings(conn, booking_id=booking_id)
            if not found:
                raise NotFound(f"no booking {booking_id!r}")
            b, root, seq = calendar_identity(conn, found[0])
        if self.ctx.me.id not in (b.supervisee_id, b.supervisor_id):
            self.ctx.check_see([b.supervisee_id], f"see the booking {booking_id}")
        # Both parties are named in the invitation, also to a supervisee who may not
        # otherwise look their supervisor up.
        from ..store.people import practitioners_by_id
        with self.ctx.engine.connect() as conn:
            who = practitioners_by_id(conn, [b.supervisor_id, b.supervisee_id])
        data = booking_ics(b, who[b.supervisor_id], who[b.supervisee_id], uid=root,
                           sequence=seq)
        with self.ctx.tx() as conn:
            self.ctx.log(conn, "export", "booking", booking_id, "calendar cancellation"
                         if b.status == "cancelled" else "calendar invitation")
        return data
