"""Case discussion windows and drift [Havering 9.2; HSCB aims 3-4; PG41 3].

Windows: a case must be discussed again within its status's window (child
protection plan 2 months, child in need 3 months, others by preset), counted in
calendar months from the last discussion (31 December + 2 months = end of
February), or from the date the case opened when it has never been discussed.
The quarterly case review is due the same way from the last discussion marked as
a quarterly review.

Drift: a case is flagged when K discussions in a row are rated amber or red with
no green; when its latest ratings get worse step by step and end in red (G→A→R,
A→R, G→R); when it has had no green rating for the preset's months across at
least two discussions; or when a case of a watched status (CP, CIN) is past its
window. Unrated discussions are skipped.
"""
from __future__ import annotations

import datetime as dt
import functools
import operator

import numpy as np
import pandas as pd

from ..domain.periods import every_label, period_of
from ..store.frames import Frames, lookup
from .calendar import NAT, add_months, add_period, british
from .calendar import day as to_day
from .calendar import days, to_series
from .keys import known_keys, params, policy_keys

WINDOW_COLUMNS = ["case_id", "reference", "worker_id", "worker", "status", "last_discussed",
                  "due_by", "days_overdue", "quarterly_review_due", "team", "window"]
DRIFT_COLUMNS = ["case_id", "reference", "worker_id", "worker", "status", "reason", "since",
                 "rags", "team", "flags"]
WORDS = {"G": "Green", "A": "Amber", "R": "Red"}


def _cases(fr: Frames, book) -> pd.DataFrame:
    c = fr.cases.copy()
    who = fr.practitioners.set_index("id")
    c["worker"] = lookup(c["worker_id"], who["name"])
    c["team"] = lookup(c["worker_id"], who["team"])
    # One policy look-up per worker, not per case.
    workers = pd.Series(pd.unique(c["worker_id"]), dtype=object)
    keys = policy_keys(fr, book, workers).set_index("pid")["key"]
    c["key"] = lookup(c["worker_id"], keys).to_numpy(dtype=object)
    return c


def case_windows(fr: Frames, book, day: dt.date, *, internal: bool = False) -> pd.DataFrame:
    """One row per open case: see ``WINDOW_COLUMNS`` and the module docstring
    (``internal`` adds the policy key and the opening date)."""
    c = _cases(fr, book)
    stats = fr.case_stats.set_index("case_id")
    rows = []
    for key in pd.unique(c["key"]):
        for status, win in book.by_key[key].get("cases.windows").items():
            m, n = period_of(win, "within")
            rows.append((f"{key}\x1f{status}", m, n, every_label((m, n))))
    wins = pd.DataFrame(rows, columns=["ks", "w_months", "w_days", "window"]).set_index("ks")
    exact = lookup(c["key"] + "\x1f" + c["status"], wins["window"]).notna()
    ks = (c["key"] + "\x1f" + c["status"].where(exact, "default"))
    c["window"] = lookup(ks, wins["window"])
    c["last_discussed"] = lookup(c["id"], stats["last_discussed"])
    anchor = days(c["last_discussed"].fillna(c["opened"]))
    due = add_months(anchor, lookup(ks, wins["w_months"]).to_numpy(dtype=np.int64)) + \
        lookup(ks, wins["w_days"]).to_numpy(dtype=np.int64).astype("timedelta64[D]")
    c["due_by"] = to_series(due)
    c["days_overdue"] = np.clip((to_day(day) - due).astype(np.int64), 0, None)
    qr = np.full(len(c), NAT)
    qr_anchor = days(lookup(c["id"], stats["last_review"]).fillna(c["opened"]))
    for key, idx in c.groupby("key").indices.items():
        qr[idx] = add_period(qr_anchor[idx], book.by_key[key].period("cases.quarterly_review"))
    c["quarterly_review_due"] = to_series(qr)
    c = c.rename(columns={"id": "case_id"})
    if internal:
        return c[WINDOW_COLUMNS + ["key", "opened"]]
    return shown_windows(c)


def shown_windows(win: pd.DataFrame) -> pd.DataFrame:
    """The windows as listed (``WINDOW_COLUMNS``), most overdue first, from the internal
    ones (``case_windows(..., internal=True)``)."""
    return win[WINDOW_COLUMNS].sort_values(["days_overdue", "due_by", "reference"],
                                           ascending=[False, True, True]).reset_index(drop=True)


def _word(letter: pd.Series) -> pd.Series:
    return letter.map(WORDS)


