"""The workflows around the session (issue 10), each walked end to end headlessly through
the widgets and the facade: what lands in the store, and what the other party then sees."""
import datetime as dt

import pytest
from sqlalchemy import select

from supervision_kit.domain.records import Contract
from supervision_kit.errors import AccessDenied, NotFound, ValidationError
from supervision_kit.store.schema import (DiscussionRow, DisagreementRow, ObservationRow,
                                          RequestRow, TrainingRecordRow)
from supervision_kit.widgets.common import html_values
from supervision_kit.widgets.contract import TERM_KEYS, ContractForm
from supervision_kit.widgets.entitlement import EntitlementPanel, RequestInbox
from supervision_kit.widgets.escalation import DisagreementsPanel
from supervision_kit.widgets.observation import ObservationForm, ObservationList
from supervision_kit.widgets.oversight import OversightAnswers, OversightTasks
from supervision_kit.widgets.session import SessionRecorder
from supervision_kit.widgets.table import table_texts
from supervision_kit.widgets.training_record import TrainingRecordPanel, TrainingTakeUp
from tests.worlds import small_world, supervisee_signs

JAN, FEB, MAR = dt.date(2026, 1, 12), dt.date(2026, 2, 9), dt.date(2026, 3, 9)
EVIL = "<b>bold</b> $x$ & <script>alert(1)</script>"
PRACTICE_TABS = ("Bookings", "Case meetings", "Contracts", "Observations", "Training records")  # caseload, supervisors


def rows(tk, table, **where):
    t = table.__table__
    q = select(t).where(*(t.c[k] == v for k, v in where.items()))
    with tk.engine.connect() as conn:
        return list(conn.execute(q))


def no_markup(widget) -> None:
    assert all("<script>" not in h and "<b>bold" not in h for h in html_values(widget))


def record(sam, supervisees, day, *, decision=None, disagreement=None, escalated=False,
           confidentiality=None):
    """A session recorded and signed by everyone through the recorder, as in a meeting."""
    r = SessionRecorder(sam, supervisees, date=day)
    r.inputs["agenda"].value = "Caseload and wellbeing"
    if confidentiality is not None:
        r.inputs["group_confidentiality"].value = confidentiality
    if decision:
        f = r.add_discussion("C1")
        f.inputs["summary"].value = "Mother engaging with the parenting course"
        f.inputs["decision"].value = decision
        f.inputs["rationale"].value = "Risk reduced; school reports improvement"
        f.rag.value = "G"
        f.inputs["proposed_amendment"].value = "Review the plan at the next core group"
        f.oversight.value = True
    if disagreement:
        r.add_disagreement(disagreement, "Could not agree in the session", escalated)
    assert r.sign_supervisor(), r.status
    for pid in r.record.supervisee_ids:
        assert supervisee_signs(r, pid), r.status
    assert r.record.state == "signed"
    return r.record


# -- 1. management oversight ---------------------------------------------------------------
def test_oversight_goes_to_the_manager_and_back_to_the_next_session(world):
    sam, mia, pat = world.as_user("sam"), world.as_user("mia"), world.as_user("pat")
    r = SessionRecorder(sam, "P2", date=JAN)
    f = r.add_discussion("C1")
    f.inputs["decision"].value = "Step down to child in need " + EVIL
    f.inputs["proposed_amendment"].value = "Review the plan at the next core group"
    f.oversight.value = True
    assert not r.sign_supervisor()      # oversight asked: the reason for it is needed too
    assert "give the rationale" in r.error_for("discussions[0].rationale")
    f.inputs["rationale"].value = "Parenting course completed; school reports improvement"
    assert mia.oversight_tasks() == []  # a draft is still being written: nothing sent yet
    assert r.sign_supervisor() and supervisee_signs(r, "P2")
    sid = r.record.id
    (row,) = rows(world, DiscussionRow, session_id=sid)
    assert row.needs_oversight and row.oversight_status == "pending"

    # The supervisor has no line manager: it reaches the team's manager, not the other team's.
    tasks = OversightTasks(mia)
    assert [t["reference"] for t in tasks.tasks] == ["CR-2025-000001"]
    did = tasks.tasks[0]["discussion_id"]
    assert tasks.tasks[0]["routed_names"] == ["Mia Manager"]
    no_markup(tasks.widget)
    assert any("&lt;script&gt;" in h for h in html_values(tasks.widget))
    with pytest.raises(AccessDenied):
        world.as_user("sue").answer_oversight(did, "agreed", "")
    with pytest.raises(AccessDenied):
        pat.oversight_tasks()

    # Asking for more information needs the question.
    card = tasks.cards[did]
    card.buttons["Ask for more information"].click()
    assert "required" in card.field.error.value and tasks.status.startswith("Not answered")
    card.text.value = "What does the school report say about attendance?"
    card.buttons["Ask for more information"].click()
    assert rows(world, DiscussionRow, id=did)[0].oversight_status == "more information requested"
    assert tasks.tasks == []

    # The supervisor sees the question in the next session and answers it there.
    nxt = SessionRecorder(sam, "P2", date=FEB)
    answers = nxt.sections["reviews"].oversight
    assert answers.texts() == ["CR-2025-000001: more information requested — "
                               "What does the school report say about attendance?"]
    reply = answers.replies[did]
    reply.text.value = "Attendance 96% this term"
    reply.buttons["Send more information"].click()
    assert rows(world, DiscussionRow, id=did)[0].oversight_status == "pending"

    # Back on the manager's list with the exchange; a disagreement needs a reason.
    tasks.refresh()
    exchange = " ".join(e["text"] for e in tasks.tasks[0]["exchange"])
    assert "Attendance 96% this term" in exchange and "school report" in exchange
    tasks.agree(did, "Agreed now that attendance is known")
    stored = rows(world, DiscussionRow, id=did)[0]
    assert (stored.oversight_status, stored.oversight_manager_id) == ("agreed", "P5")
    # The supervisee sees the outcome of the decision about their case.
    assert [(a["status"], a["manager"]) for a in pat.oversight_answers("P2")] == [
        ("agreed", "Mia Manager")]
    theirs = OversightAnswers(pat, "P2")
    assert theirs.texts() == ["CR-2025-000001: agreed — Agreed now that attendance is known"]
    assert theirs.replies == {}  # only the supervisor answers the manager's questions
    assert any("Agreed by Mia Manager" in h for h in html_values(theirs.widget))


