"""The supervisee's agenda: items and cases they bring to their next session, and the
preset's rule on who chooses the cases [Temple Appendix 2; Havering 13.2; Surrey]."""
from __future__ import annotations

import dataclasses as dc
import datetime as dt
from enum import StrEnum

from ..errors import ValidationError
from .values import clean_text


class CaseReason(StrEnum):
    """Why a case is brought to supervision [Temple; Havering 13.2; Surrey]."""
    SIGNIFICANT_CONTACT = "significant contact"
    ALLEGED_HARM = "alleged harm"
    PARTNER_ESCALATION = "partner escalation"
    OTHER = "other"


# Temple Appendix 3 questions a preset may add to each case discussion: key -> (title, hint).
EXTRA_QUESTIONS = {
    "actions_taken": ("Actions taken?", "what has been done since the concern arose"),
    "designate_role": ("What is the designate's role and relationship with the family?",
                       "the CP designate's part in the family's life and plan"),
}


@dc.dataclass
class AgendaItem:
    """One thing a supervisee brings: an agenda item (text) or a case (with the reason)."""
    supervisee_id: str
    author_id: str
    text: str = ""
    case_id: str | None = None
    reason: str = ""
    reflection_id: str | None = None  # their pre-session reflection, attached
    session_id: str | None = None     # None: waiting for the next session
    created_at: dt.datetime | None = None
    id: str | None = None


def check_reason(reason, field: str = "reason") -> str:
    """A ``CaseReason`` value, or "" when none is given."""
    if not reason:
        return ""
    try:
        return CaseReason(reason).value
    except ValueError:
        raise ValidationError(field, "say why the case is brought: "
                              + ", ".join(r.value for r in CaseReason)) from None


def check_item(item: AgendaItem) -> AgendaItem:
    """The item cleaned: a case needs a reason from ``CaseReason``; an item without a case
    needs text. ``ValidationError`` names the field."""
    item.text = clean_text(item.text, "text", max_len=2000).strip()
    item.case_id = item.case_id or None
    if item.case_id:
        item.reason = check_reason(item.reason or None, "reason") or ""
        if not item.reason:
            raise ValidationError("reason", "say why you bring this case: "
                                  + ", ".join(r.value for r in CaseReason))
    else:
        item.reason = ""
        if not item.text and not item.reflection_id:
            raise ValidationError("text", "write the agenda item, or choose a case to bring")
    return item


def choice_problems(discussions, supervisor_id: str, supervisee_ids, *,
                    min_cases: int | None, each_party: bool) -> list[tuple[str, str]]:
    """(field, message) for each way the record's cases break the preset's rule: fewer
    cases than ``min_cases``, or (``each_party``) no case chosen by the supervisor or by
    the supervisee [Temple Appendix 2: "one selected by the supervisor and one by the
    supervisee"]."""
    out = []
    n = len(discussions)
    if min_cases and n < min_cases:
        out.append(("discussions", f"this preset asks for at least {min_cases} cases each "
                                   f"session; the record has {n}"))
    if each_party:
        # A case nobody else brought is the supervisor's choice: they write the record.
        chosen = {d.chosen_by or supervisor_id for d in discussions}
        if supervisor_id not in chosen:
            out.append(("discussions", "the supervisor has not chosen a case for this session "
                                       "(one case is chosen by each of you)"))
        if not chosen & set(supervisee_ids):
            out.append(("discussions", "the supervisee has not chosen a case for this session "
                                       "(one case is chosen by each of you)"))
    return out
