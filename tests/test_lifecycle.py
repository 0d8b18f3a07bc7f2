"""Record lifecycle, driven headlessly: follow-ups start from signed records and carry only
the stable context; today's requirements are met only by today's (or confirmed) text;
an old draft is never reopened without asking; a discarded draft is named in the audit log
and kept whole (restorable), then destroyed with its supervisees' records."""
import datetime as dt
import json
from html import escape

import pytest

from supervision_kit.domain.records import CaseDiscussion
from supervision_kit.store.engine import write_transaction
from supervision_kit.widgets.common import html_values
from supervision_kit.widgets.session import SessionRecorder
from tests.worlds import FIRST, SECOND, small_world, supervisee_signs

THIRD = dt.date(2024, 5, 7)
LAST_DECISION = "A new incident shows that Amy's situation has worsened"
LAST_RATIONALE = "Bruise seen by school; father back in the home <script>alert(1)</script>"
LAST_AMENDMENT = "Move to weekly core groups and share with school and health"


@pytest.fixture
def tk(tmp_path):
    return small_world(tmp_path / "t.sqlite")


def signed_second(tk, **answers):
    """A second signed session (SECOND) discussing c1 with the given answers."""
    r = SessionRecorder(tk, "pw", date=SECOND)
    f = r.add_discussion("c1")
    for k, v in answers.items():
        if k == "rag":
            f.rag.value = v
        elif k == "needs_oversight":
            f.oversight.value = v
        else:
            f.inputs[k].value = v
    f.confirm_all()
    assert r.sign_supervisor(), r.status
    assert supervisee_signs(r, "pw")
    return r.record


def draft_with(tk, day, who=("pw",), **answers):
    """A draft (saved through the facade, as an older version of the app would have, with
    everything copied) discussing c1."""
    rec = tk.open_session(list(who), date=day)
    rec.discussions = [CaseDiscussion(case_id="c1", **answers)]
    return tk.save_session(rec)


def test_follow_up_basis_is_the_last_signed_discussion_not_a_later_draft(tk):
    # A later discussion of c1 sits in an unsigned draft.
    draft = draft_with(tk, SECOND, worries="Draft worry nobody agreed", plan="Draft plan")
    assert tk.previous_discussion("c1").plan == "CP plan: weekly visits"   # the signed one
    basis = tk.follow_up_basis("c1", before=THIRD)
    assert basis.previous_date == FIRST and [u.session_id for u in basis.unsigned] == [draft.id]
    assert basis.unsigned[0].supervisor == "Sam Supervisor"


def test_new_discussion_names_the_unsigned_draft_and_copies_nothing_from_it(tk, tmp_path):
    # A group session's draft (pat and kim) discussed c1 on SECOND and was never signed.
    draft = draft_with(tk, SECOND, ("pw", "pw2"), worries="Draft worry nobody agreed",
                       plan="Draft plan")
    from supervision_kit.apps.session_app import SessionApp
    app = SessionApp(tk)
    app.choose("pw")
    app.date.value = THIRD
    r = app.open_session()
    assert r is not None and r.pending_draft is None and r.record.version == 0
    f = r.add_discussion("c1")
    assert f.inputs["plan"].value == "CP plan: weekly visits"          # from the signed record
    assert "Draft plan" not in " ".join(html_values(f.widget))
    assert all(x.value != "Draft worry nobody agreed" for x in f.inputs.values()
               if isinstance(x.value, str))
    shown = " ".join(html_values(f.unsigned_box))
    assert "unsigned draft of 2 Apr 2024 by Sam Supervisor" in shown
    # Its link opens it in the app.
    f.unsigned_buttons[draft.id].click()
    assert app.recorder is not r and app.recorder.record.id == draft.id
    assert app.recorder.record.supervisee_ids == ["pw", "pw2"]


