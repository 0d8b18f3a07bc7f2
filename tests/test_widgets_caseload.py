"""CaseloadOverview driven headlessly (values set, real buttons clicked) on real stores:
the demo agency (copied per test from one generated file) and the small test world."""
import datetime as dt
import html
import shutil

import pytest

from supervision_kit.demo.generate import TODAY
from supervision_kit.domain.records import ActionItem, CaseDiscussion, SessionRecord
from supervision_kit.facade import Toolkit
from supervision_kit.widgets.caseload import CaseloadOverview
from supervision_kit.widgets.common import html_values
from supervision_kit.widgets.timeline import RAGTimeline

AS_OF = dt.date(2025, 8, 1)
EVIL = "<img src=x onerror=alert(1)> Ring the school"
_DEMO: dict = {}


# -- fixtures -----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def demo_file(tmp_path_factory):
    """One demo store per run (generated once, shared by the modules that import this)."""
    if "path" not in _DEMO:
        path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
        tk = Toolkit.system(path)
        tk.create_demo(scale=1)
        tk.engine.dispose()  # checkpoints the WAL into the file we copy
        _DEMO["path"] = path
    return _DEMO["path"]


@pytest.fixture
def demo_path(demo_file, tmp_path):
    """A private copy of the demo store for one test."""
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, path)
    return path


def supervisor_with_drift_and_overdue(path) -> tuple[str, str, str]:
    """(username, drifting case id, overdue supervisee id) for a demo supervisor who has both."""
    admin = Toolkit(path, "admin")
    due, drift = admin.due(as_of=TODAY), admin.drift(as_of=TODAY)
    late = due[due["days_overdue"] > 0]
    for p in admin.practitioners():
        if p.role != "supervisor":
            continue
        mine = {s.id for s in admin.supervisees(p.id)}
        d = drift[drift["worker_id"].isin(mine)]
        o = late[late["supervisee_id"].isin(mine)]
        if len(d) and len(o):
            return p.username, d.iloc[0]["case_id"], o.iloc[0]["supervisee_id"]
    raise AssertionError("the demo has no supervisor with both drift and an overdue supervision")


@pytest.fixture
def north(world):
    """sam (P1) held three sessions with pat (P2): C1 rated A, R, R; an action now overdue."""
    sam = world.as_user("sam")
    for i, (day, rag) in enumerate(zip([dt.date(2025, 3, 3), dt.date(2025, 4, 7),
                                        dt.date(2025, 5, 5)], "ARR")):
        rec = SessionRecord(date=day, supervisor_id="P1", supervisee_ids=["P2"],
                            discussions=[CaseDiscussion(case_id="C1", summary=f"s{i}", rag=rag)])
        if i == 0:
            rec.actions = [ActionItem(EVIL, owner_id="P2", due_date=dt.date(2025, 3, 20),
                                      case_id="C1")]
        sam.save_session(rec)
    return world


def rows_in(table_html: str, texts) -> list[int]:
    """Where each text appears in a rendered table (to check row order)."""
    return [table_html.index(html.escape(t, quote=True)) for t in texts]


# -- the demo agency ---------------------------------------------------------------------------
def test_caseload_lists_drifting_case_with_reason_and_overdue_supervision(demo_path):
    user, case_id, late_id = supervisor_with_drift_and_overdue(demo_path)
    tk = Toolkit(demo_path, user)
    ov = CaseloadOverview(tk, as_of=TODAY)
    assert ov.scope == "mine" and late_id in ov.mine
    assert not ov.loading and ov.progress.layout.display == "none" and ov.status == ""

    drift = ov.frames["drift"].set_index("case_id")
    assert case_id in drift.index
    reason = drift.loc[case_id, "reason"]
    assert reason and html.escape(reason, quote=True) in ov.tables["drift"].value
    assert html.escape(drift.loc[case_id, "reference"]) in ov.tables["drift"].value

    due = ov.frames["due"].set_index("supervisee_id")
    assert due.loc[late_id, "days_overdue"] > 0
    table = ov.tables["due"].value
    name = html.escape(due.loc[late_id, "name"])
    row = table[table.rindex("<tr", 0, table.index(name)):table.index(name)]
    assert "class='overdue'" in row and "#fde2e2" in row

    # Summary counts at the top match the sections; tab titles carry the counts.
    n_late = int((ov.frames["due"]["days_overdue"] > 0).sum())
    assert f"<b>{n_late}</b> supervision" in ov.summary.value
    assert f"<b>{len(ov.frames['drift'])}</b> drifting cases" in ov.summary.value
    assert ov.tabs.titles[2] == f"Drift ({len(ov.frames['drift'])})"
    # Windows: only cases past their window.
    assert (ov.frames["windows"]["days_overdue"] > 0).all()
    # Only the supervisor's own people (or the supervisor's own actions).
    assert set(ov.frames["due"]["supervisee_id"]) <= ov.mine
    assert set(ov.frames["drift"]["worker_id"]) <= ov.mine


