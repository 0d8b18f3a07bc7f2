"""Supervision sessions: open with carry-over, save drafts, sign, lock, addenda."""
from __future__ import annotations

import copy
import datetime as dt

from ..domain.canonical import content_hash
from ..domain.enums import ReviewOutcome, Role, SessionState, SessionType
from ..domain.records import ActionItem, Addendum, CaseDiscussion, SessionRecord, Signature
from ..domain.signing import MAX_COMMENT
from ..domain.validation import validate_session
from ..domain.values import clean_text, new_id, parse_date
from ..errors import NotFound, RecordLocked, StaleRecord, ValidationError
from ..store import access, session_queries
from ..store import session_writes as writes
from ..store import lifecycle as lifecycle_queries
from ..store.people import names_of
from ..store.records import action_from_row
from ..store.sessions import discussions_of_case, history_of, load_sessions, write_session
from ..store.signing import sign_detail, signature_problems
from .agenda import sign_problems as agenda_sign_problems
from .agenda import take_agenda
from .context import Context
from .streams import settle_stream

REVIEW_STATUS = {ReviewOutcome.DONE: "done", ReviewOutcome.DROPPED: "dropped",
                 ReviewOutcome.CARRIED: "open"}


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class SessionsService:
    """The supervision record from first draft to signed evidence."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    # -- opening -----------------------------------------------------------------
    def open_session(self, supervisee_ids, date=None, type: str | None = None) -> SessionRecord:
        """The open draft for these supervisees, or a new one (acting user supervises)."""
        self.ctx.require("run a supervision session", Role.SUPERVISOR, Role.MANAGER)
        ids = [supervisee_ids] if isinstance(supervisee_ids, str) else list(supervisee_ids)
        if not ids:
            raise ValidationError("supervisee_ids", "choose at least one supervisee")
        for p in ids:
            self.ctx.check_see([p], f"supervise {p}")
        # Only a draft is reopened (a record awaiting signatures is locked); the widgets ask
        # first whether to continue or discard it (LifecycleService: open_drafts, discard_draft).
        with self.ctx.engine.connect() as conn:
            found = lifecycle_queries.pair_drafts(conn, self.ctx.me.id, ids)
            draft = load_sessions(conn, found[:1])[0] if found else None
        if draft is not None:  # a stored record, opened: one logged view
            self.ctx.log_view("session", draft.id, "open draft")
            # The supervisee's agenda, added since, joins the draft (facade/agenda.py).
            return take_agenda(self.ctx, draft, self.save_session)
        date = parse_date(date, "date") or dt.date.today()
        kind = type or (SessionType.GROUP.value if len(ids) > 1 else SessionType.ONE_TO_ONE.value)
        return take_agenda(self.ctx, SessionRecord(id=new_id("sess"), date=date,
                                                   supervisor_id=self.ctx.me.id,
                                                   supervisee_ids=ids, type=kind),
                           self.save_session)

    def carried_actions(self, rec: SessionRecord, *, log: bool = True) -> list[ActionItem]:
        """Open actions from earlier sessions of these supervisees, for review [PG41 4].
        ``log=False``: a redraw of a record whose opening was logged (the check still runs)."""
        ids = [p for p in rec.supervisee_ids if p]
        for p in ids:
            self.ctx.check_see([p], f"see the actions of {p}")
        with self.ctx.engine.connect() as conn:
            out = [action_from_row(r)
                   for r in session_queries.carried_actions(conn, ids, rec.id)]
        if log:
            self.ctx.log_view(
                "carried_actions", rec.id or "", f"{len(out)} actions of {', '.join(ids)}"[:500]
            )
        return out

    def previous_discussion(self, case_id: str, before=None, exclude_session: str | None = None
                            ) -> CaseDiscussion | None:
        """The case's last discussion in a signed record (an unsigned draft is never the
        starting point: see ``follow_up_basis``)."""
        before = parse_date(before, "before") or dt.date.max
        with self.ctx.engine.connect() as conn:
            worker = access.case_workers(conn, [case_id]).get(case_id)
        if worker is None:
            raise NotFound(f"no case {case_id!r}")
        self.ctx.check_see([worker], f"see the discussions of case {case_id}")
        with self.ctx.engine.connect() as conn:
            last = lifecycle_queries.last_signed(conn, case_id, before, exclude_session)
            rec = load_sessions(conn, [last.id])[0] if last is not None else None
        # Looked for is looked at: logged whether or not a signed discussion was found.
        self.ctx.log_view("case_discussions", case_id,
                          f"previous signed discussion: {last.id if last else 'none'}")
        return next(d for d in rec.discussions if d.case_id == case_id) if rec else None

    # -- saving ------------------------------------------------------------------
    def save_session(self, rec: SessionRecord) -> SessionRecord:
        """Save a draft in one transaction; a stale copy or a signed record is refused."""
        self.ctx.require_write("write supervision records")
        rec = validate_session(copy.deepcopy(rec))
        if rec.supervisor_id != self.ctx.me.id and self.ctx.role != Role.ADMIN:
            raise self.ctx.deny(f"write a record supervised by {rec.supervisor_id}")
        rec.id = rec.id or new_id("sess")
        rec.state = SessionState.DRAFT.value  # only signing moves a record on
        parties = {rec.supervisor_id, *rec.supervisee_ids}
        for i, r in enumerate(rec.reflections):
            r.author_id = r.author_id or self.ctx.me.id
            if r.author_id not in parties:
                raise ValidationError(f"reflections[{i}].author_id", "only a party to the session "
                                      "can write its reflections")
        self._check_references(rec)
        with self.ctx.engine.connect() as conn:
            named = access.named_in_session(conn, rec)
        self.ctx.check_named(named)
        settle_stream(self.ctx, rec)
        with self.ctx.tx() as conn:
            row = session_queries.state_and_version(conn, rec.id)
            if row is not None:
                if (row.state == SessionState.SIGNED
                        or session_queries.has_signatures(conn, rec.id)):
                    raise RecordLocked("this record has been signed; add an addendum instead")
                if row.version != rec.version:
                    raise StaleRecord("someone else saved this record after you opened it; "
                                      "your text is kept: reload and merge it", unsaved=rec)
            rec.version = (row.version if row else 0) + 1
            if row is None:
                write_session(conn, rec, insert_new=True)
            else:
                if not writes.update_if_version(conn, rec):
                    raise StaleRecord("someone else saved this record just now", unsaved=rec)
                write_session(conn, rec, insert_new=False, row_written=True)
            self._apply_reviews(conn, rec)
            self.ctx.log(conn, "save", "session", rec.id, f"version {rec.version}")
        self.ctx.forget_access()
        return self.session(rec.id, log=False)

    def _check_references(self, rec: SessionRecord) -> None:
        """Unknown people, cases or actions are named by field, never a database error."""
        people = {p for p in [rec.supervisor_id, *rec.supervisee_ids,
                              *(a.owner_id for a in rec.actions)] if p}
        cases = {d.case_id for d in rec.discussions} | {a.case_id for a in rec.actions if a.case_id}
        with self.ctx.engine.connect() as conn:
            known_p = access.known_people(conn, people)
            known_c = session_queries.known_cases(conn, cases)
            known_a = session_queries.known_actions(conn, {r.action_id for r in rec.reviews})
        checks = [("supervisor_id", rec.supervisor_id, known_p, "person")]
        checks += [
            (f"supervisee_ids[{i}]", p, known_p, "person") for i, p in enumerate(rec.supervisee_ids)
        ]
        checks += [(f"discussions[{i}].case_id", d.case_id, known_c, "case")
                   for i, d in enumerate(rec.discussions)]
        for i, a in enumerate(rec.actions):
            checks += [(f"actions[{i}].owner_id", a.owner_id, known_p, "person"),
                       (f"actions[{i}].case_id", a.case_id, known_c, "case")]
        checks += [(f"reviews[{i}].action_id", r.action_id, known_a, "action")
                   for i, r in enumerate(rec.reviews)]
        for field, value, known, what in checks:
            if value and value not in known:
                raise ValidationError(field, f"unknown {what} {value!r}")

    def _apply_reviews(self, conn, rec: SessionRecord) -> None:
        """Carry the reviewed outcomes onto the actions, undoing earlier drafts' choices."""
        writes.reopen_reviewed_actions(conn, rec.id)
        for r in rec.reviews:
            status = REVIEW_STATUS[ReviewOutcome(r.outcome)]
            writes.set_reviewed(conn, r.action_id, status, rec.id,
                                rec.date if status == "done" else None)

    def record_cancellation(self, supervisee_id: str, date, reason: str = "sickness",
                            return_date=None, stream: str | None = None) -> str:
        """A session that did not happen, and why (sickness starts the 5-working-day rule);
        ``stream``: which of the supervisee's streams (needed when they have several)."""
        rec = SessionRecord(id=new_id("sess"), date=parse_date(date, "date", required=True),
                            supervisor_id=self.ctx.me.id, supervisee_ids=[supervisee_id],
                            cancelled_reason=clean_text(reason, "reason", required=True),
                            return_date=parse_date(return_date, "return_date"), stream=stream)
        self.ctx.require("record a cancelled session", Role.SUPERVISOR, Role.MANAGER)
        self.ctx.check_named([("supervisee_id", supervisee_id)])
        validate_session(rec)
        if stream:  # without one, the absence counts for every stream of the supervisee
            settle_stream(self.ctx, rec)
        rec.state = SessionState.CANCELLED.value
        rec.version = 1
        with self.ctx.tx() as conn:
            write_session(conn, rec, insert_new=True)
            self.ctx.log(conn, "create", "session", rec.id, f"cancelled: {reason}")
        return rec.id

    # -- reading -----------------------------------------------------------------
    def session(self, session_id: str, *, log: bool = True) -> SessionRecord:
        """One whole record (the view is logged)."""
        with self.ctx.tx() as conn:
            self.ctx.check_session_access(conn, session_id, f"see session {session_id}")
            rec = load_sessions(conn, [session_id])[0]
            if log:
                self.ctx.log(conn, "view", "session", session_id)
        return rec

    def session_parties(self, session_id: str) -> dict[str, str]:
        """Names of a record's supervisor, attendees and signers, for anyone who may see
        the record: a supervisee is told who supervised them even if they may not look
        that person up."""
        with self.ctx.engine.connect() as conn:
            self.ctx.check_session_access(conn, session_id, f"see session {session_id}")
            return names_of(conn, session_queries.people_of_session(conn, session_id))

    def history(self, supervisee_id: str) -> list[SessionRecord]:
        """Every session of a supervisee, oldest first, with discussions and actions."""
        self.ctx.check_see([supervisee_id], f"see the supervision history of {supervisee_id}")
        with self.ctx.tx() as conn:
            recs = history_of(conn, supervisee_id)
            self.ctx.log(conn, "view", "history", supervisee_id, f"{len(recs)} sessions")
        return recs

    def case_discussions(self, case_id: str) -> list[tuple[dt.date, str, CaseDiscussion]]:
        """Every discussion of one case, oldest first, as (date, session_id, discussion).

        Whoever may see the case (its worker) sees its whole discussion history, also from
        sessions of an earlier worker: drift is judged over the case's history [HSCB aim 3].
        Cancelled sessions are left out; the view is logged.
        """
        with self.ctx.tx() as conn:
            case = session_queries.case_by_id_or_reference(conn, case_id)
            if case is None:
                raise NotFound(f"no case {case_id!r}")
            self.ctx.check_see([case.worker_id], f"see the discussions of case {case.reference}")
            out = discussions_of_case(conn, case.id)
            self.ctx.log(conn, "view", "case_discussions", case.id, f"{len(out)} discussions")
        return out

    def sessions(self, supervisee_id: str | None = None, state: str | None = None) -> list[dict]:
        """Light summaries (id, date, type, state, supervisor, supervisees) newest first."""
        with self.ctx.engine.connect() as conn:
            rows = session_queries.session_summaries(conn, supervisee_id, state)
        me = self.ctx.me.id
        return [r for r in rows if me in (r["supervisor_id"], *r["supervisee_ids"]) or any(
            self.ctx.can_see(p) for p in r["supervisee_ids"] if p != me)]

    # -- signing -----------------------------------------------------------------
    def sign(self, session_id: str, signer_id: str | None = None, *, comment: str = "",
             disagrees: bool = False) -> SessionRecord:
        """Sign as the acting user (nobody signs for anyone else), with an optional comment
        or a disagreement with the record [Havering 10]; how is the sign-in's method."""
        self.ctx.require_write("sign supervision records")
        signer = self._own_signer(signer_id)
        comment = clean_text(comment, "comment", required=bool(disagrees), max_len=MAX_COMMENT)
        method = self.ctx.sign_in_method
        with self.ctx.tx() as conn:
            sup, att = self.ctx.check_session_access(conn, session_id, f"sign session {session_id}")
            if signer not in (sup, *att):
                raise ValidationError("signer", f"{signer} is not a party to this record")
            rec = load_sessions(conn, [session_id])[0]
            if rec.state == SessionState.SIGNED:
                raise RecordLocked("this record is already signed by everyone")
            if rec.state == SessionState.CANCELLED:
                raise ValidationError("state", "a cancelled session has no record to sign")
            done = session_queries.signers_of(conn, session_id)
            if signer in done:
                raise ValidationError("signer", "already signed")
            if not done:  # one decision, one oversight item (store/lifecycle.py)
                for field, why in lifecycle_queries.repeated_oversight(conn, rec):
                    raise ValidationError(field, why)
                for field, why in agenda_sign_problems(self.ctx, rec, conn):  # preset's cases rule
                    raise ValidationError(field, why)
            h = content_hash(rec) if not done else rec.content_hash
            when = _now()
            writes.insert_signature(conn, session_id=session_id, practitioner_id=signer,
                                    signed_at=when, method=method, content_hash=h,
                                    comment=comment, disagrees=bool(disagrees))
            done.add(signer)
            state = SessionState.SIGNED if done >= {sup, *att} else SessionState.AWAITING
            writes.mark_signed(conn, session_id, state.value, h,
                               _now() if state == SessionState.SIGNED else None,
                               rec.recorded_date or dt.date.today())
            self.ctx.log(conn, "sign", "session", session_id,
                         sign_detail(signer, method, when, h, disagrees=disagrees, comment=comment))
        return self.session(session_id, log=False)

    def _own_signer(self, signer_id: str | None) -> str:
        """The acting user's id: a person signs only as themselves, from their own sign-in;
        naming anyone else is refused and logged [issue 13]."""
        me = self.ctx.me
        signer = signer_id or me.id
        if signer not in (me.id, me.username):
            # A signature is evidence only if its signer proved who they are.
            raise self.ctx.deny(f"sign on behalf of {signer!r}: each person signs from their "
                                f"own sign-in")
        return me.id

    def signatures(self, session_id: str) -> list[Signature]:
        """Who signed, when and how."""
        with self.ctx.engine.connect() as conn:
            self.ctx.check_session_access(conn, session_id, f"see session {session_id}")
            return session_queries.signatures_of(conn, session_id)

    def add_addendum(self, session_id: str, text: str) -> Addendum:
        """A later note that references a signed record without editing it."""
        self.ctx.require_write("add an addendum")
        text = clean_text(text, "text", required=True)
        with self.ctx.tx() as conn:
            self.ctx.check_session_access(conn, session_id, f"add to session {session_id}")
            state = session_queries.session_state(conn, session_id)
            if state not in (SessionState.SIGNED, SessionState.AWAITING):
                raise ValidationError("session", "the record is still a draft: edit it instead")
            a = Addendum(session_id=session_id, author_id=self.ctx.me.id, text=text,
                         created_at=_now(), id=new_id("add"))
            session_queries.add_addendum(conn, a)
            self.ctx.log(conn, "create", "addendum", a.id, f"on session {session_id}")
        return a

    def addenda(self, session_id: str, *, log: bool = True) -> list[Addendum]:
        """Addenda of a record, oldest first (the view is logged; ``log=False``: a redraw of
        a record whose opening was logged, the access check still made)."""
        with self.ctx.tx() as conn:
            self.ctx.check_session_access(conn, session_id, f"see session {session_id}")
            out = session_queries.addenda_of(conn, session_id)
            if log:
                self.ctx.log(conn, "view", "addenda", session_id, f"{len(out)} addenda")
        return out

    def verify_records(self) -> list[str]:
        """Records altered behind the application's back, by id: content that no longer
        matches its signatures' hash, a signed record's state reset, a signed record deleted."""
        self.ctx.require("verify records", Role.AUDITOR)
        problems, named = [], set()
        with self.ctx.tx() as conn:
            signers = session_queries.signed_hashes(conn)
            ids = session_queries.once_signed(conn, signers.keys())
            for i in range(0, len(ids), 500):
                for rec in load_sessions(conn, ids[i:i + 500]):
                    found = _record_problems(rec, signers.get(rec.id, {}))
                    problems += found
                    named.update([rec.id] if found else [])
            problems += session_queries.deleted_signed(conn, set(ids))
            problems += signature_problems(conn, set(ids) - named)  # one problem per record
            problems += session_queries.altered_addenda(conn)
            self.ctx.log(
                conn, "verify", "store", "", f"{len(ids)} signed records, {len(problems)} problems"
            )
        return problems


