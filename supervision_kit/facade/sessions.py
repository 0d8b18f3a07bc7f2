"""Supervision sessions: open with carry-over, save drafts, sign, lock, addenda."""
from __future__ import annotations

import copy
import datetime as dt
import hashlib

from sqlalchemy import and_, insert, select, update

from ..domain.canonical import content_hash
from ..domain.enums import ReviewOutcome, Role, SessionState, SessionType
from ..domain.records import (ActionItem, Addendum, CaseDiscussion, SessionRecord, Signature)
from ..domain.signing import MAX_COMMENT, signature_words
from ..domain.validation import validate_session
from ..domain.values import clean_text, parse_date
from ..errors import NotFound, RecordLocked, StaleRecord, ValidationError
from ..store.schema import (ActionRow, AddendumRow, AttendeeRow, CaseRow, DiscussionRow,
                            SessionRow, SignatureRow)
from ..store import access
from ..store.sessions import load_sessions, new_id, session_row, write_session

S, AT, A, D = SessionRow.__table__, AttendeeRow.__table__, ActionRow.__table__, DiscussionRow.__table__
SG, AD = SignatureRow.__table__, AddendumRow.__table__
OPEN_STATES = (SessionState.DRAFT.value, SessionState.AWAITING.value)
REVIEW_STATUS = {ReviewOutcome.DONE: "done", ReviewOutcome.DROPPED: "dropped",
                 ReviewOutcome.CARRIED: "open"}


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class SessionsMixin:
    """The supervision record from first draft to signed evidence."""

    # -- opening -----------------------------------------------------------------
    def open_session(self, supervisee_ids, date=None, type: str | None = None) -> SessionRecord:
        """The open draft for these supervisees, or a new one (acting user supervises)."""
        self._require("run a supervision session", Role.SUPERVISOR, Role.MANAGER)
        ids = [supervisee_ids] if isinstance(supervisee_ids, str) else list(supervisee_ids)
        if not ids:
            raise ValidationError("supervisee_ids", "choose at least one supervisee")
        for p in ids:
            self._check_see([p], f"supervise {p}")
        with self.engine.connect() as conn:
            drafts = conn.execute(select(S.c.id).where(
                S.c.supervisor_id == self.me.id, S.c.state.in_(OPEN_STATES)).order_by(S.c.date.desc())).scalars()
            for rec in load_sessions(conn, list(drafts)):
                if sorted(rec.supervisee_ids) == sorted(ids):
                    return rec
        date = parse_date(date, "date") or dt.date.today()
        kind = type or (SessionType.GROUP.value if len(ids) > 1 else SessionType.ONE_TO_ONE.value)
        return SessionRecord(id=new_id("sess"), date=date, supervisor_id=self.me.id,
                             supervisee_ids=ids, type=kind)

    def carried_actions(self, rec: SessionRecord) -> list[ActionItem]:
        """Open actions from earlier sessions of these supervisees, for review [PG41 4]."""
        ids = [p for p in rec.supervisee_ids if p]
        for p in ids:
            self._check_see([p], f"see the actions of {p}")
        with self.engine.connect() as conn:
            earlier = select(AT.c.session_id).join(S, S.c.id == AT.c.session_id).where(
                AT.c.practitioner_id.in_(ids), S.c.id != rec.id,
                S.c.state != SessionState.CANCELLED.value)
            q = select(A).where(A.c.session_id.in_(earlier), (A.c.status == "open") | and_(
                A.c.reviewed_session_id == rec.id, A.c.reviewed_session_id.is_not(None))
            ).order_by(A.c.due_date, A.c.id)
            out = [ActionItem(description=r.description, owner_id=r.owner_id, due_date=r.due_date,
                              case_id=r.case_id, status=r.status, session_id=r.session_id,
                              reviewed_session_id=r.reviewed_session_id,
                              completed_date=r.completed_date, id=r.id)
                   for r in conn.execute(q)]
        self._log_view("carried_actions", rec.id or "", f"{len(out)} actions of {', '.join(ids)}"[:500])
        return out

    def previous_discussion(self, case_id: str, before=None, exclude_session: str | None = None
                            ) -> CaseDiscussion | None:
        """The case's last discussion, so a follow-up starts from its answers."""
        before = parse_date(before, "before") or dt.date.max
        C = CaseRow.__table__
        with self.engine.connect() as conn:
            worker = conn.execute(select(C.c.worker_id).where(C.c.id == case_id)).scalar()
        if worker is None:
            raise NotFound(f"no case {case_id!r}")
        self._check_see([worker], f"see the discussions of case {case_id}")
        with self.engine.connect() as conn:
            q = (select(D.c.session_id).join(S, S.c.id == D.c.session_id)
                 .where(D.c.case_id == case_id, S.c.date <= before)
                 .order_by(S.c.date.desc(), S.c.id.desc()))
            if exclude_session:
                q = q.where(S.c.id != exclude_session)
            sid = conn.execute(q.limit(1)).scalar()
            if sid is None:
                return None
            rec = load_sessions(conn, [sid])[0]
        self._log_view("case_discussions", case_id, f"previous discussion, session {sid}")
        return next(d for d in rec.discussions if d.case_id == case_id)

    # -- saving ------------------------------------------------------------------
    def save_session(self, rec: SessionRecord) -> SessionRecord:
        """Save a draft in one transaction; a stale copy or a signed record is refused."""
        self._require_write("write supervision records")
        rec = validate_session(copy.deepcopy(rec))
        if rec.supervisor_id != self.me.id and self.role != Role.ADMIN:
            raise self._deny(f"write a record supervised by {rec.supervisor_id}")
        rec.id = rec.id or new_id("sess")
        rec.state = SessionState.DRAFT.value  # only signing moves a record on
        parties = {rec.supervisor_id, *rec.supervisee_ids}
        for i, r in enumerate(rec.reflections):
            r.author_id = r.author_id or self.me.id
            if r.author_id not in parties:
                raise ValidationError(f"reflections[{i}].author_id", "only a party to the session "
                                      "can write its reflections")
        self._check_references(rec)
        with self.engine.connect() as conn:
            named = access.named_in_session(conn, rec)
        self._check_named(named)
        with self._tx() as conn:
            row = conn.execute(select(S.c.state, S.c.version).where(S.c.id == rec.id)).first()
            if row is not None:
                if row.state == SessionState.SIGNED or conn.execute(
                        select(SG.c.session_id).where(SG.c.session_id == rec.id)).first():
                    raise RecordLocked("this record has been signed; add an addendum instead")
                if row.version != rec.version:
                    raise StaleRecord("someone else saved this record after you opened it; "
                                      "your text is kept: reload and merge it", unsaved=rec)
            rec.version = (row.version if row else 0) + 1
            if row is None:
                write_session(conn, rec, insert_new=True)
            else:
                values = session_row(rec)
                values.pop("id")
                res = conn.execute(update(S).where(S.c.id == rec.id, S.c.version == rec.version - 1)
                                   .values(**values))
                if res.rowcount != 1:
                    raise StaleRecord("someone else saved this record just now", unsaved=rec)
                write_session(conn, rec, insert_new=False, row_written=True)
            self._apply_reviews(conn, rec)
            self._log(conn, "save", "session", rec.id, f"version {rec.version}")
        self._forget_access()
        return self.session(rec.id, log=False)

    def _check_references(self, rec: SessionRecord) -> None:
        """Unknown people, cases or actions are named by field, never a database error."""
        C = CaseRow.__table__
        from ..store.schema import PractitionerRow
        P = PractitionerRow.__table__
        people = {p for p in [rec.supervisor_id, *rec.supervisee_ids,
                              *(a.owner_id for a in rec.actions)] if p}
        cases = {d.case_id for d in rec.discussions} | {a.case_id for a in rec.actions if a.case_id}
        with self.engine.connect() as conn:
            known_p = set(conn.execute(select(P.c.id).where(P.c.id.in_(people))).scalars())
            known_c = set(conn.execute(select(C.c.id).where(C.c.id.in_(cases))).scalars())
            acts = {r.action_id for r in rec.reviews}
            known_a = set(conn.execute(select(A.c.id).where(A.c.id.in_(acts))).scalars())
        checks = [("supervisor_id", rec.supervisor_id, known_p, "person")]
        checks += [(f"supervisee_ids[{i}]", p, known_p, "person") for i, p in enumerate(rec.supervisee_ids)]
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
        conn.execute(update(A).where(A.c.reviewed_session_id == rec.id)
                     .values(status="open", reviewed_session_id=None, completed_date=None))
        for r in rec.reviews:
            status = REVIEW_STATUS[ReviewOutcome(r.outcome)]
            conn.execute(update(A).where(A.c.id == r.action_id).values(
                status=status, reviewed_session_id=rec.id,
                completed_date=rec.date if status == "done" else None))

    def record_cancellation(self, supervisee_id: str, date, reason: str = "sickness",
                            return_date=None) -> str:
        """A session that did not happen, and why (sickness starts the 5-working-day rule)."""
        rec = SessionRecord(id=new_id("sess"), date=parse_date(date, "date", required=True),
                            supervisor_id=self.me.id, supervisee_ids=[supervisee_id],
                            cancelled_reason=clean_text(reason, "reason", required=True),
                            return_date=parse_date(return_date, "return_date"))
        self._require("record a cancelled session", Role.SUPERVISOR, Role.MANAGER)
        self._check_named([("supervisee_id", supervisee_id)])
        validate_session(rec)
        rec.state = SessionState.CANCELLED.value
        rec.version = 1
        with self._tx() as conn:
            write_session(conn, rec, insert_new=True)
            self._log(conn, "create", "session", rec.id, f"cancelled: {reason}")
        return rec.id

    # -- reading -----------------------------------------------------------------
    def session(self, session_id: str, *, log: bool = True) -> SessionRecord:
        """One whole record (the view is logged)."""
        with self._tx() as conn:
            self._check_session_access(conn, session_id, f"see session {session_id}")
            rec = load_sessions(conn, [session_id])[0]
            if log:
                self._log(conn, "view", "session", session_id)
        return rec

    def session_parties(self, session_id: str) -> dict[str, str]:
        """Names of a record's supervisor, attendees and signers, for anyone who may see
        the record: a supervisee is told who supervised them even if they may not look
        that person up."""
        from .oversight import names_of
        with self.engine.connect() as conn:
            self._check_session_access(conn, session_id, f"see session {session_id}")
            ids = {conn.execute(select(S.c.supervisor_id).where(S.c.id == session_id)).scalar()}
            ids |= set(conn.execute(select(AT.c.practitioner_id)
                                    .where(AT.c.session_id == session_id)).scalars())
            ids |= set(conn.execute(select(SG.c.practitioner_id)
                                    .where(SG.c.session_id == session_id)).scalars())
            return names_of(conn, ids - {None})

    def history(self, supervisee_id: str) -> list[SessionRecord]:
        """Every session of a supervisee, oldest first, with discussions and actions."""
        self._check_see([supervisee_id], f"see the supervision history of {supervisee_id}")
        with self._tx() as conn:
            ids = list(conn.execute(select(S.c.id).join(AT, AT.c.session_id == S.c.id)
                                    .where(AT.c.practitioner_id == supervisee_id)
                                    .order_by(S.c.date, S.c.id)).scalars())
            recs = load_sessions(conn, ids)
            self._log(conn, "view", "history", supervisee_id, f"{len(recs)} sessions")
        return recs

    def case_discussions(self, case_id: str) -> list[tuple[dt.date, str, CaseDiscussion]]:
        """Every discussion of one case, oldest first, as (date, session_id, discussion).

        Whoever may see the case (its worker) sees its whole discussion history, also from
        sessions of an earlier worker: drift is judged over the case's history [HSCB aim 3].
        Cancelled sessions are left out; the view is logged.
        """
        C = CaseRow.__table__
        with self._tx() as conn:
            case = conn.execute(select(C.c.id, C.c.reference, C.c.worker_id).where(
                (C.c.id == case_id) | (C.c.reference == case_id))).first()
            if case is None:
                raise NotFound(f"no case {case_id!r}")
            self._check_see([case.worker_id], f"see the discussions of case {case.reference}")
            found = list(conn.execute(
                select(S.c.id, S.c.date).join(D, D.c.session_id == S.c.id)
                .where(D.c.case_id == case.id, S.c.state != SessionState.CANCELLED.value)
                .order_by(S.c.date, S.c.id)))
            recs = {r.id: r for r in load_sessions(conn, [f.id for f in found])}
            out = [(f.date, f.id, next(d for d in recs[f.id].discussions if d.case_id == case.id))
                   for f in found]
            self._log(conn, "view", "case_discussions", case.id, f"{len(out)} discussions")
        return out

    def sessions(self, supervisee_id: str | None = None, state: str | None = None) -> list[dict]:
        """Light summaries (id, date, type, state, supervisor, supervisees) newest first."""
        q = select(S.c.id, S.c.date, S.c.type, S.c.state, S.c.supervisor_id).order_by(S.c.date.desc())
        if state:
            q = q.where(S.c.state == state)
        if supervisee_id:
            q = q.where(S.c.id.in_(select(AT.c.session_id).where(AT.c.practitioner_id == supervisee_id)))
        with self.engine.connect() as conn:
            rows = list(conn.execute(q))
            att: dict[str, list[str]] = {}
            ids = [r.id for r in rows]
            for i in range(0, len(ids), 900):
                for r in conn.execute(select(AT).where(AT.c.session_id.in_(ids[i:i + 900]))
                                      .order_by(AT.c.position)):
                    att.setdefault(r.session_id, []).append(r.practitioner_id)
            out = []
            for r in rows:
                parties = att.get(r.id, [])
                if self.me.id in (r.supervisor_id, *parties) or any(
                        self.can_see(p) for p in parties if p != self.me.id):
                    out.append(dict(r._mapping, supervisee_ids=parties))
        return out

    # -- signing -----------------------------------------------------------------
    def sign(self, session_id: str, signer_id: str | None = None, *, comment: str = "",
             disagrees: bool = False) -> SessionRecord:
        """Sign as the acting user (nobody signs for anyone else), with an optional comment
        or a disagreement with the record [Havering 10]; how is the toolkit's sign-in."""
        self._require_write("sign supervision records")
        signer = self._own_signer(signer_id)
        comment = clean_text(comment, "comment", required=bool(disagrees), max_len=MAX_COMMENT)
        method = self.sign_in_method
        with self._tx() as conn:
            sup, att = self._check_session_access(conn, session_id, f"sign session {session_id}")
            if signer not in (sup, *att):
                raise ValidationError("signer", f"{signer} is not a party to this record")
            rec = load_sessions(conn, [session_id])[0]
            if rec.state == SessionState.SIGNED:
                raise RecordLocked("this record is already signed by everyone")
            if rec.state == SessionState.CANCELLED:
                raise ValidationError("state", "a cancelled session has no record to sign")
            done = set(conn.execute(select(SG.c.practitioner_id).where(SG.c.session_id == session_id)).scalars())
            if signer in done:
                raise ValidationError("signer", "already signed")
            h = content_hash(rec) if not done else rec.content_hash
            conn.execute(insert(SG), [dict(session_id=session_id, practitioner_id=signer,
                                           signed_at=_now(), method=method, content_hash=h,
                                           comment=comment, disagrees=bool(disagrees))])
            done.add(signer)
            state = SessionState.SIGNED if done >= {sup, *att} else SessionState.AWAITING
            conn.execute(update(S).where(S.c.id == session_id).values(
                state=state.value, content_hash=h, version=S.c.version + 1,
                locked_at=_now() if state == SessionState.SIGNED else None,
                recorded_date=rec.recorded_date or dt.date.today()))
            said = (f"; comment sha256 {hashlib.sha256(comment.encode()).hexdigest()}"
                    if comment else "")
            self._log(conn, "sign", "session", session_id,
                      f"{signer} ({signature_words(method, disagrees, comment)}){said}; sha256 {h}")
        return self.session(session_id, log=False)

    def signatures(self, session_id: str) -> list[Signature]:
        """Who signed, when and how."""
        with self.engine.connect() as conn:
            self._check_session_access(conn, session_id, f"see session {session_id}")
            return [Signature(session_id=r.session_id, practitioner_id=r.practitioner_id,
                              signed_at=r.signed_at, method=r.method, content_hash=r.content_hash,
                              comment=r.comment or "", disagrees=bool(r.disagrees))
                    for r in conn.execute(select(SG).where(SG.c.session_id == session_id)
                                          .order_by(SG.c.signed_at))]

    def add_addendum(self, session_id: str, text: str) -> Addendum:
        """A later note that references a signed record without editing it."""
        self._require_write("add an addendum")
        text = clean_text(text, "text", required=True)
        with self._tx() as conn:
            self._check_session_access(conn, session_id, f"add to session {session_id}")
            state = conn.execute(select(S.c.state).where(S.c.id == session_id)).scalar()
            if state not in (SessionState.SIGNED, SessionState.AWAITING):
                raise ValidationError("session", "the record is still a draft: edit it instead")
            a = Addendum(session_id=session_id, author_id=self.me.id, text=text,
                         created_at=_now(), id=new_id("add"))
            conn.execute(insert(AD), [dict(id=a.id, session_id=session_id, author_id=a.author_id,
                                           text=text, created_at=a.created_at,
                                           content_hash=hashlib.sha256(text.encode()).hexdigest())])
            self._log(conn, "create", "addendum", a.id, f"on session {session_id}")
        return a

    def addenda(self, session_id: str) -> list[Addendum]:
        """Addenda of a record, oldest first (the view is logged)."""
        with self._tx() as conn:
            self._check_session_access(conn, session_id, f"see session {session_id}")
            out = [Addendum(session_id=r.session_id, author_id=r.author_id, text=r.text,
                            created_at=r.created_at, id=r.id)
                   for r in conn.execute(select(AD).where(AD.c.session_id == session_id)
                                         .order_by(AD.c.created_at, AD.c.id))]
            self._log(conn, "view", "addenda", session_id, f"{len(out)} addenda")
        return out

    def verify_records(self) -> list[str]:
        """Records altered behind the application's back, by id: content that no longer
        matches its signatures' hash, a signed record's state reset, a signed record deleted."""
        self._require("verify records", Role.AUDITOR)
        problems = []
        with self._tx() as conn:
            signers: dict[str, dict[str, str]] = {}
            for r in conn.execute(select(SG.c.session_id, SG.c.practitioner_id, SG.c.content_hash)):
                signers.setdefault(r.session_id, {})[r.practitioner_id] = r.content_hash
            # Every record that is, or once was, signed: by its state, its hash or a signature.
            ids = sorted(set(conn.execute(select(S.c.id).where(
                S.c.state.in_(OPEN_STATES[1:] + (SessionState.SIGNED.value,))
                | S.c.content_hash.is_not(None))).scalars()) | signers.keys())
            for i in range(0, len(ids), 500):
                for rec in load_sessions(conn, ids[i:i + 500]):
                    problems += _record_problems(rec, signers.get(rec.id, {}))
            problems += _deleted_signed(conn, set(ids))
            for r in conn.execute(select(AD)):
                if hashlib.sha256(r.text.encode()).hexdigest() != r.content_hash:
                    problems.append(f"addendum {r.id} on session {r.session_id}: text altered")
            self._log(conn, "verify", "store", "", f"{len(ids)} signed records, {len(problems)} problems")
        return problems