def test_sorting_changes_order(demo_path):
    user, _, _ = supervisor_with_drift_and_overdue(demo_path)
    ov = CaseloadOverview(Toolkit(demo_path, user), as_of=TODAY)
    assert len(ov.frames["records"]) >= 3
    ov.sort("days", ascending=True, section="records")
    days = list(ov.frames["records"]["days"])
    assert days == sorted(days) and ov.tabs.selected_index == 4
    assert ov.sort_picker.value == "days" and ov.order.value is True
    ov.sort("Days late", ascending=False)  # a heading works too
    assert list(ov.frames["records"]["days"]) == sorted(days, reverse=True)

    # The controls: choose the drift section's column and order as a user would.
    ov.tabs.selected_index = 2
    assert ov.section == "drift" and ov.sort_picker.value == "since"
    refs = list(ov.frames["drift"]["reference"])
    ov.sort_picker.value = "reference"
    ov.order.value = True
    assert list(ov.frames["drift"]["reference"]) == sorted(refs)
    pos = rows_in(ov.tables["drift"].value, sorted(refs))
    assert pos == sorted(pos)
    ov.order.value = False
    assert list(ov.frames["drift"]["reference"]) == sorted(refs, reverse=True)
    pos = rows_in(ov.tables["drift"].value, sorted(refs, reverse=True))
    assert pos == sorted(pos)
    # The row picker follows the displayed order; the sort is kept per section.
    assert ov.row_picker.options[0][0].startswith(f"1. {sorted(refs, reverse=True)[0]}")
    assert ov.sorts["records"] == ("days", False)
    ov.sort("no such column")
    assert "cannot sort" in ov.status and ov.sort_by == "reference"


def test_opening_a_case_shows_its_timeline_and_a_person_requests_the_session(demo_path):
    user, case_id, late_id = supervisor_with_drift_and_overdue(demo_path)
    tk = Toolkit(demo_path, user)
    ov = CaseloadOverview(tk, as_of=TODAY)
    ov.section = "drift"
    i = list(ov.frames["drift"]["case_id"]).index(case_id)
    ov.row_picker.value = i
    assert not ov.timeline_button.disabled
    ov.timeline_button.click()
    assert ov.opened_case == case_id and isinstance(ov.timeline, RAGTimeline)
    assert ov.open_row("case", i).data.case.id == case_id  # the button's Python method
    assert len(ov.timeline.points) == len(tk.case_discussions(case_id)) > 0
    assert ov.timeline.widget in ov.detail.children
    assert ov.timeline.marks["drift"]["reason"] == ov.frames["drift"].iloc[i]["reason"]
    assert ov.timeline.png().startswith(b"\x89PNG")
    assert ov.open_case("NO-SUCH") is None and ov.status.startswith("Not found")

    asked = []
    ov.observe(lambda c: c["new"] and asked.append(c["new"]), "requested_session")
    ov.section = "due"
    ov.row_picker.value = list(ov.frames["due"]["supervisee_id"]).index(late_id)
    assert ov.timeline_button.disabled and not ov.session_button.disabled
    ov.session_button.click()
    assert ov.requested_session == late_id and asked == [late_id]
    ov.open_session(late_id)  # asking again notifies again
    assert asked == [late_id, late_id]
    name = tk.practitioner(late_id).name
    assert f"session.ipynb?supervisee={late_id}" in ov.link.value
    assert html.escape(name) in ov.link.value

    strip = ov.show_strip()
    assert strip is not None and len(strip.rows) == len(
        ov.raw["windows"][ov.raw["windows"]["worker_id"].isin(ov.mine)])


def test_refresh_as_of_and_scope(demo_path):
    user, _, _ = supervisor_with_drift_and_overdue(demo_path)
    ov = CaseloadOverview(Toolkit(demo_path, user), as_of=TODAY)
    before = ov.summary.value
    ov.date_picker.value = TODAY - dt.timedelta(days=200)
    assert ov.as_of == TODAY - dt.timedelta(days=200)
    assert f"As of {ov.as_of}" in ov.summary.value and ov.summary.value != before
    ov.refresh_button.click()
    assert not ov.loading and ov.progress.value == ov.progress.max
    n_mine = len(ov.frames["due"])
    ov.scope_buttons.value = "all"
    assert ov.scope == "all" and len(ov.frames["due"]) >= n_mine
    assert "everyone I can see" in ov.summary.value


# -- the small world ---------------------------------------------------------------------------
def test_supervisors_caseload_excludes_other_teams(north):
    sam = CaseloadOverview(north.as_user("sam"), as_of=AS_OF)
    sue = CaseloadOverview(north.as_user("sue"), as_of=AS_OF)
    for ov in (sam, sue):
        ov.scope = "all"  # even everything they may see stays within their own people
    assert set(sam.frames["windows"]["case_id"]) == {"C1", "C2"}
    assert set(sam.frames["drift"]["case_id"]) == {"C1", "C2"}
    assert "P3" not in set(sam.frames["due"]["supervisee_id"])
    assert set(sue.frames["windows"]["case_id"]) == {"C3"}
    assert sue.frames["drift"].empty and sue.frames["actions"].empty
    assert "P2" not in set(sue.frames["due"]["supervisee_id"])
    assert all("CR-2025-000001" not in h for h in html_values(sue.widget))
    assert all("CR-2025-000003" not in h for h in html_values(sam.widget))


def test_cells_are_escaped_and_overdue_rows_highlighted(north):
    ov = CaseloadOverview(north.as_user("sam"), as_of=AS_OF)
    table = ov.tables["actions"].value
    assert html.escape(EVIL, quote=True) in table
    assert all("<img" not in h for h in html_values(ov.widget))
    assert "class='overdue'" in table
    # pat's supervision is overdue (monthly; last held 5 May).
    due = ov.frames["due"].set_index("supervisee_id")
    assert due.loc["P2", "days_overdue"] > 0
    # C1: A, R, R is drift; its reason is listed.
    assert "3 consecutive discussions" in ov.tables["drift"].value
    ov.open_case("C1")
    assert len(ov.timeline.points) == 3


def test_nothing_visible_shows_empty_sections_not_errors(north):
    ov = CaseloadOverview(north.as_user("rae"), as_of=AS_OF)  # a researcher
    assert ov.status == "" and all(f.empty for f in ov.frames.values())
    assert "Nothing in" in ov.tables["drift"].value
    assert ov.row() is None and ov.open_row("case") is None
    assert ov.status == "Choose a row first"
