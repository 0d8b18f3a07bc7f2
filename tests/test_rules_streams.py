"""Streams side by side: one supervisee, two contracts, two supervisors, two frequencies
(hand-worked dates), on SQLite and PostgreSQL."""
import json

import jsonschema
import pytest

from supervision_kit.domain.records import Practitioner
from supervision_kit.errors import ValidationError
from supervision_kit.facade import Toolkit
from supervision_kit.io.spec import SCHEMA_FILE
from tests.fixtures_pg import db_url, pg_server  # noqa: F401
from tests.rules_store import D, cancel, contract, day, hold, person, store


def two_streams(tmp_path, url=None):
    """W: management supervision with S under Havering (monthly) and professional
    supervision from a registered social worker R under HSCB (quarterly) [Havering 1]."""
    tk = store(tmp_path, [person("W"), Practitioner("R", "Rita Registered", "rita",
                                                    role="supervisor", team="North")], url=url)
    contract(tk, "W", "havering_social_work", start="2025-06-02")          # stream: management
    k = contract(tk, "W", "hscb_multi_agency", start="2025-06-02", by="R", stream="professional")
    tk.as_user("rita").sign_contract(k.id)             # signed: Rita may record W's sessions
    tk.as_user("w").sign_contract(k.id)
    return tk


def rows(tk, as_of):
    df = tk.due(as_of=as_of)
    return {r["stream"]: r for r in df[df["supervisee_id"] == "W"].to_dict("records")}


def test_two_streams_two_frequencies(db_url, tmp_path):
    tk = two_streams(tmp_path, db_url)
    hold(tk, "W", "2025-10-06", stream="management")
    hold(tk, "W", "2025-09-15", by="rita", stream="professional")
    r = rows(tk, "2025-11-20")
    assert set(r) == {"management", "professional"}
    m, p = r["management"], r["professional"]
    assert day(m["next_due"]) == D("2025-11-06") and m["days_overdue"] == 14   # monthly
    assert m["supervisor_id"] == "S" and m["preset"] == "havering_social_work"
    assert m["reason"].startswith("Management (line) supervision: Overdue by 14 days")
    assert day(p["next_due"]) == D("2025-12-15") and p["days_overdue"] == 0    # quarterly
    assert p["supervisor_id"] == "R" and p["preset"] == "hscb_multi_agency"
    assert p["reason"].startswith("Professional supervision (registered social worker): Next due")
    # A management session does not satisfy the professional stream, nor the other way.
    hold(tk, "W", "2025-12-01", stream="management")
    r = rows(tk, "2025-12-20")
    assert day(r["management"]["next_due"]) == D("2026-01-01")
    assert r["professional"]["days_overdue"] == 5
    # The soonest due of the two is suggested unless a stream is named.
    rita = tk.as_user("rita")
    assert rita.suggest_next_session("W", after="2025-12-02") == D("2025-12-15")
    # Both contracts are listed for review, each with its stream.
    cr = tk.contract_reviews(as_of="2025-12-20")
    assert sorted(cr[cr["supervisee_id"] == "W"]["stream"]) == ["management", "professional"]


def test_a_session_must_say_which_stream_when_there_are_two(tmp_path):
    tk = two_streams(tmp_path)
    with pytest.raises(ValidationError) as e:
        hold(tk, "W", "2025-10-06")
    assert e.value.field == "stream" and "management or professional" in e.value.message
    with pytest.raises(ValidationError) as e:
        hold(tk, "W", "2025-10-06", stream="clinical")
    assert e.value.field == "stream" and "no active clinical contract" in e.value.message
    assert [s["stream"] for s in tk.streams("W", as_of="2025-10-06")] == ["management",
                                                                           "professional"]


def test_a_sickness_cancellation_without_a_stream_moves_both(tmp_path):
    tk = two_streams(tmp_path)
    hold(tk, "W", "2025-10-06", stream="management")
    hold(tk, "W", "2025-09-15", by="rita", stream="professional")
    # Off sick; back on Friday 31 Oct: five working days on is Friday 7 Nov.
    cancel(tk, "W", "2025-10-27", return_date="2025-10-31")
    r = rows(tk, "2025-11-03")
    assert day(r["management"]["next_due"]) == D("2025-11-07")
    assert day(r["professional"]["next_due"]) == D("2025-11-07")
    # Named for one stream, it moves only that one.
    tk2 = two_streams(tmp_path / "b")
    hold(tk2, "W", "2025-09-15", by="rita", stream="professional")
    cancel(tk2, "W", "2025-10-27", return_date="2025-10-31", stream="management")
    r = rows(tk2, "2025-11-03")
    assert day(r["management"]["next_due"]) == D("2025-11-07")
    assert day(r["professional"]["next_due"]) == D("2025-12-15")


def test_one_stream_is_taken_without_asking(tmp_path):
    tk = store(tmp_path, [person("A")])
    contract(tk, "A", "temple_school_dsl", start="2025-09-01")
    sid = hold(tk, "A", "2025-10-06")
    assert tk.session(sid).stream == "safeguarding"      # the preset's stream


def test_streams_go_out_and_come_back_with_the_dataset(tmp_path):
    tk = two_streams(tmp_path)
    hold(tk, "W", "2025-10-06", stream="management", sign=True)
    hold(tk, "W", "2025-09-15", by="rita", stream="professional")
    data = tk.export_dataset()
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text()))
    assert sorted(c["stream"] or "" for c in data["contracts"]) == ["", "professional"]
    other = Toolkit.system(tmp_path / "copy.sqlite")
    other.import_dataset(data)
    assert other.verify() == []                           # the signed record's hash holds
    r = {x["stream"]: x for x in other.due(as_of="2025-11-20").to_dict("records")
         if x["supervisee_id"] == "W"}
    assert day(r["management"]["next_due"]) == D("2025-11-06")
    assert day(r["professional"]["next_due"]) == D("2025-12-15")


def test_case_windows_follow_the_first_arrangement_not_the_one_beside_it(tmp_path):
    """W's cases follow the Havering management contract (CIN monthly), not the HSCB
    professional contract added beside it later (CIN three-monthly)."""
    from tests.rules_store import case
    tk = store(tmp_path, [person("W"), Practitioner("R", "Rita Registered", "rita",
                                                    role="supervisor", team="North")],
               [case("CIN", "W", "child in need", opened="2025-06-02")])
    contract(tk, "W", "havering_social_work", start="2025-06-02")
    contract(tk, "W", "hscb_multi_agency", start="2025-09-01", by="R", stream="professional")
    hold(tk, "W", "2025-10-06", stream="management", discussions=[("CIN", "G")])
    w = tk.case_windows(as_of="2025-10-10")
    assert day(w[w["case_id"] == "CIN"]["due_by"].iloc[0]) == D("2025-11-06")
