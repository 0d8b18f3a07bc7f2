"""Management oversight in real Voilà and Chromium: a manager agrees a decision in the task
list and the answer lands in the store; the caseload app's "Management oversight" tab
does the same for a disagreement with its reason."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from supervision_kit.store.schema import DiscussionRow
from tests.fixtures_db import build_world
from tests.helpers_browser import ROOT, write_notebook
from tests.test_workflows import record

pytestmark = pytest.mark.browser
SLOW = 120_000  # a kernel per page on a small machine
TASKS = '''
from supervision_kit.facade import Toolkit
from supervision_kit.widgets.oversight import OversightTasks
OversightTasks(Toolkit())
'''
REASON = "Reason (required to disagree or to ask for more information)"


def button(page, label: str):
    """A button by its label (its icon glyph may lead the accessible name)."""
    return page.get_by_role("button", name=re.compile(rf"(^|\W){re.escape(label)}$"))


def oversight_row(tk):
    t = DiscussionRow.__table__
    with tk.engine.connect() as conn:
        return conn.execute(select(t).where(t.c.needs_oversight.is_(True))).one()


@pytest.fixture
def signed_decision(tmp_path):
    db = tmp_path / "oversight.sqlite"
    tk = build_world(db)
    record(tk.as_user("sam"), "P2", dt.date(2026, 1, 12), decision="Step down to child in need")
    tk.engine.dispose()  # the kernel opens the file itself
    return tk, {"SUPERVISION_KIT_DB": str(db), "SUPERVISION_KIT_USER": "mia"}


def test_manager_agrees_a_decision_in_the_task_list(tmp_path, voila, page, signed_decision):
    tk, env = signed_decision
    write_notebook(tmp_path / "nb" / "oversight.ipynb", TASKS)
    server = voila(tmp_path / "nb", env=env)
    page.context.set_default_timeout(SLOW)
    page.goto(server.url + "voila/render/oversight.ipynb")
    expect(page.get_by_text("Step down to child in need")).to_be_visible()
    page.get_by_placeholder(REASON).fill("Agreed: the school's report supports stepping down")
    button(page, "Agree").click()
    expect(page.get_by_text("No decisions are waiting for your oversight.")).to_be_visible()
    row = oversight_row(tk)
    assert (row.oversight_status, row.oversight_manager_id) == ("agreed", "P5")
    assert row.oversight_reason == "Agreed: the school's report supports stepping down"


def test_caseload_app_management_oversight_tab(voila, page, signed_decision):
    tk, env = signed_decision
    server = voila(ROOT / "notebooks", env=env)
    page.context.set_default_timeout(SLOW)
    page.goto(server.url + "voila/render/caseload.ipynb")
    page.get_by_role("tab", name="Management oversight").click()
    expect(page.get_by_text("Step down to child in need")).to_be_visible()
    button(page, "Disagree").click()
    expect(page.get_by_text("Not answered: required; please fill this in")).to_be_visible()
    page.get_by_placeholder(REASON).fill("Keep the plan until the review conference")
    button(page, "Disagree").click()
    expect(page.get_by_text("No decisions are waiting for your oversight.")).to_be_visible()
    row = oversight_row(tk)
    assert (row.oversight_status, row.oversight_reason) == (
        "disagreed", "Keep the plan until the review conference")