def test_manager_disagrees_and_the_whole_exchange_stays_with_the_record(world):
    sam, mia, pat, aud = (world.as_user(u) for u in ("sam", "mia", "pat", "aud"))
    rec = record(sam, "P2", JAN, decision="Close the case")
    tasks = OversightTasks(mia)
    did = tasks.tasks[0]["discussion_id"]
    tasks.disagree(did, "")
    assert "required" in tasks.cards[did].field.error.value
    tasks.cards[did].text.value = "Keep the plan open until the review conference " + EVIL
    tasks.cards[did].buttons["Disagree"].click()
    stored = rows(world, DiscussionRow, id=did)[0]
    assert (stored.oversight_status, stored.oversight_manager_id) == ("disagreed", "P5")
    assert stored.oversight_reason.startswith("Keep the plan open") and stored.oversight_at
    with pytest.raises(ValidationError):  # signed off: final
        mia.answer_oversight(did, "agreed", "")

    # The next session shows the answer; so does the supervisee's own view.
    nxt = SessionRecorder(sam, "P2", date=FEB)
    assert nxt.sections["reviews"].oversight.texts()[0].startswith("CR-2025-000001: disagreed")
    no_markup(nxt.sections["reviews"].oversight.widget)
    assert [a["status"] for a in pat.oversight_answers("P2")] == ["disagreed"]
    # Kept with the record: the answer beside it (outside the hash), the exchange as addenda.
    notes = [a.text for a in sam.addenda(rec.id)]
    assert any(n.startswith("Management oversight of CR-2025-000001: disagreed by Mia Manager")
               for n in notes)
    assert aud.verify_records() == []
    doc = sam.session_document(rec.id, timelines=False)
    assert doc["discussions"][0]["oversight"]["status"] == "disagreed"
    assert doc["discussions"][0]["oversight"]["by"] == "Mia Manager"
    # A session held after the answer has shown it: the one after that does not repeat it.
    later = dt.date.today() + dt.timedelta(days=1)
    record(sam, "P2", later)
    assert sam.oversight_answers("P2", before=later + dt.timedelta(days=30)) == []


def test_oversight_goes_to_the_supervisors_line_manager(tmp_path):
    tk = small_world(tmp_path / "s.sqlite")  # sup's line manager is mgr
    rec = tk.session(tk.sessions(supervisee_id="pw")[0]["id"])
    assert rec.state == "signed"
    with tk.engine.begin() as conn:  # mark the signed decision for oversight as an import would
        conn.execute(DiscussionRow.__table__.update().where(
            DiscussionRow.__table__.c.session_id == rec.id).values(needs_oversight=True,
                                                                   oversight_status="pending"))
    mgr = tk.as_user("morgan")
    assert {t["routed_names"][0] for t in mgr.oversight_tasks()} == {"Morgan Manager"}
    tasks = OversightTasks(mgr)
    first = next(iter(tasks.cards))
    tasks.agree(first, "Proportionate")
    assert rows(tk, DiscussionRow, id=first)[0].oversight_status == "agreed"
    assert len(tasks.tasks) == 1


