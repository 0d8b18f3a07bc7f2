"""RAG timelines and the caseload strip, driven headlessly on real SQLite stores."""
import datetime as dt
import io

import pytest
from matplotlib import image as mpimg

from supervision_kit.domain.records import CaseDiscussion, SessionRecord
from supervision_kit.widgets.common import html_values
from supervision_kit.widgets.timeline import (CaseloadStrip, RAGTimeline, figure_png,
                                              strip_png, timeline_data)
from tests.test_widgets_caseload import demo_file, demo_path  # noqa: F401  (shared demo store)

AS_OF = dt.date(2025, 8, 1)
EVIL = "<script>alert('x')</script> Mum & dad argued"
DATES = [dt.date(2025, 3, 3), dt.date(2025, 4, 7), dt.date(2025, 5, 5)]


def is_png(data) -> bool:
    data = bytes(data)  # the Image widget keeps a memoryview
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return False
    img = mpimg.imread(io.BytesIO(data), format="png")
    return img.shape[0] > 100 and img.shape[1] > 300


@pytest.fixture
def tk(world):
    """sam's toolkit after three sessions with pat: C1 rated A, R, R (drifting); C2 once, G."""
    sam = world.as_user("sam")
    summaries = ["Strategy meeting held", "Home conditions worse", EVIL]
    for i, (day, rag, summary) in enumerate(zip(DATES, "ARR", summaries)):
        disc = [CaseDiscussion(case_id="C1", summary=summary, worries=f"worry {i}", rag=rag)]
        if i == 0:
            disc.append(CaseDiscussion(case_id="C2", summary="Engaging well", rag="G"))
        sam.save_session(SessionRecord(date=day, supervisor_id="P1", supervisee_ids=["P2"],
                                       discussions=disc))
    sam.set_case_status("C1", "child in need", dt.date(2025, 4, 20))
    return sam


def test_timeline_has_one_point_per_discussion_and_shows_summary_as_text(tk):
    tl = RAGTimeline(tk, "C1", as_of=AS_OF)
    assert len(tl.points) == 3
    assert list(tl.points["rag"]) == ["A", "R", "R"]
    assert list(tl.points["y"]) == [1.0, 0.0, 0.0]
    assert [d.date() for d in tl.points["date"]] == DATES
    assert is_png(tl.image.value) and bytes(tl.image.value) == tl.png()
    # The latest discussion is chosen first; its summary shows escaped, never as markup.
    assert tl.selected == 2 and tl.picker.value == 2
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Mum &amp; dad argued" in tl.detail.value
    assert all("<script>" not in h for h in html_values(tl.widget))
    first_png = tl.image.value
    # The Dropdown beside the figure chooses a point; the figure rings it.
    tl.picker.value = 0
    assert tl.selected == 0 and "Strategy meeting held" in tl.detail.value
    assert "worry 0" in tl.detail.value and tl.image.value != first_png
    assert tl.select(1).summary == "Home conditions worse"
    assert tl.picker.value == 1 and "Home conditions worse" in tl.detail.value
    assert tl.select(-1).summary == EVIL and tl.selected == 2
    assert tl.select(7) is None and "no discussion 7" in tl.status and tl.selected == 2


def test_timeline_marks_status_changes_drift_and_window(tk):
    tl = RAGTimeline(tk, "C1", as_of=AS_OF)
    marks = tl.marks
    assert ("2025-04-20", "→ child in need") in [(d.isoformat(), t) for d, t in marks["status_changes"]]
    # A, R, R: three amber/red discussions in a row is drift [HSCB aim 3].
    assert "3 consecutive discussions since 3 Mar 2025" in marks["drift"]["reason"]
    assert marks["drift"]["since"] == DATES[0]
    # Child in need under Havering: discussed monthly [Havering 9.2], so by 1 Aug the window
    # that ended a month after the last discussion is overdue.
    win = marks["window"]
    assert win["start"] == DATES[-1] and win["end"] == dt.date(2025, 6, 5)
    assert win["days_overdue"] == (AS_OF - dt.date(2025, 6, 5)).days and "month" in win["rule"]
    lo, hi = marks["x_range"]
    assert lo < DATES[0] and hi >= AS_OF

    # C2 (child in need) was discussed once, in March: past its window, which is drift too.
    c2 = RAGTimeline(tk, "C2", as_of=AS_OF)
    assert len(c2.points) == 1 and c2.marks["window"]["days_overdue"] > 0
    assert c2.marks["drift"]["reason"].startswith("Not discussed since 3 Mar 2025")


