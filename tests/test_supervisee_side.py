"""The supervisee's side, headless (issue 13, items 3 and 4): a person signs only as
themselves, with a comment or a disagreement; their records awaiting signature, read
whole; earlier records read only; their own PDF names both signatures and how each was
made. Real SQLite files, real widgets, real PDFs read back with pypdf."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text

from supervision_kit.apps import common, reflection_app, session_app
from supervision_kit.config import Settings
from supervision_kit.domain.canonical import content_hash
from supervision_kit.domain.signing import BEFORE_METHODS, DEMO_PICKER, OWN_LOGIN
from supervision_kit.errors import AccessDenied, ValidationError
from supervision_kit.facade import Toolkit
from supervision_kit.store.schema import SignatureRow
from supervision_kit.widgets.common import walk
from supervision_kit.widgets.my_records import MyRecords, awaiting_line
from supervision_kit.widgets.session import SessionRecorder
from tests.fixtures_db import build_world
from tests.fixtures_pg import db_url, pg_server  # noqa: F401
from tests.worlds import small_world

SCRIPT = "<script>alert(1)</script>"
DISAGREE = "The plan for NC-0001 is too slow: the child should be seen alone this week"


@pytest.fixture
def sam(tmp_path) -> Toolkit:
    """Sam supervises Pat; one record signed by both, and a new one Sam has just signed."""
    return small_world(tmp_path / "w.sqlite")


def _signed_by_sam(sam: Toolkit, agenda: str = "Caseload; wellbeing") -> str:
    rec = sam.open_session("pw")
    rec.agenda = agenda
    rec = sam.save_session(rec)
    sam.sign(rec.id)
    return rec.id


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


# -- the facade -------------------------------------------------------------------------
def test_nobody_signs_for_anyone_else_and_the_refusal_is_logged(sam):
    sid = _signed_by_sam(sam)
    for who in ("pw", "pat"):
        with pytest.raises(AccessDenied, match="own sign-in"):
            sam.sign(sid, who)
    kim = sam.as_user("kim")
    with pytest.raises(AccessDenied):  # not a party, and not Pat either
        kim.sign(sid, "pw")
    assert {s.practitioner_id for s in sam.signatures(sid)} == {"sup"}
    assert sam.session(sid, log=False).state == "awaiting signatures"
    denied = [e for e in Toolkit.system(sam.engine.url.database).audit_log(action="denied")]
    assert any("sign on behalf of 'pw'" in e["detail"] for e in denied)
    # Pat signs as Pat, naming herself or not.
    assert sam.as_user("pat").sign(sid, "pat").state == "signed"


def test_comment_and_disagreement_are_stored_logged_and_leave_the_hash_alone(sam):
    sid = _signed_by_sam(sam)
    sealed = sam.session(sid, log=False).content_hash
    pat = sam.as_user("pat")
    with pytest.raises(ValidationError) as e:
        pat.sign(sid, disagrees=True, comment="   ")
    assert e.value.field == "comment"
    signed = pat.sign(sid, comment=DISAGREE + " " + SCRIPT, disagrees=True)
    # The comment sits beside the sealed content: the hash both signed is the same one.
    assert signed.content_hash == sealed == content_hash(signed)
    sigs = {s.practitioner_id: s for s in pat.signatures(sid)}
    assert {p: (s.method, s.disagrees, s.content_hash) for p, s in sigs.items()} == {
        "sup": (OWN_LOGIN, False, sealed), "pw": (OWN_LOGIN, True, sealed)}
    assert sigs["pw"].comment == DISAGREE + " " + SCRIPT and sigs["sup"].comment == ""
    log = [e for e in Toolkit.system(sam.engine.url.database).audit_log(action="sign")
           if e["entity_id"] == sid][::-1]  # oldest first
    assert [e["user"] for e in log] == ["sam", "pat"]
    assert log[1]["detail"].startswith("pw (own login) at ")
    assert "; disagrees with the record; comment sha256 " in log[1]["detail"]
    assert Toolkit.system(sam.engine.url.database).verify_records() == []


# -- the supervisee's widget ------------------------------------------------------------
def test_the_supervisee_reads_comments_disagrees_and_signs_as_herself(sam):
    first = sam.sessions(supervisee_id="pw")[0]["id"]
    sid = _signed_by_sam(sam, agenda=f"Caseload {SCRIPT}")
    pat = sam.as_user("pat")
    assert awaiting_line(pat) == "1 supervision record awaits your signature."
    mine = MyRecords(pat)
    assert "1 record awaits your signature" in mine.summary.value
    assert mine.awaiting_ids == [sid] and mine.earlier_ids == [first]
    assert mine.open(sid)
    # The whole record, laid out as the paper record, typed markup shown as text.
    assert "Safeguarding supervision record" in mine.record.value
    assert f"Caseload {SCRIPT}" not in mine.record.value
    assert "Caseload &lt;script&gt;alert(1)&lt;/script&gt;" in mine.record.value
    assert "Not signed yet:</b> Pat Worker" in mine.signers.value
    assert mine.form.button.description == "Sign as Pat Worker"
    # A disagreement with no words is refused beside the box; what was typed stays.
    mine.form.disagree.value = True
    assert not mine.form.sign()
    assert mine.form.field.error.value == "Say what you disagree with before signing"
    assert {s.practitioner_id for s in pat.signatures(sid)} == {"sup"}
    mine.form.comment.value = DISAGREE
    mine.form.button.click()
    assert "Signed as Pat Worker: your disagreement is recorded" in mine.status.value
    sig = {s.practitioner_id: s for s in pat.signatures(sid)}["pw"]
    assert (sig.method, sig.disagrees, sig.comment) == (OWN_LOGIN, True, DISAGREE)
    assert "<b>Disagrees with the record:</b>" in mine.signers.value and DISAGREE in mine.signers.value
    assert mine.awaiting_ids == [] and mine.earlier_ids == [sid, first]
    assert "No records await your signature" in mine.summary.value


def test_earlier_records_are_read_only_and_someone_elses_cannot_be_opened(sam):
    first = sam.sessions(supervisee_id="pw")[0]["id"]
    kim_rec = sam.open_session("pw2")
    kim_rec.agenda = "Kim's supervision"
    kim_rec = sam.save_session(kim_rec)
    sam.sign(kim_rec.id)
    pat = sam.as_user("pat")
    mine = MyRecords(pat)
    assert mine.open(first)
    assert mine.form is None and mine.sign_area.children == ()
    inputs = [x for x in walk(mine.reader) if hasattr(x, "value") and x.__class__.__name__ in (
        "Textarea", "Text", "Checkbox", "Dropdown", "ToggleButtons")]
    assert inputs == []  # nothing in an earlier record can be typed into
    assert not mine.sign("I would like to change this")  # no form: nothing to sign
    assert kim_rec.id not in mine.awaiting_ids + mine.earlier_ids
    assert not mine.open(kim_rec.id) and "Not found" in mine.status.value
    with pytest.raises(AccessDenied):
        pat.session(kim_rec.id)
    with pytest.raises(AccessDenied):
        pat.sign(kim_rec.id, "pw2")


def test_the_supervisor_sees_who_has_signed_and_has_no_sign_for_button(sam):
    sid = _signed_by_sam(sam)
    rec = SessionRecorder(sam, ["pw"], session_id=sid, autosave=False)
    sign = rec.sections["sign"]
    labels = [b.description for b in walk(rec.widget) if b.__class__.__name__ == "Button"
              and b.description.startswith("Sign")]
    assert labels == ["Sign as supervisor"]
    assert "Not signed yet:</b> Pat Worker" in sign.signatures.value
    assert not rec.sign_supervisee("pw") and "own sign-in" in rec.status
    sam.as_user("pat").sign(sid, comment="Agreed; thank you")
    again = SessionRecorder(sam, ["pw"], session_id=sid, autosave=False).sections["sign"]
    assert "Not signed yet" not in again.signatures.value
    assert "Pat Worker: signed" in again.signatures.value
    assert "<b>Comment:</b> <span style='white-space:pre-wrap'>Agreed; thank you" in again.signatures.value


@pytest.mark.browser
def test_own_pdf_copy_names_both_signatures_and_how_each_was_made(sam):
    sid = _signed_by_sam(sam)
    pat = sam.as_user("pat")
    pat.sign_in_method = DEMO_PICKER  # as the demo picker's toolkit says
    mine = MyRecords(pat)
    mine.open(sid)
    mine.sign(DISAGREE, disagrees=True)
    pdf = mine.prepare_pdf()
    assert pdf.startswith(b"%PDF") and "Download my copy" in mine.pdf_link.value
    assert f"download='supervision-{sid}.pdf'" in mine.pdf_link.value
    words = _pdf_text(pdf)
    assert "Sam Supervisor" in words and "Pat Worker" in words
    assert "Signed (own login)" in words
    assert "Signed (demo picker (demo database; no password))" in words
    squashed = words.replace(" ", "")  # a long line may wrap anywhere
    assert ("Disagreeswiththerecord:" + DISAGREE.replace(" ", "")) in squashed
    signed_at = {s.practitioner_id: s.signed_at for s in pat.signatures(sid)}["pw"]
    assert f"{signed_at.day} {signed_at:%b %Y %H:%M}" in words  # British, as the record says
    exports = Toolkit.system(sam.engine.url.database).audit_log(action="export")
    assert [(e["user"], e["entity_id"]) for e in exports] == [("pat", sid)]


# -- the apps ---------------------------------------------------------------------------
def test_practitioners_sign_in_on_the_demo_picker_and_their_signature_says_so(sam, tmp_path):
    db = str(sam.engine.url.database)
    sid = _signed_by_sam(sam)
    settings = Settings(db_url=db, demo_db=db, user="")
    box = session_app.build(settings=settings, background=False)
    assert box.notice == "sign in"
    assert ("Pat Worker — practitioner, North", "pat") in box.picker.options
    box.picker.value = "pat"
    box.sign_in()
    assert isinstance(box.app, MyRecords) and box.app.awaiting_ids == [sid]
    box.app.open(sid)
    assert box.app.sign("Agreed")
    sig = {s.practitioner_id: s for s in sam.signatures(sid)}["pw"]
    assert sig.method == DEMO_PICKER and sig.comment == "Agreed"
    # Not the demo database: no picker, the configured user (``serve --as-user``) signs as
    # their own login.
    other = Settings(db_url=db, user="pat")
    assert not common.is_demo_db(db) and isinstance(
        session_app.build(settings=other, background=False).app, MyRecords)
    box = session_app.build(settings=Settings(db_url=db, user=""), background=False)
    assert box.notice.startswith("No user configured")


def test_staff_and_the_reflection_app_show_my_records_with_a_count(sam):
    db = str(sam.engine.url.database)
    _signed_by_sam(sam)
    refl = reflection_app.build(settings=Settings(db_url=db, user="pat"), background=False)
    assert refl.app.tabs.titles[-2:] == ("My records (1 to sign)", "My supervision")
    assert refl.app.show_my_records().awaiting_ids
    box = session_app.build(settings=Settings(db_url=db, user="sam"), background=False)
    assert box.app.tabs.titles == ("Supervise", "My records")


def test_existing_signatures_migrate_honestly_and_still_verify(tmp_path):
    from alembic import command
    from alembic.config import Config
    from supervision_kit.store import engine as store_engine
    path = tmp_path / "old.sqlite"
    sam = small_world(path)
    sid = sam.sessions(supervisee_id="pw")[0]["id"]
    sealed = sam.session(sid, log=False).content_hash
    cfg = Config()
    cfg.set_main_option("script_location", str(store_engine.MIGRATIONS))
    SG = SignatureRow.__table__
    with store_engine.write_transaction(sam.engine) as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009_seeds")  # 0010 (and any later) undone: a store made before it
        assert set(conn.execute(select(SG.c.method)).scalars()) == {OWN_LOGIN}
        assert "comment" not in {r[1] for r in conn.execute(text("PRAGMA table_info(signatures)"))}
    sam.engine.dispose()
    store_engine._migrated.discard(str(sam.engine.url))
    tk = Toolkit(path, "sam")
    sigs = {s.practitioner_id: s for s in tk.signatures(sid)}
    assert {p: (s.method, s.comment, s.disagrees) for p, s in sigs.items()} == {
        "sup": (BEFORE_METHODS, "", False), "pw": (BEFORE_METHODS, "", False)}
    assert tk.session(sid, log=False).content_hash == sealed
    assert Toolkit.system(path).verify_records() == []


def test_my_records_and_signing_as_oneself_on_both_databases(db_url):  # noqa: F811
    world = build_world(db_url)
    sam, pat = world.as_user("sam"), world.as_user("pat")
    rec = sam.open_session(["P2"])
    rec.agenda = "Caseload " + SCRIPT
    rec = sam.save_session(rec)
    assert [r["id"] for r in pat.my_records()] == [rec.id]  # a draft: listed, not awaiting
    assert not pat.my_records()[0]["awaiting_me"]
    sam.sign(rec.id)
    (mine,) = pat.my_records()
    assert mine["awaiting_me"] and set(mine["signed"]) == {"P1"}
    assert mine["names"] == {"P1": "Sam Supervisor", "P2": "Pat Practitioner"}
    html = pat.session_html(rec.id)
    assert "Caseload &lt;script&gt;" in html and SCRIPT not in html
    with pytest.raises(AccessDenied):
        world.as_user("quinn").session_html(rec.id)
    pat.sign(rec.id, comment="Agreed, with thanks ✓", disagrees=False)
    (mine,) = pat.my_records()
    assert not mine["awaiting_me"] and mine["state"] == "signed"
    assert mine["signed"]["P2"]["comment"] == "Agreed, with thanks ✓"
    assert world.verify() == []
