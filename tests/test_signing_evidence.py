"""Signing and verify, case by case: written to kill the mutants of the signing group
(scripts/mutation.toml) that the scenario tests let live. Each asks what a user sees:
a refusal by field, a signature stored as given, verify naming (or not) a record."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from supervision_kit.domain.canonical import content_hash
from supervision_kit.errors import AccessDenied, ValidationError
from tests.test_evidence_units import _draft, _signed


def test_a_signature_relabelled_by_migration_0010_still_matches_its_own_login_entry():
    """Migration 0010 relabelled old 'own login' rows honestly as recorded before methods
    were kept; their signing entries still say 'own login' and must not be called altered,
    while a row relabelled so against an 'in person' signing still is."""
    from supervision_kit.domain.signing import BEFORE_METHODS
    from supervision_kit.store.signing import _mismatch, parse_sign_detail, sign_detail
    h, at = "b" * 64, dt.datetime(2026, 3, 2, 9)

    class Row:
        method, content_hash, signed_at = BEFORE_METHODS, h, at
    assert _mismatch(parse_sign_detail(sign_detail("P1", "own login", at, h)), Row) == ""
    assert _mismatch(parse_sign_detail(sign_detail("P1", "in person", at, h)), Row) == \
        f"says {BEFORE_METHODS!r} but was given 'in person'"


def test_a_disagreement_turned_into_agreement_is_named():
    """A signer who disagreed, their signature row rewritten to agree: named as such."""
    from supervision_kit.store.signing import _mismatch, parse_sign_detail, sign_detail
    h, at = "b" * 64, dt.datetime(2026, 3, 2, 9)
    entry = parse_sign_detail(sign_detail("P2", "own login", at, h, disagrees=True,
                                          comment="The second action's date is wrong"))

    class Row:
        method, content_hash, signed_at = "own login", h, at
        disagrees, comment = False, "The second action's date is wrong"
    assert _mismatch(entry, Row) == "says the signer agreed but the signing said otherwise"
    Row.disagrees = True
    assert _mismatch(entry, Row) == ""


def test_verify_checks_every_record_of_a_store_with_more_than_500_signed(world):
    """verify loads signed records 500 at a time: a record altered beyond the first 500 is
    named, and named once. (Written straight to the store: 502 records signed through the
    facade would take minutes.)"""
    from sqlalchemy import insert, update

    from supervision_kit.domain.records import SessionRecord
    from supervision_kit.store import tables
    from supervision_kit.store.engine import write_transaction
    from supervision_kit.store.sessions import load_sessions, write_session
    ids = [f"sess-{i:04d}" for i in range(502)]  # verify takes them in id order
    with write_transaction(world.engine) as conn:
        for sid in ids:
            write_session(conn, SessionRecord(date=dt.date(2026, 3, 2), supervisor_id="P1",
                                              supervisee_ids=["P2"], agenda=f"agenda {sid}",
                                              state="awaiting signatures", version=1, id=sid),
                          insert_new=True)
        hashes = {r.id: content_hash(r) for r in load_sessions(conn, ids)}
        for sid, h in hashes.items():
            conn.execute(update(tables.sessions).where(tables.sessions.c.id == sid)
                         .values(content_hash=h))
        conn.execute(insert(tables.signatures), [
            dict(session_id=sid, practitioner_id="P1", signed_at=dt.datetime(2026, 3, 2, 10),
                 method="own login", content_hash=h) for sid, h in hashes.items()])
    assert world.verify() == []
    with world.engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET date = '2026-03-03' WHERE id = 'sess-0500'"))
    assert world.verify() == ["session sess-0500 (2026-03-03): content does not match its "
                              "signed hash — altered outside the application"]


def test_a_record_destroyed_by_the_retention_schedule_is_not_named_but_one_deleted_is(world):
    """Retention's destroy entry lists the records it removed, so verify does not call them
    deleted outside the application; a signed record removed by raw SQL is still named,
    and a signed contract (a signing in the log that is not a session's) never is."""
    from supervision_kit.domain.records import Contract, SessionRecord
    sam = world.as_user("sam")
    ids = {}
    for who in ("P9", "P2"):
        rec = sam.save_session(SessionRecord(date=dt.date(2021, 6, 7), supervisor_id="P1",
                                             supervisee_ids=[who]))
        sam.sign(rec.id), world.as_user(who).sign(rec.id)
        ids[who] = rec.id
    c = world.as_user("ada").save_contract(Contract("P1", "P2", "havering", dt.date(2021, 6, 7)))
    world.as_user("pat").sign_contract(c.id)
    world.set_leaving_date("P9", "2022-01-31")
    world.as_user("ada").retention(as_of="2025-02-01", apply=True)
    assert world.verify() == []
    with world.engine.begin() as conn:
        for table, col in (("signatures", "session_id"), ("session_attendees", "session_id"),
                           ("sessions", "id")):
            conn.execute(text(f"DELETE FROM {table} WHERE {col} = :s"), {"s": ids["P2"]})
    assert world.verify() == [f"session {ids['P2']} (signed {dt.date.today()}): deleted "
                              f"outside the application"]


def test_a_signer_who_disagrees_is_logged_with_a_hash_of_their_comment_and_verifies(world):
    """Signing in disagreement, with a comment [Havering 10]: the signing's audit entry says
    so and carries the comment's hash (not its text), and verify finds nothing wrong."""
    import hashlib
    sam = world.as_user("sam")
    rec = sam.save_session(sam.open_session(["P2"], date="2026-03-02"))
    why = "The second action's date is wrong"
    with pytest.raises(ValidationError) as refused:  # a disagreement says why
        world.as_user("pat").sign(rec.id, disagrees=True)
    assert refused.value.field == "comment"
    from supervision_kit.domain.signing import MAX_COMMENT
    with pytest.raises(ValidationError) as refused:
        world.as_user("pat").sign(rec.id, comment="x" * (MAX_COMMENT + 1))
    assert refused.value.field == "comment"
    with pytest.raises(AccessDenied, match=f"sign session {rec.id}"):  # not a party
        world.as_user("quinn").sign(rec.id)
    world.as_user("pat").sign(rec.id, disagrees=True, comment=why)
    sam.sign(rec.id, comment="Noted")
    assert world.verify() == []
    assert {s.practitioner_id: (s.disagrees, s.comment) for s in sam.signatures(rec.id)} == \
        {"P2": (True, why), "P1": (False, "Noted")}
    other = _signed(world)  # signed with no comment: none is stored
    assert [s.comment for s in sam.signatures(other)] == ["", ""]
    details = [e["detail"] for e in world.as_user("aud").audit_log(limit=50)
               if e["action"] == "sign" and e["entity_id"] == rec.id]
    pat = next(d for d in details if d.startswith("P2 "))
    assert "; disagrees with the record; comment sha256 " + \
        hashlib.sha256(why.encode("utf-8")).hexdigest() in pat and why not in pat
    sam_d = next(d for d in details if d.startswith("P1 "))
    assert "disagrees" not in sam_d and "; comment sha256 " in sam_d


def test_the_first_signature_refuses_a_decision_already_sent_to_oversight(world):
    """One decision, one oversight item: a record asking oversight of the very decision the
    case's last signed record sent is refused at its first signature, by field and why."""
    from supervision_kit.domain.records import CaseDiscussion
    sam, pat = world.as_user("sam"), world.as_user("pat")
    ids = []
    for day in ("2026-03-02", "2026-03-30"):
        rec = sam.open_session(["P2"], date=day)
        rec.discussions = [CaseDiscussion(case_id="C1", rag="A", needs_oversight=True,
                                          decision="Step down to child in need")]
        ids.append(sam.save_session(rec).id)
        if len(ids) == 1:
            sam.sign(ids[0]), pat.sign(ids[0])
    with pytest.raises(ValidationError) as refused:
        sam.sign(ids[1])
    assert refused.value.field == "discussions[0].needs_oversight"
    assert refused.value.message.startswith("this decision went to management oversight on "
                                            "2 Mar 2026")


def test_a_signature_given_in_person_is_stored_as_in_person(world):
    sam, rec = _draft(world)
    sam.sign_in_method = "in person"
    sam.sign(rec.id)
    assert [s.method for s in sam.signatures(rec.id)] == ["in person"]


def test_a_signed_records_stored_hash_rewritten_is_named(world):
    """The hash stored on the record is checked too, not only the signatures' hashes."""
    sid = _signed(world)
    with world.engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET content_hash = :h WHERE id = :s"),
                     {"h": "c" * 64, "s": sid})
    assert world.verify() == [f"session {sid} (2026-03-02): content does not match its signed "
                              f"hash — altered outside the application"]


