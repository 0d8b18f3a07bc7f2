"""Supervision frequency (issue 3, part 2): dates worked out by hand from the seed numbers."""
import datetime as dt
from pathlib import Path

import pytest

from supervision_kit.config import Settings
from supervision_kit.errors import AccessDenied
from supervision_kit.facade import Toolkit
from tests.rules_store import D, cancel, contract, day, hold, person, row, store

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

COLUMNS = ["supervisee_id", "name", "team", "preset", "last_held", "next_due", "days_overdue",
           "reason"]


def due_of(tk, pid, as_of):
    r = row(tk.due(as_of=as_of), "supervisee_id", pid)
    return day(r["next_due"]), r["days_overdue"], r


def test_columns_and_no_sessions_yet(tmp_path):
    tk = store(tmp_path, [person("A")])
    df = tk.due(as_of="2025-03-03")
    assert list(df.columns[:8]) == COLUMNS
    nd, late, r = due_of(tk, "A", "2025-03-03")
    # No session, no contract, no ASYE start: due now, not yet overdue.
    assert nd == D("2025-03-03") and late == 0 and day(r["last_held"]) is None
    assert r["reason"] == "Due now: no supervision recorded yet."
    assert r["preset"] == "havering_social_work"
    # The supervisor, who is nobody's supervisee, is not listed.
    assert "S" not in set(df["supervisee_id"])


def test_no_sessions_yet_counts_from_the_contract_start(tmp_path):
    tk = store(tmp_path, [person("A")])
    contract(tk, "A", "havering_social_work", start="2025-01-15")
    nd, late, r = due_of(tk, "A", "2025-03-03")
    assert nd == D("2025-02-15") and late == 16
    assert r["reason"] == "Overdue by 16 days: due 15 Feb 2025 (monthly); none held yet."


def test_monthly_from_the_last_held_session(tmp_path):
    tk = store(tmp_path, [person("A")])
    hold(tk, "A", "2025-01-31")
    assert due_of(tk, "A", "2025-02-01")[:2] == (D("2025-02-28"), 0)   # end of month clipped
    assert due_of(tk, "A", "2025-02-28")[:2] == (D("2025-02-28"), 0)
    nd, late, r = due_of(tk, "A", "2025-03-05")
    assert (nd, late) == (D("2025-02-28"), 5)
    assert r["reason"] == "Overdue by 5 days: due 28 Feb 2025 (monthly); last held 31 Jan 2025."
    hold(tk, "A", "2025-03-04")
    assert due_of(tk, "A", "2025-03-05")[:2] == (D("2025-04-04"), 0)


def test_held_means_not_cancelled_and_of_a_counted_type(tmp_path):
    tk = store(tmp_path, [person("A"), person("B")])
    hold(tk, "A", "2025-01-10")                          # a draft: it took place, so it counts
    hold(tk, "A", "2025-02-03", type="ad-hoc")           # Havering 5: ad hoc is "in addition"
    hold(tk, ["A", "B"], "2025-02-05", type="group")     # so is team-group supervision
    cancel(tk, "A", "2025-02-07", reason="supervisor on leave")
    nd, late, r = due_of(tk, "A", "2025-02-20")
    assert day(r["last_held"]) == D("2025-01-10") and nd == D("2025-02-10") and late == 10
    # In a school, group supervision counts (Temple).
    contract(tk, "B", "temple_school_dsl", start="2025-01-06")
    assert day(row(tk.due(as_of="2025-02-20"), "supervisee_id", "B")["last_held"]) == D("2025-02-05")


