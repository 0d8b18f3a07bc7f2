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
import os
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from ..domain.enums import Role
from ..domain.values import parse_date
from ..store import backup as backup_store
from ..store import engine as store_engine
from ..store import retention as retention_store
from ..store.engine import normalise_url
from .context import Context


def restore(path, db) -> list[str]:
    """Replace database ``db`` with the backup at ``path``; the problems ``verify`` finds.

    SQLite: the backup API copies the file's pages into ``db`` (created if missing).
    PostgreSQL: ``pg_restore --clean`` in one transaction (the database is created if
    missing). Stop the apps first: open sessions would block or be overwritten.
    """
    from . import Toolkit
    url, path = normalise_url(db), Path(path)
    head = backup_store.read_head(path)
    if url.startswith("sqlite"):
        backup_store.restore_sqlite(path, url, head)
    else:
        backup_store.restore_postgres(path, url, head)
    store_engine._migrated.discard(str(make_url(url)))  # the schema may be older: migrate again
    tk = Toolkit.system(url)
    try:
        with tk.context.tx() as conn:
            tk.context.log(conn, "restore", "database", "", f"from backup {path.name}")
        return tk.verify()
    finally:
        tk.engine.dispose()


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
            backup_store.copy_store_to(self.ctx.engine, tmp)
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
            plan = retention_store.retention_plan(conn, as_of, years)
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
                retention_store.destroy_records(conn, item)
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
