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
    pdf = tk.session_pdf(signed)
    assert pdf.startswith(b"%PDF") and warm.warm_exporter(tk.settings.chromium_path) is not dead
