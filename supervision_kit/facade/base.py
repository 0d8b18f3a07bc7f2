"""The facade's core: the database, the acting user, access rules and the audit log."""
from __future__ import annotations

import contextlib
from functools import cached_property

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DataError as DBDataError

from ..config import Settings
from ..domain.enums import Role
from ..domain.records import Practitioner
from ..domain.signing import OWN_LOGIN
from ..errors import AccessDenied, NotFound, ValidationError
from ..store import access, audit
from ..store.engine import make_engine, write_transaction
from ..store.refusals import refused_value
from ..store.schema import (AttendeeRow, ContractRow, PractitionerRow, SessionRow)

P, S, AT, K = (PractitionerRow.__table__, SessionRow.__table__, AttendeeRow.__table__,
               ContractRow.__table__)
SYSTEM = Practitioner(id="system", name="System", username="system", role="admin")
READ_ALL = {Role.ADMIN, Role.AUDITOR}


def practitioner_from_row(r) -> Practitioner:
    """A ``Practitioner`` from a ``practitioners`` row."""
    return Practitioner(id=r.id, name=r.name, username=r.username, role=r.role, team=r.team,
                        agency_type=r.agency_type, email=r.email, qualified_date=r.qualified_date,
                        asye_start=r.asye_start, leaving_date=r.leaving_date,
                        line_manager_id=r.line_manager_id)


