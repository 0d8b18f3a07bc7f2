"""Faults: a process killed mid-import or mid-save leaves the store as it was; a tampered
audit log is named by ``verify``."""
from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import os
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import event, text

from supervision_kit.cli.main import main as cli_main
from supervision_kit.domain.records import CaseDiscussion
from supervision_kit.facade import Toolkit
from supervision_kit.io.spec import FORMAT, TABLE_ORDER, VERSION
from tests.fixtures_db import build_world
from tests.fixtures_pg import db_url, pg_server  # noqa: F401

DAY = dt.date(2026, 3, 2)
TABLES = (*TABLE_ORDER, "audit_log")


def counts(tk: Toolkit) -> dict[str, int]:
    """Rows in every table of the store."""
    with tk.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in TABLES}


def big_dataset(n: int) -> dict:
    """A valid dataset of ``n`` cases and ``n`` sessions, clashing with nothing in the world."""
    day = dt.date(2024, 1, 1)
    people = [dict(id="BIGS", name="Big Supervisor", username="bigs", role="supervisor",
                   agency_type="school")]
    people += [dict(id=f"BIGW{w}", name=f"Big Worker {w}", username=f"bigw{w}",
                    role="practitioner", agency_type="school", line_manager_id="BIGS")
               for w in range(20)]
    cases = [dict(id=f"BIGC{i}", reference=f"BIG-{i:06d}", worker_id=f"BIGW{i % 20}",
                  status="child in need", opened=str(day)) for i in range(n)]
    history = [dict(case_id=f"BIGC{i}", status="child in need", from_date=str(day))
               for i in range(n)]
    sessions = [dict(id=f"BIGSESS{i}", date=str(day + dt.timedelta(days=i % 700)),
                     type="one-to-one", supervisor_id="BIGS", state="draft",
                     content={"agenda": f"agenda {i}", "wellbeing": "fine"}, functions=["support"])
                for i in range(n)]
    attendees = [dict(session_id=f"BIGSESS{i}", practitioner_id=f"BIGW{i % 20}")
                 for i in range(n)]
    return {"format": FORMAT, "version": VERSION, "practitioners": people, "cases": cases,
            "case_status_history": history, "sessions": sessions, "session_attendees": attendees}


def _import_child(url: str, path: str, marker: str) -> None:
    """Import a big file; once rows are being written, say so and stall inside the transaction."""
    def progress(done: int, total: int) -> None:
        if done > total // 2 and not os.path.exists(marker):
            Path(marker).write_text(f"{done}/{total}")
            time.sleep(300)  # the parent kills us here, mid-transaction
    Toolkit.system(url).import_json(path, progress=progress)


def _save_child(url: str, session_id: str, marker: str) -> None:
    """Save an edit of a session; stall once the old rows are gone and new ones half written."""
    tk = Toolkit(url, "sam")

    @event.listens_for(tk.engine, "after_cursor_execute")
    def stall(conn, cursor, statement, *_):
        if statement.lstrip().upper().startswith("INSERT INTO CASE_DISCUSSIONS"):
            Path(marker).write_text(statement[:60])
            time.sleep(300)  # the parent kills us here, mid-transaction

    rec = tk.session(session_id, log=False)
    rec.agenda = "half-saved rewrite"
    rec.discussions = [CaseDiscussion(case_id="C2", rag="G", summary="replacement")]
    rec.actions = []
    tk.save_session(rec)


def _kill_when_marked(proc, marker: Path, timeout: float = 240) -> str:
    deadline = time.time() + timeout
    while not marker.exists():
        assert proc.is_alive(), f"child ended (exit {proc.exitcode}) before it started writing"
        assert time.time() < deadline, "child never started writing"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(timeout=30)
    assert proc.exitcode == -signal.SIGKILL
    return marker.read_text()


def _a_saved_session(tk: Toolkit):
    sam = tk.as_user("sam")
    rec = sam.open_session(["P2"], date=DAY)
    rec.agenda = "original"
    rec.discussions = [CaseDiscussion(case_id="C1", rag="R", summary="original discussion")]
    return sam.save_session(rec)