def test_carried_fields_must_be_confirmed_or_changed_before_signing(tk):
    r = SessionRecorder(tk, "pw", date=SECOND)
    f = r.add_discussion("c1")
    assert not r.sign_supervisor()
    assert r.error_for("discussions[0].plan") == (
        "“The plan, and each agency's part in it” was carried from 4 Mar 2024: confirm it or "
        "change it before signing")
    f.inputs["plan"].value = "CP plan: weekly visits, school nurse added"   # changed: today's
    assert "changed in this session" in f.notes["plan"].note.value
    assert r.sign_supervisor(), r.status
    assert tk.session(r.record.id).discussions[0].provenance == {}


def drift_recorder(tk, day):
    """The recorder of ``day`` continuing the open draft, with drift flagged on c1."""
    r = SessionRecorder(tk, "pw", date=day)  # the same day as the draft: no question
    assert r.pending_draft is None
    r._drift = {"c1": "amber or red across consecutive discussions"}
    r._render()                         # rebuilt with the flag
    return r, r.discussion("c1")


def test_drift_amendment_left_from_last_time_is_refused_until_confirmed(tk):
    signed_second(tk, rag="R", proposed_amendment=LAST_AMENDMENT, rationale=LAST_RATIONALE,
                  decision=LAST_DECISION)
    # An old-style draft: last time's amendment copied in and never touched.
    draft = draft_with(tk, THIRD, rag="R", proposed_amendment=LAST_AMENDMENT)
    r, f = drift_recorder(tk, THIRD)
    assert f.amendment_reason.startswith("Drift is flagged")
    assert not r.sign_supervisor() and r.record.state == "draft"
    msg = r.error_for("discussions[0].proposed_amendment")
    assert msg.startswith("Drift is flagged") and "propose an amendment to the plan" in msg
    assert "last time's text, 2 Apr 2024" in msg
    assert f.fields["proposed_amendment"].error.value == msg          # beside the field
    assert LAST_AMENDMENT in f.notes["proposed_amendment"].reference.value
    f.notes["proposed_amendment"].button.click()                       # confirm, seeing it
    assert "confirmed from 2 Apr 2024" in f.notes["proposed_amendment"].note.value
    assert r.sign_supervisor(), r.status
    d = tk.session(draft.id).discussions[0]
    assert d.proposed_amendment == LAST_AMENDMENT
    assert d.provenance["proposed_amendment"] == {"how": "confirmed", "from": "2024-04-02"}


def test_drift_amendment_rewritten_today_passes(tk):
    signed_second(tk, rag="R", proposed_amendment=LAST_AMENDMENT, rationale=LAST_RATIONALE,
                  decision=LAST_DECISION)
    draft_with(tk, THIRD, rag="R", proposed_amendment=LAST_AMENDMENT)
    r, f = drift_recorder(tk, THIRD)
    assert not r.sign_supervisor() and "Drift is flagged" in r.error_for(
        "discussions[0].proposed_amendment")
    f.inputs["proposed_amendment"].value = "Legal planning meeting within ten days"
    assert r.sign_supervisor(), r.status


def test_follow_up_signed_without_touching_decision_or_rationale_holds_neither(tk):
    signed_second(tk, rag="R", decision=LAST_DECISION, rationale=LAST_RATIONALE,
                  proposed_amendment=LAST_AMENDMENT, needs_oversight=True)
    r = SessionRecorder(tk, "pw", date=THIRD)
    f = r.add_discussion("c1")
    for k in ("summary", "worries", "decision", "rationale", "proposed_amendment"):
        assert f.inputs[k].value == "", k
    assert f.rag.value is None and f.oversight.value is False
    # Last time's answers are beside the fields, as text.
    assert escape(LAST_DECISION) in f.notes["decision"].reference.value
    assert "2 Apr 2024" in f.notes["decision"].reference.value
    assert escape(LAST_RATIONALE) in f.notes["rationale"].reference.value
    assert not any("<script" in h for h in html_values(r.widget))
    assert "went to management oversight" in " ".join(html_values(f.fields["needs_oversight"].box))
    f.inputs["summary"].value = "Nothing new since last time"
    f.rag.value = "R"
    f.inputs["proposed_amendment"].value = "Keep the weekly core groups"  # still no improvement
    f.confirm_all()
    assert r.sign_supervisor(), r.status
    d = tk.session(r.record.id).discussions[0]
    assert (d.decision, d.rationale, d.needs_oversight) == ("", "", False)
    # The manager's task list holds last time's decision once, not again for this meeting.
    items = tk.as_user("morgan").oversight_tasks()
    assert [i["decision"] for i in items] == [LAST_DECISION]