def test_asye_monday_start_weekly_for_six_weeks_then_fortnightly_then_monthly(tmp_path):
    start = D("2025-09-01")                                  # a Monday
    tk = store(tmp_path, [person("N", asye_start=start)])
    week = dt.timedelta(days=7)
    nd, _, r = due_of(tk, "N", start)
    assert nd == start + week and r["reason"].endswith("(weekly in the first 6 weeks of ASYE); none held yet.")
    for k in range(1, 6):                                     # held on each weekly due date
        hold(tk, "N", start + k * week)
        assert due_of(tk, "N", start + k * week)[0] == start + (k + 1) * week
    hold(tk, "N", start + 6 * week)                           # 13 October: six weeks done
    nd, _, r = due_of(tk, "N", start + 6 * week)
    assert nd == D("2025-10-27") and "fortnightly in the first 6 months of ASYE" in r["reason"]
    hold(tk, "N", D("2026-02-23"))                            # before 1 March (six months)
    assert due_of(tk, "N", "2026-02-23")[0] == D("2026-03-09")
    hold(tk, "N", D("2026-03-09"))                            # after six months: monthly
    nd, _, r = due_of(tk, "N", "2026-03-09")
    assert nd == D("2026-04-09") and "(monthly)" in r["reason"]


def test_asye_counts_from_the_start_not_from_an_earlier_session(tmp_path):
    tk = store(tmp_path, [person("N", asye_start=D("2025-09-01"))])
    hold(tk, "N", "2025-08-20")                               # induction before the ASYE start
    assert due_of(tk, "N", "2025-09-03")[:2] == (D("2025-09-08"), 0)
    # An ASYE start in the future does not apply yet.
    assert due_of(tk, "N", "2025-08-25")[0] == D("2025-09-20")


def test_sickness_return_on_a_thursday_before_a_bank_holiday_monday(tmp_path):
    tk = store(tmp_path, [person("A")])
    hold(tk, "A", "2025-07-14")
    cancel(tk, "A", "2025-08-11", return_date="2025-08-21")   # back on Thursday 21 August
    # Fri 22 (1), [Mon 25 bank holiday], Tue 26 (2), Wed 27 (3), Thu 28 (4), Fri 29 (5).
    nd, late, r = due_of(tk, "A", "2025-08-22")
    assert (nd, late) == (D("2025-08-29"), 0)
    assert r["reason"] == ("Next due 29 Aug 2025 (within 5 working days of return from sickness "
                           "on 21 Aug 2025); last held 14 Jul 2025.")
    assert due_of(tk, "A", "2025-09-01")[:2] == (D("2025-08-29"), 3)
    hold(tk, "A", "2025-08-27")                               # held: back to monthly
    assert due_of(tk, "A", "2025-09-01")[:2] == (D("2025-09-27"), 0)


def test_sickness_over_easter_and_before_the_return_is_known(tmp_path):
    tk = store(tmp_path, [person("A"), person("B")])
    hold(tk, "A", "2026-03-02")
    cancel(tk, "A", "2026-03-30", return_date="2026-04-02")   # Thursday before Good Friday
    assert due_of(tk, "A", "2026-04-02")[0] == D("2026-04-13")
    cancel(tk, "B", "2026-03-30", reason="Sickness ")         # still off, return not known
    nd, late, r = due_of(tk, "B", "2026-04-20")
    assert nd is None and late == 0
    assert "off sick since 30 Mar 2026: due within 5 working days of return" in r["reason"]
    # A cancellation for another reason leaves the monthly rule in place.
    cancel(tk, "A", "2026-04-01", reason="training", return_date="2026-04-02")
    assert due_of(tk, "A", "2026-04-02")[0] == D("2026-04-13")


def test_school_dsl_once_every_half_term(tmp_path):
    tk = store(tmp_path, [person("T", team="School"), person("U", team="School"),
                          person("V", team="School")])
    for pid, start in (("T", "2025-09-03"), ("U", "2025-11-10"), ("V", "2025-12-22")):
        contract(tk, pid, "temple_school_dsl", start=start)
    hold(tk, "T", "2025-10-20")                               # in Autumn 1 (3 Sep - 24 Oct)
    nd, late, r = due_of(tk, "T", "2025-10-21")
    assert (nd, late) == (D("2025-12-19"), 0)                 # by the end of Autumn 2
    assert "once every half term, Autumn 2 2025" in r["reason"]
    assert due_of(tk, "T", "2025-12-20")[:2] == (D("2025-12-19"), 1)
    hold(tk, "T", "2025-10-29")                               # in the October half-term holiday
    assert due_of(tk, "T", "2025-10-30")[0] == D("2025-12-19")
    hold(tk, "T", "2025-11-03")                               # first day of Autumn 2
    assert due_of(tk, "T", "2025-11-04")[0] == D("2026-02-13")  # end of Spring 1
    # No session yet: due by the end of the half term the contract starts in (or the next).
    assert due_of(tk, "U", "2025-11-11")[0] == D("2025-12-19")
    assert due_of(tk, "V", "2025-12-23")[0] == D("2026-02-13")


