"""SQLAlchemy 2 ORM tables; Alembic migrations are generated from these."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Integer, MetaData, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
          "pk": "pk_%(table_name)s"}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _id() -> Mapped[str]:
    return mapped_column(String(64), primary_key=True)


def _fk(target: str, nullable: bool = True, **kw) -> Mapped:
    return mapped_column(String(64), ForeignKey(target, **kw), nullable=nullable, index=True)


class PractitionerRow(Base):
    __tablename__ = "practitioners"
    id: Mapped[str] = _id()
    name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    team: Mapped[str] = mapped_column(String(200), default="", index=True)
    agency_type: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(200), default="")
    qualified_date: Mapped[dt.date | None] = mapped_column(Date)
    asye_start: Mapped[dt.date | None] = mapped_column(Date)
    leaving_date: Mapped[dt.date | None] = mapped_column(Date)
    line_manager_id: Mapped[str | None] = _fk("practitioners.id")
    # Newly appointed phases count from here [Temple; HSCB]; working_percent is the share of
    # full time (null: full time) that stretches a pro-rata interval [Havering 5].
    started_in_post: Mapped[dt.date | None] = mapped_column(Date)
    working_percent: Mapped[int | None] = mapped_column(Integer)


class CaseRow(Base):
    __tablename__ = "cases"
    id: Mapped[str] = _id()
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    worker_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    status: Mapped[str] = mapped_column(String(64))
    opened: Mapped[dt.date] = mapped_column(Date)
    closed: Mapped[dt.date | None] = mapped_column(Date)


class CasePersonRow(Base):
    __tablename__ = "case_people"
    id: Mapped[str] = _id()
    case_id: Mapped[str] = _fk("cases.id", nullable=False, ondelete="CASCADE")
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(32))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), default="")
    dob: Mapped[dt.date | None] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(16), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")


class StatusChangeRow(Base):
    __tablename__ = "case_status_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = _fk("cases.id", nullable=False, ondelete="CASCADE")
    status: Mapped[str] = mapped_column(String(64))
    from_date: Mapped[dt.date] = mapped_column(Date)


class ContractRow(Base):
    __tablename__ = "contracts"
    id: Mapped[str] = _id()
    supervisor_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    supervisee_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    preset: Mapped[str] = mapped_column(String(100))
    overrides: Mapped[dict] = mapped_column(JSON, default=dict)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    review_date: Mapped[dt.date | None] = mapped_column(Date)
    terms: Mapped[dict] = mapped_column(JSON, default=dict)
    supervisor_signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    supervisee_signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    handover_note: Mapped[str] = mapped_column(Text, default="")
    replaces_id: Mapped[str | None] = _fk("contracts.id")
    # management, safeguarding, clinical, professional or a preset's own; null: the preset's.
    stream: Mapped[str | None] = mapped_column(String(32))


class SessionRow(Base):
    __tablename__ = "sessions"
    id: Mapped[str] = _id()
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    type: Mapped[str] = mapped_column(String(32))
    supervisor_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    state: Mapped[str] = mapped_column(String(32), index=True)
    content: Mapped[dict] = mapped_column(JSON, default=dict)  # free-text sections
    functions: Mapped[list] = mapped_column(JSON, default=list)
    next_session_date: Mapped[dt.date | None] = mapped_column(Date)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    cancelled_reason: Mapped[str] = mapped_column(String(64), default="")
    # The supervisee's stream this session belongs to; null: recorded before streams.
    stream: Mapped[str | None] = mapped_column(String(32))
    return_date: Mapped[dt.date | None] = mapped_column(Date)
    recorded_date: Mapped[dt.date | None] = mapped_column(Date)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    locked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Optimistic locking is done in Core (``SessionsService.save_session`` updates
    # ``WHERE version = <read version>``), so no ORM version_id_col.
    version: Mapped[int] = mapped_column(Integer, default=1)


class CaseMeetingRow(Base):
    """A CIN review, core group, CP conference or looked-after review [HSCB aim 4]."""
    __tablename__ = "case_meetings"
    id: Mapped[str] = _id()
    case_id: Mapped[str] = _fk("cases.id", nullable=False)
    kind: Mapped[str] = mapped_column(String(40))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")


class ReminderOptOutRow(Base):
    """A kind of reminder a person asked not to receive."""
    __tablename__ = "reminder_optouts"
    practitioner_id: Mapped[str] = mapped_column(String(64), ForeignKey("practitioners.id"),
                                                 primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)


class ReminderLogRow(Base):
    """Every reminder sent (or refused by the mail server): to whom, when, what counts."""
    __tablename__ = "reminder_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    practitioner_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")


class BookingRow(Base):
    """A session booked ahead, and whether it was held, cancelled or rearranged [Havering 5]."""
    __tablename__ = "bookings"
    id: Mapped[str] = _id()
    supervisee_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    supervisor_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    stream: Mapped[str | None] = mapped_column(String(32))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[str] = mapped_column(String(5), default="")
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="booked")
    cancelled_reason: Mapped[str] = mapped_column(String(32), default="")
    cancelled_by: Mapped[str] = mapped_column(String(16), default="")
    return_date: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    replaces_id: Mapped[str | None] = _fk("bookings.id")
    cancelled_session_id: Mapped[str | None] = _fk("sessions.id", ondelete="SET NULL")
    invited_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # invitation e-mailed


class AttendeeRow(Base):
    __tablename__ = "session_attendees"
    session_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    practitioner_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("practitioners.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class DiscussionRow(Base):
    __tablename__ = "case_discussions"
    id: Mapped[str] = _id()
    session_id: Mapped[str] = _fk("sessions.id", nullable=False, ondelete="CASCADE")
    case_id: Mapped[str] = _fk("cases.id", nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    rag: Mapped[str | None] = mapped_column(String(1))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    quarterly_review: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_oversight: Mapped[bool] = mapped_column(Boolean, default=False)
    oversight_status: Mapped[str | None] = mapped_column(String(40))
    oversight_manager_id: Mapped[str | None] = _fk("practitioners.id")
    oversight_reason: Mapped[str] = mapped_column(Text, default="")
    oversight_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Answers carried or confirmed from an earlier discussion: {field: {how, from}}.
    provenance: Mapped[dict] = mapped_column(JSON, default=dict)
    # Who brought the case (None: the supervisor) and why [Temple Appendix 2].
    chosen_by: Mapped[str | None] = _fk("practitioners.id")
    choice_reason: Mapped[str] = mapped_column(String(32), default="")
    __table_args__ = (UniqueConstraint("session_id", "case_id"),)


class ActionRow(Base):
    __tablename__ = "actions"
    id: Mapped[str] = _id()
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str | None] = _fk("practitioners.id")
    due_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    case_id: Mapped[str | None] = _fk("cases.id")
    session_id: Mapped[str | None] = _fk("sessions.id", ondelete="CASCADE")
    status: Mapped[str] = mapped_column(String(16), index=True)
    reviewed_session_id: Mapped[str | None] = _fk("sessions.id")
    completed_date: Mapped[dt.date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ActionReviewRow(Base):
    __tablename__ = "action_reviews"
    action_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True, index=True)
    outcome: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class DisagreementRow(Base):
    __tablename__ = "disagreements"
    id: Mapped[str] = _id()
    session_id: Mapped[str] = _fk("sessions.id", nullable=False, ondelete="CASCADE")
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text)
    resolution: Mapped[str] = mapped_column(Text, default="")
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated_to_id: Mapped[str | None] = _fk("practitioners.id")
    outcome: Mapped[str] = mapped_column(Text, default="")
    resolved_date: Mapped[dt.date | None] = mapped_column(Date)


class ReflectionRow(Base):
    __tablename__ = "reflections"
    id: Mapped[str] = _id()
    framework: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    session_id: Mapped[str | None] = _fk("sessions.id", ondelete="CASCADE")
    case_id: Mapped[str | None] = _fk("cases.id")
    exercise_id: Mapped[str | None] = mapped_column(String(64), index=True)
    responses: Mapped[dict] = mapped_column(JSON, default=dict)
    created: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SignatureRow(Base):
    __tablename__ = "signatures"
    session_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    practitioner_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("practitioners.id"), primary_key=True)
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    method: Mapped[str] = mapped_column(String(64), default="own login")
    content_hash: Mapped[str] = mapped_column(String(64))
    # The signer's comment or disagreement [Havering 10]: beside the sealed content, so
    # a later signer's words never change the hash the first signer signed.
    comment: Mapped[str] = mapped_column(Text, default="")
    disagrees: Mapped[bool] = mapped_column(Boolean, default=False)


class AddendumRow(Base):
    __tablename__ = "addenda"
    id: Mapped[str] = _id()
    session_id: Mapped[str] = _fk("sessions.id", nullable=False, ondelete="CASCADE")
    author_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    content_hash: Mapped[str] = mapped_column(String(64), default="")


class EvaluationRow(Base):
    __tablename__ = "evaluations"
    id: Mapped[str] = _id()
    supervisee_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    supervisor_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    session_id: Mapped[str | None] = _fk("sessions.id", ondelete="SET NULL")
    date: Mapped[dt.date] = mapped_column(Date)
    answers: Mapped[list] = mapped_column(JSON, default=list)
    more_of: Mapped[str] = mapped_column(Text, default="")
    less_of: Mapped[str] = mapped_column(Text, default="")


class ObservationRow(Base):
    __tablename__ = "observations"
    id: Mapped[str] = _id()
    supervisee_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    observer_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    date: Mapped[dt.date] = mapped_column(Date)
    planned: Mapped[bool] = mapped_column(Boolean, default=False)
    qa_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[dict] = mapped_column(JSON, default=dict)
    discussed_session_id: Mapped[str | None] = _fk("sessions.id", ondelete="SET NULL")


class DiscardedDraftRow(Base):
    """A draft its supervisor discarded, kept whole so it can be restored; the audit log
    names it by id only, and the retention schedule destroys it with its supervisees'
    records (the audit log itself is never destroyed, so it holds no content)."""
    __tablename__ = "discarded_drafts"
    id: Mapped[str] = _id()                      # the draft's session id
    supervisor_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    supervisee_ids: Mapped[list] = mapped_column(JSON, default=list)
    date: Mapped[dt.date] = mapped_column(Date)
    discarded_by: Mapped[str] = _fk("practitioners.id", nullable=False)
    discarded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    content: Mapped[dict] = mapped_column(JSON, default=dict)


class AuditRow(Base):
    """Append-only, hash-chained log of every view, write, signature and export."""
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    user: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class RequestRow(Base):
    """Entitlement requests: three-way meetings, urgent discussions [Temple; HSCB aim 7]."""
    __tablename__ = "requests"
    id: Mapped[str] = _id()
    kind: Mapped[str] = mapped_column(String(40))
    requester_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    supervisor_id: Mapped[str | None] = _fk("practitioners.id")
    manager_id: Mapped[str | None] = _fk("practitioners.id")
    case_id: Mapped[str | None] = _fk("cases.id")
    created: Mapped[dt.datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class TrainingRecordRow(Base):
    """Safeguarding training attended [Surrey 6; Temple Appendix 2]."""
    __tablename__ = "training_records"
    id: Mapped[str] = _id()
    practitioner_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    course: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer, default=1)
    attended: Mapped[dt.date] = mapped_column(Date)
    renewal_due: Mapped[dt.date | None] = mapped_column(Date)


class ExerciseRow(Base):
    """A training exercise: a set of vignettes and a join code."""
    __tablename__ = "exercises"
    id: Mapped[str] = _id()
    code: Mapped[str] = mapped_column(String(16), unique=True)
    trainer_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    title: Mapped[str] = mapped_column(String(200), default="")
    vignettes: Mapped[list] = mapped_column(JSON, default=list)
    created: Mapped[dt.datetime] = mapped_column(DateTime)


class RatingRow(Base):
    """One trainee's RAG rating of one vignette update."""
    __tablename__ = "exercise_ratings"
    exercise_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("exercises.id", ondelete="CASCADE"), primary_key=True)
    alias: Mapped[str] = mapped_column(String(100), primary_key=True)
    vignette: Mapped[str] = mapped_column(String(100), primary_key=True)
    update_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    rating: Mapped[str | None] = mapped_column(String(1))
    rationale: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime)