# -- 2. observation of practice ------------------------------------------------------------
def test_observation_planned_recorded_discussed_and_sampled(world):
    sam, mia, pat = world.as_user("sam"), world.as_user("mia"), world.as_user("pat")
    session = record(sam, "P2", JAN)
    plan = ObservationForm(sam, "P2", today=dt.date(2025, 12, 1))
    plan.date.value = dt.date(2026, 1, 8)
    plan.save_button.click()
    (row,) = rows(world, ObservationRow)
    assert (row.supervisee_id, row.observer_id, row.planned, row.date) == ("P2", "P1", True,
                                                                          dt.date(2026, 1, 8))
    # Agreed in advance: the supervisee sees the plan, and who will observe.
    ahead = ObservationList(pat, "P2", as_of=dt.date(2025, 12, 1))
    assert [o.id for o in ahead.items] == [row.id]
    assert ahead.table.all_text() == [["8 Jan 2026", "Pat Practitioner", "Sam Supervisor", "—",
                                       "planned", "no"]]
    # After the visit: setting and permissions are required to record it.
    form = ObservationForm(sam, observation_id=row.id, today=dt.date(2026, 1, 20))
    form.save_button.click()
    assert "permissions" in form.fields["permissions"].error.value
    form.inputs["setting"].value = "Home visit with Jamie's mother " + EVIL
    form.inputs["permissions"].value = "Mother agreed on the phone the day before"
    form.inputs["went_well"].value = "Calm, child-focused questions"
    form.inputs["development_points"].value = "Summarise the plan at the end"
    assert session.id in [v for _, v in form.session.options]
    form.session.value = session.id
    form.save_button.click()
    assert form.status.startswith("Saved")
    (row,) = rows(world, ObservationRow)
    assert row.notes["permissions"].startswith("Mother agreed") and row.discussed_session_id == session.id
    assert row.notes["setting"].endswith(EVIL)
    # The supervisee sees it; the manager marks a random sample for the QA audit.
    seen = ObservationList(pat, "P2")
    assert [o.id for o in seen.items] == [row.id] and seen.table.all_text()[0][4] == "discussed"
    # A click on the row shows the observation in full below, typed markup as text.
    assert seen.select(row.id).id == row.id
    assert "Summarise the plan at the end" in seen.detail.value and EVIL not in seen.detail.value
    no_markup(seen.widget)
    qa = ObservationList(mia)
    assert qa.sample_for_qa(0.5, seed=1) == [row.id] and rows(world, ObservationRow)[0].qa_sample
    # Both parties then see it is in the audit sample.
    assert ObservationList(pat, "P2").table.all_text()[0][5] == "yes"
    assert "quality-assurance sample" in ObservationForm(
        sam, observation_id=row.id, today=dt.date(2026, 1, 20)).header.value
    theirs = ObservationForm(pat, observation_id=row.id, today=dt.date(2026, 1, 20))
    assert ("Sam Supervisor", "P1") in theirs.observer.options and theirs.observer.value == "P1"
    assert theirs.inputs["development_points"].value == "Summarise the plan at the end"
    assert qa.sample_for_qa(0.5, seed=1) == []  # nothing left to sample
    with pytest.raises(AccessDenied):
        sam.sample_observations_for_qa(0.5)
    with pytest.raises(ValidationError):
        mia.sample_observations_for_qa(2)


def test_a_click_on_someone_short_of_observations_plans_one_for_them(world):
    from supervision_kit.apps.practice_sections import ObservationsSection
    sec = ObservationsSection(world.as_user("sam"), as_of=dt.date(2027, 6, 1))
    assert sec.list.short.row_keys == ["P9"]      # none recorded since the contract began
    assert sec.list.short.all_text()[0][1].startswith("Overdue by 147 days: due 5 Jan 2027")
    sec.list.short.select("P9")                   # a click on their row
    assert sec.form.observation is None and sec.form.supervisee.value == "P9"
    sec.form.date.value = dt.date(2027, 6, 20)    # planned, agreed in advance
    sec.form.save_button.click()
    (row,) = rows(world, ObservationRow)
    assert row.supervisee_id == "P9" and sec.list.table.selected == row.id
    assert sec.list.table.all_text() == [["20 Jun 2027", "Nia Newly", "Sam Supervisor", "—",
                                          "planned", "no"]]
    assert sec.list.short.row_keys == ["P9"]      # a plan is not yet an observation


