"""Backup and restore (SQLite backup API, pg_dump) and the retention schedule, on both databases."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from supervision_kit.cli.main import main as cli_main
from supervision_kit.config import Settings
from supervision_kit.domain.records import (ActionItem, ActionReview, CaseDiscussion, Contract,
                                            Evaluation, Reflection, SessionRecord)
from supervision_kit.errors import AccessDenied, ValidationError
from supervision_kit.facade import Toolkit
from supervision_kit.facade.maintenance import restore
from tests.fixtures_db import build_world
from tests.fixtures_pg import db_url, pg_server  # noqa: F401

DAY = dt.date(2021, 6, 7)
SECRET = "Nia disclosed her own childhood experience"


def count(tk: Toolkit, table: str, where: str = "1=1", **params) -> int:
    with tk.engine.connect() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {table} WHERE {where}"), params).scalar()


def signed_session(tk: Toolkit, supervisees: list[str], day: dt.date, **kw) -> SessionRecord:
    sam = tk.as_user("sam")
    rec = SessionRecord(date=day, supervisor_id="P1", supervisee_ids=supervisees,
                        type="group" if len(supervisees) > 1 else "one-to-one", **kw)
    rec = sam.save_session(rec)
    sam.sign(rec.id)
    for who in supervisees:
        tk.as_user(who).sign(rec.id)  # each from their own sign-in
    return sam.session(rec.id, log=False)


# ---------------------------------------------------------------- backup and restore

def test_backup_then_restore_brings_back_the_backed_up_state(db_url, tmp_path):
    tk = build_world(db_url)
    rec = signed_session(tk, ["P2"], DAY, agenda="before the backup",
                         discussions=[CaseDiscussion(case_id="C1", rag="A", summary="steady")])
    path = tk.backup(tmp_path / "store.backup")
    assert path.stat().st_size > 0
    # Afterwards: a new session, and someone tampers with the signed one.
    later = tk.as_user("sam").save_session(SessionRecord(date=DAY + dt.timedelta(days=30),
                                                         supervisor_id="P1", supervisee_ids=["P2"]))
    with tk.engine.begin() as conn:
        conn.execute(text("UPDATE case_discussions SET rag = 'G'"))
    assert tk.verify() != []
    tk.engine.dispose()

    assert restore(path, db_url) == []
    back = Toolkit.system(db_url)
    assert back.verify() == []
    assert count(back, "sessions", "id = :i", i=rec.id) == 1
    assert count(back, "sessions", "id = :i", i=later.id) == 0
    actions = [e["action"] for e in back.audit_log(limit=50)]
    # Newest first: the restore is logged after the backup entry the copy carries.
    assert "restore" in actions and actions.index("restore") < actions.index("backup")


def test_restore_into_a_new_database(db_url, tmp_path, request):
    tk = build_world(db_url)
    signed_session(tk, ["P2"], DAY, agenda="copied")
    path = tk.backup(tmp_path / "copy.backup")
    if db_url.startswith("sqlite"):
        target = f"sqlite:///{tmp_path / 'restored' / 'new.sqlite'}"
    else:
        server = request.getfixturevalue("pg_server")
        target = server.url(f"restored_{tmp_path.name[-20:].replace('-', '_')}")
    try:
        assert restore(path, target) == []
        new = Toolkit.system(target)
        assert new.as_user("sam").sessions()[0]["state"] == "signed"
        new.engine.dispose()
    finally:
        if not target.startswith("sqlite"):
            request.getfixturevalue("pg_server").drop_database(target.rsplit("/", 1)[1])


def test_restore_refuses_a_file_that_is_not_a_backup(db_url, tmp_path):
    build_world(db_url)
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database")
    with pytest.raises(ValidationError) as e:
        restore(bad, db_url)
    assert e.value.field == "backup"
    assert Toolkit.system(db_url).verify() == []


def test_backup_is_admin_only(db_url, tmp_path):
    tk = build_world(db_url)
    with pytest.raises(AccessDenied):
        tk.as_user("sam").backup(tmp_path / "x.backup")
    assert not (tmp_path / "x.backup").exists()


def test_cli_backup_restore_verify(tmp_path, capsys):
    db = tmp_path / "cli.sqlite"
    tk = build_world(db)
    signed_session(tk, ["P2"], DAY)
    out = tmp_path / "cli.backup"
    assert cli_main(["backup", str(out), "--db", str(db), "--as-user", "ada"]) == 0
    assert out.exists()
    assert cli_main(["restore", str(out), "--db", str(tmp_path / "again.sqlite")]) == 0
    assert "audit chain intact" in capsys.readouterr().out
    assert cli_main(["verify", "--db", str(tmp_path / "again.sqlite"), "--as-user", "aud"]) == 0


# ---------------------------------------------------------------- retention

def leaver_world(db_url, review_in_group: bool = False):
    """Nia (P9) left on 31 January 2022; Pat (P2) is still here."""
    tk = build_world(db_url)
    own = signed_session(tk, ["P9"], DAY, agenda=SECRET,
                         actions=[ActionItem("Read the ASYE handbook", owner_id="P9",
                                             due_date=DAY + dt.timedelta(days=14))])
    reviews = [ActionReview(own.actions[0].id, "done")] if review_in_group else []
    group = signed_session(tk, ["P2", "P9"], DAY + dt.timedelta(days=28), agenda="group",
                           reviews=reviews)
    tk.as_user("nia").save_reflection(Reflection("gibbs", "P9", {"description": SECRET}))
    tk.as_user("nia").save_evaluation(Evaluation("P9", "P1", DAY, answers=["yes"] * 10))
    tk.as_user("sam").save_contract(Contract("P1", "P9", "havering_social_work", DAY,
                                             purpose=SECRET))
    pat_own = signed_session(tk, ["P2"], DAY, agenda="Pat's own")
    tk.set_leaving_date("P9", "2022-01-31")
    return tk, own, group, pat_own


def test_retention_dry_run_lists_and_changes_nothing(db_url):
    tk, own, group, _ = leaver_world(db_url)
    assert tk.retention(as_of="2025-01-30") == []  # three years are not yet up
    before = count(tk, "sessions")
    plan = tk.retention(as_of="2025-01-31")
    assert [p["practitioner_id"] for p in plan] == ["P9"]
    item = plan[0]
    assert item["left"] == dt.date(2022, 1, 31) and item["due"] == dt.date(2025, 1, 31)
    assert item["sessions"] == [(own.id, DAY)]
    assert item["kept_sessions"] == [group.id]
    assert item["rows"]["reflections"] == 1 and item["rows"]["evaluations"] == 1
    assert item["rows"]["contracts"] == 1 and item["rows"]["actions"] == 1
    assert count(tk, "sessions") == before
    # The period is a setting.
    longer = Toolkit.system(settings=Settings(retention_years=5), engine=tk.engine)
    assert longer.retention(as_of="2025-01-31") == []


def test_retention_apply_destroys_logs_ids_and_dates_only(db_url):
    tk, own, group, pat_own = leaver_world(db_url)
    tk.retention(as_of="2025-02-01", apply=True)
    assert count(tk, "sessions", "id = :i", i=own.id) == 0
    assert count(tk, "actions", "session_id = :i", i=own.id) == 0
    assert count(tk, "signatures", "session_id = :i", i=own.id) == 0
    for table, col in (("reflections", "author_id"), ("evaluations", "supervisee_id"),
                       ("contracts", "supervisee_id")):
        assert count(tk, table, f"{col} = 'P9'") == 0
    # Kept for Pat: the group session (whole, so its signed hash still matches) and Pat's own.
    assert count(tk, "session_attendees", "session_id = :i", i=group.id) == 2
    assert count(tk, "sessions", "id = :i", i=pat_own.id) == 1
    nia = tk.practitioner("P9")
    assert nia.name == "Former practitioner P9" and nia.username == "left-P9"
    assert tk.verify() == []
    entry = next(e for e in tk.audit_log(limit=20) if e["action"] == "destroy")
    assert entry["entity_id"] == "P9" and own.id in entry["detail"] and str(DAY) in entry["detail"]
    assert "ASYE" not in entry["detail"] and "childhood" not in entry["detail"]
    with tk.engine.connect() as conn:
        all_detail = " ".join(conn.execute(text("SELECT detail FROM audit_log")).scalars())
    assert SECRET not in all_detail
    assert tk.retention(as_of="2025-02-01") == []  # nothing left to do


def test_retention_keeps_a_session_a_kept_record_reviewed(db_url):
    tk, own, group, _ = leaver_world(db_url, review_in_group=True)
    plan = tk.retention(as_of="2025-02-01", apply=True)
    assert plan[0]["sessions"] == [] and own.id in plan[0]["kept_sessions"]
    assert count(tk, "sessions", "id = :i", i=own.id) == 1
    assert tk.verify() == []


def test_retention_admin_only_and_cli_needs_confirm(tmp_path, capsys):
    db = tmp_path / "ret.sqlite"
    tk, own, _, _ = leaver_world(f"sqlite:///{db}")
    with pytest.raises(AccessDenied):
        tk.as_user("sam").retention()
    base = ["--db", str(db), "--as-user", "ada", "--as-of", "2025-02-01"]
    assert cli_main(["retention", "--dry-run", *base]) == 0
    out = capsys.readouterr().out
    assert "P9: left 2022-01-31, due 2025-01-31" in out and own.id in out
    assert cli_main(["retention", "--apply", *base]) == 2
    assert "--confirm" in capsys.readouterr().out
    assert count(tk, "sessions", "id = :i", i=own.id) == 1
    assert cli_main(["retention", "--apply", "--confirm", *base]) == 0
    assert "1 practitioner(s) destroyed" in capsys.readouterr().out
    assert count(tk, "sessions", "id = :i", i=own.id) == 0
