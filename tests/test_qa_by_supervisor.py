"""QA read by supervisor [Havering 9 (repeated late recording); PG41 4 (direct reports);
HSCB Appendix I (evaluation)], on hand-made data and in the QA app."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from supervision_kit.analytics.governance import by_supervisor
from supervision_kit.apps.qa_app import QualityAssuranceApp
from supervision_kit.domain.records import Evaluation

D = dt.date(2026, 3, 1)
NAMES = {"S1": "Sam", "S2": "Sue"}


def hand_made():
    due = pd.DataFrame({"supervisee_id": ["A", "B", "C"], "supervisor_id": ["S1", "S1", "S2"],
                        "days_overdue": [-3, 12, 0]})
    late = pd.DataFrame({"session_id": ["x", "y", "z"], "date": [D] * 3,
                         "supervisor_id": ["S1", "S1", "S2"], "supervisee_ids": [["A"], ["B"], ["C"]],
                         "issue": ["recorded late", "not recorded", "unsigned"], "days": [2, 5, 9]})
    evs = [Evaluation("A", "S1", D, answers=["yes"] * 6 + ["no"] * 2 + [None] * 2),
           Evaluation("C", "S2", D, answers=["maybe"] * 10)]
    return due, late, evs


def test_by_supervisor_on_hand_made_data():
    df = by_supervisor(*hand_made(), NAMES, repeated_late=2).set_index("supervisor_id")
    sam, sue = df.loc["S1"], df.loc["S2"]
    assert (sam["supervisees"], sam["within_frequency"], sam["pct_within"]) == (2, 1, 50.0)
    assert (sam["late"], sam["unsigned"], bool(sam["repeated_late"])) == (2, 0, True)
    assert (sam["evaluations"], sam["eval_yes_pct"]) == (1, 75.0)
    assert (sue["supervisees"], sue["pct_within"], sue["unsigned"], sue["late"]) == (1, 100.0, 1, 0)
    assert not bool(sue["repeated_late"]) and sue["eval_yes_pct"] == 0.0
    assert df.index[0] == "S1"  # the flagged supervisor comes first
    # The threshold is the preset's: three late records are needed, Sam has two.
    assert not by_supervisor(*hand_made(), NAMES, repeated_late=3)["repeated_late"].any()


def test_qa_app_has_a_supervisor_tab_and_filter(world):
    from tests.test_maintenance import signed_session
    signed_session(world, ["P2"], dt.date(2026, 1, 5))
    qa = QualityAssuranceApp(world.as_user("aud"), as_of=dt.date(2026, 2, 1))
    tab = qa.governance_tabs["supervisors"]
    assert "Sam Supervisor" in tab.frame["supervisor"].tolist()
    assert "By supervisor" in qa.tabs.titles and "Diversity" in qa.tabs.titles
    qa.supervisor.value = "P4"
    qa.refresh_button.click()  # a tab off screen is brought up to date when shown or read
    assert set(qa.governance_tabs["supervisors"].frame["supervisor_id"]) <= {"P4"}
    assert world.policy()["records"]["repeated_late"] == 2  # preset data [Havering 9]


def test_supervisors_development_take_up(world):
    """Supervision-skills training for anyone who supervises, with a refresher period;
    equality and diversity training for all [PG41 4; Havering 13.1; Surrey 6-7]."""
    world.as_user("sam").add_training_record("P1", "Supervision skills refresher", 3, "2024-03-01")
    world.as_user("sam").add_training_record("P2", "Equality, Diversity and Inclusion", 1, "2023-01-10")
    dev = world.as_user("aud").development_take_up(as_of="2026-02-01")
    st = dev["status"].set_index(["practitioner_id", "course"])
    assert bool(st.loc[("P1", "Supervision skills"), "up_to_date"])  # due 1 Mar 2027
    assert not bool(st.loc[("P4", "Supervision skills"), "up_to_date"])  # Sue: never
    assert ("P2", "Supervision skills") not in st.index  # Pat supervises nobody
    assert st.loc[("P2", "Equality and diversity"), "refresher_due"] == dt.date(2026, 1, 10)
    assert not bool(st.loc[("P2", "Equality and diversity"), "up_to_date"])  # lapsed
    north = dev["take_up"].set_index(["course", "team"]).loc[("Supervision skills", "North")]
    assert (north["staff"], north["up_to_date"]) == (2, 1)  # Sam yes, Mia (manager) no
    qa = QualityAssuranceApp(world.as_user("aud"), as_of=dt.date(2026, 2, 1))
    assert "Supervision skills" in qa.governance_tabs["supervisors"].development["course"].tolist()
