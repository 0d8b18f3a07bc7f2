"""``Toolkit``: the one door. It owns the ``Context`` and the services, and keeps every
public method as a thin delegation to the service that holds it (see ``DOORS``)."""
from __future__ import annotations

import functools
import typing
from dataclasses import dataclass

from ..config import Settings
from ..domain.records import Practitioner
from .agenda import AgendaService
from .bookings import BookingsService
from .catalog import CatalogService
from .context import Context, settings_or_default
from .data import DataService
from .documents import DocumentsService
from .entitlement import EntitlementService
from .escalations import EscalationsService
from .extracts import ExtractsService
from .governance_qa import GovernanceQAService
from .holds import HoldsService
from .lifecycle import LifecycleService
from .maintenance import MaintenanceService
from .meetings import MeetingsService
from .oversight import OversightService
from .people import PeopleService
from .quality_audit import QualityAuditService
from .records import RecordsService
from .reminders import RemindersService
from .research import ResearchService
from .rules import RulesService
from .sessions import SessionsService
from .signing import SigningService
from .streams import StreamsService
from .training import TraineeSession, TrainingService, trainee_door, trainee_session
from .training_records import TrainingRecordsService


@dataclass(frozen=True)
class Services:
    """The services of one toolkit, all sharing its context."""

    people: PeopleService
    sessions: SessionsService
    lifecycle: LifecycleService
    records: RecordsService
    oversight: OversightService
    entitlement: EntitlementService
    training_records: TrainingRecordsService
    rules: RulesService
    documents: DocumentsService
    research: ResearchService
    training: TrainingService
    maintenance: MaintenanceService
    data: DataService
    catalog: CatalogService
    holds: HoldsService
    extracts: ExtractsService
    governance_qa: GovernanceQAService
    escalations: EscalationsService
    quality_audit: QualityAuditService
    streams: StreamsService
    bookings: BookingsService
    meetings: MeetingsService
    reminders: RemindersService
    signing: SigningService
    agenda: AgendaService

    @classmethod
    def build(cls, ctx: Context) -> Services:
        """Every service on ``ctx``; a service's dependencies are its constructor arguments."""
        people, sessions, rules = PeopleService(ctx), SessionsService(ctx), RulesService(ctx)
        catalog = CatalogService(ctx)
        documents = DocumentsService(ctx, people, sessions, rules)
        oversight = OversightService(ctx)
        bookings = BookingsService(ctx, sessions, people)
        return cls(people=people, sessions=sessions,
                   lifecycle=LifecycleService(ctx, sessions, rules), records=RecordsService(ctx),
                   oversight=oversight, entitlement=EntitlementService(ctx, rules),
                   streams=StreamsService(ctx), bookings=bookings,
                   meetings=MeetingsService(ctx, rules),
                   reminders=RemindersService(ctx, rules, oversight, people, bookings),
                   training_records=TrainingRecordsService(ctx), rules=rules,
                   documents=documents,
                   research=ResearchService(ctx), training=TrainingService(ctx),
                   maintenance=MaintenanceService(ctx), data=DataService(ctx, sessions, people),
                   catalog=catalog, holds=HoldsService(ctx), extracts=ExtractsService(ctx),
                   governance_qa=GovernanceQAService(ctx),
                   escalations=EscalationsService(ctx, rules, catalog),
                   quality_audit=QualityAuditService(ctx),
                   signing=SigningService(ctx, sessions, documents),
                   agenda=AgendaService(ctx))


