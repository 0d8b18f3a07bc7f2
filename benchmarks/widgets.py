"""Benchmark: the session widgets against plain ipywidgets and the bare facade, same run.

World: one supervisor, one supervisee with 40 open cases and two years of monthly signed
sessions (10 case discussions with RAG ratings, 3 actions, and every open action reviewed
in each), built through the facade in a temporary SQLite file.

1. build: ``SessionRecorder(tk, supervisee)`` for the next session, against building an
   ``ipywidgets.VBox`` of the same number of plain ``Text`` widgets as the recorder shows.
2. save: ``recorder.save()`` of a draft with 10 filled-in case discussions, against
   ``tk.save_session`` of the same record.

Both ratios should be at most 2×. Run: ``.venv/bin/python benchmarks/widgets.py``
"""
from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

N_CASES, MONTHS, PER_SESSION = 40, 24, 10
REPEATS = 15
TARGET = 2.0
START = dt.date(2022, 1, 10)


def build_world(path: Path):
    """The supervisor's toolkit on a store with two years of history."""
    from supervision_kit.domain.records import (ActionItem, ActionReview, Case, CaseDiscussion,
                                                Practitioner)
    from supervision_kit.facade import Toolkit
    system = Toolkit.system(path)
    system.add_practitioners([
        Practitioner(id="sup", name="Sam Supervisor", username="sam", role="supervisor"),
        Practitioner(id="pw", name="Pat Worker", username="pat", line_manager_id="sup")])
    system.add_cases([Case(id=f"c{i:02d}", reference=f"REF-{i:04d}", worker_id="pw",
                           status=("child protection plan", "child in need", "early help")[i % 3],
                           opened=START - dt.timedelta(days=30)) for i in range(N_CASES)])
    tk = system.as_user("sam")
    last = None
    for m in range(MONTHS):
        day = START + dt.timedelta(days=30 * m)
        rec = tk.open_session("pw", date=day)
        rec.agenda = f"Monthly supervision {m + 1}"
        # Every open action is reviewed: most done, the odd one carried forward again.
        rec.reviews = [ActionReview(a.id, "carried forward" if k == 0 and a.session_id == last
                                    else "done") for k, a in enumerate(tk.carried_actions(rec))]
        for k in range(PER_SESSION):
            cid = f"c{(m * PER_SESSION + k) % N_CASES:02d}"
            rec.discussions.append(CaseDiscussion(
                case_id=cid, summary=f"Update {m}", worries="Neglect; school attendance",
                working_well="Grandmother involved", plan="Weekly visits", rag="GAR"[(m + k) % 3],
                proposed_amendment="Core group to review"))
        rec.actions = [ActionItem(f"Visit family {k} and see the children alone", owner_id="pw",
                                  due_date=day + dt.timedelta(days=14), case_id=f"c{k:02d}")
                       for k in range(3)]
        rec.functions = ["management", "support"]
        rec.next_session_date = day + dt.timedelta(days=30)
        rec = tk.save_session(rec)
        tk.sign(rec.id)
        tk.as_user("pw").sign(rec.id)
        last = rec.id
    return tk, START + dt.timedelta(days=30 * MONTHS)


def timed_pair(ours, baseline, repeats: int = REPEATS) -> tuple[float, float]:
    """Median seconds of ``ours()`` and ``baseline()``, run alternately so that both see
    the same load on a busy machine."""
    a, b = [], []
    for _ in range(repeats):
        for fn, out in ((ours, a), (baseline, b)):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
    return statistics.median(a), statistics.median(b)


def main() -> None:
    import ipywidgets as w

    from supervision_kit.widgets.common import walk
    from supervision_kit.widgets.session import SessionRecorder

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        tk, day = build_world(Path(tmp) / "bench.sqlite")
        print(f"world: {N_CASES} cases, {MONTHS} signed sessions ({time.perf_counter() - t0:.1f} s)")

        # 1. building
        SessionRecorder(tk, "pw", date=day)  # warm caches (frameworks, SQLAlchemy statements)
        n = len(list(walk(SessionRecorder(tk, "pw", date=day).widget)))
        ours, base = timed_pair(lambda: SessionRecorder(tk, "pw", date=day),
                                lambda: w.VBox([w.Text() for _ in range(n - 1)]))
        print(f"build SessionRecorder ({n} widgets): {ours * 1e3:.1f} ms; "
              f"VBox of {n - 1} Text: {base * 1e3:.1f} ms; ratio {ours / base:.2f}x "
              f"(target <= {TARGET}x)")

        # 2. saving a draft with 10 discussions
        rec = SessionRecorder(tk, "pw", date=day, autosave=False)
        for k in range(PER_SESSION):
            form = rec.add_discussion(f"c{k:02d}")
            form.inputs["summary"].value = f"Events since last time for case {k}"
            form.rag.value = "G"
        rec.inputs["agenda"].value = "Ten cases"
        assert rec.save(), rec.status
        bare = tk.session(rec.record.id)

        def facade_save():
            nonlocal bare
            bare = tk.save_session(bare)

        def recorder_save():
            rec.record.version = bare.version
            assert rec.save(), rec.status
            bare.version = rec.record.version

        facade_save()
        t_rec, t_bare = timed_pair(recorder_save, facade_save)
        print(f"save 10 discussions: recorder {t_rec * 1e3:.1f} ms; facade save_session "
              f"{t_bare * 1e3:.1f} ms; ratio {t_rec / t_bare:.2f}x (target <= {TARGET}x)")


if __name__ == "__main__":
    main()
