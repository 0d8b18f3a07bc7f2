"""Validation of records before they are stored; errors name the field."""
from __future__ import annotations

from ..errors import ValidationError
from .streams import parse_stream
from .enums import (RAG, ActionStatus, AgencyType, Answer, CaseStatus, Function,
                    ReviewOutcome, Role, SessionType)
from .records import (ActionItem, Case, Contract, Evaluation, Observation, Practitioner,
                      Reflection, SessionRecord)
from .identifiers import check_id, check_name
from .agenda import check_reason
from .lifecycle import check_provenance, day_text
from .values import clean_id, clean_text, parse_choice, parse_date

SESSION_TEXT = ("agenda", "wellbeing", "workload", "sickness_absence", "training_since",
                "learning_development", "group_confidentiality", "cancelled_reason")
DISCUSSION_TEXT = ("summary", "worries", "working_well", "barriers", "impact", "needs",
                   "engagement", "plan", "proposed_amendment", "refusal_action",
                   "decision", "rationale", "actions_taken", "designate_role")


def validate_session(rec: SessionRecord) -> SessionRecord:
    """Normalise a session record in place, or raise ``ValidationError``."""
    rec.date = parse_date(rec.date, "date", required=True)
    rec.type = parse_choice(rec.type, SessionType, "type").value
    # Every id is checked here, before any lookup: one a database cannot hold (a lone
    # surrogate, say) must be refused by field, not by the driver [issue 22].
    rec.id = clean_id(rec.id, "id")
    if not rec.supervisor_id:
        raise ValidationError("supervisor_id", "a session needs a supervisor")
    rec.supervisor_id = clean_id(rec.supervisor_id, "supervisor_id")
    ids = [clean_id(s, f"supervisee_ids[{i}]") for i, s in enumerate(rec.supervisee_ids or [])]
    ids = [s for s in ids if s]
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
                              f"{day_text(rec.next_session_date)} is not after the session date "
                              f"{day_text(rec.date)}")
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
        d.case_id = clean_id(d.case_id, f"{field}.case_id")
        d.id = clean_id(d.id, f"{field}.id")
        if d.case_id in seen_cases:
            raise ValidationError(f"{field}.case_id", "this case is already discussed in this session")
        seen_cases.add(d.case_id)
        for name in DISCUSSION_TEXT:
            setattr(d, name, clean_text(getattr(d, name), f"{field}.{name}"))
        d.provenance = check_provenance(d, field)
        d.chosen_by = clean_id(d.chosen_by, f"{field}.chosen_by") or None
        if d.chosen_by and d.chosen_by not in (rec.supervisor_id, *ids):
            raise ValidationError(f"{field}.chosen_by", "a case is chosen by a party to the session")
        d.choice_reason = check_reason(d.choice_reason, f"{field}.choice_reason")
        if d.rag is not None and d.rag != "":
            d.rag = parse_choice(d.rag, RAG, f"{field}.rag").value
        else:
            d.rag = None
    for i, a in enumerate(rec.actions):
        field = f"actions[{i}]"
        validate_action(a, f"{field}.")
        if a.due_date and a.due_date < rec.date:
            raise ValidationError(f"{field}.due_date",
                                  f"due date {day_text(a.due_date)} is before the session date "
                                  f"{day_text(rec.date)}")
    for i, r in enumerate(rec.reviews):
        if not r.action_id:
            raise ValidationError(f"reviews[{i}].action_id", "which action was reviewed?")
        r.action_id = clean_id(r.action_id, f"reviews[{i}].action_id")
        r.outcome = parse_choice(r.outcome, ReviewOutcome, f"reviews[{i}].outcome").value
        r.note = clean_text(r.note, f"reviews[{i}].note")
    for i, d in enumerate(rec.disagreements):
        d.description = clean_text(d.description, f"disagreements[{i}].description", required=True)
        d.resolution = clean_text(d.resolution, f"disagreements[{i}].resolution")
        d.outcome = clean_text(d.outcome, f"disagreements[{i}].outcome")
        d.escalated_to_id = clean_id(d.escalated_to_id, f"disagreements[{i}].escalated_to_id")
        d.id = clean_id(d.id, f"disagreements[{i}].id")
    for i, r in enumerate(rec.reflections):
        validate_reflection(r, f"reflections[{i}]")
    rec.stream = parse_stream(rec.stream)
    if rec.duration_minutes is not None:
        try:
            rec.duration_minutes = int(rec.duration_minutes)
        except (TypeError, ValueError, OverflowError):  # OverflowError: infinity
            raise ValidationError("duration_minutes", "a whole number of minutes") from None
        if not 0 < rec.duration_minutes <= 600:
            raise ValidationError("duration_minutes", "between 1 and 600 minutes")
    return rec


