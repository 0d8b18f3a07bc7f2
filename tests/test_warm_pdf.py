"""The warm PDF exporter: one Chromium per process, started in the background, reused by
every "Prepare PDF" [issue 15]."""
import io

import pytest
from pypdf import PdfReader

from supervision_kit.export import warm
from tests.worlds import small_world


@pytest.fixture
def tk(tmp_path):
    warm.close_warm()
    yield small_world(tmp_path / "t.sqlite")
    warm.close_warm()


def test_prepare_pdf_reuses_one_warm_browser(tk):
    signed = tk.sessions(state="signed")[0]["id"]
    tk.warm_pdf()  # returns at once; Chromium starts in the background
    first = tk.session_pdf(signed)
    exporter = warm.warm_exporter(tk.settings.chromium_path)
    second = tk.session_pdf(signed)
    for pdf in (first, second):
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "Pat Worker" in text
    # One browser for both records, still open for the next.
    assert exporter.browser_launches == 1 and exporter._browser is not None
    assert warm.warm_exporter(tk.settings.chromium_path) is exporter
    warm.close_warm()
    assert exporter._browser is None  # closed: nothing left running


def test_a_dead_browser_is_replaced(tk):
    signed = tk.sessions(state="signed")[0]["id"]
    tk.session_pdf(signed)
    dead = warm.warm_exporter(tk.settings.chromium_path)
    dead._browser.call(dead._browser._browser.close())  # Chromium gone under it
    # the record has changed since it was printed: its new page is printed afresh
    tk.add_addendum(signed, "A note added after the first PDF")
    pdf = tk.session_pdf(signed)
    assert pdf.startswith(b"%PDF") and warm.warm_exporter(tk.settings.chromium_path) is not dead
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "A note added after the first PDF" in " ".join(text.split())


def test_a_record_made_ready_ahead_is_drawn_before_the_click_and_logged_only_by_it(tmp_path):
    """``warm_pdf(record)`` (the session app calls it when a signed record is opened) draws
    and prints the record in the background without logging a view; "Prepare PDF" then
    reads the record again but neither draws nor prints its unchanged page, and is itself
    access-checked and logged as ever."""
    import threading

    from supervision_kit.analytics import timeline as tl_module
    from supervision_kit.facade import Toolkit
    warm.close_warm()
    db = tmp_path / "t.sqlite"
    tk = small_world(db)
    signed = tk.sessions(state="signed")[0]["id"]
    system = Toolkit.system(db)
    before = [(e["action"], e["entity"]) for e in system.audit_log(limit=1000)]
    tk.warm_pdf(signed)
    for t in threading.enumerate():
        if t.name == "supervision-pdf-warm":
            t.join(timeout=120)
    assert [(e["action"], e["entity"]) for e in system.audit_log(limit=1000)] == before
    drawn, printed = [], []
    real = tl_module.render_png
    tl_module.render_png = lambda *a, **k: drawn.append(a[0].case.id) or real(*a, **k)
    exporter = warm.warm_exporter(tk.settings.chromium_path)
    exporter.run_playwright = lambda *a, **k: printed.append(1) or type(exporter).run_playwright(
        exporter, *a, **k)
    try:
        pdf = tk.session_pdf(signed)
        tk.add_addendum(signed, "Seen by the manager")  # a changed record is printed again
        changed = tk.session_pdf(signed)
    finally:
        tl_module.render_png = real
        warm.close_warm()
    # the click drew and printed nothing: the same page was printed ahead
    assert drawn == [] and printed == [1] and pdf.startswith(b"%PDF")
    assert "Seen by the manager" in " ".join(
        "".join(p.extract_text() for p in PdfReader(io.BytesIO(changed)).pages).split())
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Pat Worker" in text
    after = system.audit_log(limit=1000)
    assert any(e["action"] == "export" and e["entity_id"] == signed for e in after)
    assert any(e["action"] == "view" and e["entity"] == "case_discussions" for e in after[:10])
    # someone who may not see the record is refused at the click, ready or not
    with pytest.raises(Exception, match="may not"):
        tk.as_user("kim").session_pdf(signed)
