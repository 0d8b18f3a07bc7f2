"""The store, signing and carry-over behave the same on SQLite and on PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from supervision_kit.domain.records import (ActionItem, ActionReview, CaseDiscussion,
                                            Contract, Disagreement, Reflection)
from supervision_kit.errors import AccessDenied, RecordLocked, StaleRecord, ValidationError
from supervision_kit.facade import Toolkit
from tests.fixtures_db import build_world
from tests.fixtures_pg import db_url, pg_server  # noqa: F401

DAY = dt.date(2026, 3, 2)
AWKWARD = "Mum said \"it's fine\" — 😟 <b>not</b> &amp; ünïcödé\nsecond line\ttab ' ; DROP TABLE x;--"


@pytest.fixture
def world_db(db_url):
    return build_world(db_url)


def _draft(sam: Toolkit, **kw) -> object:
    rec = sam.open_session(["P2"], date=kw.pop("date", DAY))
    rec.agenda = kw.pop("agenda", "caseload")
    rec.wellbeing = AWKWARD
    rec.functions = ["management", "support"]
    rec.discussions = [CaseDiscussion(case_id="C1", rag="R", summary="Neglect concerns",
                                      worries=AWKWARD, plan="Visit weekly")]
    rec.actions = [ActionItem("Visit Jamie at school", owner_id="P2",
                              due_date=rec.date + dt.timedelta(days=7), case_id="C1")]
    rec.disagreements = [Disagreement("Threshold for strategy meeting", resolution="agreed")]
    rec.reflections = [Reflection("gibbs", "P1", {"description": AWKWARD, "feelings": "worried"})]
    rec.next_session_date = rec.date + dt.timedelta(days=28)
    rec.duration_minutes = 90
    for k, v in kw.items():
        setattr(rec, k, v)
    return sam.save_session(rec)


def test_people_and_cases_round_trip(world_db):
    sam = world_db.as_user("sam")
    case = sam.case("C1")
    assert [p.first_name for p in case.people] == ["Jamie", "Donna"]
    assert case.people[0].dob == dt.date(2018, 4, 2)
    world_db.set_leaving_date("P3", "2026-01-31")
    assert world_db.practitioner("P3").leaving_date == dt.date(2026, 1, 31)


def test_save_reload_every_part_of_a_record(world_db):
    sam = world_db.as_user("sam")
    saved = _draft(sam)
    assert saved.version == 1
    back = sam.session(saved.id)
    assert back.wellbeing == AWKWARD
    assert back.functions == ["management", "support"]
    assert back.discussions[0].worries == AWKWARD and back.discussions[0].rag == "R"
    assert back.actions[0].due_date == DAY + dt.timedelta(days=7)
    assert back.disagreements[0].resolution == "agreed"
    assert back.reflections[0].responses == {"description": AWKWARD, "feelings": "worried"}
    assert back.duration_minutes == 90
    # Reopening gives the same draft, and saving it again moves the version on.
    again = sam.open_session(["P2"])
    assert again.id == saved.id
    again.agenda = "second draft"
    assert sam.save_session(again).version == 2


def test_stale_copy_refused_and_text_kept(world_db):
    sam = world_db.as_user("sam")
    saved = _draft(sam)
    mine, theirs = sam.session(saved.id), sam.session(saved.id)
    theirs.agenda = "their edit"
    sam.save_session(theirs)
    mine.agenda = "my unsaved words"
    with pytest.raises(StaleRecord) as e:
        sam.save_session(mine)
    assert "reload" in str(e.value)
    assert e.value.unsaved.agenda == "my unsaved words"
    assert sam.session(saved.id).agenda == "their edit"


def test_validation_refused_before_anything_is_written(world_db):
    sam = world_db.as_user("sam")
    saved = _draft(sam)
    bad = sam.session(saved.id)
    bad.agenda = "changed"
    bad.actions.append(ActionItem("Too early", due_date=DAY - dt.timedelta(days=1)))
    with pytest.raises(ValidationError) as e:
        sam.save_session(bad)
    assert e.value.field == "actions[1].due_date"
    assert sam.session(saved.id).agenda == "caseload"


def test_signing_locks_addendum_allowed_and_verify_catches_raw_sql(world_db):
    sam, pat = world_db.as_user("sam"), world_db.as_user("pat")
    rec = _draft(sam)
    after_sam = sam.sign(rec.id)
    assert after_sam.state == "awaiting signatures"
    signed = pat.sign(rec.id)
    assert signed.state == "signed" and len(signed.content_hash) == 64
    assert {s.practitioner_id for s in sam.signatures(rec.id)} == {"P1", "P2"}
    edit = sam.session(rec.id)
    edit.agenda = "rewriting history"
    with pytest.raises(RecordLocked):
        sam.save_session(edit)
    add = sam.add_addendum(rec.id, "Correction: " + AWKWARD)
    assert [a.text for a in sam.addenda(rec.id)] == [add.text]
    assert world_db.verify() == []

    # Someone with database access changes the signed text behind the application's back.
    with world_db.engine.begin() as conn:
        conn.execute(text("UPDATE case_discussions SET rag = 'G' WHERE session_id = :s"),
                     {"s": rec.id})
        conn.execute(text("UPDATE addenda SET text = 'nothing to see' WHERE id = :a"), {"a": add.id})
    problems = world_db.verify()
    assert any(rec.id in p and "signed hash" in p for p in problems)
    assert any(add.id in p and "altered" in p for p in problems)


def test_supervisee_signs_from_their_own_sign_in_with_a_disagreement(world_db):
    sam = world_db.as_user("sam")
    rec = _draft(sam)
    sam.sign(rec.id)
    with pytest.raises(AccessDenied):
        sam.sign(rec.id, signer_id="P2")  # no signing for anyone else, on either database
    signed = world_db.as_user("pat").sign(rec.id, comment="The visit plan is too thin",
                                          disagrees=True)
    assert signed.state == "signed"
    how = {s.practitioner_id: (s.method, s.disagrees, s.comment) for s in sam.signatures(rec.id)}
    assert how == {"P1": ("own login", False, ""), "P2": ("own login", True, "The visit plan is too thin")}
    assert world_db.verify() == []


def test_value_too_long_for_its_column_is_refused_by_field_not_traceback(world_db):
    sam = world_db.as_user("sam")
    reason = "sickness: " + "x" * 80  # the column holds 64 characters
    if world_db.engine.dialect.name == "sqlite":
        sam.record_cancellation("P2", DAY, reason=reason)  # SQLite does not enforce lengths
        return
    with pytest.raises(ValidationError) as e:
        sam.record_cancellation("P2", DAY, reason=reason)
    assert e.value.field == "sessions.cancelled_reason" and "at most 64" in e.value.message
    assert sam.sessions() == []


def test_carry_over_of_actions_and_discussion(world_db):
    sam = world_db.as_user("sam")
    first = _draft(sam)
    sam.sign(first.id)
    world_db.as_user("pat").sign(first.id)
    second = sam.open_session(["P2"], date=DAY + dt.timedelta(days=28))
    assert second.id != first.id
    carried = sam.carried_actions(second)
    assert [a.description for a in carried] == ["Visit Jamie at school"]
    prev = sam.previous_discussion("C1", before=second.date)
    assert prev.worries == AWKWARD and prev.rag == "R"
    second.reviews = [ActionReview(carried[0].id, "done", "visited twice")]
    second.discussions = [CaseDiscussion(case_id="C1", rag="A", summary=prev.summary)]
    second = sam.save_session(second)
    action = next(a for a in sam.actions(case_id="C1") if a.id == carried[0].id)
    assert action.status == "done" and action.completed_date == second.date
    # The earlier signed record is not altered by the later review.
    assert world_db.verify() == []


def test_contract_json_and_datetimes_round_trip(world_db):
    sam = world_db.as_user("sam")
    c = sam.save_contract(Contract("P1", "P2", "havering_social_work", DAY,
                                   overrides={"frequency_days": 28, "nested": {"a": [1, 2]}},
                                   purpose=AWKWARD))
    assert c.overrides == {"frequency_days": 28, "nested": {"a": [1, 2]}}
    assert c.purpose == AWKWARD
    signed = sam.sign_contract(c.id)
    assert isinstance(signed.supervisor_signed_at, dt.datetime)


def test_audit_chain_survives_the_round_trip(world_db):
    sam = world_db.as_user("sam")
    for i in range(3):
        rec = sam.open_session(["P2"], date=DAY + dt.timedelta(days=i))
        rec.agenda = f"draft {i}"
        sam.save_session(rec)
    log = world_db.audit_log(limit=500)
    assert log and all(isinstance(e["at"], dt.datetime) for e in log)
    assert any(e["at"].microsecond for e in log)  # sub-second precision kept by both databases
    assert world_db.verify() == []


def test_dataset_moves_between_databases(world_db, tmp_path):
    sam, pat = world_db.as_user("sam"), world_db.as_user("pat")
    rec = _draft(sam)
    sam.sign(rec.id)
    pat.sign(rec.id)
    data = world_db.export_dataset()
    other = Toolkit.system(tmp_path / "copy.sqlite")
    counts = other.import_dataset(data)
    assert counts["sessions"] == 1
    assert other.verify() == []
    assert other.as_user("sam").session(rec.id).wellbeing == AWKWARD


def test_rules_smoke(world_db):
    """The rules engine reads the store the same way on both databases."""
    sam = world_db.as_user("sam")
    rec = _draft(sam)
    sam.sign(rec.id)
    world_db.as_user("pat").sign(rec.id)
    later = DAY + dt.timedelta(days=60)
    due = sam.due(as_of=later)
    assert set(due["supervisee_id"]) == {"P2", "P9"}
    overdue = sam.overdue_actions(as_of=later)
    assert list(overdue["description"]) == ["Visit Jamie at school"]
    assert set(sam.drift(as_of=later)["case_id"]) == {"C2"}  # C1 was discussed, C2 never
