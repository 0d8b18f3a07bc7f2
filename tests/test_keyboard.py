"""A whole one-to-one session recorded and signed with the keyboard alone (issue 14,
WCAG 2.1.1): Tab to each control, type, Enter or Space, arrow keys in lists; the mouse is
never used. Real Voilà, Debian's Chromium at 1024×768; the record is read back from the
store."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from supervision_kit.facade import Toolkit
from tests.app_tour import SLOW, label, tour_demo, tour_env
from tests.helpers_browser import ROOT, voila_process

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A demo database and whom the test acts as."""
    return tour_demo(tmp_path_factory.mktemp("keyboard"))


@pytest.fixture(scope="module")
def server(demo):
    """Voilà with the demo picker, as under ``make app``."""
    with voila_process(ROOT / "notebooks", env=tour_env(demo), timeout=120) as srv:
        yield srv


def focus(page, target, limit: int = 400) -> None:
    """Press Tab until ``target`` has the keyboard focus (it must be reachable by Tab)."""
    expect(target).to_be_visible(timeout=SLOW)
    for _ in range(limit):
        if target.evaluate("e => e === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def press(page, target, key: str = "Enter") -> None:
    """Tab to a control and press a key on it (Enter on a button is its click)."""
    focus(page, target)
    page.keyboard.press(key)


def type_into(page, target, text: str) -> None:
    """Tab to a text field, type, and Tab away (the field reports its value on leaving)."""
    focus(page, target)
    page.keyboard.type(text)
    page.keyboard.press("Tab")


def choose(page, select, text: str, limit: int = 400) -> None:
    """Tab to a list and move through it with the arrow keys until ``text`` is chosen and
    stays chosen (the kernel echoes each step back, possibly after the next key)."""
    focus(page, select)
    target = select.evaluate("(s, t) => [...s.options].findIndex("
                             "o => o.text.replace(/\\u00a0/g, ' ') === t)", text)
    assert target >= 0, f"{text!r} is not in the list"
    settled = 0
    for _ in range(limit):
        now = select.evaluate("s => s.selectedIndex")
        if now == target:
            settled += 1
            if settled == 3:
                return
            page.wait_for_timeout(300)  # bounded: waits for the kernel's echo, asserts nothing on time
            continue
        settled = 0
        page.keyboard.press("ArrowDown" if now < target else "ArrowUp")
        page.wait_for_timeout(600)  # bounded: one step at a time, as a person moves through a list
    raise AssertionError(f"could not keep {text!r} chosen")


def section(page, title: str) -> None:
    """Open the recorder's section whose title starts with ``title``, by keyboard."""
    header = page.locator(".jupyter-widget-Collapse-header").filter(
        has_text=re.compile(rf"^\d+\. {re.escape(title)}"))
    press(page, header)
    expect(header).to_have_attribute("aria-expanded", "true", timeout=SLOW)


def test_a_one_to_one_recorded_and_signed_with_the_keyboard_alone(page, server, demo):
    pick = demo["pick"]
    prev = Toolkit(demo["db"], pick.supervisor).previous_discussion(pick.case_id)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.context.set_default_timeout(SLOW)
    page.goto(server.url + "voila/render/session.ipynb", timeout=SLOW)

    choose(page, page.get_by_role("combobox", name="Sign in as"),
           label(demo["people"][pick.supervisor]))
    press(page, page.get_by_role("button", name="Sign in"))
    choose(page, page.get_by_role("combobox", name="Supervisee"), pick.supervisee_label)
    press(page, page.get_by_role("button", name="Open session"))
    expect(page.get_by_text("Supervision record")).to_be_visible(timeout=SLOW)
    type_into(page, page.get_by_placeholder("Agenda"), "Carried actions; one case")
    expect(page.get_by_text(re.compile("Draft saved at"))).to_be_visible(timeout=SLOW)

    section(page, "Review of previous actions")
    done = page.get_by_role("button", name="Done", exact=True).first
    press(page, done)
    expect(done).to_have_class(re.compile("mod-active"), timeout=SLOW)

    section(page, "Case discussions")
    case = page.get_by_role("combobox", name="Case", exact=True)
    choose(page, case, pick.case_label)
    # the button names the case the kernel holds: pressed only once it names the one shown
    add = page.get_by_role("button",  # (its name starts with the icon's glyph)
                           name=re.compile(rf"Add discussion of {re.escape(pick.case_label)}$"))
    press(page, add)
    expect(page.get_by_role("heading", name=pick.case_label, exact=True)).to_be_visible(
        timeout=SLOW)
    expect(page.get_by_role("button", name=re.compile(r"Add discussion$"))).to_be_visible()
    type_into(page, page.get_by_placeholder("Summary of events since the last supervision"),
              "Home visits weekly; attendance better")
    rag = page.get_by_role("button", name={"G": "G improving", "A": "A same", "R": "R worse"}[prev.rag])
    press(page, rag, " ")
    expect(rag).to_have_class(re.compile("mod-active"), timeout=SLOW)
    press(page, page.get_by_role("button", name="Confirm all carried answers unchanged"))
    expect(page.get_by_text(re.compile("confirmed from")).first).to_be_visible(timeout=SLOW)
    # this meeting's own answers: an amendment when asked for, and today's rationale
    amendment = page.get_by_placeholder("Proposed amendment to the plan")
    if amendment.is_visible():  # asked for (no improvement, or the case drifts)
        type_into(page, amendment, "Legal planning meeting if no change by the next core group")
    type_into(page, page.get_by_placeholder("Rationale", exact=True),
              "Neglect persists despite weekly visits")
    chosen = page.locator(".sk-rag .mod-active").inner_text().strip()

    section(page, "Sign")
    press(page, page.get_by_role("button", name="Sign as supervisor"))
    expect(page.get_by_text(re.compile("awaiting the other signature"))).to_be_visible(timeout=SLOW)

    tk = Toolkit(demo["db"], pick.supervisor)
    newest = tk.sessions(supervisee_id=pick.supervisee_id)[0]
    tk.as_user(pick.supervisee_id).sign(newest["id"])  # from the supervisee's own sign-in
    rec = tk.session(newest["id"])
    assert rec.state == "signed" and rec.agenda == "Carried actions; one case"
    assert chosen[0] == prev.rag
    assert [(d.case_id, d.rag) for d in rec.discussions] == [(pick.case_id, prev.rag)]
    assert rec.discussions[0].rationale == "Neglect persists despite weekly visits"
    assert rec.discussions[0].summary == "Home visits weekly; attendance better"
    assert [r.outcome for r in rec.reviews][:1] == ["done"]
    assert rec.supervisor_id in {s.practitioner_id for s in tk.signatures(rec.id)}
