"""The supervisee's agenda [Temple Appendix 2 and 3; Havering 13.2; Surrey]: the supervisee
brings items and cases (with the reason) and their pre-session reflection; the supervisor
finds them in the session; the record says who chose each case; the Temple preset asks for
two cases, one chosen by each party, before signing."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from supervision_kit.domain.canonical import content_hash
from supervision_kit.domain.records import CaseDiscussion, Contract, Reflection
from supervision_kit.errors import AccessDenied, ValidationError
from tests.fixtures_pg import db_url, pg_server  # noqa: F401

DAY = dt.date.today()
ITEM = "Managing <i>court</i> deadlines next month"


def temple(world):
    world.save_contract(Contract("P1", "P2", "temple_school_dsl", DAY - dt.timedelta(days=30)))


def test_supervisees_agenda_reaches_the_supervisors_session_and_the_record(world):
    pat, sam = world.as_user("pat"), world.as_user("sam")
    refl = pat.save_reflection(Reflection("gibbs", "P2", {"feelings": "Anxious about the visit"}))
    pat.add_agenda_item(ITEM)
    pat.add_agenda_item("Disclosure at school on Monday", case_id="C1", reason="alleged harm",
                        reflection_id=refl.id)
    assert [i.text for i in pat.agenda_items()] == [ITEM, "Disclosure at school on Monday"]
    rec = sam.open_session("P2", DAY)
    assert "Pat Practitioner brings: " + ITEM in rec.agenda
    assert "Pat Practitioner brings case CR-2025-000001 (alleged harm)" in rec.agenda
    d = rec.discussions[0]
    assert (d.case_id, d.chosen_by, d.choice_reason) == ("C1", "P2", "alleged harm")
    assert [r.responses for r in rec.reflections] == [{"feelings": "Anxious about the visit"}]
    # Taken once: the supervisee's list is empty, the session's holds them, reopening adds none.
    assert pat.agenda_items() == []
    assert len(sam.agenda_items(session_id=rec.id)) == 2
    again = sam.open_session("P2", DAY)
    assert again.id == rec.id and len(again.discussions) == 1
    assert again.agenda.count(ITEM) == 1
    entries = [(e["action"], e["entity"]) for e in world.audit_log(limit=20)]
    assert ("take", "agenda_items") in entries and ("add", "agenda_item") in entries


def test_who_chose_each_case_is_in_the_signed_record_and_the_pdf(world):
    pat, sam = world.as_user("pat"), world.as_user("sam")
    pat.add_agenda_item(case_id="C1", reason="significant contact")
    rec = sam.open_session("P2", DAY)
    rec.discussions.append(CaseDiscussion(case_id="C2", rag="A", decision="Keep open"))
    rec.discussions[0].rag = "R"
    rec = sam.save_session(rec)
    sam.sign(rec.id)
    pat.sign(rec.id)
    signed = sam.session(rec.id)
    assert [(d.case_id, d.chosen_by) for d in signed.discussions] == [("C1", "P2"), ("C2", None)]
    assert content_hash(signed) == signed.content_hash and world.verify() == []
    pdf = sam.session_pdf(rec.id)
    text = " ".join(" ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages)
                    .split())
    assert "Chosen by Pat Practitioner (significant contact)" in text
    assert "Chosen by Sam Supervisor" in text


def test_temple_preset_asks_for_two_cases_one_chosen_by_each_before_signing(world):
    temple(world)
    pat, sam = world.as_user("pat"), world.as_user("sam")
    rec = sam.save_session(sam.open_session("P2", DAY))
    with pytest.raises(ValidationError, match="at least 2 cases"):
        sam.sign(rec.id)
    rec.discussions = [CaseDiscussion(case_id="C1", rag="A"), CaseDiscussion(case_id="C2", rag="G")]
    rec = sam.save_session(rec)
    with pytest.raises(ValidationError, match="the supervisee has not chosen a case"):
        sam.sign(rec.id)
    rec.discussions[1].chosen_by, rec.discussions[1].choice_reason = "P2", "partner escalation"
    rec = sam.save_session(rec)
    assert sam.sign(rec.id).state == "awaiting signatures"


def test_other_presets_ask_nothing_of_the_cases(world):
    sam = world.as_user("sam")
    rec = sam.save_session(sam.open_session("P2", DAY))
    assert sam.sign(rec.id).state == "awaiting signatures"


def test_only_the_supervisee_writes_and_only_the_parties_read(world):
    temple(world)
    pat = world.as_user("pat")
    with pytest.raises(ValidationError, match="reason"):
        pat.add_agenda_item(case_id="C1")
    with pytest.raises(ValidationError, match="your own cases"):
        pat.add_agenda_item(case_id="C3", reason="other")
    with pytest.raises(ValidationError, match="write the agenda item"):
        pat.add_agenda_item("   ")
    item = pat.add_agenda_item("Supervision of the new starter")
    assert [i.id for i in world.as_user("sam").agenda_items("P2")] == [item.id]
    for who in ("mia", "sue", "quinn"):
        with pytest.raises(AccessDenied):
            world.as_user(who).agenda_items("P2")
    with pytest.raises(AccessDenied):
        world.as_user("sam").remove_agenda_item(item.id)
    pat.remove_agenda_item(item.id)
    assert pat.agenda_items() == []


def test_my_agenda_widget_adds_lists_refuses_and_removes(world):
    from supervision_kit.apps.reflection_app import ReflectionApp
    app = ReflectionApp(world.as_user("pat"))
    assert "My agenda" in app.tabs.titles
    view = app.show_agenda()
    assert view is not None
    assert view.add(case_id="C1", reason="") is None  # a case needs a reason, said beside it
    assert "why you bring this case" in view.fields["reason"].error.value
    item = view.add("Court <b>deadlines</b>")
    view.case.value, view.reason.value = "C2", "partner escalation"
    view.add()
    texts = [c.children[0].value for c in view.listing.children]
    assert texts == ["Court &lt;b&gt;deadlines&lt;/b&gt;",
                     "Case CR-2025-000002 (partner escalation)"]
    view.remove(item.id)
    assert len(view.listing.children) == 1 and view.status == "Removed from your agenda"


def test_temple_case_discussion_asks_appendix_3_and_the_pdf_prints_it(world):
    from supervision_kit.widgets.session import SessionRecorder
    temple(world)
    world.as_user("pat").add_agenda_item(case_id="C1", reason="significant contact")
    r = SessionRecorder(world.as_user("sam"), "P2", date=DAY)
    form = r.discussion("C1")
    head = re.sub(r"<[^>]+>", "", form.head.box.children[0].value)
    assert "Brought by Pat Practitioner (significant contact)" in head
    form.inputs["actions_taken"].value = "Called the social worker; <b>MASH</b> referral made"
    form.inputs["designate_role"].value = "Jamie's key adult at school"
    r.save()
    rec = world.as_user("sam").session(r.record.id)
    d = rec.discussions[0]
    assert (d.actions_taken, d.designate_role) == (
        "Called the social worker; <b>MASH</b> referral made", "Jamie's key adult at school")
    text = " ".join(" ".join((p.extract_text() or "") for p in PdfReader(
        io.BytesIO(world.as_user("sam").session_pdf(rec.id))).pages).split())
    assert "Actions taken? Called the social worker; <b>MASH</b> referral made" in text
    assert "What is the designate's role and relationship with the family?" in text
    # Without the Temple contract (the default social-work preset) they are not asked.
    other = SessionRecorder(world.as_user("sam"), "P9", date=DAY)
    assert other.tk.discussion_questions(other.record) == []


def test_agenda_on_both_databases(db_url):  # noqa: F811
    from tests.fixtures_db import build_world
    tk = build_world(db_url)
    temple(tk)
    pat, sam = tk.as_user("pat"), tk.as_user("sam")
    pat.add_agenda_item("Supervision of the new starter")
    pat.add_agenda_item(case_id="C2", reason="partner escalation")
    rec = sam.open_session("P2", DAY)
    rec.discussions.append(CaseDiscussion(case_id="C1", rag="R", decision="Strategy meeting"))
    rec.discussions[0].rag = "A"
    rec = sam.save_session(rec)
    sam.sign(rec.id)
    pat.sign(rec.id)
    signed = sam.session(rec.id)
    assert [(d.case_id, d.chosen_by, d.choice_reason) for d in signed.discussions] == [
        ("C2", "P2", "partner escalation"), ("C1", None, "")]
    assert tk.verify_records() == []
    data = tk.export_dataset()
    assert sorted((r["text"], r["session_id"]) for r in data["agenda_items"]) == [
        ("", rec.id), ("Supervision of the new starter", rec.id)]
    assert {r["chosen_by"] for r in data["case_discussions"]} == {"P2", None}
