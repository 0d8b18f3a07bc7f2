"""WCAG 2.1 AA in the browser (issue 14): axe-core (PyPI ``axe-playwright-python``, which
bundles it) on every app page in its main states, served by real Voilà to Debian's Chromium
at 1024×768 (a tablet in a meeting room).

Each state must have no serious or critical violation and no horizontal scrolling; every
lesser violation is printed (``pytest -s``) and written to tests/artifacts/accessibility.txt
for the closing note."""
from __future__ import annotations

from collections import Counter

import pytest
from playwright.sync_api import expect

from tests.app_tour import (SLOW, open_notebook, research_charts, session_discussion, sign_in,
                            tour_demo, tour_env, trainee_joined, trainer_exercise)
from tests.conftest import ARTIFACTS
from tests.helpers_browser import ROOT, voila_process

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NOTEBOOKS = ROOT / "notebooks"
TABLET = {"width": 1024, "height": 768}
BLOCKING = {"serious", "critical"}
LESSER: Counter = Counter()  # (state, rule, impact) -> nodes, for the report


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A demo database with a research export, its people, and who the tests act as."""
    return tour_demo(tmp_path_factory.mktemp("a11y"))


@pytest.fixture(scope="module")
def server(demo):
    """One Voilà with the demo picker (no configured user), as under ``make app``."""
    with voila_process(NOTEBOOKS, env=tour_env(demo), timeout=120) as srv:
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


def sign_in_audited(page, server, notebook: str, person, state: str | None = None) -> None:
    """Open a notebook (British English), audit the sign-in screen when ``state`` is
    given, sign in as ``person``."""
    picker = open_notebook(page, server, notebook)
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    if state:
        audit(page, state)
    sign_in(page, picker, person)


def each_tab(page, prefix: str) -> list[str]:
    """Click every tab in turn, tabs inside tabs too once their tab is open, and audit
    each; the tabs' names in the order visited."""
    seen: list[str] = []
    while True:
        todo = [t for t in page.get_by_role("tab").all()
                if t.is_visible() and t.inner_text().strip() not in seen]
        if not todo:
            return seen
        name = todo[0].inner_text().strip()
        todo[0].click()
        seen.append(name)
        audit(page, f"{prefix} · {name}")


def test_session_app_sign_in_and_a_discussion_open(tablet, server, demo):
    open_notebook(tablet, server, "session.ipynb")
    assert tablet.evaluate("document.documentElement.lang") == "en-GB"
    audit(tablet, "sign-in")
    session_discussion(tablet, server, demo)
    audit(tablet, "session · a discussion open")


def test_caseload_app_every_tab(tablet, server, demo):
    sign_in_audited(tablet, server, "caseload.ipynb", demo["people"][demo["pick"].supervisor])
    assert any(n.startswith("Drift") for n in each_tab(tablet, "caseload"))


def test_quality_assurance_app_every_tab(tablet, server, demo):
    sign_in_audited(tablet, server, "quality_assurance.ipynb", demo["auditor"])
    assert "Frequency" in each_tab(tablet, "quality assurance")


def test_reflection_app(tablet, server, demo):
    sign_in_audited(tablet, server, "reflection.ipynb", demo["supervisee"])
    expect(tablet.get_by_role("button", name="Start reflection")).to_be_visible(timeout=SLOW)
    audit(tablet, "reflection")


def test_supervisees_own_records(tablet, server, demo):
    sign_in_audited(tablet, server, "session.ipynb", demo["supervisee"])
    expect(tablet.get_by_role("table", name="Your earlier records")).to_be_visible(timeout=SLOW)
    audit(tablet, "session · supervisee's records")


def test_training_app_trainer_and_trainee(tablet, server, demo, browser):
    code_box = trainer_exercise(tablet, server, demo)
    audit(tablet, "training · trainer")
    context = browser.new_context(viewport=TABLET)
    context.set_default_timeout(SLOW)
    try:
        trainee = context.new_page()
        trainee_joined(trainee, server, code_box.inner_text().strip())
        audit(trainee, "training · trainee")
    finally:
        context.close()


def test_research_app(tablet, server, demo):
    research_charts(tablet, server, demo)
    audit(tablet, "research")


def test_index_page(tablet, server, demo):
    sign_in_audited(tablet, server, "index.ipynb", demo["people"][demo["pick"].supervisor])
    expect(tablet.get_by_role("link", name="Supervision session")).to_be_visible(timeout=SLOW)
    audit(tablet, "index")
