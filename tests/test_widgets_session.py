"""SessionRecorder driven headlessly (values set, real buttons clicked), asserting the store."""
import datetime as dt

import ipywidgets as w
import pytest

from supervision_kit.facade import Toolkit
from supervision_kit.widgets.common import html_values, walk
from supervision_kit.widgets.session import SessionRecorder
from tests.helpers_widgets import beside
from tests.worlds import FIRST_ACTIONS, SECOND, empty_world, small_world, supervisee_signs

THIRD = dt.date(2024, 5, 2)


@pytest.fixture
def tk(tmp_path):
    return small_world(tmp_path / "t.sqlite")


def inputs_of(widget):
    """Every input (anything that can be disabled) inside ``widget``."""
    return [x for x in walk(widget) if "disabled" in x.trait_names()]


def walk_gibbs(guide, texts):
    """Type each stage's text and press Next, as a supervisor would."""
    for key in guide.framework.keys:
        assert guide.current.key == key
        guide.textareas[key].value = texts[key]
        if not guide.next_button.disabled:
            guide.next_button.click()


def test_full_session_then_next_session_carries_open_actions(tk):
    r = SessionRecorder(tk, "pw", date=SECOND)
    assert r.record.version == 0 and r.record.state == "draft" and not r.locked
    carried = tk.carried_actions(r.record)
    assert [a.description for a in carried] == list(FIRST_ACTIONS)
    a_done, a_dropped, a_left = carried
    assert set(r.review_buttons) == {a.id for a in carried}

    r.inputs["agenda"].value = "Two cases; wellbeing; training"
    assert r.record.version >= 1 and r.status.startswith("Draft saved")
    # The policy's suggestion is in the draft once it is first saved.
    assert tk.session(r.record.id).next_session_date == tk.suggest_next_session("pw", after=SECOND)

    # Review two carried actions: one through its ToggleButtons, one through the method.
    r.review_buttons[a_done.id].value = "done"
    r.review(a_dropped.id, "dropped", note="Family moved out of area")

    # Two case discussions: one picked in the Dropdown and added with the real button.
    disc = r.sections["discussions"]
    disc.picker.value = "c1"
    disc.add_button.click()
    f1 = r.discussion("c1")
    # Only the stable context is carried from the last signed discussion, marked to be
    # confirmed or changed; this meeting's answers start empty, last time's shown beside.
    assert f1.inputs["plan"].value == "CP plan: weekly visits"
    assert "carried from 4 Mar 2024: confirm or change" in f1.notes["plan"].note.value
    assert f1.inputs["worries"].value == "" and f1.inputs["summary"].value == ""
    assert "Neglect at home" in f1.notes["worries"].reference.value
    assert f1.previous_label.value == "Previous rating: A (the same)"
    f1.inputs["summary"].value = "Core group met; home conditions better"
    f1.rag.value = "G"
    f1.inputs["decision"].value = "Continue the plan"
    f1.inputs["rationale"].value = "Home conditions better for six weeks"   # the rating changed
    f1.notes["plan"].button.click()                                 # the plan is unchanged
    assert "confirmed from 4 Mar 2024" in f1.notes["plan"].note.value
    f2 = r.add_discussion("c3")
    assert f2.previous_label.value == "No previous rating" and f2.inputs["worries"].value == ""
    f2.inputs["worries"].value = "Poor school attendance"
    f2.inputs["impact"].value = "Falling behind in reading"
    f2.rag.value = "A"
    f2.oversight.value = True
    f2.inputs["decision"].value = "Refer to the early help panel"
    f2.inputs["rationale"].value = "Attendance below 80% for a term"

    r.inputs["wellbeing"].value = "Tired but coping"
    r.inputs["workload"].value = "18 cases"
    r.inputs["sickness_absence"].value = "None"
    r.inputs["training_since"].value = "Neglect toolkit"
    r.function_boxes["support"].value = True
    r.function_boxes["development"].value = True
    r.inputs["learning_development"].value = "Shadow a core group chair"
    r.add_disagreement("Threshold for a strategy discussion", "Agreed to consult the LADO", False)

    # A Gibbs reflection; its action plan makes one of the three actions.
    g = r.start_reflection("gibbs")
    texts = {k: f"{k} of the home visit" for k in g.framework.keys}
    texts["action_plan"] = "Read the neglect toolkit guidance by 2024-04-30 @pat"
    walk_gibbs(g, texts)
    assert g.progress.value == 6 and g._step.value.startswith("Stage 6 of 6")
    g._make_btn.click()  # asks for an owner and a due date first (both are in the line)
    assert [(o.value, d.value) for _, o, d in g.review] == [(g.review[0][0].owner_id,
                                                             dt.date(2024, 4, 30))]
    g._review_box.children[-1].children[0].click()  # "Make 1 action"
    assert [a.description for a in g.made_actions] == [texts["action_plan"]]

    form = r.sections["actions"].form
    form.description.value = "Visit Amy at school and see her alone"
    form.owner.value = "pw"
    form.due.value = dt.date(2024, 4, 12)
    form.case.value = "c1"
    form.add_button.click()
    assert form.description.value == ""                              # cleared once added
    r.add_action("Ring the health visitor about the two-year check", "sup",
                 dt.date(2024, 4, 19), "c3")
    assert len(r.action_rows) == 3 and r.action_rows[0].smart.value == ""
    r.inputs["next_session_date"].value = THIRD
    assert r.errors == {}

    sign = r.sections["sign"]
    sign.buttons["sup"].click()
    assert r.record.state == "awaiting signatures" and r.locked
    assert r.status and r.status in beside(r.widget, r.sections["sign"].buttons["sup"])
    sign = r.sections["sign"]
    assert supervisee_signs(r, "pw") and r.record.state == "signed"

    s = tk.session(r.record.id)
    assert s.state == "signed" and s.agenda == "Two cases; wellbeing; training"
    assert [(v.action_id, v.outcome, v.note) for v in s.reviews] == [
        (a_done.id, "done", ""), (a_dropped.id, "dropped", "Family moved out of area")]
    assert [(d.case_id, d.rag) for d in s.discussions] == [("c1", "G"), ("c3", "A")]
    d1, d2 = s.discussions
    assert d1.summary == "Core group met; home conditions better" and d1.worries == ""
    assert d1.plan == "CP plan: weekly visits"
    assert d1.provenance == {"plan": {"how": "confirmed", "from": "2024-03-04"}}
    assert d1.decision == "Continue the plan" and not d1.needs_oversight
    assert d2.worries == "Poor school attendance" and d2.needs_oversight
    assert (s.wellbeing, s.workload, s.sickness_absence, s.training_since) == (
        "Tired but coping", "18 cases", "None", "Neglect toolkit")
    assert s.functions == ["support", "development"]
    assert s.learning_development == "Shadow a core group chair"
    assert [(d.description, d.resolution, d.escalated) for d in s.disagreements] == [
        ("Threshold for a strategy discussion", "Agreed to consult the LADO", False)]
    assert [(a.description, a.owner_id, a.due_date, a.case_id) for a in s.actions] == [
        (texts["action_plan"], "pw", dt.date(2024, 4, 30), None),
        ("Visit Amy at school and see her alone", "pw", dt.date(2024, 4, 12), "c1"),
        ("Ring the health visitor about the two-year check", "sup", dt.date(2024, 4, 19), "c3")]
    assert len(s.reflections) == 1
    assert s.reflections[0].framework == "gibbs" and s.reflections[0].responses == texts
    assert s.next_session_date == THIRD
    assert {x.practitioner_id for x in tk.signatures(s.id)} == {"sup", "pw"}
    status = {a.id: a.status for a in tk.actions(owner_id=None)}
    assert (status[a_done.id], status[a_dropped.id], status[a_left.id]) == ("done", "dropped", "open")
    assert len(tk.sessions(supervisee_id="pw")) == 2

    # Signed: every input is read only, except the addendum box (and paging the reflection).
    sign = r.sections["sign"]
    enabled = {id(x) for x in inputs_of(r.accordion) if not x.disabled}
    paging = {id(b) for g in r.sections["reflection"].guides.values()
              for b in (g.back_button, g.next_button)}
    assert enabled <= {id(x) for x in walk(sign.addendum_box)} | paging
    g = next(iter(r.sections["reflection"].guides.values()))
    assert all(t.disabled for t in g.textareas.values())
    assert not sign.addendum_text.disabled and sign.addendum_box.layout.display is None
    assert r.add_discussion("c2") is None and r.status.startswith("Locked")

    # The next session carries every open action forward.
    r2 = SessionRecorder(tk, "pw", date=THIRD)
    assert r2.record.id != s.id and r2.record.state == "draft"
    open_ids = {a.id for a in tk.actions(owner_id=None, status="open")}
    assert set(r2.review_buttons) == open_ids == {a_left.id} | {a.id for a in s.actions}
    for aid in r2.review_buttons:
        r2.review(aid, "carried forward")
    f = r2.add_discussion("c1")
    f.rag.value = "G"
    assert f.previous_label.value == "Previous rating: G (improving)"
    assert not r2.sign_supervisor() and "was carried from 2 Apr 2024" in r2.error_for(
        "discussions[0].plan")
    assert f.confirm_all() == 1 and r2.errors == {}
    assert r2.sign_supervisor() and supervisee_signs(r2, "pw")
    s2 = tk.session(r2.record.id)
    assert sorted((v.action_id, v.outcome) for v in s2.reviews) == sorted(
        (aid, "carried forward") for aid in open_ids)
    assert {a.id for a in tk.actions(owner_id=None, status="open")} == open_ids
    r3 = SessionRecorder(tk, "pw", date=THIRD + dt.timedelta(days=28))
    assert set(r3.review_buttons) == open_ids


