"""Drift escalation and professional differences between agencies [HSCB aim 3;
HSCB "Managing Professional Differences"]: vocabulary and the due-date rule."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum

from ..errors import ValidationError


class DifferenceStage(StrEnum):
    """How far a professional difference with another agency has been escalated."""
    PRACTITIONERS = "practitioner to practitioner"
    MANAGERS = "manager to manager"
    SENIOR = "senior manager"
    PARTNERSHIP = "safeguarding partnership"


def escalation_due(since: dt.date, period: tuple[int, int] | None) -> dt.date | None:
    """The day an unresolved drift flag raised ``since`` reaches the line manager;
    None when the preset switches escalation off. ``period`` is (months, days)."""
    if period is None:
        return None
    months, days = period
    y, m = divmod(since.year * 12 + since.month - 1 + months, 12)
    month_end = (dt.date(y + (m + 1) // 12, (m + 1) % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m + 1, min(since.day, month_end)) + dt.timedelta(days=days)


def check_difference(agency: str, stage: str) -> tuple[str, str]:
    """The agency and stage cleaned, or ``ValidationError`` naming the field."""
    agency = (agency or "").strip()
    if not agency:
        raise ValidationError("agency", "name the other agency")
    if len(agency) > 200:
        raise ValidationError("agency", "at most 200 characters")
    try:
        stage = DifferenceStage(stage).value
    except ValueError:
        raise ValidationError("stage", "one of: " + ", ".join(s.value for s in DifferenceStage)) from None
    return agency, stage
