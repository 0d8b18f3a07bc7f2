"""The demo apps in real Voilà and Chromium with nobody configured (``make app``): each
person signs in through the demo picker. A supervisee signs their record from their own
sign-in (with a disagreement) and downloads their copy; the supervisor's screen shows who
has not signed and offers no "sign for" button; the training and research apps open
through the same picker (issue 13)."""
from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from supervision_kit.domain.signing import DEMO_PICKER, OWN_LOGIN
from supervision_kit.facade import Toolkit
from tests.apps_demo import demo_copy, pick_session
from tests.conftest import ARTIFACTS
from tests.helpers_browser import ROOT, RequestLog, voila_process

pytestmark = pytest.mark.browser
NOTEBOOKS = ROOT / "notebooks"
SLOW = 180_000  # ms: a kernel start plus the notebook, on a loaded two-core machine
SCRIPT = "<script>alert(1)</script>"
DISAGREE = "The plan for the younger child is too slow; she should be seen alone this week"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A demo copy where the supervisor has signed a record their supervisee has not, and
    a research export made beforehand (made on first use is tested headlessly)."""
    base = tmp_path_factory.mktemp("supervisee")
    db = demo_copy(base)
    pick = pick_session(db)
    sup = Toolkit(db, pick.supervisor)
    rec = sup.open_session(pick.supervisee_id)
    rec.agenda = f"Browser agenda {SCRIPT}"
    rec = sup.save_session(rec)
    sup.sign(rec.id)
    Toolkit(db, "researcher").anonymise(base / "export", base / "export.key")
    system = Toolkit.system(db)
    people = {p.username: p for p in system.practitioners(include_left=False)}
    supervisee = next(p for p in people.values() if p.id == pick.supervisee_id)
    return dict(db=db, pick=pick, rec=rec, export=base / "export", people=people,
                supervisee=supervisee)


@pytest.fixture(scope="module")
def server(demo):
    """One Voilà for the module with no user: the demo picker, as under ``make app``."""
    with voila_process(NOTEBOOKS, env={"SUPERVISION_KIT_DB": str(demo["db"]),
                                       "SUPERVISION_KIT_DEMO_DB": str(demo["db"]),
                                       "SUPERVISION_KIT_USER": "", "JUPYTERHUB_USER": "",
                                       "SUPERVISION_KIT_EXPORT": str(demo["export"])},
                       timeout=120) as srv:
        yield srv


def label(p) -> str:
    """A person as the demo picker lists them."""
    return f"{p.name} — {p.role}" + (f", {p.team}" if p.team else "")


def sign_in(page, server, notebook: str, person) -> None:
    """Open a notebook and sign in as ``person`` through the demo picker."""
    page.goto(server.url + f"voila/render/{notebook}", timeout=SLOW)
    picker = page.get_by_role("combobox", name="Sign in as")
    expect(picker).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("Demo database: choose whom to act as")).to_be_visible()
    picker.select_option(label=label(person))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {person.name}")).to_be_visible(timeout=SLOW)


def test_supervisee_signs_from_their_own_sign_in_and_downloads_their_copy(
        page, browser, server, demo, tmp_path):
    pick, rec, me = demo["pick"], demo["rec"], demo["supervisee"]
    # The supervisor's screen: who has not signed, and no way to sign for them.
    sign_in(page, server, "session.ipynb", demo["people"][pick.supervisor])
    page.get_by_role("combobox", name="Supervisee").select_option(label=pick.supervisee_label)
    page.locator(f"tr[data-key='{rec.id}']").click()  # its row in "Earlier records"
    # A signed record opens at its "Sign" section.
    expect(page.locator(".not-signed")).to_be_visible(timeout=SLOW)
    expect(page.locator(".not-signed")).to_contain_text(me.name)
    expect(page.locator(".signed-by")).to_contain_text("own login")
    expect(page.get_by_role("button", name=re.compile("^Sign for"))).to_have_count(0)

    # The supervisee, in their own browser context, signs in as themselves.
    log = RequestLog()
    context = browser.new_context(accept_downloads=True)
    context.set_default_timeout(60_000)
    log.attach(context)
    try:
        pg = context.new_page()
        sign_in(pg, server, "session.ipynb", me)
        expect(pg.locator(".awaiting-count")).to_contain_text(
            re.compile(r"\d+ records? awaits? your signature"), timeout=SLOW)
        sup_name = demo["people"][pick.supervisor].name
        awaiting = pg.get_by_role("table", name="Awaiting your signature", exact=True)
        row = awaiting.locator(f"tr[data-key='{rec.id}']")
        expect(row).to_contain_text(sup_name)
        row.click()  # its row opens it to read and sign
        # The whole record, typed markup shown as the text typed.
        expect(pg.get_by_text(f"Browser agenda {SCRIPT}")).to_be_visible(timeout=SLOW)
        pg.get_by_placeholder(re.compile("^Anything you want recorded")).fill(DISAGREE)
        pg.get_by_role("checkbox", name="I disagree with this record").check()
        pg.get_by_role("button", name=f"Sign as {me.name}").click()
        expect(pg.get_by_text(re.compile("your disagreement is recorded"))).to_be_visible(timeout=SLOW)
        expect(pg.locator(".signed-by").filter(has_text=me.name)).to_contain_text(
            "demo picker", timeout=SLOW)
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "supervisee-my-records.png"), full_page=True)
        pg.get_by_role("button", name="Prepare my PDF copy").click()
        link = pg.get_by_role("link", name=re.compile("Download my copy"))
        expect(link).to_be_visible(timeout=SLOW)
        with pg.expect_download(timeout=SLOW) as info:
            link.click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
    finally:
        context.close()
    assert log.external() == []
    assert path.name == f"supervision-{rec.id}.pdf"
    words = " ".join(" ".join(p.extract_text().split())
                     for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert sup_name in words and me.name in words
    assert f"Signed ({OWN_LOGIN})" in words and f"Signed ({DEMO_PICKER})" in words
    assert ("Disagreeswiththerecord:" + DISAGREE.replace(" ", "")) in words.replace(" ", "")
    stored = {s.practitioner_id: s for s in Toolkit(demo["db"], pick.supervisor).signatures(rec.id)}
    assert (stored[me.id].method, stored[me.id].disagrees, stored[me.id].comment) == (
        DEMO_PICKER, True, DISAGREE)


def test_training_app_trainer_signs_in_through_the_demo_picker(page, server, demo):
    page.goto(server.url + "voila/render/training.ipynb", timeout=SLOW)
    page.get_by_role("button", name="I am the trainer").click(timeout=SLOW)
    trainer = next(p for p in demo["people"].values() if p.role == "trainer")
    picker = page.get_by_role("combobox", name="Sign in as")
    expect(picker).to_be_visible(timeout=SLOW)
    # Only trainers and admins are offered.
    offered = [o.replace("\xa0", " ") for o in picker.locator("option").all_inner_texts()]
    assert offered and all(re.search(r"— (trainer|admin)\b", o) for o in offered)
    picker.select_option(label=label(trainer))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {trainer.name}")).to_be_visible(timeout=SLOW)
    expect(page.get_by_role("button", name="Create exercise")).to_be_visible(timeout=SLOW)
    assert "no acting user" not in page.inner_text("body")


def test_research_app_researcher_signs_in_through_the_demo_picker(page, server, demo):
    sign_in(page, server, "research.ipynb", demo["people"]["researcher"])
    page.wait_for_function("document.querySelectorAll('img.research-chart').length >= 7",
                           timeout=SLOW)
    assert "Save PNG" in page.inner_text("body")
