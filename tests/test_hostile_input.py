"""Issue 19, findings 3 and 4: ids never become paths; hostile input is refused in one line.

The base dataset is ``test_hypothesis.base_dataset`` (the fixtures_db world with one signed
session), imported into fresh stores on SQLite and PostgreSQL.
"""
from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supervision_kit.cli.main import main
from supervision_kit.config import Settings
from supervision_kit.domain.identifiers import is_id, visible
from supervision_kit.domain.records import Practitioner, SessionRecord
from supervision_kit.errors import ImportFailed, ValidationError
from supervision_kit.facade import Toolkit
from supervision_kit.io.paths import inside, safe_name
from tests.test_hypothesis import SETTINGS, base_dataset, counts, fresh_store  # noqa: F401
from tests.fixtures_pg import pg_server  # noqa: F401

RLO = "\u202e"
ESCAPES = ["/../../ESCAPED", "../x", "a/b", "..", ".hidden", "a\\b", "x" * 65, "", " P1",
           "P1\n", "-rf"]


def _session(data: dict) -> dict:
    return data["sessions"][0]


def _refused(tk, data, record_prefix, field):
    with pytest.raises(ImportFailed) as e:
        tk.import_dataset(data)
    assert e.value.record.startswith(record_prefix) and field in e.value.field, e.value
    assert set(counts(tk).values()) == {0}  # nothing written
    return e.value


# -- ids -------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["/../../ESCAPED", "../x", "a/b", "..", "x" * 65])
def test_path_ids_refused_at_import(fresh_store, base_dataset, bad):
    data = copy.deepcopy(base_dataset)
    old = _session(data)["id"]
    for table in ("sessions", "session_attendees", "case_discussions", "actions", "signatures"):
        for row in data[table]:
            for col in ("id", "session_id"):
                if row.get(col) == old:
                    row[col] = bad
    tk = fresh_store()
    try:
        e = _refused(tk, data, "sessions[0]", "id")
        assert "not a valid id" in e.message or "too long" in e.message
    finally:
        tk.engine.dispose()


def test_id_pattern():
    assert all(is_id(x) for x in ("P1", "sess-0a1b2c3d4e5f", "K000001", "a.b_c-d", "x" * 64))
    assert not any(is_id(x) for x in ESCAPES)


def test_ids_refused_by_the_api(world):
    with pytest.raises(ValidationError) as e:
        world.save_session(SessionRecord(id="/../../ESCAPED", date=dt.date(2026, 3, 2),
                                         supervisor_id="P1", supervisee_ids=["P2"]))
    assert e.value.field == "id"
    with pytest.raises(ValidationError) as e:
        world.add_practitioners([Practitioner("../P10", "Ten", "ten")])
    assert e.value.field == "practitioners[0].id"


def test_output_paths_stay_inside_their_folder(tmp_path):
    assert safe_name("supervision", "/../../ESCAPED", suffix=".pdf") == \
        "supervision-_.._.._ESCAPED.pdf"
    for bad in ESCAPES:
        name = safe_name("supervision", bad, suffix=".pdf")
        assert "/" not in name and "\\" not in name and not name.startswith(".")
        assert inside(tmp_path, name).parent == tmp_path.resolve()
    for bad in ("../x.pdf", "/etc/x.pdf", "a/../../x.pdf"):
        with pytest.raises(ValidationError) as e:
            inside(tmp_path, bad)
        assert e.value.field == "out"