# Which service answers each public method of the toolkit: follow a call from a widget
# or the CLI here, then to ``<service>.py``.
DOORS: dict[str, tuple[str, ...]] = {
    "people": ("practitioners", "practitioner", "supervisees", "supervisors", "teams",
               "add_practitioners", "set_leaving_date", "set_working_time", "cases", "case",
               "add_cases", "set_case_status"),
    "sessions": ("open_session", "carried_actions", "previous_discussion", "save_session",
                 "record_cancellation", "session", "session_parties", "history",
                 "case_discussions", "sessions", "sign", "signatures", "add_addendum", "addenda",
                 "verify_records"),
    "lifecycle": ("follow_up_basis", "open_drafts", "discard_draft", "discarded_draft",
                  "restore_draft", "stale_drafts"),
    "records": ("actions", "add_action", "set_action_status", "save_reflection", "reflections",
                "save_evaluation", "evaluations", "save_contract", "sign_contract", "contract",
                "contracts", "contract_names", "save_observation", "observations"),
    "oversight": ("oversight_tasks", "answer_oversight", "reply_oversight", "oversight_answers"),
    "entitlement": ("entitlement", "request_three_way", "request_urgent_discussion", "request",
                    "requests", "resolve_request", "disagreements", "escalate_disagreement",
                    "resolve_disagreement"),
    "training_records": ("training_levels", "add_training_record", "training_records",
                         "training_status", "training_take_up", "observation_names",
                         "sample_observations_for_qa"),
    "rules": ("same_reads", "warm_rules", "due", "suggest_next_session", "case_windows", "drift",
              "overdue_actions", "function_balance", "timeliness", "contract_reviews", "observations_due"),
    "documents": ("session_document", "pdf_name", "session_pdf", "import_exporter", "warm_pdf",
                  "export_pdfs", "signed_sessions", "verify_pdf"),
    "research": ("research_key", "key_created_message", "anonymise"),
    "training": ("vignette_library", "create_exercise", "exercise", "exercises", "join_exercise",
                 "rate", "exercise_ratings", "exercise_reflections", "export_results_csv"),
    "maintenance": ("backup", "restore", "retention"),
    "data": ("export_dataset", "export_json", "import_dataset", "import_json", "import_csv",
             "create_demo", "verify", "audit_head", "audit_log"),
    "catalog": ("policy", "preset", "policies", "frameworks"),
    "holds": ("place_hold", "lift_hold", "legal_holds"),
    "extracts": ("case_extract",),
    "governance_qa": ("diversity_form", "diversity_measure", "development_take_up",
                      "log_report_export"),
    "escalations": ("drift_escalations", "answer_drift_escalation",
                    "record_professional_difference", "update_professional_difference",
                    "professional_differences"),
    "quality_audit": ("audit_checklist", "draw_audit_sample", "audit_items", "judge_audit_item",
                      "audit_results"),
    "streams": ("streams",),
    "bookings": ("book_session", "bookings", "cancel_booking", "rearrange_booking",
                 "earliest_date", "cancellations", "booking_ics"),
    "meetings": ("add_case_meeting", "case_meetings", "update_case_meeting",
                 "remove_case_meeting", "meetings_due", "arrangements_due", "everything_due"),
    "reminders": ("reminder_counts", "reminder_choices", "set_reminder_opt_out",
                  "send_reminders"),
    "signing": ("my_records", "session_html"),
    "agenda": ("add_agenda_item", "remove_agenda_item", "agenda_items", "discussion_questions"),
}


class Toolkit:
    """Everything a user can do, each call made as ``self.me`` and logged.

    ``tk.services.<concern>`` is the service itself; ``tk.<method>`` delegates to it."""

    def __init__(self, db=None, user: str | Practitioner | None = None, *,
                 settings: Settings | None = None, engine=None):
        self.context = Context.open(db, user, settings=settings, engine=engine)
        self.services = Services.build(self.context)

    @classmethod
    def system(cls, db=None, *, settings: Settings | None = None, engine=None) -> Toolkit:
        """A toolkit acting as the built-in system account (bootstrap, demo, maintenance)."""
        return cls(db, "system", settings=settings, engine=engine)

    @classmethod
    def trainee(cls, db=None, code: str = "", alias: str = "", *, settings=None,
                engine=None) -> TraineeSession:
        """A trainee's door to one exercise, acting as ``trainee:<alias>``, no login."""
        return trainee_session(db, code, alias, settings=settings, engine=engine)

    @staticmethod
    def trainee_door(db=None, *, settings: Settings | None = None, engine=None):
        """``join(code, alias) -> TraineeSession`` for a trainee's page (one engine)."""
        return trainee_door(db, settings=settings_or_default(settings), engine=engine)

    def as_user(self, user: str) -> Toolkit:
        """The same database, acting as another user."""
        return type(self)(user=user, settings=self.settings, engine=self.engine)

    # The context's parts that callers read.
    me = property(lambda self: self.context.me, doc="The acting practitioner.")
    settings = property(lambda self: self.context.settings, doc="The settings in force.")
    engine = property(lambda self: self.context.engine, doc="The SQLAlchemy engine.")
    role = property(lambda self: self.context.role, doc="The acting person's role.")
    sign_in_method = property(
        lambda self: self.context.sign_in_method,
        lambda self, how: setattr(self.context, "sign_in_method", how),
        doc="How the acting person signed in; stored with each signature they give.")

    def inspection_report(self, as_of=None, months: int = 12, out="report.pdf"):
        """Write the inspection report PDF to ``out`` (CSV files beside it) through this
        toolkit's own measures, so its figures are the QA app's; returns (pdf, folder)."""
        import datetime as dt

        from ..domain.values import parse_date
        from ..export.inspection import write_report
        day = parse_date(as_of, "as_of") or dt.date.today()
        return write_report(self, day, int(months), out)

    def can_see(self, practitioner_id: str) -> bool:
        """May this user see records about ``practitioner_id``?"""
        return self.context.can_see(practitioner_id)


def _door(service: str, name: str):
    """``Toolkit.<name>``: the same call on ``self.services.<service>`` (same docstring)."""
    method = getattr(SERVICE_CLASSES[service], name)

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        return getattr(getattr(self.services, service), name)(*args, **kwargs)
    return call


SERVICE_CLASSES = typing.get_type_hints(Services)  # name -> service class
for _service, _names in DOORS.items():
    for _name in _names:
        setattr(Toolkit, _name, _door(_service, _name))
