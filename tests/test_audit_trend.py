"""Supervision quality audit results over time [HSCB aim 2; Temple]: the share of
judgements met, by team and month, as a chart and its reading in the QA app's Quality
audit tab, and the same figures in the inspection report."""
from __future__ import annotations

import datetime as dt

import pandas as pd
from pypdf import PdfReader

from supervision_kit.analytics.audit_trend import audit_trend, audit_trend_chart
from supervision_kit.apps.qa_app import QualityAssuranceApp
from supervision_kit.cli.main import main as cli_main
from supervision_kit.domain.records import CaseDiscussion
from supervision_kit.export.inspection import gather
from tests.test_maintenance import signed_session

D = dt.date(2026, 1, 5)


def test_trend_by_team_and_month_on_hand_made_rows():
    rows = pd.DataFrame([
        ("a1", "2026-01", "North", "Sam", "red", "decision", "yes"),
        ("a1", "2026-01", "North", "Sam", "red", "smart", "no"),
        ("a1", "2026-02", "North", "Sam", "amber", "decision", "yes"),
        ("a1", "2026-02", "South", "Sue", "amber", "decision", "partly"),
    ], columns=["audit_id", "month", "team", "supervisor", "stratum", "criterion", "answer"])
    trend = audit_trend(rows)
    assert trend.values.tolist() == [["North", "2026-01", 2, 1, 50.0],
                                     ["North", "2026-02", 1, 1, 100.0],
                                     ["South", "2026-02", 1, 0, 0.0]]
    png, text = audit_trend_chart(trend)
    assert png.startswith(b"\x89PNG")
    assert text == ("4 audit judgement(s) recorded: 2 (50%) found the criterion met. "
                    "Latest month 2026-02: North 100% of 1; South 0% of 1.")
    assert audit_trend_chart(audit_trend(rows.iloc[0:0]))[1] == "No audit judgements recorded yet."


def test_qa_app_chart_and_the_inspection_report_agree(world, tmp_path):
    for n, rag in enumerate("RRA"):
        signed_session(world, ["P2"], D + dt.timedelta(days=35 * n),
                       discussions=[CaseDiscussion(case_id="C1", rag=rag, decision="d")])
    day = D + dt.timedelta(days=100)
    aud = world.as_user("aud")
    audit = aud.draw_audit_sample(D, day, per_stratum=3, seed=3)
    for i, item in enumerate(audit["items"]):
        aud.judge_audit_item(audit["id"], item["discussion_id"],
                             {"decision": "yes", "smart": "yes" if i else "no"})
    qa = QualityAssuranceApp(aud, as_of=day)
    tab = qa.governance_tabs["audit"]
    tab.refresh()
    assert bytes(tab.trend_chart.value).startswith(b"\x89PNG")
    assert tab.trend_reading.value.startswith(f"{2 * len(audit['items'])} audit judgement(s) "
                                              f"recorded: {2 * len(audit['items']) - 1} (")
    assert set(tab.trend["team"]) == {"North"} and len(tab.trend) == len(audit["items"])
    section = next(s for s in gather(aud, day) if s["key"] == "audit_trend")
    assert section["reading"] == tab.trend_reading.value
    assert section["table"].equals(tab.trend) and section["png"].startswith(b"\x89PNG")
    out = tmp_path / "report.pdf"
    assert cli_main(["report", "--as-of", day.isoformat(), "--months", "12", "--out", str(out),
                     "--db", world.engine.url.database, "--as-user", "aud"]) == 0
    text = " ".join(" ".join((p.extract_text() or "") for p in PdfReader(str(out)).pages).split())
    assert "Supervision quality audit results by team, month by month" in text
    assert tab.trend_reading.value in text
    csv = (tmp_path / "report-data" / "audit_trend.csv").read_text().replace("\r", "")
    assert csv.splitlines()[0] == "team,month,judged,yes,pct_yes"
