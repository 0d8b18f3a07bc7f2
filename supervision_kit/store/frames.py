"""The store as pandas frames, cut to what was known on the as-of date.

The cut: sessions dated on or before ``as_of``; case discussions of those sessions
that were not cancelled; cases opened by then and not closed by then, with their
status from ``case_status_history`` as of then; actions made by then, open then (one
completed or dropped later counts as open); contracts active then; observations
dated by then; signatures given by the end of that day. Practitioners are all
loaded, with ``left`` true when they left before ``as_of``.

Grouping that SQL does cheaply (last session per person and session type) happens
in the query; each case's run of ratings is computed with numpy over the sorted
discussions (``discussion_stats``), which is faster than window functions in SQLite.
Rows are fetched from the DB-API cursor into object and ``datetime64`` columns:
pandas' own ``read_sql`` spends most of its time converting strings row by row.
"""
from __future__ import annotations

import contextlib
import contextvars
import dataclasses as dc
import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import text

GROUPS = {
    "supervision": ("practitioners", "contracts", "held_last", "cancelled", "booked"),
    "cases": ("practitioners", "contracts", "cases", "case_history", "discussions"),
    "functions": ("practitioners", "contracts", "held_last", "held_recent"),
    "actions": ("practitioners", "actions"),
    "records": ("practitioners", "contracts", "session_checks", "attendees"),
    "observations": ("practitioners", "contracts", "held_last", "observations"),
    "meetings": ("practitioners", "contracts", "cases", "case_history", "discussions", "meetings"),
}
_HELD = ("FROM session_attendees a JOIN sessions s ON s.id = a.session_id "
         "WHERE s.date <= :d AND s.state <> 'cancelled'")
# name: (SQL, date columns). ``:d`` is the as-of date, ``:next`` the day after.
SQL = {
    "practitioners": ("SELECT id, name, role, team, asye_start, leaving_date, started_in_post, "
                      "working_percent FROM practitioners",
                      ("asye_start", "leaving_date", "started_in_post")),
    "contracts": ("SELECT id, supervisor_id, supervisee_id, preset, CAST(overrides AS TEXT) "
                  "AS overrides, start_date, review_date, stream, "
                  "CASE WHEN supervisor_signed_at < :next AND supervisee_signed_at < :next "
                  "THEN 1 ELSE 0 END AS signed FROM contracts WHERE start_date <= :d "
                  "AND (end_date IS NULL OR end_date > :d) ORDER BY supervisee_id, "
                  "CASE WHEN stream IS NULL THEN 1 ELSE 0 END, start_date, id",
                  ("start_date", "review_date")),
    # Last held session of each person, session type and stream.
    "held_last": ("SELECT a.practitioner_id AS pid, s.type, s.stream, MAX(s.date) AS last "
                  + _HELD + " GROUP BY a.practitioner_id, s.type, s.stream", ("last",)),
    "cancelled": ("SELECT a.practitioner_id AS pid, s.date, s.cancelled_reason, s.return_date, "
                  "s.stream "
                  "FROM session_attendees a JOIN sessions s ON s.id = a.session_id "
                  "WHERE s.date <= :d AND s.state = 'cancelled' ORDER BY s.date, s.id",
                  ("date", "return_date")),
    # The next session booked on or after the day, per person and stream [Havering 5].
    "booked": ("SELECT supervisee_id AS pid, stream, MIN(date) AS next_booked FROM bookings "
               "WHERE status = 'booked' AND date >= :d GROUP BY supervisee_id, stream",
               ("next_booked",)),
    # Meetings about cases from the day on [HSCB aim 4].
    "meetings": ("SELECT id, case_id, kind, date FROM case_meetings WHERE date >= :d "
                 "ORDER BY date, id", ("date",)),
    "held_recent": (
        "SELECT pid, session_id, date, functions FROM (SELECT a.practitioner_id AS pid, "
        "s.id AS session_id, s.date, CAST(s.functions AS TEXT) AS functions, "
        "ROW_NUMBER() OVER (PARTITION BY a.practitioner_id ORDER BY s.date DESC, "
        "s.id DESC) AS rn " + _HELD + ") x WHERE rn <= :recent",
        ("date",),
    ),
    # The status as of the day is resolved in pandas (last row of ``case_history`` per
    # case): a window function over the history takes SQLite twice as long as both reads.
    "cases": (
        "SELECT id, reference, worker_id, status, opened FROM cases "
        "WHERE opened <= :d AND (closed IS NULL OR closed > :d)",
        ("opened",),
    ),
    "case_history": (
        "SELECT case_id, status FROM case_status_history WHERE from_date <= :d "
        "ORDER BY case_id, from_date, id",
        (),
    ),
    # CROSS JOIN keeps SQLite scanning the discussions once and looking each session up
    # by key; left to itself it walks the date index and fetches every discussion by
    # session (a third slower). PostgreSQL plans it like any inner join.
    "discussions": (
        "SELECT d.case_id, s.date, d.rag, d.quarterly_review "
        "FROM case_discussions d CROSS JOIN sessions s WHERE s.id = d.session_id "
        "AND s.date <= :d AND s.state <> 'cancelled'",
        ("date",),
    ),
    "actions": (
        "SELECT a.id, a.description, a.owner_id, a.due_date, a.case_id, a.session_id, "
        "a.status, a.completed_date, r.date AS reviewed_date, c.reference, c.worker_id "
        "FROM actions a LEFT JOIN sessions s ON s.id = a.session_id "
        "LEFT JOIN sessions r ON r.id = a.reviewed_session_id "
        "LEFT JOIN cases c ON c.id = a.case_id "
        "WHERE (s.date IS NULL OR s.date <= :d) "
        "AND (a.status = 'open' OR a.completed_date > :d OR r.date > :d)",
        ("due_date", "completed_date", "reviewed_date"),
    ),
    # ``notes`` tells a recorded observation from a planned one never written up.
    "observations": ("SELECT supervisee_id, date, CAST(notes AS TEXT) AS notes FROM observations "
                     "WHERE date <= :d ORDER BY supervisee_id, date", ("date",)),
    "session_checks": (
        "SELECT s.id AS session_id, s.date, s.supervisor_id, s.recorded_date, "
        "(SELECT COUNT(*) FROM session_attendees a WHERE a.session_id = s.id) AS n_att, "
        "(SELECT COUNT(*) FROM signatures g WHERE g.session_id = s.id AND g.signed_at < :next) "
        "AS n_signed FROM sessions s WHERE s.date <= :d AND s.state <> 'cancelled'",
        ("date", "recorded_date"),
    ),
    "attendees": (
        "SELECT a.session_id, a.practitioner_id, a.position FROM session_attendees a "
        "JOIN sessions s ON s.id = a.session_id WHERE s.date <= :d "
        "AND s.state <> 'cancelled' ORDER BY a.session_id, a.position",
        (),
    ),
}