def test_legacy_path_id_is_written_inside_out(world, tmp_path):
    """A record stored under a hostile id before the fix still lands inside ``--out``."""
    from sqlalchemy import text
    sam = world.as_user("sam")
    rec = sam.open_session("P2", date=dt.date(2026, 3, 2))
    rec.agenda = "caseload"
    rec = sam.save_session(rec)
    with world.engine.begin() as conn:  # as an old import left it
        conn.execute(text("PRAGMA defer_foreign_keys=ON"))  # checked at commit
        for t, col in (("session_attendees", "session_id"), ("sessions", "id")):
            conn.execute(text(f"UPDATE {t} SET {col} = '/../../ESCAPED' WHERE {col} = :s"),
                         {"s": rec.id})
    out = tmp_path / "deep" / "out"
    paths = world.export_pdfs(["/../../ESCAPED"], out)
    assert [p.parent for p in paths] == [out.resolve()]
    assert not (tmp_path / "ESCAPED.pdf").exists() and paths[0].read_bytes().startswith(b"%PDF")


# -- size and depth --------------------------------------------------------------

def test_deep_json_is_one_line_and_exit_2(tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    db = tmp_path / "s.sqlite"
    assert main(["import", "--db", str(db), str(deep)]) == 2
    err = capsys.readouterr().err
    last = [line for line in err.replace("\r", "\n").splitlines() if line.strip()][-1]
    assert "nested more than" in last and "Traceback" not in err and "RecursionError" not in err
    assert set(counts(Toolkit.system(db)).values()) == {0}


def test_deep_value_inside_a_json_column_refused(fresh_store, base_dataset):
    """Shallow enough to parse, too deep to store safely: named by record and field."""
    data = copy.deepcopy(base_dataset)
    value: dict = {}
    for _ in range(900):
        value = {"a": value}
    data["sessions"][0]["content"] = {"agenda": "x"}
    data["contracts"] = [dict(id="K1", supervisor_id="P1", supervisee_id="P2", preset="hscb",
                              start_date="2026-01-05", overrides=value)]
    tk = fresh_store()
    try:
        e = _refused(tk, data, "contracts[0]", "overrides")
        assert "nested more than" in e.message
    finally:
        tk.engine.dispose()


def test_a_file_over_the_size_limit_is_not_read(tmp_path, base_dataset):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(base_dataset))
    tk = Toolkit.system(tmp_path / "s.sqlite", settings=Settings(import_max_mb=0))
    with pytest.raises(ImportFailed) as e:
        tk.import_json(path)
    assert e.value.field == "file" and "import_max_mb" in e.value.message


# -- hidden characters -----------------------------------------------------------

@pytest.mark.parametrize("table, col", [("practitioners", "name"), ("practitioners", "username"),
                                        ("cases", "reference"), ("case_people", "first_name")])
def test_rlo_in_names_refused_at_import(fresh_store, base_dataset, table, col):
    data = copy.deepcopy(base_dataset)
    data[table][0][col] = f"Sam{RLO}rosivrepus"
    tk = fresh_store()
    try:
        e = _refused(tk, data, f"{table}[0]", col)
        assert "U+202E" in e.message
    finally:
        tk.engine.dispose()


def test_rlo_refused_in_names_through_the_facade(world):
    with pytest.raises(ValidationError) as e:
        world.add_practitioners([Practitioner("P10", f"Ann{RLO}eeL", "ann")])
    assert e.value.field == "practitioners[0].name" and "U+202E" in e.value.message
    with pytest.raises(ValidationError) as e:
        world.add_practitioners([Practitioner("P10", "Ann Lee", f"ann{RLO}")])
    assert e.value.field == "practitioners[0].username"


def test_rlo_kept_in_free_text_and_shown_escaped(world):
    from supervision_kit.widgets.common import esc
    sam = world.as_user("sam")
    rec = sam.open_session("P2", date=dt.date(2026, 3, 2))
    rec.agenda = f"Pasted: {RLO}txet"
    rec = sam.save_session(rec)
    assert sam.session(rec.id).agenda == f"Pasted: {RLO}txet"  # kept as typed
    assert esc(rec.agenda) == "Pasted: &lt;U+202E&gt;txet"  # shown, not obeyed
    assert visible("a\tb\nc\x07") == "a\tb\nc<U+0007>"
    import io

    from pypdf import PdfReader
    pdf = PdfReader(io.BytesIO(sam.session_pdf(rec.id)))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Pasted: <U+202E>txet" in text and RLO not in text  # the PDF shows it too


