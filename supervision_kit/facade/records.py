"""Actions, reflections, evaluations, contracts and observations through the facade."""
from __future__ import annotations

import dataclasses as dc
import datetime as dt

from ..domain.enums import ActionStatus, Role
from ..domain.records import (CONTRACT_TERMS, ActionItem, Contract, Evaluation, Observation,
                              Reflection)
from ..domain.validation import (validate_action, validate_contract, validate_evaluation,
                                 validate_observation, validate_reflection)
from ..domain.values import add_years, clean_text, new_id, parse_choice, parse_date
from ..errors import NotFound, ValidationError
from ..store import access
from ..store import records as store
from ..store.people import names_of
from ..store.records import check_session_open
from .context import Context


class RecordsService:
    """The smaller records around a session."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    # -- actions -----------------------------------------------------------------
    def actions(self, owner_id: str | None = None, case_id: str | None = None,
                status: str | None = None) -> list[ActionItem]:
        """Actions this user may see, soonest due first."""
        with self.ctx.engine.connect() as conn:
            rows = store.actions_matching(conn, owner_id, case_id, status)
            # An action without an owner is seen by whoever may see the session it was made in.
            parties = store.parties_of_sessions(
                conn, {a.session_id for a in rows if a.owner_id is None and a.session_id})
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
            if a.case_id and not store.case_exists(conn, a.case_id):
                raise ValidationError("case_id", f"unknown case {a.case_id!r}")
            check_session_open(conn, a.session_id, "session_id")
            store.insert_action(conn, a)
            self.ctx.log(conn, "create", "action", a.id)
        return a

    def set_action_status(self, action_id: str, status: str, when=None) -> ActionItem:
        """Complete, drop or reopen an action (owner, their supervisor or manager)."""
        self.ctx.require_write("change actions")
        status = parse_choice(status, ActionStatus, "status").value
        with self.ctx.tx() as conn:
            a = store.action(conn, action_id)
            if a is None:
                raise NotFound(f"no action {action_id!r}")
            self.ctx.check_see([a.owner_id], f"change action {action_id}")
            done = (
                parse_date(when, "completed_date") or dt.date.today() if status == "done" else None
            )
            store.set_action_status(conn, action_id, status, done)
            self.ctx.log(conn, "update", "action", action_id, status)
            return store.action(conn, action_id)

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
        with self.ctx.tx() as conn:
            old = store.reflection_author_and_session(conn, r.id)
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
            store.save_reflection(conn, r, exists=old is not None)
            self.ctx.log(conn, "save", "reflection", r.id, r.framework)
        return r

    def reflections(
        self, author_id: str | None = None, session_id: str | None = None
    ) -> list[Reflection]:
        """Reflections by author or session, newest first."""
        with self.ctx.engine.connect() as conn:
            rows = store.reflections_of(conn, author_id, session_id)
        out = [r for r in rows if self.ctx.can_see(r.author_id)]
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
            store.insert_evaluation(conn, e)
            self.ctx.log(conn, "create", "evaluation", e.id)
        return e

    def evaluations(self, supervisor_id: str | None = None) -> list[Evaluation]:
        """Evaluation-tool answers this user may see."""
        with self.ctx.engine.connect() as conn:
            rows = store.evaluations_of(conn, supervisor_id)
        out = [e for e in rows if self.ctx.can_see(e.supervisee_id)]
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
                handing_over = store.contract_supervisor(conn, c.replaces_id) == self.ctx.me.id
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
        with self.ctx.tx() as conn:
            old = store.contract(conn, c.id)
            if old is not None and old.supervisor_signed_at and old.supervisee_signed_at:
                raise ValidationError(
                    "contract", "this contract is signed; replace it with a new one"
                )
            store.save_contract(conn, c, exists=old is not None)
            if c.replaces_id:
                store.end_contract(conn, c.replaces_id, c.start_date)
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
        with self.ctx.tx() as conn:
            store.sign_contract(conn, contract_id, signer == c.supervisor_id,
                                dt.datetime.now().replace(microsecond=0))
            self.ctx.log(conn, "sign", "contract", contract_id, signer)
        return self.contract(contract_id, log=False)

    def contract(self, contract_id: str, *, log: bool = True) -> Contract:
        """One contract (the view is logged)."""
        with self.ctx.engine.connect() as conn:
            c = store.contract(conn, contract_id)
        if c is None:
            raise NotFound(f"no contract {contract_id!r}")
        self.ctx.check_see([c.supervisee_id, c.supervisor_id], f"see contract {contract_id}")
        if log:
            self.ctx.log_view("contract", contract_id)
        return c

    def contracts(
        self, supervisee_id: str | None = None, *, active_only: bool = False
    ) -> list[Contract]:
        """Contracts this user may see, newest first."""
        with self.ctx.engine.connect() as conn:
            rows = store.contracts_of(conn, supervisee_id, active_only=active_only)
        out = [c for c in rows
               if self.ctx.can_see(c.supervisee_id) or self.ctx.can_see(c.supervisor_id)]
        self.ctx.log_view("contracts", supervisee_id or "", f"{len(out)} contracts")
        return out

    def contract_names(self, supervisee_id: str | None = None) -> dict[str, str]:
        """Names of both parties of the contracts this user may see (a supervisee may not
        look their supervisor up, but is told who it is)."""
        with self.ctx.engine.connect() as conn:
            ids = {p for pair in store.contract_pairs(conn, supervisee_id)
                   if any(self.ctx.can_see(x) for x in pair) for p in pair}
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
        with self.ctx.tx() as conn:
            store.save_observation(conn, o)
            self.ctx.log(conn, "save", "observation", o.id)
        return o

    def observations(self, supervisee_id: str | None = None) -> list[Observation]:
        """Observations this user may see, newest first."""
        with self.ctx.engine.connect() as conn:
            rows = store.observations_of(conn, supervisee_id)
        out = [o for o in rows if self.ctx.can_see(o.supervisee_id)]
        self.ctx.log_view("observations", supervisee_id or "", f"{len(out)} observations")
        return out