def test_figure_png_and_timeline_data_as_plain_functions(tk):
    png = figure_png(tk, "C1", AS_OF)
    assert is_png(png)
    assert is_png(figure_png(tk, "C1", AS_OF, selected=0))
    # Discussions after as_of are left out.
    data = timeline_data(tk, "C1", as_of=dt.date(2025, 4, 30))
    assert len(data.points) == 2
    # A case without discussions still draws.
    assert is_png(figure_png(tk, "C2", AS_OF))
    empty = RAGTimeline(tk, "C1", as_of=dt.date(2025, 1, 1))
    assert len(empty.points) == 0 and empty.selected is None and is_png(empty.png())


def test_case_discussions_is_access_checked_and_logged(tk, world):
    found = tk.case_discussions("C1")
    assert [(d, x.rag) for d, _, x in found] == list(zip(DATES, "ARR"))
    assert tk.case_discussions("CR-2025-000001") == found  # by reference too
    views = [e for e in world.as_user("aud").audit_log(action="view")
             if e["entity"] == "case_discussions"]
    assert views and views[0]["user"] == "sam" and views[0]["entity_id"] == "C1"

    # Another team's supervisor sees a message, not a traceback, and no points.
    tl = RAGTimeline(world.as_user("sue"), "C1", as_of=AS_OF)
    assert tl.status.startswith("Not allowed") and len(tl.points) == 0 and tl.png() == b""
    missing = RAGTimeline(tk, "NO-SUCH-CASE", as_of=AS_OF)
    assert missing.status.startswith("Not found")


def test_caseload_strip_one_row_per_case(tk):
    strip = CaseloadStrip(tk, ["C1", "C2"], as_of=AS_OF)
    rows = strip.rows.set_index("case_id")
    assert rows.loc["C1", "rags"] == "ARR" and bool(rows.loc["C1", "drift"])
    assert rows.loc["C2", "rags"] == "G" and "Not discussed since" in rows.loc["C2", "reason"]
    assert rows.loc["C1", "reference"] == "CR-2025-000001"
    assert is_png(strip.image.value)
    assert is_png(strip_png(tk, ["C1", "C2"], AS_OF))
    denied = CaseloadStrip(tk.as_user("sue"), ["C1"], as_of=AS_OF)
    assert denied.status.startswith("Not allowed")


def test_timeline_on_demo_store_shows_rule_drift(demo_path):
    from supervision_kit.facade import Toolkit
    from supervision_kit.demo.generate import TODAY
    admin = Toolkit(demo_path, "admin")
    drift = admin.drift(as_of=TODAY)
    assert len(drift), "the demo has drifting cases"
    row = drift.iloc[0]
    tl = RAGTimeline(admin, row["case_id"], as_of=TODAY)
    assert tl.marks["drift"]["reason"] == row["reason"]
    assert len(tl.points) == len(admin.case_discussions(row["case_id"]))
    assert is_png(tl.png())


def test_a_case_opened_again_shows_its_picture_at_once_and_a_change_redraws_it(tk):
    """The picture drawn for a case is reused when the case is opened again; once a new
    discussion is recorded the case is drawn afresh with the new point."""
    from supervision_kit.analytics import timeline as tl_module  # where the drawn pictures are kept
    drawn = []
    real = tl_module.render_png
    tl_module.render_png = lambda *a, **k: drawn.append(a[1]) or real(*a, **k)
    try:
        first = RAGTimeline(tk, "C2", as_of=AS_OF)
        again = RAGTimeline(tk, "C2", as_of=AS_OF)
        assert len(drawn) == 1 and bytes(again.png()) == bytes(first.png())
        tk.save_session(SessionRecord(date=dt.date(2025, 6, 2), supervisor_id="P1",
                                      supervisee_ids=["P2"], discussions=[
                                          CaseDiscussion(case_id="C2", summary="Moved", rag="R")]))
        later = RAGTimeline(tk, "C2", as_of=AS_OF)
        assert len(drawn) == 2 and list(later.points["rag"]) == ["G", "R"]
        assert is_png(later.png()) and bytes(later.png()) != bytes(first.png())
    finally:
        tl_module.render_png = real


def test_another_case_shown_in_the_same_widgets_is_drawn_once_with_its_latest_chosen(tk):
    """``show`` puts another case in the same widgets (the caseload's next row): its
    picture is drawn once, with its latest discussion ringed, and its picker lists it."""
    from supervision_kit.analytics import timeline as tl_module
    tl = RAGTimeline(tk, "C1", as_of=AS_OF)
    image, picker = tl.image, tl.picker
    drawn = []
    real = tl_module.render_png
    tl_module.render_png = lambda *a, **k: drawn.append((a[0].case.id, a[1])) or real(*a, **k)
    try:
        tl.show("C2", AS_OF)
    finally:
        tl_module.render_png = real
    n = len(tl.points)
    assert drawn == [("C2", n - 1)] and tl.selected == n - 1 == picker.value
    assert (tl.image, tl.picker) == (image, picker) and len(picker.options) == n
    assert is_png(tl.png()) and tl.data.case.id == "C2"