def test_the_first_signature_keeps_the_presets_rule_on_cases(world):
    """Under Temple's school preset (two current cases each session) a record of one case
    is refused at its first signature, by field and why."""
    from supervision_kit.domain.records import CaseDiscussion, Contract
    world.save_contract(Contract(supervisor_id="P1", supervisee_id="P2",
                                 preset="temple_school_dsl", start_date=dt.date(2026, 1, 5)))
    sam = world.as_user("sam")
    rec = sam.open_session(["P2"], date="2026-03-02")
    rec.discussions = [CaseDiscussion(case_id="C1", rag="A")]
    rec = sam.save_session(rec)
    with pytest.raises(ValidationError) as refused:
        sam.sign(rec.id)
    assert refused.value.field == "discussions"
    assert refused.value.message.startswith("this preset asks for at least 2 cases")


def test_a_signed_record_relabelled_draft_with_its_signatures_deleted_is_named(world):
    """Raw SQL deletes both signatures of a signed record and marks it a draft again:
    verify still names it (its hash and its signing entries say it was signed)."""
    sid = _signed(world)
    assert world.verify() == []
    with world.engine.begin() as conn:
        conn.execute(text("DELETE FROM signatures WHERE session_id = :s"), {"s": sid})
        conn.execute(text("UPDATE sessions SET state = 'draft' WHERE id = :s"), {"s": sid})
    assert any(p.startswith(f"session {sid} ") for p in world.verify())


