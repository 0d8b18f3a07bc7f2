"""Validation of records before they are stored; errors name the field."""
from __future__ import annotations

from ..errors import ValidationError
from .enums import (RAG, ActionStatus, AgencyType, Answer, CaseStatus, Function,
                    ReviewOutcome, Role, SessionType)
from .records import (Case, Contract, Evaluation, Observation, Practitioner,
                      Reflection, SessionRecord)
from .identifiers import check_id, check_name
from .values import clean_text, parse_choice, parse_date

SESSION_TEXT = ("agenda", "wellbeing", "workload", "sickness_absence", "training_since",
                "learning_development", "group_confidentiality", "cancelled_reason")
DISCUSSION_TEXT = ("summary", "worries", "working_well", "barriers", "impact", "needs",
                   "engagement", "plan", "proposed_amendment", "refusal_action",
                   "decision", "rationale")


def validate_session(rec: SessionRecord) -> SessionRecord:
    """Normalise a session record in place, or raise ``ValidationError``."""
    rec.date = parse_date(rec.date, "date", required=True)
    rec.type = parse_choice(rec.type, SessionType, "type").value
    if not rec.supervisor_id:
        raise ValidationError("supervisor_id", "a session needs a supervisor")
    check_id(rec.id, "id", required=False)
    ids = [s for s in (rec.supervisee_ids or []) if s]
    if not ids:
        raise ValidationError("supervisee_ids", "a session needs at least one supervisee")
    if len(set(ids)) != len(ids):
        raise ValidationError("supervisee_ids", "the same supervisee is listed twice")
    if rec.supervisor_id in ids:
        raise ValidationError("supervisee_ids", "the supervisor cannot also be a supervisee")
    if rec.type == SessionType.ONE_TO_ONE and len(ids) > 1:
        raise ValidationError("type", "a one-to-one session has one supervisee; choose group")
    rec.supervisee_ids = ids
    for name in SESSION_TEXT:
        setattr(rec, name, clean_text(getattr(rec, name), name))
    rec.diversity = {str(k): clean_text(v, f"diversity.{k}")
                     for k, v in dict(rec.diversity or {}).items() if str(v or "").strip()}
    rec.next_session_date = parse_date(rec.next_session_date, "next_session_date")
    if rec.next_session_date and rec.next_session_date <= rec.date:
        raise ValidationError("next_session_date",
                              f"{rec.next_session_date} is not after the session date {rec.date}")
    rec.return_date = parse_date(rec.return_date, "return_date")
    rec.recorded_date = parse_date(rec.recorded_date, "recorded_date")
    funcs = []
    for i, f in enumerate(rec.functions or []):
        funcs.append(parse_choice(f, Function, f"functions[{i}]").value)
    rec.functions = sorted(set(funcs), key=[f.value for f in Function].index)
    seen_cases = set()
    for i, d in enumerate(rec.discussions):
        field = f"discussions[{i}]"
        if not d.case_id:
            raise ValidationError(f"{field}.case_id", "choose the case discussed")
        if d.case_id in seen_cases:
            raise ValidationError(f"{field}.case_id", "this case is already discussed in this session")
        seen_cases.add(d.case_id)
        for name in DISCUSSION_TEXT:
            setattr(d, name, clean_text(getattr(d, name), f"{field}.{name}"))
        if d.rag is not None and d.rag != "":
            d.rag = parse_choice(d.rag, RAG, f"{field}.rag").value
        else:
            d.rag = None
    for i, a in enumerate(rec.actions):
        field = f"actions[{i}]"
        a.owner_id, a.case_id = a.owner_id or None, a.case_id or None  # "" from a form: none
        check_id(a.id, f"{field}.id", required=False)
        a.description = clean_text(a.description, f"{field}.description", required=True)
        a.due_date = parse_date(a.due_date, f"{field}.due_date")
        if a.due_date and a.due_date < rec.date:
            raise ValidationError(f"{field}.due_date",
                                  f"due date {a.due_date} is before the session date {rec.date}")
        a.status = parse_choice(a.status, ActionStatus, f"{field}.status").value
    for i, r in enumerate(rec.reviews):
        if not r.action_id:
            raise ValidationError(f"reviews[{i}].action_id", "which action was reviewed?")
        r.outcome = parse_choice(r.outcome, ReviewOutcome, f"reviews[{i}].outcome").value
        r.note = clean_text(r.note, f"reviews[{i}].note")
    for i, d in enumerate(rec.disagreements):
        d.description = clean_text(d.description, f"disagreements[{i}].description", required=True)
        d.resolution = clean_text(d.resolution, f"disagreements[{i}].resolution")
        d.outcome = clean_text(d.outcome, f"disagreements[{i}].outcome")
    for i, r in enumerate(rec.reflections):
        validate_reflection(r, f"reflections[{i}]")
    if rec.duration_minutes is not None:
        try:
            rec.duration_minutes = int(rec.duration_minutes)
        except (TypeError, ValueError, OverflowError):  # OverflowError: infinity
            raise ValidationError("duration_minutes", "a whole number of minutes") from None
        if not 0 < rec.duration_minutes <= 600:
            raise ValidationError("duration_minutes", "between 1 and 600 minutes")
    return rec


