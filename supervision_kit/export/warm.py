"""One warm PDF exporter per process: Chromium and a page kept open, started in the
background, so one record from an app costs what a record in a batch costs [issue 15].

A record can be printed ahead (``print_ahead``, while its reader reads it); the page is
kept by its exact HTML, so the record's PDF asked for later is built from the store
again and, if its page is the same, not printed a second time. Everything here runs in
the server's (kernel's) process; the browser closes at exit.
"""
from __future__ import annotations

import atexit
import hashlib
import threading
from collections import OrderedDict

_LOCK = threading.RLock()  # one render at a time: an exporter's templates are not shared
_WARM: dict = {}
_PRINTED: OrderedDict = OrderedDict()  # sha256 of (page, options) -> PDF bytes, newest last
PRINTED_KEEP = 4


def warm_exporter(chromium_path: str | None = None):
    """The process's warm ``SupervisionPDFExporter`` for ``chromium_path``, its Chromium
    starting in the background on first call (returns at once)."""
    from .pdf import SupervisionPDFExporter
    with _LOCK:
        exporter = _WARM.get(chromium_path)
        if exporter is None:
            exporter = (SupervisionPDFExporter(chromium_path=chromium_path) if chromium_path
                        else SupervisionPDFExporter())
            held = exporter.batch()  # the browser stays open until the process ends
            held.__enter__()
            exporter._held = held
            _WARM[chromium_path] = exporter
            if len(_WARM) == 1:
                atexit.register(close_warm)
        return exporter


def _page(exporter, record: dict) -> tuple[str, dict, str]:
    """The printed page of ``record`` (as ``render_pdf`` builds it), its print options
    and their key."""
    from .record_notebook import build_record_notebook
    nb = build_record_notebook(record)
    resources = {"metadata": {"name": f"supervision-record-{record.get('id', '')}"}}
    page_html, _ = exporter.build_html(nb, resources=resources)
    options = exporter.pdf_options(nb.metadata)
    key = hashlib.sha256(f"{page_html}\x00{sorted(options.items())!r}".encode()).hexdigest()
    return page_html, options, key


def _render(record: dict, chromium_path: str | None) -> bytes:
    exporter = warm_exporter(chromium_path)
    page_html, options, key = _page(exporter, record)
    pdf = _PRINTED.pop(key, None) or exporter.run_playwright(page_html, options)
    _PRINTED[key] = pdf
    while len(_PRINTED) > PRINTED_KEEP:
        _PRINTED.popitem(last=False)
    return pdf


def print_ahead(record: dict, chromium_path: str | None = None) -> None:
    """Print ``record`` with the warm exporter and keep the PDF (nothing is returned or
    shown): its templates compile, Chromium's first print is paid, and a request for
    the same page later is not printed again."""
    with _LOCK:
        _render(record, chromium_path)


def render_warm(record: dict, chromium_path: str | None = None) -> bytes:
    """One record's PDF through the warm exporter (a page printed ahead is not printed
    again); if its browser has died, one fresh try."""
    with _LOCK:
        try:
            return _render(record, chromium_path)
        except Exception:
            _discard(chromium_path)
            return _render(record, chromium_path)


def _discard(chromium_path) -> None:
    exporter = _WARM.pop(chromium_path, None)
    if exporter is not None:
        try:
            exporter._held.__exit__(None, None, None)
        except Exception:  # a dead browser cannot be closed twice: nothing left to do
            pass


def close_warm() -> None:
    """Close every warm exporter's browser (at exit, or when a test is done with it) and
    forget the pages printed ahead."""
    with _LOCK:
        _PRINTED.clear()
        for path in list(_WARM):
            _discard(path)
