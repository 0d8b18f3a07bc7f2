"""Open a database: SQLite file (WAL, foreign keys, busy waits) or PostgreSQL, migrated."""
from __future__ import annotations

import contextlib
import re
import threading
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from ..config import sqlite_file

MIGRATIONS = Path(__file__).with_name("migrations")
_lock = threading.Lock()
_migrated: set[str] = set()


def normalise_url(url_or_path: str | Path) -> str:
    """A SQLAlchemy URL from a URL or a plain file path."""
    s = str(url_or_path)
    if "://" in s:
        if s.startswith("postgresql://"):
            s = "postgresql+psycopg://" + s[len("postgresql://"):]
        return s
    return f"sqlite:///{Path(s).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    # WAL lets readers go on while one writer commits; busy_timeout makes a
    # second writer wait instead of failing with "database is locked".
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn):
    # A writer takes the lock at BEGIN so two writers queue instead of deadlocking
    # on a read-to-write upgrade; readers stay deferred and never wait (WAL).
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")


@contextlib.contextmanager
def write_transaction(engine: Engine):
    """A write transaction: committed at the end, rolled back on any error."""
    with engine.connect() as conn:
        conn.info["write"] = True
        try:
            with conn.begin():
                yield conn
        finally:
            conn.info.pop("write", None)


def make_engine(url_or_path: str | Path, *, migrate: bool = True) -> Engine:
    """An engine for the store, with the schema brought up to date."""
    url = normalise_url(url_or_path)
    if url.startswith("sqlite"):
        path = sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "isolation_level": None})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if migrate:
        upgrade(engine)
    return engine


def head_revision() -> str:
    """The newest migration's revision id, read from the version files (no Alembic import)."""
    revs, downs = set(), set()
    for f in (MIGRATIONS / "versions").glob("*.py"):
        body = f.read_text()
        revs.update(re.findall(r'^revision\s*(?::[^=]*)?=\s*["\']([^"\']+)', body, re.M))
        downs.update(re.findall(r'^down_revision\s*(?::[^=]*)?=\s*["\']([^"\']+)', body, re.M))
    heads = revs - downs
    return heads.pop() if len(heads) == 1 else ""


def _at_head(engine: Engine) -> bool:
    # Every kernel opens the store: a read of one row spares it Alembic's import and a write lock.
    head = head_revision()
    try:
        with engine.connect() as conn:
            return bool(head) and conn.execute(
                text("SELECT version_num FROM alembic_version")).scalar() == head
    except DBAPIError:
        return False


def upgrade(engine: Engine) -> None:
    """Apply Alembic migrations up to head (once per process and URL)."""
    key = str(engine.url)
    with _lock:
        if key in _migrated:
            return
        if _at_head(engine):
            _migrated.add(key)
            return
        from alembic import command
        from alembic.config import Config
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with write_transaction(engine) as conn:
            if conn.dialect.name == "postgresql":
                # Kernels starting together on a new database: one migrates, the rest wait.
                conn.execute(text("SELECT pg_advisory_xact_lock(727273)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        _migrated.add(key)


def has_schema(engine: Engine) -> bool:
    """True when the store's tables exist."""
    return inspect(engine).has_table("sessions")
