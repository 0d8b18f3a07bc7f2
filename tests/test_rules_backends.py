"""Every rule gives the same answers on SQLite and PostgreSQL (the queries are shared)."""
import datetime as dt

from supervision_kit.domain.records import ActionItem
from tests.fixtures_pg import db_url, pg_server  # noqa: F401
from tests.rules_store import D, cancel, case, contract, day, hold, observe, person, row, store


def test_all_rules_on_both_backends(db_url, tmp_path):
    tk = store(tmp_path, [person("A"), person("N", asye_start=D("2025-09-01")),
                          person("T", team="School")],
               [case("CP", "A", "child protection plan", opened="2025-06-02"),
                case("EH", "A", "early help", opened="2025-06-02")], url=db_url)
    contract(tk, "T", "temple_school_dsl", start="2025-09-03",
             overrides={"drift": {"consecutive_amber_red": 2}})
    contract(tk, "A", "havering_social_work", start="2025-06-02",
             overrides={"supervision": {"interval_days": 21}})
    for date, rag in (("2025-10-06", "G"), ("2025-11-03", "A"), ("2025-12-01", "R")):
        hold(tk, "A", date, discussions=[("CP", rag), ("EH", "A")],
             functions=["management"], recorded=date,
             actions=[ActionItem("Visit", owner_id="A", due_date=D(date) + dt.timedelta(days=7),
                                 case_id="CP")])
    hold(tk, "T", "2025-10-20", discussions=[], functions=["support", "development"])
    hold(tk, "N", "2025-09-08")
    cancel(tk, "N", "2025-09-15", return_date="2025-09-18")  # Thursday: due Thursday 25th
    observe(tk, "A", "2025-07-01")
    as_of = "2025-12-10"

    due = tk.due(as_of=as_of)
    assert day(row(due, "supervisee_id", "A")["next_due"]) == D("2025-12-22")
    assert day(row(due, "supervisee_id", "T")["next_due"]) == D("2025-12-19")
    assert day(row(due, "supervisee_id", "N")["next_due"]) == D("2025-09-25")
    w = tk.case_windows(as_of=as_of)
    assert day(row(w, "case_id", "CP")["due_by"]) == D("2026-02-01")
    assert day(row(w, "case_id", "CP")["quarterly_review_due"]) == D("2025-09-02")
    r = row(tk.drift(as_of=as_of), "case_id", "CP")
    assert r["reason"] == "Getting worse (Green → Amber → Red) since 6 Oct 2025."
    assert r["rags"] == "GAR"
    assert row(tk.drift(as_of=as_of), "case_id", "EH")["reason"] == \
        "Amber for 3 consecutive discussions since 6 Oct 2025."
    acts = tk.overdue_actions(as_of=as_of)
    assert sorted(acts["days_overdue"]) == [2, 30, 58]
    fb = tk.function_balance(as_of=as_of)
    assert row(fb, "supervisee_id", "A")["flag"] == "no support or development in the last 3 sessions"
    assert row(tk.contract_reviews(as_of=as_of), "supervisee_id", "A")["days_overdue"] == 0
    assert day(row(tk.observations_due(as_of=as_of), "supervisee_id", "A")["next_due"]) == D("2026-06-02")
    t = tk.timeliness(as_of=as_of)
    assert set(t["issue"]) == {"not recorded", "unsigned"}
    assert sorted(map(tuple, t[t["issue"] == "not recorded"]["supervisee_ids"])) == [("N",), ("T",)]
