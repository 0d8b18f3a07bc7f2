"""Store queries for bookings: rows to ``Booking`` records and back, and the
cancellations QA counts."""
from __future__ import annotations

import dataclasses as dc
import datetime as dt

from sqlalchemy import insert, select, update

from ..domain.bookings import Booking
from .schema import BookingRow, SessionRow

B, S = BookingRow.__table__, SessionRow.__table__
FIELDS = tuple(f.name for f in dc.fields(Booking))


def booking_from_row(r) -> Booking:
    """A ``Booking`` from a ``bookings`` row."""
    return Booking(**{f: getattr(r, f) for f in FIELDS})


def booking_row(b: Booking) -> dict:
    """The ``bookings`` row of a booking."""
    return {f: getattr(b, f) for f in FIELDS}


def load_bookings(conn, supervisee_id: str | None = None, since: dt.date | None = None,
                  booking_id: str | None = None) -> list[Booking]:
    """Bookings (of one supervisee, from a date, or one by id), soonest first."""
    q = select(B).order_by(B.c.date, B.c.start_time, B.c.id)
    if supervisee_id:
        q = q.where(B.c.supervisee_id == supervisee_id)
    if since:
        q = q.where(B.c.date >= since)
    if booking_id:
        q = q.where(B.c.id == booking_id)
    return [booking_from_row(r) for r in conn.execute(q)]


def insert_booking(conn, b: Booking) -> None:
    """Write a new booking."""
    conn.execute(insert(B), [booking_row(b)])


def close_booking(conn, booking_id: str, status: str, **values) -> None:
    """Mark a still-booked booking ``status`` (cancelled, rearranged) with ``values``
    (reason, note ...); a booking already closed is left as it is."""
    conn.execute(update(B).where(B.c.id == booking_id, B.c.status == "booked")
                 .values(status=status, **values))


def uninvited(conn, day: dt.date) -> list[Booking]:
    """Booked sessions from ``day`` on whose invitation has not been e-mailed."""
    q = select(B).where(B.c.status == "booked", B.c.date >= day, B.c.invited_at.is_(None))
    return [booking_from_row(r) for r in conn.execute(q.order_by(B.c.date, B.c.id))]


def mark_invited(conn, booking_id: str, when: dt.datetime | None) -> None:
    """Record when the invitation went out (``None``: its cancellation went out, so
    nothing of this booking stands in anyone's calendar)."""
    conn.execute(update(B).where(B.c.id == booking_id).values(invited_at=when))


def uncancelled_invitations(conn, day: dt.date) -> list[Booking]:
    """Cancelled sessions from ``day`` on whose invitation went out and whose
    cancellation has not (``invited_at`` is cleared once the cancellation is sent)."""
    q = select(B).where(B.c.status == "cancelled", B.c.date >= day, B.c.invited_at.is_not(None))
    return [booking_from_row(r) for r in conn.execute(q.order_by(B.c.date, B.c.id))]


def event_invited_at(conn, b: Booking) -> dt.datetime | None:
    """When an invitation for ``b``'s calendar event last went out: its own, else that of
    a booking it rearranges (the parties' calendars hold the moved event)."""
    seen = set()
    while b is not None and b.id not in seen:
        if b.invited_at:
            return b.invited_at
        seen.add(b.id)
        r = conn.execute(select(B).where(B.c.id == b.replaces_id)).first() \
            if b.replaces_id else None
        b = booking_from_row(r) if r is not None else None
    return None


def calendar_identity(conn, b: Booking) -> tuple[Booking, str, int]:
    """(the booking the calendar should show, its event's root id, its sequence).

    A rearrangement is the same calendar event moved (RFC 5545: same UID, a higher
    SEQUENCE), so the UID is the first booking of the chain of rearrangements and the
    sequence counts the moves; a cancellation is one more revision. A rearranged
    booking stands for its latest successor."""
    seen = {b.id}
    while b.status == "rearranged":
        nxt = conn.execute(select(B).where(B.c.replaces_id == b.id)).first()
        if nxt is None or nxt.id in seen:
            break
        b = booking_from_row(nxt)
        seen.add(b.id)
    root, depth, back = b, 0, {b.id}
    while root.replaces_id and root.replaces_id not in back:
        prev = conn.execute(select(B).where(B.c.id == root.replaces_id)).first()
        if prev is None:
            break
        root, depth = booking_from_row(prev), depth + 1
        back.add(root.id)
    return b, root.id, depth + (1 if b.status == "cancelled" else 0)


def cancellation_rows(conn, since: dt.date, until: dt.date) -> list:
    """(supervisee_id, date, reason, cancelled_by) of every cancellation in the period:
    cancelled bookings, and cancelled sessions recorded without a booking (who cancelled
    unknown)."""
    booked = list(conn.execute(
        select(B.c.supervisee_id, B.c.date, B.c.cancelled_reason, B.c.cancelled_by,
               B.c.cancelled_session_id)
        .where(B.c.status == "cancelled", B.c.date >= since, B.c.date <= until)))
    linked = {r.cancelled_session_id for r in booked if r.cancelled_session_id}
    from .schema import AttendeeRow
    AT = AttendeeRow.__table__
    bare = conn.execute(
        select(S.c.id, AT.c.practitioner_id, S.c.date, S.c.cancelled_reason)
        .join(AT, AT.c.session_id == S.c.id)
        .where(S.c.state == "cancelled", S.c.date >= since, S.c.date <= until))
    out = [(r.supervisee_id, r.date, r.cancelled_reason, r.cancelled_by) for r in booked]
    out += [(r.practitioner_id, r.date, (r.cancelled_reason or "other").lower(), "not recorded")
            for r in bare if r.id not in linked]
    return out