@pytest.mark.slow
def test_kill_during_import_leaves_store_as_before(db_url, tmp_path):
    tk = build_world(db_url)
    _a_saved_session(tk)
    before = counts(tk)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(big_dataset(12_000)))
    marker = tmp_path / "writing"
    proc = mp.get_context("spawn").Process(target=_import_child,
                                           args=(db_url, str(path), str(marker)))
    proc.start()
    progress = _kill_when_marked(proc, marker)
    done, total = map(int, progress.split("/"))
    assert total // 2 < done < total  # killed with rows written but not committed
    assert counts(tk) == before
    assert tk.verify() == []
    # The dead writer left no lock behind: the store takes a new save at once.
    sam = tk.as_user("sam")
    rec = sam.session(sam.open_session(["P2"]).id, log=False)
    rec.agenda = "after the crash"
    assert sam.save_session(rec).version == 2


@pytest.mark.slow
def test_kill_during_save_leaves_record_as_before(db_url, tmp_path):
    tk = build_world(db_url)
    saved = _a_saved_session(tk)
    before, sam = counts(tk), tk.as_user("sam")
    old = sam.session(saved.id, log=False)
    marker = tmp_path / "writing"
    proc = mp.get_context("spawn").Process(target=_save_child, args=(db_url, saved.id, str(marker)))
    proc.start()
    _kill_when_marked(proc, marker)
    assert counts(tk) == before
    now = sam.session(saved.id, log=False)
    assert now == old  # same version, agenda, discussions and actions
    assert now.agenda == "original" and [d.case_id for d in now.discussions] == ["C1"]
    assert tk.verify() == []
    now.agenda = "after the crash"
    assert sam.save_session(now).version == old.version + 1


def _audit_world(db_url) -> tuple[Toolkit, list[int]]:
    tk = build_world(db_url)
    saved = _a_saved_session(tk)
    sam = tk.as_user("sam")
    sam.sign(saved.id)
    tk.as_user("pat").sign(saved.id)
    with tk.engine.connect() as conn:
        ids = list(conn.execute(text("SELECT id FROM audit_log ORDER BY id")).scalars())
    assert len(ids) >= 5 and tk.verify() == []
    return tk, ids


def _cli_verify(db_url, capsys) -> tuple[int, str]:
    code = cli_main(["verify", "--db", db_url, "--as-user", "aud"])
    return code, capsys.readouterr().out


def test_deleted_audit_entry_is_named(db_url, capsys):
    tk, ids = _audit_world(db_url)
    gone = ids[2]
    with tk.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": gone})
    problems = tk.verify()
    assert problems == [f"audit entry {ids[3]}: chain broken before it (an entry was deleted "
                        f"or reordered)"]
    code, out = _cli_verify(db_url, capsys)
    assert code == 1 and f"audit entry {ids[3]}" in out


def test_entries_removed_from_the_end_are_found_with_a_recorded_head(db_url, capsys):
    tk, ids = _audit_world(db_url)
    code, out = _cli_verify(db_url, capsys)
    recorded = out.split("newest hash ")[1].split()[0]
    assert code == 0 and len(recorded) == 64
    with tk.engine.begin() as conn:  # the last two entries, so the chain itself stays whole
        conn.execute(text("DELETE FROM audit_log WHERE id >= :i"), {"i": ids[-2]})
    assert tk.verify() == []  # the chain alone cannot tell
    code = cli_main(["verify", "--db", db_url, "--as-user", "aud", "--head", recorded])
    out = capsys.readouterr().out
    assert code == 1 and "removed from the end" in out


def test_edited_audit_entry_is_named(db_url, capsys):
    tk, ids = _audit_world(db_url)
    edited = ids[-2]
    with tk.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET detail = 'nothing happened' WHERE id = :i"),
                     {"i": edited})
    problems = tk.verify()
    assert f"audit entry {edited}: content changed after it was written" in problems
    code, out = _cli_verify(db_url, capsys)
    assert code == 1 and f"audit entry {edited}: content changed" in out


def test_rewritten_audit_user_and_time_are_named(db_url):
    tk, ids = _audit_world(db_url)
    with tk.engine.begin() as conn:
        conn.execute(text('UPDATE audit_log SET "user" = \'someone_else\' WHERE id = :i'),
                     {"i": ids[1]})
        conn.execute(text("UPDATE audit_log SET at = :t WHERE id = :i"),
                     {"t": dt.datetime(2020, 1, 1), "i": ids[3]})
    problems = tk.verify()
    assert any(p.startswith(f"audit entry {ids[1]}: content changed") for p in problems)
    assert any(p.startswith(f"audit entry {ids[3]}: content changed") for p in problems)
