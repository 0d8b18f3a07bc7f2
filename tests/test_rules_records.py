"""Record timeliness, function balance, actions, contracts, observations (issue 3, 4/6/7/8)."""
import datetime as dt

from supervision_kit.config import Settings
from supervision_kit.domain.records import ActionItem
from supervision_kit.facade import Toolkit
from tests.rules_store import D, case, contract, day, hold, observe, person, row, store

TIMELY_COLUMNS = ["session_id", "date", "supervisor_id", "supervisee_ids", "issue", "days"]
ACTION_COLUMNS = ["action_id", "description", "owner_id", "owner", "case_id", "reference",
                  "due_date", "days_overdue"]
BALANCE_COLUMNS = ["supervisee_id", "name", "sessions", "management", "support", "development",
                   "mediation", "flag"]


def issues(tk, sid, as_of):
    df = tk.timeliness(as_of=as_of)
    return {r["issue"]: r for r in df[df["session_id"] == sid].to_dict("records")}


# -- records within 2 working days; unsigned after N days ------------------------------------
def test_record_within_two_working_days_over_a_bank_holiday_weekend(tmp_path):
    tk = store(tmp_path, [person("A")])
    # Thursday 21 Aug 2025: Fri 22 (1), [Mon 25 bank holiday], Tue 26 (2).
    ok = hold(tk, "A", "2025-08-21", recorded="2025-08-26")
    late = hold(tk, "A", "2025-08-21", type="ad-hoc", recorded="2025-08-27")
    missing = hold(tk, "A", "2025-08-22", type="clinical")
    assert list(tk.timeliness(as_of="2025-08-27").columns[:6]) == TIMELY_COLUMNS
    assert issues(tk, ok, "2025-08-28") == {}
    r = issues(tk, late, "2025-08-28")["recorded late"]
    assert r["days"] == 1 and r["supervisee_ids"] == ["A"] and r["supervisor_id"] == "S"
    # the sentence and the "Days late" figure agree
    assert r["detail"] == ("Recorded on 27 Aug 2025, 3 working days after the session (limit 2): "
                           "1 day after the deadline of 26 Aug 2025")
    # Fri 22 Aug: Tue 26 (1), Wed 27 (2) -> not recorded from Thursday 28.
    assert issues(tk, missing, "2025-08-27") == {}
    r = issues(tk, missing, "2025-08-28")["not recorded"]
    assert r["days"] == 1 and r["detail"] == "Not recorded; due within 2 working days, by 27 Aug 2025"
    # As of the 26th the late record was not entered yet, but its deadline was that day.
    assert issues(tk, late, "2025-08-26") == {}


def test_unsigned_after_n_days_from_settings_and_preset(tmp_path):
    tk = store(tmp_path, [person("A"), person("B")])
    s = hold(tk, "A", "2025-03-03", recorded="2025-03-03")
    assert "unsigned" not in issues(tk, s, "2025-03-17")      # 14 days: not yet
    r = issues(tk, s, "2025-03-18")["unsigned"]
    assert r["days"] == 1 and r["detail"] == "Signed by 0 of 2 after 15 days (limit 14 days)"
    strict = Toolkit.system(tk.engine.url.database, settings=Settings(unsigned_after_days=5))
    assert "unsigned" in issues(strict, s, "2025-03-09")
    contract(tk, "B", "havering_social_work", start="2025-01-06",
             overrides={"records": {"unsigned_after_days": 3}})
    sb = hold(tk, "B", "2025-03-03", recorded="2025-03-03")
    assert issues(tk, sb, "2025-03-07")["unsigned"]["days"] == 1


def test_signatures_count_as_of_the_day_they_were_given(tmp_path):
    tk = store(tmp_path, [person("A")])
    s = hold(tk, "A", "2025-03-03", recorded="2025-03-03", sign=True)   # signed today
    today = dt.date.today()
    assert "unsigned" in issues(tk, s, today - dt.timedelta(days=1))
    assert issues(tk, s, today) == {}


def test_cancelled_sessions_have_no_record_to_check(tmp_path):
    tk = store(tmp_path, [person("A")])
    tk.as_user("sam").record_cancellation("A", "2025-03-03", "sickness", "2025-03-10")
    assert tk.timeliness(as_of="2025-06-01").empty


