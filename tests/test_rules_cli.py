"""`supervision-kit due | drift | actions --overdue` (issue 3, part 9)."""
import io
import json

import pandas as pd
import pytest

from supervision_kit.cli.main import main
from supervision_kit.domain.records import ActionItem
from tests.rules_store import D, case, hold, person, store


@pytest.fixture
def db(tmp_path):
    tk = store(tmp_path, [person("A"), person("Q", team="South", line_manager_id=None)],
               [case("C", "A", "child protection plan", opened="2025-11-03")])
    for date in ("2025-12-01", "2025-12-15", "2026-01-05"):
        hold(tk, "A", date, discussions=[("C", "A")],
             actions=[ActionItem("Visit", owner_id="A", due_date=D("2026-01-09"), case_id="C",
                                 id="X1")] if date == "2026-01-05" else [])
    return str(tk.engine.url.database)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_due_as_json_csv_and_table(db, capsys):
    code, out, _ = run(capsys, "due", "--db", db, "--as-user", "sam", "--as-of", "2026-02-10",
                       "--format", "json", "--what", "supervision")
    assert code == 0
    rows = json.loads(out)
    assert [r["supervisee_id"] for r in rows] == ["A"]
    assert rows[0]["next_due"] == "2026-02-05" and rows[0]["days_overdue"] == 5
    code, out, _ = run(capsys, "due", "--db", db, "--as-user", "system", "--as-of", "2026-02-10",
                       "--format", "csv", "--team", "South", "--what", "supervision")
    df = pd.read_csv(io.StringIO(out))
    assert list(df["supervisee_id"]) == ["Q"] and df.loc[0, "reason"].startswith("Due now")
    code, out, _ = run(capsys, "due", "--db", db, "--as-user", "sam", "--as-of", "2026-02-10")
    assert "Worker A" in out and "2026-02-05" in out and "Overdue by 5 days" in out


def test_drift_and_overdue_actions(db, capsys):
    code, out, _ = run(capsys, "drift", "--db", db, "--as-user", "sam", "--as-of", "2026-01-06",
                       "--format", "json")
    assert code == 0
    [r] = json.loads(out)
    assert r["reason"] == "Amber for 3 consecutive discussions since 1 Dec 2025."
    assert r["since"] == "2025-12-01"
    code, out, _ = run(capsys, "actions", "--overdue", "--db", db, "--as-user", "sam",
                       "--as-of", "2026-01-12", "--format", "csv")
    df = pd.read_csv(io.StringIO(out))
    assert list(df["action_id"]) == ["X1"] and df.loc[0, "days_overdue"] == 3
    code, out, _ = run(capsys, "actions", "--overdue", "--db", db, "--as-user", "sam",
                       "--as-of", "2026-01-09")
    assert out.strip() == "no overdue actions"
    code, out, _ = run(capsys, "actions", "--db", db, "--as-user", "sam", "--as-of", "2026-01-09")
    assert "Visit" in out


def test_a_bad_date_is_one_line_not_a_traceback(db, capsys):
    code, out, err = run(capsys, "due", "--db", db, "--as-user", "sam", "--as-of", "31/12/2025")
    assert code == 2 and "as_of" in err and "Traceback" not in err


def test_a_long_drift_reason_is_printed_whole_in_the_table(db, capsys):
    # 2026-03-10: amber three times in a row AND past the two-month CP window.
    code, out, _ = run(capsys, "drift", "--db", db, "--as-user", "sam", "--as-of", "2026-03-10")
    reason = ("Amber for 3 consecutive discussions since 1 Dec 2025. Not discussed since "
              "5 Jan 2026 (child protection plan: at least every 2 months; due by 5 Mar 2026).")
    assert code == 0 and len(reason) > 100
    assert reason in out and "..." not in out


def test_actions_without_overdue_says_no_open_actions(db, capsys):
    code, out, _ = run(capsys, "actions", "--db", db, "--as-user", "sam", "--as-of", "2025-12-02")
    assert code == 0 and out.strip() == "no open actions"
