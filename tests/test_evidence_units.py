"""Small, fast tests of the evidence-critical code, written to kill mutants that the
scenario tests let live (scripts/mutation.toml): golden hashes, the audit chain entry by
entry, signature checks word by word, and who may see whom."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from supervision_kit.domain.canonical import chain_hash, content_hash
from supervision_kit.domain.records import ActionItem, ActionReview, CaseDiscussion
from supervision_kit.errors import AccessDenied, NotFound, ValidationError
from supervision_kit.store import audit
from tests.test_tamper import golden_record

# ------------------------------------------------------------------ golden hashes


def test_golden_hash_of_text_beyond_ascii():
    """Typed text is hashed as UTF-8 as typed (not \\u escapes), so accents, curly quotes
    and dashes keep the hash that was signed."""
    rec = golden_record()
    rec.agenda = "Zoë’s family — café, naïve"
    assert content_hash(rec) == "0ba53ccd4cd5871acaff6e9441f13bc24eb34d8ecd6e1f7bfbc733b0e7d5bb6d"


def test_golden_chain_hash():
    fields = audit._fields(dt.datetime(2026, 3, 2, 9, 30, 0, 123456), "sam", "sign", "session",
                           "sess-1", "P1 (own login); sha256 " + "a" * 64)
    assert chain_hash(audit.GENESIS, fields) == \
        "59370b74d60adb065593493e14f41e2f968957474c95ebb8f34acddbf8c27860"
    assert chain_hash("1" * 64, fields) != chain_hash(audit.GENESIS, fields)


# ------------------------------------------------------------------ the audit chain

@pytest.fixture
def store(world):
    """The world's engine and the ids of the audit entries its building wrote."""
    return world.engine


def _rows(engine):
    from sqlalchemy import select
    with engine.begin() as conn:  # at least four entries to work on
        for i in range(4 - conn.execute(text("SELECT COUNT(*) FROM audit_log")).scalar()):
            audit.append(conn, "sam", "view", "session", f"s{i}")
    with engine.connect() as conn:
        return list(conn.execute(select(audit.audit_log).order_by(audit.audit_log.c.id)).mappings())


def test_each_entry_is_chained_to_the_one_before(world):
    engine = world.engine
    with engine.begin() as conn:
        audit.append(conn, "sam", "view", "session", "x" * 300, "first")
        audit.append(conn, "pat", "save", "session", 42, "second")
    rows = _rows(engine)
    assert rows[0]["prev_hash"] == audit.GENESIS
    for before, r in zip(rows, rows[1:]):
        assert r["prev_hash"] == before["hash"]
    *_, a, b = rows
    assert a["entity_id"] == "x" * 200 and b["entity_id"] == "42"  # ids cut to the column
    for r in (a, b):
        assert r["hash"] == chain_hash(r["prev_hash"], audit._fields(
            r["at"], r["user"], r["action"], r["entity"], r["entity_id"], r["detail"]))
    assert (a["user"], a["action"], a["entity"], a["detail"]) == ("sam", "view", "session", "first")
    with engine.connect() as conn:
        assert audit.verify_chain(conn) == []
        assert audit.head(conn) == (len(rows), rows[-1]["hash"])


def test_an_entry_without_id_or_detail_stores_them_empty(world):
    with world.engine.begin() as conn:
        audit.append(conn, "aud", "verify", "store")
    with world.engine.connect() as conn:
        newest = audit.entries(conn, limit=1)[0]
    assert (newest["action"], newest["entity_id"], newest["detail"]) == ("verify", "", "")


def test_an_empty_log_has_the_genesis_head(tmp_path):
    from supervision_kit.facade import Toolkit
    tk = Toolkit.system(tmp_path / "empty.sqlite")
    with tk.engine.connect() as conn:
        assert audit.head(conn) == (0, audit.GENESIS)
        assert audit.verify_chain(conn) == []
        assert audit.missing_head(conn, audit.GENESIS) == []
    tk.engine.dispose()


