"""The context every facade service works in: the store, the acting person, settings,
access checks, the audit log and the transaction helper."""
from __future__ import annotations

import contextlib
import threading
from functools import cached_property

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DataError as DBDataError

from ..config import Settings
from ..domain.enums import Role
from ..domain.records import Practitioner
from ..domain.signing import OWN_LOGIN
from ..errors import AccessDenied, NotFound, ValidationError
from ..store import access, audit
from ..store.access import practitioner_by_name, session_attendees, session_supervisor
from ..store.engine import make_engine, write_transaction
from ..store.people import practitioner_from_row
from ..store.refusals import refused_value

SYSTEM = Practitioner(id="system", name="System", username="system", role="admin")
READ_ALL = {Role.ADMIN, Role.AUDITOR}



def settings_or_default(settings: Settings | None) -> Settings:
    """The settings given, else the environment's: the facade's one fallback, for callers
    (tests, scripts) that pass none; the apps and the CLI build theirs once and pass them."""
    return settings if settings is not None else Settings()

class Context:
    """What a service needs to act for one person: ``engine``, ``me``, ``settings``,
    the access checks (``require``, ``check_see`` ...), ``log`` and ``tx``.

    One context is shared by all the services of a toolkit, so a refusal raised inside a
    nested transaction is logged once the outermost one has rolled back."""

    # How ``me`` was established, stored with each signature: the demo picker says so.
    sign_in_method: str = OWN_LOGIN

    def __init__(self, engine: Engine, me: Practitioner, settings: Settings):
        self.engine = engine
        self.me = me
        self.settings = settings
        # Per thread: a figure drawn in the background (``DocumentsService.warm_pdf``)
        # must not count as nesting in, or silence the views of, the kernel's own thread.
        self._local = threading.local()

    @property
    def _depth(self) -> int:
        return getattr(self._local, "depth", 0)

    @_depth.setter
    def _depth(self, value: int) -> None:
        self._local.depth = value

    @contextlib.contextmanager
    def views_unlogged(self):
        """Reads inside the block (on this thread) are not logged as views: for work done
        ahead of a request while nothing is shown (a record's figures drawn while its
        reader reads); the request, when it comes, reads and logs again. Writes and
        refusals are logged as ever."""
        before = getattr(self._local, "quiet", False)
        self._local.quiet = True
        try:
            yield
        finally:
            self._local.quiet = before

    @classmethod
    def open(cls, db=None, user=None, *, settings: Settings | None = None,
             engine: Engine | None = None) -> Context:
        """A context on ``db`` (default: the configured database) acting as ``user``."""
        settings = settings_or_default(settings)
        engine = engine or make_engine(db or settings.db_url)
        name = user if user is not None else settings.user
        if isinstance(name, Practitioner):
            me = name
        elif name == "system":
            me = SYSTEM
        else:
            me = resolve_user(engine, name)
        return cls(engine, me, settings)

    # -- transactions and audit ------------------------------------------------
    @contextlib.contextmanager
    def tx(self):
        """One transaction: everything in it is written, or nothing."""
        self._depth += 1
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
                        self.log(conn, "denied", "access", "", pending)
                finally:
                    self._depth += 1
            raise
        finally:
            self._depth -= 1

    def log(self, conn: Connection, action: str, entity: str, entity_id: str = "",
            detail: str = "") -> None:
        """Append one entry to the audit log inside ``conn``'s transaction."""
        if action == "view" and getattr(self._local, "quiet", False):
            return  # inside ``views_unlogged``
        audit.append(conn, self.me.username, action, entity, entity_id, detail)

    def log_view(self, entity: str, entity_id: str = "", detail: str = "") -> None:
        """Log a read on its own (SPEC "Data protection": every view is logged)."""
        if getattr(self._local, "quiet", False):
            return
        with self.tx() as conn:
            self.log(conn, "view", entity, entity_id, detail)

    def deny(self, what: str) -> AccessDenied:
        """The refusal to raise; it is logged (after the rollback when inside ``tx``)."""
        err = AccessDenied(f"{self.me.username} ({self.me.role}) may not {what}")
        if self._depth:
            err.pending_log = what[:500]  # written by tx() once the transaction is gone
        else:
            with self.tx() as conn:
                self.log(conn, "denied", "access", "", what[:500])
        return err

    # -- access rules (SPEC "Data protection") ---------------------------------
    @property
    def role(self) -> Role:
        """The acting person's role."""
        return Role(self.me.role)

    def require(self, what: str, *roles: Role) -> None:
        """Refuse unless the acting person has one of ``roles`` (an admin always may)."""
        if self.role not in roles and self.role != Role.ADMIN:
            raise self.deny(what)

    def require_write(self, what: str) -> None:
        """Refuse writes by read-only roles (auditors, researchers)."""
        if self.role in (Role.AUDITOR, Role.RESEARCHER):
            raise self.deny(what)

    @cached_property
    def visible(self) -> frozenset[str] | None:
        """Practitioner ids this person may see; None means everyone."""
        if self.role in READ_ALL:
            return None
        if self.role == Role.RESEARCHER:
            return frozenset()
        with self.engine.connect() as conn:
            return frozenset(access.visible_ids(conn, self.me.id, manager=self.role == Role.MANAGER,
                                                team=self.me.team or ""))

    def check_named(self, named, *, supervisors=()) -> None:
        """Refuse a write naming someone this user may not already see, by field.

        ``named`` is (field, practitioner id) pairs; ids in ``supervisors`` may also be any
        current member of staff who may supervise (a handover may go to anyone).
        Admins are not checked; the refusal is logged."""
        self.forget_access()  # checked against the store as it is now
        if self.visible is None:
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
            self.deny(f"name {pid} in {field}")  # logged; the user sees the field
            raise ValidationError(field, f"you may not name {pid!r} here: they are not your "
                                         f"line report, in your team or your signed supervisee")

    def forget_access(self) -> None:
        """Drop the cached ``visible`` set after a write that changes relationships."""
        self.__dict__.pop("visible", None)

    def can_see(self, practitioner_id: str) -> bool:
        """May this person see records about ``practitioner_id``?"""
        vis = self.visible
        return vis is None or practitioner_id in vis

    def check_see(self, practitioner_ids, what: str) -> None:
        """Refuse unless this person may see at least one of ``practitioner_ids``."""
        ids = [p for p in practitioner_ids if p]
        if self.role == Role.RESEARCHER:
            raise self.deny(f"see identifiable records ({what})")
        if ids and not any(self.can_see(p) for p in ids):
            self.forget_access()  # someone may have signed since: ask the store again
        if not ids or not any(self.can_see(p) for p in ids):
            raise self.deny(what)

    def session_parties(self, conn: Connection, session_id: str) -> tuple[str, list[str]]:
        """(supervisor id, attendee ids) of a session; ``NotFound`` when there is none."""
        sup = session_supervisor(conn, session_id)
        if sup is None:
            raise NotFound(f"no session {session_id!r}")
        return sup, session_attendees(conn, session_id)

    def check_session_access(self, conn: Connection, session_id: str, what: str):
        """Refuse unless this person is a party to the session or may see an attendee."""
        sup, att = self.session_parties(conn, session_id)
        if self.role == Role.RESEARCHER:
            raise self.deny(f"see identifiable records ({what})")
        if self.me.id not in (sup, *att):
            # A manager sees their team; a supervisor their supervisees' history,
            # including sessions held by an earlier supervisor [Havering 9].
            self.check_see([p for p in att if p != self.me.id], what)
        return sup, att


def resolve_user(engine: Engine, name: str | None) -> Practitioner:
    """The practitioner signed in as ``name`` (username or id); ``AccessDenied`` if none."""
    if not name:
        raise AccessDenied("no acting user: pass user= or set SUPERVISION_KIT_USER")
    with engine.connect() as conn:
        r = practitioner_by_name(conn, name)
    if r is None:
        raise AccessDenied(f"unknown user {name!r}")
    return practitioner_from_row(r)