class LegalHoldRow(Base):
    """A legal hold on a practitioner's or a case's records [Temple Appendix 1; Havering 9]."""
    __tablename__ = "legal_holds"
    id: Mapped[str] = _id()
    scope: Mapped[str] = mapped_column(String(16))  # "practitioner" or "case"
    target_id: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str] = mapped_column(String(200), default="")
    placed_by_id: Mapped[str] = mapped_column(String(64))
    placed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    lifted_by_id: Mapped[str | None] = mapped_column(String(64))
    lifted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    lift_note: Mapped[str] = mapped_column(Text, default="")


class DriftEscalationRow(Base):
    """A drift flag unresolved past the preset delay, on the line manager's list [HSCB aim 3]."""
    __tablename__ = "drift_escalations"
    id: Mapped[str] = _id()
    case_id: Mapped[str] = _fk("cases.id", nullable=False)
    flagged_since: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    manager_id: Mapped[str | None] = _fk("practitioners.id")
    status: Mapped[str] = mapped_column(String(40), default="pending")
    outcome: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("case_id", "flagged_since"),)


class ProfessionalDifferenceRow(Base):
    """A professional difference with another agency and how far it went [HSCB]."""
    __tablename__ = "professional_differences"
    id: Mapped[str] = _id()
    case_id: Mapped[str] = _fk("cases.id", nullable=False)
    agency: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    raised_by_id: Mapped[str] = mapped_column(String(64))
    raised_on: Mapped[dt.date] = mapped_column(Date)
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)


