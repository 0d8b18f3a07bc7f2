"""CaseloadOverview driven headlessly (values set, real buttons clicked) on real stores:
the demo agency (copied per test from one generated file) and the small test world."""
import datetime as dt
import html
import shutil

import ipywidgets as w
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


def shown(ov, key: str) -> list[list[str]]:
    """The cells of a section's table as the browser is sent them (every page)."""
    t = ov.tables[key]
    t.page_size = max(t.total, 1)
    t.go_to(0)
    return t.page_text()


def text_of(ov, key: str) -> str:
    return "\n".join("\t".join(r) for r in shown(ov, key))


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
    assert reason and reason in text_of(ov, "drift")
    assert drift.loc[case_id, "reference"] in text_of(ov, "drift")

    due = ov.frames["due"].set_index("supervisee_id")
    assert due.loc[late_id, "days_overdue"] > 0
    shown(ov, "due")
    row = next(r for r in ov.tables["due"].data if r["c"][0] == due.loc[late_id, "name"])
    assert row["t"] == "late"  # drawn with the overdue background

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
    table = ov.tables["records"]
    assert table.sort_by == "days" and table.ascending is True  # the header shows it
    ov.sort("Days late", ascending=False)  # a heading works too
    assert list(ov.frames["records"]["days"]) == sorted(days, reverse=True)

    # The header buttons: click the drift table's "Case" heading as a user would.
    ov.tabs.selected_index = 2
    assert ov.section == "drift" and ov.tables["drift"].sort_by == "since"
    refs = list(ov.frames["drift"]["reference"])
    ov.tables["drift"]._gesture(None, {"event": "sort", "key": "reference"}, [])
    assert list(ov.frames["drift"]["reference"]) == sorted(refs)
    assert [r[0] for r in shown(ov, "drift")] == sorted(refs)
    ov.tables["drift"].sort("Case")  # the same heading again: the other way round
    assert list(ov.frames["drift"]["reference"]) == sorted(refs, reverse=True)
    assert [r[0] for r in shown(ov, "drift")] == sorted(refs, reverse=True)
    assert ov.sort_by == "reference" and ov.ascending is False
    # Row numbers follow the displayed order; the sort is kept per section.
    assert ov.select_row(0)["reference"] == sorted(refs, reverse=True)[0]
    assert ov.sorts["records"] == ("days", False)
    ov.sort("no such column")
    assert "cannot sort" in ov.status and ov.sort_by == "reference"


def test_opening_a_case_shows_its_timeline_and_a_person_requests_the_session(demo_path):
    user, case_id, late_id = supervisor_with_drift_and_overdue(demo_path)
    tk = Toolkit(demo_path, user)
    ov = CaseloadOverview(tk, as_of=TODAY)
    ov.section = "drift"
    i = list(ov.frames["drift"]["case_id"]).index(case_id)
    ov.select_row(i)  # clicking the row
    assert ov.opened_case == case_id and isinstance(ov.timeline, RAGTimeline)
    assert ov.open_row("case", i).data.case.id == case_id
    assert len(ov.timeline.points) == len(tk.case_discussions(case_id)) > 0
    assert ov.timeline.widget in ov.detail.children
    assert ov.timeline.marks["drift"]["reason"] == ov.frames["drift"].iloc[i]["reason"]
    assert ov.timeline.png().startswith(b"\x89PNG")
    assert ov.open_case("NO-SUCH") is None and ov.status.startswith("Not found")

    asked = []
    ov.observe(lambda c: c["new"] and asked.append(c["new"]), "requested_session")
    ov.section = "due"
    ov.select_row(list(ov.frames["due"]["supervisee_id"]).index(late_id))
    # a person's row has no case: the last case's timeline goes, the link follows the row
    assert ov.timeline is None and ov.opened_case == "" and ov.detail.children == ()
    assert ov.tables["drift"].selected == ""
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
    assert f"As of {ov.as_of.day} {ov.as_of:%b %Y}," in ov.summary.value and ov.summary.value != before
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
    for key in sue.tables:
        assert "CR-2025-000001" not in text_of(sue, key)
        assert "CR-2025-000003" not in text_of(sam, key)


def test_cells_are_escaped_and_overdue_rows_highlighted(north):
    ov = CaseloadOverview(north.as_user("sam"), as_of=AS_OF)
    assert shown(ov, "actions")[0][0] == EVIL  # sent as text, drawn with textContent
    assert all("<img" not in h for h in html_values(ov.widget))
    assert ov.tables["actions"].data[0]["t"] == "late"
    # pat's supervision is overdue (monthly; last held 5 May).
    due = ov.frames["due"].set_index("supervisee_id")
    assert due.loc["P2", "days_overdue"] > 0
    # C1: A, R, R is drift; its reason is listed.
    assert "3 consecutive discussions" in text_of(ov, "drift")
    ov.open_case("C1")
    assert len(ov.timeline.points) == 3


def test_nothing_visible_shows_empty_sections_not_errors(north):
    ov = CaseloadOverview(north.as_user("rae"), as_of=AS_OF)  # a researcher
    assert ov.status == "" and all(f.empty for f in ov.frames.values())
    assert ov.tables["drift"].total == 0 and "Nothing in" in ov.tables["drift"].empty_text
    assert ov.row() is None and ov.open_row("case") is None
    assert ov.status == "Choose a row first"


def test_the_detail_follows_the_clicked_row_and_clears_when_it_goes(north):
    ov = CaseloadOverview(north.as_user("sam"), as_of=AS_OF)
    ov.section = "drift"
    refs = list(ov.frames["drift"]["case_id"])
    assert set(refs) == {"C1", "C2"}
    ov.select_row(refs.index("C1"))
    assert ov.opened_case == "C1" and "session.ipynb?supervisee=P2" in ov.link.value
    first_png = ov.timeline.png()
    ov.select_row(refs.index("C2"))  # another row replaces the timeline, not adds to it
    assert ov.opened_case == "C2" and ov.timeline.data.case.id == "C2"
    c2 = north.as_user("sam").case("C2")
    assert ov.timeline.png() != first_png and len(ov.timeline.points) == len(
        north.as_user("sam").case_discussions("C2"))
    headings = [c.value for c in ov.detail.children if isinstance(c, w.HTML)]
    assert headings == [f"<h2>RAG timeline: {c2.reference}</h2>"]
    assert sum(1 for c in ov.detail.children if c is ov.timeline.widget) == 1
    worker = ov.frames["drift"].set_index("case_id").loc["C2", "worker_id"]
    assert f"supervisee={worker}" in ov.link.value
    ov.tables["drift"].select("")  # nothing chosen: nothing stale below
    assert ov.timeline is None and ov.link.value == "" and ov.detail.children == ()
