"""Parsing of typed values (dates, choices, text) with errors naming the field."""
from __future__ import annotations

import datetime as dt
import uuid
from enum import Enum
from typing import TypeVar

from ..errors import ValidationError

E = TypeVar("E", bound=Enum)


def parse_date(value, field: str, *, required: bool = False) -> dt.date | None:
    """A date from a ``date``/``datetime``/ISO string; refuse anything else by field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, "a date is required")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise ValidationError(field, f"not a date: {value!r} (use YYYY-MM-DD)")


def parse_datetime(value, field: str) -> dt.datetime | None:
    """A datetime from a ``datetime`` or ISO string, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(field, f"not a date and time: {value!r}") from None


def parse_choice(value, enum: type[E], field: str, *, required: bool = True) -> E | None:
    """One member of ``enum`` by value; the message lists what is allowed."""
    if value is None or value == "":
        if required:
            raise ValidationError(field, f"required; one of {', '.join(m.value for m in enum)}")
        return None
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ValidationError(field, f"unknown value {value!r}; use one of {allowed}") from None


def clean_id(value, field: str, *, required: bool = False) -> str | None:
    """An identifier as stored (``None`` when empty), checked against the id pattern before
    any query, so a bad one (a lone surrogate, say) is refused by field, not by the driver."""
    from .identifiers import check_id
    if value is None or value == "":
        if required:
            raise ValidationError(field, "required; choose one")
        return None
    return check_id(value, field)


def clean_text(value, field: str, *, required: bool = False, max_len: int = 100_000) -> str:
    """Text as typed (never interpreted); only control characters are refused."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, f"expected text, got {type(value).__name__}")
    if required and not value.strip():
        raise ValidationError(field, "required; please fill this in")
    if len(value) > max_len:
        raise ValidationError(field, f"too long ({len(value)} characters; at most {max_len})")
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value) or "\x00" in value:
        raise ValidationError(field, "contains control characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no database can store it
        raise ValidationError(field, "contains a character that is not valid text") from None
    return value


def add_years(d: dt.date, n: int = 1) -> dt.date:
    """The same day ``n`` years on; 29 February becomes 28 February in a common year."""
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def new_id(prefix: str) -> str:
    """A fresh identifier in the store's format: prefix plus 12 hex digits."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"
