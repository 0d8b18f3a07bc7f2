"""The one table widget (``widgets.table.DataTable``), headless: what the browser is sent
as each gesture's method runs (sort, filter, page, select), and typed markup kept as text."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from supervision_kit.widgets.table import DataTable, cell_text

COLUMNS = (("name", "Name"), ("due", "Due"), ("days", "Days overdue"))


def people(n: int = 60) -> pd.DataFrame:
    return pd.DataFrame({
        "id": [f"p{i:03d}" for i in range(n)],
        "name": [f"Person {i:03d}" for i in range(n)],
        "due": [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(n)],
        "days": [(i * 7) % 13 for i in range(n)]})


def table(n: int = 60, **kw) -> DataTable:
    t = DataTable(COLUMNS, caption="Supervision due", page_size=25, **kw)
    t.set_rows(people(n), key="id")
    return t


def test_only_the_page_on_screen_is_sent_to_the_browser():
    t = table(60)
    assert t.total == 60 and len(t.data) == 25
    assert t.page_text()[0] == ["Person 000", "1 Jan 2026", "0"]  # British dates in cells
    assert t.next_page() == 1 and t.page_text()[0][0] == "Person 025"
    assert t.next_page() == 2 and len(t.data) == 10
    assert t.next_page() == 2  # no page after the last
    assert t.previous_page() == 1 and t.page_text()[0][0] == "Person 025"


def test_a_header_sorts_and_the_same_header_again_reverses():
    t = table(60)
    t.next_page()
    keys = t.sort("Days overdue")  # by its heading, as the header button says
    assert t.sort_by == "days" and t.ascending and t.page == 0
    days = [int(r[2]) for r in t.page_text()]
    assert days == sorted(days) and days[0] == 0
    t.sort("days")
    assert not t.ascending and int(t.page_text()[0][2]) == 12
    assert t.sort("due", ascending=False)[0] == "p059" and keys[0] != "p059"
    with pytest.raises(ValueError):
        t.sort("salary")


def test_dates_sort_as_dates_not_as_text():
    t = DataTable((("when", "When"),))
    t.set_rows(pd.DataFrame({"when": [dt.date(2026, 12, 2), dt.date(2026, 2, 10), None]}))
    t.sort("when")
    assert [r[0] for r in t.page_text()] == ["10 Feb 2026", "2 Dec 2026", "—"]


def test_the_filter_keeps_matching_rows_in_any_column_and_goes_to_the_first_page():
    t = table(60)
    t.next_page()
    assert t.filter("person 04") == 10 and t.page == 0
    assert {r[0] for r in t.page_text()} == {f"Person {i:03d}" for i in range(40, 50)}
    assert t.filter("23 feb 2026") == 1 and t.page_text() == [["Person 053", "23 Feb 2026", "7"]]
    assert t.filter("nobody") == 0 and t.data == []
    assert t.filter("") == 60


def test_selecting_a_row_gives_its_record_and_a_refresh_without_it_clears_the_selection():
    t = table(30)
    seen = []
    t.observe(lambda c: seen.append(c["new"]), "selected")
    assert t.select("p007")["name"] == "Person 007" and t.selected == "p007"
    assert seen[-1] == "p007"
    t.set_rows(people(30), key="id")  # the row is still there: still selected
    assert t.selected == "p007"
    t.set_rows(people(5), key="id")   # gone: nothing selected, nothing stale
    assert t.selected == "" and t.row() is None
    with pytest.raises(ValueError):
        t.select("p999")


def test_a_browser_gesture_arrives_as_the_same_method():
    t = table(60)
    t._gesture(t, {"event": "sort", "key": "days"}, [])
    t._gesture(t, {"event": "page", "delta": 1}, [])
    t._gesture(t, {"event": "select", "key": "p010"}, [])
    assert (t.sort_by, t.page, t.selected) == ("days", 1, "p010")


def test_typed_markup_is_sent_as_text_and_drawn_with_textcontent():
    t = DataTable((("note", "Note"),))
    t.set_rows(pd.DataFrame({"note": ["<script>alert(1)</script>", "<b>bold</b>"]}))
    assert t.page_text() == [["<script>alert(1)</script>"], ["<b>bold</b>"]]
    assert "innerHTML" not in t._esm and "textContent" in t._esm


def test_cell_text():
    assert cell_text(dt.date(2026, 12, 2)) == "2 Dec 2026"
    assert cell_text(pd.Timestamp("2026-02-23")) == "23 Feb 2026"
    assert cell_text(None) == cell_text(float("nan")) == cell_text(pd.NaT) == "—"
    assert cell_text(["A", "B"]) == "A, B" and cell_text(4.0) == "4"