def validate_action(a: ActionItem, prefix: str = "") -> ActionItem:
    """An action's text, date, status and ids; fields are named ``prefix + name``."""
    for name in ("owner_id", "case_id", "session_id", "reviewed_session_id", "id"):
        setattr(a, name, clean_id(getattr(a, name), prefix + name))  # "" from a form: none
    a.description = clean_text(a.description, f"{prefix}description", required=True)
    a.due_date = parse_date(a.due_date, f"{prefix}due_date")
    a.completed_date = parse_date(a.completed_date, f"{prefix}completed_date")
    a.status = parse_choice(a.status, ActionStatus, f"{prefix}status").value
    return a


def validate_reflection(r: Reflection, field: str = "reflection") -> Reflection:
    """A reflection names its framework and author; responses are text."""
    r.framework = clean_text(r.framework, f"{field}.framework", required=True, max_len=100)
    if not r.author_id:
        raise ValidationError(f"{field}.author_id", "who wrote this reflection?")
    for name in ("author_id", "session_id", "case_id", "exercise_id", "id"):
        setattr(r, name, clean_id(getattr(r, name), f"{field}.{name}"))
    r.responses = {clean_text(str(k), f"{field}.responses"):
                   clean_text(v, f"{field}.responses.{k}") for k, v in (r.responses or {}).items()}
    return r


def validate_practitioner(p: Practitioner) -> Practitioner:
    """Names, role and dates of a practitioner."""
    p.id = check_id(clean_text(p.id, "id", required=True, max_len=64), "id")
    p.name = check_name(clean_text(p.name, "name", required=True, max_len=200), "name")
    p.username = check_name(clean_text(p.username, "username", required=True, max_len=100), "username")
    p.role = parse_choice(p.role, Role, "role").value
    p.agency_type = parse_choice(p.agency_type, AgencyType, "agency_type").value
    p.team = check_name(clean_text(p.team, "team", max_len=200), "team")
    p.email = clean_text(p.email, "email", max_len=200)
    p.line_manager_id = clean_id(p.line_manager_id, "line_manager_id")
    for name in ("qualified_date", "asye_start", "leaving_date", "started_in_post"):
        setattr(p, name, parse_date(getattr(p, name), name))
    if p.leaving_date and p.asye_start and p.leaving_date < p.asye_start:
        raise ValidationError("leaving_date", f"left {day_text(p.leaving_date)} before starting the ASYE "
                                              f"{day_text(p.asye_start)}")
    if p.working_percent in ("", None):
        p.working_percent = None
    else:
        try:
            p.working_percent = int(str(p.working_percent).strip().rstrip("%"))
        except (TypeError, ValueError):
            raise ValidationError("working_percent", "expected the share of full time as a whole "
                                  f"percentage such as 50, got {p.working_percent!r}") from None
        if not 5 <= p.working_percent <= 100:
            raise ValidationError("working_percent", "a share of full time between 5 and 100 "
                                  f"(50 is half time), got {p.working_percent}")
    return p


def validate_case(c: Case) -> Case:
    """Reference, status and people of a case."""
    c.id = check_id(clean_text(c.id, "id", required=True, max_len=64), "id")
    c.reference = check_name(clean_text(c.reference, "reference", required=True, max_len=64), "reference")
    if not c.worker_id:
        raise ValidationError("worker_id", "a case needs an allocated worker")
    c.worker_id = clean_id(c.worker_id, "worker_id")
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
        for name, most in (("role", 32), ("address", 300), ("postcode", 16), ("phone", 32)):
            setattr(p, name, clean_text(getattr(p, name), f"people[{i}].{name}", max_len=most))
        p.id = clean_id(p.id, f"people[{i}].id")
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
    for name in ("supervisor_id", "supervisee_id", "replaces_id", "id"):
        setattr(c, name, clean_id(getattr(c, name), name))
    c.handover_note = clean_text(c.handover_note, "handover_note")
    c.preset = clean_text(c.preset, "preset", required=True)
    c.stream = parse_stream(c.stream)
    c.start_date = parse_date(c.start_date, "start_date", required=True)
    c.review_date = parse_date(c.review_date, "review_date")
    c.end_date = parse_date(c.end_date, "end_date")
    if c.review_date and c.review_date <= c.start_date:
        raise ValidationError("review_date", "the review must come after the start")
    if c.end_date and c.end_date < c.start_date:
        raise ValidationError("end_date", f"ends {day_text(c.end_date)} before it starts "
                              f"{day_text(c.start_date)}")
    return c


def validate_evaluation(e: Evaluation) -> Evaluation:
    """Ten answers, each yes / no / maybe or unanswered."""
    e.date = parse_date(e.date, "date", required=True)
    for name in ("supervisee_id", "supervisor_id", "session_id", "id"):
        setattr(e, name, clean_id(getattr(e, name), name))
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
    if not o.observer_id:
        raise ValidationError("observer_id", "who observed?")
    for name in ("supervisee_id", "observer_id", "discussed_session_id", "id"):
        setattr(o, name, clean_id(getattr(o, name), name))
    for name in ("setting", "permissions", "went_well", "development_points"):
        setattr(o, name, clean_text(getattr(o, name), name))
    return o
