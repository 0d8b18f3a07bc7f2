"""Concurrent writers for tests and the load benchmark: each process is one supervisor.

``build_load_world(url, n)`` adds supervisors ``ls0..`` each with one supervisee and one
case; ``save_sessions(url, i, n)`` (run in a child process) saves ``n`` new sessions as
supervisor ``i`` through the facade and reports what went wrong instead of raising.
"""
from __future__ import annotations

import datetime as dt
import time

START = dt.date(2026, 1, 5)


def ids(i: int) -> tuple[str, str, str]:
    """(supervisor id, supervisee id, case id) of writer ``i``."""
    return f"LS{i}", f"LW{i}", f"LC{i}"


def session_id(i: int, k: int) -> str:
    """Id of writer ``i``'s ``k``-th session."""
    return f"load-{i:02d}-{k:05d}"


def build_load_world(url: str, n_writers: int):
    """A store with one supervisor, supervisee and case per writer; the system toolkit."""
    from ..domain.records import Case, Practitioner
    from ..facade import Toolkit
    tk = Toolkit.system(url)
    people, cases = [], []
    for i in range(n_writers):
        sup, sv, case = ids(i)
        people += [Practitioner(sup, f"Load Supervisor {i}", f"ls{i}", role="supervisor"),
                   Practitioner(sv, f"Load Worker {i}", f"lw{i}", line_manager_id=sup)]
        cases.append(Case(case, f"LR-{i:04d}", sv, "child in need", dt.date(2025, 6, 2)))
    tk.add_practitioners(people)
    tk.add_cases(cases)
    return tk


def make_session(i: int, k: int):
    """Writer ``i``'s ``k``-th session record, with a discussion and an action."""
    from ..domain.records import ActionItem, CaseDiscussion, SessionRecord
    sup, sv, case = ids(i)
    day = START + dt.timedelta(days=k)
    return SessionRecord(
        id=session_id(i, k), date=day, supervisor_id=sup, supervisee_ids=[sv],
        agenda=f"writer {i} session {k}", wellbeing="Managing; some pressure from court work.",
        functions=["management", "support"],
        discussions=[CaseDiscussion(case_id=case, rag="AGR"[k % 3], summary=f"Update {k}",
                                    worries="Missed appointments", plan="Visit weekly")],
        actions=[ActionItem("Book a core group", owner_id=sv, due_date=day + dt.timedelta(days=7),
                            case_id=case)])


def save_sessions(url: str, i: int, n: int, ready=None, resave_every: int = 0) -> dict:
    """Save ``n`` sessions as writer ``i``; every ``resave_every``-th is saved twice (update).

    Returns ``{"writer", "saved", "errors", "start", "end"}``; errors are ``repr`` strings.
    """
    from ..facade import Toolkit
    errors: list[str] = []
    saved = 0
    tk = Toolkit(url, f"ls{i}")
    if ready is not None:  # (queue, event): say we are ready, then start together
        ready[0].put(("ready", i))
        if not ready[1].wait(timeout=300):
            raise TimeoutError("never told to start")
    start = time.time()
    for k in range(n):
        try:
            rec = tk.save_session(make_session(i, k))
            if resave_every and k % resave_every == 0:
                rec.wellbeing = "Updated after a second look."
                tk.save_session(rec)
            saved += 1
        except Exception as e:  # noqa: BLE001 - the caller reports every failure
            errors.append(repr(e))
    return {"writer": i, "saved": saved, "errors": errors, "start": start, "end": time.time()}


def _worker(url: str, i: int, n: int, go, queue, resave_every: int = 0) -> None:
    try:
        queue.put(save_sessions(url, i, n, (queue, go), resave_every))
    except Exception as e:  # noqa: BLE001
        queue.put({"writer": i, "saved": 0, "errors": [repr(e)], "start": 0, "end": 0})


def run_writers(url: str, n_procs: int, n_each: int, *, timeout: float = 600,
                resave_every: int = 0) -> tuple[list[dict], float]:
    """Run ``n_procs`` spawned writer processes at once; (their reports, wall seconds).

    Raises ``TimeoutError`` (after terminating them) if they overrun ``timeout``.
    """
    import multiprocessing as mp
    import queue as queues
    ctx = mp.get_context("spawn")
    go, queue = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(url, i, n_each, go, queue, resave_every),
                         daemon=True) for i in range(n_procs)]
    for p in procs:
        p.start()
    deadline = time.time() + timeout

    def collect(n: int, ready: bool) -> list:
        got = []
        while len(got) < n:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError(f"writers did not finish within {timeout:.0f} s")
            try:
                got.append(queue.get(timeout=min(left, 2)))
            except queues.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(f"a writer process exited with {dead[0].exitcode}") from None
            if ready and got and not isinstance(got[-1], tuple):
                raise RuntimeError(f"writer failed before starting: {got[-1]['errors']}")
        return got

    try:
        collect(n_procs, True)           # every writer has opened the store
        t0 = time.time()
        go.set()
        reports = collect(n_procs, False)
        wall = time.time() - t0
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
    return sorted(reports, key=lambda r: r["writer"]), wall