def test_same_decision_is_not_sent_to_oversight_twice(tk):
    signed_second(tk, rag="R", decision=LAST_DECISION, rationale=LAST_RATIONALE,
                  proposed_amendment=LAST_AMENDMENT, needs_oversight=True)
    r = SessionRecorder(tk, "pw", date=THIRD)
    f = r.add_discussion("c1")
    f.rag.value = "R"
    f.inputs["proposed_amendment"].value = "Keep the weekly core groups"
    f.confirm_all()
    f.oversight.value = True
    assert not r.sign_supervisor()
    assert r.error_for("discussions[0].decision").startswith("Management oversight is asked")
    f.confirm("decision")                               # last time's decision, confirmed
    f.confirm("rationale")
    assert not r.sign_supervisor()
    assert "not raised again" in r.error_for("discussions[0].needs_oversight")
    f.inputs["decision"].value = "Seek legal advice on threshold for proceedings"
    assert r.sign_supervisor(), r.status


def test_confirmed_text_prints_as_confirmed_in_the_record(tk):
    signed_second(tk, rag="R", decision=LAST_DECISION, rationale=LAST_RATIONALE,
                  proposed_amendment=LAST_AMENDMENT)
    r = SessionRecorder(tk, "pw", date=THIRD)
    f = r.add_discussion("c1")
    f.rag.value = "R"
    f.confirm("proposed_amendment")
    f.confirm_all()
    assert r.sign_supervisor() and supervisee_signs(r, "pw")
    from supervision_kit.export.record_notebook import build_record_notebook
    data = tk.session_document(r.record.id, timelines=False)
    assert data["discussions"][0]["provenance"]["proposed_amendment"] == "confirmed from 2 Apr 2024"
    html = json.dumps(build_record_notebook(data))
    assert "Keep the weekly core groups" not in html and LAST_AMENDMENT in html
    assert "(confirmed from 2 Apr 2024)" in html


@pytest.mark.browser
def test_confirmed_text_is_marked_in_the_signed_pdf(tk, tmp_path):
    """Real nbconvert and Chromium, read back with pypdf."""
    from tests.test_workflows_pdf import text_of
    signed_second(tk, rag="R", decision=LAST_DECISION, rationale=LAST_RATIONALE,
                  proposed_amendment=LAST_AMENDMENT)
    r = SessionRecorder(tk, "pw", date=THIRD)
    f = r.add_discussion("c1")
    f.rag.value = "R"
    f.confirm("proposed_amendment")
    f.inputs["plan"].value = "CP plan: weekly visits and a parenting assessment"
    assert r.sign_supervisor() and supervisee_signs(r, "pw")
    text = text_of(tk.session_pdf(r.record.id), tmp_path)
    assert f"{LAST_AMENDMENT} (confirmed from 2 Apr 2024)" in text
    assert "CP plan: weekly visits and a parenting assessment" in text
    assert LAST_DECISION not in text                   # never carried, never confirmed


# -- an open draft from another day -------------------------------------------------------

def test_opening_with_an_old_draft_asks_and_continue_keeps_its_date(tk):
    old = draft_with(tk, SECOND, summary="Typed on 2 April")
    r = SessionRecorder(tk, "pw", date=THIRD)
    assert r.record is None and r.pending_draft.id == old.id
    assert "A draft from 2 Apr 2024 is open" in r.prompt.question.value
    assert "continue it, or discard it and start the 7 May 2024 one" in r.prompt.question.value
    r.prompt.continue_button.click()
    assert r.record.id == old.id and r.record.date == SECOND
    assert r.discussion("c1").inputs["summary"].value == "Typed on 2 April"
    r.inputs["agenda"].value = "Carry on"
    assert tk.session(old.id).date == SECOND            # its date only changes if chosen


