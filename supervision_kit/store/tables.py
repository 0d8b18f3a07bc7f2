"""The store's tables by name, for SQLAlchemy Core queries: ``tables.sessions.c.date``
reads as words where the ORM classes in ``schema`` would need ``SessionRow.__table__``."""
from __future__ import annotations

from .schema import (ActionReviewRow, AgendaItemRow, ActionRow, AddendumRow, AttendeeRow, AuditRow, BookingRow,
                     CaseMeetingRow, CasePersonRow, ReminderLogRow, ReminderOptOutRow,
                     CaseRow, ContractRow, DisagreementRow, DiscussionRow, EvaluationRow,
                     ExerciseRow, ObservationRow, PractitionerRow, RatingRow, ReflectionRow,
                     RequestRow, SessionRow, SignatureRow, StatusChangeRow, TrainingRecordRow)

practitioners = PractitionerRow.__table__
cases = CaseRow.__table__
case_people = CasePersonRow.__table__
status_changes = StatusChangeRow.__table__
contracts = ContractRow.__table__
sessions = SessionRow.__table__
attendees = AttendeeRow.__table__
discussions = DiscussionRow.__table__
actions = ActionRow.__table__
action_reviews = ActionReviewRow.__table__
disagreements = DisagreementRow.__table__
reflections = ReflectionRow.__table__
signatures = SignatureRow.__table__
addenda = AddendumRow.__table__
evaluations = EvaluationRow.__table__
observations = ObservationRow.__table__
audit_log = AuditRow.__table__
requests = RequestRow.__table__
training_records = TrainingRecordRow.__table__
exercises = ExerciseRow.__table__
ratings = RatingRow.__table__
bookings = BookingRow.__table__
case_meetings = CaseMeetingRow.__table__
reminder_optouts = ReminderOptOutRow.__table__
reminder_log = ReminderLogRow.__table__
agenda_items = AgendaItemRow.__table__