# -- 3. entitlement and escalation of requests ------------------------------------------------
def test_three_way_meeting_only_beyond_tolerance_and_urgent_discussions(world):
    sam, mia, pat = world.as_user("sam"), world.as_user("mia"), world.as_user("pat")
    record(sam, "P2", JAN)  # next due 12 February (monthly); tolerance 14 days
    early = EntitlementPanel(pat, as_of=dt.date(2026, 2, 20))
    assert early.state["days_overdue"] == 8 and not early.can_request
    assert early.three_way_box.layout.display == "none"
    assert early.request_three_way("Please") is None and "tolerance" in early.status
    late = EntitlementPanel(pat, as_of=dt.date(2026, 3, 1))
    assert any(e["entity"] == "entitlement" and e["user"] == "pat"
               for e in world.as_user("aud").audit_log(action="view"))
    assert late.can_request and late.state["tolerance_days"] == 14
    assert "17 days overdue" in late.summary.value
    late.three_way_button.click()
    assert "required" in late.three_way_field.error.value
    late.three_way_reason.value = "No supervision since January " + EVIL
    late.three_way_button.click()
    (req,) = rows(world, RequestRow)
    assert (req.kind, req.requester_id, req.supervisor_id, req.manager_id) == (
        "three-way meeting", "P2", "P1", "P5")
    assert late.request_three_way("again") is None and "still open" in late.status
    late.case.value = "C1"
    late.urgent_reason.value = "New bruise seen at school; the plan does not respond"
    late.urgent_button.click()
    urgent = [r for r in rows(world, RequestRow) if r.kind == "urgent case discussion"]
    assert len(urgent) == 1 and urgent[0].case_id == "C1" and urgent[0].supervisor_id == "P1"
    no_markup(late.widget)

    # The supervisor and the manager each see what is addressed to them and answer it.
    inbox = RequestInbox(sam)
    assert {r["kind"] for r in inbox.items} == {"three-way meeting", "urgent case discussion"}
    inbox.boxes[urgent[0].id].input.value = "Discussed the same day; strategy meeting called"
    inbox.resolve(urgent[0].id)
    assert rows(world, RequestRow, id=urgent[0].id)[0].resolved_at is not None
    boss = RequestInbox(mia)
    assert [r["id"] for r in boss.items] == [req.id]
    boss.resolve(req.id, "Met on 3 March; fortnightly supervision booked")
    with pytest.raises(NotFound):  # another team's supervisor does not even see it
        world.as_user("sue").resolve_request(req.id, "not mine")
    with pytest.raises(AccessDenied):  # the requester cannot close their own request
        pat.resolve_request(req.id, "sorted")
    # The supervisee sees both outcomes.
    late.refresh()
    assert all(not r["open"] for r in late.mine)
    assert "strategy meeting called" in late.list_box.children[0].value + late.list_box.children[1].value
    # A contract may give this supervisee a longer tolerance, like any number of its preset.
    sam.save_contract(Contract("P1", "P2", "havering_social_work", dt.date(2025, 1, 6),
                               overrides={"supervision": {"entitlement_tolerance_days": 30}}))
    assert not pat.entitlement(as_of=dt.date(2026, 3, 1))["beyond_tolerance"]
    assert pat.entitlement(as_of=dt.date(2026, 3, 20))["beyond_tolerance"]


# -- 4. disagreement and escalation ---------------------------------------------------------
def test_disagreement_escalated_with_both_parties_knowledge_and_resolved(world):
    sam, mia, pat, aud = (world.as_user(u) for u in ("sam", "mia", "pat", "aud"))
    draft = SessionRecorder(sam, "P2", date=JAN)
    draft.add_disagreement("Threshold for a strategy discussion")
    dis_id = draft.record.disagreements[0].id
    with pytest.raises(ValidationError):  # a draft is escalated by ticking it, then signing
        pat.escalate_disagreement(dis_id)
    assert draft.sign_supervisor() and supervisee_signs(draft, "P2")
    # The signed record offers escalation (it is an addendum to the record).
    signed = SessionRecorder(sam, "P2", session_id=draft.record.id)
    (ctl,) = signed.sections["sign"].escalations
    assert ctl.button.layout.display is None and not ctl.button.disabled
    # Either party may escalate: the supervisee does, from their own list.
    panel = DisagreementsPanel(pat)
    panel.buttons[dis_id].click()
    stored = rows(world, DisagreementRow, id=dis_id)[0]
    assert stored.escalated_to_id == "P5" and not stored.escalated  # signed content unchanged
    assert aud.verify_records() == []
    assert any(a.text.startswith("Disagreement escalated to Mia Manager by Pat Practitioner")
               for a in sam.addenda(draft.record.id))
    # The supervisor sees it too; the manager has it on their list and records the outcome.
    assert "Escalated to Mia Manager" in DisagreementsPanel(sam).box.children[0].children[0].value
    tasks = OversightTasks(mia)
    assert [d["id"] for d in tasks.escalations] == [dis_id]
    tasks.escalation_cards[dis_id].text.value = "Strategy discussion to be held; both agreed"
    tasks.escalation_cards[dis_id].buttons["Record outcome"].click()
    stored = rows(world, DisagreementRow, id=dis_id)[0]
    assert stored.outcome.startswith("Strategy discussion") and stored.resolved_date == dt.date.today()
    assert tasks.escalations == []
    for who in (sam, pat):
        (d,) = who.disagreements()
        assert d["outcome"].startswith("Strategy discussion") and d["escalated_to"] == "Mia Manager"
    shown = DisagreementsPanel(pat).box.children[0].children[0].value
    assert "Resolved on" in shown and "by Mia Manager" in shown and "Strategy discussion" in shown
    doc = sam.session_document(draft.record.id, timelines=False)
    assert doc["disagreements"][0]["escalated"] and doc["disagreements"][0]["escalated_to"] == "Mia Manager"
    assert aud.verify_records() == []