def test_draft_survives_a_new_widget_and_a_new_kernel(tmp_path):
    path = tmp_path / "t.sqlite"
    tk = small_world(path)
    r = SessionRecorder(tk, "pw", date=SECOND)
    carried = tk.carried_actions(r.record)
    r.inputs["agenda"].value = "Agenda typed once"
    r.review(carried[0].id, "done")
    f = r.add_discussion("c2")
    f.inputs["barriers"].value = "Housing waiting list"
    f.rag.value = "A"
    r.function_boxes["management"].value = True
    r.add_disagreement("Whether to step down to early help", "To revisit next month", True)
    r.add_action("Write to the housing officer with the medical evidence", "pw", dt.date(2024, 4, 20), "c2")
    g = r.start_reflection("kolb")
    g.textareas["experience"].value = "The visit went differently from the plan"
    r.inputs["next_session_date"].value = THIRD
    session_id = r.record.id

    fresh = Toolkit(path, "sam")                       # a restarted kernel: nothing shared
    again = SessionRecorder(fresh, ["pw"], date=SECOND)   # the same day: no question asked
    assert again.pending_draft is None
    assert again.status == "Continuing the draft of 2 Apr 2024 already open for Pat Worker"
    assert again.record.id == session_id and again.record.date == SECOND
    assert again.inputs["agenda"].value == "Agenda typed once"
    assert again.review_buttons[carried[0].id].value == "done"
    assert again.review_buttons[carried[1].id].value is None
    f2 = again.discussion("c2")
    assert f2.inputs["barriers"].value == "Housing waiting list" and f2.rag.value == "A"
    assert f2.inputs["worries"].value == ""          # this meeting's answer, never copied
    assert "Housing" in f2.notes["worries"].reference.value   # last time's, for reference
    assert again.function_boxes["management"].value and not again.function_boxes["support"].value
    row = again.sections["disagreements"].rows[0]
    assert row.inputs["description"].value == "Whether to step down to early help"
    assert row.inputs["escalated"].value is True
    a = again.action_rows[0].inputs
    assert (a["description"].value, a["owner_id"].value, a["due_date"].value, a["case_id"].value) == (
        "Write to the housing officer with the medical evidence", "pw", dt.date(2024, 4, 20), "c2")
    g2 = next(iter(again.sections["reflection"].guides.values()))
    assert g2.framework.id == "kolb"
    assert g2.textareas["experience"].value == "The visit went differently from the plan"
    assert again.inputs["next_session_date"].value == THIRD

    # Editing in the new widget continues the same draft.
    again.inputs["agenda"].value = "Agenda edited after the restart"
    assert fresh.session(session_id).agenda == "Agenda edited after the restart"
    assert len(fresh.sessions(supervisee_id="pw")) == 2


