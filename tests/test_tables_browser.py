"""Tables you click and screens that are never stale (issue 14, items 2 and 3), in real Voilà
and Debian's Chromium on a copy of the demo database: a caseload row opens its case's
timeline and another row replaces it; the session link keeps the signed-in person and
chooses the supervisee; "Earlier records" lists the record just signed; the QA records
table pages, sorts and filters; a reflection saved is listed at once and its row opens it
again; axe-core finds nothing serious in the tables."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from supervision_kit.facade import Toolkit
from supervision_kit.widgets.caseload import CaseloadOverview
from tests.apps_demo import demo_copy, pick_session
from tests.helpers_browser import ROOT, apps_signed_in_as, voila_process

pytestmark = pytest.mark.browser
NOTEBOOKS = ROOT / "notebooks"
SLOW = 180_000  # ms: a kernel start plus the notebook, on a loaded two-core machine


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = demo_copy(tmp_path_factory.mktemp("tables"))
    return db, pick_session(db)


@pytest.fixture(scope="module")
def server(demo):
    """Voilà serving notebooks/ signed in (server side) as the chosen supervisor."""
    db, pick = demo
    with apps_signed_in_as(db, pick.supervisor) as srv:
        yield srv


def table_box(page, caption: str):
    """The table widget (filter, table, pager) whose table is named by ``caption``."""
    return page.locator(".sk-table", has=page.get_by_role("table", name=caption, exact=True))


def open_as(page, link, name: str):
    """Follow the session link to its new tab: signed in as ``name`` without being asked
    again; returns the tab's supervisee picker."""
    with page.context.expect_page() as opened:
        link.click()
    session = opened.value
    picker = session.get_by_role("combobox", name="Supervisee")
    expect(picker).to_be_visible(timeout=SLOW)
    expect(session.get_by_text(f"Signed in as {name}")).to_be_visible()
    expect(session.get_by_text("Sign in as")).to_have_count(0)
    return picker


def axe_serious(page, selector: str = ".sk-table") -> list[tuple[str, str, int]]:
    """axe-core's serious and critical violations inside ``selector``; every violation's
    count is printed (the closing note lists the lesser ones)."""
    from axe_playwright_python.sync_playwright import Axe
    result = Axe().run(page, context={"include": [[selector]]})
    found = [(v["id"], v["impact"], len(v["nodes"])) for v in result.response["violations"]]
    print("axe-core in", selector, found or "no violations")
    return [f for f in found if f[1] in ("serious", "critical")]


def test_a_caseload_row_opens_its_timeline_another_replaces_it_and_the_session_link_keeps_who(
        page, server, demo):
    db, pick = demo
    tk = Toolkit(db, pick.supervisor)
    mine = {p.id for p in tk.supervisees()}
    drift = CaseloadOverview(tk).frames["drift"]
    other = drift[(drift["reference"] != pick.drift_reference) & drift["worker_id"].isin(mine)]
    assert len(other), "the demo supervisor needs two drifting cases"
    second = other.iloc[0]
    worker = tk.practitioner(second["worker_id"])

    tab = page.get_by_role("tab", name=re.compile(r"^Drift \(\d+\)"))
    page.goto(server.url + "voila/render/caseload.ipynb", timeout=SLOW)
    expect(tab).to_be_visible(timeout=SLOW)
    tab.click()
    table = page.get_by_role("table", name="Drift", exact=True)
    table.locator("tr", has_text=pick.drift_reference).click()
    first_heading = page.get_by_text(f"RAG timeline: {pick.drift_reference}")
    expect(first_heading).to_be_visible(timeout=SLOW)
    expect(table.locator("tr.sk-selected")).to_contain_text(pick.drift_reference)
    # another row: its timeline replaces the first, and the link follows it
    table.locator("tr", has_text=str(second["reference"])).click()
    expect(page.get_by_text(f"RAG timeline: {second['reference']}")).to_be_visible(timeout=SLOW)
    expect(first_heading).to_have_count(0)
    expect(page.get_by_text(re.compile("^RAG timeline:"))).to_have_count(1)
    link = page.get_by_role("link", name=f"Open the session app for {worker.name}")
    expect(link).to_be_visible()
    # keyboard: Enter on the first row's button selects it too
    table.get_by_role("button", name=pick.drift_reference).press("Enter")
    expect(first_heading).to_be_visible(timeout=SLOW)
    assert axe_serious(page) == []

    # the session app opens signed in as the same person (the server's sign-in, not the
    # link), with the worker chosen
    table.locator("tr", has_text=str(second["reference"])).click()
    expect(link).to_be_visible(timeout=SLOW)
    picker = open_as(page, link, pick.supervisor_name)
    expect(picker.locator("option:checked")).to_have_text(
        worker.name + (f" ({worker.team})" if worker.team else ""))