def test_disagreement_ticked_escalated_in_session_reaches_the_manager_when_signed(world):
    sam, mia = world.as_user("sam"), world.as_user("mia")
    record(sam, "P2", JAN, disagreement="Whether to step down", escalated=True)
    (d,) = mia.disagreements(to_me=True)
    assert d["escalated"] and d["escalated_to"] == "Mia Manager"
    assert mia.resolve_disagreement(d["id"], "Step down agreed at panel")["resolved_date"]


# -- 5. training record ----------------------------------------------------------------------
def test_training_record_and_take_up(world):
    mia, pat, aud = world.as_user("mia"), world.as_user("pat"), world.as_user("aud")
    day = dt.date(2026, 3, 1)
    panel = TrainingRecordPanel(mia, "P2", as_of=day)
    assert "no safeguarding training recorded" in panel.summary.value
    panel.add("Safeguarding Children Level 3", 3, dt.date(2022, 1, 10))
    (row,) = rows(world, TrainingRecordRow)
    assert (row.practitioner_id, row.level, row.renewal_due) == ("P2", 3, dt.date(2025, 1, 10))
    assert "Out of date" in panel.summary.value and "renewal was due 10 Jan 2025" in panel.summary.value
    assert panel.add("Mystery course", 7, dt.date(2025, 1, 1)) is None
    assert "unknown level" in panel.fields["level"].error.value
    # The practitioner sees what the manager recorded, and that it is out of date ...
    own = TrainingRecordPanel(pat, as_of=day)
    assert own.table.all_text() == [["Safeguarding Children Level 3", "3", "10 Jan 2022", "10 Jan 2025"]]
    assert "Out of date" in own.summary.value
    views = [e for e in aud.audit_log(action="view") if e["entity"] == "training_records"]
    assert {e["user"] for e in views} >= {"mia", "pat"}  # every look at a record is logged
    # ... and records their own refresher; they are then up to date.
    own.course.value = "Working Together update " + EVIL
    own.level.value = 3
    own.attended.value = dt.date(2025, 11, 3)
    own.add_button.click()
    assert "Up to date" in own.summary.value and len(rows(world, TrainingRecordRow)) == 2
    # The list follows at once, newest first, the new course chosen and shown in full below.
    assert [r[0] for r in own.table.all_text()] == ["Working Together update " + EVIL,
                                                    "Safeguarding Children Level 3"]
    detail = own.detail.value
    assert own.table.row()["course"].startswith("Working Together") and "3 Nov 2025" in detail
    own.table.select(own.table.row_keys[1])   # a click on the older one shows it instead
    assert "10 Jan 2022" in own.detail.value
    no_markup(own.widget)
    with pytest.raises(AccessDenied):
        pat.add_training_record("P9", "Level 1", 1, "2025-01-01")
    # Quality assurance: take-up by team and who is out of date.
    qa = TrainingTakeUp(aud, as_of=day)
    north = qa.take_up.set_index("team").loc["North"]
    assert (north["staff"], north["up_to_date"]) == (4, 1)
    assert "Pat Practitioner" not in set(qa.out_of_date["name"])
    assert {"Sam Supervisor", "Nia Newly", "Mia Manager"} <= set(qa.out_of_date["name"])
    assert "Rae Researcher" not in set(qa.out_of_date["name"])  # no level required