def test_continuing_as_today_moves_the_date(tk):
    old = draft_with(tk, SECOND, summary="Typed on 2 April")
    r = SessionRecorder(tk, "pw", date=THIRD)
    r.prompt.today_button.click()
    assert r.record.id == old.id and r.record.date == THIRD
    assert tk.session(old.id).date == THIRD


def test_discarding_starts_afresh_and_the_draft_stays_in_the_audit_log(tk):
    old = draft_with(tk, SECOND, summary="Typed on 2 April, then abandoned")
    r = SessionRecorder(tk, "pw", date=THIRD)
    r.prompt.discard_button.click()
    assert r.record is not None and r.record.id != old.id and r.record.date == THIRD
    assert r.record.version == 0
    assert r.status == ("The draft of 2 Apr 2024 was discarded (logged, and kept so it can be "
                        "restored)")
    assert old.id not in {s["id"] for s in tk.sessions(supervisee_id="pw")}
    with tk.engine.connect() as conn:
        from supervision_kit.store.audit import entries
        logged = [e for e in entries(conn, action="discard") if e["entity_id"] == old.id]
    # The log names it by id and date; the never-destroyed log holds none of its text.
    assert len(logged) == 1 and logged[0]["user"] == "sam"
    assert logged[0]["detail"] == "draft of 2024-04-02; kept in discarded_drafts"
    kept = tk.discarded_draft(old.id)
    assert kept["discussions"][0]["summary"] == "Typed on 2 April, then abandoned"
    from supervision_kit.errors import AccessDenied
    with pytest.raises(AccessDenied):
        tk.as_user("pat").discarded_draft(old.id)


def test_retention_destroys_discarded_drafts_with_the_records(tmp_path):
    from supervision_kit.facade import Toolkit
    tk = small_world(tmp_path / "t.sqlite")
    old = draft_with(tk, SECOND, summary="About a child; discarded")
    tk.discard_draft(old.id)
    admin = Toolkit.system(tmp_path / "t.sqlite")
    with admin.engine.begin() as conn:                   # pat left in June 2024
        from sqlalchemy import text
        conn.execute(text("UPDATE practitioners SET leaving_date = '2024-06-01' WHERE id = 'pw'"))
    assert admin.discarded_draft(old.id) is not None
    admin.retention(as_of=dt.date(2030, 1, 1), apply=True)
    assert admin.discarded_draft(old.id) is None


def test_discarding_undoes_the_drafts_reviews_and_keeps_supervisee_reflections(tk):
    rec = tk.open_session("pw", date=SECOND)
    carried = tk.carried_actions(rec)
    from supervision_kit.domain.records import ActionReview
    rec.reviews = [ActionReview(carried[0].id, "done")]
    rec = tk.save_session(rec)
    assert {a.id: a.status for a in tk.actions(owner_id=None)}[carried[0].id] == "done"
    tk.discard_draft(rec.id)
    assert {a.id: a.status for a in tk.actions(owner_id=None)}[carried[0].id] == "open"


def test_only_a_draft_of_ones_own_can_be_discarded(tk):
    from supervision_kit.errors import AccessDenied, RecordLocked
    signed = tk.sessions(supervisee_id="pw")[0]["id"]
    with pytest.raises(RecordLocked):
        tk.discard_draft(signed)
    old = draft_with(tk, SECOND)
    with pytest.raises(AccessDenied):
        tk.as_user("pat").discard_draft(old.id)
    assert tk.session(old.id).state == "draft"


def test_a_draft_older_than_the_recording_limit_is_listed_per_supervisor(tk):
    old = draft_with(tk, SECOND)
    stale = tk.stale_drafts(as_of=SECOND + dt.timedelta(days=10))
    assert list(stale["session_id"]) == [old.id]
    assert stale.iloc[0]["supervisor"] == "Sam Supervisor"
    assert list(tk.stale_drafts(as_of=SECOND)["session_id"]) == []   # within the limit