@dc.dataclass
class Frames:
    """DataFrames of the store as of ``as_of``; tables not asked for are None."""
    as_of: dt.date
    practitioners: pd.DataFrame | None = None
    contracts: pd.DataFrame | None = None  # one per supervisee (see load_frames)
    all_contracts: pd.DataFrame | None = None  # every active contract, every stream
    held_last: pd.DataFrame | None = None
    cancelled: pd.DataFrame | None = None
    booked: pd.DataFrame | None = None
    meetings: pd.DataFrame | None = None
    held_recent: pd.DataFrame | None = None
    cases: pd.DataFrame | None = None
    case_history: pd.DataFrame | None = None
    discussions: pd.DataFrame | None = None
    case_stats: pd.DataFrame | None = None
    rated: pd.DataFrame | None = None
    actions: pd.DataFrame | None = None
    observations: pd.DataFrame | None = None
    session_checks: pd.DataFrame | None = None
    attendees: pd.DataFrame | None = None


def _column(values: tuple, is_date: bool) -> pd.Series:
    if is_date:  # ISO strings (SQLite) and date objects (PostgreSQL) both parse in C
        return pd.Series(np.array(values, dtype="datetime64[D]").astype("datetime64[s]"))
    first = next((v for v in values if v is not None), None)
    if isinstance(first, (int, float)) and not isinstance(first, bool):
        return pd.to_numeric(pd.Series(values, dtype=object))
    return pd.Series(values, dtype=object)  # not pandas' inferred str: see the docstring


FETCH_ROWS = 500  # below the collector's first threshold (700 allocations)
_SHARED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("frames", default=None)


@contextlib.contextmanager
def shared_reads():
    """Inside the block each query of ``SQL`` runs once per (name, day, recent) and its
    frame is shared (a shallow copy each time): one page's rules read the store once."""
    token = _SHARED.set({}) if _SHARED.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _SHARED.reset(token)


def shared_value(key: tuple, compute):
    """Inside ``shared_reads``, ``compute()`` once per ``key`` and its result shared (one
    rule's table on one day serves every section of a page that shows it); outside,
    worked out each time. Callers treat the result as read-only."""
    shared = _SHARED.get()
    if shared is None:
        return compute()
    if key not in shared:
        shared[key] = compute()
    return shared[key]


