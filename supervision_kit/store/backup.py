"""Copying the whole store to and from a backup file: SQLite through its online backup API
(a consistent copy while others write), PostgreSQL through ``pg_dump -Fc``/``pg_restore``."""
from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

from ..config import sqlite_file
from ..errors import ValidationError

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


def pg_tool(name: str) -> str:
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


def pg_args(url: str) -> tuple[list[str], dict]:
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


def run_tool(argv: list[str], env: dict, what: str) -> None:
    """Run a client tool; its error output becomes a ``ValidationError``."""
    res = subprocess.run(argv, env=env, capture_output=True, text=True)
    if res.returncode != 0:
        raise ValidationError("backup", f"{what} failed: {res.stderr.strip()[-800:]}")


def copy_store_to(engine: Engine, tmp: str) -> None:
    """Write a consistent copy of the store behind ``engine`` to the file ``tmp``."""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            dst = sqlite3.connect(tmp)
            try:
                raw.driver_connection.backup(dst)
            finally:
                dst.close()
        finally:
            raw.close()
    else:
        args, env = pg_args(engine.url.render_as_string(hide_password=False))
        run_tool([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  "--file", tmp, *args], env, "pg_dump")


def read_head(path: Path) -> bytes:
    """The first bytes of a backup file (which kind of backup it is)."""
    try:
        return path.open("rb").read(16)
    except OSError as e:
        raise ValidationError("backup", f"cannot read {path}: {e}") from None


def restore_sqlite(path: Path, url: str, head: bytes) -> None:
    """Copy a SQLite backup's pages into the database at ``url`` (created if missing)."""
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


def restore_postgres(path: Path, url: str, head: bytes) -> None:
    """``pg_restore --clean`` a custom-format dump in one transaction (database created if missing)."""
    if not head.startswith(PGDUMP_MAGIC):
        raise ValidationError("backup", f"{path} is not a pg_dump custom-format backup "
                                        f"(a SQLite backup restores only into SQLite)")
    ensure_pg_database(url)
    args, env = pg_args(url)
    run_tool([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", *args, str(path)], env, "pg_restore")


def ensure_pg_database(url: str) -> None:
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
