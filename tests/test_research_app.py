"""The research app (issue 7): analyses of a demo export, the dashboard built headlessly,
and the Voilà app in Chromium."""
from __future__ import annotations

import base64

import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from supervision_kit.analytics import research as ra
from supervision_kit.apps import research_app
from supervision_kit.config import Settings
from supervision_kit.errors import NotFound
from supervision_kit.facade import Toolkit
from supervision_kit.widgets.research import CHARTS, ResearchDashboard

ROOT = Path(__file__).resolve().parent.parent
KEY = b"research-app-test-key-0123456789"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    """A demo store (scale 1) and its export in both date modes."""
    base = tmp_path_factory.mktemp("research")
    db = base / "demo.sqlite"
    tk = Toolkit.system(db)
    tk.create_demo(scale=1)
    tk.anonymise(base / "shift", KEY)
    tk.anonymise(base / "days", KEY, date_mode="days_since_open")
    return {"db": db, "shift": base / "shift", "days": base / "days", "base": base}


@pytest.fixture(scope="module")
def export(demo) -> ra.ResearchExport:
    return ra.load_export(demo["shift"])


def test_load_export_reads_every_table(export):
    assert set(export.frames) == set(ra.TABLES)
    assert len(export.case_discussions) > 100 and export.date_mode == "shift"
    assert pd.api.types.is_datetime64_any_dtype(export.sessions["date"])
    with pytest.raises(NotFound, match="not a research export"):
        ra.load_export(ROOT / "templates")


def test_a_broken_export_is_one_clear_line_in_the_app(demo, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(demo["shift"], broken)
    (broken / "sessions.parquet").write_bytes(b"PAR1 cut short")
    with pytest.raises(NotFound, match="not a complete research export"):
        ra.load_export(broken)
    box = research_app.build(Settings(db_url=str(demo["db"]), user="researcher"),
                             export_dir=broken, background=False)
    assert box.app is None and "not a complete research export" in box.notice
    assert "Traceback" not in box.notice and "\n" not in box.notice


def test_rag_transitions(export):
    df, reading = ra.rag_transitions(export.case_discussions)
    assert list(df.columns) == ["group", "from_rag", "to_rag", "count", "share_pct"]
    overall = df[df["group"] == "all"]
    assert len(overall) == 9
    for _, g in overall.groupby("from_rag"):
        if g["count"].sum():
            assert math.isclose(g["share_pct"].sum(), 100.0)
    # by status adds up to the overall counts
    assert df.loc[df["group"] != "all", "count"].sum() == overall["count"].sum()
    rated = export.case_discussions[export.case_discussions["rag"].notna()]
    assert overall["count"].sum() == len(rated) - rated["case_id"].nunique()
    assert "transitions between consecutive ratings" in reading


def test_time_to_green_and_drift(export):
    df, reading = ra.time_to_green(export.case_discussions)
    assert (df.loc[df["reached"], "days"] >= 0).all()
    assert df["case_id"].is_unique and "reached green" in reading
    drift, reading = ra.drift_prevalence(export.case_discussions, export.cases, export.practitioners)
    assert set(drift["dimension"]) == {"status", "team"}
    by_status = drift[drift["dimension"] == "status"]
    assert by_status["cases"].sum() == drift[drift["dimension"] == "team"]["cases"].sum()
    assert all(t.startswith("TEAM_") or t == "no team" for t in drift.loc[
        drift["dimension"] == "team", "group"])
    assert "drifting" in reading


def test_drift_definition_on_a_small_frame():
    d = pd.DataFrame({
        "id": list("abcdefgh"), "case_id": ["x"] * 4 + ["y"] * 4,
        "case_status": ["child in need"] * 8, "position": [0] * 8,
        "rag": ["G", "A", "R", "A", "A", "G", "A", "A"],
        "date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"] * 2)})
    cases = pd.DataFrame({"id": ["x", "y"], "worker_id": ["p", "p"], "team": ["T", "T"],
                          "status": ["child in need", "early help"]})
    df, _ = ra.drift_prevalence(d, cases, k=3)
    st = df[df["dimension"] == "status"].set_index("group")
    assert st.loc["child in need", "drifting"] == 1 and st.loc["early help", "drifting"] == 0
    trans, _ = ra.rag_transitions(d)
    a = trans[trans["group"] == "all"].set_index(["from_rag", "to_rag"])["count"]
    assert a[("G", "A")] == 2 and a[("A", "R")] == 1 and a[("A", "A")] == 1
    ttg, _ = ra.time_to_green(d)
    assert ttg.set_index("case_id").loc["y", "days"] == 31  # first A (Jan) to G (Feb)
    assert not ttg.set_index("case_id").loc["x", "reached"]


