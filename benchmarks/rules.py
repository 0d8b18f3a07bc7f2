"""Benchmark: ``due`` + ``drift`` over a whole demo store vs a plain pandas baseline, same run.

For demo scales 1, 10 and 100 (the generated SQLite files are cached under
``/tmp/supervision_kit_bench/`` between runs):

* rules: ``Toolkit.due()`` + ``Toolkit.drift()`` as the system account, through the
  facade (read the store with the as-of cut, resolve every supervisee's preset, compute,
  write the two audit entries).
* baseline: ``pandas.read_sql`` of case discussions joined to their session dates, then a
  plain ``groupby("case_id")["date"].max()`` — only each case's last discussion date.

Each is timed best-of-N, the two taking turns. Targets: rules ≤ 5× the baseline at scale 100, and the rules'
time grows no worse than linearly from scale 10 to 100 (≤ 11×).

Run: ``.venv/bin/python benchmarks/rules.py [--scales 1 10 100] [--repeats 5]``
"""
from __future__ import annotations

import argparse
import time

import pandas as pd
from sqlalchemy import text

from demo_cache import demo_db  # benchmarks/ is on sys.path when a script here runs

AS_OF = "2026-11-23"  # the demo generator's default "today"


def baseline(engine) -> pd.Series:
    """Each case's last discussion date, the plain way."""
    with engine.connect() as conn:
        d = pd.read_sql(text("SELECT d.case_id, s.date FROM case_discussions d "
                             "JOIN sessions s ON s.id = d.session_id"), conn)
    d["date"] = pd.to_datetime(d["date"], format="ISO8601")
    return d.groupby("case_id")["date"].max()


def rules(tk) -> tuple[int, int]:
    return len(tk.due(as_of=AS_OF)), len(tk.drift(as_of=AS_OF))


def best_of(fns, repeats: int) -> list[float]:
    """Best time of each function, running them in turn so both see the same machine load."""
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, ts in zip(fns, times):
            t = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t)
    return [min(ts) for ts in times]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    from supervision_kit.facade import Toolkit

    results = []
    for scale in args.scales:
        tk = Toolkit.system(demo_db(scale))
        with tk.engine.connect() as conn:
            n = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                 for t in ("practitioners", "cases", "sessions", "case_discussions")}
        baseline(tk.engine), rules(tk)  # warm caches (YAML, SQLite pages) for both sides
        t_base, t_rules = best_of([lambda: baseline(tk.engine), lambda: rules(tk)], args.repeats)
        due_rows, drift_rows = rules(tk)
        results.append((scale, t_base, t_rules))
        print(f"scale {scale:>3}: {n['practitioners']:>6} practitioners {n['cases']:>7} cases "
              f"{n['sessions']:>7} sessions {n['case_discussions']:>8} discussions | "
              f"baseline {t_base * 1000:8.1f} ms | due+drift {t_rules * 1000:8.1f} ms "
              f"({due_rows} due rows, {drift_rows} drift rows) | ratio {t_rules / t_base:5.2f}x")
    by = {s: (b, r) for s, b, r in results}
    if 100 in by:
        ratio = by[100][1] / by[100][0]
        print(f"ratio to baseline at scale 100: {ratio:.2f}x (target <= 5x): "
              f"{'OK' if ratio <= 5 else 'MISSED'}")
    if 10 in by and 100 in by:
        growth = by[100][1] / by[10][1]
        print(f"growth of due+drift from scale 10 to 100: {growth:.2f}x (target <= 11x): "
              f"{'OK' if growth <= 11 else 'MISSED'}")


if __name__ == "__main__":
    main()