@pytest.mark.parametrize("column", ["at", "user", "action", "entity", "entity_id", "detail"])
def test_every_chained_field_edited_is_named(world, column):
    rows = _rows(world.engine)
    target = rows[1]["id"]
    value = "2020-01-01 00:00:00" if column == "at" else "changed"
    with world.engine.begin() as conn:
        conn.execute(text(f"UPDATE audit_log SET {column} = :v WHERE id = :i"),
                     {"v": value, "i": target})
        problems = audit.verify_chain(conn)
    assert problems == [f"audit entry {target}: content changed after it was written"]


def test_an_entry_deleted_names_the_one_after(world):
    rows = _rows(world.engine)
    with world.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": rows[1]["id"]})
        problems = audit.verify_chain(conn)
    assert problems == [f"audit entry {rows[2]['id']}: chain broken before it (an entry was "
                        f"deleted or reordered)"]


def test_a_head_recorded_earlier_must_still_be_there(world):
    with world.engine.connect() as conn:
        n, last = audit.head(conn)
        assert audit.missing_head(conn, last) == []
        assert audit.missing_head(conn, f"  {last.upper()}\n") == []  # as pasted from a note
    with world.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE hash = :h"), {"h": last})
        problems = audit.missing_head(conn, last)
        assert audit.verify_chain(conn) == []  # the chain alone cannot tell
    assert problems == [f"audit entry with hash {last[:16]}… recorded earlier is gone: entries "
                        f"were removed from the end of the log"]


def test_entries_newest_first_by_user_and_action(world):
    with world.engine.begin() as conn:
        audit.append(conn, "sam", "view", "session", "s1")
        audit.append(conn, "pat", "view", "session", "s2")
        audit.append(conn, "sam", "save", "session", "s3")
    with world.engine.connect() as conn:
        newest = audit.entries(conn, limit=2)
        assert [e["entity_id"] for e in newest] == ["s3", "s2"]
        assert [e["entity_id"] for e in audit.entries(conn, user="sam")][:2] == ["s3", "s1"]
        assert [e["entity_id"] for e in audit.entries(conn, action="view")][:2] == ["s2", "s1"]
        assert [e["entity_id"] for e in audit.entries(conn, user="sam", action="view")] == ["s1"]
    with world.engine.begin() as conn:
        for i in range(201):
            audit.append(conn, "sam", "view", "case", f"c{i}")
    with world.engine.connect() as conn:
        assert len(audit.entries(conn)) == 200  # the newest 200 unless asked for more


# ------------------------------------------------------------------ signatures, word by word

def _signed(world, who=("P1", "P2")):
    sam = world.as_user("sam")
    rec = sam.save_session(sam.open_session([who[-1] if len(who) > 1 else "P2"],
                                            date="2026-03-02"))
    for p in who:
        world.as_user(p).sign(rec.id)  # each from their own sign-in [issue 13]
    return rec.id


@pytest.mark.parametrize("sql, words", [
    ("UPDATE signatures SET method = 'in person' WHERE practitioner_id = 'P2'",
     "P2's signature says 'in person' but was given 'own login'"),
    ("UPDATE signatures SET comment = 'Agreed' WHERE practitioner_id = 'P2'",
     "P2's signature carries a comment other than the one given"),
    ("UPDATE signatures SET disagrees = TRUE WHERE practitioner_id = 'P2'",
     "P2's signature says the signer disagreed but the signing said otherwise"),
    ("UPDATE signatures SET signed_at = '2020-01-01 09:00:00' WHERE practitioner_id = 'P1'",
     "P1's signature is dated 01 Jan 2020 09:00:00 but was given at"),
])
def test_a_signature_rewritten_is_named_with_what_differs(world, sql, words):
    sid = _signed(world)
    with world.engine.begin() as conn:
        conn.execute(text(sql))
    problems = world.verify()
    assert len(problems) == 1 and problems[0].startswith(f"session {sid}: ")
    assert words in problems[0] and problems[0].endswith("altered outside the application")


