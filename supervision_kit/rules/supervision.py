"""Supervision frequency per supervisee: last held, next due, days overdue.

[Havering 5; Temple contract 3; HSCB; Surrey 2]. A session counts as held on its
date when it is not cancelled (drafts and records awaiting signatures count: the
meeting took place; signing is checked by ``records.timeliness``) and its type is
one the preset counts (Havering counts only the formal one-to-one). The next due
date is the last held session plus the preset's interval; for a newly qualified
worker the interval follows the ASYE phases counted from ``asye_start``; in a
half-term preset it is the end of the first half term starting after the last
session; after a sickness cancellation not yet followed by a session it is the
return date plus N working days. With no session yet the clock starts at the
active contract's start (or the ASYE start); with neither, supervision is due now.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..domain.periods import period_label
from ..store.frames import Frames, lookup
from .calendar import NAT, add_period, add_working_days
from .calendar import day as to_day
from .calendar import days, half_term_end_after, half_term_end_from, next_working_day, to_series
from .keys import params, policy_keys

COLUMNS = ["supervisee_id", "name", "team", "preset", "last_held", "next_due", "days_overdue",
           "reason", "rule", "supervisor_id"]


def supervisees(fr: Frames) -> pd.DataFrame:
    """Practitioners to be supervised on the day: not left, and a practitioner by role,
    a supervisee in an active contract, or someone who has attended supervision."""
    p = fr.practitioners
    known = set(fr.held_last["pid"]) | set(fr.contracts["supervisee_id"])
    if fr.cancelled is not None:
        known |= set(fr.cancelled["pid"])
    keep = ~p["left"] & ((p["role"] == "practitioner") | p["id"].isin(known))
    return p[keep].reset_index(drop=True)


def last_held(fr: Frames, pk: pd.DataFrame, book) -> pd.Series:
    """Date of each person's last held session of a type their preset counts."""
    h = fr.held_last
    key = lookup(h["pid"], pk.drop_duplicates("pid").set_index("pid")["key"])
    allowed = {f"{k}\x1f{t}" for k, pol in book.by_key.items()
               for t in pol.get("supervision.counts_types")}
    h = h[(key + "\x1f" + h["type"]).isin(allowed)]
    return h.groupby("pid")["last"].max()


def _span(period) -> str:
    months, n_days = period
    if months and not n_days:
        return f"{months} months"
    return f"{n_days // 7} weeks" if n_days % 7 == 0 else f"{n_days} days"


def _regular(pol, book, last, asye, anchor, day_):
    """(due, rule) for one policy group; every argument is a datetime64[D] array."""
    interval = pol.period("supervision.interval")
    rule = np.full(len(last), period_label(interval), dtype=object)
    base = np.where(np.isnat(last), anchor, last)
    if pol.get("supervision.every_half_term"):
        starts, ends, names = book.half_terms(pol.get("supervision.term_calendar"))
        anchor_or_today = np.where(np.isnat(anchor), day_, anchor)
        due = np.where(np.isnat(last), half_term_end_from(anchor_or_today, starts, ends),
                       half_term_end_after(last, starts, ends))
        term = np.searchsorted(ends, due)
        found = ~np.isnat(due)
        rule[found] = "once every half term, " + np.asarray(names, dtype=object)[term[found]]
        beyond = ~found & ~np.isnat(base)
        due[beyond] = add_period(base[beyond], interval)
        rule[beyond] = period_label(interval) + ", no term dates this far ahead"
        return due, rule
    due = add_period(base, interval)
    phases = pol.get("supervision.newly_qualified") or []
    if phases:
        from ..domain.periods import period_of
        in_asye = ~np.isnat(asye) & (asye <= day_)
        first = period_of(phases[0], "interval")
        pre = in_asye & (np.isnat(last) | (last < asye))
        due[pre] = add_period(asye[pre], first)
        rule[pre] = f"{period_label(first)} in the first {_span(period_of(phases[0], 'for'))} of ASYE"
        done = pre.copy()
        for ph in phases:
            until = add_period(asye, period_of(ph, "for"))
            step = period_of(ph, "interval")
            m = in_asye & ~done & (last < until)
            due[m] = add_period(last[m], step)
            rule[m] = f"{period_label(step)} in the first {_span(period_of(ph, 'for'))} of ASYE"
            done |= m
    return due, rule