class ToolkitBase:
    """Every call is made as ``self.me``; refusals are logged and raised as ``AccessDenied``."""

    # How ``me`` was established, stored with each signature: the demo picker says so.
    sign_in_method: str = OWN_LOGIN

    def __init__(self, db=None, user: str | None = None, *, settings: Settings | None = None,
                 engine: Engine | None = None):
        self.settings = settings or Settings()
        self.engine = engine or make_engine(db or self.settings.db_url)
        name = user if user is not None else self.settings.user
        if isinstance(name, Practitioner):
            self.me = name
        elif name == "system":
            self.me = SYSTEM
        else:
            self.me = self._resolve_user(name)

    @classmethod
    def system(cls, db=None, *, settings: Settings | None = None, engine: Engine | None = None):
        """A toolkit acting as the built-in system account (bootstrap, demo, maintenance)."""
        return cls(db, "system", settings=settings, engine=engine)

    def as_user(self, user: str):
        """The same database, acting as another user."""
        return type(self)(user=user, settings=self.settings, engine=self.engine)

    def _resolve_user(self, name: str | None) -> Practitioner:
        if not name:
            raise AccessDenied("no acting user: pass user= or set SUPERVISION_KIT_USER")
        with self.engine.connect() as conn:
            r = conn.execute(select(P).where(or_(P.c.username == name, P.c.id == name))).first()
        if r is None:
            raise AccessDenied(f"unknown user {name!r}")
        return practitioner_from_row(r)

    # -- transactions and audit ------------------------------------------------
    @contextlib.contextmanager
    def _tx(self):
        """One transaction: everything in it is written, or nothing."""
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            with write_transaction(self.engine) as conn:
                yield conn
        except DBDataError as e:  # PostgreSQL enforces lengths SQLite ignores
            raise refused_value(e) from None
        except AccessDenied as e:
            pending = getattr(e, "pending_log", None)
            if pending and self._depth == 1:
                # Logged after the refused transaction rolled back: SQLite has one writer.
                e.pending_log = None
                self._depth -= 1
                try:
                    with write_transaction(self.engine) as conn:
                        self._log(conn, "denied", "access", "", pending)
                finally:
                    self._depth += 1
            raise
        finally:
            self._depth -= 1

    def _log(self, conn: Connection, action: str, entity: str, entity_id: str = "",
             detail: str = "") -> None:
        audit.append(conn, self.me.username, action, entity, entity_id, detail)

    def _log_view(self, entity: str, entity_id: str = "", detail: str = "") -> None:
        """Log a read on its own (SPEC "Data protection": every view is logged)."""
        with self._tx() as conn:
            self._log(conn, "view", entity, entity_id, detail)

    def _deny(self, what: str) -> AccessDenied:
        err = AccessDenied(f"{self.me.username} ({self.me.role}) may not {what}")
        if getattr(self, "_depth", 0):
            err.pending_log = what[:500]  # written by _tx once the transaction is gone
        else:
            with self._tx() as conn:
                self._log(conn, "denied", "access", "", what[:500])
        return err

    # -- access rules (SPEC "Data protection") ---------------------------------
    @property
    def role(self) -> Role:
        return Role(self.me.role)

    def _require(self, what: str, *roles: Role) -> None:
        if self.role not in roles and self.role != Role.ADMIN:
            raise self._deny(what)

    def _require_write(self, what: str) -> None:
        if self.role in (Role.AUDITOR, Role.RESEARCHER):
            raise self._deny(what)

    @cached_property
    def _visible(self) -> frozenset[str] | None:
        """Practitioner ids this user may see; None means everyone."""
        role = self.role
        if role in READ_ALL:
            return None
        if role == Role.RESEARCHER:
            return frozenset()
        with self.engine.connect() as conn:
            return frozenset(access.visible_ids(conn, self.me.id, manager=role == Role.MANAGER,
                                                team=self.me.team or ""))

    def _check_named(self, named, *, supervisors=()) -> None:
        """Refuse a write naming someone this user may not already see, by field.

        ``named`` is (field, practitioner id) pairs; ids in ``supervisors`` may also be any
        current member of staff who may supervise (a handover may go to anyone).
        Admins are not checked; the refusal is logged."""
        self._forget_access()  # checked against the store as it is now
        if self._visible is None:
            return
        named = [(f, p) for f, p in named if p and p != self.me.id and not self.can_see(p)]
        if not named:
            return
        if supervisors:
            with self.engine.connect() as conn:
                ok = access.may_supervise(conn, [p for f, p in named if f in supervisors])
            named = [(f, p) for f, p in named if not (f in supervisors and p in ok)]
        if named:
            field, pid = named[0]
            self._deny(f"name {pid} in {field}")  # logged; the user sees the field
            raise ValidationError(field, f"you may not name {pid!r} here: they are not your "
                                         f"line report, in your team or your signed supervisee")

    def _forget_access(self) -> None:
        self.__dict__.pop("_visible", None)

    def can_see(self, practitioner_id: str) -> bool:
        """May this user see records about ``practitioner_id``?"""
        vis = self._visible
        return vis is None or practitioner_id in vis

    def _check_see(self, practitioner_ids, what: str) -> None:
        ids = [p for p in practitioner_ids if p]
        if self.role == Role.RESEARCHER:
            raise self._deny(f"see identifiable records ({what})")
        if ids and not any(self.can_see(p) for p in ids):
            self._forget_access()  # someone may have signed since: ask the store again
        if not ids or not any(self.can_see(p) for p in ids):
            raise self._deny(what)

    def _session_parties(self, conn: Connection, session_id: str) -> tuple[str, list[str]]:
        r = conn.execute(select(S.c.supervisor_id).where(S.c.id == session_id)).first()
        if r is None:
            raise NotFound(f"no session {session_id!r}")
        att = list(conn.execute(select(AT.c.practitioner_id).where(AT.c.session_id == session_id)
                                .order_by(AT.c.position)).scalars())
        return r.supervisor_id, att

    def _check_session_access(self, conn: Connection, session_id: str, what: str):
        sup, att = self._session_parties(conn, session_id)
        if self.role == Role.RESEARCHER:
            raise self._deny(f"see identifiable records ({what})")
        if self.me.id not in (sup, *att):
            # A manager sees their team; a supervisor their supervisees' history,
            # including sessions held by an earlier supervisor [Havering 9].
            self._check_see([p for p in att if p != self.me.id], what)
        return sup, att
