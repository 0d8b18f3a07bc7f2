"""Concurrent writers in separate processes: stale saves refused, no lock errors, chain intact."""
from __future__ import annotations

import multiprocessing as mp

from sqlalchemy import text

from supervision_kit.errors import StaleRecord
from supervision_kit.facade import Toolkit
from supervision_kit.testing.load import build_load_world, run_writers, session_id
from tests.fixtures_pg import db_url, pg_server  # noqa: F401

ROUNDS = 6


def _race(url: str, who: str, session: str, barrier, queue) -> None:
    """One supervisor's browser tab: load the record, wait for the other, save an edit."""
    tk = Toolkit(url, "ls0")
    for rnd in range(ROUNDS):
        rec = tk.session(session, log=False)
        barrier.wait(timeout=60)          # both hold a copy of the same version
        rec.agenda = f"{who} round {rnd}"
        try:
            saved = tk.save_session(rec)
            queue.put((rnd, who, "saved", saved.version, None))
        except StaleRecord as e:
            queue.put((rnd, who, "stale", rec.version, e.unsaved.agenda))
        except Exception as e:  # noqa: BLE001 - any other outcome fails the test
            queue.put((rnd, who, "error", rec.version, repr(e)))
        barrier.wait(timeout=60)          # the next round starts from the winner's version


def test_two_processes_save_the_same_session_from_stale_copies(db_url):
    tk = build_load_world(db_url, 1)
    sup = tk.as_user("ls0")
    from supervision_kit.testing.load import make_session
    first = sup.save_session(make_session(0, 0))
    ctx = mp.get_context("spawn")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_race, args=(db_url, who, first.id, barrier, queue))
             for who in ("tab-A", "tab-B")]
    for p in procs:
        p.start()
    results = [queue.get(timeout=180) for _ in range(2 * ROUNDS)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    version = first.version
    for rnd in range(ROUNDS):
        outcome = sorted((r for r in results if r[0] == rnd), key=lambda r: r[2])
        assert [r[2] for r in outcome] == ["saved", "stale"], outcome
        won, lost = outcome
        assert won[3] == version + 1
        # The loser's words come back to it so it can merge them.
        assert lost[4] == f"{lost[1]} round {rnd}"
        version += 1
    final = sup.session(first.id, log=False)
    assert final.version == version
    assert final.agenda.endswith(f"round {ROUNDS - 1}")
    assert tk.verify() == []


def test_many_processes_write_different_sessions_without_lock_errors(db_url):
    n_procs, n_each = 4, 25
    tk = build_load_world(db_url, n_procs)
    reports, _ = run_writers(db_url, n_procs, n_each, timeout=300, resave_every=5)
    errors = [e for r in reports for e in r["errors"]]
    assert errors == []
    assert not any("locked" in e for e in errors)
    with tk.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, version FROM sessions")).all()
    ids = [r.id for r in rows]
    assert sorted(ids) == sorted(session_id(i, k) for i in range(n_procs) for k in range(n_each))
    resaved = {session_id(i, k) for i in range(n_procs) for k in range(0, n_each, 5)}
    assert all(r.version == (2 if r.id in resaved else 1) for r in rows)
    # One audit entry per save, and the chain is unbroken despite interleaved writers.
    with tk.engine.connect() as conn:
        saves = conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE action = 'save'")).scalar()
    assert saves == n_procs * n_each + len(resaved)
    assert tk.verify() == []


def _open_store(url: str, go, queue) -> None:
    from supervision_kit.store.engine import make_engine
    queue.put("ready")  # imported: now start together
    go.wait(timeout=120)
    try:
        make_engine(url).dispose()
        queue.put("ok")
    except Exception as e:  # noqa: BLE001 - reported to the test
        queue.put(repr(e))


def test_kernels_starting_together_on_an_empty_database_all_open_it(db_url):
    """Many Voilà kernels open a brand-new database at once: one migrates, the rest wait."""
    ctx = mp.get_context("spawn")
    go, queue = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_open_store, args=(db_url, go, queue)) for _ in range(4)]
    for p in procs:
        p.start()
    assert [queue.get(timeout=240) for _ in procs] == ["ready"] * 4
    go.set()
    results = [queue.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert results == ["ok"] * 4
    tk = build_load_world(db_url, 1)
    assert tk.verify() == []
