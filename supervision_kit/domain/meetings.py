"""Dated meetings about a case that supervision should come before.

[HSCB aim 4: "Agencies to consider advising scheduled discussion prior to review meetings
(e.g. child in need reviews, core groups or case conferences)".]
"""
from __future__ import annotations

import dataclasses as dc
import datetime as dt

from ..errors import ValidationError
from .values import clean_text, parse_date

MEETING_KINDS = {
    "cin review": "Child in need review",
    "core group": "Core group",
    "initial cp conference": "Initial child protection conference",
    "review cp conference": "Review child protection conference",
    "lac review": "Looked-after review",
}


@dc.dataclass
class CaseMeeting:
    """A meeting about a case on a date (imported or entered)."""
    case_id: str
    kind: str
    date: dt.date
    note: str = ""
    id: str | None = None


def validate_meeting(m: CaseMeeting) -> CaseMeeting:
    """A case, a known kind and a date."""
    if not m.case_id:
        raise ValidationError("case_id", "which case is the meeting about?")
    kind = " ".join(str(m.kind or "").lower().split())
    if kind not in MEETING_KINDS:
        raise ValidationError("kind", "one of " + ", ".join(MEETING_KINDS) + f"; got {m.kind!r}")
    m.kind = kind
    m.date = parse_date(m.date, "date", required=True)
    m.note = clean_text(m.note, "note")
    return m
