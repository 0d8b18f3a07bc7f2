"""Domain records as plain dataclasses: what the facade takes and returns."""
from __future__ import annotations

import dataclasses as dc
import datetime as dt
from typing import Any


@dc.dataclass
class Practitioner:
    id: str
    name: str
    username: str
    role: str = "practitioner"
    team: str = ""
    agency_type: str = "children's social care"
    email: str = ""
    qualified_date: dt.date | None = None
    asye_start: dt.date | None = None
    leaving_date: dt.date | None = None
    line_manager_id: str | None = None
    started_in_post: dt.date | None = None  # newly appointed phases count from here
    working_percent: int | None = None  # share of full time, 1-100; None: full time


@dc.dataclass
class CasePerson:
    role: str  # child, parent, carer, sibling, other
    first_name: str
    last_name: str = ""
    dob: dt.date | None = None
    address: str = ""
    postcode: str = ""
    phone: str = ""
    id: str | None = None


@dc.dataclass
class StatusChange:
    status: str
    from_date: dt.date


@dc.dataclass
class Case:
    id: str
    reference: str
    worker_id: str
    status: str
    opened: dt.date
    closed: dt.date | None = None
    people: list[CasePerson] = dc.field(default_factory=list)
    status_history: list[StatusChange] = dc.field(default_factory=list)


@dc.dataclass
class Oversight:
    """Management oversight of a decision [Havering 9.2]."""
    status: str = "pending"
    manager_id: str | None = None
    reason: str = ""
    answered_at: dt.datetime | None = None


@dc.dataclass
class CaseDiscussion:
    """One case discussed in a session [HSCB Appendix III; Havering 9.2; Temple App. 3]."""
    case_id: str
    summary: str = ""
    worries: str = ""
    working_well: str = ""
    barriers: str = ""
    impact: str = ""
    needs: str = ""
    engagement: str = ""
    plan: str = ""
    rag: str | None = None
    proposed_amendment: str = ""
    refusal_action: str = ""
    decision: str = ""
    rationale: str = ""
    quarterly_review: bool = False
    needs_oversight: bool = False
    oversight: Oversight | None = None
    id: str | None = None
    # Where carried or confirmed answers came from (see domain/lifecycle.py); {} = all
    # written in this session.
    provenance: dict[str, dict[str, str]] = dc.field(default_factory=dict)
    # Who chose to bring the case and why (domain/agenda.py); None: the supervisor.
    chosen_by: str | None = None
    choice_reason: str = ""
    # Temple Appendix 3, asked when the preset lists them (discussions.extra_questions).
    actions_taken: str = ""
    designate_role: str = ""


@dc.dataclass
class ActionItem:
    description: str
    owner_id: str | None = None
    due_date: dt.date | None = None
    case_id: str | None = None
    status: str = "open"
    session_id: str | None = None
    reviewed_session_id: str | None = None
    completed_date: dt.date | None = None
    id: str | None = None


@dc.dataclass
class ActionReview:
    """What a session decided about an action carried over from earlier."""
    action_id: str
    outcome: str  # done, carried forward, dropped
    note: str = ""


@dc.dataclass
class Disagreement:
    """[Havering 10; HSCB "Managing professional differences"]."""
    description: str
    resolution: str = ""
    escalated: bool = False
    escalated_to_id: str | None = None
    outcome: str = ""
    resolved_date: dt.date | None = None
    id: str | None = None


@dc.dataclass
class Reflection:
    framework: str
    author_id: str
    responses: dict[str, str] = dc.field(default_factory=dict)
    session_id: str | None = None
    case_id: str | None = None
    exercise_id: str | None = None
    created: dt.datetime | None = None
    id: str | None = None


