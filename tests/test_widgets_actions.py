"""SMART warnings and the ActionTracker: table, overdue, complete, drop, add, escaping."""
import datetime as dt

import pytest

from supervision_kit.domain.records import ActionItem
from supervision_kit.domain.smart import smart_warnings
from supervision_kit.widgets.actions import ActionTracker
from supervision_kit.widgets.table import table_texts
from supervision_kit.widgets.common import html_values
from tests.helpers_widgets import beside
from tests.worlds import FIRST_ACTIONS, SECOND, small_world

AS_OF = dt.date(2024, 3, 18)   # the first action (due 15 March) overdue, the others not


@pytest.fixture
def tk(tmp_path):
    return small_world(tmp_path / "t.sqlite")


def ok(description="Visit Amy at school and see her alone", **kw):
    return ActionItem(description=description, owner_id=kw.get("owner_id", "pw"),
                      due_date=kw.get("due_date", dt.date(2024, 4, 1)))


def test_a_smart_action_has_no_warnings():
    assert smart_warnings(ok()) == []
    assert smart_warnings(ok("Review the child protection plan with the core group")) == []
    assert smart_warnings({"description": "Refer Amy to CAMHS", "owner_id": "pw",
                           "due_date": "2024-04-01"}) == []


def test_missing_owner_and_date():
    w = smart_warnings(ActionItem("Refer Amy to CAMHS"))
    assert w == ["No owner: say who will do it.", "No due date: say by when."]
    assert smart_warnings(ActionItem(""))[0] == "No description: say what will be done."


@pytest.mark.parametrize("text, verb", [
    ("Monitor the situation at home", "monitor"), ("Consider a referral", "consider"),
    ("Pat to look into housing options", "look into"), ("Support mum", "support"),
    ("Discuss with the school", "discuss"), ("Review", "review"), ("review it", "review"),
    ("SW to review the case", "review"), ("Follow up", "follow up"),
    ("Keep an eye on attendance", "keep an eye on"),
])
def test_vague_verbs(text, verb):
    w = smart_warnings(ok(text))
    assert any(f'Vague verb "{verb}"' in x for x in w), w


def test_vague_timescale_and_too_short():
    assert smart_warnings(ok("Chase the housing officer ASAP")) == ['Vague timescale "asap": give a date.']
    assert smart_warnings(ok("Visit")) == ["Too short to be specific: what exactly, with whom, by when?"]


def test_tracker_lists_overdue_and_completes_and_drops_with_buttons(tk):
    t = ActionTracker(tk, owner_id="pw", as_of=AS_OF)
    assert [a.description for a in t.actions] == list(FIRST_ACTIONS[:2])   # pw's open actions
    table = "\n".join(table_texts(t.widget))
    assert [r["t"] for r in t.table.data].count("late") == 1 and "open: overdue 3 days" in table
    assert "Pat Worker" in table and "NC-0001" in table
    first, second = t.actions
    t.table._gesture(None, {"event": "select", "key": first.id}, [])  # a click on its row
    t.complete_button.click()
    assert {a.id: a.status for a in tk.actions(owner_id="pw")}[first.id] == "done"
    assert [a.id for a in t.actions] == [second.id]
    t.drop(second.id)
    assert [a.status for a in tk.actions(owner_id="pw")] == ["done", "dropped"]
    assert t.actions == [] and t.table.total == 0 and t.table.empty_text == "No actions."
    t.complete_button.click()                        # nothing chosen: said, not ignored
    assert t.status == "Choose an action first: click its row"
    assert t.status in beside(t.widget, t.complete_button)
    t.show_all = True
    assert [a.status for a in t.actions] == ["done", "dropped"] and t._show.value
    assert t.select(second.id).id == second.id
    t.reopen_button.click()
    assert tk.actions(owner_id="pw", status="open")[0].id == second.id


def test_case_filter_and_smart_column(tk):
    t = ActionTracker(tk, case_id="c2", as_of=AS_OF)
    assert [a.description for a in t.actions] == [FIRST_ACTIONS[2]]
    shown = "\n".join(table_texts(t.widget))
    assert "overdue" not in shown and "Sam Supervisor" in shown


def test_supervisee_sees_and_updates_own_actions(tk):
    pat = tk.as_user("pat")
    t = ActionTracker(pat, owner_id="pw")
    assert len(t.actions) == 2
    assert t.complete(t.actions[0].id).status == "done"


def test_add_to_a_draft_session_with_field_errors(tk):
    draft = tk.save_session(tk.open_session("pw", date=SECOND))
    t = ActionTracker(tk, owner_id="pw", session_id=draft.id, as_of=SECOND)
    assert t.can_add and t.form.widget.layout.display is None
    assert t.form.owner.value == "pw"
    t.form.description.value = "Monitor"
    assert "Vague verb &quot;monitor&quot;" in t.form.smart.value
    t.form.description.value = "Visit the family and see the children alone"
    t.form.due.value = dt.date(2024, 3, 1)                       # before the session
    t.form.add_button.click()
    msg = "due date 1 Mar 2024 is before the session date 2 Apr 2024"
    assert t.form.fields["due_date"].error.value == msg
    assert t.form.description.value == "Visit the family and see the children alone"
    assert tk.session(draft.id).actions == []
    t.form.due.value = dt.date(2024, 4, 9)
    t.form.add_button.click()
    assert t.form.fields["due_date"].error.value == "" and t.form.description.value == ""
    (a,) = tk.session(draft.id).actions
    assert (a.description, a.owner_id, a.due_date) == (
        "Visit the family and see the children alone", "pw", dt.date(2024, 4, 9))
    assert a.id in {x.id for x in t.actions}


def test_add_without_a_session_goes_to_the_owners_list(tk):
    t = ActionTracker(tk, owner_id="pw")
    assert t.add("   ") is None and t.form.fields["description"].error.value
    a = t.add("Visit the school", "pw", dt.date(2024, 5, 1))
    assert a.session_id is None and a.status == "open"
    assert "Visit the school" in [x.description for x in tk.actions(owner_id="pw")]
    assert "Visit the school" in "\n".join(table_texts(t.widget))


def test_action_text_is_escaped_in_the_table(tmp_path):
    tk = small_world(tmp_path / "t.sqlite", note=" <script>alert(1)</script>")
    t = ActionTracker(tk, owner_id="pw")
    # sent to the browser as the text typed, drawn with textContent (never markup)
    assert any(r["c"][0].endswith(" <script>alert(1)</script>") for r in t.table.data)
    assert not any("<script" in h for h in html_values(t.widget))