def test_autosave_off_saves_only_when_asked(tk):
    r = SessionRecorder(tk, "pw", date=SECOND, autosave=False)
    r.inputs["agenda"].value = "Not yet stored"
    assert r.dirty and len(tk.sessions(supervisee_id="pw")) == 1
    assert r.save() and tk.session(r.record.id).agenda == "Not yet stored"


def test_action_due_before_the_session_is_shown_beside_its_field(tk):
    r = SessionRecorder(tk, "pw", date=SECOND)
    r.inputs["agenda"].value = "Agenda kept"
    f = r.add_discussion("c1")
    f.inputs["plan"].value = "Plan kept"
    r.add_action("Visit the family with the health visitor", "pw", dt.date(2024, 3, 1), "c1")
    r.add_action("Book the core group", "pw", dt.date(2024, 4, 10), "c1")

    msg = "due date 1 Mar 2024 is before the session date 2 Apr 2024"
    assert r.errors == {"actions[0].due_date": msg}
    assert r.error_for("actions[0].due_date") == msg
    due = r.action_rows[0].fields["due_date"]
    assert due.error.value == msg and due.box.children == (due.input, due.error)
    assert r.action_rows[1].fields["due_date"].error is None
    assert r.status.startswith("Not saved")
    # Every widget keeps what was typed.
    assert r.action_rows[0].inputs["due_date"].value == dt.date(2024, 3, 1)
    assert r.action_rows[0].inputs["description"].value == "Visit the family with the health visitor"
    assert r.inputs["agenda"].value == "Agenda kept" and f.inputs["plan"].value == "Plan kept"
    # Everything else is stored; the refused date is not.
    s = tk.session(r.record.id)
    assert s.agenda == "Agenda kept" and s.discussions[0].plan == "Plan kept"
    assert [(a.description, a.due_date) for a in s.actions] == [
        ("Visit the family with the health visitor", None), ("Book the core group", dt.date(2024, 4, 10))]
    # Nor can it be signed while a field is refused.
    assert not r.sign_supervisor() and r.record.state == "draft"

    r.action_rows[0].inputs["due_date"].value = dt.date(2024, 4, 16)
    assert r.errors == {} and r.error_for("actions[0].due_date") == "" and due.error.value == ""
    assert tk.session(r.record.id).actions[0].due_date == dt.date(2024, 4, 16)


