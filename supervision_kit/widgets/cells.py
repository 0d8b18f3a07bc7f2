"""A table cell's text (``cell_text``), worked out a whole column at a time for big tables.

Every table shows values as text: dates the British way (``2 Dec 2026``), lists joined,
missing as —. An agency-wide table has tens of thousands of rows but only a few hundred
distinct dates, names and numbers per column, so ``column_texts`` works out the text of
each distinct value once; ``row_keys`` builds the tables' row keys from it.
"""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

MISSING = "—"


def date_text(value) -> str:
    """A date as British text: ``2 Dec 2026``."""
    return f"{value.day} {value:%b %Y}"


def cell_text(value) -> str:
    """A value as the text of a cell: dates as ``2 Dec 2026``, lists joined, missing as —."""
    if isinstance(value, (list, tuple, set)):
        return ", ".join(cell_text(v) for v in value)
    if value is None or value is pd.NaT:
        return MISSING
    if isinstance(value, float) and math.isnan(value):
        return MISSING
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return date_text(value) + (f" {value:%H:%M}" if (value.hour, value.minute) != (0, 0) else "")
    if isinstance(value, dt.date):
        return date_text(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:.2f}".rstrip("0")
    return str(value)


def column_texts(s: pd.Series) -> list[str]:
    """``cell_text`` of every value of ``s`` in order (as iterating ``s`` gives them), each
    distinct value's text worked out once."""
    if isinstance(s.dtype, np.dtype) and s.dtype.kind == "f":
        # Floats by their bits: 0.0 and -0.0 are equal but read "0" and "-0".
        values = s.to_numpy()
        codes, bits = pd.factorize(values.view(f"i{values.itemsize}"))
        words = [cell_text(v) for v in bits.view(values.dtype).tolist()]
        return [words[c] for c in codes.tolist()]
    if isinstance(s.dtype, pd.StringDtype):
        # Text is its own cell text (a reason column's every row differs: no codes); only
        # a missing value (NaN or NA, by the dtype) is written as its cell text.
        values = s.to_numpy(dtype=object, na_value=None)
        absent = np.flatnonzero(s.isna().to_numpy())
        if len(absent):
            values[absent] = cell_text(s.iloc[absent[0]])
        return values.tolist()
    if s.dtype != object:
        # One type per column (dates, numbers, booleans, strings): distinct values by code.
        codes, uniques = pd.factorize(s)
        words = [cell_text(v) for v in uniques]
        missing = np.flatnonzero(codes == -1)
        # the column's own missing value (NaT, NaN, NA) says what a missing cell shows
        words.append(cell_text(s.iloc[missing[0]]) if len(missing) else MISSING)
        return [words[c] for c in codes.tolist()]
    memo: dict = {}
    out = []
    for v in s:
        key = _memo_key(v)
        if key is None:
            out.append(cell_text(v))
            continue
        text = memo.get(key)
        if text is None:
            text = memo[key] = cell_text(v)
        out.append(text)
    return out


def _memo_key(v):
    """A key under which ``v``'s text may be remembered, or None to work it out each time:
    keyed by type, as True and 1 are equal keys but read "yes" and "1"; not floats, as
    0.0 and -0.0 are one key but read "0" and "-0"; lists of text by their items."""
    if isinstance(v, list):
        return (list, tuple(v)) if all(type(x) is str for x in v) else None
    if isinstance(v, (float, tuple, frozenset)):  # (tuples may hold floats)
        return None
    try:
        hash(v)
    except TypeError:  # a dict, a set
        return None
    return (type(v), v)


def row_keys(df: pd.DataFrame, columns) -> list[str]:
    """A key per row made of its shown text (stable across a refresh); repeats numbered."""
    texts = [column_texts(df[c]) for c in columns if c in df]
    seen: dict[str, int] = {}
    out = []
    for cells in zip(*texts) if texts else ([()] * len(df)):
        k = "|".join(cells)
        seen[k] = seen.get(k, 0) + 1
        out.append(k if seen[k] == 1 else f"{k}#{seen[k]}")
    return out


def sort_key(s: pd.Series) -> pd.Series:
    """What a column sorts by: numbers and dates as themselves, a column of dates held as
    objects as dates, anything else by its text without case."""
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
        return s
    if s.map(lambda v: isinstance(v, (dt.date, pd.Timestamp)) or v is None or v is pd.NaT).all():
        return pd.to_datetime(s, errors="coerce")
    return s.map(lambda v: cell_text(v).lower() if v is not None else "")
