"""The demo agency for the app tests (plain functions, no fixtures).

``demo_copy(dir)`` copies one demo database, generated once per test process with
today's date (so what is due and drifting is as the apps see it today).
``pick_session(db)`` finds, through the facade, a demo supervisor and a supervisee with
no open record, at least one carried action and a case that is not drifting, plus a
drifting case of theirs for the caseload.
"""
from __future__ import annotations

import atexit
import dataclasses as dc
import datetime as dt
import shutil
import sqlite3
import tempfile
from pathlib import Path

from supervision_kit.facade import Toolkit

_template: Path | None = None


def _backup(src: Path, dst: Path) -> Path:
    # SQLite's backup API copies the WAL's committed pages too (a file copy might not)
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    a.close()
    b.close()
    return dst


def demo_copy(directory: Path, name: str = "demo.sqlite") -> Path:
    """A fresh copy of the demo database (generated on first use in this process)."""
    global _template
    if _template is None or not _template.exists():
        folder = tempfile.mkdtemp(prefix="sk-demo-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = Path(folder) / "demo.sqlite"
        Toolkit.system(path).create_demo(scale=1, today=dt.date.today())
        _template = path
    directory.mkdir(parents=True, exist_ok=True)
    return _backup(_template, directory / name)


@dc.dataclass
class SessionPick:
    """Who the session test acts as, and with whom and about what."""
    supervisor: str            # username
    supervisor_name: str
    supervisee_id: str
    supervisee_label: str      # as the session app's picker shows it
    supervisee_name: str
    carried: list[str]         # descriptions of the open actions carried into the session
    case_id: str               # a case of the supervisee that is not drifting
    case_label: str            # as the discussion picker shows it
    drift_reference: str       # a drifting case in the supervisor's caseload
    drift_reason: str


def _cases_rule(tk, supervisee_id: str) -> bool:
    """Does the supervisee's preset ask for a number of cases, or one chosen by each party
    (the Temple preset: Temple Appendix 2)?"""
    return any(tk.preset(c.preset).get("agenda.min_cases") or
               tk.preset(c.preset).get("agenda.each_party_chooses")
               for c in tk.contracts(supervisee_id=supervisee_id, active_only=True))


def pick_session(db) -> SessionPick:
    """The first demo supervisor (by username) who fits the session and caseload tests."""
    system = Toolkit.system(db)
    supervisors = sorted((p for p in system.practitioners(include_left=False)
                          if p.role == "supervisor"), key=lambda p: p.username)
    for sup in supervisors:
        tk = system.as_user(sup.username)
        people = tk.supervisees()
        drift = tk.drift()
        mine = drift[drift["worker_id"].isin({p.id for p in people})]
        if mine.empty:
            continue
        for p in people:
            if _cases_rule(tk, p.id):
                continue  # these tests record one case chosen by the supervisor (test_agenda*)
            rec = tk.open_session(p.id)
            carried = tk.carried_actions(rec)
            if rec.version or not carried:
                continue  # an open record would be resumed; we want a new one
            if len({a.description for a in carried}) < len(carried):
                continue  # the browser test finds each carried action by its words
            if not any(q.id != p.id and not tk.open_drafts(q.id) for q in people):
                continue  # the old-draft test needs another supervisee with no draft
            cases = [c for c in tk.cases(worker_id=p.id) if c.id not in set(drift["case_id"])]
            if not cases:
                continue
            c = cases[0]
            row = mine.iloc[0]
            return SessionPick(
                supervisor=sup.username, supervisor_name=sup.name, supervisee_id=p.id,
                supervisee_label=p.name + (f" ({p.team})" if p.team else ""),
                supervisee_name=p.name, carried=[a.description for a in carried],
                case_id=c.id, case_label=f"{c.reference} ({c.status})",
                drift_reference=str(row["reference"]), drift_reason=str(row["reason"]))
    raise LookupError("no demo supervisor fits the app tests")
