"""The workflows in real Voilà and Chromium. Management oversight: a manager agrees a
decision in the task list, the answer lands in the store and the supervisor sees it in the
next session; the caseload app's "Management oversight" tab does the same for a
disagreement with its reason. Entitlement: a supervisee asks for an urgent discussion in
the browser and their supervisor finds it in their inbox."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from supervision_kit.store.schema import DiscussionRow
from supervision_kit.widgets.entitlement import EntitlementPanel, RequestInbox
from supervision_kit.widgets.oversight import OversightAnswers
from supervision_kit.widgets.session import SessionRecorder
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
    # What the supervisor then sees in the next session, beside the review of actions.
    nxt = SessionRecorder(tk.as_user("sam"), "P2", date=dt.date(2026, 2, 9))
    assert nxt.sections["reviews"].oversight.texts() == [
        "CR-2025-000001: agreed — Agreed: the school's report supports stepping down"]


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
    # The supervisee sees the answer about their case too.
    (seen,) = OversightAnswers(tk.as_user("pat"), "P2").items
    assert (seen["status"], seen["manager"], seen["reason"]) == (
        "disagreed", "Mia Manager", "Keep the plan until the review conference")


PANEL = '''
from supervision_kit.facade import Toolkit
from supervision_kit.widgets.entitlement import EntitlementPanel
EntitlementPanel(Toolkit())
'''


def test_supervisee_asks_for_an_urgent_discussion_and_the_supervisor_sees_it(tmp_path, voila, page):
    db = tmp_path / "entitlement.sqlite"
    tk = build_world(db)
    record(tk.as_user("sam"), "P2", dt.date(2026, 1, 12))
    tk.engine.dispose()  # the kernel opens the file itself
    write_notebook(tmp_path / "nb" / "entitlement.ipynb", PANEL)
    server = voila(tmp_path / "nb", env={"SUPERVISION_KIT_DB": str(db), "SUPERVISION_KIT_USER": "pat"})
    page.context.set_default_timeout(SLOW)
    page.goto(server.url + "voila/render/entitlement.ipynb")
    expect(page.get_by_text("Your supervision entitlement")).to_be_visible()
    button(page, "Ask for an urgent discussion").click()
    expect(page.get_by_text("Not sent: required; please fill this in")).to_be_visible()
    concern = "New bruise seen at school <b>today</b>"
    page.get_by_placeholder("Your concern, e.g. about the response to escalating risk").fill(concern)
    button(page, "Ask for an urgent discussion").click()
    expect(page.get_by_text(re.compile(r"^Sent to Sam Supervisor"))).to_be_visible()
    expect(page.get_by_text(concern)).to_be_visible()  # the supervisee's list: markup as text
    # The supervisor finds it in their inbox, answers it, and the supervisee sees the outcome.
    inbox = RequestInbox(tk.as_user("sam"))
    (req,) = inbox.items
    assert (req["kind"], req["requester"], req["reason"]) == ("urgent case discussion",
                                                              "Pat Practitioner", concern)
    assert inbox.resolve(req["id"], "Discussed the same afternoon")["outcome"]
    (mine,) = EntitlementPanel(tk.as_user("pat")).mine
    assert not mine["open"] and mine["outcome"] == "Discussed the same afternoon"
