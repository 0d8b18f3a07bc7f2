"""Drift escalation [HSCB aim 3]: an unresolved drift flag reaches the worker's line
manager after the preset delay, not before; outcomes as for management oversight;
professional differences with another agency [HSCB "Managing Professional Differences"]."""
from __future__ import annotations

import datetime as dt

import pytest

from supervision_kit.domain.escalation import escalation_due
from supervision_kit.domain.records import CaseDiscussion
from supervision_kit.errors import AccessDenied, ValidationError
from tests.test_maintenance import signed_session

D = dt.date(2026, 3, 2)


def worsening(world):
    signed_session(world, ["P2"], D, discussions=[CaseDiscussion(case_id="C1", rag="A")])
    signed_session(world, ["P2"], D + dt.timedelta(days=7),
                   discussions=[CaseDiscussion(case_id="C1", rag="R")])


def c1(items):
    return [e for e in items if e["case_id"] == "C1"]


def test_reaches_the_line_manager_after_the_delay_not_before(world):
    worsening(world)
    assert world.policy()["drift"]["escalate_after_days"] == 14  # preset data [HSCB aim 3]
    sam = world.as_user("sam")  # Pat's line manager
    assert c1(sam.drift_escalations(as_of=D + dt.timedelta(days=13))) == []
    found = c1(sam.drift_escalations(as_of=D + dt.timedelta(days=14)))
    assert len(found) == 1
    esc = found[0]
    assert esc["manager_id"] == "P1" and esc["due_on"] == D + dt.timedelta(days=14)
    assert "Getting worse (Amber → Red)" in esc["reason"] and esc["status"] == "pending"
    # Once only, and on nobody else's list.
    assert len(c1(sam.drift_escalations(as_of=D + dt.timedelta(days=20)))) == 1
    assert c1(world.as_user("sue").drift_escalations(as_of=D + dt.timedelta(days=20))) == []
    # The outcome, as for management oversight.
    with pytest.raises(AccessDenied):
        world.as_user("mia").answer_drift_escalation(esc["id"], "agreed", "fine")
    with pytest.raises(ValidationError) as e:
        sam.answer_drift_escalation(esc["id"], "agreed", "  ")
    assert e.value.field == "outcome"
    done = sam.answer_drift_escalation(esc["id"], "agreed", "Amended plan accepted: CP conference")
    assert done["status"] == "agreed" and done["answered_at"] is not None
    actions = [(x["action"], x["entity"]) for x in world.audit_log(limit=30)]
    assert ("escalate", "drift") in actions and ("answer", "drift") in actions


def test_resolved_by_a_rating_change_never_escalates(world):
    worsening(world)
    signed_session(world, ["P2"], D + dt.timedelta(days=10),
                   discussions=[CaseDiscussion(case_id="C1", rag="G")])
    assert c1(world.as_user("sam").drift_escalations(as_of=D + dt.timedelta(days=30))) == []


def test_due_date_rule():
    assert escalation_due(D, (0, 14)) == D + dt.timedelta(days=14)
    assert escalation_due(dt.date(2026, 1, 31), (1, 0)) == dt.date(2026, 2, 28)
    assert escalation_due(D, None) is None


def test_professional_difference_with_another_agency(world):
    pat = world.as_user("pat")
    d = pat.record_professional_difference("C1", "Northshire Police", "practitioner to practitioner",
                                           "Police see no need for a strategy discussion")
    assert (d["agency"], d["stage"], d["outcome"]) == ("Northshire Police",
                                                       "practitioner to practitioner", "")
    d = world.as_user("sam").update_professional_difference(
        d["id"], stage="manager to manager", outcome="Strategy discussion agreed", resolved_on=D)
    assert (d["stage"], d["outcome"], d["resolved_on"]) == ("manager to manager",
                                                           "Strategy discussion agreed", D)
    with pytest.raises(ValidationError) as e:
        pat.record_professional_difference("C1", "Police", "shouting")
    assert e.value.field == "stage"
    with pytest.raises(AccessDenied):
        world.as_user("quinn").professional_differences("C1")
    assert [x["agency"] for x in pat.professional_differences("C1")] == ["Northshire Police"]


def test_the_task_list_widget(world):
    from supervision_kit.widgets.drift_escalation import DriftEscalations
    worsening(world)
    view = DriftEscalations(world.as_user("sam"), as_of=D + dt.timedelta(days=14))
    [mine] = [r for r in view.list.all_text() if r[0] == "CR-2025-000001"]
    assert "Getting worse" in mine[1] and mine[4] == "pending"
    assert view.answer() is None and view.status == "Choose an escalation first: click its row"
    key = next(e["id"] for e in view.items if e["reference"] == "CR-2025-000001")
    view.select(key)   # a click on its row
    assert "CR-2025-000001" in view.chosen.value and not view.answer_button.disabled
    view.answer_button.click()
    assert "Not recorded" in view.status  # no reason given
    view.outcome.value = "more information requested"
    view.reason.value = "What did the core group say?"
    view.answer_button.click()
    assert view.status == "Outcome recorded: more information requested"
    # The list follows at once; the row stays chosen, now answered.
    assert view.list.row(key)["state"] == "more information requested: What did the core group say?"
    assert view.answer_button.disabled
