"""Case discussion windows and drift (issue 3, parts 3 and 5)."""
from tests.rules_store import D, case, contract, day, hold, person, row, store

WINDOW_COLUMNS = ["case_id", "reference", "worker_id", "worker", "status", "last_discussed",
                  "due_by", "days_overdue", "quarterly_review_due"]
DRIFT_COLUMNS = ["case_id", "reference", "worker_id", "worker", "status", "reason", "since", "rags"]


def window(tk, cid, as_of):
    return row(tk.case_windows(as_of=as_of), "case_id", cid)


def drift_of(tk, cid, as_of):
    df = tk.drift(as_of=as_of)
    hit = df[df["case_id"] == cid]
    return None if hit.empty else hit.iloc[0].to_dict()


def test_cp_case_discussed_on_31_december_is_due_by_the_end_of_february(tmp_path):
    tk = store(tmp_path, [person("A")], [case("CP", "A", "child protection plan"),
                                         case("CP2", "A", "child protection plan")])
    hold(tk, "A", "2025-12-31", discussions=[("CP", "A")])
    hold(tk, "A", "2027-12-31", discussions=[("CP2", "G")])
    df = tk.case_windows(as_of="2026-01-05")
    assert list(df.columns[:9]) == WINDOW_COLUMNS
    r = window(tk, "CP", "2026-01-05")
    assert day(r["last_discussed"]) == D("2025-12-31") and day(r["due_by"]) == D("2026-02-28")
    assert r["days_overdue"] == 0 and r["window"] == "at least every 2 months"
    assert window(tk, "CP", "2026-03-01")["days_overdue"] == 1
    assert day(window(tk, "CP2", "2028-01-02")["due_by"]) == D("2028-02-29")     # leap year


def test_windows_by_status_and_never_discussed(tmp_path):
    tk = store(tmp_path, [person("A")], [
        case("CIN", "A", "child in need"), case("EH", "A", "early help"),
        case("NEW", "A", "child protection plan", opened="2025-01-06")])
    hold(tk, "A", "2025-11-30", discussions=[("CIN", "A")])
    hold(tk, "A", "2025-01-31", discussions=[("EH", "G")])
    # Havering 9.2: all cases monthly (child in need too); CP at least every two months.
    assert day(window(tk, "CIN", "2025-12-01")["due_by"]) == D("2025-12-30")
    assert day(window(tk, "EH", "2025-02-01")["due_by"]) == D("2025-02-28")      # monthly
    r = window(tk, "NEW", "2025-03-10")
    assert day(r["last_discussed"]) is None and day(r["due_by"]) == D("2025-03-06")
    assert r["days_overdue"] == 4
    contract(tk, "A", "hscb_multi_agency", start="2025-01-06")   # HSCB aim 4: 3 months apart
    assert day(window(tk, "CIN", "2025-12-01")["due_by"]) == D("2026-02-28")


def test_quarterly_case_review(tmp_path):
    tk = store(tmp_path, [person("A")], [case("C", "A", "child in need", opened="2025-01-06")])
    assert day(window(tk, "C", "2025-01-07")["quarterly_review_due"]) == D("2025-04-06")
    hold(tk, "A", "2025-02-10", discussions=[("C", "A", True)])
    hold(tk, "A", "2025-03-10", discussions=[("C", "A")])
    assert day(window(tk, "C", "2025-03-11")["quarterly_review_due"]) == D("2025-05-10")
    # The school preset has no quarterly review.
    contract(tk, "A", "temple_school_dsl", start="2025-01-06")
    assert day(window(tk, "C", "2025-03-11")["quarterly_review_due"]) is None


def test_status_as_of_its_history_closed_and_not_yet_opened_cases(tmp_path):
    tk = store(tmp_path, [person("A")], [case("C", "A", "child in need", opened="2025-01-06"),
                                         case("X", "A", "early help", opened="2025-01-06"),
                                         case("LATE", "A", "early help", opened="2025-08-01")])
    hold(tk, "A", "2025-05-15", discussions=[("C", "A"), ("X", "A")])
    tk.set_case_status("C", "child protection plan", "2025-06-01")
    tk.set_case_status("X", "closed", "2025-06-01")
    r = window(tk, "C", "2025-05-31")
    assert r["status"] == "child in need" and day(r["due_by"]) == D("2025-06-15")  # monthly
    r = window(tk, "C", "2025-07-20")
    assert r["status"] == "child protection plan" and day(r["due_by"]) == D("2025-07-15")
    assert r["days_overdue"] == 5
    assert "X" in set(tk.case_windows(as_of="2025-05-31")["case_id"])
    assert "X" not in set(tk.case_windows(as_of="2025-06-02")["case_id"])
    assert "LATE" not in set(tk.case_windows(as_of="2025-07-31")["case_id"])
    assert "LATE" in set(tk.case_windows(as_of="2025-08-01")["case_id"])