def read(conn, name: str, as_of: dt.date, recent: int = 12) -> pd.DataFrame:
    """One query of ``SQL`` as a frame: text as object columns, dates as datetime64."""
    shared = _SHARED.get()
    if shared is None:
        return _read(conn, name, as_of, recent)
    key = (name, as_of, recent)
    if key not in shared:
        shared[key] = _read(conn, name, as_of, recent)
    return shared[key].copy(deep=False)  # callers add and replace columns of their own


def _read(conn, name: str, as_of: dt.date, recent: int) -> pd.DataFrame:
    sql, date_cols = SQL[name]
    params = {"d": as_of.isoformat(), "next": (as_of + dt.timedelta(days=1)).isoformat(),
              "recent": recent}
    res = conn.execute(text(sql), {k: v for k, v in params.items() if f":{k}" in sql})
    cols = [c[0] for c in res.cursor.description]
    # Plain tuples, no per-row processing, fetched a few hundred at a time: a full
    # fetchall keeps tens of thousands of tuples alive long enough for the cyclic
    # garbage collector to promote them and then walk the whole heap (a fifth of the
    # time at demo scale 100) though they hold no cycles.
    data: list[list] = [[] for _ in cols]
    while rows := res.cursor.fetchmany(FETCH_ROWS):
        for column, values in zip(data, zip(*rows)):
            column.extend(values)
    return pd.DataFrame({c: _column(v, c in date_cols) for c, v in zip(cols, data)}, columns=cols)


def load_frames(conn, as_of: dt.date, only=None, recent: int = 12) -> Frames:
    """Frames for ``only`` (group names of ``GROUPS`` or query names; default everything)."""
    wanted: set[str] = set()
    for item in only or GROUPS:
        wanted.update(GROUPS.get(item, (item,)))
    fr = Frames(as_of=as_of)
    for name in SQL:
        if name in wanted:
            setattr(fr, name, read(conn, name, as_of, recent))
    day = np.datetime64(as_of, "s")
    if fr.practitioners is not None:
        p = fr.practitioners
        p["left"] = (p["leaving_date"] < day).to_numpy()
    if fr.contracts is not None:
        fr.all_contracts = fr.contracts
        # Rules about cases, records and observations follow one contract per supervisee:
        # one without a stream of its own (the supervisee's first arrangement) before one
        # added beside it, then the latest to start (the query sorts); supervision due
        # follows every stream.
        fr.contracts = fr.contracts.drop_duplicates("supervisee_id", keep="last").reset_index(
            drop=True
        )
    if fr.cases is not None:
        c = fr.cases
        if fr.case_history is not None:  # the latest status dated by the day (query sorts)
            then = lookup(c["id"], fr.case_history.set_index("case_id")["status"])
            c["status"] = then.where(then.notna(), c["status"])
        fr.cases = c[c["status"] != "closed"].reset_index(drop=True)
    if fr.discussions is not None:
        fr.case_stats, fr.rated = discussion_stats(fr.discussions)
    if fr.actions is not None:
        fr.actions = _actions_as_of(fr.actions, day)
    if fr.observations is not None:
        fr.observations["recorded"] = observation_recorded(fr.observations["notes"])
    return fr


def observation_recorded(notes: pd.Series) -> np.ndarray:
    """True where an observation's notes say what was observed (its setting): a planned
    observation whose date has passed without a write-up was not held [Havering 8]."""
    import json

    def setting(text) -> bool:
        try:
            return bool(str((json.loads(text) or {}).get("setting") or "").strip())
        except (TypeError, ValueError, AttributeError):
            return False
    return np.fromiter((setting(t) for t in notes), dtype=bool, count=len(notes))


def _actions_as_of(a: pd.DataFrame, day) -> pd.DataFrame:
    # The query keeps actions open now or closed after the day; made after it are dropped.
    done = a["status"].to_numpy() == "done"
    dropped = a["status"].to_numpy() == "dropped"
    comp, rev = a["completed_date"].to_numpy(), a["reviewed_date"].to_numpy()
    done_then = done & (np.isnat(comp) | (comp <= day))
    # A dropped action's date is its reviewing session's (or its completed date when set);
    # without either we cannot tell when, so it counts as dropped.
    when = np.where(np.isnat(comp), rev, comp)
    dropped_then = dropped & (np.isnat(when) | (when <= day))
    return a[~(done_then | dropped_then)].reset_index(drop=True)


RANKS = {"G": 0, "A": 1, "R": 2}
LETTERS = np.array(["G", "A", "R", None], dtype=object)


