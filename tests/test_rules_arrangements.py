"""Part-time equivalence [Havering 5] and newly appointed phases [Temple; HSCB], with
hand-worked dates, on SQLite and PostgreSQL."""
import pytest

from supervision_kit.errors import ValidationError
from supervision_kit.rules.supervision import pro_rata
from tests.fixtures_pg import db_url, pg_server  # noqa: F401
from tests.rules_store import D, contract, day, hold, person, row, store


def due_row(tk, pid, as_of):
    return row(tk.due(as_of=as_of), "supervisee_id", pid)


def test_half_time_under_havering_is_the_equivalent_of_a_months_work(db_url, tmp_path):
    tk = store(tmp_path, [person("H", working_percent=50), person("F"),
                          person("E", working_percent=80), person("T", team="School",
                                                                  working_percent=50)],
               url=db_url)
    for pid in ("H", "F", "E"):
        contract(tk, pid, "havering_social_work", start="2025-06-02")
        hold(tk, pid, "2025-10-06")
    contract(tk, "T", "temple_school_dsl", start="2025-06-02")
    hold(tk, "T", "2025-10-06")
    h = due_row(tk, "H", "2025-12-10")
    # monthly at 0.5 of full time: two months after 6 Oct is 6 Dec; 4 days late on the 10th
    assert day(h["next_due"]) == D("2025-12-06") and h["days_overdue"] == 4
    assert "monthly pro rata for 50% of full time: every 2 months" in h["reason"]
    f = due_row(tk, "F", "2025-12-10")
    assert day(f["next_due"]) == D("2025-11-06") and f["days_overdue"] == 34
    # 80%: a month (365.25 / 12 = 30.44 days) / 0.8 = 38 days: 6 Oct + 38 = 13 Nov
    assert day(due_row(tk, "E", "2025-11-01")["next_due"]) == D("2025-11-13")
    # The school preset is once a half term whatever the hours.
    assert day(due_row(tk, "T", "2025-11-01")["next_due"]) == D("2025-12-19")


def test_pro_rata_periods():
    assert pro_rata((1, 0), 50) == (2, 0)
    assert pro_rata((3, 0), 75) == (4, 0)
    assert pro_rata((1, 0), 80) == (0, 38)
    assert pro_rata((0, 14), 50) == (0, 28)


def test_temple_newly_appointed_monthly_for_six_months_then_half_termly(db_url, tmp_path):
    tk = store(tmp_path, [person("N", team="School", started_in_post=D("2025-09-01")),
                          person("V", team="School", started_in_post=D("2019-09-02"))], url=db_url)
    contract(tk, "N", "temple_school_dsl", start="2025-09-01")
    contract(tk, "V", "temple_school_dsl", start="2025-09-01")
    n = due_row(tk, "N", "2025-09-10")   # none yet: a month from the start in post
    assert day(n["next_due"]) == D("2025-10-01")
    assert "monthly in the first 6 months in post" in n["reason"]
    hold(tk, "N", "2025-09-15")
    hold(tk, "V", "2025-09-15")
    assert day(due_row(tk, "N", "2025-09-20")["next_due"]) == D("2025-10-15")
    # Started six years ago: once every half term, the end of Autumn 2 2025.
    v = due_row(tk, "V", "2025-09-20")
    assert day(v["next_due"]) == D("2025-12-19") and "Autumn 2 2025" in v["reason"]
    hold(tk, "N", "2026-02-20")          # before 1 Mar 2026: still monthly
    assert day(due_row(tk, "N", "2026-02-21")["next_due"]) == D("2026-03-20")
    hold(tk, "N", "2026-03-05")          # six months in post are over: the end of Summer 1
    n = due_row(tk, "N", "2026-03-06")
    assert day(n["next_due"]) == D("2026-05-22") and "Summer 1 2026" in n["reason"]


def test_hscb_newly_appointed_monthly_then_quarterly(tmp_path):
    tk = store(tmp_path, [person("N", started_in_post=D("2025-09-01")), person("V")])
    for pid in ("N", "V"):
        contract(tk, pid, "hscb_multi_agency", start="2025-09-01")
        hold(tk, pid, "2025-09-15")
    assert day(due_row(tk, "N", "2025-09-20")["next_due"]) == D("2025-10-15")
    assert day(due_row(tk, "V", "2025-09-20")["next_due"]) == D("2025-12-15")


def test_working_percent_is_checked_and_kept(tmp_path):
    tk = store(tmp_path, [person("H", working_percent="60%", started_in_post="2025-01-06")])
    p = {x.id: x for x in tk.practitioners()}["H"]
    assert (p.working_percent, p.started_in_post) == (60, D("2025-01-06"))
    with pytest.raises(ValidationError) as e:
        tk.add_practitioners([person("X", working_percent=150)])
    assert "working_percent" in e.value.field and "between 5 and 100" in e.value.message
