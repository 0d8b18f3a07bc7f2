"""Issue 19, finding 1: no write widens what its writer may read.

In ``fixtures_db.PEOPLE`` pat (P2, North) and sam (P1, North supervisor, pat's line manager)
cannot see quinn (P3, South, line-managed by sue P4); mia (P5) manages North.
"""
from __future__ import annotations

import datetime as dt

import pytest

from supervision_kit.domain.records import (ActionItem, Case, CaseDiscussion, Contract,
                                            Observation, SessionRecord)
from supervision_kit.errors import AccessDenied, ValidationError

DAY = dt.date(2026, 3, 2)


def _contract(sup, sue, **kw):
    return Contract(supervisor_id=sup, supervisee_id=sue, preset="hscb", start_date=DAY, **kw)


def _refused(tk, call, field):
    """``call`` is refused naming ``field``; what ``tk``'s user may see is unchanged."""
    before = {p: tk.can_see(p) for p in ("P1", "P2", "P3", "P4", "P9")}
    with pytest.raises(ValidationError) as e:
        call()
    assert e.value.field == field, e.value
    assert "may not name" in e.value.message
    fresh = tk.as_user(tk.me.username)
    assert {p: fresh.can_see(p) for p in before} == before
    return e.value


def test_unsigned_contract_naming_oneself_supervisor_is_refused(world):
    pat = world.as_user("pat")
    assert not pat.can_see("P3")
    _refused(pat, lambda: pat.save_contract(_contract("P2", "P3")), "supervisee_id")
    with pytest.raises(AccessDenied):
        pat.as_user("pat").history("P3")
    assert any(e["action"] == "denied" and "supervisee_id" in e["detail"]
               for e in world.audit_log(user="pat"))


def test_draft_session_naming_a_stranger_is_refused(world):
    sam = world.as_user("sam")
    with pytest.raises(AccessDenied):
        sam.open_session("P3")  # the door the widgets use was already shut
    rec = SessionRecord(id="", date=DAY, supervisor_id="P1", supervisee_ids=["P2", "P3"],
                        type="group")
    _refused(sam, lambda: sam.save_session(rec), "supervisee_ids[1]")
    assert sam.sessions() == []


def test_session_naming_a_strangers_case_or_action_owner_is_refused(world):
    sam = world.as_user("sam")
    rec = sam.open_session("P2", date=DAY)
    rec.discussions = [CaseDiscussion(case_id="C3", summary="not ours")]
    _refused(sam, lambda: sam.save_session(rec), "discussions[0].case_id")
    rec.discussions = []
    rec.actions = [ActionItem("Visit", owner_id="P3", due_date=DAY)]
    _refused(sam, lambda: sam.save_session(rec), "actions[0].owner_id")


def test_the_old_self_grants_in_the_store_no_longer_count(world):
    """Rows written before the fix (here by the system account) grant nothing."""
    world.save_contract(_contract("P2", "P3"))  # unsigned
    world.save_session(SessionRecord(id="", date=DAY, supervisor_id="P1", supervisee_ids=["P3"]))
    assert not world.as_user("pat").can_see("P3")
    assert not world.as_user("sam").can_see("P3")


def test_signing_for_a_stranger_in_person_is_refused(world):
    """A contract an administrator wrote for sam and quinn needs quinn's own signature."""
    c = world.save_contract(_contract("P1", "P3"))
    sam = world.as_user("sam")
    sam.sign_contract(c.id)
    assert not sam.as_user("sam").can_see("P3")
    _refused(sam, lambda: sam.sign_contract(c.id, "P3"), "signer")
    world.as_user("quinn").sign_contract(c.id)  # quinn agrees, as themselves
    assert sam.as_user("sam").can_see("P3")


def test_a_contract_counts_once_its_supervisee_signed_it(world):
    """The supervisor's own signature is not enough: it is theirs to write."""
    mia = world.as_user("mia")
    c = mia.save_contract(_contract("P4", "P2"))  # a manager pairs pat with sue (South)
    sue = world.as_user("sue")
    assert not sue.can_see("P2")
    sue.sign_contract(c.id)
    assert not sue.as_user("sue").can_see("P2")
    world.as_user("pat").sign_contract(c.id)
    assert sue.as_user("sue").can_see("P2")


