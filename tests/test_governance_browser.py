"""A QA lead audits one sampled record in the real QA app (Voilà + Chromium) [HSCB aim 2]."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from supervision_kit.facade import Toolkit
from tests.apps_demo import demo_copy
from tests.helpers_browser import ROOT

pytestmark = pytest.mark.browser
SLOW = 180_000


def test_qa_lead_audits_one_sampled_record(page, voila, tmp_path):
    db = demo_copy(tmp_path)
    srv = voila(ROOT / "notebooks", env={"SUPERVISION_KIT_DB": str(db),
                                         "SUPERVISION_KIT_USER": "auditor"}, timeout=120)
    page.goto(srv.url + "voila/render/quality_assurance.ipynb", timeout=SLOW)
    tab = page.get_by_role("tab", name="Quality audit")
    expect(tab).to_be_visible(timeout=SLOW)
    tab.click()
    seed = page.get_by_placeholder("blank: a new random seed")
    seed.fill("11")
    seed.press("Tab")
    page.get_by_role("button", name="Draw sample").click()
    expect(page.get_by_text("drawn with seed 11")).to_be_visible(timeout=60_000)
    # The sample is a table whose first record is open to judge.
    sample = page.get_by_role("table", name="Sampled records")
    expect(sample.locator("tbody tr.sk-selected")).to_have_count(1, timeout=60_000)
    expect(page.get_by_text("Judging:")).to_be_visible()
    page.get_by_role("button", name="yes", exact=True).first.click()
    comment = page.get_by_placeholder("Comments")
    comment.fill("Decision clear; <i>no</i> dates on actions")
    comment.press("Tab")
    page.get_by_role("button", name="Save judgement").click()
    expect(page.get_by_text("Judgement saved")).to_be_visible(timeout=60_000)
    tk = Toolkit(db, "auditor")
    with tk.engine.connect() as conn:
        judged = conn.execute(text("SELECT judgements, comment FROM audit_items "
                                   "WHERE judged_at IS NOT NULL")).all()
    assert len(judged) == 1 and '"reflection": "yes"' in judged[0][0].replace("'", '"')
    assert judged[0][1] == "Decision clear; <i>no</i> dates on actions"
    results = page.get_by_role("table", name="Results by team, month and criterion")
    expect(results).to_contain_text("reflection")
    # The judged record says so in the sample, which followed the judgement.
    expect(sample.locator("tbody tr.sk-selected td").last).to_have_text("yes")
