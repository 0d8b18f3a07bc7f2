"""The supervisee's agenda in real Voilà and Chromium [Temple Appendix 2; Havering 13.2]:
the supervisee adds an agenda item and a case from their own sign-in (the reflection app);
the supervisor opens the session and finds both, the case marked as brought by them; the
record's PDF says who chose it."""
from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from supervision_kit.facade import Toolkit
from tests.apps_demo import demo_copy, pick_session
from tests.helpers_browser import ROOT, voila_process
from tests.test_supervisee_browser import SLOW, sign_in

pytestmark = pytest.mark.browser
ITEM = "Time to talk about <b>court</b> deadlines"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = demo_copy(tmp_path_factory.mktemp("agenda"))
    pick = pick_session(db)
    system = Toolkit.system(db)
    people = {p.username: p for p in system.practitioners(include_left=False)}
    me = next(p for p in people.values() if p.id == pick.supervisee_id)
    case = system.case(pick.case_id)
    return dict(db=db, pick=pick, people=people, me=me, case=case)


@pytest.fixture(scope="module")
def server(demo):
    with voila_process(ROOT / "notebooks", env={"SUPERVISION_KIT_DB": str(demo["db"]),
                                                "SUPERVISION_KIT_DEMO_DB": str(demo["db"]),
                                                "SUPERVISION_KIT_USER": "", "JUPYTERHUB_USER": ""},
                       timeout=120) as srv:
        yield srv


def test_supervisee_adds_an_item_and_a_case_and_the_supervisor_sees_them(page, browser,
                                                                          server, demo):
    pick, me, case = demo["pick"], demo["me"], demo["case"]
    context = browser.new_context()
    context.set_default_timeout(60_000)
    try:
        pg = context.new_page()
        sign_in(pg, server, "reflection.ipynb", me)
        pg.get_by_role("tab", name="My agenda").click()
        pg.get_by_placeholder("What you want to discuss").fill(ITEM)
        pg.get_by_role("button", name="Add to my agenda").click()
        expect(pg.get_by_text(ITEM)).to_be_visible(timeout=SLOW)
        pg.get_by_role("combobox", name="Case to bring").select_option(
            label=f"{case.reference} ({case.status})")
        pg.get_by_role("combobox", name="Reason").select_option(label="Alleged harm")
        pg.get_by_role("button", name="Add to my agenda").click()
        expect(pg.get_by_text(f"Case {case.reference} (alleged harm)")).to_be_visible(timeout=SLOW)
    finally:
        context.close()

    sign_in(page, server, "session.ipynb", demo["people"][pick.supervisor])
    page.get_by_role("combobox", name="Supervisee").select_option(label=pick.supervisee_label)
    page.get_by_role("button", name="Open session").click()
    expect(page.get_by_text("Supervision record")).to_be_visible(timeout=SLOW)
    expect(page.get_by_placeholder("Agenda")).to_have_value(
        f"{me.name} brings: {ITEM}\n{me.name} brings case {case.reference} (alleged harm)",
        timeout=SLOW)
    page.get_by_text("Case discussions").first.click()
    expect(page.get_by_text(f"Brought by {me.name} (alleged harm)")).to_be_visible(timeout=SLOW)

    tk = Toolkit(demo["db"], pick.supervisor)
    rec = tk.open_session(pick.supervisee_id)
    assert [(d.case_id, d.chosen_by) for d in rec.discussions] == [(case.id, me.id)]
    text = " ".join(" ".join((p.extract_text() or "") for p in
                             PdfReader(io.BytesIO(tk.session_pdf(rec.id))).pages).split())
    assert ITEM in text and f"Chosen by {me.name} (alleged harm)" in text