def test_a_signature_with_another_hash_in_a_half_signed_record_is_named(world):
    """One of two signatures re-hashed to match a forged session hash."""
    from supervision_kit.store.signing import _mismatch, parse_sign_detail, sign_detail
    h = "b" * 64
    entry = parse_sign_detail(sign_detail("P1", "own login", dt.datetime(2026, 3, 2, 9), h))

    class Row:
        method, content_hash, signed_at = "own login", h, dt.datetime(2026, 3, 2, 9)
    assert _mismatch(entry, Row) == ""
    assert _mismatch(None, Row) == "is not in the audit log"
    assert _mismatch(entry, None) == "is recorded in the audit log but gone from the record"
    Row.content_hash = "c" * 64
    assert _mismatch(entry, Row) == "carries a hash other than the one signed"
    Row.content_hash, Row.signed_at = h, dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    assert _mismatch(entry, Row) == ""  # a driver's zone does not make it another time


def test_a_signature_the_log_never_saw_is_named(world):
    sid = _signed(world, who=("P1",))
    with world.engine.begin() as conn:
        conn.execute(text("INSERT INTO signatures (session_id, practitioner_id, signed_at, method, "
                          "content_hash) SELECT session_id, 'P2', signed_at, method, content_hash "
                          "FROM signatures WHERE session_id = :s"), {"s": sid})
        conn.execute(text("UPDATE sessions SET state = 'signed' WHERE id = :s"), {"s": sid})
    problems = world.verify()
    assert problems == [f"session {sid}: P2's signature is not in the audit log — altered "
                        f"outside the application"]


def test_signings_of_other_records_and_other_things_are_not_mixed_up(world):
    """Two records signed, and a contract: each signature is checked against its own entry."""
    a = _signed(world)
    sam = world.as_user("sam")
    b = sam.save_session(sam.open_session(["P9"], date="2026-03-03")).id
    sam.sign(b), world.as_user("P9").sign(b)
    assert world.verify() == []
    with world.engine.begin() as conn:
        conn.execute(text("UPDATE signatures SET method = 'in person' WHERE session_id = :s "
                          "AND practitioner_id = 'P9'"), {"s": b})
    problems = world.verify()
    assert len(problems) == 1 and b in problems[0] and a not in problems[0]


# ------------------------------------------------------------------ verify, problem by problem

def test_verify_names_each_kind_of_record_problem_in_its_words(world):
    sam = world.as_user("sam")
    half = _signed(world, who=("P1",))
    gone = _signed(world, who=("P1", "P9"))
    with world.engine.begin() as conn:
        conn.execute(text("DELETE FROM signatures WHERE session_id = :s"), {"s": half})
        conn.execute(text("UPDATE sessions SET state = 'draft' WHERE id = :s"), {"s": gone})
    problems = sorted(world.verify())
    assert len(problems) == 2
    assert any(p.startswith(f"session {half} (2026-03-02): awaiting signatures but its "
                            f"signatures are gone") for p in problems), problems
    assert any(p.startswith(f"session {gone} (2026-03-02): has signatures but is marked draft")
               for p in problems), problems
    assert sam.session(half, log=False).state == "awaiting signatures"


def test_an_addendum_edited_is_named(world):
    sid = _signed(world)
    add = world.as_user("pat").add_addendum(sid, "The date of the second action is wrong.")
    assert world.verify() == []
    with world.engine.begin() as conn:
        conn.execute(text("UPDATE addenda SET text = 'All fine.' WHERE id = :i"), {"i": add.id})
    assert world.verify() == [f"addendum {add.id} on session {sid}: text altered"]