def test_supervision_actions_functions_evaluations(export):
    iv, reading = ra.supervision_intervals(export.sessions, export.practitioners)
    assert (iv["interval_days"] >= 0).all() and "policy window" in reading
    assert iv["window_days"].notna().all()
    acts, reading = ra.action_rates(export.actions, export.practitioners)
    assert acts.iloc[0]["group"] == "all" and acts.iloc[0]["actions"] == len(export.actions)
    assert "actions were completed" in reading
    fb, reading = ra.function_balance(export.sessions, export.practitioners)
    assert fb.iloc[0]["sessions"] == (export.sessions["state"] != "cancelled").sum()
    assert "least covered" in reading
    ev, reading = ra.evaluation_answers(export.evaluations)
    assert len(ev) == 10 and ev["answered"].max() <= len(export.evaluations)
    assert "evaluations" in reading


def test_both_date_modes_give_the_same_answers(demo, export):
    days = ra.load_export(demo["days"])
    assert days.date_mode == "days_since_open" and "date" not in days.sessions.columns
    for fn, args in [(ra.rag_transitions, lambda e: (e.case_discussions,)),
                     (ra.drift_prevalence, lambda e: (e.case_discussions, e.cases, e.practitioners)),
                     (ra.action_rates, lambda e: (e.actions, e.practitioners))]:
        a, ra_ = fn(*args(export))
        b, rb = fn(*args(days))
        pd.testing.assert_frame_equal(a, b)
        assert ra_ == rb
    a, _ = ra.time_to_green(export.case_discussions)
    b, _ = ra.time_to_green(days.case_discussions)
    assert sorted(a["days"].dropna()) == sorted(b["days"].dropna())
    a, _ = ra.supervision_intervals(export.sessions, export.practitioners)
    b, _ = ra.supervision_intervals(days.sessions, days.practitioners)
    assert sorted(a["interval_days"]) == sorted(b["interval_days"])


def test_dashboard_builds_every_chart_headlessly(demo, tmp_path):
    dash = ResearchDashboard(demo["shift"], save_dir=tmp_path / "charts")
    assert set(dash.png) == {c.key for c in CHARTS}
    for key, png in dash.png.items():
        assert png.startswith(PNG) and len(png) > 5000, key
        assert dash.readings[key] and dash.images[key].value == png
    path = dash.save_png("rag_transitions")
    assert path == tmp_path / "charts" / "rag_transitions.png"
    assert path.read_bytes() == dash.png["rag_transitions"]
    # "Save PNG" is a browser download of the chart itself: nothing is written on the server
    link = dash.downloads["drift"].value
    assert "download='drift.png'" in link and ">Save PNG</a>" in link
    assert base64.b64decode(link.split("base64,")[1].split("'")[0]) == dash.png["drift"]
    assert not (tmp_path / "charts" / "drift.png").exists()


def test_build_creates_the_export_when_missing(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("SUPERVISION_KIT_DB", str(demo["db"]))
    monkeypatch.setenv("SUPERVISION_KIT_EXPORT", str(tmp_path / "made"))
    monkeypatch.setenv("SUPERVISION_KIT_USER", "researcher")  # as `serve --as-user`
    dash = research_app.build(background=False).app  # made by the signed-in researcher
    assert (tmp_path / "made" / "dictionary.json").exists()
    assert (tmp_path / "made.key").exists() and not (tmp_path / "made" / "made.key").exists()
    assert len(dash.png) == len(CHARTS)
    # An existing export is opened as it is.
    again = research_app.build(background=False).app
    assert again.export.report == dash.export.report
    # Nobody signed in, not the demo database: no export is made, and it says how to sign in.
    monkeypatch.setenv("SUPERVISION_KIT_USER", "")
    monkeypatch.setenv("SUPERVISION_KIT_EXPORT", str(tmp_path / "other"))
    box = research_app.build(background=False)
    assert box.notice.startswith("No user configured") and not (tmp_path / "other").exists()


@pytest.mark.browser
@pytest.mark.slow
def test_research_app_in_voila(demo, voila, page):
    server = voila(ROOT / "notebooks" / "research.ipynb",
                   env={"SUPERVISION_KIT_EXPORT": str(demo["shift"]),
                        "SUPERVISION_KIT_DB": str(demo["db"]),
                        "SUPERVISION_KIT_USER": "researcher"},  # as `serve --as-user`
                   timeout=120)
    # The app is built while the page loads (a cold kernel): every first load shows every
    # chart, never "Error displaying widget: model not found" (issue 14).
    for _ in range(3):
        page.goto(server.url)
        page.wait_for_selector("img.research-chart", timeout=180_000)
        page.wait_for_function("document.querySelectorAll('img.research-chart').length >= 7",
                               timeout=120_000)
        body = page.inner_text("body")
        assert "model not found" not in body and "Error displaying widget" not in body
    assert "transitions between consecutive ratings" in body
    assert "Save PNG" in body
    # "Save PNG" arrives as a browser download of the chart shown
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=re.compile("^Save PNG: RAG transitions")).click()
    assert info.value.suggested_filename == "rag_transitions.png"
    assert Path(info.value.path()).read_bytes().startswith(PNG)
    artifacts = ROOT / "tests" / "artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "research_app.png"), full_page=True)
