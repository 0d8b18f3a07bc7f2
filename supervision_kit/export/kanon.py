"""Age bands and k-anonymity of the cases table over its quasi-identifiers.

Quasi-identifiers: (team, agency type, case status, age band of the first child when the
case opened). A cell is the set of cases sharing all four; a cell smaller than k lets
someone who knows those four facts about a child narrow the search to fewer than k cases.

Generalisation, in order, until at most ``max_suppressed`` of the cases are still in cells
smaller than k: level 0 as recorded; level 1 coarse age bands (0-4, 5-15, 16+); level 2
also no team ('*'); level 3 also no age band. The cases still in small cells at the chosen
level have all four quasi-identifiers suppressed ('*'). Only the cases table is released
generalised: the report says which other columns can link a case back to its team.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

FINE = ("under 1", "1-4", "5-9", "10-15", "16+")
COARSE = {"under 1": "0-4", "1-4": "0-4", "5-9": "5-15", "10-15": "5-15", "16+": "16+"}
LEVELS = ("as recorded", "coarse age bands", "coarse age bands, no team",
          "no team, no age band")
STAR = "*"


def age_band(dob, on) -> str:
    """The DfE children-in-need census band of a child born ``dob`` on the date ``on``."""
    if dob is None or on is None:
        return "unknown"
    dob, on = _date(dob), _date(on)
    years = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    if years < 0:
        return "unknown"  # born after the case opened: an unborn child's case
    if years < 1:
        return "under 1"
    if years < 5:
        return "1-4"
    if years < 10:
        return "5-9"
    if years < 16:
        return "10-15"
    return "16+"


def years_band(since, on) -> str:
    """Years from ``since`` to ``on`` as <2, 2-4, 5-9, 10+ (unknown without a date)."""
    if since is None:
        return "unknown"
    years = (_date(on) - _date(since)).days / 365.25
    return "<2" if years < 2 else "2-4" if years < 5 else "5-9" if years < 10 else "10+"


def _date(v) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


def generalise(qi: tuple, level: int) -> tuple:
    """``(team, agency, status, age band)`` at a generalisation level."""
    team, agency, status, age = qi
    if level >= 1:
        age = COARSE.get(age, age)
    if level >= 2:
        team = STAR
    if level >= 3:
        age = STAR
    return team, agency, status, age


class KAnonymity:
    """Count the quasi-identifier cells in a first pass; then release each case's values."""

    def __init__(self, k: int = 5, max_suppressed: float = 0.05):
        if int(k) < 1:
            raise ValueError("k must be at least 1")
        self.k = int(k)
        self.max_suppressed = max_suppressed
        self.counts: Counter = Counter()
        self.level = 0

    def add(self, qi: tuple) -> None:
        """Count one case's recorded quasi-identifiers (first pass)."""
        self.counts[qi] += 1

    def _cells(self, level: int) -> Counter:
        out: Counter = Counter()
        for qi, n in self.counts.items():
            out[generalise(qi, level)] += n
        return out

    def _small(self, level: int) -> int:
        return sum(n for n in self._cells(level).values() if n < self.k)

    def decide(self) -> int:
        """Pick the lowest level leaving at most ``max_suppressed`` of cases in small cells."""
        total = sum(self.counts.values())
        self.level = len(LEVELS) - 1
        for level in range(len(LEVELS)):
            if self._small(level) <= self.max_suppressed * total:
                self.level = level
                break
        self._released = self._cells(self.level)
        return self.level

    def release(self, qi: tuple) -> tuple:
        """The values released for a case (after ``decide``)."""
        g = generalise(qi, self.level)
        return g if self._released[g] >= self.k else (STAR,) * 4

    def report(self) -> dict:
        """The k-anonymity report: cells before and after, what was suppressed."""
        total = sum(self.counts.values())
        before = self._cells(0)
        after = self._released
        kept = {c: n for c, n in after.items() if n >= self.k}
        suppressed = total - sum(kept.values())
        return {
            "k": self.k, "cases": total,
            "quasi_identifiers": ["team", "agency_type", "status", "child_age_band"],
            "cells_as_recorded": len(before),
            "small_cells_as_recorded": sum(1 for n in before.values() if n < self.k),
            "cases_in_small_cells_as_recorded": sum(n for n in before.values() if n < self.k),
            "level": self.level, "generalisation": LEVELS[self.level],
            "small_cells_per_level": [self._small(lv) for lv in range(len(LEVELS))],
            "suppressed_cases": suppressed,
            "released_cells": [
                {"team": c[0], "agency_type": c[1], "status": c[2], "child_age_band": c[3],
                 "cases": n} for c, n in sorted(kept.items(), key=lambda kv: (-kv[1], kv[0]))],
            "linkable_columns": [
                "practitioners.team through cases.worker_id",
                "case_discussions.case_status (status on each discussion date)",
                "actions.owner_id / sessions.supervisee_id through practitioners.team"],
        }