def _record_problems(rec: SessionRecord, signed: dict[str, str]) -> list[str]:
    """What is wrong with one record that has been signed (empty when nothing)."""
    where = f"session {rec.id} ({rec.date})"
    actual = content_hash(rec)
    hashes = set(signed.values()) | ({rec.content_hash} if rec.content_hash else set())
    if hashes and hashes != {actual}:
        return [f"{where}: content does not match its signed hash — altered outside the application"]
    parties = {rec.supervisor_id, *rec.supervisee_ids}
    if rec.state == SessionState.SIGNED and not parties <= signed.keys():
        missing = ", ".join(sorted(parties - signed.keys()))
        return [f"{where}: marked signed but {missing} never signed — altered outside the application"]
    if rec.state == SessionState.AWAITING and not signed:
        return [f"{where}: awaiting signatures but its signatures are gone — altered outside "
                f"the application"]
    if rec.state not in (SessionState.SIGNED, SessionState.AWAITING):
        return [f"{where}: has signatures but is marked {rec.state} — its state was changed "
                f"outside the application"]
    return []


def _deleted_signed(conn, present: set[str]) -> list[str]:
    """Records the audit log shows were signed that are gone, and not by the retention schedule."""
    from ..store.schema import AuditRow
    L = AuditRow.__table__
    signed = {r.entity_id: r.at for r in conn.execute(
        select(L.c.entity_id, L.c.at).where(L.c.action == "sign", L.c.entity == "session")
        .order_by(L.c.id))}
    gone = {sid: at for sid, at in signed.items() if sid not in present}
    if not gone:
        return []
    destroyed = " ".join(conn.execute(select(L.c.detail).where(L.c.action == "destroy")).scalars())
    return [f"session {sid} (signed {at:%Y-%m-%d}): deleted outside the application"
            for sid, at in sorted(gone.items()) if f"{sid} (" not in destroyed]