def test_a_contract_override_changes_a_window(tmp_path):
    tk = store(tmp_path, [person("A")], [case("C", "A", "child in need")])
    contract(tk, "A", "havering_social_work",
             overrides={"cases": {"windows": {"child in need": {"within_weeks": 6}}}})
    hold(tk, "A", "2025-03-03", discussions=[("C", "A")])
    r = window(tk, "C", "2025-03-04")
    assert day(r["due_by"]) == D("2025-04-14") and r["window"] == "at least every 6 weeks"


# -- drift ----------------------------------------------------------------------------
def rated(tk, pid, cid, pairs):
    for date, rag in pairs:
        hold(tk, pid, date, discussions=[(cid, rag)])


def test_amber_for_four_consecutive_discussions(tmp_path):
    tk = store(tmp_path, [person("A")], [case("C", "A", "early help", opened="2025-12-01")])
    rated(tk, "A", "C", [("2026-02-02", "G"), ("2026-03-02", "A"), ("2026-04-02", "A"),
                         ("2026-05-04", "A"), ("2026-06-01", "A")])
    r = drift_of(tk, "C", "2026-06-10")
    assert r["reason"] == "Amber for 4 consecutive discussions since 2 Mar 2026."
    assert day(r["since"]) == D("2026-03-02") and r["rags"] == "GAAAA"
    assert list(tk.drift(as_of="2026-06-10").columns[:8]) == DRIFT_COLUMNS
    # As of April only two ambers: not drift yet (K = 3).
    assert drift_of(tk, "C", "2026-04-05") is None
    assert drift_of(tk, "C", "2026-05-04")["reason"] == \
        "Amber for 3 consecutive discussions since 2 Mar 2026."


def test_a_green_breaks_the_run_and_unrated_discussions_are_skipped(tmp_path):
    tk = store(tmp_path, [person("A")], [case("C", "A", "early help", opened="2025-12-01"),
                                         case("D", "A", "early help", opened="2025-12-01")])
    rated(tk, "A", "C", [("2026-01-05", "A"), ("2026-02-02", "A"), ("2026-03-02", "G"),
                         ("2026-03-30", "A")])
    assert drift_of(tk, "C", "2026-04-01") is None
    rated(tk, "A", "D", [("2026-01-06", "R"), ("2026-02-03", None), ("2026-03-03", "R"),
                         ("2026-03-31", "R")])
    r = drift_of(tk, "D", "2026-04-01")
    assert r["reason"] == "Red for 3 consecutive discussions since 6 Jan 2026." and r["rags"] == "RRR"


def test_worsening_runs(tmp_path):
    tk = store(tmp_path, [person("A")], [case(c, "A", "early help", opened="2025-12-01")
                                         for c in ("GAR", "AR", "RR", "GA")])
    rated(tk, "A", "GAR", [("2026-01-05", "G"), ("2026-02-02", "A"), ("2026-03-02", "R")])
    rated(tk, "A", "AR", [("2026-01-06", "G"), ("2026-01-20", "G"), ("2026-02-03", "A"),
                          ("2026-02-17", "A"), ("2026-03-03", "R")])
    rated(tk, "A", "RR", [("2026-01-07", "G"), ("2026-03-04", "R"), ("2026-03-05", "R")])
    rated(tk, "A", "GA", [("2026-02-09", "G"), ("2026-03-09", "A")])
    as_of = "2026-03-10"
    r = drift_of(tk, "GAR", as_of)
    assert r["reason"] == "Getting worse (Green → Amber → Red) since 5 Jan 2026."
    assert r["flags"] == "worsening"
    r = drift_of(tk, "AR", as_of)
    assert r["reason"] == ("Amber or red for 3 consecutive discussions since 3 Feb 2026. "
                           "Getting worse (Amber → Red) since 17 Feb 2026.")
    assert day(r["since"]) == D("2026-02-03") and r["flags"] == "consecutive,worsening"
    assert drift_of(tk, "RR", as_of) is None                   # red twice: same, not worse
    assert drift_of(tk, "GA", as_of) is None                   # not (yet) red