def test_handover_may_name_any_supervisor_but_not_a_stranger_supervisee(world):
    sam = world.as_user("sam")
    old = sam.save_contract(_contract("P1", "P2"))
    new = sam.save_contract(_contract("P4", "P2", replaces_id=old.id,
                                      handover_note="Caseload reviewed"))
    assert new.supervisor_id == "P4"
    _refused(sam, lambda: sam.save_contract(_contract("P4", "P3", replaces_id=old.id)),
             "supervisee_id")
    # "supervisor" must be someone who may supervise: pat may not be handed a stranger.
    _refused(sam, lambda: sam.save_contract(_contract("P3", "P2", replaces_id=old.id)),
             "supervisor_id")


def test_other_writes_naming_people_are_checked(world):
    sam = world.as_user("sam")
    _refused(sam, lambda: sam.add_cases([Case("C9", "CR-9", "P3", "early help", DAY)]),
             "cases[0].worker_id")
    _refused(sam, lambda: sam.record_cancellation("P3", DAY), "supervisee_id")
    _refused(sam, lambda: sam.add_action(ActionItem("Call", owner_id="P2", case_id="C3")),
             "case_id")
    _refused(sam, lambda: sam.save_observation(Observation(supervisee_id="P2", observer_id="P3",
                                                           date=DAY)), "observer_id")
    mia = world.as_user("mia")
    _refused(mia, lambda: mia.set_leaving_date("P3", DAY), "practitioner_id")


def test_csv_import_of_a_strangers_case_is_refused(world, tmp_path):
    from supervision_kit.errors import ImportFailed
    path = tmp_path / "cases.csv"
    path.write_text("id,reference,worker_id,status,opened\nC9,CR-9,P3,early help,2026-03-02\n")
    with pytest.raises(ImportFailed) as e:
        world.as_user("sam").import_csv("cases", path)
    assert e.value.field == "worker_id" and "may not name" in e.value.message
    assert world.as_user("sam").cases() == world.as_user("sam").cases()  # nothing half-written
    assert "C9" not in {c.id for c in world.cases(include_closed=True)}


def test_a_contract_naming_nobody_is_refused_by_field_not_a_database_error(world):
    with pytest.raises(ValidationError) as e:
        world.save_contract(_contract("P1", "nobody"))  # as the system account: no check skips it
    assert e.value.field == "supervisee_id" and "unknown" in e.value.message


def test_a_session_shows_its_supervisor_only_the_attendees_who_signed_it(world):
    """Issue 22 (mutation run, group access): a half-signed group session shows sue the
    attendee who signed it and not the one who has not, even though that one signed another
    supervisor's session, and another supervisor's signed session or contract grants sue
    nothing."""
    group = world.save_session(SessionRecord(id="", date=DAY, supervisor_id="P4",
                                             supervisee_ids=["P2", "P9"], type="group"))
    elsewhere = world.save_session(SessionRecord(id="", date=DAY, supervisor_id="P1",
                                                 supervisee_ids=["P9"]))
    for who in ("sam", "nia"):  # sam's session with nia, signed by everyone
        world.as_user(who).sign(elsewhere.id)
    world.as_user("nia").sign_contract(world.save_contract(_contract("P1", "P9")).id)
    assert not world.as_user("sue").can_see("P2")
    world.as_user("pat").sign(group.id)  # one attendee of sue's draft signs, nia does not
    sue = world.as_user("sue")
    assert sue.can_see("P2") and sue.can_see("P3") and sue.can_see("P4")
    assert not sue.can_see("P9") and not sue.can_see("P1")
    assert world.as_user("sam").can_see("P9")


def test_a_manager_sees_a_line_report_outside_their_team(world):
    from supervision_kit.domain.records import Practitioner
    world.add_practitioners([Practitioner("P10", "Lou Lent", "lou", team="South",
                                          line_manager_id="P5")])
    mia = world.as_user("mia")
    assert mia.can_see("P10") and mia.can_see("P2") and not mia.can_see("P3")