def test_a_signed_record_whose_two_signatures_are_deleted_names_both_signers(world):
    """Both signature rows deleted by raw SQL, the record still marked signed: verify names
    each missing signer, one after the other."""
    sid = _signed(world)
    with world.engine.begin() as conn:
        conn.execute(text("DELETE FROM signatures WHERE session_id = :s"), {"s": sid})
    assert any(f"marked signed but P1, P2 never signed" in p for p in world.verify())



@pytest.mark.parametrize("emptied", ["NULL", "''"])
@pytest.mark.parametrize("signers", [("P1", "P2"), ("P1",)], ids=["signed", "awaiting"])
def test_a_record_whose_stored_session_hash_is_emptied_is_named(world, signers, emptied):
    """``sign`` stores the first signer's hash on the session, also while the record awaits
    the second signature; raw SQL empties it, content untouched: verify names the record
    (an empty hash was once passed over as if the record had never been signed)."""
    sid = _signed(world, signers)
    with world.engine.connect() as conn:
        stored = conn.execute(text("SELECT state, content_hash FROM sessions WHERE id = :s"),
                              {"s": sid}).one()
    assert stored.state == ("signed" if len(signers) == 2 else "awaiting signatures")
    assert stored.content_hash == content_hash(world.session(sid))
    assert world.verify() == []
    with world.engine.begin() as conn:
        conn.execute(text(f"UPDATE sessions SET content_hash = {emptied} WHERE id = :s"),
                     {"s": sid})
    assert [p for p in world.verify() if p.startswith(f"session {sid} ")] == [
        f"session {sid} (2026-03-02): signed but its stored content hash is empty — altered "
        "outside the application"]
