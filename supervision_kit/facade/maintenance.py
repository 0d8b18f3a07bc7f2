"""Backup, restore and the retention schedule (admin only; every step is audited).

Backups: SQLite through its online backup API (a consistent copy while others write);
PostgreSQL through ``pg_dump -Fc``. ``restore`` puts a backup back in one step, brings the
schema up to date and returns what ``verify`` finds.

Retention [Havering 9]: records are kept ``Settings.retention_years`` after a practitioner
leaves, then destroyed. For each practitioner past that date we destroy the sessions in
which every supervisee is past it (with their discussions, actions, reviews,
disagreements, reflections, signatures and addenda), and the practitioner's own
reflections, evaluations, observations, contracts as supervisee, requests and training
records. Records kept for someone else stay whole: a group session with a current
supervisee, a session whose actions a kept record reviewed, contracts and observations
where the leaver was the supervisor or observer. The practitioner row is anonymised, not
deleted, because kept records point to it. The audit log is never destroyed; the
destruction is logged with ids and dates only.
"""
from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import make_url

from ..config import sqlite_file
from ..domain.enums import Role
from ..domain.values import add_years, parse_date
from ..errors import ValidationError
from ..store import holds as holds_store
from ..store import tables
from ..store.engine import normalise_url
from ..store.schema import Base
from .context import Context

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
by_name = Base.metadata.tables


def _pg_tool(name: str) -> str:
    """Path of a PostgreSQL client tool: on PATH, else the newest Debian install."""
    found = shutil.which(name)
    if found:
        return found
    cands = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if not cands:
        raise ValidationError("database", f"{name} not found: install the PostgreSQL client "
                                          f"(Debian: apt-get install postgresql-client)")
    return cands[-1]


def _pg_args(url: str) -> tuple[list[str], dict]:
    """libpq connection arguments for a SQLAlchemy URL; the password goes in the environment."""
    u = make_url(url)
    args = ["--dbname", u.database or "postgres"]
    if u.host:
        args += ["--host", u.host]
    if u.port:
        args += ["--port", str(u.port)]
    if u.username:
        args += ["--username", u.username]
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    return args, env


def _run(argv: list[str], env: dict, what: str) -> None:
    res = subprocess.run(argv, env=env, capture_output=True, text=True)
    if res.returncode != 0:
        raise ValidationError("backup", f"{what} failed: {res.stderr.strip()[-800:]}")