@dc.dataclass
class SessionRecord:
    """A supervision record, draft to signed."""
    date: dt.date
    supervisor_id: str
    supervisee_ids: list[str]
    type: str = "one-to-one"
    state: str = "draft"
    agenda: str = ""
    reviews: list[ActionReview] = dc.field(default_factory=list)
    discussions: list[CaseDiscussion] = dc.field(default_factory=list)
    functions: list[str] = dc.field(default_factory=list)
    wellbeing: str = ""
    workload: str = ""
    sickness_absence: str = ""
    training_since: str = ""
    learning_development: str = ""
    # Diversity and anti-discriminatory practice: prompt key -> answer [Havering 7, 13.3].
    diversity: dict[str, str] = dc.field(default_factory=dict)
    disagreements: list[Disagreement] = dc.field(default_factory=list)
    actions: list[ActionItem] = dc.field(default_factory=list)
    reflections: list[Reflection] = dc.field(default_factory=list)
    next_session_date: dt.date | None = None
    group_confidentiality: str = ""
    duration_minutes: int | None = None
    cancelled_reason: str = ""
    return_date: dt.date | None = None
    recorded_date: dt.date | None = None
    stream: str | None = None  # which of the supervisee's streams; None: recorded before streams
    content_hash: str | None = None
    version: int = 0
    id: str | None = None


@dc.dataclass
class Signature:
    session_id: str
    practitioner_id: str
    signed_at: dt.datetime
    method: str = "own login"
    content_hash: str = ""
    comment: str = ""          # the signer's comment at signing [Havering 10]
    disagrees: bool = False    # the signer signs to say they disagree with the record


@dc.dataclass
class Addendum:
    session_id: str
    author_id: str
    text: str
    created_at: dt.datetime | None = None
    id: str | None = None


# The written terms of a supervision contract, in the order the form shows them.
CONTRACT_TERMS = ("purpose", "frequency", "duration", "venue", "supervisor_responsibilities",
                  "supervisee_responsibilities", "recording", "ad_hoc", "cancelling",
                  "agenda_setting", "disagreement", "complaints_review")


@dc.dataclass
class Contract:
    """Supervision contract [Havering 6; Temple Appendix 1; HSCB Appendix IV]."""
    supervisor_id: str
    supervisee_id: str
    preset: str
    start_date: dt.date
    overrides: dict[str, Any] = dc.field(default_factory=dict)
    purpose: str = ""
    frequency: str = ""
    duration: str = ""
    venue: str = ""
    supervisor_responsibilities: str = ""
    supervisee_responsibilities: str = ""
    recording: str = ""
    ad_hoc: str = ""
    cancelling: str = ""
    agenda_setting: str = ""
    disagreement: str = ""
    complaints_review: str = ""
    review_date: dt.date | None = None
    end_date: dt.date | None = None
    supervisor_signed_at: dt.datetime | None = None
    supervisee_signed_at: dt.datetime | None = None
    stream: str | None = None  # management, safeguarding, ...; None: the preset's stream
    handover_note: str = ""
    replaces_id: str | None = None
    id: str | None = None


@dc.dataclass
class Evaluation:
    """The Supervision Evaluation Tool [HSCB Appendix I]."""
    supervisee_id: str
    supervisor_id: str
    date: dt.date
    answers: list[str | None] = dc.field(default_factory=lambda: [None] * 10)
    more_of: str = ""
    less_of: str = ""
    session_id: str | None = None
    id: str | None = None


@dc.dataclass
class Observation:
    """Observation of practice [Havering 8]."""
    supervisee_id: str
    observer_id: str
    date: dt.date
    setting: str = ""
    permissions: str = ""
    went_well: str = ""
    development_points: str = ""
    discussed_session_id: str | None = None
    planned: bool = False
    qa_sample: bool = False
    id: str | None = None


_FIELDS: dict[type, tuple[str, ...]] = {}


def _conv(v):
    if dc.is_dataclass(v) and not isinstance(v, type):
        names = _FIELDS.get(type(v))
        if names is None:
            names = _FIELDS[type(v)] = tuple(f.name for f in dc.fields(v))
        return {n: _conv(getattr(v, n)) for n in names}
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: _conv(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_conv(x) for x in v]
    return v


def to_dict(record) -> dict:
    """A record as JSON-ready data (dates as ISO strings); faster than ``asdict``."""
    return _conv(record)
