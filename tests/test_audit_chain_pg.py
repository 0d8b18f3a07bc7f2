"""The audit chain on PostgreSQL, where it differs from SQLite: two writers appending at
once must still make one chain, and the chain is read in the order entries were written,
not in the order the server happens to keep its rows."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from supervision_kit.store import audit
from supervision_kit.store.engine import make_engine, write_transaction
from tests.fixtures_pg import fresh_pg_database, pg_server  # noqa: F401


@pytest.fixture
def pg_engine(pg_server):  # noqa: F811
    """A migrated, empty store on the throwaway PostgreSQL server."""
    name, url = fresh_pg_database(pg_server)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    pg_server.drop_database(name)


def _waiting_on_a_lock(engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()")).scalar())


def test_two_writers_appending_at_once_make_one_unbroken_chain(pg_engine):
    """The second writer waits for the first to commit, then chains to its entry; without
    the wait both would chain to the same entry and verify would name a break."""
    with write_transaction(pg_engine) as first:
        audit.append(first, "sam", "save", "session", "s1", "first writer")
        errors: list[BaseException] = []

        def second_writer():
            try:
                with write_transaction(pg_engine) as conn:
                    audit.append(conn, "pat", "save", "session", "s2", "second writer")
            except BaseException as e:  # noqa: BLE001 - reported by the test below
                errors.append(e)

        t = threading.Thread(target=second_writer)
        t.start()
        # Until the second writer either waits on the first or has finished (no wall-clock
        # assertion: the loop only decides when to let the first commit).
        for _ in range(600):
            if not t.is_alive() or _waiting_on_a_lock(pg_engine):
                break
            time.sleep(0.05)
    t.join(60)
    assert not errors
    with pg_engine.connect() as conn:
        assert audit.verify_chain(conn) == []
        details = [e["detail"] for e in audit.entries(conn)]
    assert details == ["second writer", "first writer"]


def test_an_entry_rewritten_unchanged_does_not_break_the_chain(pg_engine):
    """PostgreSQL keeps a rewritten row after the others (a maintenance job touching a row
    does this), so a chain read in storage order would be named broken when it is not."""
    with write_transaction(pg_engine) as conn:
        for i in range(3):
            audit.append(conn, "sam", "view", "session", f"s{i}")
    with pg_engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET detail = detail WHERE id = "
                          "(SELECT min(id) FROM audit_log)"))
    with pg_engine.connect() as conn:
        assert audit.verify_chain(conn) == []
        # ...while an entry really changed is still named
        conn.execute(text("UPDATE audit_log SET detail = 'edited' WHERE id = "
                          "(SELECT min(id) FROM audit_log)"))
        first = conn.execute(text("SELECT min(id) FROM audit_log")).scalar()
        assert audit.verify_chain(conn) == [
            f"audit entry {first}: content changed after it was written"]
