"""Professional differences with another agency in the caseload app [HSCB "Managing
Professional Differences"]: below a case's RAG timeline a supervisor records one with the
agency and the stage reached, moves it on and records the outcome; typed text stays text."""
from __future__ import annotations

import datetime as dt

from supervision_kit.domain.records import CaseDiscussion
from supervision_kit.widgets.case_detail import DIFFERENCES
from supervision_kit.widgets.caseload import CaseloadOverview
from tests.test_maintenance import signed_session

DAY = dt.date(2026, 1, 5)


def test_record_move_on_and_resolve_a_difference_from_the_case(world):
    signed_session(world, ["P2"], DAY, discussions=[CaseDiscussion(case_id="C1", rag="A")])
    view = CaseloadOverview(world.as_user("sam"), as_of=DAY + dt.timedelta(days=10))
    view.open_case("C1")
    more = view.case_view.more
    assert more in view.detail.children and more.selected_index is None  # closed until asked
    assert view.case_view.differences is None
    panel = view.case_view.open_section(DIFFERENCES)  # a click on its section's title
    assert panel is view.case_view.differences and panel.widget in more.children[
        more.selected_index].children
    assert "None recorded" in panel.listing.children[0].value
    # Refused beside the field, nothing stored.
    assert panel.record(agency="  ") is None
    assert panel.fields["agency"].error.value == "name the other agency"
    panel.agency.value = "Northshire <b>Police</b>"
    panel.stage.value = "practitioner to practitioner"
    panel.description.value = "Police will not share the call-out log"
    panel.record_button.click()
    [d] = world.as_user("sam").professional_differences("C1")
    assert (d["agency"], d["stage"]) == ("Northshire <b>Police</b>", "practitioner to practitioner")
    row = panel.rows[d["id"]]
    assert "Northshire &lt;b&gt;Police&lt;/b&gt;" in row.widget.children[0].value
    # Moved on to managers, then resolved with an outcome.
    row.stage.value = "manager to manager"
    row.save_button.click()
    assert panel.status == "Saved: Northshire <b>Police</b> now at manager to manager"
    row = panel.rows[d["id"]]
    row.outcome.value = "Log shared after the managers met"
    row.resolved.value = True
    row.save_button.click()
    [d] = world.as_user("sam").professional_differences("C1")
    assert d["stage"] == "manager to manager" and d["outcome"] == "Log shared after the managers met"
    assert d["resolved_on"] == dt.date.today() and panel.status.endswith("(resolved)")
    log = [(e["action"], e["entity"]) for e in world.audit_log(limit=20)]
    assert ("record", "professional_difference") in log and ("update", "professional_difference") in log


def test_an_open_differences_section_follows_the_next_case_opened(world):
    signed_session(world, ["P2"], DAY, discussions=[CaseDiscussion(case_id="C1", rag="A"),
                                                     CaseDiscussion(case_id="C2", rag="G")])
    world.as_user("sam").record_professional_difference("C1", "Northshire Police",
                                                        "practitioner to practitioner", "")
    view = CaseloadOverview(world.as_user("sam"), as_of=DAY + dt.timedelta(days=10))
    view.open_case("C1")
    first = view.case_view.open_section(DIFFERENCES)
    assert "Northshire Police" in first.rows[next(iter(first.rows))].widget.children[0].value
    view.open_case("C2")  # the section stays open, now about C2
    panel = view.case_view.differences
    assert panel is not first and panel.case_id == "C2"
    assert "None recorded" in panel.listing.children[0].value
    shown = view.case_view.more.children[view.case_view.more.selected_index].children
    assert shown == (panel.widget,)
