"""In the session app, in real Voilà and Chromium: book a session, cancel it for the
supervisee's sickness with a return date, book it again; the store and the due date
agree [Havering 5]."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from supervision_kit.facade import Toolkit
from tests.apps_demo import demo_copy, pick_session
from tests.helpers_browser import apps_signed_in_as, fill_date

pytestmark = pytest.mark.browser
SLOW = 180_000  # ms: a kernel start plus the notebook, on a loaded two-core machine


def test_book_cancel_for_sickness_and_rebook(page, tmp_path):
    db = demo_copy(tmp_path)
    pick = pick_session(db)
    with apps_signed_in_as(db, pick.supervisor) as server:
        picker = page.get_by_role("combobox", name="Supervisee")
        page.goto(server.url + "voila/render/session.ipynb", timeout=SLOW)
        expect(picker).to_be_visible(timeout=SLOW)
        picker.select_option(label=pick.supervisee_label)
        page.get_by_text("Bookings", exact=True).click()
        book_for = page.get_by_role("group", name="Book for")
        expect(book_for).to_be_visible(timeout=SLOW)

        fill_date(page, "Book for", dt.date(2030, 1, 14))
        page.get_by_role("textbox", name="Time", exact=True).fill("14:00")
        page.get_by_role("textbox", name="Place", exact=True).fill("Room 2")
        page.get_by_role("button", name="Book session").click()
        expect(page.get_by_text("Booked for 14 Jan 2030 at 14:00")).to_be_visible(timeout=SLOW)
        expect(page.get_by_role("link", name="Add to calendar")).to_be_visible()
        # The booked sessions are a table: the new one is listed at once, chosen.
        booked = page.get_by_role("table", name="Booked sessions", exact=True)
        chosen = booked.locator("tbody tr.sk-selected")
        expect(chosen).to_contain_text("14 Jan 2030")
        expect(chosen).to_contain_text("Room 2")

        page.get_by_role("combobox", name="Why", exact=True).select_option(label="The supervisee's sickness")
        page.get_by_role("combobox", name="Cancelled by").select_option(label="The supervisee")
        fill_date(page, "Back at work on", dt.date(2030, 1, 16))
        page.get_by_role("button", name="Cancel session").click()
        expect(page.get_by_text("Cancelled the session of 14 Jan 2030 (sickness; back 16 Jan "
                                "2030)")).to_be_visible(timeout=SLOW)
        # Both calendars hold the invitation: the cancellation of that event is offered.
        expect(page.get_by_role("link", name="Cancel in calendar")).to_be_visible()
        expect(chosen).to_contain_text("cancelled: The supervisee's sickness")
        expect(page.get_by_role("button", name="Cancel session")).to_be_disabled()

        fill_date(page, "Book for", dt.date(2030, 1, 20))
        page.get_by_role("button", name="Book session").click()
        expect(page.get_by_text("Booked for 20 Jan 2030 at 14:00")).to_be_visible(timeout=SLOW)
        # Day, month, year whatever the browser's locale; a date that does not exist is said
        # beside the boxes and what was typed stays.
        expect(book_for.get_by_role("textbox", name="Day")).to_have_value("20")
        expect(book_for.get_by_role("textbox", name="Month")).to_have_value("1")
        book_for.get_by_role("textbox", name="Day").fill("31")
        book_for.get_by_role("textbox", name="Month").fill("2")
        book_for.get_by_role("textbox", name="Month").press("Tab")
        book_for.get_by_role("textbox", name="Year").press("Tab")
        expect(book_for.get_by_text("The date must be a real date: 31/2/2030 does not exist")
               ).to_be_visible(timeout=SLOW)
        expect(book_for.get_by_role("textbox", name="Day")).to_have_value("31")
        expect(chosen).to_contain_text("20 Jan 2030")
        # A click on the cancelled row chooses it again: its calendar file cancels.
        booked.get_by_role("button", name="14 Jan 2030", exact=True).click()
        expect(chosen).to_contain_text("14 Jan 2030")
        expect(page.get_by_role("link", name="Cancel in calendar")).to_be_visible(timeout=SLOW)

    tk = Toolkit(db, pick.supervisor)
    mine = [b for b in tk.bookings(pick.supervisee_id) if b.date.year == 2030]
    assert [(str(b.date), b.status, b.cancelled_reason, b.cancelled_by, str(b.return_date))
            for b in mine] == [("2030-01-14", "cancelled", "sickness", "supervisee", "2030-01-16"),
                               ("2030-01-20", "booked", "", "", "None")]
    due = tk.due(as_of="2030-01-17")
    row = due[due["supervisee_id"] == pick.supervisee_id].iloc[0]
    # Back Thursday 16 Jan 2030: five working days on is Thursday 23 Jan.
    assert str(row["next_due"].date()) == "2030-01-23"
    assert str(row["next_booked"].date()) == "2030-01-20"