def test_multi_agency_at_least_quarterly(tmp_path):
    tk = store(tmp_path, [person("H", team="Health")])
    contract(tk, "H", "hscb_multi_agency", start="2025-06-01")
    hold(tk, "H", "2025-11-30")
    assert due_of(tk, "H", "2025-12-01")[0] == D("2026-02-28")


def test_contract_override_interval_days(tmp_path):
    tk = store(tmp_path, [person("A")])
    contract(tk, "A", "havering_social_work", start="2025-01-06",
             overrides={"supervision": {"interval_days": 21}})
    hold(tk, "A", "2025-03-03")
    nd, late, r = due_of(tk, "A", "2025-03-30")
    assert (nd, late) == (D("2025-03-24"), 6) and "(every 3 weeks)" in r["reason"]


def test_a_supervisee_who_left_is_not_listed_after_leaving(tmp_path):
    tk = store(tmp_path, [person("A", leaving_date=D("2025-05-31")), person("B")])
    hold(tk, "A", "2025-03-03")
    assert "A" in set(tk.due(as_of="2025-05-31")["supervisee_id"])
    assert "A" not in set(tk.due(as_of="2025-06-01")["supervisee_id"])


def test_as_of_uses_only_sessions_dated_by_then(tmp_path):
    tk = store(tmp_path, [person("A")])
    hold(tk, "A", "2025-01-10")
    hold(tk, "A", "2025-02-10")
    assert due_of(tk, "A", "2025-02-09")[:2] == (D("2025-02-10"), 0)
    assert due_of(tk, "A", "2025-02-10")[0] == D("2025-03-10")


def test_a_preset_name_nobody_has_falls_back_with_a_note(tmp_path):
    tk = store(tmp_path, [person("A")])
    contract(tk, "A", "retired_preset", start="2025-01-06")
    r = row(tk.due(as_of="2025-01-07"), "supervisee_id", "A")
    assert r["preset"] == "havering_social_work"
    assert r["reason"].startswith("preset 'retired_preset' not found, using havering_social_work")


def test_default_preset_comes_from_settings(tmp_path):
    tk = store(tmp_path, [person("A")], name="s.sqlite")
    tk2 = Toolkit.system(tmp_path / "s.sqlite", settings=Settings(default_preset="hscb_multi_agency"))
    hold(tk, "A", "2025-01-10")
    assert row(tk2.due(as_of="2025-01-11"), "supervisee_id", "A")["next_due"].date() == D("2025-04-10")


def test_suggest_next_session(tmp_path):
    tk = store(tmp_path, [person("A")])
    hold(tk, "A", "2025-01-10")
    assert tk.suggest_next_session("A", after="2025-01-10") == D("2025-02-10")
    hold(tk, "A", "2025-04-07")
    # Due Wed 7 May; suggested on it.  Due dates on a weekend move back to the Friday.
    assert tk.suggest_next_session("A", after="2025-04-07") == D("2025-05-07")
    hold(tk, "A", "2025-05-10")                               # a Saturday: due Tue 10 June
    hold(tk, "A", "2025-07-05")                               # due Tue 5 Aug
    assert tk.suggest_next_session("A", after="2025-04-12") == D("2025-05-07")
    # Already overdue: the next working day.  Fri 22 Aug -> Tue 26 Aug (bank holiday Monday).
    assert tk.suggest_next_session("A", after="2025-08-22") == D("2025-08-26")
    hold(tk, "A", "2025-05-31")                               # Sat 31 May -> due Mon 30 June
    assert tk.suggest_next_session("A", after="2025-05-31") == D("2025-06-30")


def test_suggest_moves_a_weekend_due_date_back(tmp_path):
    tk = store(tmp_path, [person("A")])
    hold(tk, "A", "2025-08-06")                               # due Sat 6 Sept -> Fri 5 Sept
    assert tk.suggest_next_session("A", after="2025-08-06") == D("2025-09-05")


