"""In the caseload app, in real Voilà and Chromium: a supervisor enters a child protection
conference about one of their cases on the "Case meetings" tab; it is stored, logged,
and after a reload listed under "Also due" on the caseload [HSCB aim 4]."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from supervision_kit.facade import Toolkit
from tests.apps_demo import demo_copy, pick_session
from tests.helpers_browser import apps_signed_in_as, fill_date

pytestmark = pytest.mark.browser
SLOW = 180_000  # ms: a kernel start plus the notebook, on a loaded two-core machine


def test_a_conference_entered_on_the_case_meetings_tab(page, tmp_path):
    db = demo_copy(tmp_path)
    pick = pick_session(db)
    tk = Toolkit(db, pick.supervisor)
    case = next(c for c in tk.cases() if c.worker_id == pick.supervisee_id)
    when = dt.date.today() + dt.timedelta(days=10)
    said = f"{when.day} {when:%b %Y}"
    tk.engine.dispose()
    with apps_signed_in_as(db, pick.supervisor) as server:
        page.context.set_default_timeout(SLOW)
        page.goto(server.url + "voila/render/caseload.ipynb", timeout=SLOW)
        page.get_by_role("tab", name="Case meetings").click()
        chooser = page.get_by_role("combobox", name="Case", exact=True)
        expect(chooser).to_be_visible(timeout=SLOW)
        chooser.select_option(label=case.reference)
        page.get_by_role("combobox", name="Kind of meeting").select_option(
            label="Review child protection conference")
        fill_date(page, "Meeting on", when)
        page.get_by_role("textbox", name="Note", exact=True).fill("Chaired by the IRO")
        page.get_by_role("button", name="Add meeting").click()
        expect(page.get_by_text(f"Added: Review child protection conference on {said}")
               ).to_be_visible(timeout=SLOW)
        meetings = page.get_by_role("table", name="Meetings about the case", exact=True)
        expect(meetings.get_by_text("Chaired by the IRO")).to_be_visible(timeout=SLOW)
        # A click on its row puts it in the form, to change or remove.
        meetings.locator("tbody tr", has_text="Chaired by the IRO").click()
        expect(page.get_by_role("button", name="Remove")).to_be_enabled(timeout=SLOW)
        # The caseload computes what is due when it opens: reload, and it is listed.
        page.reload()
        page.get_by_role("tab", name="Also due").click()
        expect(page.get_by_text(f"{case.reference}: Review child protection conference")
               .first).to_be_visible(timeout=SLOW)

    tk = Toolkit(db, pick.supervisor)
    [m] = [x for x in tk.case_meetings(case.id) if x.note == "Chaired by the IRO"]
    assert (m.kind, m.date, m.note) == ("review cp conference", when, "Chaired by the IRO")
    log = [e["user"] for e in Toolkit.system(db).audit_log(action="create", limit=2000)
           if e["entity"] == "case_meeting" and e["entity_id"] == m.id]
    assert log == [pick.supervisor]
