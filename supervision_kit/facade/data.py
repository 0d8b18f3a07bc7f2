"""Whole-dataset import/export, CSV import, demo data, verification and the audit log."""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..domain.enums import Role
from ..errors import ImportFailed, ValidationError
from ..store import audit
from ..store.access import has_practitioners
from .context import Context
from .people import PeopleService
from .sessions import SessionsService


class DataService:
    """Moving whole datasets in and out, and checking nothing was altered."""

    def __init__(self, ctx: Context, sessions: SessionsService, people: PeopleService):
        self.ctx = ctx
        self.sessions = sessions
        self.people = people

    def export_dataset(self) -> dict:
        """The whole store as the documented JSON format (admin; logged)."""
        self.ctx.require("export the whole dataset", Role.ADMIN)
        from ..io.dataset import export_dataset
        with self.ctx.tx() as conn:
            data = export_dataset(conn)
            self.ctx.log(conn, "export", "dataset", "", "json")
        return data

    def export_json(self, path) -> None:
        """Write the dataset to a JSON file."""
        data = self.export_dataset()
        Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")

    def import_dataset(self, data: dict, progress=None) -> dict[str, int]:
        """Import a dataset in one transaction: all of it, or nothing."""
        self.ctx.require("import a dataset", Role.ADMIN)
        from ..io.dataset import import_dataset
        with self.ctx.tx() as conn:
            counts = import_dataset(conn, data, progress=progress)
            self.ctx.log(conn, "import", "dataset", "", json.dumps(counts))
        self.ctx.forget_access()
        return counts

    def import_json(self, path, progress=None) -> dict[str, int]:
        """Import a dataset JSON file; a malformed file imports nothing."""
        from ..io.limits import read_json
        data = read_json(path, self.ctx.settings.import_max_mb)
        if not isinstance(data, dict):
            raise ImportFailed(str(path), "top level", "expected a JSON object")
        return self.import_dataset(data, progress=progress)

    def import_csv(self, kind: str, path) -> int:
        """Import practitioners or cases from CSV; a bad row imports nothing."""
        from ..io.csv_import import read_cases_csv, read_practitioners_csv
        readers = {"practitioners": (read_practitioners_csv, self.people.add_practitioners),
                   "cases": (read_cases_csv, self.people.add_cases)}
        if kind not in readers:
            raise ImportFailed(str(path), "kind", "use practitioners or cases")
        read, add = readers[kind]
        numbers: list[int] = []
        rows = read(path, numbers)
        try:
            add(rows)
        except ValidationError as e:
            # "cases[3].worker_id" (a clash with the store) -> the row of the file it came from.
            m = re.match(rf"{kind}\[(\d+)\]\.(.+)", e.field)
            if not m:
                raise
            i = int(m.group(1))
            raise ImportFailed(
                f"row {numbers[i]} (id {rows[i].id})", m.group(2), e.message
            ) from None
        return len(rows)

    def create_demo(
        self, scale: int = 1, seed: int = 0, today=None, progress=None
    ) -> dict[str, int]:
        """Fill an empty store with the synthetic demo agency."""
        self.ctx.require("create demo data", Role.ADMIN)
        from ..demo.generate import create_demo
        with self.ctx.engine.connect() as conn:
            if has_practitioners(conn):
                raise ImportFailed("demo", "database", "the database already has data")
        kw = {"today": today} if today else {}
        with self.ctx.tx() as conn:
            counts = create_demo(conn, scale=scale, seed=seed, progress=progress,
                                 templates=self.ctx.settings.templates, **kw)
            self.ctx.log(conn, "import", "demo", "", f"scale {scale} seed {seed}")
        self.ctx.forget_access()
        return counts

    def verify(self, head: str | None = None) -> list[str]:
        """Everything altered behind the application's back: records and the audit chain;
        ``head``, a hash from an earlier ``audit_head()``, must still be in the chain."""
        problems = self.sessions.verify_records()
        with self.ctx.engine.connect() as conn:
            problems += audit.verify_chain(conn)
            if head:
                problems += audit.missing_head(conn, head)
        return problems

    def audit_head(self) -> tuple[int, str]:
        """(entries, newest hash) of the audit log, to keep outside the database."""
        with self.ctx.engine.connect() as conn:
            return audit.head(conn)

    def audit_log(
        self, limit: int = 200, user: str | None = None, action: str | None = None
    ) -> list[dict]:
        """Newest audit entries (auditors and admins)."""
        self.ctx.require("read the audit log", Role.AUDITOR)
        with self.ctx.engine.connect() as conn:
            return audit.entries(conn, limit=limit, user=user, action=action)
