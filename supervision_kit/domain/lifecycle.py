"""Follow-up discussions: what is carried from the last signed discussion of a case, and
what must be written (or explicitly confirmed) in this session before signing.

Serious case reviews warn against copy-and-paste recording, so a follow-up carries only
the stable context of a case (its needs, the plan, family engagement), each marked
"carried from <date>" until confirmed or changed; everything that belongs to this
meeting starts empty, with last time's answer shown beside it for reference.

A field's provenance lives in ``CaseDiscussion.provenance``: ``{field: {"how": "carried" |
"confirmed", "from": "YYYY-MM-DD"}}``. No entry means the text was written here.
"""
from __future__ import annotations

import dataclasses as dc
import datetime as dt

from ..errors import ValidationError
from .records import CaseDiscussion

STABLE = ("needs", "engagement", "plan")
MEETING = ("summary", "worries", "working_well", "barriers", "impact", "proposed_amendment",
           "refusal_action", "decision", "rationale")
CARRIED, CONFIRMED = "carried", "confirmed"
HOW = (CARRIED, CONFIRMED)


@dc.dataclass
class UnsignedDiscussion:
    """A discussion of the case in a record nobody has finished signing."""
    session_id: str
    date: dt.date
    state: str
    supervisor_id: str
    supervisor: str = ""


@dc.dataclass
class FollowUpBasis:
    """Where a follow-up discussion of a case starts: its last signed discussion (if any)
    and any later unsigned ones, which are shown but never copied."""
    case_id: str
    previous: CaseDiscussion | None = None
    previous_date: dt.date | None = None
    previous_session_id: str | None = None
    unsigned: list[UnsignedDiscussion] = dc.field(default_factory=list)


def day_text(d: dt.date | None) -> str:
    """A British date for people: ``2 Dec 2026``."""
    return f"{d.day} {d:%b %Y}" if d else ""


def unsigned_label(u: UnsignedDiscussion) -> str:
    """"unsigned draft of 2 Dec 2026 by Sam Supervisor" (or awaiting signatures)."""
    what = "unsigned draft" if u.state == "draft" else "record awaiting signatures"
    return f"{what} of {day_text(u.date)} by {u.supervisor or u.supervisor_id}"


def follow_up(basis: FollowUpBasis) -> CaseDiscussion:
    """A new discussion of the case: only the stable context carried, each marked."""
    d = CaseDiscussion(case_id=basis.case_id)
    prev = basis.previous
    if prev is None or basis.previous_date is None:
        return d
    for k in STABLE:
        text = getattr(prev, k) or ""
        if text.strip():
            setattr(d, k, text)
            d.provenance[k] = {"how": CARRIED, "from": basis.previous_date.isoformat()}
    return d


def how(d: CaseDiscussion, field: str) -> str:
    """"carried", "confirmed" or "" (written in this session)."""
    return (d.provenance.get(field) or {}).get("how", "")


def from_date(d: CaseDiscussion, field: str) -> dt.date | None:
    """The date of the discussion a carried or confirmed text came from."""
    raw = (d.provenance.get(field) or {}).get("from")
    return dt.date.fromisoformat(raw) if raw else None


def provenance_text(d: CaseDiscussion, field: str) -> str:
    """"carried from 4 Mar 2024: confirm or change", "confirmed from 4 Mar 2024" or ""."""
    kind, when = how(d, field), day_text(from_date(d, field))
    if kind == CARRIED:
        return f"carried from {when}: confirm or change"
    return f"confirmed from {when}" if kind == CONFIRMED else ""


def confirm(d: CaseDiscussion, field: str, previous: CaseDiscussion | None,
            previous_date: dt.date | None) -> None:
    """Keep a carried text, or take last time's answer, as today's: recorded as confirmed."""
    if how(d, field) == CARRIED:
        d.provenance[field]["how"] = CONFIRMED
        return
    old = getattr(previous, field, "") if previous is not None else ""
    if not (old or "").strip() or previous_date is None:
        raise ValidationError(field, "there is no answer from last time to confirm")
    setattr(d, field, old)
    d.provenance[field] = {"how": CONFIRMED, "from": previous_date.isoformat()}


def edited(d: CaseDiscussion, field: str) -> None:
    """The text of ``field`` was changed here: it is now this session's own."""
    d.provenance.pop(field, None)


def fresh(d: CaseDiscussion, field: str, previous: CaseDiscussion | None) -> bool:
    """Text written in this session, or last time's explicitly confirmed: never last
    time's words left standing (an old draft made by copying keeps them)."""
    text = (getattr(d, field) or "").strip()
    if not text or how(d, field) == CARRIED:
        return False
    if how(d, field) == CONFIRMED:
        return True
    old = (getattr(previous, field, "") or "").strip() if previous is not None else ""
    return text != old


def check_provenance(d: CaseDiscussion, field: str) -> dict:
    """A discussion's provenance, checked: known fields, known kinds, ISO dates."""
    raw = d.provenance or {}
    if not isinstance(raw, dict):
        raise ValidationError(f"{field}.provenance", "must map answers to where they came from")
    out = {}
    for k, v in raw.items():
        if k not in STABLE + MEETING or not isinstance(v, dict) or v.get("how") not in HOW:
            raise ValidationError(f"{field}.provenance", f"unknown entry for {k!r}")
        try:
            when = dt.date.fromisoformat(str(v.get("from")))
        except ValueError:
            raise ValidationError(f"{field}.provenance", f"{k}: 'from' must be a date") from None
        out[k] = {"how": v["how"], "from": when.isoformat()}
    return out


def today_problems(d: CaseDiscussion, previous: CaseDiscussion | None,
                   previous_date: dt.date | None, amendment_reason: str,
                   titles: dict[str, str]) -> dict[str, str]:
    """What stops this discussion being signed, by answer: a carried text neither
    confirmed nor changed, and each requirement of today's situation (an amendment when
    concern escalates or drift is flagged, a rationale when the rating changes, the
    decision and its rationale when oversight is asked) not met by today's text."""
    out: dict[str, str] = {}
    for k in STABLE + MEETING:
        if how(d, k) == CARRIED:
            out[k] = (f"“{titles.get(k, k)}” was carried from {day_text(from_date(d, k))}: "
                      f"confirm it or change it before signing")
    was = f" (what is there is last time's text, {day_text(previous_date)}: confirm it or write today's)"

    def need(k: str, why: str, ask: str) -> None:
        if k in out or fresh(d, k, previous):
            return
        left = (getattr(d, k) or "").strip()
        out[k] = f"{why}: {ask}" + (was if left else "")

    if amendment_reason:
        need("proposed_amendment", amendment_reason, "propose an amendment to the plan")
    prev_rag = previous.rag if previous is not None else None
    if d.rag and prev_rag and d.rag != prev_rag:
        need("rationale", f"The rating changed ({prev_rag} → {d.rag})",
             "give today's rationale")
    if d.needs_oversight:
        need("decision", "Management oversight is asked", "record today's decision")
        need("rationale", "Management oversight is asked",
             "give the rationale (the reason oversight is asked)")
        same = previous is not None and previous.needs_oversight and (
            (d.decision or "").strip() == (previous.decision or "").strip() != "")
        if same:
            out["needs_oversight"] = (f"This decision went to management oversight on "
                                      f"{day_text(previous_date)}; it is not raised again: "
                                      f"record today's decision, or untick oversight")
    return out
