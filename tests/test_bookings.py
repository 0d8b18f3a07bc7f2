"""Bookings, cancellations and rearrangements [Havering 5; Surrey], driven through the
``BookingPanel`` as a supervisor would, with hand-worked dates; QA counts; the invitation."""
import datetime as dt

import icalendar
import pytest

from supervision_kit.apps.booking_sections import BookingsSection
from supervision_kit.apps.qa_app import cancellation_counts
from supervision_kit.errors import ValidationError
from supervision_kit.widgets.booking import BookingPanel
from tests.fixtures_pg import db_url, pg_server  # noqa: F401
from tests.helpers_widgets import beside
from tests.rules_store import D, contract, day, hold, person, row, store


def world(tmp_path, url=None):
    tk = store(tmp_path, [person("W", email="w@example.org")], url=url)
    contract(tk, "W", "havering_social_work", start="2025-06-02")
    return tk


def test_sickness_cancelled_in_the_widget_moves_due_five_working_days_past_christmas(
        db_url, tmp_path):
    tk = world(tmp_path, db_url)
    hold(tk, "W", "2025-11-20")
    assert day(row(tk.due(as_of="2025-12-18"), "supervisee_id", "W")["next_due"]) == D("2025-12-20")
    p = BookingPanel(tk.as_user("sam"), "W", today=D("2025-12-18"))
    p.date.value, p.time.value, p.minutes.value, p.place.value = D("2025-12-22"), "14:00", 90, "Room 2"
    p.book_button.click()
    assert p.status == "Booked for 22 Dec 2025 at 14:00"
    # The booked session is a row of the table, chosen: the buttons act on it.
    assert p.table.all_text() == [["22 Dec 2025", "14:00", "90", "Room 2", "Management (line) supervision", "booked"]]
    assert p.chosen_booking.date == D("2025-12-22") and "22 Dec 2025 at 14:00" in p.chosen.value
    assert "Booked for 22 Dec 2025 at 14:00" in beside(p.widget, p.book_button)  # by its button
    due = row(tk.due(as_of="2025-12-18"), "supervisee_id", "W")
    assert day(due["next_booked"]) == D("2025-12-22")
    assert due["reason"].endswith("booked for 22 Dec 2025, after it is due.")
    p.reason.value, p.by.value, p.return_date.value = "sickness", "supervisee", D("2025-12-24")
    p.cancel_button.click()
    assert p.status == "Cancelled the session of 22 Dec 2025 (sickness; back 24 Dec 2025)"
    # The list follows at once; the row stays chosen, now past cancelling.
    assert p.table.all_text()[0][5] == ("cancelled: The supervisee's sickness, by supervisee, "
                                        "back 24 Dec 2025")
    assert p.cancel_button.disabled and p.rearrange_button.disabled
    assert "Cancelled the session" in beside(p.widget, p.cancel_button)
    assert beside(p.widget, p.book_button) == ""          # one answer on screen, by its cause
    # Back Wednesday 24 Dec; 25 and 26 Dec and 1 Jan are bank holidays: Mon 29 (1), Tue 30
    # (2), Wed 31 (3), Fri 2 Jan (4), Mon 5 Jan (5).
    r = row(tk.due(as_of="2025-12-29"), "supervisee_id", "W")
    assert day(r["next_due"]) == D("2026-01-05")
    assert "within 5 working days of return from sickness on 24 Dec 2025" in r["reason"]
    # The cancelled booking never counts as held.
    assert day(r["last_held"]) == D("2025-11-20")