def test_next_session_before_this_one_is_refused_beside_the_picker(tk):
    r = SessionRecorder(tk, "pw", date=SECOND)
    r.inputs["agenda"].value = "Kept"
    r.inputs["next_session_date"].value = dt.date(2024, 3, 30)
    assert "is not after the session date" in r.error_for("next_session_date")
    assert r.sections["next"].field.error in r.sections["next"].field.box.children
    assert r.inputs["next_session_date"].value == dt.date(2024, 3, 30)
    assert tk.session(r.record.id).agenda == "Kept"


def test_stale_copy_is_reported_and_text_is_kept(tk):
    a = SessionRecorder(tk, "pw", date=SECOND)
    a.inputs["agenda"].value = "First"
    b = SessionRecorder(tk, "pw", date=SECOND)
    assert b.record.id == a.record.id
    b.inputs["wellbeing"].value = "From the second window"
    a.inputs["agenda"].value = "Typed in the stale window"
    assert a.status.startswith("Not saved") and "someone else saved" in a.status
    assert a.inputs["agenda"].value == "Typed in the stale window"
    assert tk.session(a.record.id).wellbeing == "From the second window"


def test_escalating_rating_requires_a_proposed_amendment_before_signing(tk):
    r = SessionRecorder(tk, "pw", date=SECOND)
    f = r.add_discussion("c1")                      # last rated A
    assert f.fields["proposed_amendment"].box.layout.display == "none"
    f.rag.value = "R"
    assert f.fields["proposed_amendment"].box.layout.display is None
    assert "escalating" in f.amendment_prompt.value
    assert not r.sign_supervisor()
    assert "propose an amendment" in r.error_for("discussions[0].proposed_amendment")
    # The rating changed and the plan was carried: each is named beside its field.
    assert r.error_for("discussions[0].rationale").startswith("The rating changed (A → R)")
    assert "was carried from 4 Mar 2024" in r.error_for("discussions[0].plan")
    f.inputs["proposed_amendment"].value = "Convene a strategy discussion this week"
    f.inputs["rationale"].value = "New injury seen at nursery"
    f.inputs["plan"].value = "CP plan: daily visits until the strategy discussion"
    assert r.sign_supervisor() and r.record.state == "awaiting signatures"
    assert tk.session(r.record.id).discussions[0].provenance == {}   # all written today