def test_k_comes_from_the_preset_and_a_contract_override(tmp_path):
    tk = store(tmp_path, [person("A"), person("B")], [case("C", "A", "early help", opened="2026-01-01"),
                                                     case("D", "B", "early help", opened="2026-01-01")])
    contract(tk, "A", "havering_social_work", start="2026-01-01",
             overrides={"drift": {"consecutive_amber_red": 2}})
    rated(tk, "A", "C", [("2026-01-05", "A"), ("2026-02-02", "A")])
    rated(tk, "B", "D", [("2026-01-05", "A"), ("2026-02-02", "A")])
    assert drift_of(tk, "C", "2026-02-03")["reason"] == \
        "Amber for 2 consecutive discussions since 5 Jan 2026."
    assert drift_of(tk, "D", "2026-02-03") is None


def test_no_improvement_over_three_months(tmp_path):
    tk = store(tmp_path, [person("A")], [case("C", "A", "early help", opened="2025-12-01")])
    rated(tk, "A", "C", [("2025-12-15", "G"), ("2026-01-05", "A"), ("2026-03-02", "A")])
    assert drift_of(tk, "C", "2026-04-04") is None
    r = drift_of(tk, "C", "2026-04-06")
    assert r["reason"] == "No improvement: no green rating in 2 discussions since 5 Jan 2026."
    assert r["flags"] == "no_improvement" and day(r["since"]) == D("2026-01-05")


def test_cp_and_cin_not_discussed_inside_the_window(tmp_path):
    tk = store(tmp_path, [person("A")], [case("CP", "A", "child protection plan", opened="2025-11-03"),
                                         case("EH", "A", "early help", opened="2025-11-03"),
                                         case("CIN", "A", "child in need", opened="2025-11-03")])
    hold(tk, "A", "2025-12-31", discussions=[("CP", "G"), ("EH", "G")])
    assert drift_of(tk, "CP", "2026-02-28") is None
    r = drift_of(tk, "CP", "2026-03-01")
    assert r["reason"] == ("Not discussed since 31 Dec 2025 (child protection plan: at least "
                           "every 2 months; due by 28 Feb 2026).")
    assert r["flags"] == "undiscussed" and r["rags"] == "G"
    assert drift_of(tk, "EH", "2026-03-01") is None            # other statuses: window only
    r = drift_of(tk, "CIN", "2026-03-01")
    assert r["reason"] == ("Never discussed since the case opened on 3 Nov 2025 (child in need: "
                           "at least monthly; due by 3 Dec 2025).")   # Havering 9.2
    assert r["rags"] == "" and day(r["since"]) == D("2025-11-03")   # since it opened


def test_a_closed_case_does_not_drift(tmp_path):
    tk = store(tmp_path, [person("A")], [case("C", "A", "child protection plan", opened="2025-11-03")])
    rated(tk, "A", "C", [("2025-12-01", "R"), ("2025-12-15", "R"), ("2026-01-05", "R")])
    assert drift_of(tk, "C", "2026-01-06") is not None
    tk.set_case_status("C", "closed", "2026-01-10")
    assert drift_of(tk, "C", "2026-01-11") is None
    assert drift_of(tk, "C", "2026-01-06") is not None          # as of before closing


def test_drift_as_of_ignores_later_discussions(tmp_path):
    tk = store(tmp_path, [person("A")], [case("C", "A", "early help", opened="2025-11-03")])
    rated(tk, "A", "C", [("2025-12-01", "A"), ("2025-12-15", "A"), ("2026-01-05", "A"),
                         ("2026-01-19", "G")])
    assert drift_of(tk, "C", "2026-01-18") is not None
    assert drift_of(tk, "C", "2026-01-19") is None


def test_visibility_and_team(tmp_path):
    tk = store(tmp_path, [person("A"), person("Q", team="South", line_manager_id=None)],
               [case("CA", "A", "child protection plan", opened="2025-01-06"),
                case("CQ", "Q", "child protection plan", opened="2025-01-06")])
    assert set(tk.drift(as_of="2025-06-01")["case_id"]) == {"CA", "CQ"}
    assert set(tk.drift(as_of="2025-06-01", team="South")["case_id"]) == {"CQ"}
    assert set(tk.as_user("sam").drift(as_of="2025-06-01")["case_id"]) == {"CA"}
    assert set(tk.as_user("q").case_windows(as_of="2025-06-01")["case_id"]) == {"CQ"}