def test_only_auditors_and_admins_verify_and_each_check_is_logged(world):
    with pytest.raises(AccessDenied) as d:
        world.as_user("sam").verify_records()
    assert str(d.value) == "sam (supervisor) may not verify records"
    _signed(world)
    assert world.as_user("aud").verify_records() == []
    e = world.as_user("aud").audit_log(limit=1)[0]
    assert (e["user"], e["action"], e["entity"], e["entity_id"], e["detail"]) == \
        ("aud", "verify", "store", "", "1 signed records, 0 problems")
    assert world.as_user("aud").verify_records() == []
    assert world.as_user("ada").verify_records() == []


# ------------------------------------------------------------------ who may see whom

VISIBLE = {  # the world of tests/fixtures_db.py, before any session or contract
    "sam": {"P1", "P2", "P9"},          # himself and his line reports
    "pat": {"P2"},
    "quinn": {"P3"},
    "sue": {"P3", "P4"},
    "mia": {"P1", "P2", "P5", "P9"},    # her team (North)
    "rae": set(),
}


@pytest.mark.parametrize("user", sorted(VISIBLE))
def test_who_sees_whom(world, user):
    tk = world.as_user(user)
    everyone = {f"P{i}" for i in range(1, 10)}
    assert {p for p in everyone if tk.can_see(p)} == VISIBLE[user]


@pytest.mark.parametrize("user", ["aud", "ada"])
def test_auditors_and_admins_see_everyone(world, user):
    tk = world.as_user(user)
    assert all(tk.can_see(f"P{i}") for i in range(1, 10)) and tk.can_see("P-unknown")


def test_a_contract_the_supervisee_signed_lets_the_supervisor_see_them(world):
    """Only facts the supervisor cannot write alone widen what they see (issue 19)."""
    from supervision_kit.domain.records import Contract
    assert not world.as_user("sue").can_see("P2")
    c = world.as_user("ada").save_contract(Contract("P4", "P2", "havering", dt.date(2026, 1, 5)))
    assert not world.as_user("sue").can_see("P2")  # unsigned: anyone could have written it
    world.as_user("pat").sign_contract(c.id)
    assert world.as_user("sue").can_see("P2")
    assert not world.as_user("sue").can_see("P9")


def test_a_researcher_sees_no_identifiable_record(world):
    sid = _signed(world)
    rae = world.as_user("rae")
    with pytest.raises(AccessDenied, match="identifiable"):
        rae.session(sid)
    with pytest.raises(AccessDenied, match="identifiable"):
        rae.history("P2")


def test_a_party_sees_their_record_and_a_stranger_does_not(world):
    sid = _signed(world)
    assert world.as_user("pat").session(sid).id == sid
    assert world.as_user("mia").session(sid).id == sid  # North's manager
    with pytest.raises(AccessDenied, match="see session"):
        world.as_user("quinn").session(sid)
    with pytest.raises(NotFound, match="no session 'sess-nonesuch'"):
        world.as_user("pat").session("sess-nonesuch")
    assert world.as_user("sam").session_parties(sid) == {"P1": "Sam Supervisor",
                                                         "P2": "Pat Practitioner"}


def test_writes_are_refused_to_auditors_and_researchers(world):
    from supervision_kit.domain.records import ActionItem
    for user in ("aud", "rae"):
        with pytest.raises(AccessDenied, match="add actions"):
            world.as_user(user).add_action(ActionItem("x", owner_id="P2"))
    assert world.as_user("pat").add_action(ActionItem("mine")).owner_id == "P2"


def test_roles_required_are_enforced_but_admins_pass(world):
    with pytest.raises(AccessDenied, match="run a supervision session"):
        world.as_user("pat").open_session(["P2"])
    assert world.as_user("ada").open_session(["P2"]).supervisor_id == "P8"
    with pytest.raises(AccessDenied, match="supervise P3"):
        world.as_user("sam").open_session(["P3"])


