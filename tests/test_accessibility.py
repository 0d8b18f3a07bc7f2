"""WCAG 2.1 AA in the browser (issue 14): axe-core (PyPI ``axe-playwright-python``, which
bundles it) on every app page in its main states, served by real Voilà to Debian's Chromium
at 1024×768 (a tablet in a meeting room).

Each state must have no serious or critical violation and no horizontal scrolling; every
lesser violation is printed (``pytest -s``) and written to tests/artifacts/accessibility.txt
for the closing note."""
from __future__ import annotations

import re
from collections import Counter

import pytest
from playwright.sync_api import expect

from supervision_kit.facade import Toolkit
from tests.apps_demo import demo_copy, pick_session
from tests.conftest import ARTIFACTS
from tests.helpers_browser import ROOT, voila_process

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NOTEBOOKS = ROOT / "notebooks"
SLOW = 240_000  # ms: a kernel start on a loaded two-core machine
TABLET = {"width": 1024, "height": 768}
BLOCKING = {"serious", "critical"}
LESSER: Counter = Counter()  # (state, rule, impact) -> nodes, for the report


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A demo database with a research export, its people, and who the tests act as."""
    base = tmp_path_factory.mktemp("a11y")
    db = demo_copy(base)
    pick = pick_session(db)
    Toolkit(db, "researcher").anonymise(base / "export", base / "export.key")
    people = {p.username: p for p in Toolkit.system(db).practitioners(include_left=False)}
    return dict(db=db, pick=pick, export=base / "export", people=people)


@pytest.fixture(scope="module")
def server(demo):
    """One Voilà with the demo picker (no configured user), as under ``make app``."""
    with voila_process(NOTEBOOKS, env={"SUPERVISION_KIT_DB": str(demo["db"]),
                                       "SUPERVISION_KIT_DEMO_DB": str(demo["db"]),
                                       "SUPERVISION_KIT_USER": "", "JUPYTERHUB_USER": "",
                                       "SUPERVISION_KIT_EXPORT": str(demo["export"])},
                       timeout=120) as srv:
        yield srv


@pytest.fixture
def tablet(page):
    """The ``page`` fixture at 1024×768."""
    page.set_viewport_size(TABLET)
    page.context.set_default_timeout(SLOW)
    return page


@pytest.fixture(scope="module", autouse=True)
def report():
    """Write every lesser violation counted in this module to the artifacts folder."""
    yield
    ARTIFACTS.mkdir(exist_ok=True)
    lines = [f"{state}: {rule} ({impact}) × {n}" for (state, rule, impact), n in sorted(LESSER.items())]
    totals = Counter()
    for (_, rule, impact), n in LESSER.items():
        totals[(rule, impact)] += n
    lines += ["", "totals:"] + [f"{rule} ({impact}): {n} nodes" for (rule, impact), n in
                                sorted(totals.items())]
    (ARTIFACTS / "accessibility.txt").write_text("\n".join(lines) + "\n")
    print("\naxe-core, lesser violations:\n" + "\n".join(lines))


def audit(page, state: str) -> None:
    """axe-core on the page as it is now: no serious or critical violation, and the page
    no wider than the window; lesser violations are counted for the report."""
    from axe_playwright_python.sync_playwright import Axe
    page.wait_for_timeout(500)  # let the last widget messages render (bounded, not a timing test)
    results = Axe().run(page).response["violations"]
    blocking = [f"{v['id']} ({v['impact']}): {v['help']} — "
                + "; ".join(str(n["target"]) + " " + n["html"][:120] for n in v["nodes"][:5])
                for v in results if v["impact"] in BLOCKING]
    for v in results:
        if v["impact"] not in BLOCKING:
            LESSER[(state, v["id"], v["impact"])] += len(v["nodes"])
    assert not blocking, f"{state}:\n" + "\n".join(blocking)
    wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], f"{state}: the page scrolls sideways at 1024×768 ({wide})"


def label(p) -> str:
    """A person as the demo picker lists them."""
    return f"{p.name} — {p.role}" + (f", {p.team}" if p.team else "")


def sign_in(page, server, notebook: str, person, state: str | None = None) -> None:
    """Open a notebook, audit the sign-in screen when ``state`` is given, sign in."""
    page.goto(server.url + f"voila/render/{notebook}", timeout=SLOW)
    picker = page.get_by_role("combobox", name="Sign in as")
    expect(picker).to_be_visible(timeout=SLOW)
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    if state:
        audit(page, state)
    picker.select_option(label=label(person))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {person.name}")).to_be_visible(timeout=SLOW)


def each_tab(page, prefix: str) -> list[str]:
    """Click every tab of the app's tab bar in turn and audit each; the tabs' names."""
    names = [t.strip() for t in page.get_by_role("tab").all_inner_texts()]
    assert names
    for name in names:
        page.get_by_role("tab", name=name, exact=True).click()
        audit(page, f"{prefix} · {name}")
    return names


def test_session_app_sign_in_and_a_discussion_open(tablet, server, demo):
    pick = demo["pick"]
    sign_in(tablet, server, "session.ipynb", demo["people"][pick.supervisor], "sign-in")
    tablet.get_by_role("combobox", name="Supervisee").select_option(label=pick.supervisee_label)
    tablet.get_by_role("button", name="Open session").click()
    tablet.get_by_text(re.compile(r"^\d+\. Case discussions")).click()
    tablet.get_by_role("combobox", name="Case", exact=True).select_option(label=pick.case_label)
    tablet.get_by_role("button", name="Add discussion").click()
    expect(tablet.get_by_role("button", name="G improving")).to_be_visible(timeout=SLOW)
    audit(tablet, "session · a discussion open")


def test_caseload_app_every_tab(tablet, server, demo):
    sign_in(tablet, server, "caseload.ipynb", demo["people"][demo["pick"].supervisor])
    assert any(n.startswith("Drift") for n in each_tab(tablet, "caseload"))


def test_quality_assurance_app_every_tab(tablet, server, demo):
    auditor = next(p for p in demo["people"].values() if p.role == "auditor")
    sign_in(tablet, server, "quality_assurance.ipynb", auditor)
    assert "Frequency" in each_tab(tablet, "quality assurance")


def test_reflection_app(tablet, server, demo):
    me = next(p for p in demo["people"].values() if p.id == demo["pick"].supervisee_id)
    sign_in(tablet, server, "reflection.ipynb", me)
    expect(tablet.get_by_role("button", name="Start reflection")).to_be_visible(timeout=SLOW)
    audit(tablet, "reflection")


def test_supervisees_own_records(tablet, server, demo):
    me = next(p for p in demo["people"].values() if p.id == demo["pick"].supervisee_id)
    sign_in(tablet, server, "session.ipynb", me)
    tablet.get_by_role("tab", name=re.compile("^My records")).click()
    audit(tablet, "session · supervisee's records")


def test_training_app_trainer_and_trainee(tablet, server, demo, browser):
    trainer = next(p for p in demo["people"].values() if p.role == "trainer")
    tablet.goto(server.url + "voila/render/training.ipynb", timeout=SLOW)
    tablet.get_by_role("button", name="I am the trainer").click(timeout=SLOW)
    tablet.get_by_role("combobox", name="Sign in as").select_option(label=label(trainer))
    tablet.get_by_role("button", name="Sign in").click()
    tablet.locator("select[multiple]").select_option(index=0)
    tablet.get_by_role("button", name="Create exercise").click()
    code_box = tablet.locator(".join-code")
    expect(code_box).to_have_text(re.compile(r"^[A-Z2-9]{6}$"), timeout=SLOW)
    audit(tablet, "training · trainer")
    context = browser.new_context(viewport=TABLET)
    context.set_default_timeout(SLOW)
    try:
        trainee = context.new_page()
        trainee.goto(server.url + "voila/render/training.ipynb", timeout=SLOW)
        trainee.get_by_role("button", name="I am a trainee").click(timeout=SLOW)
        trainee.get_by_placeholder("e.g. K7QX2M").fill(code_box.inner_text().strip())
        trainee.get_by_placeholder("a first name or nickname").fill("Robin")
        trainee.get_by_role("button", name="Join").click()
        expect(trainee.locator("[data-item]").first).to_be_visible(timeout=SLOW)
        audit(trainee, "training · trainee")
    finally:
        context.close()


def test_research_app(tablet, server, demo):
    sign_in(tablet, server, "research.ipynb", demo["people"]["researcher"])
    tablet.wait_for_function("document.querySelectorAll('img.research-chart').length >= 7",
                             timeout=SLOW)
    audit(tablet, "research")


def test_index_page(tablet, server, demo):
    sign_in(tablet, server, "index.ipynb", demo["people"][demo["pick"].supervisor])
    expect(tablet.get_by_role("link", name="Supervision session")).to_be_visible(timeout=SLOW)
    audit(tablet, "index")