# Found by the mutation run (group rules): straight from green to red, a contract that turns
# the worsening rule off, and a closed case whose last ratings got worse.
def test_green_straight_to_red_worsening_off_and_closed(tmp_path):
    tk = store(tmp_path, [person("A"), person("B")],
               [case(c, w, "early help", opened="2025-12-01")
                for c, w in (("GR", "A"), ("OFF", "B"), ("SHUT", "A"))])
    contract(tk, "B", "havering_social_work", start="2025-12-01",
             overrides={"drift": {"worsening": False}})
    for cid, pid in (("GR", "A"), ("OFF", "B"), ("SHUT", "A")):
        rated(tk, pid, cid, [("2026-01-08", "G"), ("2026-03-06", "R")])
    tk.set_case_status("SHUT", "closed", "2026-03-09")
    assert drift_of(tk, "GR", "2026-03-10")["reason"] == \
        "Getting worse (Green → Red) since 8 Jan 2026."
    assert drift_of(tk, "OFF", "2026-03-10") is None       # the contract turns the rule off
    assert set(tk.drift(as_of="2026-03-10")["case_id"]) == {"GR"}   # SHUT closed on 9 March


def test_no_improvement_counted_in_days_and_not_repeated_once_the_run_is_k_long(tmp_path):
    tk = store(tmp_path, [person("A"), person("B")],
               [case("K", "A", "early help", opened="2025-12-01"),
                case("DAYS", "B", "early help", opened="2025-12-01")])
    contract(tk, "B", "havering_social_work", start="2025-12-01",
             overrides={"drift": {"no_improvement_days": 45}})
    rated(tk, "B", "DAYS", [("2026-01-05", "A"), ("2026-02-02", "A")])
    assert drift_of(tk, "DAYS", "2026-02-18") is None       # 5 January + 45 days = 19 February
    assert drift_of(tk, "DAYS", "2026-02-19")["reason"] == \
        "No improvement: no green rating in 2 discussions since 5 Jan 2026."
    # Three ambers (K = 3) over more than three months: the consecutive flag says it all.
    rated(tk, "A", "K", [("2026-01-05", "A"), ("2026-02-02", "A"), ("2026-03-02", "A")])
    r = drift_of(tk, "K", "2026-04-06")
    assert (r["reason"], r["flags"]) == \
        ("Amber for 3 consecutive discussions since 5 Jan 2026.", "consecutive")


# Found by the mutation run (group rules, 2 Dec 2026): drift worked out for some workers
# only (the session recorder's supervisees) and with a page's shared windows.
def test_drift_for_some_workers_or_beside_the_pages_windows_flags_as_the_agencys(tmp_path):
    """``worker_ids`` (the recorder asks about its supervisees' cases) and a page that has
    already worked out the case windows (``same_reads``) give the same drifting cases and
    reasons as the agency-wide list, also for a worker whose contract changes the policy."""
    tk = store(tmp_path, [person("A"), person("B")],
               [case("CA", "A", "early help", opened="2025-12-01"),
                case("CB", "B", "child protection plan", opened="2025-12-01")])
    contract(tk, "B", "havering_social_work", start="2025-12-01",
             overrides={"drift": {"worsening": False}})
    rated(tk, "A", "CA", [("2026-01-08", "G"), ("2026-03-06", "R")])
    rated(tk, "B", "CB", [("2025-12-08", "R"), ("2025-12-22", "R"), ("2026-01-05", "R")])
    whole = tk.drift(as_of="2026-03-10")
    assert dict(zip(whole["case_id"], whole["reason"])) == {
        "CA": "Getting worse (Green → Red) since 8 Jan 2026.",
        "CB": "Red for 3 consecutive discussions since 8 Dec 2025. Not discussed since 5 Jan "
              "2026 (child protection plan: at least every 2 months; due by 5 Mar 2026)."}
    for ids in (["B"], ["A"]):
        mine = tk.drift(as_of="2026-03-10", worker_ids=ids)
        assert mine.to_dict("records") == \
            whole[whole["worker_id"].isin(ids)].to_dict("records")
    with tk.same_reads():  # the windows worked out once, for another section of the page
        assert set(tk.case_windows(as_of="2026-03-10")["case_id"]) == {"CA", "CB"}
        paged = tk.drift(as_of="2026-03-10")
    assert paged.to_dict("records") == whole.to_dict("records")
