"""Shared state of one demo generation: the random source, readable ids and the rows so far."""
from __future__ import annotations

import dataclasses as dc
import datetime as dt
import random

from ..io.spec import FORMAT, TABLE_ORDER, VERSION

# Rows per scale unit, roughly, so ids are zero-padded to a width that fits the scale.
PER_UNIT = {"P": 40, "C": 80, "S": 500, "D": 1500, "A": 1000, "K": 40, "R": 200, "DG": 40,
            "AD": 40, "E": 100, "O": 100, "RQ": 10, "T": 100, "X": 5}
MIN_WIDTH = {"P": 4, "C": 5, "S": 6, "D": 7, "A": 7}


@dc.dataclass
class Staff:
    """A member of staff beside their ``practitioners`` row."""
    id: str
    first: str
    last: str
    role: str
    team: str
    agency: str
    preset: str = ""
    supervisor: str | None = None
    manager: str | None = None
    start: dt.date | None = None          # first day in post (supervised from here)
    leaving: dt.date | None = None
    asye_start: dt.date | None = None
    poorly_supervised: bool = False
    cases: list = dc.field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dc.dataclass
class DemoCase:
    """A case beside its rows: who is in it and how its RAG ratings run."""
    id: str
    worker: str
    opened: dt.date
    closed: dt.date | None
    status: str
    ctx: dict
    trajectory: str
    marks: tuple = (2, 2)
    n_discussed: int = 0
    last_discussed: dt.date | None = None
    last_quarterly: dt.date | None = None

    def open_on(self, day: dt.date) -> bool:
        return self.opened <= day and (self.closed is None or self.closed >= day)


class Gen:
    """The random source, the date of 'today', id counters and the dataset being built."""

    def __init__(self, scale: int, seed: int, today: dt.date):
        self.rng = random.Random(seed)
        self.scale, self.today = scale, today
        self.window_start = today - dt.timedelta(days=548)  # 18 months of sessions
        self.data: dict = {"format": FORMAT, "version": VERSION, **{t: [] for t in TABLE_ORDER}}
        self._n: dict[str, int] = {}
        self.status_id = 0
        self.staff: dict[str, Staff] = {}
        self.cases: dict[str, DemoCase] = {}
        self.usernames: set[str] = set()

    def id(self, prefix: str) -> str:
        """The next readable id for ``prefix``: P0001, C00001, S000001, ..."""
        n = self._n[prefix] = self._n.get(prefix, 0) + 1
        width = max(MIN_WIDTH.get(prefix, 4), len(str(PER_UNIT.get(prefix, 100) * self.scale)))
        return f"{prefix}{n:0{width}d}"

    def count(self, prefix: str) -> int:
        """How many ids of ``prefix`` were handed out."""
        return self._n.get(prefix, 0)

    def add(self, table: str, row: dict) -> dict:
        self.data[table].append(row)
        return row

    def days(self, day: dt.date, lo: int, hi: int) -> dt.date:
        """``day`` plus a random number of days in [lo, hi]."""
        return day + dt.timedelta(days=self.rng.randint(lo, hi))

    def between(self, a: dt.date, b: dt.date) -> dt.date:
        """A random date from ``a`` to ``b`` (``a`` when the range is empty)."""
        return a + dt.timedelta(days=self.rng.randint(0, max(0, (b - a).days)))

    def at(self, day: dt.date, lo_hour: int = 9, hi_hour: int = 17) -> str:
        """An ISO date-time on ``day`` at a random working minute."""
        return dt.datetime(day.year, day.month, day.day, self.rng.randint(lo_hour, hi_hour),
                           self.rng.randrange(60)).isoformat()

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]


def weekday(day: dt.date) -> dt.date:
    """The same day, or the Monday after when it falls on a weekend."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """``day`` plus ``n`` working days (weekends skipped)."""
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