class QualityAuditRow(Base):
    """A drawn sample of signed discussions for a supervision quality audit [HSCB aim 2]."""
    __tablename__ = "quality_audits"
    id: Mapped[str] = _id()
    created_by_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)
    seed: Mapped[int] = mapped_column(Integer)
    per_stratum: Mapped[int] = mapped_column(Integer)


class AuditItemRow(Base):
    """One sampled discussion and the QA lead's judgement of it."""
    __tablename__ = "audit_items"
    audit_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("quality_audits.id", ondelete="CASCADE"), primary_key=True)
    discussion_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    case_id: Mapped[str] = mapped_column(String(64))
    stratum: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
    judgements: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    judged_by_id: Mapped[str | None] = mapped_column(String(64))
    judged_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AgendaItemRow(Base):
    """What a supervisee brings to their next session: an item, or a case and why
    [Temple Appendix 2; Havering 13.2]. ``session_id`` is set when a session takes it."""
    __tablename__ = "agenda_items"
    id: Mapped[str] = _id()
    supervisee_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    author_id: Mapped[str] = _fk("practitioners.id", nullable=False)
    text: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[str | None] = _fk("cases.id")
    reason: Mapped[str] = mapped_column(String(32), default="")
    # No foreign key: a draft's save replaces its reflections' rows, this link stays.
    reflection_id: Mapped[str | None] = mapped_column(String(64), index=True)
    session_id: Mapped[str | None] = _fk("sessions.id", ondelete="SET NULL")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
