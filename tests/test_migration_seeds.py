"""The 0009 migration: a store at the previous schema (0008_lifecycle) opens, migrates, keeps every
row, and ``verify`` still passes on every signed record; on SQLite and PostgreSQL."""
from sqlalchemy import inspect

from supervision_kit.facade import Toolkit
from tests.fixtures_db import build_world, downgrade_to
from tests.fixtures_pg import db_url, pg_server  # noqa: F401
from tests.rules_store import D, hold


def _to_previous_release(tk) -> None:
    downgrade_to(tk, "0008_lifecycle")  # the release before this one


def test_a_previous_store_migrates_and_verifies(db_url, tmp_path):
    url = db_url or tmp_path / "old.sqlite"
    tk = build_world(url)
    signed = [hold(tk, "P2", f"2025-{m:02d}-06", by="sam", sign=True,
                   discussions=[("C1", "A")]) for m in (9, 10, 11)]
    before = tk.verify()
    assert before == []
    _to_previous_release(tk)
    cols = {c["name"] for c in inspect(tk.engine).get_columns("practitioners")}
    assert "started_in_post" not in cols and "working_percent" not in cols
    assert not {"bookings", "case_meetings", "reminder_log"} & set(inspect(tk.engine).get_table_names())
    tk.engine.dispose()

    again = Toolkit.system(url)            # opens and migrates to head
    cols = {c["name"] for c in inspect(again.engine).get_columns("practitioners")}
    assert {"started_in_post", "working_percent"} <= cols
    assert {"bookings", "case_meetings", "reminder_log", "reminder_optouts"} <= set(
        inspect(again.engine).get_table_names())
    assert {"stream"} <= {c["name"] for c in inspect(again.engine).get_columns("sessions")}
    assert again.verify() == []
    people = {p.id: p for p in again.practitioners()}
    assert len(people) == 9 and people["P9"].asye_start == D("2026-01-05")
    assert people["P2"].working_percent is None and people["P2"].started_in_post is None
    held = again.as_user("sam").sessions(supervisee_id="P2")
    assert sorted(s["id"] for s in held if s["state"] == "signed") == sorted(signed)
    # Full-time and no start date: the Havering monthly rule, as before the migration.
    row = again.due(as_of="2025-11-20")
    mine = row[row["supervisee_id"] == "P2"]
    assert len(mine) == 1 and mine["stream"].iloc[0] == "management"   # the preset's stream
    assert str(mine["next_due"].iloc[0].date()) == "2025-12-06"   # old sessions still count
    assert {s.stream for s in (again.session(i) for i in signed)} == {None}