# -- date order ------------------------------------------------------------------

@pytest.mark.parametrize("table, changes, field", [
    ("cases", {"opened": "2025-06-01", "closed": "2025-05-01"}, "closed"),
    ("practitioners", {"asye_start": "2026-01-05", "leaving_date": "2025-12-01"}, "leaving_date"),
    ("actions", {"due_date": "2026-02-01"}, "due_date"),  # the session was on 2 Mar 2026
])
def test_impossible_date_order_refused_at_import(fresh_store, base_dataset, table, changes, field):
    data = copy.deepcopy(base_dataset)
    data[table][0].update(changes)
    tk = fresh_store()
    try:
        e = _refused(tk, data, f"{table}[0]", field)
        assert "before" in e.message
    finally:
        tk.engine.dispose()


def test_case_closed_before_opened_refused_by_the_facade(world):
    from supervision_kit.domain.records import Case
    with pytest.raises(ValidationError) as e:
        world.add_cases([Case("C9", "CR-9", "P2", "closed", dt.date(2026, 3, 2),
                              closed=dt.date(2026, 3, 1))])
    assert e.value.field == "cases[0].closed"


# -- Hypothesis: hostile ids, names and dates anywhere in an import -----------------

hostile_id = st.sampled_from(ESCAPES) | st.text(min_size=1, max_size=70).filter(lambda s: not is_id(s))
hidden = st.sampled_from(["\u202e", "\u202d", "\u2066", "\u200f", "\u061c", "\u200b", "\x85"])


@settings(**SETTINGS)
@given(data=st.data())
def test_hostile_values_anywhere_are_refused_by_record_and_field(fresh_store, base_dataset, data):
    dataset = copy.deepcopy(base_dataset)
    kind = data.draw(st.sampled_from(["id", "name", "date"]))
    if kind == "id":
        table = data.draw(st.sampled_from(["practitioners", "cases", "sessions", "contracts",
                                           "actions", "case_people"]))
        rows = dataset.get(table) or []
        if not rows:
            return
        i = data.draw(st.integers(0, len(rows) - 1))
        col = data.draw(st.sampled_from([c for c in rows[i] if c == "id" or c.endswith("_id")]))
        if rows[i][col] is None:
            return
        rows[i][col] = data.draw(hostile_id)
        expect = (table, i, col)
    elif kind == "name":
        table, col = data.draw(st.sampled_from([("practitioners", "name"), ("practitioners", "username"),
                                                ("practitioners", "team"), ("cases", "reference"),
                                                ("case_people", "last_name")]))
        i = data.draw(st.integers(0, len(dataset[table]) - 1))
        text = data.draw(st.text(max_size=10))
        k = data.draw(st.integers(0, len(text)))
        dataset[table][i][col] = text[:k] + data.draw(hidden) + text[k:]
        expect = (table, i, col)
    else:
        table, early, late = data.draw(st.sampled_from([
            ("cases", "opened", "closed"), ("contracts", "start_date", "end_date"),
            ("practitioners", "asye_start", "leaving_date")]))
        rows = dataset.get(table) or []
        if not rows:
            return
        i = data.draw(st.integers(0, len(rows) - 1))
        a = data.draw(st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)))
        b = a - dt.timedelta(days=data.draw(st.integers(1, 3000)))
        rows[i][early], rows[i][late] = a.isoformat(), b.isoformat()
        expect = (table, i, late)
    tk = fresh_store()
    try:
        with pytest.raises(ImportFailed) as e:
            tk.import_dataset(dataset)
        table, i, col = expect
        assert set(counts(tk).values()) == {0}
        assert e.value.message and "\n" not in str(e.value)
        if e.value.record.startswith(f"{table}[{i}]"):
            assert col in e.value.field, e.value
    finally:
        tk.engine.dispose()
