"""The tables' cell text worked out a column at a time (``widgets.cells``) reads exactly as
the row-by-row ``cell_text`` it replaced: same row keys for every kind of column (dates
with and without times, missing values of each dtype, numbers, booleans, lists, mixed
objects, repeated rows)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from supervision_kit.widgets.cells import cell_text, column_texts, row_keys


def row_keys_one_by_one(df: pd.DataFrame, columns) -> list[str]:
    """The row keys as they were made before: every cell's text, row by row."""
    seen: dict[str, int] = {}
    out = []
    for r in df[[c for c in columns if c in df]].itertuples(index=False):
        k = "|".join(cell_text(v) for v in r)
        seen[k] = seen.get(k, 0) + 1
        out.append(k if seen[k] == 1 else f"{k}#{seen[k]}")
    return out


def varied_frame() -> pd.DataFrame:
    """One column of each kind the apps' tables hold, with their edge cases."""
    n = 9
    stamp = pd.Timestamp("2026-12-02")
    return pd.DataFrame({
        "when": pd.Series([stamp, pd.NaT, stamp, stamp + pd.Timedelta(hours=9, minutes=30),
                           stamp - pd.Timedelta(days=400), pd.NaT, stamp, stamp, stamp]
                          ).astype("datetime64[s]"),
        "days": np.array([0, 3, 3, 12, 0, 1, 0, 0, 0], dtype=np.int64),
        "share": [0.5, np.nan, 2.0, 1 / 3, 0.25, np.nan, 0.5, 0.5, 0.5],
        "count": pd.array([1, None, 2, 3, None, 1, 1, 1, 1], dtype="Int64"),
        "flag": [True, False, True, True, False, False, True, True, True],
        "name": pd.Series(["Ann", None, "Bo <b>", "Ann", "", "Cy", "Ann", "Ann", "Ann"],
                          dtype="str"),
        "code": pd.Series(["x", None, "y", "x", "", "z", "x", "x", "x"], dtype="string"),
        "ids": pd.Series([["p1", "p2"], [], ["p3"], ["p1", "p2"], ["p1"], ["p2", "p1"],
                          ["p1", "p2"], ["p1", "p2"], ["p1", "p2"]], dtype=object),
        "mixed": pd.Series([True, 1, 1.0, "1", None, dt.date(2026, 1, 5), float("nan"),
                            True, True], dtype=object),
        "since": pd.Series([dt.date(2026, 2, 1), None, dt.date(2026, 2, 1), pd.NaT,
                            dt.date(2025, 12, 31), None, dt.date(2026, 2, 1),
                            dt.date(2026, 2, 1), dt.date(2026, 2, 1)], dtype=object),
    }, index=range(n))


def test_every_kind_of_column_reads_as_it_did_cell_by_cell():
    df = varied_frame()
    for c in df.columns:
        assert column_texts(df[c]) == [cell_text(v) for v in df[c]], c
    cols = list(df.columns) + ["not there"]
    keys = row_keys(df, cols)
    assert keys == row_keys_one_by_one(df, cols)
    assert keys[-1].endswith("#3") and len(set(keys)) == len(keys)  # repeats numbered
    # what a person reads: British dates, times when set, yes/no, missing as —
    assert column_texts(df["when"])[:4] == ["2 Dec 2026", "—", "2 Dec 2026", "2 Dec 2026 09:30"]
    assert column_texts(df["mixed"])[:4] == ["yes", "1", "1", "1"]
    assert column_texts(df["count"])[1] == cell_text(pd.NA)


def test_no_columns_or_no_rows():
    df = varied_frame()
    assert row_keys(df, ["nothing"]) == row_keys_one_by_one(df, ["nothing"])
    assert row_keys(df.iloc[:0], list(df.columns)) == []


_values = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True,
                    allow_infinity=False, width=32), st.text(max_size=3),
                    st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
                    st.lists(st.sampled_from(["p1", "p2"]), max_size=2))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_values, st.integers(0, 3), st.sampled_from(["a", "b", None]),
                          st.one_of(st.none(), st.dates(dt.date(2020, 1, 1),
                                                        dt.date(2030, 1, 1)))), max_size=12))
def test_any_frame_gets_the_keys_it_got_row_by_row(rows):
    df = pd.DataFrame(rows, columns=["any", "n", "team", "due"])
    df["due"] = pd.to_datetime(df["due"])
    assert row_keys(df, list(df.columns)) == row_keys_one_by_one(df, list(df.columns))
