"""The inspection report: one PDF of the QA measures as of a date, figures equal to the
QA app's for the same date, the rows behind each figure as CSV beside it."""
from __future__ import annotations

import datetime as dt

from pypdf import PdfReader

from supervision_kit.apps.qa_app import QualityAssuranceApp
from supervision_kit.cli.main import main as cli_main
from tests.test_maintenance import signed_session

D = dt.date(2026, 1, 5)


def test_report_figures_equal_the_qa_app(world, tmp_path, capsys):
    signed_session(world, ["P2"], D, diversity={"practice": "considered"})
    signed_session(world, ["P9"], D + dt.timedelta(days=20))
    day = dt.date(2026, 2, 10)
    qa = QualityAssuranceApp(world.as_user("aud"), as_of=day)
    diversity = qa.governance_tabs["diversity"].text  # read (so worked out) before the report
    readings = qa.readings()  # every topic too: a topic not on screen is worked out when read
    db = world.engine.url.database
    out = tmp_path / "report.pdf"
    assert cli_main(["report", "--as-of", day.isoformat(), "--months", "12", "--out", str(out),
                     "--db", db, "--as-user", "aud"]) == 0
    assert "inspection report written" in capsys.readouterr().out
    # Words as printed: a line may break after a hyphen ("anti- discriminatory").
    norm = lambda s: " ".join(s.split()).replace("- ", "-")  # noqa: E731
    text = norm(" ".join((p.extract_text() or "") for p in PdfReader(str(out)).pages))
    for key, reading in readings.items():  # each QA topic's reading, word for word
        assert norm(reading) in text, key
    assert norm(diversity) in text
    assert "considered in 1 of 2 records (50%)" in text
    data = tmp_path / "report-data"
    for key in ("frequency", "records", "drift", "diversity", "trend", "supervisors", "audit"):
        assert (data / f"{key}.csv").is_file()
    assert "2026-01,North,2" in (data / "trend.csv").read_text().replace("\r", "")
    entry = world.audit_log(limit=5)[0]
    assert (entry["action"], entry["entity"]) == ("export", "inspection_report")


def test_qa_app_button(world):
    signed_session(world, ["P2"], D)
    qa = QualityAssuranceApp(world.as_user("aud"), as_of=dt.date(2026, 2, 10))
    qa.report_button.click()
    assert "Download the inspection report as of 10 Feb 2026" in qa.report_link.value
    assert "data:application/pdf;base64,JVBER" in qa.report_link.value  # %PDF