def test_rearranged_to_the_earliest_date_with_the_reason_kept(tmp_path):
    tk = world(tmp_path)
    sam = tk.as_user("sam")
    p = BookingPanel(sam, "W", today=D("2025-12-18"))
    p.date.value, p.time.value = D("2025-12-19"), "10:00"
    first = p.book()
    assert p.new_date.value == D("2025-12-19")           # the next working day after today
    p.new_date.value, p.new_time.value = D("2025-12-23"), "11:30"
    p.why.value = ""
    assert p.rearrange() is None and "Not rearranged" in p.status    # the reason is required
    p.why.value = "Court hearing moved"
    new = p.rearrange_button.click() or p.bookings[-1]
    kept = {b.id: b for b in sam.bookings("W")}
    assert kept[first.id].status == "rearranged" and kept[first.id].note == "Court hearing moved"
    assert new.replaces_id == first.id and (new.date, new.start_time) == (D("2025-12-23"), "11:30")
    assert p.table.selected == new.id and "Add to calendar" in p.calendar.value
    # Both rows are listed: the old one says why it moved; the new one is chosen.
    assert [r[0] + " " + r[5] for r in p.table.all_text()] == [
        "19 Dec 2025 rearranged: Court hearing moved", "23 Dec 2025 booked"]
    p.select(first.id)   # clicking the old row: nothing to cancel or move there
    assert p.cancel_button.disabled and p.calendar.value == ""
    assert p.cancel() is None and p.status == "Not cancelled: choose a booked session"


def test_bad_input_is_named_and_kept(tmp_path):
    tk = world(tmp_path)
    p = BookingPanel(tk.as_user("sam"), "W", today=D("2025-12-18"))
    p.time.value = "25:00"
    assert p.book() is None
    assert p.fields["start_time"].error.value.startswith("a time as HH:MM")
    assert p.time.value == "25:00"                        # what was typed stays
    p.time.value = "09:00"
    b = p.book()
    sam = tk.as_user("sam")
    with pytest.raises(ValidationError) as e:
        sam.cancel_booking(b.id, "holiday", "supervisee")
    assert e.value.field == "cancelled_reason"
    with pytest.raises(ValidationError) as e:
        sam.cancel_booking(b.id, "leave", "supervisor", "2025-12-30")
    assert e.value.field == "return_date" and "for a sickness" in e.value.message
    # The panel offers a return date for sickness only: for leave it is left out.
    p.reason.value, p.by.value, p.return_date.value = "leave", "supervisor", D("2025-12-30")
    out = p.cancel()
    assert (out.status, out.cancelled_reason, out.return_date) == ("cancelled", "leave", None)


def test_qa_counts_cancellations_by_reason_and_by_who(tmp_path):
    tk = world(tmp_path)
    sam = tk.as_user("sam")
    from supervision_kit.domain.bookings import Booking
    for d, reason, by in (("2025-10-06", "sickness", "supervisee"),
                          ("2025-11-03", "supervisor unavailable", "supervisor"),
                          ("2025-11-10", "sickness", "supervisee")):
        b = sam.book_session(Booking("W", "S", D(d), "10:00"))
        sam.cancel_booking(b.id, reason, by, D(d) + dt.timedelta(days=3)
                           if reason == "sickness" else None)
    by_reason, by_whom, said = cancellation_counts(tk, D("2025-12-01"), None)
    assert dict(zip(by_reason["reason"], by_reason["count"])) == {
        "The supervisee's sickness": 2, "Supervisor unavailable": 1}
    assert dict(zip(by_whom["cancelled_by"], by_whom["count"])) == {
        "The supervisee": 2, "The supervisor": 1}
    assert said == "3 sessions cancelled in the last 12 months (2 for the supervisee's sickness)."


def test_the_invitation_opens_as_one_event_for_both_parties(tmp_path):
    tk = world(tmp_path)
    sam = tk.as_user("sam")
    from supervision_kit.domain.bookings import Booking
    b = sam.book_session(Booking("W", "S", D("2026-01-12"), "14:00", 60, "Room 2"))
    for who in (sam, tk.as_user("w")):                   # each party may download it
        cal = icalendar.Calendar.from_ical(who.booking_ics(b.id))
        events = list(cal.walk("VEVENT"))
        assert len(events) == 1
        ev = events[0]
        assert ev["dtstart"].dt.isoformat() == "2026-01-12T14:00:00+00:00"
        assert ev["dtend"].dt - ev["dtstart"].dt == dt.timedelta(minutes=60)
        assert str(ev["location"]) == "Room 2"
        attendees = sorted(str(a) for a in ev.get("attendee"))
        assert attendees == ["mailto:w@example.org", "urn:supervision-kit:S"]
    log = [(e["user"], e["entity_id"]) for e in tk.audit_log(action="export")
           if e["entity"] == "booking"]
    assert sorted(log) == [("sam", b.id), ("w", b.id)]   # every download is logged