def drift(fr: Frames, book, day: dt.date, windows: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per drifting open case: see ``DRIFT_COLUMNS`` and the module docstring
    (``windows``: ``case_windows(fr, book, day, internal=True)`` if already worked out)."""
    if windows is None:
        win = case_windows(fr, book, day, internal=True)
    else:
        win = windows
        known_keys(book, win["key"])
    prm = params(book, win["key"], lambda pol: {
        "k": pol.get("drift.consecutive_amber_red") or np.inf,
        "worsening": bool(pol.get("drift.worsening")),
        "ni_months": (pol.period("drift.no_improvement") or (np.nan, np.nan))[0],
        "ni_days": (pol.period("drift.no_improvement") or (np.nan, np.nan))[1]})
    cases = win.join(prm, on="key").set_index("case_id")
    per = fr.rated.set_index("case_id").join(cases[["k", "worsening", "ni_months", "ni_days"]],
                                             how="inner")
    flags = []

    bad = per[per["bad_len"] >= per["k"]]
    word = np.where(bad["bad_a"] == bad["bad_len"], "Amber",
                    np.where(bad["bad_a"] == 0, "Red", "Amber or red"))
    flags.append(pd.DataFrame({"kind": "consecutive", "since": bad["bad_since"], "text":
                               word + " for " + bad["bad_len"].astype(str)
                               + " consecutive discussions since " + british(bad["bad_since"])}))

    # A run that gets worse step by step and ends in red is at most G -> A -> R.
    r1, r2, r3 = per["r1"], per["r2"], per["r3"]
    two = (r1 == "R") & r2.isin(["G", "A"]) & per["worsening"].astype(bool)
    three = two & (r2 == "A") & (r3 == "G")
    worse = per[two]
    since = per["d3"].where(three, per["d2"])[two]
    steps = np.where(three[two], "Green → Amber → Red", _word(r2[two]) + " → Red")
    flags.append(pd.DataFrame({"kind": "worsening", "since": since, "text":
                               "Getting worse (" + pd.Series(steps, index=worse.index)
                               + ") since " + british(since)}))

    ni = per[per["ni_months"].notna() & (per["bad_len"] >= 2) & (per["bad_len"] < per["k"])]
    if len(ni):
        ends = add_months(days(ni["bad_since"]), ni["ni_months"].to_numpy(dtype=np.int64)) + \
            ni["ni_days"].to_numpy(dtype=np.int64).astype("timedelta64[D]")
        ni = ni[ends <= to_day(day)]
    flags.append(pd.DataFrame({"kind": "no_improvement", "since": ni["bad_since"], "text":
                               "No improvement: no green rating in " + ni["bad_len"].astype(str)
                               + " discussions since " + british(ni["bad_since"])}))

    watched = {f"{k}\x1f{s}" for k in pd.unique(win["key"])
               for s in book.by_key[k].get("drift.undiscussed_statuses")}
    late = win[(win["key"] + "\x1f" + win["status"]).isin(watched) & (win["days_overdue"] > 0)]
    late = late.set_index("case_id")
    seen = "Not discussed since " + british(late["last_discussed"])
    never = "Never discussed since the case opened on " + british(late["opened"])
    flags.append(pd.DataFrame({"kind": "undiscussed",
                               "since": late["last_discussed"].fillna(late["opened"]),
                               "text": seen.fillna(never) + " (" + late["status"] + ": "
                               + late["window"] + "; due by " + british(late["due_by"]) + ")"}))

    # One row per case: the flags' sentences in a fixed order, the earliest "since".
    # Positional numpy arrays: assigning into a Series by label costs more than the rule.
    index = pd.Index(sorted(set().union(*(f.index for f in flags))), dtype=object)
    reason = np.full(len(index), "", dtype=object)
    kinds = np.full(len(index), "", dtype=object)
    first = np.full(len(index), np.datetime64("NaT"), dtype="datetime64[s]")
    for f in flags:
        if f.empty:
            continue
        pos = index.get_indexer(f.index)
        fresh = reason[pos] == ""
        text = f["text"].to_numpy(dtype=object)
        reason[pos] = reason[pos] + np.where(fresh, "", ". ").astype(object) + text
        kinds[pos] = kinds[pos] + np.where(fresh, "", ",").astype(object) + f["kind"].iloc[0]
        first[pos] = np.fmin(first[pos], f["since"].to_numpy().astype("datetime64[s]"))
    out = pd.DataFrame({"reason": pd.Series(reason + ".", index=index, dtype=object),
                        "since": first, "flags": pd.Series(kinds, index=index, dtype=object)},
                       index=index)
    letters = per[[f"r{i}" for i in range(8, 0, -1)]].reindex(index).fillna("")
    out["rags"] = functools.reduce(operator.add, (letters[c] for c in letters.columns))
    out = out.join(cases[["reference", "worker_id", "worker", "team", "status"]])
    out = out.rename_axis("case_id").reset_index()
    return out[DRIFT_COLUMNS].sort_values(["since", "reference"]).reset_index(drop=True)
