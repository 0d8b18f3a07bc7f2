"""Legal hold [Temple Appendix 1; Havering 9]: held records survive `retention --apply`."""
from __future__ import annotations

import pytest

from supervision_kit.cli.main import main as cli_main
from supervision_kit.domain.records import CaseDiscussion, Reflection
from supervision_kit.errors import AccessDenied, ValidationError
from tests.fixtures_pg import db_url, pg_server  # noqa: F401
from tests.test_maintenance import DAY, count, leaver_world, signed_session


def test_practitioner_hold_keeps_everything_and_is_listed(db_url):
    tk, own, group, _ = leaver_world(db_url)
    hold = tk.as_user("ada").place_hold("practitioner", "P9", "CSPR", "CSPR-2024-07")
    plan = tk.retention(as_of="2025-02-01", apply=True)
    item = next(p for p in plan if p["practitioner_id"] == "P9")
    assert [h["id"] for h in item["held"]] == [hold["id"]]
    assert count(tk, "sessions", "id = :i", i=own.id) == 1
    assert count(tk, "reflections", "author_id = 'P9'") == 1
    assert count(tk, "contracts", "supervisee_id = 'P9'") == 1
    assert tk.practitioner("P9").username == "nia"  # not anonymised
    assert tk.verify() == []
    actions = [(e["action"], e["entity"]) for e in tk.audit_log(limit=20)]
    assert ("hold", "legal_hold") in actions and ("keep", "practitioner") in actions
    # Lifted: the next run destroys, and the lifting is logged.
    tk.as_user("ada").lift_hold(hold["id"], "review published")
    assert tk.legal_holds() == []
    tk.retention(as_of="2025-02-01", apply=True)
    assert count(tk, "sessions", "id = :i", i=own.id) == 0
    assert ("lift", "legal_hold") in [(e["action"], e["entity"]) for e in tk.audit_log(limit=20)]


def test_case_hold_keeps_the_sessions_that_discussed_it(db_url):
    tk, own, _, _ = leaver_world(db_url)
    # Nia discussed case C2 in another session; the complaint concerns C2.
    on_case = signed_session(tk, ["P9"], DAY.replace(month=8),
                             discussions=[CaseDiscussion(case_id="C2", rag="R", summary="worse")])
    tk.as_user("nia").save_reflection(Reflection("gibbs", "P9", {"description": "C2 visit"},
                                                 case_id="C2"))
    tk.as_user("mia").place_hold("case", "C2", "complaint", "COMP/118")
    plan = tk.retention(as_of="2025-02-01", apply=True)
    item = plan[0]
    assert item["held_sessions"] == [on_case.id]
    assert count(tk, "sessions", "id = :i", i=on_case.id) == 1  # survives
    assert count(tk, "case_discussions", "session_id = :i", i=on_case.id) == 1
    assert count(tk, "sessions", "id = :i", i=own.id) == 0  # the rest goes
    assert count(tk, "reflections", "case_id = 'C2'") == 1
    assert tk.verify() == []


def test_hold_roles_and_fields(world):
    with pytest.raises(AccessDenied):
        world.as_user("sam").place_hold("case", "C1", "CSPR", "X")
    with pytest.raises(AccessDenied):  # Mia manages North; case C3 is South's
        world.as_user("mia").place_hold("case", "C3", "IMR", "IMR-1")
    with pytest.raises(ValidationError) as e:
        world.as_user("ada").place_hold("case", "C1", "gossip", "X")
    assert e.value.field == "reason"
    with pytest.raises(ValidationError) as e:
        world.as_user("ada").place_hold("case", "C1", "IMR", "  ")
    assert e.value.field == "reference"
    assert world.as_user("aud").legal_holds() == []


def test_cli_lists_held_records(tmp_path, capsys):
    db = tmp_path / "hold.sqlite"
    tk, own, _, _ = leaver_world(f"sqlite:///{db}")
    base = ["--db", str(db), "--as-user", "ada"]
    assert cli_main(["hold", "place", "--scope", "practitioner", "--target", "P9",
                     "--reason", "litigation", "--reference", "CLAIM 22", *base]) == 0
    assert "placed hold" in capsys.readouterr().out
    assert cli_main(["retention", "--apply", "--confirm", "--as-of", "2025-02-01", *base]) == 0
    out = capsys.readouterr().out
    assert "P9: left 2022-01-31, due 2025-01-31: KEPT under legal hold" in out
    assert "litigation, CLAIM 22" in out and "0 practitioner(s) destroyed" in out
    assert count(tk, "sessions", "id = :i", i=own.id) == 1
    assert cli_main(["hold", "list", *base]) == 0
    assert "practitioner P9, litigation (CLAIM 22), active since" in capsys.readouterr().out
