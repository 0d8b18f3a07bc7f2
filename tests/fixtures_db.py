"""A small agency built through the facade, for tests that need a few people and cases."""
from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest

from supervision_kit.domain.records import Case, CasePerson, Practitioner
from supervision_kit.facade import Toolkit
from supervision_kit.store.engine import make_engine

PEOPLE = [
    Practitioner("P1", "Sam Supervisor", "sam", role="supervisor", team="North"),
    Practitioner("P2", "Pat Practitioner", "pat", team="North", line_manager_id="P1"),
    Practitioner("P3", "Quinn Other", "quinn", team="South", line_manager_id="P4"),
    Practitioner("P4", "Sue Southern", "sue", role="supervisor", team="South"),
    Practitioner("P5", "Mia Manager", "mia", role="manager", team="North"),
    Practitioner("P6", "Aud Auditor", "aud", role="auditor"),
    Practitioner("P7", "Rae Researcher", "rae", role="researcher"),
    Practitioner("P8", "Ada Admin", "ada", role="admin"),
    Practitioner("P9", "Nia Newly", "nia", team="North", line_manager_id="P1",
                 asye_start=dt.date(2026, 1, 5)),
]
CASES = [
    Case("C1", "CR-2025-000001", "P2", "child protection plan", dt.date(2025, 1, 6),
         people=[CasePerson("child", "Jamie", "Fletcher", dob=dt.date(2018, 4, 2)),
                 CasePerson("parent", "Donna", "Fletcher", postcode="ZZ1 1ZZ")]),
    Case("C2", "CR-2025-000002", "P2", "child in need", dt.date(2025, 2, 3),
         people=[CasePerson("child", "Ellis", "Brook")]),
    Case("C3", "CR-2025-000003", "P3", "early help", dt.date(2025, 3, 3),
         people=[CasePerson("child", "Rowan", "Hale")]),
]


_SCHEMA: list[Path] = []  # one migrated empty store per process


def migrated_copy(path: Path) -> Path:
    """An empty store at ``path`` with the schema at head, copied from one migrated once per
    process: Alembic takes about a second a store, a copy a millisecond. The schema is all
    the copy shares (no application code writes to it), so every test still starts clean."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(schema_template(), path)
    return Path(path)


def schema_template() -> Path:
    """The process's migrated empty store (made on first use)."""
    if not _SCHEMA:
        template = Path(tempfile.mkdtemp(prefix="sk-schema-")) / "empty.sqlite"
        make_engine(template).dispose()
        _SCHEMA.append(template)
    return _SCHEMA[0]


def build_world(path) -> Toolkit:
    """A store with two teams, every role and three cases; returns the system toolkit.
    ``path`` is a new SQLite file (started from the migrated schema) or a database URL."""
    if isinstance(path, Path) and not path.exists():
        migrated_copy(path)
    tk = Toolkit.system(path)
    tk.add_practitioners([Practitioner(**vars(p)) for p in PEOPLE])
    tk.add_cases([Case(**{**vars(c), "people": [CasePerson(**vars(p)) for p in c.people]})
                  for c in CASES])
    return tk


@pytest.fixture(scope="session")
def world_template(tmp_path_factory):
    """The small agency built once per test session (migrations and all), closed so its
    file is whole: copying it is what makes a test, and a mutant's test run, cheap."""
    path = tmp_path_factory.mktemp("world") / "world.sqlite"
    tk = build_world(path)
    with tk.engine.connect() as conn:  # fold the write-ahead log into the file
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    tk.engine.dispose()
    return path


@pytest.fixture
def world(world_template, tmp_path) -> Toolkit:
    """The small agency in a fresh SQLite file (a copy of the session's template)."""
    path = tmp_path / "world.sqlite"
    shutil.copyfile(world_template, path)
    return Toolkit.system(path)


def downgrade_to(tk: Toolkit, revision: str) -> None:
    """Take the toolkit's store back to an earlier migration (a store made by an earlier
    release); the next toolkit opened on it migrates it to head again."""
    from alembic import command
    from alembic.config import Config
    from supervision_kit.store import engine as store_engine
    cfg = Config()
    cfg.set_main_option("script_location", str(store_engine.MIGRATIONS))
    with tk.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
    store_engine._migrated.discard(str(tk.engine.url))