# -- function balance ----------------------------------------------------------------------
def test_function_balance_over_the_last_six_sessions(tmp_path):
    tk = store(tmp_path, [person("A"), person("B"), person("C")])
    hold(tk, "A", "2025-01-06", functions=["support", "development"])     # outside the window
    for m in range(2, 8):
        hold(tk, "A", f"2025-{m:02d}-03", functions=["management"])
    for m in range(2, 8):
        hold(tk, "B", f"2025-{m:02d}-04", functions=["management", "support"] if m == 7
             else ["management", "mediation"])
    hold(tk, "C", "2025-02-05", functions=["management"])
    hold(tk, "C", "2025-03-05", functions=["management"])
    df = tk.function_balance(as_of="2025-07-31")
    assert list(df.columns[:8]) == BALANCE_COLUMNS
    a = row(df, "supervisee_id", "A")
    assert (a["sessions"], a["management"], a["support"], a["development"]) == (6, 6, 0, 0)
    assert a["flag"] == "no support or development in the last 6 sessions"
    b = row(df, "supervisee_id", "B")
    assert (b["support"], b["mediation"], b["flag"]) == (1, 5, "no development in the last 6 sessions")
    assert row(df, "supervisee_id", "C")["flag"] == ""        # two sessions: too few to judge
    # As of June, A's January session is still in the last six.
    assert row(tk.function_balance(as_of="2025-06-30"), "supervisee_id", "A")["flag"] == ""


# -- overdue actions ---------------------------------------------------------------------
def test_overdue_actions_as_of_dates(tmp_path):
    tk = store(tmp_path, [person("A")], [case("C", "A", "child in need")])
    hold(tk, "A", "2025-03-03", actions=[
        ActionItem("Visit Jamie", owner_id="A", due_date=D("2025-03-10"), case_id="C", id="X1"),
        ActionItem("Chronology", owner_id="A", due_date=D("2025-03-12"), id="X2"),
        ActionItem("Referral", owner_id="S", due_date=D("2025-03-14"), case_id="C", id="X3"),
        ActionItem("Call school", owner_id="A", due_date=D("2025-03-14"), id="X4"),
        ActionItem("No date", owner_id="A", id="X5")])
    hold(tk, "A", "2025-04-01", reviews=[("X1", "done"), ("X2", "dropped")],
         actions=[ActionItem("Later", owner_id="A", due_date=D("2025-04-02"), id="X6")])
    tk.as_user("sam").set_action_status("X3", "done", when="2025-03-15")
    df = tk.overdue_actions(as_of="2025-03-10")
    assert list(df.columns[:8]) == ACTION_COLUMNS and df.empty         # due today: not overdue
    df = tk.overdue_actions(as_of="2025-03-20")
    assert list(df["action_id"]) == ["X1", "X2", "X4"]                  # X3 done on 15 March
    r = row(df, "action_id", "X1")
    assert (r["owner"], r["reference"], day(r["due_date"]), r["days_overdue"]) == \
        ("Worker A", "REF-C", D("2025-03-10"), 10)
    assert list(tk.overdue_actions(as_of="2025-03-15")["action_id"]) == ["X1", "X2", "X4"]
    assert "X3" in set(tk.overdue_actions(as_of="2025-03-14", all_open=True)["action_id"])
    # Done and dropped at the 1 April session; X6 exists only from 1 April.
    assert list(tk.overdue_actions(as_of="2025-04-03")["action_id"]) == ["X4", "X6"]
    assert "X6" not in set(tk.overdue_actions(as_of="2025-03-31", all_open=True)["action_id"])
    assert set(tk.as_user("a").overdue_actions(as_of="2025-03-20")["owner_id"]) == {"A"}


# Found by the mutation run (group rules): order of open actions, whole days, no owner.
def _actions_store(tmp_path):
    # Worker A is in team South; an action with no owner counts in the team of its case's worker.
    tk = store(tmp_path, [person("A", team="South")], [case("C", "A", "child in need")])
    hold(tk, "A", "2025-03-03", actions=[
        ActionItem("Visit", owner_id="A", due_date=D("2025-03-10"), case_id="C", id="X1"),
        ActionItem("Chronology", owner_id="A", due_date=D("2025-03-12"), id="X2"),
        ActionItem("Referral", owner_id="A", due_date=D("2025-03-14"), id="X4"),
        ActionItem("Call school", owner_id="A", due_date=D("2025-03-14"), id="X3"),
        ActionItem("No date", owner_id="A", id="X5"),
        ActionItem("Unowned", due_date=D("2025-03-12"), case_id="C", id="X7")])
    return tk