def _sickness(fr: Frames, pk: pd.DataFrame, last: pd.Series) -> pd.DataFrame:
    """Latest sickness cancellation per pid not yet followed by a held session."""
    c = fr.cancelled.rename(columns={"date": "cancelled"})
    by_pid = pk.drop_duplicates("pid").set_index("pid")
    c = c.assign(key=lookup(c["pid"], by_pid["key"]),
                 reason_word=lookup(c["pid"], by_pid["reason_word"]))
    c = c[c["cancelled_reason"].fillna("").str.strip().str.lower() == c["reason_word"]]
    c = c.drop_duplicates("pid", keep="last")  # the query sorts by date
    lh = lookup(c["pid"], last)
    return c[lh.isna() | (lh <= c["cancelled"])].set_index("pid")


def supervision_due(fr: Frames, book, day: dt.date) -> pd.DataFrame:
    """One row per supervisee: see ``COLUMNS`` and the module docstring."""
    sv = supervisees(fr)
    pk = policy_keys(fr, book, sv["id"])
    prm = params(book, pk["key"], lambda pol: {
        "reason_word": pol.get("supervision.sickness.reason").strip().lower()})
    pk = pk.join(prm, on="key")
    last = last_held(fr, pk, book)
    day_ = to_day(day)
    n = len(sv)
    L = days(lookup(sv["id"], last))
    A = days(sv["asye_start"])
    C = days(pk["contract_start"])
    due = np.full(n, NAT)
    rule = np.empty(n, dtype=object)
    for key, idx in pk.groupby("key").indices.items():
        due[idx], rule[idx] = _regular(book.by_key[key], book, L[idx], A[idx], C[idx], day_)
    never = np.isnat(due)
    due[never] = day_
    rule[never] = "no supervision recorded yet"

    sick = _sickness(fr, pk, last)
    off = pk["pid"].isin(sick.index).to_numpy()
    never &= ~off
    if off.any():
        s = sick.loc[pk["pid"][off]]
        for key, idx in s.groupby("key").indices.items():
            where = np.flatnonzero(off)[idx]
            ret = days(s["return_date"].iloc[idx])
            pol = book.by_key[key]
            nwd = pol.get("supervision.sickness.within_working_days")
            due[where] = add_working_days(ret, nwd, book.holidays(pol))
            since = s["cancelled"].iloc[idx].dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
            back = s["return_date"].iloc[idx].dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
            rule[where] = np.where(pd.isna(back), "off sick since " + since + f": due within "
                                   f"{nwd} working days of return",
                                   f"within {nwd} working days of return from sickness on "
                                   + back.astype(str))

    overdue = np.where(np.isnat(due), 0, (day_ - due).astype("timedelta64[D]").astype(np.int64))
    overdue = np.clip(overdue, 0, None)
    out = pd.DataFrame({"supervisee_id": sv["id"], "name": sv["name"], "team": sv["team"],
                        "preset": pk["preset"], "last_held": to_series(L), "next_due": to_series(due),
                        "days_overdue": overdue, "rule": rule,
                        "supervisor_id": pk["contract_supervisor"]})
    dues = out["next_due"].dt.strftime("%Y-%m-%d").fillna("not yet known")
    held = ("last held " + out["last_held"].dt.strftime("%Y-%m-%d")).fillna("none held yet")
    head = np.where(overdue > 0, "Overdue by " + pd.Series(overdue).astype(str) + " days: due ",
                    "Next due ")
    out["reason"] = pk["note"].fillna("") + head + dues + " (" + out["rule"] + "); " + held + "."
    out.loc[never, "reason"] = pk["note"].fillna("")[never] + "Due now: no supervision recorded yet."
    return out[COLUMNS].sort_values(["days_overdue", "next_due", "name"],
                                    ascending=[False, True, True]).reset_index(drop=True)


def suggest_next(fr: Frames, book, day: dt.date, pid: str) -> dt.date | None:
    """The next due date, on a working day after ``day``; None if not a current supervisee."""
    table = supervision_due(fr, book, day)
    row = table[table["supervisee_id"] == pid]
    if row.empty:
        return None
    key = policy_keys(fr, book, pd.Series([pid]))["key"].iloc[0]
    hol = book.holidays(book.by_key[key])
    due = row["next_due"].iloc[0]
    after = to_day(day)
    if pd.isna(due) or to_day(due) <= after:
        return pd.Timestamp(next_working_day(after, hol)).date()
    # A due date on a weekend or holiday moves back to the working day before it.
    d = np.busday_offset(to_day(due), 0, roll="backward", holidays=hol)
    return pd.Timestamp(d if d > after else next_working_day(after, hol)).date()
