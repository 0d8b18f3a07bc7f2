"""Small hand-made stores for the rules-engine tests, built through the facade."""
from __future__ import annotations

import datetime as dt

from supervision_kit.domain.records import (ActionItem, ActionReview, Case, CaseDiscussion, Contract,
                                            Observation, Practitioner, SessionRecord)
from supervision_kit.facade import Toolkit
from tests.fixtures_db import migrated_copy

D = dt.date.fromisoformat


def store(tmp_path, people=(), cases=(), name="rules.sqlite", url=None) -> Toolkit:
    """A fresh store (SQLite file, or ``url``) with a supervisor ``S`` (team North) plus
    ``people`` and ``cases``."""
    if url is None and not (tmp_path / name).exists():
        migrated_copy(tmp_path / name)  # the schema without running Alembic for each store
    tk = Toolkit.system(url or tmp_path / name)
    base = [Practitioner("S", "Sam Supervisor", "sam", role="supervisor", team="North")]
    tk.add_practitioners(base + list(people))
    if cases:
        tk.add_cases(list(cases))
    return tk


def person(pid, name=None, team="North", **kw) -> Practitioner:
    return Practitioner(pid, name or f"Worker {pid}", pid.lower(), team=team,
                        line_manager_id=kw.pop("line_manager_id", "S"), **kw)


def case(cid, worker, status, opened="2025-01-06", **kw) -> Case:
    return Case(cid, f"REF-{cid}", worker, status, D(opened) if isinstance(opened, str) else opened, **kw)


def hold(tk: Toolkit, supervisee, date, *, by="sam", discussions=(), functions=("management",),
         type=None, recorded=None, actions=(), reviews=(), sign=False, stream=None) -> str:
    """A held session (draft unless ``sign``); ``discussions`` are (case_id, rag[, quarterly]);
    ``reviews`` are (action_id, outcome) of earlier actions."""
    sup = tk.as_user(by)
    ids = [supervisee] if isinstance(supervisee, str) else list(supervisee)
    # Built directly: open_session would hand back the supervisee's open draft.
    rec = SessionRecord(date=D(date) if isinstance(date, str) else date, supervisor_id=sup.me.id,
                        supervisee_ids=ids, type=type or ("group" if len(ids) > 1 else "one-to-one"),
                        stream=stream)
    rec.discussions = [CaseDiscussion(case_id=d[0], rag=d[1],
                                      quarterly_review=bool(d[2]) if len(d) > 2 else False)
                       for d in discussions]
    rec.functions = list(functions)
    rec.recorded_date = D(recorded) if isinstance(recorded, str) else recorded
    rec.actions = [a if isinstance(a, ActionItem) else ActionItem(**a) for a in actions]
    rec.reviews = [ActionReview(action_id=a, outcome=o) for a, o in reviews]
    rec = sup.save_session(rec)
    if sign:
        sup.sign(rec.id)
        for p in ids:
            sup.as_user(p).sign(rec.id)  # each supervisee signs as themselves
    return rec.id


def cancel(tk: Toolkit, supervisee, date, reason="sickness", return_date=None, by="sam",
           stream=None) -> str:
    return tk.as_user(by).record_cancellation(supervisee, date, reason, return_date, stream)


def contract(tk: Toolkit, supervisee, preset, start="2025-01-06", overrides=None, by="S",
             **kw) -> Contract:
    c = Contract(supervisor_id=by, supervisee_id=supervisee, preset=preset,
                 start_date=D(start) if isinstance(start, str) else start,
                 overrides=overrides or {}, **kw)
    return tk.save_contract(c)


def observe(tk: Toolkit, supervisee, date, by="S", recorded=True) -> None:
    """An observation made and written up (``recorded``), or only planned."""
    tk.save_observation(Observation(supervisee_id=supervisee, observer_id=by,
                                    date=D(date) if isinstance(date, str) else date,
                                    planned=True, setting="Home visit" if recorded else "",
                                    permissions="Family agreed" if recorded else ""))


def row(df, col, value) -> dict:
    """The one row of ``df`` where ``col == value``, as a dict."""
    hit = df[df[col] == value]
    assert len(hit) == 1, f"{len(hit)} rows with {col}={value!r} in\n{df}"
    return hit.iloc[0].to_dict()


def day(ts):
    """A pandas timestamp (or NaT) as a date (or None)."""
    import pandas as pd
    return None if pd.isna(ts) else pd.Timestamp(ts).date()