def test_caseload_and_qa_list_drafts_past_the_recording_limit(tk):
    from supervision_kit.apps.qa_app import QualityAssuranceApp
    from supervision_kit.widgets.caseload import CaseloadOverview
    old = draft_with(tk, SECOND, summary="Never finished <b>bold</b>")
    day = SECOND + dt.timedelta(days=10)
    ov = CaseloadOverview(tk, as_of=day)
    rows = ov.frames["drafts"]
    assert list(rows["session_id"]) == [old.id] and rows.iloc[0]["supervisor"] == "Sam Supervisor"
    assert [t for t in ov.tabs.titles if t.startswith("Drafts past")] == [
        "Drafts past the recording limit (1)"]
    assert "<b>1</b> drafts past the recording limit" in ov.summary.value
    cells = [c for r in ov.tables["drafts"].page_text() for c in r]
    assert "Sam Supervisor" in cells and "Pat Worker" in cells
    ov.section = "drafts"
    ov.select_row(0, section="drafts")
    assert ov.open_row("person") is not None          # opens pat's session (which will ask)
    assert CaseloadOverview(tk, as_of=SECOND).frames["drafts"].empty   # within the limit

    qa = QualityAssuranceApp(tk.as_user("morgan"), as_of=day)
    assert "1 draft past the recording limit, by 1 supervisor." in qa.readings()["records"]
    assert list(qa.topics["records"].frames["drafts"]["session_id"]) == [old.id]
    from supervision_kit.widgets.table import table_texts
    assert "Drafts past the recording limit, by supervisor" in table_texts(
        qa.topics["records"].widget)


# -- both databases, and the migration ----------------------------------------------------

from tests.fixtures_pg import db_url, pg_server  # noqa: E402,F401


def test_provenance_signing_and_discard_on_both_databases(db_url):
    from tests.fixtures_db import build_world
    world = build_world(db_url)
    sam = world.as_user("sam")
    first = sam.open_session(["P2"], date=SECOND)
    first.discussions = [CaseDiscussion(case_id="C1", rag="A", plan="Weekly visits",
                                        decision=LAST_DECISION)]
    first = sam.save_session(first)
    sam.sign(first.id), sam.as_user("pat").sign(first.id)
    draft = sam.open_session(["P2"], date=THIRD)
    basis = sam.follow_up_basis("C1", before=THIRD)
    from supervision_kit.domain.lifecycle import follow_up
    d = follow_up(basis)
    assert (d.plan, d.decision, d.provenance) == (
        "Weekly visits", "", {"plan": {"how": "carried", "from": "2024-04-02"}})
    d.provenance["plan"]["how"] = "confirmed"
    draft.discussions = [d]
    draft = sam.save_session(draft)
    sam.sign(draft.id), sam.as_user("pat").sign(draft.id)
    assert sam.session(draft.id).discussions[0].provenance == {
        "plan": {"how": "confirmed", "from": "2024-04-02"}}
    assert world.verify() == []                           # the provenance is in the hash
    later = sam.save_session(sam.open_session(["P2"], date=THIRD + dt.timedelta(days=30)))
    sam.discard_draft(later.id)
    assert sam.open_drafts(["P2"]) == []