# -- 6. contract lifecycle ---------------------------------------------------------------------
def test_contract_from_preset_to_handover_and_history_follows(world):
    sam, sue, pat = world.as_user("sam"), world.as_user("sue"), world.as_user("pat")
    first = record(sam, "P2", JAN, decision="Continue the plan")
    form = ContractForm(sam, "P2", start_date=dt.date(2025, 1, 6))
    assert form.inputs["frequency"].value.startswith("Monthly supervision")  # from the preset
    for k in TERM_KEYS:
        form.inputs[k].value = form.inputs[k].value or f"{k}: as agreed"
    form.save_button.click()
    form.sign_supervisor_button.click()
    form.inputs["venue"].value = "Room 4 (renegotiated)"  # a change unsigns it
    form.save_button.click()
    assert pat.contract(form.contract.id).supervisor_signed_at is None
    form.sign_supervisor_button.click()
    assert form.sign_supervisee_button.layout.display == "none"  # Sam cannot sign for Pat
    ContractForm(pat, "P2", contract_id=form.contract.id).sign_supervisee()  # Pat, signed in
    form = ContractForm(sam, "P2", contract_id=form.contract.id)
    assert form.read_only and pat.contracts("P2")[0].venue == "Room 4 (renegotiated)"
    # The rules flag the annual review once it is past.
    rev = sam.contract_reviews(as_of=dt.date(2026, 2, 1))
    mine = rev[rev["contract_id"] == form.contract.id].iloc[0]
    assert mine["days_overdue"] > 0
    # A change of supervisor: the outgoing supervisor hands over to sue.
    old = form.contract.id
    new = form.replace("P4", "Jamie's core group is on the 20th; see January's record",
                       start_date=dt.date(2026, 2, 1))
    assert new is not None and new.replaces_id == old
    assert sam.contract(old).end_date == dt.date(2026, 2, 1)
    handover = ContractForm(sue, "P2", contract_id=new.id)
    assert "core group is on the 20th" in handover.header.value
    handover.sign_supervisor()
    ContractForm(pat, "P2", contract_id=new.id).sign_supervisee()
    assert sue.contract(new.id).supervisee_signed_at is not None
    # The supervision history follows the supervisee to the new supervisor.
    assert [s.id for s in sue.history("P2")] == [first.id]
    assert sue.session(first.id).discussions[0].decision == "Continue the plan"
    assert [p.id for p in sue.supervisees()] == ["P2"]
    theirs = ContractForm(pat, "P2", contract_id=new.id)
    assert "core group is on the 20th" in theirs.header.value and "Replaces the contract" in \
        theirs.header.value and "Signed by the supervisee" in theirs.signatures.value
    # The new supervisor's first session starts from that history.
    nxt = SessionRecorder(sue, "P2", date=dt.date(2026, 2, 16))
    assert nxt.status == "" and nxt.record.supervisor_id == "P4"
    assert "12 Jan 2026" in nxt.widget.children[0].value  # date of last supervision
    assert nxt.add_discussion("C1").previous_label.value == "Previous rating: G (improving)"


# -- 7. group supervision -------------------------------------------------------------------
def test_group_agrees_confidentiality_records_a_group_and_everyone_signs(world):
    sam, nia = world.as_user("sam"), world.as_user("nia")
    r = SessionRecorder(sam, ["P2", "P9"], date=JAN)
    assert r.record.type == "group"
    assert not r.sign_supervisor() and "confidentiality" in r.error_for("group_confidentiality")
    r.inputs["group_confidentiality"].value = "What we share stays here unless a child is at risk"
    assert r.sign_supervisor() and r.record.state == "awaiting signatures"
    assert supervisee_signs(r, "P2") and r.record.state == "awaiting signatures"
    assert supervisee_signs(r, "P9") and r.record.state == "signed"
    stored = nia.session(r.record.id)
    assert stored.type == "group" and stored.group_confidentiality.startswith("What we share")
    assert {s.practitioner_id for s in nia.signatures(r.record.id)} == {"P1", "P2", "P9"}
    doc = nia.session_document(r.record.id, timelines=False)
    assert doc["session_type"] == "group" and len(doc["supervisees"]) == 2
    assert doc["group_confidentiality"].startswith("What we share")
    mine = SessionRecorder(nia, ["P2", "P9"], session_id=r.record.id)
    assert mine.locked and mine.inputs["group_confidentiality"].value.startswith("What we share")
    assert mine.inputs["group_confidentiality"].disabled
    assert "Nia Newly" in mine.sections["group"].attendees.value
    assert "Nia Newly" in mine.sections["sign"].signatures.value


