"""PDFs made from stored records: every export logged, hash checked back against the store."""
import shutil

import pytest
from pypdf import PdfReader

from supervision_kit.cli.main import main
from supervision_kit.facade import Toolkit

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdfdemo") / "demo.sqlite"
    tk = Toolkit.system(path)
    tk.create_demo(scale=1)
    tk.engine.dispose()  # checkpoints the WAL so a file copy holds everything
    return path


@pytest.fixture
def admin(demo_file, tmp_path):
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, path)
    return Toolkit(path, "admin")


def _text(path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


def _signed_with_cases(tk):
    for sid in tk.signed_sessions():
        rec = tk.session(sid, log=False)
        if len(rec.discussions) >= 2 and rec.actions:
            return rec
    raise AssertionError("the demo has no signed record with cases")


def test_batch_export_of_stored_records_reads_back_and_is_logged(admin, tmp_path, capsys):
    rec = _signed_with_cases(admin)
    draft = next(s["id"] for s in admin.sessions(state="draft"))
    out = tmp_path / "pdf"
    assert main(["export-pdf", rec.id, draft, "--out", str(out), "--db", str(admin.engine.url.database),
                 "--as-user", "admin"]) == 0
    signed_pdf, draft_pdf = out / f"supervision-{rec.id}.pdf", out / f"supervision-{draft}.pdf"
    text = _text(signed_pdf)
    doc = admin.session_document(rec.id, timelines=False)
    for d in doc["discussions"]:
        assert d["case_reference"] in text
    for a in doc["actions"]:
        assert a["description"][:30] in text.replace("\n", " ")
    assert rec.content_hash in text.replace("\n", "") and "DRAFT" not in text
    assert "DRAFT" in _text(draft_pdf)
    exports = [e for e in admin.audit_log(action="export") if e["entity"] == "session"]
    assert {e["entity_id"] for e in exports} >= {rec.id, draft}
    capsys.readouterr()
    assert main(["verify-pdf", str(signed_pdf), "--db", str(admin.engine.url.database),
                 "--as-user", "admin"]) == 0
    assert f"matches signed record {rec.id}" in capsys.readouterr().out


def test_verify_pdf_refuses_a_pdf_whose_record_was_altered(admin, tmp_path, capsys):
    from sqlalchemy import text
    rec = _signed_with_cases(admin)
    path = tmp_path / "r.pdf"
    path.write_bytes(admin.session_pdf(rec.id))
    with admin.engine.begin() as conn:
        conn.execute(text("UPDATE case_discussions SET rag = 'G' WHERE session_id = :s"), {"s": rec.id})
    assert "altered" in admin.verify_pdf(path)
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF-1.4 not really")
    db = str(admin.engine.url.database)
    assert main(["verify-pdf", str(other), "--db", db, "--as-user", "admin"]) == 2
    assert "not a readable PDF" in capsys.readouterr().err
