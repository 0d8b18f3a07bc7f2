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


def test_record_prints_each_rationale_once_and_batch_draws_rules_once_per_date(admin):
    from supervision_kit.export.record_notebook import build_record_notebook
    rec = next(r for r in (admin.session(s, log=False) for s in admin.signed_sessions())
               if any(d.rationale for d in r.discussions))
    figures: dict = {}
    doc = admin.session_document(rec.id, figures=figures)
    html = "".join(o.data["text/html"] for c in build_record_notebook(doc).cells for o in c.outputs
                   if "text/html" in o.data)
    for d in rec.discussions:
        if d.rationale:
            assert html.count("Rationale") >= 1
            assert html.count(_escaped(d.rationale)) == 1, d.rationale
    # one drift/window computation for the date, one figure per case, all PNGs in the record
    assert [k for k in figures if k[0] == "rules"] == [("rules", rec.date)]
    assert {k for k in figures if k[0] != "rules"} == {(d.case_id, rec.date) for d in rec.discussions}
    assert all(d["timeline_png"].startswith(b"\x89PNG") for d in doc["discussions"])
    again = admin.session_document(rec.id, figures=figures)  # drawn once, then taken from the cache
    assert [d["timeline_png"] for d in again["discussions"]] == [d["timeline_png"] for d in doc["discussions"]]


def _escaped(text: str) -> str:
    import html
    return html.escape(text)
