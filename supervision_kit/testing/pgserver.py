"""A throwaway PostgreSQL server for tests and benchmarks (Debian's ``postgresql`` binaries).

``start_server()`` runs ``initdb`` in a fresh temporary directory (as the ``postgres``
system user when we are root, since initdb refuses root), starts the server on a free
port of 127.0.0.1 only, with trust authentication, and returns a ``PgServer`` whose
``stop()`` shuts it down and removes the directory.
"""
from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SUPERUSER = "postgres"


class PgUnavailable(RuntimeError):
    """PostgreSQL server binaries (or a non-root user to run them) are missing."""


def find_bindir() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` holding initdb, or one on PATH."""
    env = os.environ.get("SUPERVISION_KIT_PG_BIN")
    cands = [env] if env else []
    cands += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                    key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
                    reverse=True)
    which = shutil.which("initdb")
    if which:
        cands.append(str(Path(which).parent))
    for c in cands:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    return None


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as(user: str | None, argv: list[str], **kw) -> subprocess.CompletedProcess:
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)


class PgServer:
    """A running throwaway server; ``url(db)`` gives a SQLAlchemy URL for a database on it."""

    def __init__(self, bindir: Path, root: Path, port: int, run_user: str | None):
        self.bindir, self.root, self.port, self.run_user = bindir, root, port, run_user
        self.datadir = root / "data"
        self.sockdir = root / "sock"
        self._stopped = False

    def url(self, db: str = "postgres") -> str:
        """``postgresql+psycopg://postgres@127.0.0.1:PORT/db``."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{db}"

    def libpq_url(self, db: str = "postgres") -> str:
        """The same address for libpq tools (pg_dump, psql)."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{db}"

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction on the maintenance database."""
        import psycopg
        with psycopg.connect(self.libpq_url(), autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        self.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, disconnecting whoever still uses it."""
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory."""
        if self._stopped:
            return
        self._stopped = True
        try:
            _run_as(self.run_user, [str(self.bindir / "pg_ctl"), "-D", str(self.datadir),
                                    "-m", "immediate", "-w", "stop"], timeout=60)
        except (subprocess.SubprocessError, OSError):
            pass
        shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, n: int = 40) -> str:
        """The end of the server log, for error messages."""
        try:
            return "\n".join((self.root / "server.log").read_text().splitlines()[-n:])
        except OSError:
            return ""


def attach_server(port: int) -> PgServer:
    """A server someone else started on ``port`` of 127.0.0.1 (trust authentication);
    its ``stop()`` leaves it running for its owner."""
    server = PgServer(find_bindir() or Path("."), Path(tempfile.gettempdir()), port, None)
    server._stopped = True  # not ours to stop or remove
    return server


def start_server(*, fast: bool = True, timeout: float = 60) -> PgServer:
    """initdb + start on a free loopback port; ``fast`` turns off fsync (throwaway data)."""
    bindir = find_bindir()
    if bindir is None:
        raise PgUnavailable("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin "
                            "or on PATH: install Debian's `postgresql` package "
                            "(apt-get install -y postgresql)")
    run_user = None
    if os.geteuid() == 0:
        # initdb refuses to run as root: use the system account Debian's package creates.
        import pwd
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            raise PgUnavailable("running as root and no `postgres` system user to run "
                                "initdb as: install Debian's `postgresql` package") from None
        run_user = "postgres"
    root = Path(tempfile.mkdtemp(prefix="sk-pg-"))
    (root / "sock").mkdir()
    if run_user:
        for p in (root, root / "sock"):
            os.chown(p, pw.pw_uid, pw.pw_gid)
    server = None
    try:
        _run_as(run_user, [str(bindir / "initdb"), "-D", str(root / "data"), "-U", SUPERUSER,
                           "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                timeout=timeout)
        opts = ["-c", "listen_addresses=127.0.0.1", "-k", str(root / "sock"),
                "-c", "max_connections=200"]
        if fast:
            opts += ["-c", "fsync=off", "-c", "synchronous_commit=off",
                     "-c", "full_page_writes=off"]
        for attempt in range(5):
            port = free_port()
            server = PgServer(bindir, root, port, run_user)
            try:
                _run_as(run_user, [str(bindir / "pg_ctl"), "-D", str(root / "data"),
                                   "-l", str(root / "server.log"), "-w", "-t", str(int(timeout)),
                                   "-o", " ".join(["-p", str(port), *opts]), "start"],
                        timeout=timeout + 10)
                break
            except subprocess.CalledProcessError:
                if attempt == 4 or "could not bind" not in server.log_tail():
                    raise
                time.sleep(0.2)
        atexit.register(server.stop)
        return server
    except subprocess.CalledProcessError as e:
        tail = server.log_tail() if server else ""
        shutil.rmtree(root, ignore_errors=True)
        raise PgUnavailable(f"could not start PostgreSQL: {' '.join(e.cmd[:6])}... exited "
                            f"{e.returncode}: {e.stderr.strip()}\n{tail}") from None
