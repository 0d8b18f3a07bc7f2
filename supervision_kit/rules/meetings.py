"""Cases to discuss before a meeting about them, and everything due in one table.

[HSCB aim 4: "scheduled discussion prior to review meetings (e.g. child in need reviews,
core groups or case conferences)".] A meeting from the day on needs the case discussed
in supervision within the preset's ``cases.meeting_discussion_days`` before it. Once
that window has opened with no discussion in it, the meeting is flagged; a discussion
in the window clears it.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..domain.meetings import MEETING_KINDS
from .calendar import british, day as to_day, days, to_series
from .cases import _cases
from ..store.frames import Frames, lookup
from .keys import params

MEETING_COLUMNS = ["case_id", "reference", "worker_id", "worker", "team", "kind", "meeting_date",
                   "discuss_from", "last_discussed", "flag", "reason", "meeting_id"]


def meetings_due(fr: Frames, book, day: dt.date) -> pd.DataFrame:
    """One row per meeting about an open case from ``day`` on: see ``MEETING_COLUMNS``."""
    c = _cases(fr, book).set_index("id")
    m = fr.meetings[fr.meetings["case_id"].isin(c.index)].reset_index(drop=True)
    key = lookup(m["case_id"], c["key"])
    n_days = key.map(params(book, key, lambda pol: {
        "n": pol.get("cases.meeting_discussion_days")})["n"]) if len(m) else pd.Series(dtype=object)
    m = m[n_days.notna().to_numpy()].reset_index(drop=True)
    n_days = n_days[n_days.notna()].astype(np.int64).to_numpy()
    last = fr.case_stats.set_index("case_id")["last_discussed"] if fr.case_stats is not None \
        else pd.Series(dtype="datetime64[s]")
    when = days(m["date"])
    start = when - n_days.astype("timedelta64[D]")
    L = days(lookup(m["case_id"], last))
    day_ = to_day(day)
    discussed = ~np.isnat(L) & (L >= start)
    flag = (start <= day_) & ~discussed
    out = pd.DataFrame({"case_id": m["case_id"], "reference": lookup(m["case_id"], c["reference"]),
                        "worker_id": lookup(m["case_id"], c["worker_id"]),
                        "worker": lookup(m["case_id"], c["worker"]),
                        "team": lookup(m["case_id"], c["team"]), "kind": m["kind"],
                        "meeting_date": m["date"], "discuss_from": to_series(start),
                        "last_discussed": to_series(L), "flag": flag, "meeting_id": m["id"]})
    # kinds by dict, not a Python call per meeting (an agency has tens of thousands coming)
    label = m["kind"].map(MEETING_KINDS).fillna(m["kind"])
    on = label + " on " + british(out["meeting_date"])
    last_text = british(out["last_discussed"])
    held = ("last discussed " + last_text).fillna("never discussed")
    out["reason"] = np.where(
        discussed, on + ": discussed on " + last_text.fillna("") + ".",
        np.where(flag, on + ": not discussed in the " + pd.Series(n_days).astype(str)
                 + " days before it; " + held + ".",
                 on + ": discuss it from " + british(out["discuss_from"]) + "."))
    return out[MEETING_COLUMNS].sort_values(["flag", "meeting_date"], ascending=[False, True]
                                            ).reset_index(drop=True)