def test_earlier_records_lists_the_record_just_signed(page, server, demo):
    db, pick = demo
    tk = Toolkit(db, pick.supervisor)
    before = {s["id"] for s in tk.sessions(supervisee_id=pick.supervisee_id)}
    picker = page.get_by_role("combobox", name="Supervisee")
    page.goto(server.url + f"voila/render/session.ipynb?supervisee={pick.supervisee_id}",
              timeout=SLOW)
    expect(picker).to_be_visible(timeout=SLOW)
    expect(picker.locator("option:checked")).to_have_text(pick.supervisee_label)
    earlier = page.get_by_role("table", name="Earlier records", exact=True)
    expect(earlier).to_be_visible(timeout=SLOW)
    page.get_by_role("combobox", name="Type").select_option(label="Ad hoc")
    page.get_by_role("button", name="Open session").click()
    expect(page.get_by_text("Supervision record")).to_be_visible(timeout=SLOW)
    page.get_by_text(re.compile(r"^\d+\. Sign")).click()
    page.get_by_role("button", name="Sign as supervisor").click()
    expect(page.get_by_text(re.compile("awaiting the other signature"))).to_be_visible(timeout=SLOW)
    new = [s for s in tk.sessions(supervisee_id=pick.supervisee_id) if s["id"] not in before]
    assert len(new) == 1 and new[0]["state"] != "draft"
    # listed at once, without choosing the supervisee again
    row = earlier.locator(f"tr[data-key='{new[0]['id']}']")
    expect(row).to_be_visible(timeout=SLOW)
    expect(row).to_contain_text(new[0]["state"])


def test_the_qa_records_table_pages_sorts_and_filters(page, voila, demo):
    db, _ = demo
    srv = voila(NOTEBOOKS, env={"SUPERVISION_KIT_DB": str(db), "SUPERVISION_KIT_USER": "auditor"},
                timeout=120)
    tab = page.get_by_role("tab", name="Records", exact=True)
    page.goto(srv.url + "voila/render/quality_assurance.ipynb", timeout=SLOW)
    expect(tab).to_be_visible(timeout=SLOW)
    tab.click()
    box = table_box(page, "Unsigned and late records")
    count = box.locator(".sk-table-count")
    expect(count).to_have_text(re.compile(r"^Rows 1–25 of \d+$"), timeout=SLOW)
    total = int(count.inner_text().rsplit(" ", 1)[1].replace(",", ""))
    assert total > 25
    rows = box.locator("tbody tr")
    expect(rows).to_have_count(25)  # only the page on screen is in the browser
    box.get_by_role("button", name="Next page").click()
    expect(count).to_have_text(f"Rows 26–{min(50, total)} of {total}")
    # sort by days late, highest first (second click on the header)
    header = box.get_by_role("button", name=re.compile("^Days late"))
    header.click()
    th = box.locator("th[aria-sort]")
    expect(th).to_have_attribute("aria-sort", "ascending")
    expect(count).to_have_text(re.compile(r"^Rows 1–25"))
    header.click()
    expect(th).to_have_attribute("aria-sort", "descending")
    days_col = [h.inner_text().strip() for h in box.locator("thead th").all()].index("Days late ▼")
    cells = box.locator(f"tbody tr td:nth-child({days_col + 1})")
    expect(cells.first).not_to_have_text("")
    days = [int(c) for c in cells.all_inner_texts() if c.strip().lstrip("-").isdigit()]
    assert days and days == sorted(days, reverse=True)
    # filter: only rows with the word, every page counted again
    word = box.locator("tbody tr").first.locator("td").nth(0).inner_text().split(",")[0].strip()
    box.get_by_label("Filter").fill(word)
    expect(count).not_to_have_text(re.compile(rf"of {total}$"), timeout=SLOW)
    for text in box.locator("tbody tr").all_inner_texts():
        assert word.lower() in text.lower()
    # a click shows the row in full below the table
    box.locator("tbody tr").first.click()
    expect(page.locator(".sk-row-detail").first).to_contain_text(word, timeout=SLOW)
    assert axe_serious(page) == []


