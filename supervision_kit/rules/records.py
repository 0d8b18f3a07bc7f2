"""Record timeliness, function balance, overdue actions, contract reviews, observations.

[Havering 6, 8, 9.2, 13.1; PG41 1; Temple; HSCB]. Days are calendar days past the
deadline; record deadlines themselves are counted in working days (weekends and
the preset's bank holidays skipped).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..domain.enums import Function
from ..store.frames import Frames, lookup
from .calendar import NAT, add_months, add_period, add_working_days, british
from .calendar import day as to_day
from .calendar import days, to_series, working_days_between
from .keys import params, policy_keys
from .streams import contract_keys
from .supervision import supervisees

ACTION_COLUMNS = ["action_id", "description", "owner_id", "owner", "case_id", "reference",
                  "due_date", "days_overdue", "team", "worker_id", "session_id"]
BALANCE_COLUMNS = (["supervisee_id", "name", "sessions"] + [f.value for f in Function]
                   + ["flag", "team"])
TIMELY_COLUMNS = ["session_id", "date", "supervisor_id", "supervisee_ids", "issue", "days",
                  "team", "detail"]
CONTRACT_COLUMNS = ["contract_id", "supervisor_id", "supervisor", "supervisee_id", "supervisee",
                    "team", "preset", "start_date", "review_due", "days_overdue", "signed",
                    "stream"]
OBS_COLUMNS = ["supervisee_id", "name", "team", "last_observed", "in_last_year", "required",
               "next_due", "days_overdue", "reason"]


def _late(day_, due) -> np.ndarray:
    lag = (day_ - np.asarray(due, dtype="datetime64[D]")).astype(np.int64)
    return np.where(np.isnat(due), 0, np.clip(lag, 0, None))


def overdue_actions(fr: Frames, day: dt.date, *, all_open: bool = False) -> pd.DataFrame:
    """Actions open on ``day`` whose due date has passed, most overdue first (``all_open``:
    every action open on ``day``, overdue or not)."""
    a = fr.actions  # already only the actions open on the day
    keep = pd.Series(True, index=a.index)
    if not all_open:
        keep &= a["due_date"].notna() & (a["due_date"] < pd.Timestamp(day))
    a = a[keep].copy()
    who = fr.practitioners.set_index("id")
    a["owner"] = lookup(a["owner_id"], who["name"])
    a["team"] = lookup(a["owner_id"], who["team"]).fillna(lookup(a["worker_id"], who["team"]))
    a["days_overdue"] = _late(to_day(day), days(a["due_date"]))
    a = a.rename(columns={"id": "action_id"})
    return a[ACTION_COLUMNS].sort_values(["days_overdue", "due_date", "action_id"],
                                         ascending=[False, True, True]).reset_index(drop=True)


def window_needed(fr: Frames, book) -> int:
    """The most recent sessions per person any current policy looks at."""
    pk = policy_keys(fr, book, supervisees(fr)["id"])
    return max([book.by_key[k].get("functions.window_sessions") for k in pd.unique(pk["key"])],
               default=1)


def function_balance(fr: Frames, book, day: dt.date) -> pd.DataFrame:
    """Functions covered in each supervisee's last N held sessions (any type); a flag when
    a required function is missing and there are at least ``min_sessions`` of them."""
    sv = supervisees(fr)
    pk = policy_keys(fr, book, sv["id"])
    pk = pk.join(params(book, pk["key"], lambda pol: {
        "window": pol.get("functions.window_sessions"),
        "min_sessions": pol.get("functions.min_sessions"),
        "required": ",".join(pol.get("functions.required"))}), on="key")
    pk.index = pd.Index(sv["id"].to_numpy(), dtype=object)
    h = fr.held_recent  # newest first per person (the query numbers them)
    h = h[h["pid"].isin(pk.index)]
    h = h[h.groupby("pid").cumcount().to_numpy() < lookup(h["pid"], pk["window"]).to_numpy()]
    out = pd.DataFrame({"supervisee_id": sv["id"], "name": sv["name"], "team": sv["team"]})
    out["sessions"] = lookup(out["supervisee_id"], h.groupby("pid").size()).fillna(0).astype(int)
    text = h["functions"].fillna("").astype(str)
    flag = pd.Series("", index=out.index, dtype=object)
    enough = out["sessions"].to_numpy() >= lookup(out["supervisee_id"], pk["min_sessions"]).to_numpy()
    required = lookup(out["supervisee_id"], pk["required"]).astype(str)
    for f in (x.value for x in Function):
        covered = text.str.contains(f'"{f}"', regex=False)
        out[f] = lookup(out["supervisee_id"], covered.groupby(h["pid"]).sum()).fillna(0).astype(int)
        missing = enough & (out[f] == 0) & required.str.contains(f, regex=False)
        flag = flag.where(~missing, flag + np.where(flag == "", "", " or ") + f)
    has = flag != ""
    out["flag"] = ""
    out.loc[has, "flag"] = ("no " + flag[has] + " in the last " + out.loc[has, "sessions"].astype(str)
                            + " sessions")
    return out[BALANCE_COLUMNS].sort_values(["flag", "name"], ascending=[False, True]
                                            ).reset_index(drop=True)


def timeliness(fr: Frames, book, day: dt.date, unsigned_default: int) -> pd.DataFrame:
    """Held sessions whose record was entered late or not at all within the preset's
    working days, or not signed by every party after N days."""
    day_ = to_day(day)
    att = fr.attendees
    first = att.drop_duplicates("session_id").set_index("session_id")["practitioner_id"]
    s = fr.session_checks.copy()
    s["first"] = lookup(s["session_id"], first)
    s = s[s["first"].notna()].reset_index(drop=True)
    pk = policy_keys(fr, book, s["first"])
    s["key"] = pk["key"].to_numpy()
    deadline = np.full(len(s), NAT)
    limit = np.zeros(len(s), dtype=np.int64)
    unsigned_after = np.zeros(len(s), dtype=np.int64)
    wd = np.zeros(len(s), dtype=np.int64)
    D = days(s["date"])
    rec = days(s["recorded_date"].where(s["recorded_date"] <= pd.Timestamp(day)))
    for key, idx in s.groupby("key").indices.items():
        pol = book.by_key[key]
        hol = book.holidays(pol)
        limit[idx] = pol.get("records.within_working_days")
        deadline[idx] = add_working_days(D[idx], int(limit[idx][0]), hol)
        unsigned_after[idx] = pol.get("records.unsigned_after_days") or unsigned_default
        wd[idx] = working_days_between(D[idx], rec[idx], hol)
    late = ~np.isnat(rec) & (rec > deadline)
    missing = np.isnat(rec) & (day_ > deadline)
    n_parties = s["n_att"].to_numpy(dtype=np.int64) + 1
    n_signed = s["n_signed"].to_numpy(dtype=np.int64)
    age = (day_ - D).astype(np.int64)
    unsigned = (n_signed < n_parties) & (age > unsigned_after)
    n = lambda a: pd.Series(a).astype(str)  # noqa: E731 - numbers into sentences
    parts = [
        # "Days late" counts calendar days past the deadline; the sentence says both
        # figures so that they agree (3 working days after, limit 2: 1 day past 26 Aug).
        s[late].assign(issue="recorded late", days=(rec - deadline).astype(np.int64)[late],
                       detail=("Recorded on " + british(to_series(rec)) + ", " + n(wd)
                               + " working days after the session (limit " + n(limit)
                               + "): " + n((rec - deadline).astype(np.int64))
                               + pd.Series(np.where((rec - deadline).astype(np.int64) == 1,
                                                    " day", " days"))
                               + " after the deadline of " + british(to_series(deadline))
                               )[late].to_numpy()),
        s[missing].assign(issue="not recorded", days=(day_ - deadline).astype(np.int64)[missing],
                          detail=("Not recorded; due within " + n(limit) + " working days, by "
                                  + british(to_series(deadline)))[missing].to_numpy()),
        s[unsigned].assign(issue="unsigned", days=(age - unsigned_after)[unsigned],
                           detail=("Signed by " + n(n_signed) + " of " + n(n_parties) + " after "
                                   + n(age) + " days (limit " + n(unsigned_after)
                                   + " days)")[unsigned].to_numpy())]
    out = pd.concat(parts, ignore_index=True)
    # The supervisees of each flagged session as a list, split from the sorted attendees.
    a = att[att["session_id"].isin(out["session_id"])]
    bounds = np.flatnonzero(a["session_id"].to_numpy()[1:] != a["session_id"].to_numpy()[:-1]) + 1
    groups = np.split(a["practitioner_id"].to_numpy(), bounds) if len(a) else []
    ids = pd.Series([g.tolist() for g in groups],
                    index=pd.unique(a["session_id"]) if len(a) else [], dtype=object)
    out["supervisee_ids"] = lookup(out["session_id"], ids)
    out["team"] = lookup(out["first"], fr.practitioners.set_index("id")["team"])
    return out[TIMELY_COLUMNS].sort_values(["days", "date"], ascending=[False, True]).reset_index(drop=True)


def contract_reviews(fr: Frames, book, day: dt.date) -> pd.DataFrame:
    """Active contracts (every stream) of current practitioners with their review date."""
    k = (fr.all_contracts if fr.all_contracts is not None else fr.contracts).copy()
    who = fr.practitioners.set_index("id")
    k = k[~lookup(k["supervisee_id"], who["left"]).fillna(False).astype(bool)].reset_index(drop=True)
    pk = contract_keys(k, book)
    start = days(k["start_date"])
    review = days(k["review_date"])
    for key, idx in pk.groupby("key").indices.items():
        fill = np.isnat(review[idx])
        review[idx[fill]] = add_period(start[idx[fill]], book.by_key[key].period("contract.review"))
    signed = k["signed"].astype(bool)
    out = pd.DataFrame({
        "contract_id": k["id"], "supervisor_id": k["supervisor_id"],
        "supervisor": lookup(k["supervisor_id"], who["name"]), "supervisee_id": k["supervisee_id"],
        "supervisee": lookup(k["supervisee_id"], who["name"]),
        "team": lookup(k["supervisee_id"], who["team"]), "preset": pk["preset"],
        "start_date": k["start_date"], "review_due": to_series(review), "stream": pk["stream"],
        "days_overdue": _late(to_day(day), review), "signed": signed.to_numpy()})
    return out[CONTRACT_COLUMNS].sort_values(["days_overdue", "review_due"], ascending=[False, True]
                                             ).reset_index(drop=True)


def observations_due(fr: Frames, book, day: dt.date) -> pd.DataFrame:
    """Observations of practice for supervisees whose preset requires them [Havering 8: "at
    least two occasions per year"]: at least N recorded in any 12 months. The next is due
    12 months after the N-th most recent (the contract or ASYE start stands in for those
    not yet made). A planned observation whose date has passed without a record of what
    was observed is not counted; the reason names it."""
    sv = supervisees(fr)
    pk = policy_keys(fr, book, sv["id"])
    pk = pk.join(params(book, pk["key"], lambda pol: {"per_year": pol.get("observations.per_year")}),
                 on="key")
    need = pk["per_year"].notna().to_numpy()
    sv, pk = sv[need].reset_index(drop=True), pk[need].reset_index(drop=True)
    o = fr.observations
    held = o[o["recorded"].to_numpy(dtype=bool)] if len(o) else o
    missed = o[~o["recorded"].to_numpy(dtype=bool)].groupby("supervisee_id").size() if len(o) \
        else pd.Series(dtype=int)
    last = held.groupby("supervisee_id")["date"].max()
    year_ago = pd.Timestamp(add_months(np.array([to_day(day)]), -12)[0])
    recent = held[held["date"] > year_ago].groupby("supervisee_id").size()
    per_year = pk["per_year"].astype(int).to_numpy()
    L = days(lookup(sv["id"], last))
    anchor = days(pk["contract_start"].fillna(sv["asye_start"]))
    # The N-th most recent recorded observation of each person (NaT when fewer than N).
    ranked = held.sort_values("date", ascending=False)
    ranked = ranked.assign(rank=ranked.groupby("supervisee_id").cumcount() + 1)
    need_n = lookup(ranked["supervisee_id"], pd.Series(per_year, index=pd.Index(sv["id"], dtype=object)))
    nth_rows = ranked[ranked["rank"].to_numpy() == need_n.to_numpy()]
    nth = days(lookup(sv["id"], nth_rows.set_index("supervisee_id")["date"]))
    base = np.where(np.isnat(nth), anchor, nth)
    due = add_months(base, 12)
    due = np.where(np.isnat(due), to_day(day), due)
    late = _late(to_day(day), due)
    out = pd.DataFrame({"supervisee_id": sv["id"], "name": sv["name"], "team": sv["team"],
                        "last_observed": to_series(L),
                        "in_last_year": lookup(sv["id"], recent).fillna(0).astype(int),
                        "required": per_year, "next_due": to_series(due), "days_overdue": late})
    word = np.where(per_year == 2, "twice a year", pd.Series(per_year).astype(str) + " times a year")
    head = np.where(late > 0, "Overdue by " + pd.Series(late).astype(str) + " days: due ", "Next due ")
    seen = ("last observed " + british(out["last_observed"])).fillna("none recorded yet")
    n_missed = lookup(sv["id"], missed).fillna(0).astype(int)
    note = np.where(n_missed > 0, "; " + n_missed.astype(str) + " planned but not recorded", "")
    out["reason"] = (head + british(out["next_due"]) + " (" + word + ", " + out["in_last_year"].astype(str)
                     + " in the last 12 months); " + seen + note + ".")
    return out[OBS_COLUMNS].sort_values(["days_overdue", "next_due"], ascending=[False, True]
                                        ).reset_index(drop=True)