def _record_problems(rec: SessionRecord, signed: dict[str, str]) -> list[str]:
    """What is wrong with one record that has been signed (empty when nothing)."""
    where = f"session {rec.id} ({rec.date})"
    actual = content_hash(rec)
    hashes = set(signed.values()) | ({rec.content_hash} if rec.content_hash else set())
    if hashes and hashes != {actual}:
        return [
            f"{where}: content does not match its signed hash — altered outside the application"
        ]
    # sign() stores the first signer's hash on the session; seal and migration 0012 fill it
    if signed and not rec.content_hash:
        return [f"{where}: signed but its stored content hash is empty — altered outside the "
                f"application"]
    parties = {rec.supervisor_id, *rec.supervisee_ids}
    if rec.state == SessionState.SIGNED and not parties <= signed.keys():
        missing = ", ".join(sorted(parties - signed.keys()))
        return [
            f"{where}: marked signed but {missing} never signed — altered outside the application"
        ]
    if rec.state == SessionState.AWAITING and not signed:
        return [f"{where}: awaiting signatures but its signatures are gone — altered outside "
                f"the application"]
    if rec.state not in (SessionState.SIGNED, SessionState.AWAITING):
        return [f"{where}: has signatures but is marked {rec.state} — its state was changed "
                f"outside the application"]
    return []