# -- the apps: caseload (manager's oversight tab) and quality assurance --------------------
def test_caseload_and_quality_assurance_apps_show_the_workflows(world):
    from supervision_kit.apps.caseload_app import CaseloadApp
    from supervision_kit.apps.qa_app import QualityAssuranceApp
    sam, mia, pat, aud = (world.as_user(u) for u in ("sam", "mia", "pat", "aud"))
    record(sam, "P2", JAN, decision="Step down to child in need")
    pat.request_three_way("No supervision since January", as_of=dt.date(2026, 3, 1))
    pat.request_urgent_discussion("Worried about the response to new bruising", "C1")
    mia.add_training_record("P2", "Safeguarding Children Level 3", 3, "2025-06-02")

    app = CaseloadApp(mia, as_of=dt.date(2026, 3, 1))
    assert list(app.sections) == ["Management oversight", "Requests", "Drift escalated",
                                  *PRACTICE_TABS]
    tabs = app.widget.children[1]
    assert tabs.titles == ("Caseload", "Management oversight", "Requests", "Drift escalated",
                           *PRACTICE_TABS)
    oversight = app.sections["Management oversight"]
    oversight.agree(oversight.tasks[0]["discussion_id"], "Proportionate")
    assert rows(world, DiscussionRow)[0].oversight_status == "agreed"
    assert list(CaseloadApp(sam, as_of=dt.date(2026, 3, 1)).sections) == [
        "Requests", "Drift escalated", *PRACTICE_TABS]

    qa = QualityAssuranceApp(aud)  # requests are stamped with the real time
    assert qa.tabs.titles[-2:] == ("Requests", "Training")
    req = qa.workflow_sections["requests"]
    assert set(req.frame["kind"]) == {"three-way meeting", "urgent case discussion"}
    assert "1 three-way meeting(s) and 1 urgent discussion(s) asked for; 2 still open" in req.reading.value
    assert req.table.total == 2 and req.table.filter("urgent") == 1  # a table to filter
    req.table.select(req.table.row_keys[0])   # a click shows the request in full below
    assert any("urgent case discussion" in h for h in html_values(req.widget))
    training = qa.workflow_sections["training"].take_up
    assert training.take_up.set_index("team").loc["North", "up_to_date"] == 1
    assert "Sam Supervisor" in set(training.out_of_date["name"])
    qa.team.value = "South"
    qa.refresh_button.click()
    assert qa.workflow_sections["requests"].frame.empty and set(qa.workflow_sections["training"].take_up.take_up["team"]) == {"South"}

    # The supervisee's own side lives in the reflection app.
    from supervision_kit.apps.reflection_app import ReflectionApp
    mine = ReflectionApp(pat)
    assert mine.tabs.titles[-1] == "My supervision" and mine.my_supervision is None
    mine.tabs.selected_index = len(mine.tabs.children) - 1
    panel = mine.my_supervision.entitlement
    assert sorted(r["kind"] for r in panel.mine) == ["three-way meeting", "urgent case discussion"]


# -- typed text survives the list being re-read ----------------------------------------------
def test_answering_one_item_keeps_what_is_typed_for_the_others(world):
    sam, mia, pat = world.as_user("sam"), world.as_user("mia"), world.as_user("pat")
    r = SessionRecorder(sam, "P2", date=JAN)
    for case in ("C1", "C2"):
        f = r.add_discussion(case)
        f.inputs["decision"].value = f"Step down {case}"
        f.inputs["rationale"].value = f"Improving for three months ({case})"
        f.inputs["proposed_amendment"].value = "Review at the next core group"
        f.oversight.value = True
    assert r.sign_supervisor() and supervisee_signs(r, "P2")
    tasks = OversightTasks(mia)
    first, second = tasks.cards
    tasks.cards[second].text.value = "Half-written question about the school report"
    tasks.cards[first].text.value = "What does health say?"
    tasks.cards[first].buttons["Ask for more information"].click()
    assert list(tasks.cards) == [second]
    assert tasks.cards[second].text.value == "Half-written question about the school report"
    tasks.ask_more(second)
    # The supervisor's replies: sending one keeps the other being written.
    answers = SessionRecorder(sam, "P2", date=FEB).sections["reviews"].oversight
    answers.replies[second].text.value = "Attendance is 96%"
    answers.reply(first, "Health visitor has no concerns")
    assert list(answers.replies) == [second] and answers.replies[second].text.value == "Attendance is 96%"
    # The same in the supervisor's inbox of requests.
    pat.request_urgent_discussion("Worried about the new partner", "C1")
    pat.request_urgent_discussion("Court date moved", "C2")
    inbox = RequestInbox(sam)
    a, b = inbox.boxes
    inbox.boxes[b].input.value = "Phoned the same day"
    inbox.boxes[a].input.value = "Met on Tuesday"
    inbox.resolve(a)
    assert list(inbox.boxes) == [b] and inbox.boxes[b].input.value == "Phoned the same day"


# -- the apps: contracts, observations and training records (caseload and "My supervision") --
def open_tab(app, title):
    """Choose a caseload tab as a click would; returns what it shows (built on opening)."""
    tabs = app.widget.children[1]
    assert app.sections[title].content is None  # nothing built before it is opened
    tabs.selected_index = tabs.titles.index(title)
    return app.sections[title].content