def test_migration_adds_provenance_to_an_existing_store(tmp_path):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from supervision_kit.store import engine as eng
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    e = eng.make_engine(url, migrate=False)
    cfg = Config()
    cfg.set_main_option("script_location", str(eng.MIGRATIONS))
    with write_transaction(e) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(text("INSERT INTO practitioners (id, name, username, role, team, "
                          "agency_type, email) VALUES ('p', 'P', 'p', 'practitioner', '', "
                          "'other', '')"))
        conn.execute(text("INSERT INTO sessions (id, date, type, supervisor_id, state, content, "
                          "functions, cancelled_reason, version) VALUES ('s1', '2024-01-01', "
                          "'one-to-one', 'p', 'draft', '{}', '[]', '', 1)"))
        conn.execute(text("INSERT INTO cases (id, reference, worker_id, status, opened) "
                          "VALUES ('c', 'R1', 'p', 'early help', '2024-01-01')"))
        conn.execute(text("INSERT INTO case_discussions (id, session_id, case_id, position, "
                          "answers, quarterly_review, needs_oversight, oversight_reason) "
                          "VALUES ('d1', 's1', 'c', 0, '{}', 0, 0, '')"))
    eng._migrated.discard(str(e.url))
    eng.upgrade(e)
    with e.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == eng.head_revision()
        assert conn.execute(text("SELECT provenance FROM case_discussions")).scalar() == "{}"


def test_the_facade_refuses_to_send_the_same_decision_to_oversight_twice(tk):
    from supervision_kit.errors import ValidationError
    signed_second(tk, rag="R", decision=LAST_DECISION, rationale=LAST_RATIONALE,
                  proposed_amendment=LAST_AMENDMENT, needs_oversight=True)
    rec = tk.open_session("pw", date=THIRD)
    rec.discussions = [CaseDiscussion(case_id="c1", rag="R", decision=LAST_DECISION,
                                      needs_oversight=True)]
    rec = tk.save_session(rec)                          # a draft may hold it while typed
    with pytest.raises(ValidationError) as e:
        tk.sign(rec.id)
    assert e.value.field == "discussions[0].needs_oversight" and "2 Apr 2024" in e.value.message
    assert tk.session(rec.id).state == "draft" and tk.signatures(rec.id) == []
    rec.discussions[0].decision = "Apply for an interim care order"
    rec = tk.save_session(rec)
    assert tk.sign(rec.id).state == "awaiting signatures"
    assert [i["decision"] for i in tk.as_user("morgan").oversight_tasks()] == [
        LAST_DECISION, "Apply for an interim care order"]


def test_a_discarded_draft_can_be_restored_from_the_audit_log(tk):
    from sqlalchemy import text

    from supervision_kit.errors import AccessDenied, NotFound
    rec = tk.open_session("pw", date=SECOND)
    carried = tk.carried_actions(rec)
    from supervision_kit.domain.records import ActionItem, ActionReview, Reflection
    rec.agenda = "Typed, discarded, wanted back"
    rec.discussions = [CaseDiscussion(case_id="c1", plan="Weekly visits", rag="A",
                                      provenance={"plan": {"how": "confirmed", "from": "2024-03-04"}})]
    rec.reviews = [ActionReview(carried[0].id, "done")]
    rec.actions = [ActionItem("Ring the school", owner_id="pw", due_date=dt.date(2024, 4, 9))]
    rec.reflections = [Reflection("gibbs", "sup", {"description": "A hard visit"}),
                       Reflection("kolb", "pw", {"experience": "Pat's own, before the session"})]
    rec = tk.save_session(rec)
    tk.discard_draft(rec.id)
    with tk.engine.connect() as conn:                    # pat's own reflection was kept
        assert conn.execute(text("SELECT framework FROM reflections WHERE session_id IS NULL")
                            ).scalars().all() == ["kolb"]
    with pytest.raises(AccessDenied):
        tk.as_user("pat").restore_draft(rec.id)
    back = tk.restore_draft(rec.id)
    assert (back.id, back.state, back.date, back.agenda) == (rec.id, "draft", SECOND,
                                                             "Typed, discarded, wanted back")
    assert back.discussions[0].provenance == {"plan": {"how": "confirmed", "from": "2024-03-04"}}
    assert [a.description for a in back.actions] == ["Ring the school"]
    assert sorted(r.framework for r in back.reflections) == ["gibbs", "kolb"]
    assert {a.id: a.status for a in tk.actions(owner_id=None)}[carried[0].id] == "done"
    with pytest.raises(NotFound):
        tk.restore_draft(rec.id)                         # no longer discarded
    with pytest.raises(NotFound):
        tk.restore_draft("sess-never")