def discussion_stats(d: pd.DataFrame, last_n: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per case: (last discussion and last quarterly review), and over its rated
    discussions in date order: the count ``n``, the trailing run without a green
    (``bad_len``, its ambers ``bad_a``, its first date ``bad_since``), the last three
    dates ``d1..d3`` and the last ``last_n`` ratings ``r1..`` (``r1`` the latest).

    Two discussions of a case on the same day have no order in the record; the worse
    rating is taken as the later one, so a same-day red is never hidden by a green."""
    case_codes, case_ids = pd.factorize(d["case_id"].to_numpy(dtype=object))
    date = d["date"].to_numpy().astype("datetime64[D]")
    # Ratings as ranks G 0, A 1, R 2, unrated 3 (comparing strings row by row is slower).
    rag_codes, rag_names = pd.factorize(d["rag"].to_numpy(dtype=object))
    rank_of = np.array([RANKS.get(r, 3) for r in rag_names] + [3], dtype=np.int64)
    rank = rank_of[rag_codes]  # code -1 (no rating) picks the trailing 3
    # One int64 sort key: case, then date, then rank (the worse rating later).
    day_no = date.astype(np.int64)
    day_no = day_no - (day_no.min() if len(day_no) else 0)
    key = (case_codes.astype(np.int64) * (int(day_no.max(initial=0)) + 1) + day_no) * 4 + rank
    order = np.argsort(key, kind="stable")
    cc, dd, rk = case_codes[order], date[order], rank[order]
    review = (
        pd.Series(d["quarterly_review"].to_numpy()[order]).fillna(False).astype(bool).to_numpy()
    )

    def last_of_each(codes, values):
        ends = np.flatnonzero(np.r_[codes[1:] != codes[:-1], True]) if len(codes) else codes
        return pd.Series(values[ends], index=pd.Index(case_ids[codes[ends]], dtype=object))

    stats = pd.DataFrame({"last_discussed": last_of_each(cc, dd).astype("datetime64[s]")})
    stats["last_review"] = last_of_each(cc[review], dd[review]).astype("datetime64[s]")
    stats = stats.rename_axis("case_id").reset_index()

    rated = rk < 3
    rc, rd, rr = cc[rated], dd[rated], rk[rated]
    starts = np.flatnonzero(np.r_[True, rc[1:] != rc[:-1]]) if len(rc) else np.zeros(0, int)
    ends = np.r_[starts[1:], len(rc)] - 1
    size = ends - starts + 1
    pos = np.arange(len(rc)) - np.repeat(starts, size)
    last_g = np.maximum.reduceat(np.where(rr == 0, pos, -1), starts) if len(rc) else starts
    in_bad = pos > np.repeat(last_g, size)
    bad_len = size - 1 - last_g
    nat = np.datetime64("NaT", "D")
    out = {"case_id": pd.Series(case_ids[rc[starts]], dtype=object), "n": size,
           "bad_len": bad_len,
           "bad_a": (np.add.reduceat((in_bad & (rr == 1)).astype(np.int64), starts)
                     if len(rc) else size),
           "bad_since": np.where(bad_len > 0, rd[np.minimum(starts + last_g + 1, ends)], nat)}
    for i in range(3):
        out[f"d{i + 1}"] = np.where(size > i, rd[np.maximum(ends - i, starts)], nat)
    for i in range(last_n):
        out[f"r{i + 1}"] = pd.Series(np.where(size > i, LETTERS[rr[np.maximum(ends - i, starts)]],
                                              None), dtype=object)
    for col in ("bad_since", "d1", "d2", "d3"):
        out[col] = np.asarray(out[col], dtype="datetime64[D]").astype("datetime64[s]")
    return stats, pd.DataFrame(out)


def take(values: pd.Series, pos: np.ndarray) -> np.ndarray:
    """``values`` at positions ``pos``; -1 gives a missing value of the right kind."""
    return pd.api.extensions.take(values.to_numpy(), pos, allow_fill=True)


def lookup(keys: pd.Series, mapping: pd.Series) -> pd.Series:
    """``keys.map(mapping)`` keeping the mapping's dtype, also when it is empty (pandas
    cannot map through an empty datetime Series); duplicate index labels keep the last."""
    if mapping.index.has_duplicates:
        mapping = mapping[~mapping.index.duplicated(keep="last")]
    pos = mapping.index.get_indexer(pd.Index(keys.to_numpy(dtype=object), dtype=object))
    values = take(mapping, pos)
    return pd.Series(values, index=keys.index, dtype=values.dtype)