def test_caseload_tabs_agree_a_contract_observe_practice_and_record_training(world):
    from supervision_kit.apps.caseload_app import CaseloadApp
    from supervision_kit.apps.reflection_app import ReflectionApp
    from supervision_kit.store.schema import ContractRow
    sam, sue, pat = world.as_user("sam"), world.as_user("sue"), world.as_user("pat")
    app = CaseloadApp(sam)
    assert app.widget.children[1].titles[-len(PRACTICE_TABS):] == PRACTICE_TABS
    # Contracts: my supervisees (here by line management: no contract or session yet).
    contracts = open_tab(app, "Contracts")
    assert [v for _, v in contracts.person.options] == ["", "P9", "P2"]
    contracts.person.value = "P2"
    form = contracts.form
    assert form.contract is None and form.inputs["frequency"].value.startswith("Monthly supervision")
    form.inputs["venue"].value = "Room 4 " + EVIL
    form.sign_supervisor_button.click()  # saves first
    ContractForm(pat, "P2", contract_id=form.contract.id).sign_supervisee()  # Pat, signed in
    assert contracts.choose("P2").read_only  # chosen again: the stored one
    form = contracts.form
    form.new_supervisor.value = "P4"
    form.handover.value = "Core group on the 20th; see January's record"
    form.replace_button.click()
    old, new = sorted(rows(world, ContractRow), key=lambda r: r.replaces_id is not None)
    assert (new.supervisor_id, new.replaces_id, new.handover_note) == (
        "P4", old.id, "Core group on the 20th; see January's record")
    assert old.end_date == dt.date.today() and old.terms["venue"] == "Room 4 " + EVIL
    # The supervisee agrees to the new contract (an unsigned one grants nothing, issue 19);
    # then the new supervisor finds them in their own caseload app and signs.
    pat.sign_contract(new.id)
    theirs = open_tab(CaseloadApp(sue), "Contracts").choose("P2")
    assert theirs.contract.id == new.id and "Core group on the 20th" in theirs.header.value
    assert theirs.sign_supervisor() is not None

    # Observations: record one of Pat's practice; the list and the choices follow.
    obs = open_tab(app, "Observations")
    assert obs.form.observation is None and obs.list.table.total == 0
    obs.form.supervisee.value = "P2"
    obs.form.date.value = dt.date.today() - dt.timedelta(days=3)
    obs.form.inputs["setting"].value = "Home visit " + EVIL
    obs.form.inputs["permissions"].value = "Mother agreed the day before"
    obs.form.save_button.click()
    (row,) = rows(world, ObservationRow)
    assert (row.supervisee_id, row.observer_id) == ("P2", "P1")
    # The list follows at once, the saved one's row selected; the form (saying "Saved") stays.
    assert obs.list.table.selected == row.id and [o.id for o in obs.list.items] == [row.id]
    assert obs.form.status.startswith("Saved") and obs.form.observation.id == row.id
    obs.new_button.click()
    assert obs.form.observation is None and obs.list.table.selected == ""  # a fresh form
    obs.list.table.select(row.id)   # a click on its row opens it
    assert obs.form.observation.id == row.id
    assert obs.form.inputs["permissions"].value == "Mother agreed the day before"

    # Training records: for a practitioner I supervise.
    panel = open_tab(app, "Training records")
    assert panel.add("Safeguarding Children Level 3", 3, dt.date(2025, 11, 3),
                     practitioner_id="P2") is not None
    assert [r.practitioner_id for r in rows(world, TrainingRecordRow)] == ["P2"]
    no_markup(app.widget)

    # The supervisee sees all three in "My supervision" and signs the new contract there.
    mine = ReflectionApp(pat)
    mine.tabs.selected_index = len(mine.tabs.children) - 1
    me = mine.my_supervision
    assert [o.id for o in me.observations.items] == [row.id]
    assert "Safeguarding Children Level 3\t3\t3 Nov 2025\t3 Nov 2028" in table_texts(me.training.widget)
    assert me.contract.contract.id == new.id
    header = me.contract.header.value
    assert "Sue Southern (supervisor)" in header and "Replaces the contract with Sam Supervisor" in header
    assert me.contract.sign_supervisor_button.layout.display == "none"
    assert me.contract.change_box.layout.display == "none"
    me.contract.sign_supervisee_button.click()
    assert pat.contract(new.id).supervisee_signed_at is not None and me.contract.read_only
    no_markup(me.widget)


def test_caseload_tabs_for_staff_only_and_my_supervision_without_a_contract(world):
    from supervision_kit.apps.caseload_app import CaseloadApp
    from supervision_kit.apps.reflection_app import ReflectionApp
    assert CaseloadApp(world.as_user("aud")).sections == {}  # an auditor reads, in QA
    lonely = open_tab(CaseloadApp(world.as_user("ada")), "Contracts")  # admin: no supervisees
    assert lonely.person.options == (("Choose a supervisee…", ""),)
    assert any("no supervisees yet" in h for h in html_values(lonely.widget))
    mine = ReflectionApp(world.as_user("nia"))
    mine.tabs.selected_index = len(mine.tabs.children) - 1
    assert mine.my_supervision.contract is None
    assert any("no current supervision contract" in h for h in html_values(mine.my_supervision.widget))
