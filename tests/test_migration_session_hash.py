"""The 0012 migration: a store at 0011_gov whose records awaiting a second signature (or
signed) have no session hash, as the demo and sealed datasets left them, opens, migrates,
and each such session takes the hash its signatures recorded when they agree; never a
hash of the content as it stands, so a record altered since signing is still named.
On SQLite and PostgreSQL."""
from sqlalchemy import text

from supervision_kit.domain.canonical import content_hash
from supervision_kit.facade import Toolkit
from tests.fixtures_db import build_world, downgrade_to
from tests.fixtures_pg import db_url, pg_server  # noqa: F401


def _signed(tk, supervisee, date, signers):
    sam = tk.as_user("sam")
    rec = sam.save_session(sam.open_session([supervisee], date=date))
    for p in signers:
        tk.as_user(p).sign(rec.id)
    return rec.id


def _hashes(tk, *ids) -> list:
    with tk.engine.connect() as conn:
        return [conn.execute(text("SELECT content_hash FROM sessions WHERE id = :s"),
                             {"s": i}).scalar() for i in ids]


def test_sessions_without_a_hash_take_their_signatures_hash_when_they_agree(db_url):  # noqa: F811
    tk = build_world(db_url)
    awaiting = _signed(tk, "P2", "2026-03-02", ["P1"])
    signed = _signed(tk, "P2", "2026-03-09", ["P1", "P2"])
    disagreeing = _signed(tk, "P2", "2026-03-16", ["P1", "P2"])
    altered = _signed(tk, "P2", "2026-03-23", ["P1"])
    untouched = _signed(tk, "P2", "2026-03-30", ["P1", "P2"])
    signed_hash = {i: h for i, h in zip((awaiting, signed, altered, untouched),
                                       _hashes(tk, awaiting, signed, altered, untouched))}
    assert tk.verify() == []
    downgrade_to(tk, "0011_gov")  # the release before this one
    with tk.engine.begin() as conn:  # as the old seal (and old raw edits) left them
        for sid in (awaiting, signed, disagreeing, altered):
            conn.execute(text("UPDATE sessions SET content_hash = NULL WHERE id = :s"), {"s": sid})
        conn.execute(text("UPDATE sessions SET content_hash = '' WHERE id = :s"), {"s": signed})
        conn.execute(text("UPDATE signatures SET content_hash = :h WHERE session_id = :s "
                          "AND practitioner_id = 'P2'"), {"h": "f" * 64, "s": disagreeing})
        conn.execute(text("UPDATE sessions SET next_session_date = '2026-05-01' "
                          "WHERE id = :s"), {"s": altered})
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0011_gov"
    tk.engine.dispose()

    again = Toolkit.system(db_url)  # opens and migrates to head
    with again.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == \
            "0012_session_hash"
    assert _hashes(again, awaiting, signed, altered, untouched) == [
        signed_hash[awaiting], signed_hash[signed], signed_hash[altered], signed_hash[untouched]]
    assert _hashes(again, disagreeing) == [None]  # its signatures disagree: left empty
    # The altered record got the hash its signer signed, not one of its content now.
    assert signed_hash[altered] != content_hash(again.session(altered))
    named = sorted(p.split(" ")[1] for p in again.verify())
    assert named == sorted([disagreeing, altered])