def test_open_actions_most_overdue_then_soonest_due_then_by_id(tmp_path):
    df = _actions_store(tmp_path).overdue_actions(as_of="2025-03-11", all_open=True)
    assert list(df["action_id"]) == ["X1", "X2", "X7", "X3", "X4", "X5"]
    # Whole days, and an action with no due date is 0 days overdue (as a CSV shows them).
    assert [str(v) for v in df["days_overdue"]] == ["1", "0", "0", "0", "0", "0"]


def test_an_action_with_no_owner_is_in_its_case_workers_team(tmp_path):
    tk = _actions_store(tmp_path)
    df = tk.overdue_actions(as_of="2025-03-20")
    assert dict(zip(df["action_id"], df["team"])) == {
        "X1": "South", "X2": "South", "X7": "South", "X3": "South", "X4": "South"}
    assert "X7" in set(tk.overdue_actions(as_of="2025-03-20", team="South")["action_id"])
    assert tk.overdue_actions(as_of="2025-03-20", team="North").empty


# -- contract reviews and observations ---------------------------------------------------------
def test_contract_review_is_annual(tmp_path):
    tk = store(tmp_path, [person("A"), person("B", leaving_date=D("2025-12-31")), person("C")])
    k = contract(tk, "A", "havering_social_work", start="2025-01-06")
    contract(tk, "B", "havering_social_work", start="2025-01-06")
    contract(tk, "C", "hscb_multi_agency", start="2025-02-01", review_date=D("2025-08-01"))
    df = tk.contract_reviews(as_of="2026-01-10")
    r = row(df, "contract_id", k.id)
    assert day(r["review_due"]) == D("2026-01-06") and r["days_overdue"] == 4
    assert r["supervisor"] == "Sam Supervisor" and not r["signed"]
    assert "B" not in set(df["supervisee_id"])                          # left in December
    assert row(df, "supervisee_id", "C")["days_overdue"] == 162
    assert tk.contract_reviews(as_of="2025-01-05").empty               # not started yet
    tk.as_user("sam").sign_contract(k.id)
    tk.as_user("a").sign_contract(k.id)
    assert bool(row(tk.contract_reviews(as_of=dt.date.today()), "contract_id", k.id)["signed"])


def test_observations_twice_a_year(tmp_path):
    """At least two recorded observations in any 12 months [Havering 8]: the next is due a
    year after the second most recent, not six months after the last."""
    tk = store(tmp_path, [person("A"), person("B"), person("T", team="School"), person("P")])
    contract(tk, "B", "havering_social_work", start="2025-01-06")
    contract(tk, "T", "temple_school_dsl", start="2025-01-06")
    contract(tk, "P", "havering_social_work", start="2024-03-04")
    observe(tk, "A", "2025-01-15")
    observe(tk, "A", "2025-06-30")
    observe(tk, "P", "2024-05-01")
    observe(tk, "P", "2025-05-01", recorded=False)   # planned, its date passed, never written up
    df = tk.observations_due(as_of="2025-08-01")
    a = row(df, "supervisee_id", "A")
    assert day(a["last_observed"]) == D("2025-06-30") and day(a["next_due"]) == D("2026-01-15")
    assert (a["in_last_year"], a["required"], a["days_overdue"]) == (2, 2, 0)
    b = row(df, "supervisee_id", "B")   # none yet: two due within a year of the contract
    assert day(b["next_due"]) == D("2026-01-06") and b["days_overdue"] == 0
    assert b["reason"] == ("Next due 6 Jan 2026 (twice a year, 0 in the last "
                           "12 months); none recorded yet.")
    p = row(df, "supervisee_id", "P")   # one recorded: the contract start stands in for the 2nd
    assert day(p["next_due"]) == D("2025-03-04") and p["days_overdue"] == 150
    assert p["in_last_year"] == 0 and day(p["last_observed"]) == D("2024-05-01")
    assert p["reason"].endswith("last observed 1 May 2024; 1 planned but not recorded.")
    assert "T" not in set(df["supervisee_id"])                          # schools: no requirement
    assert row(tk.observations_due(as_of="2025-03-01"), "supervisee_id", "A")["in_last_year"] == 1
