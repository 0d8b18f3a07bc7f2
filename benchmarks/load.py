"""Load test: 8 processes each save 200 sessions at once, to SQLite and to PostgreSQL.

Each process is one supervisor saving through the facade (validation, optimistic
concurrency, one transaction per save, the hash-chained audit entry). Afterwards every
one of the 1,600 sessions must be present exactly once with its own text, no writer may
have met an error, and ``verify`` must pass (the audit chain is unbroken). It prints
sessions saved per second for each database and the ratio to one process alone (the
in-run baseline: the same code saving 200 sessions by itself on a fresh database).

Loopback only: a SQLite file in a temporary folder and a throwaway PostgreSQL server on
127.0.0.1 (Debian's ``postgresql`` binaries, default durable settings). Bounded in time:
the whole run stops with an error after ``LOAD_TIMEOUT`` seconds (default 900).

Run: ``.venv/bin/python benchmarks/load.py [--procs 8] [--each 200] [--only sqlite|postgres]``
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def check(url: str, n_procs: int, n_each: int, reports: list[dict]) -> list[str]:
    """Problems: errors surfaced, sessions missing, duplicated or with someone else's text."""
    from sqlalchemy import text

    from supervision_kit.facade import Toolkit
    from supervision_kit.testing.load import session_id
    problems = [f"writer {r['writer']}: {e}" for r in reports for e in r["errors"]]
    tk = Toolkit.system(url)
    with tk.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, content FROM sessions WHERE id LIKE 'load-%'")).all()
        n_disc = conn.execute(text("SELECT COUNT(*) FROM case_discussions")).scalar()
    ids = [r.id for r in rows]
    expected = {session_id(i, k) for i in range(n_procs) for k in range(n_each)}
    if len(ids) != len(set(ids)):
        problems.append(f"{len(ids) - len(set(ids))} sessions stored twice")
    if set(ids) != expected:
        problems.append(f"{len(expected - set(ids))} sessions missing, "
                        f"{len(set(ids) - expected)} unexpected")
    import json
    for r in rows:
        content = r.content if isinstance(r.content, dict) else json.loads(r.content)
        i, k = (int(x) for x in r.id.split("-")[1:])
        if content.get("agenda") != f"writer {i} session {k}":
            problems.append(f"{r.id}: text belongs to another session")
            break
    if n_disc != len(expected):
        problems.append(f"{n_disc} case discussions for {len(expected)} sessions")
    problems += tk.verify()
    tk.engine.dispose()
    return problems


def run(url_factory, label: str, n_procs: int, n_each: int, deadline: float) -> dict:
    """Baseline (one process) then ``n_procs`` at once, each on a fresh database."""
    from supervision_kit.testing.load import build_load_world, run_writers
    out = {}
    for procs in (1, n_procs):
        url = url_factory(f"{label}_{procs}")
        build_load_world(url, procs).engine.dispose()
        reports, wall = run_writers(url, procs, n_each, timeout=max(10, deadline - time.time()))
        problems = check(url, procs, n_each, reports)
        total = procs * n_each
        out[procs] = {"sessions": total, "seconds": wall, "rate": total / wall,
                      "problems": problems}
        print(f"  {label}: {procs} process(es) x {n_each} sessions = {total} in {wall:.1f} s "
              f"-> {total / wall:.1f} sessions/s; "
              + ("all present once, verify ok" if not problems else f"{len(problems)} PROBLEMS"),
              flush=True)
        for p in problems[:10]:
            print(f"    {p}", flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--procs", type=int, default=8)
    ap.add_argument("--each", type=int, default=200)
    ap.add_argument("--only", choices=("sqlite", "postgres"))
    args = ap.parse_args(argv)
    limit = float(os.environ.get("LOAD_TIMEOUT", "900"))
    deadline = time.time() + limit

    def overrun(*_):
        raise TimeoutError(f"load test exceeded {limit:.0f} s")
    signal.signal(signal.SIGALRM, overrun)
    signal.alarm(int(limit) + 30)

    tmp = Path(tempfile.mkdtemp(prefix="sk-load-"))
    server = None
    results = {}
    try:
        if args.only != "postgres":
            results["sqlite"] = run(lambda name: f"sqlite:///{tmp / name}.sqlite", "sqlite",
                                    args.procs, args.each, deadline)
        if args.only != "sqlite":
            from supervision_kit.testing.pgserver import start_server
            server = start_server(fast=False)
            results["postgres"] = run(server.create_database, "postgres",
                                      args.procs, args.each, deadline)
    finally:
        signal.alarm(0)
        if server is not None:
            server.stop()
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nsessions saved per second ({args.procs} processes x {args.each} sessions, "
          f"vs 1 process x {args.each} alone):")
    failed = False
    for db, r in results.items():
        one, many = r[1], r[args.procs]
        print(f"  {db:9s} 1 process {one['rate']:7.1f}/s   {args.procs} processes "
              f"{many['rate']:7.1f}/s   ratio {many['rate'] / one['rate']:.2f}")
        failed |= bool(one["problems"] or many["problems"])
    print("result: " + ("FAILED: see problems above" if failed else
                        f"all {args.procs * args.each} sessions present exactly once on each "
                        f"database, no errors, verify passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
