"""A throwaway PostgreSQL server per test session, and ``db_url``: a fresh empty database
per test on SQLite and on PostgreSQL.

Without PostgreSQL binaries the postgres cases fail under CI (``CI=true``: a missing
database must not pass silently) and are skipped elsewhere.
"""
from __future__ import annotations

import itertools
import os

import pytest

from supervision_kit.testing.pgserver import PgUnavailable, attach_server, start_server

_names = itertools.count(1)


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def pg_server():
    """A running throwaway server on 127.0.0.1 (stopped at the end of the session), or the
    one whose port is in SUPERVISION_KIT_TEST_PG_PORT (scripts/mutation.py starts one for
    all its test runs, so a mutant's run does not pay for an initdb)."""
    port = os.environ.get("SUPERVISION_KIT_TEST_PG_PORT")
    if port:
        yield attach_server(int(port))
        return
    try:
        server = start_server()
    except PgUnavailable as e:
        if _on_ci():
            pytest.fail(f"PostgreSQL tests cannot run: {e}", pytrace=False)
        pytest.skip(f"PostgreSQL not available: {e}")
    yield server
    server.stop()


def fresh_pg_database(server) -> tuple[str, str]:
    """(name, URL) of a new empty database on ``server``."""
    name = f"test_{os.getpid()}_{next(_names)}"
    return name, server.create_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """URL of a fresh empty database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    server = request.getfixturevalue("pg_server")
    name, url = fresh_pg_database(server)
    yield url
    server.drop_database(name)