def test_a_reflection_saved_is_listed_at_once_and_its_row_opens_it_again(page, server, demo):
    db, pick = demo
    page.goto(server.url + "voila/render/reflection.ipynb", timeout=SLOW)
    start = page.get_by_role("button", name="Start reflection")
    expect(start).to_be_visible(timeout=SLOW)
    start.click()
    box = page.locator("textarea").first
    expect(box).to_be_visible(timeout=SLOW)
    words = "The home visit that went badly, written in the browser"
    box.fill(words)
    box.press("Tab")  # the box reports its value when left
    expect(page.get_by_text("Reflection saved at")).to_be_visible(timeout=SLOW)
    tk = Toolkit(db, pick.supervisor)
    [mine] = [r for r in tk.reflections(author_id=tk.me.id) if words in r.responses.values()]
    # Listed at once in "Your earlier reflections", its row the one on show.
    earlier = page.get_by_role("table", name="Your earlier reflections", exact=True)
    row = earlier.locator(f"tr[data-key='{mine.id}']")
    expect(row).to_have_class(re.compile("sk-selected"), timeout=SLOW)
    expect(row).to_contain_text("1 of")
    start.click()  # a new one: an empty box, no row chosen
    expect(page.locator("textarea").first).to_have_value("", timeout=SLOW)
    expect(earlier.locator("tbody tr.sk-selected")).to_have_count(0)
    row.get_by_role("button").click()  # the row's button: click or Enter opens it again
    expect(page.locator("textarea").first).to_have_value(words, timeout=SLOW)
    expect(row).to_have_class(re.compile("sk-selected"))
def test_under_the_demo_picker_the_session_link_opens_as_the_same_person(page, demo):
    """``make app``: the demo database, no server-side sign-in, preheated kernels. The
    caseload's session link carries whom the demo picker signed in; the session tab opens
    as them without asking again, the supervisee chosen."""
    db, pick = demo
    tk = Toolkit(db, pick.supervisor)
    me = tk.me
    env = {"SUPERVISION_KIT_DB": str(db), "SUPERVISION_KIT_DEMO_DB": str(db),
           "SUPERVISION_KIT_USER": "", "JUPYTERHUB_USER": ""}
    with voila_process(NOTEBOOKS, env=env, preheat=True, timeout=120) as server:
        page.goto(server.url + "voila/render/caseload.ipynb", timeout=SLOW)
        picker = page.get_by_role("combobox", name="Sign in as")
        expect(picker).to_be_visible(timeout=SLOW)
        picker.select_option(label=f"{me.name} — {me.role}" + (f", {me.team}" if me.team else ""))
        page.get_by_role("button", name="Sign in").click()
        tab = page.get_by_role("tab", name=re.compile(r"^Drift \(\d+\)"))
        expect(tab).to_be_visible(timeout=SLOW)
        tab.click()
        table = page.get_by_role("table", name="Drift", exact=True)
        table.locator("tr", has_text=pick.drift_reference).click()
        link = page.get_by_role("link", name=re.compile("^Open the session app for "))
        expect(link).to_be_visible(timeout=SLOW)
        assert f"as={pick.supervisor}" in link.get_attribute("href")
        chooser = open_as(page, link, me.name)
        expect(chooser.locator("option:checked")).not_to_have_text("Choose a supervisee…")