def restore(path, db) -> list[str]:
    """Replace database ``db`` with the backup at ``path``; the problems ``verify`` finds.

    SQLite: the backup API copies the file's pages into ``db`` (created if missing).
    PostgreSQL: ``pg_restore --clean`` in one transaction (the database is created if
    missing). Stop the apps first: open sessions would block or be overwritten.
    """
    from . import Toolkit
    url, path = normalise_url(db), Path(path)
    try:
        head = path.open("rb").read(16)
    except OSError as e:
        raise ValidationError("backup", f"cannot read {path}: {e}") from None
    if url.startswith("sqlite"):
        if not head.startswith(SQLITE_MAGIC):
            raise ValidationError("backup", f"{path} is not a SQLite backup "
                                            f"(a PostgreSQL dump restores only into PostgreSQL)")
        src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = src.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {
                r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if ok != "ok" or not {"sessions", "audit_log"} <= tables:
                raise ValidationError("backup", f"{path} is not an intact supervision_kit database")
            target = sqlite_file(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            dst = sqlite3.connect(target, timeout=30)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    else:
        if not head.startswith(PGDUMP_MAGIC):
            raise ValidationError("backup", f"{path} is not a pg_dump custom-format backup "
                                            f"(a SQLite backup restores only into SQLite)")
        _ensure_pg_database(url)
        args, env = _pg_args(url)
        _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", *args, str(path)], env, "pg_restore")
    from ..store import engine as store_engine
    store_engine._migrated.discard(str(make_url(url)))  # the schema may be older: migrate again
    tk = Toolkit.system(url)
    try:
        with tk.context.tx() as conn:
            tk.context.log(conn, "restore", "database", "", f"from backup {path.name}")
        return tk.verify()
    finally:
        tk.engine.dispose()


def _ensure_pg_database(url: str) -> None:
    """Create the target PostgreSQL database when it does not exist yet."""
    import psycopg
    u = make_url(url)
    admin = u.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (u.database,)
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{u.database}"')


class MaintenanceService:
    """Backups, restores and destruction of records past their retention date."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    restore = staticmethod(restore)

    def backup(self, path) -> Path:
        """A consistent copy of the whole store at ``path`` (written atomically)."""
        self.ctx.require("back up the database", Role.ADMIN)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with self.ctx.tx() as conn:
            self.ctx.log(conn, "backup", "database", "", f"to {path.name}")
        fd, tmp = tempfile.mkstemp(prefix=".backup-", dir=path.parent)
        os.close(fd)
        try:
            if self.ctx.engine.dialect.name == "sqlite":
                raw = self.ctx.engine.raw_connection()
                try:
                    dst = sqlite3.connect(tmp)
                    try:
                        raw.driver_connection.backup(dst)
                    finally:
                        dst.close()
                finally:
                    raw.close()
            else:
                args, env = _pg_args(self.ctx.engine.url.render_as_string(hide_password=False))
                _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                      "--file", tmp, *args], env, "pg_dump")
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return path

    # -- retention -------------------------------------------------------------
    def retention(self, as_of=None, apply: bool = False) -> list[dict]:
        """Practitioners whose records are due for destruction, and what would go.

        Each item: ``practitioner_id``, ``left``, ``due`` (dates), ``sessions`` (list of
        ``(id, date)``), ``kept_sessions`` (ids kept for someone else), ``rows`` (table ->
        count). Nothing is deleted unless ``apply``; then it all goes in one transaction
        and each destruction is logged with ids and dates, never content.
        """
        self.ctx.require("apply the retention schedule", Role.ADMIN)
        as_of = parse_date(as_of, "as_of") or dt.date.today()
        years = int(self.ctx.settings.retention_years)
        with self.ctx.tx() as conn:
            plan = self._retention_plan(conn, as_of, years)
            if not apply:
                self.ctx.log(conn, "view", "retention", "", f"as of {as_of}: {len(plan)} due")
                return plan
            for item in plan:
                if item["held"]:
                    # A legal hold keeps everything of this practitioner [Temple Appendix 1].
                    self.ctx.log(conn, "keep", "practitioner", item["practitioner_id"],
                                 f"retention due {item['due']}; kept under legal hold "
                                 f"{', '.join(h['id'] for h in item['held'])}")
                    continue
                self._destroy(conn, item)
                sessions = ", ".join(f"{sid} ({d})" for sid, d in item["sessions"])
                counts = ", ".join(f"{n} {t}" for t, n in item["rows"].items() if n)
                self.ctx.log(
                    conn,
                    "destroy",
                    "practitioner",
                    item["practitioner_id"],
                    f"left {item['left']}; retention {years} years, due {item['due']}; "
                    f"as of {as_of}; sessions: {sessions or 'none'}; rows: {counts or 'none'}",
                )
        self.ctx.forget_access()
        return plan

    def _retention_plan(self, conn, as_of: dt.date, years: int) -> list[dict]:
        leavers = {
            r.id: r.leaving_date
            for r in conn.execute(
                select(
                    tables.practitioners.c.id,
                    tables.practitioners.c.leaving_date,
                    tables.practitioners.c.username,
                ).where(tables.practitioners.c.leaving_date.is_not(None))
            )
            if add_years(r.leaving_date, years) <= as_of
        }
        if not leavers:
            return []
        held_p, held_c = holds_store.active_targets(conn)
        held_sessions = holds_store.sessions_touching_cases(conn, held_c)
        attendees: dict[str, set] = {}
        for r in conn.execute(
            select(tables.attendees.c.session_id, tables.attendees.c.practitioner_id)
        ):
            attendees.setdefault(r.session_id, set()).add(r.practitioner_id)
        free = leavers.keys() - held_p.keys()  # a held practitioner's sessions are all kept
        doomed = {s for s, who in attendees.items() if who and who <= free} - held_sessions
        # Keep a session whose actions a kept record reviewed: destroying it would change
        # that record's signed content.
        while True:
            reviewed_elsewhere = {
                r.session_id
                for r in conn.execute(
                    select(tables.actions.c.session_id)
                    .join(
                        tables.action_reviews,
                        tables.action_reviews.c.action_id == tables.actions.c.id,
                    )
                    .where(
                        tables.actions.c.session_id.in_(doomed),
                        tables.action_reviews.c.session_id.not_in(doomed),
                    )
                )
            }
            if not reviewed_elsewhere:
                break
            doomed -= reviewed_elsewhere
        dates = {
            r.id: r.date
            for r in conn.execute(
                select(tables.sessions.c.id, tables.sessions.c.date).where(
                    tables.sessions.c.id.in_(doomed)
                )
            )
        }
        plan = []
        for pid, left in sorted(leavers.items()):
            mine = sorted((s for s in doomed if pid in attendees[s]), key=lambda s: (dates[s], s))
            kept = sorted(s for s, who in attendees.items() if pid in who and s not in doomed)
            item = {"practitioner_id": pid, "left": left, "due": add_years(left, years),
                    "sessions": [(s, dates[s]) for s in mine], "kept_sessions": kept,
                    "held": held_p.get(pid, []),
                    "held_sessions": sorted(s for s in kept if s in held_sessions),
                    "held_cases": sorted(held_c),
                    "rows": {} if pid in held_p else
                    self._retention_counts(conn, pid, mine, sorted(held_c))}
            anonymised = (
                conn.execute(
                    select(tables.practitioners.c.username).where(tables.practitioners.c.id == pid)
                )
                .scalar()
                .startswith("left-")
            )
            if any(item["rows"].values()) or not anonymised or item["held"]:
                plan.append(item)
        return plan

    @staticmethod
    def _own(pid: str) -> dict:
        """Rows that belong to the practitioner alone, outside any session destroyed."""
        return {
            "reflections": tables.reflections.c.author_id == pid,
            "evaluations": tables.evaluations.c.supervisee_id == pid,
            "observations": tables.observations.c.supervisee_id == pid,
            "contracts": tables.contracts.c.supervisee_id == pid,
            "requests": tables.requests.c.requester_id == pid,
            "training_records": tables.training_records.c.practitioner_id == pid,
            # Their bookings and reminder settings and log go with them.
            "bookings": tables.bookings.c.supervisee_id == pid,
            "reminder_optouts": tables.reminder_optouts.c.practitioner_id == pid,
            "reminder_log": tables.reminder_log.c.practitioner_id == pid,
            # Their agenda still waiting (items a destroyed session took go with it).
            "agenda_items": (tables.agenda_items.c.supervisee_id == pid)
            & tables.agenda_items.c.session_id.is_(None),
        }

    @staticmethod
    def _loose_reflections(pid: str, held_cases: list[str]):
        """The practitioner's reflections outside any session, except those on a held case."""
        rf = tables.reflections.c
        return ((rf.author_id == pid) & rf.session_id.is_(None)
                & (rf.case_id.is_(None) | rf.case_id.not_in(held_cases)))

    def _retention_counts(self, conn, pid: str, sessions: list[str],
                          held_cases: list[str] = ()) -> dict[str, int]:
        def n(table, cond) -> int:
            return conn.execute(select(func.count()).select_from(table).where(cond)).scalar()
        acts = select(tables.actions.c.id).where(tables.actions.c.session_id.in_(sessions))
        rows = {
            "sessions": len(sessions),
            "case_discussions": n(
                tables.discussions, tables.discussions.c.session_id.in_(sessions)
            ),
            "actions": n(tables.actions, tables.actions.c.session_id.in_(sessions)),
            "action_reviews": n(
                tables.action_reviews,
                tables.action_reviews.c.session_id.in_(sessions)
                | tables.action_reviews.c.action_id.in_(acts),
            ),
            "disagreements": n(
                tables.disagreements, tables.disagreements.c.session_id.in_(sessions)
            ),
            "signatures": n(tables.signatures, tables.signatures.c.session_id.in_(sessions)),
            "addenda": n(tables.addenda, tables.addenda.c.session_id.in_(sessions)),
        }
        own = self._own(pid)
        own["reflections"] = (tables.reflections.c.session_id.in_(sessions)
                              | self._loose_reflections(pid, list(held_cases)))
        for name, cond in own.items():
            rows[name] = n(by_name[name], cond)
        return rows

    def _destroy(self, conn, item: dict) -> None:
        pid = item["practitioner_id"]
        sids = [s for s, _ in item["sessions"]]
        acts = select(tables.actions.c.id).where(tables.actions.c.session_id.in_(sids))
        conn.execute(
            delete(tables.action_reviews).where(
                tables.action_reviews.c.session_id.in_(sids)
                | tables.action_reviews.c.action_id.in_(acts)
            )
        )
        # Kept actions reviewed in a destroyed session lose the link (not part of their hash).
        conn.execute(
            update(tables.actions)
            .where(
                tables.actions.c.reviewed_session_id.in_(sids),
                tables.actions.c.session_id.not_in(sids),
            )
            .values(reviewed_session_id=None)
        )
        conn.execute(
            update(tables.evaluations)
            .where(tables.evaluations.c.session_id.in_(sids))
            .values(session_id=None)
        )
        conn.execute(
            update(tables.observations)
            .where(tables.observations.c.discussed_session_id.in_(sids))
            .values(discussed_session_id=None)
        )
        for t in (
            tables.agenda_items,
            tables.actions,
            tables.discussions,
            tables.disagreements,
            tables.reflections,
            tables.signatures,
            tables.addenda,
            tables.attendees,
        ):
            conn.execute(delete(t).where(t.c.session_id.in_(sids)))
        conn.execute(delete(tables.sessions).where(tables.sessions.c.id.in_(sids)))
        own = self._own(pid)
        own["reflections"] = self._loose_reflections(pid, item["held_cases"])
        mine = select(tables.contracts.c.id).where(tables.contracts.c.supervisee_id == pid)
        conn.execute(
            update(tables.contracts)
            .where(
                tables.contracts.c.replaces_id.in_(mine), tables.contracts.c.supervisee_id != pid
            )
            .values(replaces_id=None)
        )
        conn.execute(
            update(tables.contracts)
            .where(tables.contracts.c.supervisee_id == pid)
            .values(replaces_id=None)
        )
        for name, cond in own.items():
            conn.execute(delete(by_name[name]).where(cond))
        if item["held_sessions"]:
            return  # held records still name the practitioner: anonymise once the hold is lifted
        from ..store.lifecycle import forget_discarded  # drafts discarded about them, too
        forget_discarded(conn, pid)
        conn.execute(update(tables.practitioners).where(tables.practitioners.c.id == pid).values(
            name=f"Former practitioner {pid}", username=f"left-{pid}", email="",
            qualified_date=None, asye_start=None))