def test_seeing_nobody_in_a_list_is_refused(world):
    sam = world.as_user("sam")
    with pytest.raises(AccessDenied):
        sam.context.check_see([None, ""], "see nobody")
    sam.context.check_see(["P3", "P2"], "see one of two")  # one visible is enough
    with pytest.raises(AccessDenied, match="see P3 and P4"):
        sam.context.check_see(["P3", "P4"], "see P3 and P4")


def test_the_order_of_a_sessions_attendees_is_kept(world):
    sam = world.as_user("sam")
    rec = sam.save_session(sam.open_session(["P9", "P2"], date="2026-03-02"))
    with world.engine.connect() as conn:
        assert sam.context.session_parties(conn, rec.id) == ("P1", ["P9", "P2"])


# ------------------------------------------------------------------ signing and saving, refusal by refusal

def _draft(world, supervisee="P2"):
    sam = world.as_user("sam")
    return sam, sam.save_session(sam.open_session([supervisee], date="2026-03-02"))


def test_signing_refusals_name_the_field_and_the_reason(world):
    from supervision_kit.errors import RecordLocked, ValidationError
    sam, rec = _draft(world)
    with pytest.raises(ValidationError) as e:  # North's manager may see the record, not sign it
        world.as_user("mia").sign(rec.id)
    assert (e.value.field, e.value.message) == ("signer", "P5 is not a party to this record")
    with pytest.raises(AccessDenied) as d:  # nobody signs for anyone else [issue 13]
        world.as_user("mia").sign(rec.id, "P2")
    assert str(d.value) == ("mia (manager) may not sign on behalf of 'P2': each person signs "
                            "from their own sign-in")
    with pytest.raises(AccessDenied) as d:
        world.as_user("aud").sign(rec.id)
    assert str(d.value) == "aud (auditor) may not sign supervision records"
    sam.sign(rec.id)
    with pytest.raises(ValidationError) as e:
        sam.sign(rec.id)
    assert (e.value.field, e.value.message) == ("signer", "already signed")
    world.as_user("pat").sign(rec.id)
    with pytest.raises(RecordLocked) as locked:
        sam.sign(rec.id)
    assert str(locked.value) == "this record is already signed by everyone"
    cancelled = sam.record_cancellation("P9", "2026-03-04", "sickness")
    with pytest.raises(ValidationError) as e:
        sam.sign(cancelled)
    assert (e.value.field, e.value.message) == ("state", "a cancelled session has no record to sign")


def test_signing_records_who_how_when_and_locks_at_the_last_signature(world):
    sam, rec = _draft(world)
    first = sam.sign(rec.id)
    assert first.state == "awaiting signatures" and first.version == rec.version + 1
    assert first.content_hash == content_hash(rec) and first.recorded_date == dt.date.today()
    with world.engine.connect() as conn:
        assert conn.execute(text("SELECT locked_at FROM sessions WHERE id = :s"),
                            {"s": rec.id}).scalar() is None
    last = world.as_user("pat").sign(rec.id)
    assert last.state == "signed" and last.version == rec.version + 2
    assert last.content_hash == first.content_hash  # the hash signed first is kept
    with world.engine.connect() as conn:
        assert conn.execute(text("SELECT locked_at FROM sessions WHERE id = :s"),
                            {"s": rec.id}).scalar() is not None
    sigs = {s.practitioner_id: s for s in sam.signatures(rec.id)}
    assert {p: s.method for p, s in sigs.items()} == {"P1": "own login", "P2": "own login"}
    assert all(s.content_hash == first.content_hash for s in sigs.values())
    log = world.as_user("aud").audit_log(action="sign")
    assert [(e["user"], e["entity_id"]) for e in log[:2]] == [("pat", rec.id), ("sam", rec.id)]
    assert log[0]["detail"].startswith("P2 (own login) at ") and first.content_hash in log[0]["detail"]


