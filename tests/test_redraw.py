"""Redraw only what changed: a gesture updates its part of the record, and the audit log
holds one "view" per record a person opened, not one per redraw [issue 15]."""
from html import escape

import pytest
from sqlalchemy import func, select

from supervision_kit.store import tables
from supervision_kit.widgets.session import SessionRecorder
from tests.worlds import SECOND, small_world


@pytest.fixture
def tk(tmp_path):
    return small_world(tmp_path / "t.sqlite")


def views_since(tk, mark: int) -> list[tuple[str, str, str]]:
    """(user, entity, id) of every audit "view" entry written after entry ``mark``."""
    log = tables.audit_log
    with tk.engine.connect() as conn:
        rows = conn.execute(select(log.c.user, log.c.entity, log.c.entity_id)
                            .where(log.c.id > mark, log.c.action == "view")
                            .order_by(log.c.id))
        return [tuple(r) for r in rows]


def mark_of(tk) -> int:
    """The newest audit entry's id (0 for none)."""
    with tk.engine.connect() as conn:
        return conn.execute(select(func.max(tables.audit_log.c.id))).scalar() or 0


def test_signing_logs_one_view_per_record_opened_not_per_redraw(tk):
    draft = SessionRecorder(tk, "pw", date=SECOND)
    draft.inputs["agenda"].value = "Caseload and wellbeing"
    assert draft.record.version >= 1, draft.status
    sid = draft.record.id

    # The supervisor opens the stored draft: one view; signing it writes no other view.
    mark = mark_of(tk)
    r = SessionRecorder(tk, "pw", session_id=sid)
    agenda, discussions = r.inputs["agenda"], r.sections["discussions"]
    assert r.sign_supervisor(), r.status
    assert views_since(tk, mark) == [("sam", "session", sid)]
    # Only the sign section and the lock changed: the rest of the page is the same widgets,
    # now read only, and the header says the record awaits the other signature.
    assert r.inputs["agenda"] is agenda and r.sections["discussions"] is discussions
    assert agenda.disabled and r.locked and r.record.state == "awaiting signatures"
    assert "awaiting signatures" in r.widget.children[0].value
    assert r.sections["sign"].buttons["sup"].disabled

    # The supervisee opens it from their own sign-in and signs: again one view.
    mark = mark_of(tk)
    pat = tk.as_user("pat")
    mine = SessionRecorder(pat, "pw", session_id=sid)
    assert mine.sign_supervisee("pw", comment="Agreed"), mine.status
    assert views_since(tk, mark) == [("pat", "session", sid)]
    assert mine.record.state == "signed" and mine.locked
    assert "Pat Worker" in mine.sections["sign"].signatures.value
    # The signed record shows its addenda box (a redraw, so no new view either).
    assert mine.sections["sign"].addendum_box.layout.display is None
    assert mine.add_addendum("Checked the plan with the family")
    assert views_since(tk, mark) == [("pat", "session", sid)]


def test_a_new_draft_logs_the_carried_actions_once(tk):
    mark = mark_of(tk)
    r = SessionRecorder(tk, "pw", date=SECOND)
    r.inputs["agenda"].value = "Two cases"
    r.reload()  # an explicit re-opening of the stored draft is a new view of it
    views = views_since(tk, mark)
    assert [v[1] for v in views].count("carried_actions") == 1
    assert views[-1] == ("sam", "session", r.record.id)


def _models(widget) -> int:
    """Widget models a browser would be sent for ``widget`` (itself, children, layouts, styles)."""
    import ipywidgets as w
    seen, todo = set(), [widget]
    while todo:
        x = todo.pop()
        if id(x) in seen or not isinstance(x, w.Widget):
            continue
        seen.add(id(x))
        todo += [getattr(x, k, None) for k in ("layout", "style")]
        todo += list(getattr(x, "children", ()))
    return len(seen)


def test_a_record_opens_with_only_its_open_section_built(tk):
    r = SessionRecorder(tk, "pw", date=SECOND)
    keys = list(r.sections)
    built = [k for k, _ in r.sections.built_items()]
    assert built == ["agenda", "arrangement"] or built == ["arrangement", "agenda"]
    # Every title is there to click; the closed sections' slots are empty.
    assert len(r.accordion.children) == len(keys) and len(r.accordion.titles) == len(keys)
    slot = r.accordion.children[keys.index("sign")]
    assert slot.children == ()
    assert _models(r.widget) < 60  # all thirteen sections built was about 300

    # Opening a section, as a click on its title does, builds it and shows it in its slot.
    r.accordion.selected_index = keys.index("sign")
    assert slot.children == (r.sections.built("sign").widget,)
    assert any(b.description == "Sign as supervisor" for b in r.sections["sign"].buttons.values())


def test_a_section_first_opened_on_a_signed_record_is_read_only(tk):
    draft = SessionRecorder(tk, "pw", date=SECOND)
    draft.inputs["agenda"].value = "Caseload"
    assert draft.sign_supervisor(), draft.status
    r = SessionRecorder(tk, "pw", session_id=draft.record.id)
    assert r.locked and r.sections.built("wellbeing") is None
    r.accordion.selected_index = list(r.sections).index("wellbeing")
    boxes = [r.inputs[k] for k in ("wellbeing", "workload")]
    assert all(b.disabled for b in boxes)  # typed into, nothing would be saved: not offered
    r.inputs["wellbeing"].value = "changed"  # even if it were: the record is not
    assert tk.session(draft.record.id).wellbeing != "changed"


def test_a_problem_in_a_closed_section_is_shown_beside_its_field(tk):
    r = SessionRecorder(tk, "pw", date=SECOND)
    assert r.sections.built("next") is None
    r.errors = {"next_session_date": "Give a date after the session"}
    assert r.sections.built("next") is not None
    assert r.error_for("next_session_date") == "Give a date after the session"


def test_drift_worked_out_in_the_background_is_what_the_form_shows(tk):
    import datetime as dt
    late = dt.date(2024, 9, 1)  # c1 and c2 not discussed since March: drifting
    r = SessionRecorder(tk, "pw", date=late)
    thread = r.prefetch_drift(delay=0)
    thread.join(60)
    assert not thread.is_alive() and r._drift is not None
    inline = SessionRecorder(tk, "pw", date=late)._drift_by_case()
    assert r._drift == inline and set(inline) == {"c1", "c2"}  # as worked out when needed
    assert r.prefetch_drift() is None  # worked out once
    for case_id in r._cases:
        form = r.add_discussion(case_id)
        why = inline.get(case_id)
        assert (f"Drift flagged: {escape(why)}" in form.head.input.value) if why else \
            ("Drift flagged" not in form.head.input.value)