def test_group_record_needs_confidentiality_before_signing(tmp_path):
    tk = empty_world(tmp_path / "t.sqlite")
    r = SessionRecorder(tk, ["pw", "pw2"], date=SECOND)
    assert r.record.type == "group" and "group" in r.sections
    names = r.sections["group"].attendees.value
    assert "Pat Worker" in names and "Kim Worker" in names
    # Each attendee signs from their own sign-in: the supervisor's screen signs only for them.
    assert [b.description for b in r.sections["sign"].buttons.values()] == ["Sign as supervisor"]
    assert "Not signed yet:</b> Sam Supervisor, Pat Worker, Kim Worker" in r.sections["sign"].signatures.value
    r.inputs["agenda"].value = "Group case consultation"
    assert not r.sign_supervisor()
    assert r.error_for("group_confidentiality").startswith("Record the group's confidentiality")
    r.inputs["group_confidentiality"].value = "What is said here stays here unless a child is at risk"
    assert r.sign_supervisor()
    assert tk.session(r.record.id).state == "awaiting signatures"
    for who in ("pw", "pw2"):
        supervisee_signs(r, who)
    assert tk.session(r.record.id).state == "signed"


def test_signed_record_is_read_only_with_addenda(tk):
    s = tk.sessions(supervisee_id="pw")[0]
    r = SessionRecorder(tk, "pw", session_id=s["id"])
    assert r.locked and r.record.state == "signed"
    assert all(b.disabled for b in r.sections["sign"].buttons.values())
    sign = r.sections["sign"]
    sign.addendum_text.value = ""
    sign.addendum_button.click()
    assert r.error_for("text").startswith("required")
    sign.addendum_text.value = "Mother disclosed new partner after the session"
    sign.addendum_button.click()
    assert r.status and r.status in beside(r.widget, sign.addendum_button)   # by its button
    assert [a.text for a in tk.addenda(s["id"])] == ["Mother disclosed new partner after the session"]
    assert "Mother disclosed new partner" in sign.addenda.value and sign.addendum_text.value == ""
    r.inputs["agenda"].value = "Tampering"            # disabled in the browser; refused here too
    assert tk.session(s["id"]).agenda == "Caseload review"