def test_a_recorded_date_given_before_signing_is_kept(world):
    sam = world.as_user("sam")
    rec = sam.open_session(["P2"], date="2026-03-02")
    rec.recorded_date = dt.date(2026, 3, 3)
    rec = sam.save_session(rec)
    assert sam.sign(rec.id).recorded_date == dt.date(2026, 3, 3)


def test_saving_refusals_name_the_field_and_the_reason(world):
    from supervision_kit.domain.records import Reflection
    from supervision_kit.errors import StaleRecord, ValidationError
    sam, rec = _draft(world)
    with pytest.raises(AccessDenied) as d:
        world.as_user("aud").save_session(rec)
    assert str(d.value) == "aud (auditor) may not write supervision records"
    with pytest.raises(AccessDenied) as d:
        world.as_user("pat").save_session(rec)
    assert str(d.value) == "pat (practitioner) may not write a record supervised by P1"
    rec.reflections = [Reflection("gibbs", "P3")]
    with pytest.raises(ValidationError) as e:
        sam.save_session(rec)
    assert (e.value.field, e.value.message) == (
        "reflections[0].author_id", "only a party to the session can write its reflections")
    rec.reflections = [Reflection("gibbs", "P1")]
    saved = sam.save_session(rec)
    assert saved.reflections[0].author_id == "P1" and saved.version == 2
    with pytest.raises(StaleRecord) as stale:
        sam.save_session(rec)  # version 1, now 2
    assert str(stale.value) == ("someone else saved this record after you opened it; your text "
                                "is kept: reload and merge it")
    assert stale.value.unsaved.reflections[0].framework == "gibbs"
    sam.sign(saved.id)
    with pytest.raises(Exception) as locked:
        sam.save_session(sam.session(saved.id, log=False))
    assert str(locked.value) == "this record has been signed; add an addendum instead"


def test_a_save_another_writer_overtook_is_refused_and_the_text_comes_back(world):
    """Two writers hold version 1 and both pass the version check; the other's save lands
    first (on PostgreSQL a concurrent transaction can commit in between). Here it is
    written on the same connection just before our update, as that commit would be seen:
    our save is refused as stale with the user's text handed back, never written over
    the other's (test_concurrency races two processes on PostgreSQL)."""
    from sqlalchemy import event

    from supervision_kit.errors import StaleRecord
    sam, rec = _draft(world)
    overtaken = []

    @event.listens_for(world.engine, "before_cursor_execute")
    def other_writer_first(conn, cursor, statement, parameters, *_):
        if not overtaken and statement.startswith("UPDATE sessions SET") \
                and "sessions.version =" in statement:
            overtaken.append(statement)
            cursor.execute("UPDATE sessions SET version = 2 WHERE id = ?", (rec.id,))
    rec.agenda = "my words"
    with pytest.raises(StaleRecord) as stale:
        sam.save_session(rec)
    assert overtaken
    assert str(stale.value) == "someone else saved this record just now"
    assert stale.value.unsaved.agenda == "my words"
    event.remove(world.engine, "before_cursor_execute", other_writer_first)


@pytest.mark.parametrize("item_id", ["", None])
def test_an_id_left_empty_where_one_is_required_is_refused_by_field(world, item_id):
    """Taking an agenda item off with no item chosen is refused by the field, before any
    query, not answered with 'no agenda item'."""
    with pytest.raises(ValidationError) as e:
        world.as_user("pat").remove_agenda_item(item_id)
    assert (e.value.field, e.value.message) == ("item_id", "required; choose one")