def validate_reflection(r: Reflection, field: str = "reflection") -> Reflection:
    """A reflection names its framework and author; responses are text."""
    r.framework = clean_text(r.framework, f"{field}.framework", required=True)
    check_id(r.id, f"{field}.id", required=False)
    if not r.author_id:
        raise ValidationError(f"{field}.author_id", "who wrote this reflection?")
    r.responses = {str(k): clean_text(v, f"{field}.responses.{k}") for k, v in (r.responses or {}).items()}
    return r


def validate_practitioner(p: Practitioner) -> Practitioner:
    """Names, role and dates of a practitioner."""
    p.id = check_id(clean_text(p.id, "id", required=True, max_len=64), "id")
    p.name = check_name(clean_text(p.name, "name", required=True, max_len=200), "name")
    p.username = check_name(clean_text(p.username, "username", required=True, max_len=100), "username")
    p.role = parse_choice(p.role, Role, "role").value
    p.agency_type = parse_choice(p.agency_type, AgencyType, "agency_type").value
    p.team = check_name(clean_text(p.team, "team", max_len=200), "team")
    for name in ("qualified_date", "asye_start", "leaving_date"):
        setattr(p, name, parse_date(getattr(p, name), name))
    if p.line_manager_id:
        check_id(p.line_manager_id, "line_manager_id")
    if p.leaving_date and p.asye_start and p.leaving_date < p.asye_start:
        raise ValidationError("leaving_date", f"left {p.leaving_date} before starting the ASYE "
                                              f"{p.asye_start}")
    return p


def validate_case(c: Case) -> Case:
    """Reference, status and people of a case."""
    c.id = check_id(clean_text(c.id, "id", required=True, max_len=64), "id")
    c.reference = check_name(clean_text(c.reference, "reference", required=True, max_len=64), "reference")
    if not c.worker_id:
        raise ValidationError("worker_id", "a case needs an allocated worker")
    c.status = parse_choice(c.status, CaseStatus, "status").value
    c.opened = parse_date(c.opened, "opened", required=True)
    c.closed = parse_date(c.closed, "closed")
    if c.closed and c.closed < c.opened:
        raise ValidationError("closed", f"closed {c.closed} before it opened {c.opened}")
    for i, p in enumerate(c.people):
        p.first_name = check_name(clean_text(p.first_name, f"people[{i}].first_name", required=True,
                                             max_len=100), f"people[{i}].first_name")
        p.last_name = check_name(clean_text(p.last_name, f"people[{i}].last_name", max_len=100),
                                 f"people[{i}].last_name")
        p.dob = parse_date(p.dob, f"people[{i}].dob")
    for i, s in enumerate(c.status_history):
        s.status = parse_choice(s.status, CaseStatus, f"status_history[{i}].status").value
        s.from_date = parse_date(s.from_date, f"status_history[{i}].from_date", required=True)
    return c


def validate_contract(c: Contract) -> Contract:
    """A contract names both parties, a preset and a start date."""
    if not c.supervisor_id:
        raise ValidationError("supervisor_id", "a contract needs a supervisor")
    if not c.supervisee_id:
        raise ValidationError("supervisee_id", "a contract needs a supervisee")
    c.preset = clean_text(c.preset, "preset", required=True)
    c.start_date = parse_date(c.start_date, "start_date", required=True)
    c.review_date = parse_date(c.review_date, "review_date")
    c.end_date = parse_date(c.end_date, "end_date")
    if c.review_date and c.review_date <= c.start_date:
        raise ValidationError("review_date", "the review must come after the start")
    if c.end_date and c.end_date < c.start_date:
        raise ValidationError("end_date", f"ends {c.end_date} before it starts {c.start_date}")
    for name in ("id", "supervisor_id", "supervisee_id", "replaces_id"):
        check_id(getattr(c, name), name, required=False)
    return c


def validate_evaluation(e: Evaluation) -> Evaluation:
    """Ten answers, each yes / no / maybe or unanswered."""
    e.date = parse_date(e.date, "date", required=True)
    check_id(e.id, "id", required=False)
    answers = list(e.answers or [])
    if len(answers) != 10:
        raise ValidationError("answers", f"the tool has 10 statements, got {len(answers)}")
    e.answers = [parse_choice(a, Answer, f"answers[{i}]", required=False) and Answer(a).value
                 for i, a in enumerate(answers)]
    e.more_of = clean_text(e.more_of, "more_of")
    e.less_of = clean_text(e.less_of, "less_of")
    return e


def validate_observation(o: Observation) -> Observation:
    """Date, observer and supervisee of an observation of practice."""
    o.date = parse_date(o.date, "date", required=True)
    check_id(o.id, "id", required=False)
    if not o.observer_id:
        raise ValidationError("observer_id", "who observed?")
    for name in ("setting", "permissions", "went_well", "development_points"):
        setattr(o, name, clean_text(getattr(o, name), name))
    return o