def test_typed_markup_is_shown_as_text(tmp_path):
    script = "<script>alert(1)</script>"
    tk = small_world(tmp_path / "t.sqlite", note=" " + script)
    r = SessionRecorder(tk, "pw", date=SECOND)
    r.inputs["agenda"].value = script
    f = r.add_discussion("c1")
    f.inputs["worries"].value = script
    r.add_action(script, "pw", dt.date(2024, 4, 20))
    r.add_disagreement(script)
    r.review(tk.carried_actions(r.record)[0].id, "done", note=script)
    f.confirm_all()                                    # the carried plan, unchanged
    assert r.sign_supervisor() and supervisee_signs(r, "pw")
    assert r.add_addendum(script) is not None
    htmls = html_values(r.widget)
    assert not any("<script" in h for h in htmls)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert sum(escaped in h for h in htmls) >= 2       # the carried action and the addendum
    assert tk.session(r.record.id).agenda == script    # stored exactly as typed
    assert all(isinstance(x, (w.Textarea, w.Text)) for x in walk(r.widget)
               if getattr(x, "value", None) == script)


def test_next_session_date_is_prefilled_from_the_policy(tk):
    r = SessionRecorder(tk, "pw", date=SECOND)
    assert r.inputs["next_session_date"].value is None and r.record.version == 0
    r.accordion.selected_index = list(r.sections).index("next")   # opening the section
    expected = tk.suggest_next_session("pw", after=SECOND)      # this draft now counts as held
    assert expected > SECOND
    assert r.inputs["next_session_date"].value == expected
    assert f"policy: {expected.day} {expected:%b %Y}" in r.sections["next"].hint.value
    assert tk.session(r.record.id).next_session_date == expected
    r.inputs["next_session_date"].value = THIRD                 # the supervisor's choice wins
    assert tk.session(r.record.id).next_session_date == THIRD


def test_drift_flag_asks_for_an_amendment(tk):
    r = SessionRecorder(tk, "pw", date=SECOND)
    flagged = dict(zip(tk.drift(as_of=SECOND)["case_id"], tk.drift(as_of=SECOND)["reason"]))
    r._drift = {"c2": "amber or red across consecutive discussions"} | flagged
    f = r.add_discussion("c2")
    assert "Drift flagged" in f.head.input.value
    assert f.fields["proposed_amendment"].box.layout.display is None
    f.rag.value = "G"
    assert not r.sign_supervisor()
    assert "Drift is flagged" in r.error_for("discussions[0].proposed_amendment")


def test_amendment_reasons():
    from supervision_kit.widgets.session.discussions import amendment_reason
    assert amendment_reason("G", "A", None) == ""
    assert amendment_reason("R", "A", None).startswith("Concern is escalating")
    assert amendment_reason("A", "A", None).startswith("No improvement")
    assert amendment_reason("G", "G", None) == "" and amendment_reason(None, "R", None) == ""
    assert amendment_reason("G", None, "no change in 3 months").startswith("Drift is flagged")


def test_only_the_supervisees_cases_and_people(tk):
    r = SessionRecorder(tk, "pw", date=SECOND)
    assert [v for _, v in r.sections["discussions"].picker.options] == ["", "c1", "c2", "c3"]
    assert r.add_discussion("c4") is None
    assert "not an open case" in r.sections["discussions"].picker_field.error.value
    assert r.add_action("Visit", owner_id="nobody", due_date=dt.date(2024, 4, 9)) is None
    assert "nobody" in r.sections["actions"].form.fields["owner_id"].error.value
    assert r.record.discussions == [] and r.record.actions == [] and r.record.version == 0


def test_the_add_button_names_the_case_it_adds(tk):
    # A browser holds a list's later steps while the kernel is busy but sends a click at
    # once (issue 14, keyboard): the button says which case the kernel will add.
    r = SessionRecorder(tk, "pw", date=SECOND)
    disc = r.sections["discussions"]
    assert disc.add_button.description == "Add discussion"
    disc.picker.index = 2                            # the browser syncs the list's index
    assert disc.add_button.description == f"Add discussion of {r.case_label('c2')}"
    disc.picker.index = 3
    assert disc.add_button.description == f"Add discussion of {r.case_label('c3')}"
    disc.add_button.click()
    assert [d.case_id for d in tk.session(r.record.id).discussions] == ["c3"]
    assert r.case_label("c3") in r.discussion("c3").head.input.value
    assert disc.picker.value == "" and disc.add_button.description == "Add discussion"


