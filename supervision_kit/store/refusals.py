"""A value the database refused (too long, out of range, a NUL byte) as a ``ValidationError``.

SQLite stores whatever it is given; PostgreSQL enforces column lengths and types. When a
value slips past validation, the user gets a message naming the column, not a traceback.
"""
from __future__ import annotations

import re

from ..errors import ValidationError
from .schema import Base

_TARGET = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE)\s+"?(\w+)"?', re.I)


def refused_value(exc) -> ValidationError:
    """The ``ValidationError`` for a SQLAlchemy ``DataError`` (the column, when it can tell)."""
    m = _TARGET.match(getattr(exc, "statement", "") or "")
    table = Base.metadata.tables.get(m.group(1)) if m else None
    params = getattr(exc, "params", None) or {}
    rows = params if isinstance(params, (list, tuple)) else [params]
    reason = str(getattr(exc, "orig", exc)).splitlines()[0]
    if table is not None:
        for row in rows:
            if not isinstance(row, dict):
                continue
            for key, value in row.items():
                col = table.c.get(key)
                length = getattr(getattr(col, "type", None), "length", None)
                if isinstance(value, str) and length and len(value) > length:
                    return ValidationError(f"{table.name}.{key}", f"too long ({len(value)} "
                                                                  f"characters; at most {length})")
                if isinstance(value, str) and "\x00" in value:
                    return ValidationError(f"{table.name}.{key}", "contains a NUL character")
        return ValidationError(table.name, f"the database refused a value: {reason}")
    return ValidationError("value", f"the database refused a value: {reason}")