@pytest.mark.parametrize("change, field, words", [
    (lambda r: setattr(r, "supervisor_id", "P404"), "supervisor_id", "unknown person 'P404'"),
    (lambda r: setattr(r, "supervisee_ids", ["P404"]), "supervisee_ids[0]",
     "unknown person 'P404'"),
    (lambda r: setattr(r, "discussions", [CaseDiscussion("C404")]), "discussions[0].case_id",
     "unknown case 'C404'"),
    (lambda r: setattr(r, "actions", [ActionItem("Visit", owner_id="P404")]),
     "actions[0].owner_id", "unknown person 'P404'"),
    (lambda r: setattr(r, "actions", [ActionItem("Visit", owner_id="P2", case_id="C404")]),
     "actions[0].case_id", "unknown case 'C404'"),
    # an unknown case before a sound action: every item is checked, not only the last kind
    (lambda r: (setattr(r, "discussions", [CaseDiscussion("C404")]),
                setattr(r, "actions", [ActionItem("Visit", owner_id="P2")])),
     "discussions[0].case_id", "unknown case 'C404'"),
    (lambda r: setattr(r, "reviews", [ActionReview("act-404", "done")]), "reviews[0].action_id",
     "unknown action 'act-404'"),
])
def test_unknown_people_cases_and_actions_are_refused_by_field(world, change, field, words):
    """An id nobody recorded is named by its field and value (the admin may save a record
    naming another supervisor), before any row is written."""
    ada = world.as_user("ada")
    _sam, rec = _draft(world)
    change(rec)
    with pytest.raises(ValidationError) as e:
        ada.save_session(rec)
    assert (e.value.field, e.value.message) == (field, words)
    assert ada.session(rec.id, log=False).version == 1


def test_an_admin_may_save_anyones_record_and_a_save_is_logged(world):
    sam, rec = _draft(world)
    rec.agenda = "corrected by the admin"
    rec.state = "signed"  # only signing moves a record on
    saved = world.as_user("ada").save_session(rec)
    assert saved.agenda == "corrected by the admin" and saved.state == "draft"
    assert saved.supervisor_id == "P1" and saved.version == 2
    log = world.as_user("aud").audit_log(limit=1)  # the save, and no view after it
    assert (log[0]["user"], log[0]["action"], log[0]["entity"], log[0]["entity_id"],
            log[0]["detail"]) == ("ada", "save", "session", rec.id, "version 2")


def test_saving_one_draft_leaves_another_at_the_same_version_alone(world):
    sam, mine = _draft(world, "P2")
    _sam, other = _draft(world, "P9")
    assert mine.version == other.version == 1
    mine.agenda = "only this one"
    sam.save_session(mine)
    again = sam.session(other.id, log=False)
    assert again.agenda == "" and again.supervisee_ids == ["P9"] and again.version == 1


def test_a_new_record_gets_an_id_and_version_one(world):
    sam = world.as_user("sam")
    rec = sam.open_session(["P2"], date="2026-03-02")
    rec.id = None
    saved = sam.save_session(rec)
    assert saved.id.startswith("sess-") and saved.version == 1 and saved.state == "draft"


def test_the_second_signer_signs_the_hash_the_first_signed(world):
    """Content changed behind the application's back between two signatures: the second
    signature still carries the first hash, so the change shows."""
    sam, rec = _draft(world)
    first = sam.sign(rec.id).content_hash
    with world.engine.begin() as conn:
        conn.execute(text("UPDATE sessions SET date = '2026-03-01' WHERE id = :s"), {"s": rec.id})
    world.as_user("pat").sign(rec.id)
    assert {s.content_hash for s in sam.signatures(rec.id)} == {first}
    assert len(world.verify()) == 1


def test_signing_is_logged_as_a_signature_not_a_view(world):
    sam, rec = _draft(world)
    sam.sign(rec.id)
    newest = world.as_user("aud").audit_log(limit=1)[0]
    assert (newest["user"], newest["action"], newest["entity_id"]) == ("sam", "sign", rec.id)


