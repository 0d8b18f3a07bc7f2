"""Vectorised date arithmetic: calendar months, working days, school half terms.

Dates travel as numpy ``datetime64[D]`` arrays (``NaT`` for none) so that every
rule runs over whole columns. Bank holidays and half terms are data in
``templates/calendars/<name>.yaml``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

NAT = np.datetime64("NaT", "D")


def british(s: pd.Series) -> pd.Series:
    """Dates in sentences the British way, as everywhere people read them: ``2 Dec 2026``
    (missing dates stay missing)."""
    return date_strings(s, BRITISH)


def day(value) -> np.datetime64:
    """One date as ``datetime64[D]``."""
    return np.datetime64(pd.Timestamp(value).date(), "D") if value is not None else NAT


def days(series) -> np.ndarray:
    """A column of dates (datetime64 of any unit, or missing) as ``datetime64[D]``."""
    if isinstance(series, np.ndarray) and series.dtype == "datetime64[D]":
        return series
    return pd.to_datetime(pd.Series(series)).to_numpy().astype("datetime64[D]")


def to_series(arr, index=None) -> pd.Series:
    """``datetime64[D]`` values as a pandas datetime column."""
    return pd.Series(np.asarray(arr, dtype="datetime64[D]").astype("datetime64[s]"), index=index)


def add_months(d: np.ndarray, months) -> np.ndarray:
    """``d`` plus whole calendar months, the day clipped to the month's end (31 Dec + 2 = 28/29 Feb)."""
    d = np.asarray(d, dtype="datetime64[D]")
    month = d.astype("datetime64[M]")
    offset = d - month.astype("datetime64[D]")
    target = month + np.asarray(months, dtype="timedelta64[M]")
    last = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    return np.minimum(target.astype("datetime64[D]") + offset, last)


def add_period(d: np.ndarray, period: tuple[int, int] | None) -> np.ndarray:
    """``d`` plus a (months, days) period; all NaT when the period is off (None)."""
    d = np.asarray(d, dtype="datetime64[D]")
    if period is None:
        return np.full(d.shape, NAT)
    months, n_days = period
    out = add_months(d, months) if months else d
    return out + np.timedelta64(int(n_days), "D")


def add_working_days(d: np.ndarray, n: int, holidays: np.ndarray) -> np.ndarray:
    """The ``n``-th working day after ``d`` (weekends and ``holidays`` skipped; a
    non-working ``d`` first moves forward to the next working day)."""
    d = np.asarray(d, dtype="datetime64[D]")
    return np.busday_offset(d, n, roll="forward", holidays=holidays)


def working_days_between(a: np.ndarray, b: np.ndarray, holidays: np.ndarray) -> np.ndarray:
    """Working days in ``(a, b]`` (negative when ``b`` is before ``a``); NaT gives 0."""
    a = np.asarray(a, dtype="datetime64[D]")
    b = np.asarray(b, dtype="datetime64[D]")
    ok = ~(np.isnat(a) | np.isnat(b))
    out = np.zeros(a.shape, dtype=np.int64)
    # busday_count counts [a, b); shifting both by a day gives (a, b].
    one = np.timedelta64(1, "D")
    out[ok] = np.busday_count(a[ok] + one, b[ok] + one, holidays=holidays)
    return out


def next_working_day(d, holidays: np.ndarray) -> np.ndarray:
    """The first working day strictly after ``d``."""
    return np.busday_offset(np.asarray(d, dtype="datetime64[D]"), 1, roll="forward",
                            holidays=holidays)


# -- half terms ---------------------------------------------------------------------
def half_term_end_after(d: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """End of the first half term that starts after ``d`` (NaT beyond the calendar)."""
    d = np.asarray(d, dtype="datetime64[D]")
    idx = np.searchsorted(starts, d, side="right")
    return _pick(ends, idx, d)


def half_term_end_from(d: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """End of the half term containing ``d``, or of the next one when ``d`` is in a holiday."""
    d = np.asarray(d, dtype="datetime64[D]")
    idx = np.searchsorted(ends, d, side="left")
    return _pick(ends, idx, d)


def _pick(ends: np.ndarray, idx: np.ndarray, d: np.ndarray) -> np.ndarray:
    out = np.full(d.shape, NAT)
    ok = (idx < len(ends)) & ~np.isnat(d)
    out[ok] = ends[idx[ok]]
    return out


# -- dates in sentences ---------------------------------------------------------------
BRITISH = "british"  # ``2 Dec 2026``, as people read dates everywhere


def date_strings(s: pd.Series, fmt: str = "%Y-%m-%d") -> pd.Series:
    """``s.dt.strftime(fmt)`` (missing where ``s`` is; ``fmt`` may be ``BRITISH``), each
    distinct date formatted once: an agency's column of thousands holds a few hundred dates."""
    codes, uniques = pd.factorize(s)
    uniques = pd.DatetimeIndex(uniques)
    words = ([f"{d.day} {d:%b %Y}" for d in uniques] if fmt == BRITISH
             else list(uniques.strftime(fmt)))
    text = pd.Series([*words, None], dtype="str")  # code -1 (missing) takes the last
    return text.take(codes).set_axis(s.index).rename(s.name)
