"""Dataset JSON export/import, CSV lists and the demo generator, on real SQLite files."""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
import sqlite3
from collections import Counter, defaultdict

import jsonschema
import pytest
from sqlalchemy import func, select

from supervision_kit.demo.generate import create_demo, generate
from supervision_kit.domain.canonical import content_hash
from supervision_kit.domain.validation import validate_session
from supervision_kit.errors import ImportFailed
from supervision_kit.io.convert import convert_table
from supervision_kit.io.csv_import import read_cases_csv, read_practitioners_csv
from supervision_kit.io.dataset import export_dataset, import_dataset, seal
from supervision_kit.io.spec import SCHEMA_FILE, TABLE_ORDER, json_schema, table_specs
from supervision_kit.store.engine import make_engine
from supervision_kit.store.schema import Base
from supervision_kit.store.sessions import load_sessions
from tests.fixtures_pg import db_url, pg_server  # noqa: F401

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    engine = make_engine(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    create_demo(engine, scale=1, seed=0, today=TODAY)
    return engine


@pytest.fixture(scope="module")
def exported(demo_engine):
    with demo_engine.connect() as conn:
        return export_dataset(conn)


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {n: conn.execute(select(func.count()).select_from(Base.metadata.tables[n])).scalar()
                for n in TABLE_ORDER}


# ------------------------------------------------------------------ round trip and schema

def test_round_trip_is_equal(exported, tmp_path):
    assert set(exported) == {"format", "version", *TABLE_ORDER}
    assert json.loads(json.dumps(exported)) == exported  # plain JSON data
    engine = make_engine(tmp_path / "copy.sqlite")
    with engine.begin() as conn:
        n = import_dataset(conn, exported)
    assert n == {t: len(exported[t]) for t in TABLE_ORDER}
    with engine.connect() as conn:
        assert export_dataset(conn) == exported


def test_demo_is_the_same_in_every_database(exported, db_url):  # noqa: F811
    """SQLite and PostgreSQL store, seal and export the demo identically."""
    engine = make_engine(db_url)
    try:
        create_demo(engine, scale=1, seed=0, today=TODAY)
        with engine.connect() as conn:
            assert export_dataset(conn) == exported
        with engine.begin() as conn:  # ids imported explicitly must not block new rows
            table = Base.metadata.tables["case_status_history"]
            new = conn.execute(table.insert().values(case_id="C00001", status="other",
                                                     from_date=TODAY).returning(table.c.id)).scalar()
        assert new == len(exported["case_status_history"]) + 1
    finally:
        engine.dispose()


def test_rows_sorted_and_complete(exported):
    for table, specs in table_specs().items():
        rows = exported[table]
        assert rows, f"demo has no {table}"
        assert all(list(r) == [c.name for c in specs] for r in rows)
    ids = [r["id"] for r in exported["sessions"]]
    assert ids == sorted(ids)


def test_stored_exactly_as_core_insert_stores(exported, tmp_path):
    """The fast insert path writes the same bytes as ``conn.execute(table.insert(), rows)``."""
    ours, core = make_engine(tmp_path / "ours.sqlite"), make_engine(tmp_path / "core.sqlite")
    with ours.begin() as conn:
        import_dataset(conn, exported)
    with core.begin() as conn:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        for t in TABLE_ORDER:
            names = [c.name for c in table_specs()[t]]
            rows = [dict(zip(names, r)) for r in convert_table(t, exported[t], lambda n: None)]
            conn.execute(Base.metadata.tables[t].insert(), rows)
    a, b = sqlite3.connect(tmp_path / "ours.sqlite"), sqlite3.connect(tmp_path / "core.sqlite")
    for t in TABLE_ORDER:
        q = f"SELECT * FROM {t} ORDER BY 1, 2"
        assert a.execute(q).fetchall() == b.execute(q).fetchall(), t


def test_export_validates_against_published_schema(exported):
    schema = json.loads(SCHEMA_FILE.read_text())
    assert schema == json_schema(), "run: python -m supervision_kit.io.spec"
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(exported)
    bad = copy.deepcopy(exported)
    bad["case_discussions"][0]["rag"] = "X"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(bad)


# ------------------------------------------------------------------ all or nothing

def _bad_date(d):
    d["sessions"][5]["date"] = "2024-13-01"
    return "sessions[5] (id S000006)", "date", "not a date: '2024-13-01' (use YYYY-MM-DD)"


def _bad_rag(d):
    d["case_discussions"][7]["rag"] = "X"
    return f"case_discussions[7] (id {d['case_discussions'][7]['id']})", "rag", "unknown value 'X'"


def _dangling(d):
    d["sessions"][3]["supervisor_id"] = "P9999"
    return "sessions[3] (id S000004)", "supervisor_id", "refers to practitioners 'P9999'"


def _unknown_column(d):
    d["actions"][2]["colour"] = "red"
    return f"actions[2] (id {d['actions'][2]['id']})", "colour", "unknown column"


def _missing_required(d):
    del d["cases"][4]["opened"]
    return f"cases[4] (id {d['cases'][4]['id']})", "opened", "required"


def _wrong_type(d):
    d["sessions"][9]["duration_minutes"] = "60"
    return "sessions[9] (id S000010)", "duration_minutes", "expected a whole number"


def _bad_function(d):
    d["sessions"][10]["functions"] = ["management", "gossip"]
    return "sessions[10] (id S000011)", "functions", "unknown value 'gossip' at [1]"


def _bad_review_outcome(d):
    r = d["action_reviews"][0]
    r["outcome"] = "forgotten"
    return (f"action_reviews[0] (action_id {r['action_id']}, session_id {r['session_id']})",
            "outcome", "unknown value 'forgotten'")


def _duplicate_id(d):
    d["cases"][6]["id"] = d["cases"][5]["id"]
    return f"cases[6] (id {d['cases'][5]['id']})", "id", "duplicate id"


def _control_character(d):
    d["case_discussions"][2]["answers"]["summary"] = "bell\x07"
    return f"case_discussions[2] (id {d['case_discussions'][2]['id']})", "answers", "control"


def _bad_bool(d):
    d["observations"][1]["planned"] = "yes"
    return f"observations[1] (id {d['observations'][1]['id']})", "planned", "true or false"


def _evaluation_answers(d):
    d["evaluations"][0]["answers"] = ["yes"] * 9
    return f"evaluations[0] (id {d['evaluations'][0]['id']})", "answers", "expected 10 items"


def _audit_log(d):
    d["audit_log"] = []
    return "dataset", "audit_log", "never imported"


@pytest.mark.parametrize("spoil", [
    _bad_date, _bad_rag, _dangling, _unknown_column, _missing_required, _wrong_type,
    _bad_function, _bad_review_outcome, _duplicate_id, _control_character, _bad_bool,
    _evaluation_answers, _audit_log])
def test_one_bad_record_imports_nothing(exported, tmp_path, spoil):
    data = copy.deepcopy(exported)
    record, field, message = spoil(data)
    engine = make_engine(tmp_path / "empty.sqlite")
    with pytest.raises(ImportFailed) as err:
        with engine.begin() as conn:
            import_dataset(conn, data)
    assert (err.value.record, err.value.field) == (record, field)
    assert message in err.value.message
    assert set(counts(engine).values()) == {0}


def test_clash_with_store_and_references_to_store(demo_engine, exported):
    before = counts(demo_engine)
    with pytest.raises(ImportFailed) as err:
        with demo_engine.begin() as conn:
            import_dataset(conn, exported)
    assert err.value.record == "practitioners[0] (id P0001)" and "already in the store" in err.value.message
    manager = exported["practitioners"][4]["id"]
    extra = {"format": "supervision_kit.dataset", "version": 1, "practitioners": [
        {"id": "P-new", "name": "Nova Testcombe", "username": "nova.testcombe",
         "role": "practitioner", "agency_type": "school", "line_manager_id": manager}]}
    with demo_engine.begin() as conn:  # refers to an id only the store has
        assert import_dataset(conn, extra)["practitioners"] == 1
    extra["practitioners"][0].update(id="P-other", username="other", line_manager_id="P-none")
    with pytest.raises(ImportFailed) as err:
        with demo_engine.begin() as conn:
            import_dataset(conn, extra)
    assert err.value.field == "line_manager_id"
    after = counts(demo_engine)
    assert after == {**before, "practitioners": before["practitioners"] + 1}
    with demo_engine.begin() as conn:
        conn.execute(Base.metadata.tables["practitioners"].delete().where(
            Base.metadata.tables["practitioners"].c.id == "P-new"))


def test_order_ids_and_progress(exported, tmp_path):
    data = copy.deepcopy(exported)
    data["practitioners"].reverse()  # reports before their line managers
    for r in data["case_status_history"]:
        del r["id"]  # assigned on import
    seen = []
    engine = make_engine(tmp_path / "x.sqlite")
    with engine.begin() as conn:
        import_dataset(conn, data, progress=lambda done, total: seen.append((done, total)))
    total = 2 * sum(len(exported[t]) for t in TABLE_ORDER)
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    with engine.connect() as conn:
        again = export_dataset(conn)
    assert again["practitioners"] == exported["practitioners"]
    assert sorted(r["id"] for r in again["case_status_history"]) == \
        list(range(1, len(exported["case_status_history"]) + 1))


# ------------------------------------------------------------------ CSV

def _csv(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_text(text, encoding=encoding)
    return p


def test_practitioners_csv(tmp_path):
    good = _csv(tmp_path, "p.csv", (
        "id,name,username,role,team,agency_type,email,qualified_date,asye_start,leaving_date,line_manager_id\n"
        "P1,Morgan Testington,morgan,manager,Team North,children's social care,m@example.org,2010-09-01,,,\n"
        "P2,Jess Sampleford,jess,Practitioner,Team North,,,2025-07-01,2025-09-01,,P1\n"),
        encoding="utf-8-sig")  # as spreadsheets save "CSV UTF-8"
    people = read_practitioners_csv(good)
    assert [p.id for p in people] == ["P1", "P2"]
    assert people[1].role == "practitioner" and people[1].asye_start == dt.date(2025, 9, 1)
    assert people[1].agency_type == "children's social care" and people[1].line_manager_id == "P1"
    bad = _csv(tmp_path, "bad.csv", "id,name,username,role,qualified_date\n"
                                    "P1,A Testington,a,manager,2010-01-01\n"
                                    "P12,B Exampleton,b,practitioner,2024-13-01\n")
    with pytest.raises(ImportFailed) as err:
        read_practitioners_csv(bad)
    assert (err.value.record, err.value.field) == ("row 3 (id P12)", "qualified_date")
    assert "not a date" in err.value.message
    dup = _csv(tmp_path, "dup.csv", "id,name,username,role\nP1,A B,a,admin\nP2,C D,a,admin\n")
    with pytest.raises(ImportFailed) as err:
        read_practitioners_csv(dup)
    assert (err.value.record, err.value.field) == ("row 3 (id P2)", "username")
    role = _csv(tmp_path, "role.csv", "id,name,username,role\nP1,A B,a,wizard\n")
    with pytest.raises(ImportFailed) as err:
        read_practitioners_csv(role)
    assert (err.value.record, err.value.field) == ("row 2 (id P1)", "role")
    header = _csv(tmp_path, "h.csv", "id,name,username,role,shoe_size\n")
    with pytest.raises(ImportFailed) as err:
        read_practitioners_csv(header)
    assert err.value.field == "shoe_size"


def test_cases_csv(tmp_path):
    good = _csv(tmp_path, "c.csv", (
        "id,reference,worker_id,status,opened,closed,people\n"
        "C1,CR-2025-000001,P2,child in need,2025-01-10,,"
        "child:Jamie Testington:2016-04-02;parent:Dana Testington\n"
        "C2,CR-2025-000002,P2,closed,2025-02-01,2025-06-01,child:Riley Ann Mockridge\n"))
    cases = read_cases_csv(good)
    assert cases[0].people[0].first_name == "Jamie" and cases[0].people[0].dob == dt.date(2016, 4, 2)
    assert cases[0].people[1].role == "parent" and cases[0].people[1].last_name == "Testington"
    assert cases[1].people[0].first_name == "Riley Ann" and cases[1].closed == dt.date(2025, 6, 1)
    for line, field in [("C3,CR-3,P2,child in need,2025-01-10,,child:Jamie T:2016-02-30", "people[0].dob"),
                        ("C3,CR-3,P2,child in need,2025-01-10,,uncle:Jo T", "people[0].role"),
                        ("C3,CR-3,P2,in trouble,2025-01-10,,", "status"),
                        ("C3,CR-3,P2,other,2025-01-10,2024-01-01,", "closed")]:
        bad = _csv(tmp_path, "bad.csv", "id,reference,worker_id,status,opened,closed,people\n"
                                        "C1,CR-1,P2,other,2025-01-01,,\n" + line + "\n")
        with pytest.raises(ImportFailed) as err:
            read_cases_csv(bad)
        assert (err.value.record, err.value.field) == ("row 3 (id C3)", field)


# ------------------------------------------------------------------ demo

def test_demo_is_deterministic():
    a, b = generate(1, seed=0, today=TODAY), generate(1, seed=0, today=TODAY)
    assert a == b
    assert generate(1, seed=1, today=TODAY) != a
    assert json.dumps(a)  # plain data


def test_a_bigger_demo_has_one_coming_meeting_per_case_at_most():
    # Each unit plans meetings for its own cases: before, every unit planned another for
    # every case so far, so scale 100 had 96,241 meetings (a case had 76 in 40 days).
    for scale in (1, 3):
        d = generate(scale, seed=0, today=TODAY)
        per_case = Counter(m["case_id"] for m in d["case_meetings"])
        assert per_case and max(per_case.values()) == 1
        open_kinds = [c for c in d["cases"] if not c["closed"] and c["status"] in (
            "child protection plan", "child in need", "looked after")]
        assert len(per_case) <= len(open_kinds)


def test_demo_contents(demo_engine, exported):
    d = exported
    assert {c["status"] for c in d["cases"]} == {
        "early help", "child in need", "child protection plan", "looked after", "other", "closed"}
    history = defaultdict(list)
    for h in sorted(d["case_status_history"], key=lambda h: h["from_date"]):
        history[h["case_id"]].append(h["status"])
    assert any(s[:2] == ["child in need", "child protection plan"] for s in history.values())
    by_user = {p["username"]: p for p in d["practitioners"]}
    assert by_user["admin"]["role"] == "admin"
    assert {p["role"] for p in d["practitioners"]} >= {"practitioner", "supervisor", "manager",
                                                        "auditor", "researcher", "trainer", "admin"}
    nq = [p for p in d["practitioners"] if p["asye_start"]]
    assert len(nq) == 2 and all(dt.date.fromisoformat(p["asye_start"]) > TODAY - dt.timedelta(days=365)
                                for p in nq)
    assert any(p["leaving_date"] and dt.date.fromisoformat(p["leaving_date"]).year == TODAY.year - 4
               for p in d["practitioners"])
    people = d["case_people"]
    assert all(re.fullmatch(r"07700 900\d{3}", p["phone"]) for p in people if p["phone"])
    assert all(p["postcode"].startswith("ZZ") for p in people if p["postcode"])
    sessions = {s["id"]: s for s in d["sessions"]}
    dated = sorted(d["case_discussions"], key=lambda x: (sessions[x["session_id"]]["date"], x["id"]))
    runs = defaultdict(str)
    for x in dated:
        runs[x["case_id"]] += x["rag"] or "-"
    assert any("AAAA" in r for r in runs.values())                     # drift
    assert any(re.search("R+A+G", r) for r in runs.values())            # improving
    assert any(re.search("G+A+R", r) for r in runs.values())            # worsening
    attendees = defaultdict(list)
    for a in d["session_attendees"]:
        attendees[a["session_id"]].append(a["practitioner_id"])
    groups = [s for s in d["sessions"] if s["type"] == "group"]
    assert groups and all(len(attendees[s["id"]]) >= 2 and s["content"]["group_confidentiality"]
                          for s in groups)
    sick = [s for s in d["sessions"] if s["state"] == "cancelled"]
    assert sick and all(s["cancelled_reason"] == "sickness" and s["return_date"] for s in sick)
    states = {s["state"] for s in d["sessions"]}
    assert states == {"draft", "awaiting signatures", "signed", "cancelled"}
    old_unsigned = [s for s in d["sessions"] if s["state"] in ("draft", "awaiting signatures")
                    and dt.date.fromisoformat(s["date"]) < TODAY - dt.timedelta(days=14)]
    assert old_unsigned
    assert {a["status"] for a in d["actions"]} == {"open", "done", "dropped"}
    assert {r["outcome"] for r in d["action_reviews"]} == {"done", "carried forward", "dropped"}
    assert any(a["status"] == "open" and a["due_date"] and a["due_date"] < TODAY.isoformat()
               for a in d["actions"])
    assert any(x["escalated"] for x in d["disagreements"])
    assert {r["framework"] for r in d["reflections"]} == {"gibbs", "kolb"}
    assert any(c["review_date"] and c["review_date"] < TODAY.isoformat() for c in d["contracts"])
    assert {c["preset"] for c in d["contracts"]} == {
        "havering_social_work", "temple_school_dsl", "hscb_multi_agency", "health_clinical"}
    assert all(len(e["answers"]) == 10 for e in d["evaluations"])
    assert d["addenda"] and d["requests"] and d["training_records"] and d["exercise_ratings"]
    year_ago = (TODAY - dt.timedelta(days=365)).isoformat()
    seen = defaultdict(int)
    for o in d["observations"]:
        seen[o["supervisee_id"]] += o["date"] >= year_ago
    practitioners = [p["id"] for p in d["practitioners"] if p["role"] == "practitioner"
                     and not p["leaving_date"]]
    assert any(seen[p] < 2 for p in practitioners) and any(seen[p] >= 2 for p in practitioners)
    answers = " ".join(" ".join(x["answers"].values()) for x in d["case_discussions"])
    assert "'s " in answers and re.search(r"07700 900\d{3}", answers)


def test_demo_records_are_valid_and_sealed(demo_engine, exported):
    """Signed records and those awaiting a second signature both carry, on the session and
    on every signature, the hash of their content (as ``sign`` stores it live), so verify
    passes them; nothing is left to seal."""
    states = {"signed", "awaiting signatures"}
    signed = {s["id"]: s["content_hash"] for s in exported["sessions"] if s["state"] in states}
    assert "awaiting signatures" in {s["state"] for s in exported["sessions"]}
    with demo_engine.connect() as conn:
        records = load_sessions(conn, [s["id"] for s in exported["sessions"]])
    for rec in records:
        if rec.id in signed:
            assert signed[rec.id] == content_hash(rec)
        validate_session(rec)
    for sig in exported["signatures"]:
        assert sig["content_hash"] == signed[sig["session_id"]]
    with demo_engine.begin() as conn:
        assert seal(conn) == 0  # nothing left to seal


def test_csv_import_into_the_store_all_or_nothing(tmp_path):
    from supervision_kit.facade import Toolkit
    tk = Toolkit.system(tmp_path / "csv.sqlite")
    people = _csv(tmp_path, "p.csv", "id,name,username,role,team,line_manager_id\n"
                                     "P2,Jess Sampleford,jess,practitioner,North,P1\n"
                                     "P1,Morgan Testington,morgan,supervisor,North,\n")
    assert tk.import_csv("practitioners", people) == 2  # a manager listed after is fine
    admin = _csv(tmp_path, "a.csv", "id,name,username,role\nA1,Ada Admin,ada,admin\n")
    tk.import_csv("practitioners", admin)
    tk = tk.as_user("ada")
    cases = _csv(tmp_path, "c.csv", "id,reference,worker_id,status,opened,people\n"
                                    "C1,CR-1,P2,child in need,2025-01-10,child:Jamie Testington\n")
    assert tk.import_csv("cases", cases) == 1
    assert tk.case("C1").people[0].first_name == "Jamie"
    for kind, text, record, field in [
        ("practitioners", "id,name,username,role\nP3,New Person,new,practitioner\n"
                          "\nP4,Other Person,jess,practitioner\n", "row 4 (id P4)", "username"),
        ("practitioners", "id,name,username,role,line_manager_id\nP5,Lee Test,lee,practitioner,P9\n",
         "row 2 (id P5)", "line_manager_id"),
        ("practitioners", "id,name,username,role\nP1,Again Testington,again,practitioner\n",
         "row 2 (id P1)", "id"),
        ("cases", "id,reference,worker_id,status,opened\nC2,CR-2,P2,other,2025-01-01\n"
                  "C3,CR-1,P2,other,2025-01-01\n", "row 3 (id C3)", "reference"),
        ("cases", "id,reference,worker_id,status,opened\nC4,CR-4,P99,other,2025-01-01\n",
         "row 2 (id C4)", "worker_id"),
    ]:
        with pytest.raises(ImportFailed) as err:
            tk.import_csv(kind, _csv(tmp_path, "bad.csv", text))
        assert (err.value.record, err.value.field) == (record, field), err.value
    assert sorted(p.id for p in tk.practitioners()) == ["A1", "P1", "P2"]  # nothing half-imported
    assert [c.id for c in tk.cases()] == ["C1"]
