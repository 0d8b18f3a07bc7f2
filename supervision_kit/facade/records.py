"""Actions, reflections, evaluations, contracts and observations through the facade."""
from __future__ import annotations

import dataclasses as dc
import datetime as dt

from sqlalchemy import insert, select, update

from ..domain.enums import ActionStatus, Role
from ..domain.records import (CONTRACT_TERMS, ActionItem, Contract, Evaluation, Observation,
                              Reflection)
from ..domain.validation import (validate_action, validate_contract, validate_evaluation,
                                 validate_observation, validate_reflection)
from ..domain.values import add_years, clean_text, new_id, parse_choice, parse_date
from ..errors import NotFound, ValidationError
from ..store import access, tables
from ..store.people import names_of
from ..store.records import (OBSERVATION_NOTES, check_session_open, contract_from_row,
                             evaluation_from_row, observation_from_row, reflection_from_row)
from ..store.sessions import action_from_row
from .context import Context


class RecordsService:
    """The smaller records around a session."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    # -- actions -----------------------------------------------------------------
    def actions(self, owner_id: str | None = None, case_id: str | None = None,
                status: str | None = None) -> list[ActionItem]:
        """Actions this user may see, soonest due first."""
        q = select(tables.actions).order_by(tables.actions.c.due_date, tables.actions.c.id)
        if owner_id:
            q = q.where(tables.actions.c.owner_id == owner_id)
        if case_id:
            q = q.where(tables.actions.c.case_id == case_id)
        if status:
            q = q.where(tables.actions.c.status == status)
        with self.ctx.engine.connect() as conn:
            rows = [action_from_row(r) for r in conn.execute(q)]
            # An action without an owner is seen by whoever may see the session it was made in.
            sids = sorted({a.session_id for a in rows if a.owner_id is None and a.session_id})
            parties: dict[str, set] = {}
            for i in range(0, len(sids), 900):
                chunk = sids[i:i + 900]
                for r in conn.execute(
                    select(tables.sessions.c.id, tables.sessions.c.supervisor_id).where(
                        tables.sessions.c.id.in_(chunk)
                    )
                ):
                    parties.setdefault(r.id, set()).add(r.supervisor_id)
                for r in conn.execute(
                    select(tables.attendees.c.session_id, tables.attendees.c.practitioner_id).where(
                        tables.attendees.c.session_id.in_(chunk)
                    )
                ):
                    parties.setdefault(r.session_id, set()).add(r.practitioner_id)
        out = [a for a in rows if self._may_see_action(a, parties.get(a.session_id, set()))]
        self.ctx.log_view("actions", owner_id or case_id or "", f"{len(out)} actions")
        return out

    def _may_see_action(self, a: ActionItem, parties: set) -> bool:
        if a.owner_id is not None:
            return self.ctx.can_see(a.owner_id)
        if self.ctx.visible is None:
            return True
        if self.ctx.me.id in parties:
            return True
        return any(self.ctx.can_see(p) for p in parties)

    def add_action(self, a: ActionItem) -> ActionItem:
        """An action agreed outside a session (a reflection's plan, a manager's task)."""
        self.ctx.require_write("add actions")
        a = dc.replace(a, id=a.id or new_id("act"), status=a.status or "open")
        validate_action(a)  # text, date, status and ids, by field
        owner = a.owner_id or self.ctx.me.id
        self.ctx.check_see([owner], f"give an action to {owner}")
        a.owner_id = owner
        with self.ctx.engine.connect() as conn:
            worker = access.case_workers(conn, [a.case_id]).get(a.case_id)
        self.ctx.check_named([("owner_id", owner), ("case_id", worker)])
        with self.ctx.tx() as conn:
            if (
                a.case_id
                and conn.execute(
                    select(tables.cases.c.id).where(tables.cases.c.id == a.case_id)
                ).first()
                is None
            ):
                raise ValidationError("case_id", f"unknown case {a.case_id!r}")
            check_session_open(conn, a.session_id, "session_id")
            row = dict(id=a.id, description=a.description, owner_id=owner, due_date=a.due_date,
                       case_id=a.case_id, session_id=a.session_id, status=a.status)
            conn.execute(insert(tables.actions), [row])
            self.ctx.log(conn, "create", "action", a.id)
        return a

    def set_action_status(self, action_id: str, status: str, when=None) -> ActionItem:
        """Complete, drop or reopen an action (owner, their supervisor or manager)."""
        self.ctx.require_write("change actions")
        status = parse_choice(status, ActionStatus, "status").value
        with self.ctx.tx() as conn:
            r = conn.execute(select(tables.actions).where(tables.actions.c.id == action_id)).first()
            if r is None:
                raise NotFound(f"no action {action_id!r}")
            self.ctx.check_see([r.owner_id], f"change action {action_id}")
            done = (
                parse_date(when, "completed_date") or dt.date.today() if status == "done" else None
            )
            conn.execute(
                update(tables.actions)
                .where(tables.actions.c.id == action_id)
                .values(status=status, completed_date=done)
            )
            self.ctx.log(conn, "update", "action", action_id, status)
            r = conn.execute(select(tables.actions).where(tables.actions.c.id == action_id)).first()
        return action_from_row(r)

    # -- reflections ---------------------------------------------------------------
    def save_reflection(self, r: Reflection) -> Reflection:
        """Save (create or update) the acting user's own reflection."""
        self.ctx.require_write("write reflections")
        r = dc.replace(r, author_id=r.author_id or self.ctx.me.id)
        if r.author_id != self.ctx.me.id:
            raise self.ctx.deny("write someone else's reflection")
        validate_reflection(r)
        r.id = r.id or new_id("refl")
        r.created = r.created or dt.datetime.now().replace(microsecond=0)
        row = dict(framework=r.framework, author_id=r.author_id, session_id=r.session_id,
                   case_id=r.case_id, exercise_id=r.exercise_id, responses=dict(r.responses),
                   created=r.created)
        with self.ctx.tx() as conn:
            old = conn.execute(
                select(tables.reflections.c.author_id, tables.reflections.c.session_id).where(
                    tables.reflections.c.id == r.id
                )
            ).first()
            if old is not None and old.author_id != self.ctx.me.id:
                raise self.ctx.deny(f"change reflection {r.id}, written by {old.author_id}")
            # A reflection inside a signed record is part of its sealed content.
            for sid in {old.session_id if old else None, r.session_id}:
                check_session_open(conn, sid, "session_id")
            if r.session_id:
                sup, att = self.ctx.session_parties(conn, r.session_id)
                if self.ctx.me.id not in (sup, *att):
                    raise ValidationError("session_id", "only a party to the session can write "
                                                        "its reflections")
            if old is not None:
                conn.execute(
                    update(tables.reflections).where(tables.reflections.c.id == r.id).values(**row)
                )
            else:
                conn.execute(insert(tables.reflections), [dict(id=r.id, **row)])
            self.ctx.log(conn, "save", "reflection", r.id, r.framework)
        return r

    def reflections(
        self, author_id: str | None = None, session_id: str | None = None
    ) -> list[Reflection]:
        """Reflections by author or session, newest first."""
        q = select(tables.reflections).order_by(tables.reflections.c.created.desc())
        if author_id:
            q = q.where(tables.reflections.c.author_id == author_id)
        if session_id:
            q = q.where(tables.reflections.c.session_id == session_id)
        with self.ctx.engine.connect() as conn:
            rows = list(conn.execute(q))
        out = [reflection_from_row(r) for r in rows if self.ctx.can_see(r.author_id)]
        self.ctx.log_view("reflections", author_id or session_id or "", f"{len(out)} reflections")
        return out

    # -- evaluations -------------------------------------------------------------
    def save_evaluation(self, e: Evaluation) -> Evaluation:
        """The supervisee's answers to the evaluation tool [HSCB Appendix I]."""
        self.ctx.require_write("fill the evaluation tool")
        if e.supervisee_id != self.ctx.me.id and self.ctx.role != Role.ADMIN:
            raise self.ctx.deny("answer the evaluation tool for someone else")
        validate_evaluation(e)
        e.id = e.id or new_id("eval")
        with self.ctx.tx() as conn:
            conn.execute(insert(tables.evaluations), [dict(id=e.id, supervisee_id=e.supervisee_id,
                                          supervisor_id=e.supervisor_id, session_id=e.session_id,
                                          date=e.date, answers=e.answers, more_of=e.more_of,
                                          less_of=e.less_of)])
            self.ctx.log(conn, "create", "evaluation", e.id)
        return e

    def evaluations(self, supervisor_id: str | None = None) -> list[Evaluation]:
        """Evaluation-tool answers this user may see."""
        q = select(tables.evaluations).order_by(tables.evaluations.c.date)
        if supervisor_id:
            q = q.where(tables.evaluations.c.supervisor_id == supervisor_id)
        with self.ctx.engine.connect() as conn:
            rows = list(conn.execute(q))
        out = [evaluation_from_row(r) for r in rows if self.ctx.can_see(r.supervisee_id)]
        self.ctx.log_view("evaluations", supervisor_id or "", f"{len(out)} evaluations")
        return out

    # -- contracts -----------------------------------------------------------------
    def save_contract(self, c: Contract) -> Contract:
        """Create or renegotiate an unsigned contract."""
        self.ctx.require_write("write contracts")
        validate_contract(c)
        for i, k in enumerate(CONTRACT_TERMS):
            setattr(c, k, clean_text(getattr(c, k), k))
        handing_over = False
        if c.replaces_id:
            with self.ctx.engine.connect() as conn:
                handing_over = conn.execute(select(tables.contracts.c.supervisor_id).where(
                    tables.contracts.c.id == c.replaces_id)).scalar() == self.ctx.me.id
        # The outgoing supervisor arranges the handover [Temple "Roles and Responsibility"].
        if (self.ctx.me.id not in (c.supervisor_id, c.supervisee_id) and not handing_over
                and self.ctx.role not in (Role.ADMIN, Role.MANAGER)):
            raise self.ctx.deny("write a contract between other people")
        with self.ctx.engine.connect() as conn:
            known = access.known_people(conn, [c.supervisor_id, c.supervisee_id])
        for field in ("supervisor_id", "supervisee_id"):
            if getattr(c, field) not in known:
                raise ValidationError(field, f"unknown person {getattr(c, field)!r}")
        # The supervisee must be someone the writer already sees; the supervisor may be anyone
        # who may supervise (a handover, or a supervisee's own contract, names them).
        self.ctx.check_named([("supervisee_id", c.supervisee_id),
                              ("supervisor_id", c.supervisor_id)], supervisors=("supervisor_id",))
        c.id = c.id or new_id("contract")
        c.review_date = c.review_date or add_years(c.start_date)
        row = dict(supervisor_id=c.supervisor_id, supervisee_id=c.supervisee_id, preset=c.preset,
                   overrides=dict(c.overrides), start_date=c.start_date, end_date=c.end_date,
                   review_date=c.review_date, terms={k: getattr(c, k) for k in CONTRACT_TERMS},
                   handover_note=c.handover_note, replaces_id=c.replaces_id, stream=c.stream)
        with self.ctx.tx() as conn:
            old = conn.execute(
                select(tables.contracts).where(tables.contracts.c.id == c.id)
            ).first()
            if old is not None and old.supervisor_signed_at and old.supervisee_signed_at:
                raise ValidationError(
                    "contract", "this contract is signed; replace it with a new one"
                )
            if old is None:
                conn.execute(insert(tables.contracts), [dict(id=c.id, **row)])
            else:
                conn.execute(update(tables.contracts).where(tables.contracts.c.id == c.id).values(
                    **row, supervisor_signed_at=None, supervisee_signed_at=None))
            if c.replaces_id:
                conn.execute(
                    update(tables.contracts)
                    .where(
                        tables.contracts.c.id == c.replaces_id,
                        tables.contracts.c.end_date.is_(None),
                    )
                    .values(end_date=c.start_date)
                )
            self.ctx.log(conn, "save", "contract", c.id, c.preset)
        self.ctx.forget_access()
        return self.contract(c.id, log=False)

    def sign_contract(self, contract_id: str, signer_id: str | None = None) -> Contract:
        """Sign a contract as supervisor or supervisee."""
        self.ctx.require_write("sign contracts")
        signer = signer_id or self.ctx.me.id
        c = self.contract(contract_id, log=False)
        self.ctx.check_named([("signer", signer)])  # a signature given in person names its signer
        if signer not in (c.supervisor_id, c.supervisee_id):
            raise ValidationError("signer", f"{signer} is not a party to this contract")
        if signer != self.ctx.me.id:  # each party signs from their own sign-in [issue 13]
            raise self.ctx.deny("sign a contract for someone else")
        col = "supervisor_signed_at" if signer == c.supervisor_id else "supervisee_signed_at"
        with self.ctx.tx() as conn:
            conn.execute(
                update(tables.contracts)
                .where(tables.contracts.c.id == contract_id)
                .values(**{col: dt.datetime.now().replace(microsecond=0)})
            )
            self.ctx.log(conn, "sign", "contract", contract_id, signer)
        return self.contract(contract_id, log=False)

    def contract(self, contract_id: str, *, log: bool = True) -> Contract:
        """One contract (the view is logged)."""
        with self.ctx.engine.connect() as conn:
            r = conn.execute(
                select(tables.contracts).where(tables.contracts.c.id == contract_id)
            ).first()
        if r is None:
            raise NotFound(f"no contract {contract_id!r}")
        self.ctx.check_see([r.supervisee_id, r.supervisor_id], f"see contract {contract_id}")
        if log:
            self.ctx.log_view("contract", contract_id)
        return contract_from_row(r)

    def contracts(
        self, supervisee_id: str | None = None, *, active_only: bool = False
    ) -> list[Contract]:
        """Contracts this user may see, newest first."""
        q = select(tables.contracts).order_by(tables.contracts.c.start_date.desc())
        if supervisee_id:
            q = q.where(tables.contracts.c.supervisee_id == supervisee_id)
        if active_only:
            q = q.where(tables.contracts.c.end_date.is_(None))
        with self.ctx.engine.connect() as conn:
            rows = list(conn.execute(q))
        out = [
            contract_from_row(r)
            for r in rows
            if self.ctx.can_see(r.supervisee_id) or self.ctx.can_see(r.supervisor_id)
        ]
        self.ctx.log_view("contracts", supervisee_id or "", f"{len(out)} contracts")
        return out

    def contract_names(self, supervisee_id: str | None = None) -> dict[str, str]:
        """Names of both parties of the contracts this user may see (a supervisee may not
        look their supervisor up, but is told who it is)."""
        q = select(tables.contracts.c.supervisee_id, tables.contracts.c.supervisor_id)
        if supervisee_id:
            q = q.where(tables.contracts.c.supervisee_id == supervisee_id)
        with self.ctx.engine.connect() as conn:
            ids = {p for r in conn.execute(q)
                   if self.ctx.can_see(r.supervisee_id) or self.ctx.can_see(r.supervisor_id)
                   for p in (r.supervisee_id, r.supervisor_id)}
            return names_of(conn, ids)

    # -- observations of practice ---------------------------------------------------
    def save_observation(self, o: Observation) -> Observation:
        """Plan or record an observation of practice [Havering 8]."""
        self.ctx.require_write("record observations")
        validate_observation(o)
        self.ctx.check_see([o.supervisee_id], f"observe {o.supervisee_id}")
        self.ctx.check_named([("supervisee_id", o.supervisee_id), ("observer_id", o.observer_id)],
                             supervisors=("observer_id",))
        o.id = o.id or new_id("obs")
        row = dict(supervisee_id=o.supervisee_id, observer_id=o.observer_id, date=o.date,
                   planned=o.planned, qa_sample=o.qa_sample,
                   notes={k: getattr(o, k) for k in OBSERVATION_NOTES},
                   discussed_session_id=o.discussed_session_id)
        with self.ctx.tx() as conn:
            if conn.execute(
                select(tables.observations.c.id).where(tables.observations.c.id == o.id)
            ).first():
                conn.execute(
                    update(tables.observations)
                    .where(tables.observations.c.id == o.id)
                    .values(**row)
                )
            else:
                conn.execute(insert(tables.observations), [dict(id=o.id, **row)])
            self.ctx.log(conn, "save", "observation", o.id)
        return o

    def observations(self, supervisee_id: str | None = None) -> list[Observation]:
        """Observations this user may see, newest first."""
        q = select(tables.observations).order_by(tables.observations.c.date.desc())
        if supervisee_id:
            q = q.where(tables.observations.c.supervisee_id == supervisee_id)
        with self.ctx.engine.connect() as conn:
            rows = list(conn.execute(q))
        out = [observation_from_row(r) for r in rows if self.ctx.can_see(r.supervisee_id)]
        self.ctx.log_view("observations", supervisee_id or "", f"{len(out)} observations")
        return out