def test_bookings_tab_in_the_caseload(tmp_path):
    tk = world(tmp_path)
    hold(tk, "W", "2025-11-20")
    tab = BookingsSection(tk.as_user("sam"), today=D("2025-12-18"))
    assert ("Worker W", "W") in tab.person.options
    panel = tab.choose("W")
    assert isinstance(panel, BookingPanel) and panel.widget in tab.area.children


def _event(data: bytes):
    cal = icalendar.Calendar.from_ical(data)
    [ev] = cal.walk("VEVENT")
    return str(cal["method"]), ev


def test_cancelled_in_the_panel_the_calendar_file_cancels_the_same_event(tmp_path):
    import base64
    import re
    tk = world(tmp_path)
    sam = tk.as_user("sam")
    p = BookingPanel(sam, "W", today=D("2025-12-18"))
    p.date.value, p.time.value, p.minutes.value = D("2025-12-22"), "14:00", 60
    first = p.book()
    method, ev = _event(sam.booking_ics(first.id))
    assert (method, str(ev["status"]), int(ev["sequence"])) == ("REQUEST", "CONFIRMED", 0)
    uid = str(ev["uid"])
    # Rearranged: the same event moved, one revision on, at the new date.
    p.table.select(first.id)   # a click on its row
    p.new_date.value, p.new_time.value = D("2025-12-23"), "10:00"
    p.why.value = "Supervisor in court"
    moved = p.rearrange()
    method, ev = _event(tk.as_user("w").booking_ics(moved.id))
    assert (method, str(ev["uid"]), int(ev["sequence"])) == ("REQUEST", uid, 1)
    assert ev["dtstart"].dt.isoformat() == "2025-12-23T10:00:00+00:00"
    # The old booking's file is the moved event too, not a cancellation of it.
    assert str(_event(sam.booking_ics(first.id))[1]["dtstart"].dt.date()) == "2025-12-23"
    # Cancelled for sickness: the panel offers the cancellation of that same event.
    p.table.select(moved.id)
    p.reason.value, p.by.value, p.return_date.value = "sickness", "supervisee", D("2025-12-24")
    p.cancel_button.click()
    assert "Cancel in calendar" in p.calendar.value
    b64 = re.search(r"base64,([A-Za-z0-9+/=]+)", p.calendar.value).group(1)
    for data in (base64.b64decode(b64), tk.as_user("w").booking_ics(moved.id)):
        method, ev = _event(data)
        assert (method, str(ev["status"]), str(ev["uid"]), int(ev["sequence"])) == (
            "CANCEL", "CANCELLED", uid, 2)
        assert sorted(str(a) for a in ev.get("attendee")) == ["mailto:w@example.org",
                                                              "urn:supervision-kit:S"]
    assert "calendar cancellation" in [e["detail"] for e in tk.audit_log(action="export")
                                       if e["entity"] == "booking"]


def test_book_pressed_after_a_date_that_does_not_exist_books_nothing(tmp_path):
    """A person types 31/2 over a good date and presses Book: refused for want of a real
    date, not booked on the date they typed over; what they typed stays in the boxes."""
    tk = world(tmp_path)
    p = BookingPanel(tk.as_user("sam"), "W", today=D("2025-12-18"))
    p.date.value, p.time.value, p.place.value = D("2025-12-22"), "14:00", "Room 2"
    p.date.enter("31", "2", "2026")
    p.book_button.click()
    assert tk.bookings("W") == []
    assert p.status and not p.status.startswith("Booked")
    assert (p.date.day, p.date.month) == ("31", "2") and "does not exist" in p.date.error
