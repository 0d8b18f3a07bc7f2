"""The apps' main states, reached as a person would (plain functions, no fixtures).

Shared by tests/test_accessibility.py (axe-core on each state) and scripts/screenshots.py
(the README's pictures). The server is a Voilà with the demo picker (no configured user)
on a demo copy whose research export is ``SUPERVISION_KIT_EXPORT``."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from supervision_kit.facade import Toolkit
from tests.apps_demo import demo_copy, pick_session

SLOW = 240_000  # ms: a kernel start on a loaded two-core machine


def tour_demo(base) -> dict:
    """A demo database with a research export, its people, and whom the tour acts as."""
    db = demo_copy(base)
    pick = pick_session(db)
    Toolkit(db, "researcher").anonymise(base / "export", base / "export.key")
    people = {p.username: p for p in Toolkit.system(db).practitioners(include_left=False)}
    return dict(db=db, pick=pick, export=base / "export", people=people,
                supervisee=next(p for p in people.values() if p.id == pick.supervisee_id),
                auditor=next(p for p in people.values() if p.role == "auditor"),
                trainer=next(p for p in people.values() if p.role == "trainer"))


def tour_env(demo: dict) -> dict:
    """The server's environment: the demo picker, the export."""
    return {"SUPERVISION_KIT_DB": str(demo["db"]), "SUPERVISION_KIT_DEMO_DB": str(demo["db"]),
            "SUPERVISION_KIT_USER": "", "JUPYTERHUB_USER": "",
            "SUPERVISION_KIT_EXPORT": str(demo["export"])}


def label(p) -> str:
    """A person as the demo picker lists them."""
    return f"{p.name} — {p.role}" + (f", {p.team}" if p.team else "")


def open_notebook(page, server, notebook: str):
    """Go to a notebook and wait for the demo picker; returns the picker."""
    page.goto(server.url + f"voila/render/{notebook}", timeout=SLOW)
    picker = page.get_by_role("combobox", name="Sign in as")
    expect(picker).to_be_visible(timeout=SLOW)
    return picker


def sign_in(page, picker, person) -> None:
    """Choose ``person`` in the demo picker and sign in."""
    picker.select_option(label=label(person))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {person.name}")).to_be_visible(timeout=SLOW)


def session_discussion(page, server, demo) -> None:
    """The session app, a one-to-one opened and one case discussion added."""
    pick = demo["pick"]
    sign_in(page, open_notebook(page, server, "session.ipynb"), demo["people"][pick.supervisor])
    page.get_by_role("combobox", name="Supervisee").select_option(label=pick.supervisee_label)
    page.get_by_role("button", name="Open session").click()
    page.get_by_text(re.compile(r"^\d+\. Case discussions")).click()
    page.get_by_role("combobox", name="Case", exact=True).select_option(label=pick.case_label)
    page.get_by_role("button", name="Add discussion").click()
    expect(page.get_by_role("button", name="G improving")).to_be_visible(timeout=SLOW)


def trainer_exercise(page, server, demo):
    """The training app as the trainer with a new exercise; returns the join-code box."""
    page.goto(server.url + "voila/render/training.ipynb", timeout=SLOW)
    page.get_by_role("button", name="I am the trainer").click(timeout=SLOW)
    sign_in(page, page.get_by_role("combobox", name="Sign in as"), demo["trainer"])
    page.locator("select[multiple]").select_option(index=[0, 1])
    page.get_by_role("button", name="Create exercise").click()
    code_box = page.locator(".join-code")
    expect(code_box).to_have_text(re.compile(r"^[A-Z2-9]{6}$"), timeout=SLOW)
    # the headline figures are drawn last: once shown, the charts above are on the page
    expect(page.locator("[data-meaning='fleiss']")).to_be_visible(timeout=SLOW)
    return code_box


def trainee_joined(page, server, code: str) -> None:
    """The training app as a trainee who joined with ``code`` and sees the first update."""
    page.goto(server.url + "voila/render/training.ipynb", timeout=SLOW)
    page.get_by_role("button", name="I am a trainee").click(timeout=SLOW)
    page.get_by_placeholder("e.g. K7QX2M").fill(code)
    page.get_by_placeholder("a first name or nickname").fill("Robin")
    page.get_by_role("button", name="Join").click()
    expect(page.locator("[data-item]").first).to_be_visible(timeout=SLOW)


def research_charts(page, server, demo) -> None:
    """The research app with its seven charts drawn."""
    sign_in(page, open_notebook(page, server, "research.ipynb"), demo["people"]["researcher"])
    page.wait_for_function("document.querySelectorAll('img.research-chart').length >= 7",
                           timeout=SLOW)
