"""Supervision frequency per supervisee: last held, next due, days overdue.

[Havering 5; Temple contract 3; HSCB; Surrey 2]. A session counts as held on its
date when it is not cancelled (drafts and records awaiting signatures count: the
meeting took place; signing is checked by ``records.timeliness``) and its type is
one the preset counts (Havering counts only the formal one-to-one). The next due
date is the last held session plus the preset's interval; for a newly qualified
worker the interval follows the ASYE phases counted from ``asye_start``, and for a
newly appointed one the preset's ``newly_appointed`` phases counted from
``started_in_post`` [Temple; HSCB]; a part-time worker under a pro-rata preset has the
interval stretched to the equivalent of full time [Havering 5]; in a
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
from ..domain.streams import stream_label
from ..store.frames import Frames
from .calendar import NAT, add_period, add_working_days, british
from .calendar import day as to_day
from .calendar import days, half_term_end_after, half_term_end_from, next_working_day, to_series
from .keys import params
from .streams import matching, stream_keys

COLUMNS = ["supervisee_id", "name", "team", "preset", "last_held", "next_due", "days_overdue",
           "reason", "rule", "supervisor_id", "stream", "contract_id", "next_booked"]


def supervisees(fr: Frames) -> pd.DataFrame:
    """Practitioners to be supervised on the day: not left, and a practitioner by role,
    a supervisee in an active contract, or someone who has attended supervision."""
    p = fr.practitioners
    known = set(fr.held_last["pid"]) | set(fr.contracts["supervisee_id"])
    if fr.cancelled is not None:
        known |= set(fr.cancelled["pid"])
    keep = ~p["left"] & ((p["role"] == "practitioner") | p["id"].isin(known))
    return p[keep].reset_index(drop=True)


def _span(period) -> str:
    months, n_days = period
    if months and not n_days:
        return f"{months} months"
    return f"{n_days // 7} weeks" if n_days % 7 == 0 else f"{n_days} days"


def _regular(pol, book, last, asye, anchor, day_, started=None, pct=None):
    """(due, rule) for one policy group; every date argument is a datetime64[D] array,
    ``pct`` the share of full time (100 where unknown)."""
    n = len(last)
    started = np.full(n, NAT) if started is None else started
    pct = np.full(n, 100) if pct is None else pct
    interval = pol.period("supervision.interval")
    rule = np.full(n, period_label(interval), dtype=object)
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
    else:
        due = add_period(base, interval)
        if pol.get("supervision.part_time_pro_rata"):
            for share in np.unique(pct[pct < 100]):
                m = pct == share
                stretched = pro_rata(interval, int(share))
                due[m] = add_period(base[m], stretched)
                rule[m] = (f"{period_label(interval)} pro rata for {int(share)}% of full time: "
                           f"{period_label(stretched)}")
    done = np.zeros(n, dtype=bool)
    done = _phases(pol.get("supervision.newly_qualified") or [], asye, last, day_, due, rule,
                   done, "of ASYE")
    _phases(pol.get("supervision.newly_appointed") or [], started, last, day_, due, rule, done,
            "in post")
    return due, rule


def pro_rata(interval, share: int):
    """``interval`` stretched to the equivalent for ``share`` % of full time [Havering 5]:
    whole months when they divide evenly (50%: monthly becomes two months), else days."""
    months, n_days = interval
    if n_days == 0 and (months * 100) % share == 0:
        return months * 100 // share, 0
    return 0, int(round((months * 365.25 / 12 + n_days) * 100 / share))


def _phases(phases, start, last, day_, due, rule, done, words):
    """Lay phases counted from ``start`` over ``due``/``rule`` (in place) where not ``done``;
    the phase is the one the last session fell in; returns the rows now decided."""
    if not phases:
        return done
    from ..domain.periods import period_of
    in_phase = ~np.isnat(start) & (start <= day_) & ~done
    # No session since the start: the first phase's interval counts from the start.
    first = period_of(phases[0], "interval")
    pre = in_phase & (np.isnat(last) | (last < start))
    due[pre] = add_period(start[pre], first)
    rule[pre] = f"{period_label(first)} in the first {_span(period_of(phases[0], 'for'))} {words}"
    done = done | pre
    for ph in phases:
        until = add_period(start, period_of(ph, "for"))
        step = period_of(ph, "interval")
        m = in_phase & ~done & (last < until)
        due[m] = add_period(last[m], step)
        rule[m] = f"{period_label(step)} in the first {_span(period_of(ph, 'for'))} {words}"
        done = done | m
    return done


def _last_by_row(fr: Frames, pk: pd.DataFrame, book) -> np.ndarray:
    """Last held session of a counted type for each row (person and stream) of ``pk``."""
    allowed = {f"{k}\x1f{t}" for k, pol in book.by_key.items()
               for t in pol.get("supervision.counts_types")}
    m = matching(pk, fr.held_last)
    m = m[(m["row_key"] + "\x1f" + m["type"]).isin(allowed)]
    last = m.groupby("row")["last"].max().reindex(np.arange(len(pk)))
    return days(last)


def _booked_by_row(fr: Frames, pk: pd.DataFrame) -> np.ndarray:
    """The next booked session of each row's person and stream (NaT when none)."""
    if fr.booked is None:
        return np.full(len(pk), NAT)
    m = matching(pk, fr.booked)
    return days(m.groupby("row")["next_booked"].min().reindex(np.arange(len(pk))))


