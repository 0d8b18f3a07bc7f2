"""Legal hold vocabulary and validation [Temple Appendix 1; Havering 9]."""
from __future__ import annotations

from enum import StrEnum

from ..errors import ValidationError


class HoldReason(StrEnum):
    """Why records must be kept past their retention date."""
    CSPR = "CSPR"  # child safeguarding practice review (serious case review)
    IMR = "IMR"  # individual management review
    COMPLAINT = "complaint"
    DISCIPLINARY = "disciplinary"
    LITIGATION = "litigation"
    OTHER = "other"


class HoldScope(StrEnum):
    """Whose records a hold covers."""
    PRACTITIONER = "practitioner"
    CASE = "case"


def check_hold(scope: str, target_id: str, reason: str, reference: str) -> tuple[str, str, str, str]:
    """The hold's fields, cleaned; ``ValidationError`` naming the field otherwise."""
    try:
        scope = HoldScope(scope).value
    except ValueError:
        raise ValidationError("scope", f"{scope!r} is not one of: "
                                       f"{', '.join(s.value for s in HoldScope)}") from None
    try:
        reason = HoldReason(reason).value
    except ValueError:
        raise ValidationError("reason", f"{reason!r} is not one of: "
                                        f"{', '.join(r.value for r in HoldReason)}") from None
    target_id = (target_id or "").strip()
    if not target_id:
        raise ValidationError("target", "say whose records to hold (a practitioner or case id)")
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError("reference", "give the review, complaint or case reference")
    if len(reference) > 200:
        raise ValidationError("reference", "at most 200 characters")
    return scope, target_id, reason, reference