def test_access_team_filter_and_audit(tmp_path):
    tk = store(tmp_path, [person("A"), person("Q", team="South", line_manager_id=None),
                          person("AUD", role="auditor", line_manager_id=None)])
    hold(tk, "A", "2025-01-10")
    assert set(tk.due(as_of="2025-02-01")["supervisee_id"]) == {"A", "Q"}
    assert set(tk.due(as_of="2025-02-01", team="South")["supervisee_id"]) == {"Q"}
    assert set(tk.as_user("sam").due(as_of="2025-02-01")["supervisee_id"]) == {"A"}
    assert set(tk.as_user("a").due(as_of="2025-02-01")["supervisee_id"]) == {"A"}
    log = tk.as_user("aud").audit_log(limit=5)
    views = [e for e in log if e["entity"] == "rules" and e["entity_id"] == "due"]
    assert views and views[0]["action"] == "view" and "as of 2025-02-01" in views[0]["detail"]
    with pytest.raises(AccessDenied):
        tk.as_user("a").suggest_next_session("Q")


def test_term_dates_beyond_the_calendar_fall_back_to_the_interval(tmp_path):
    tk = store(tmp_path, [person("T", team="School")])
    contract(tk, "T", "temple_school_dsl", start="2028-09-04")
    hold(tk, "T", "2028-12-01")                               # in the last half term listed
    nd, _, r = due_of(tk, "T", "2028-12-02")
    assert nd == D("2029-01-26") and "every 8 weeks, no term dates this far ahead" in r["reason"]


def test_a_school_can_use_its_own_term_calendar(tmp_path):
    import shutil

    import yaml
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    (templates / "calendars" / "our_academy_terms.yaml").write_text(yaml.safe_dump({
        "name": "our_academy_terms", "half_terms": [
            {"name": "Autumn A", "start": "2025-09-01", "end": "2025-10-17"},
            {"name": "Autumn B", "start": "2025-11-03", "end": "2025-12-12"}]}))
    store(tmp_path, [person("T", team="School")])
    tk = Toolkit.system(tmp_path / "rules.sqlite", settings=Settings(templates_dir=str(templates)))
    contract(tk, "T", "temple_school_dsl", start="2025-09-01",
             overrides={"supervision": {"term_calendar": "our_academy_terms"}})
    hold(tk, "T", "2025-10-01")
    nd, _, r = due_of(tk, "T", "2025-10-02")
    assert nd == D("2025-12-12") and "once every half term, Autumn B" in r["reason"]


def test_one_persons_suggestion_reads_only_their_rows_and_matches_the_agency_table(tmp_path):
    """suggest_next works out one supervisee's rows (not the whole agency's, issue 15):
    every person's rows, and so their suggested date, are those of the full table."""
    from supervision_kit.rules.policy import PolicyBook
    from supervision_kit.rules.supervision import suggest_next, supervision_due
    from supervision_kit.store.frames import load_frames
    tk = store(tmp_path, [person("A"), person("B"), person("C", team="South")])
    hold(tk, "A", "2025-01-10")
    hold(tk, ["A", "B"], "2025-02-05", type="group")
    contract(tk, "C", "havering_social_work", start="2025-01-15")
    cancel(tk, "B", "2025-02-20", reason="sickness", return_date="2025-03-03")
    when = D("2025-03-05")
    with tk.engine.connect() as conn:
        fr = load_frames(conn, when, only=("supervision",))
    book = PolicyBook(tk.settings.templates, tk.settings.default_preset)
    whole = supervision_due(fr, book, when)
    assert set(whole["supervisee_id"]) == {"A", "B", "C"}
    for pid in ("A", "B", "C"):
        mine = supervision_due(fr, book, when, only={pid})
        expected = whole[whole["supervisee_id"] == pid].reset_index(drop=True)
        assert (mine.astype(str).to_dict("records")
                == expected.astype(str).to_dict("records")), pid
    assert tk.suggest_next_session("B", after=when) >= when
    assert suggest_next(fr, book, when, "S") is None  # the supervisor is nobody's supervisee