def test_refusals_show_in_the_status_line(tk):
    pat = tk.as_user("pat")
    r = SessionRecorder(pat, "pw", date=SECOND)                 # a practitioner cannot run one
    assert r.record is None and r.status.startswith("Not allowed")
    assert r.widget.children == (r.answers.home,) and r.answers.home.children == (r._status,)
    assert "Not allowed" in r._status.value
    assert r.save() is False and r.add_discussion("c1") is None


def test_reflection_on_a_discussed_case(tk):
    r = SessionRecorder(tk, "pw", date=SECOND)
    f = r.add_discussion("c2")
    r.sections["reflection"].choice.value = "kolb"
    f.reflect_button.click()
    assert r.accordion.selected_index == list(r.sections).index("reflection")
    (g,) = r.sections["reflection"].guides.values()
    assert g.framework.id == "kolb" and g.reflection.case_id == "c2"
    g.textareas["experience"].value = "Father answered the door"
    (stored,) = tk.session(r.record.id).reflections
    assert (stored.framework, stored.case_id, stored.responses) == (
        "kolb", "c2", {"experience": "Father answered the door"})


def test_every_row_button_is_also_a_method(tk):
    r = SessionRecorder(tk, "pw", date=SECOND)
    disc = r.sections["discussions"]
    disc.add_button.click()                          # nothing chosen: said beside the picker
    assert disc.picker_field.error.value == "Choose a case" and r.record.discussions == []
    for text in ("Visit the school", "Ring the GP", "Book the core group"):
        r.add_action(text, "pw", dt.date(2024, 4, 20))
    r.action_rows[0].remove_button.click()           # the button ...
    r.remove_action(1)                               # ... and its method
    assert [a.description for a in tk.session(r.record.id).actions] == ["Ring the GP"]
    r.remove_action(5)
    assert r.status == "Not removed: there is no action 6 in this record"
    r.add_disagreement("Threshold for a strategy discussion")
    r.add_disagreement("Whether to step down")
    r.sections["disagreements"].rows[0].remove_button.click()
    assert [d.description for d in tk.session(r.record.id).disagreements] == ["Whether to step down"]
    sec = r.sections["disagreements"]
    sec.new_text.value = ""
    sec.add_button.click()                           # the add button goes through the recorder
    assert sec.new_field.error.value == "Describe the disagreement"
    assert r.start_reflection("no-such-framework") is None
    assert r.status.startswith("Not done: choose a framework") and "Not done" in r._status.value
    assert "#b00020" in r._status.value              # shown as a refusal, not a traceback
    assert r.sign_supervisor() and supervisee_signs(r, "pw")
    r.remove_disagreement(0)
    assert r.status.startswith("Locked") and len(tk.session(r.record.id).disagreements) == 1
    # Signed: the disagreement goes to the supervisor's line manager, by method or button.
    found = r.escalate_disagreement(0)
    assert found is not None and found["escalated_to_id"] == "mgr"
    assert r.status.startswith("Escalated to Morgan Manager")
    assert any(a.text.startswith("Disagreement escalated to Morgan Manager")
               for a in tk.addenda(r.record.id))
    assert r.escalate_disagreement(3) is None and r.status.startswith("Not escalated")


def test_a_supervisee_opening_the_record_sees_names_not_ids(tk):
    sid = tk.sessions(supervisee_id="pw")[0]["id"]
    pat = tk.as_user("pat")
    r = SessionRecorder(pat, "pw", session_id=sid)
    shown = " ".join(html_values(r.widget))
    assert "Sam Supervisor" in shown and "Pat Worker" in shown
    assert r.name_of("sup") == "Sam Supervisor"
    assert dict((v, k) for k, v in r.owner_options)["sup"].startswith("Sam Supervisor")