def _sickness(fr: Frames, pk: pd.DataFrame, last: np.ndarray) -> pd.DataFrame:
    """Latest sickness cancellation per row of ``pk`` not yet followed by a held session
    (indexed by row; a cancellation without a stream applies to every stream)."""
    c = matching(pk, fr.cancelled.rename(columns={"date": "cancelled"}))
    c = c.assign(reason_word=pk["reason_word"].to_numpy(dtype=object)[c["row"].to_numpy()])
    c = c[c["cancelled_reason"].fillna("").str.strip().str.lower() == c["reason_word"]]
    c = c.sort_values(["row", "cancelled"], kind="stable").drop_duplicates("row", keep="last")
    lh = last[c["row"].to_numpy()]
    keep = np.isnat(lh) | (lh <= days(c["cancelled"]))
    return c[keep].set_index("row")


def supervision_due(fr: Frames, book, day: dt.date, only=None) -> pd.DataFrame:
    """One row per supervisee and stream: see ``COLUMNS`` and the module docstring.
    ``only`` (ids) limits the rows to those supervisees (each row depends only on its
    own person's records, so their rows are the same as in the whole table)."""
    people = supervisees(fr)
    if only is not None:
        people = people[people["id"].isin(set(only))].reset_index(drop=True)
    pk = stream_keys(fr, book, people["id"])
    prm = params(book, pk["key"], lambda pol: {
        "reason_word": pol.get("supervision.sickness.reason").strip().lower()})
    pk = pk.join(prm, on="key")
    sv = people.set_index("id").loc[pk["pid"]].reset_index()
    L = _last_by_row(fr, pk, book)
    day_ = to_day(day)
    n = len(sv)
    A = days(sv["asye_start"])
    C = days(pk["contract_start"])
    S = days(sv["started_in_post"])
    P = sv["working_percent"].fillna(100).astype(np.int64).to_numpy()
    due = np.full(n, NAT)
    rule = np.empty(n, dtype=object)
    for key, idx in pk.groupby("key").indices.items():
        due[idx], rule[idx] = _regular(book.by_key[key], book, L[idx], A[idx], C[idx], day_,
                                       S[idx], P[idx])
    never = np.isnat(due)
    due[never] = day_
    rule[never] = "no supervision recorded yet"

    sick = _sickness(fr, pk, L)
    off = np.zeros(n, dtype=bool)
    off[sick.index.to_numpy(dtype=np.int64)] = True
    never &= ~off
    if off.any():
        s = sick.loc[np.flatnonzero(off)]
        for key, idx in s.groupby("row_key").indices.items():
            where = np.flatnonzero(off)[idx]
            ret = days(s["return_date"].iloc[idx])
            pol = book.by_key[key]
            nwd = pol.get("supervision.sickness.within_working_days")
            due[where] = add_working_days(ret, nwd, book.holidays(pol))
            since = british(s["cancelled"].iloc[idx]).to_numpy(dtype=object)
            back = british(s["return_date"].iloc[idx]).to_numpy(dtype=object)
            rule[where] = np.where(pd.isna(back), "off sick since " + since + f": due within "
                                   f"{nwd} working days of return",
                                   f"within {nwd} working days of return from sickness on "
                                   + back.astype(str))

    overdue = np.where(np.isnat(due), 0, (day_ - due).astype("timedelta64[D]").astype(np.int64))
    overdue = np.clip(overdue, 0, None)
    booked = _booked_by_row(fr, pk)
    out = pd.DataFrame({"supervisee_id": sv["id"], "name": sv["name"], "team": sv["team"],
                        "preset": pk["preset"], "last_held": to_series(L), "next_due": to_series(due),
                        "days_overdue": overdue, "rule": rule,
                        "supervisor_id": pk["contract_supervisor"], "stream": pk["stream"],
                        "contract_id": pk["contract_id"], "next_booked": to_series(booked)})
    dues = british(out["next_due"]).fillna("not yet known")
    held = ("last held " + british(out["last_held"])).fillna("none held yet")
    head = np.where(overdue > 0, "Overdue by " + pd.Series(overdue).astype(str) + " days: due ",
                    "Next due ")
    # Someone with two streams is told which one each row is about.
    several = out["supervisee_id"].duplicated(keep=False).to_numpy()
    label = np.where(several, out["stream"].map(stream_label).astype(str) + ": ", "")
    note = pk["note"].fillna("") + label
    when = british(out["next_booked"])
    late = ~np.isnat(booked) & ~np.isnat(due) & (booked > due)
    booking = np.where(when.isna(), "", np.where(late, "; booked for " + when.fillna("")
                                                 + ", after it is due", "; booked for "
                                                 + when.fillna("")))
    out["reason"] = note + head + dues + " (" + out["rule"] + "); " + held + booking + "."
    out.loc[never, "reason"] = note[never] + "Due now: no supervision recorded yet."
    return out[COLUMNS].sort_values(["days_overdue", "next_due", "name", "stream"],
                                    ascending=[False, True, True, True]).reset_index(drop=True)


def suggest_next(fr: Frames, book, day: dt.date, pid: str, stream: str | None = None
                 ) -> dt.date | None:
    """The next due date (of ``stream``, or the soonest of the person's streams), on a
    working day after ``day``; None if not a current supervisee."""
    if pid not in set(supervisees(fr)["id"]):
        return None
    table = supervision_due(fr, book, day, only={pid})  # one person's rows, not the agency's
    row = table[(table["supervisee_id"] == pid)
                & ((table["stream"] == stream) if stream else True)]
    if row.empty:
        return None
    row = row.sort_values("next_due").iloc[:1]
    pk = stream_keys(fr, book, pd.Series([pid]))
    key = pk[pk["stream"] == row["stream"].iloc[0]]["key"].iloc[0]
    hol = book.holidays(book.by_key[key])
    due = row["next_due"].iloc[0]
    after = to_day(day)
    if pd.isna(due) or to_day(due) <= after:
        return pd.Timestamp(next_working_day(after, hol)).date()
    # A due date on a weekend or holiday moves back to the working day before it.
    d = np.busday_offset(to_day(due), 0, roll="backward", holidays=hol)
    return pd.Timestamp(d if d > after else next_working_day(after, hol)).date()