def test_saving_leaves_the_callers_record_as_it_was(world):
    """Validation normalises a copy: the form's own objects keep what was typed."""
    from supervision_kit.domain.records import ActionItem, CaseDiscussion
    sam = world.as_user("sam")
    rec = sam.open_session(["P2"], date="2026-03-02")
    rec.discussions = [CaseDiscussion(case_id="C1", rag="")]
    rec.actions = [ActionItem("Visit", owner_id="", due_date="2026-03-09")]
    rec.state = "awaiting signatures"
    saved = sam.save_session(rec)
    assert saved.discussions[0].rag is None and saved.actions[0].due_date == dt.date(2026, 3, 9)
    assert rec.discussions[0].rag == "" and rec.actions[0].due_date == "2026-03-09"
    assert rec.actions[0].owner_id == "" and rec.version == 0 and rec.state == "awaiting signatures"


def test_a_signature_given_since_is_seen_without_starting_again(world):
    """The same toolkit object asks the store again before refusing: a supervisee may have
    signed the contract since it last looked."""
    from supervision_kit.domain.records import Contract
    sue = world.as_user("sue")
    assert not sue.can_see("P2")  # remembered
    c = world.as_user("ada").save_contract(Contract("P4", "P2", "havering", dt.date(2026, 1, 5)))
    world.as_user("pat").sign_contract(c.id)
    sue.context.check_see(["P2"], "see P2")  # no AccessDenied
    assert sue.can_see("P2")


# Found by the mutation run (group access): every person a record names is checked, and a
# handover may go to current staff only.
def test_an_action_or_review_naming_an_unseen_workers_case_or_action_is_refused(world):
    from supervision_kit.domain.records import ActionItem, ActionReview
    from supervision_kit.errors import ValidationError
    sam, rec = _draft(world)
    rec.actions = [ActionItem("Visit", owner_id="P2", case_id="C3")]  # C3 is Quinn's (South)
    with pytest.raises(ValidationError) as e:
        sam.save_session(rec)
    assert e.value.field == "actions[0].case_id"
    southern = world.as_user("sue").add_action(ActionItem("Southern task", owner_id="P3"))
    rec.actions, rec.reviews = [], [ActionReview(action_id=southern.id, outcome="done")]
    with pytest.raises(ValidationError) as e:
        sam.save_session(rec)
    assert e.value.field == "reviews[0].action_id"


def test_a_contract_may_be_handed_to_current_staff_only(world):
    from supervision_kit.domain.records import Contract, Practitioner
    from supervision_kit.errors import ValidationError
    world.add_practitioners([Practitioner("P10", "Lee Leaver", "lee", role="supervisor",
                                          team="South", leaving_date=dt.date(2025, 12, 31))])
    mia = world.as_user("mia")  # North's manager: South's staff are not hers to see

    def handover(to):
        return mia.save_contract(Contract(supervisor_id=to, supervisee_id="P2",
                                          preset="havering_social_work",
                                          start_date=dt.date(2026, 1, 5)))
    with pytest.raises(ValidationError) as e:
        handover("P10")
    assert e.value.field == "supervisor_id"
    assert handover("P4").supervisor_id == "P4"


def test_an_empty_store_opens_as_the_system_and_a_peopled_one_as_the_user(world, tmp_path):
    from supervision_kit.facade import open_toolkit
    assert open_toolkit(world.engine.url.database, "pat", empty_store_as_system=True).me.id == "P2"
    empty = open_toolkit(tmp_path / "empty.sqlite", "pat", empty_store_as_system=True)
    assert empty.me.id != "P2"


def test_the_workers_of_many_cases_are_all_found(world):
    from supervision_kit.domain.records import Case
    from supervision_kit.store.access import case_workers
    world.add_cases([Case("ZZ", "CR-2025-000099", "P3", "early help", dt.date(2025, 3, 3))])
    # Looked up 900 at a time: C1 sorts at position 900, ZZ after 1,800 others.
    ids = [f"A{i:04d}" for i in range(900)] + ["C1"] + [f"D{i:04d}" for i in range(1000)] + ["ZZ"]
    with world.engine.connect() as conn:
        assert case_workers(conn, ids) == {"C1": "P2", "ZZ": "P3"}
