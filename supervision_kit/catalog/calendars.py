"""Calendars in ``templates/calendars/``: bank holidays and school half terms."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from ..domain.values import parse_date
from ..errors import ValidationError
from .files import read_yaml


def _calendar(name: str, templates_dir) -> tuple[dict, str]:
    path = Path(templates_dir) / "calendars" / f"{name}.yaml"
    if not path.is_file():
        raise ValidationError("calendar", f"no calendar {name!r} in {path.parent}")
    return read_yaml(path), path.name


def _as_date(value, where: str) -> dt.date:
    return parse_date(value, where, required=True)


def load_holidays(name: str, templates_dir) -> np.ndarray:
    """Bank holidays of a calendar file, sorted, as ``datetime64[D]``."""
    data, fname = _calendar(name, templates_dir)
    items = data.get("holidays")
    if not isinstance(items, list):
        raise ValidationError(f"{fname}: holidays", "expected a list of dates")
    dates = [_as_date(v, f"{fname}: holidays[{i}]") for i, v in enumerate(items)]
    return np.array(sorted(dates), dtype="datetime64[D]")


def load_half_terms(name: str, templates_dir) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(starts, ends, names) of a term calendar's half terms, in date order."""
    data, fname = _calendar(name, templates_dir)
    items = data.get("half_terms")
    if not isinstance(items, list) or not items:
        raise ValidationError(f"{fname}: half_terms", "expected a list of {name, start, end}")
    rows = []
    for i, h in enumerate(items):
        where = f"{fname}: half_terms[{i}]"
        if not isinstance(h, dict):
            raise ValidationError(where, "expected {name, start, end}")
        s, e = _as_date(h.get("start"), f"{where}.start"), _as_date(h.get("end"), f"{where}.end")
        if e < s:
            raise ValidationError(f"{where}.end", f"{e} is before the start {s}")
        rows.append((s, e, str(h.get("name", f"half term {i + 1}"))))
    rows.sort()
    for (s0, e0, n0), (s1, _, n1) in zip(rows, rows[1:]):
        if s1 <= e0:
            raise ValidationError(f"{fname}: half_terms", f"{n0!r} and {n1!r} overlap")
    return (np.array([r[0] for r in rows], dtype="datetime64[D]"),
            np.array([r[1] for r in rows], dtype="datetime64[D]"), [r[2] for r in rows])
