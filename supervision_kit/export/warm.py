"""One warm PDF exporter per process: Chromium and a page kept open, started in the
background, so one record from an app costs what a record in a batch costs [issue 15].

Everything here runs in the server's (kernel's) process; the browser closes at exit.
"""
from __future__ import annotations

import atexit
import threading

_LOCK = threading.RLock()  # one render at a time: an exporter's templates are not shared
_WARM: dict = {}


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


def warm_templates(record: dict, chromium_path: str | None = None) -> None:
    """Build (and throw away) ``record``'s printed page with the warm exporter, so its
    templates are compiled and the page's imports loaded before a person asks."""
    from .record_notebook import build_record_notebook
    with _LOCK:
        warm_exporter(chromium_path).build_html(build_record_notebook(record))


def render_warm(record: dict, chromium_path: str | None = None) -> bytes:
    """One record's PDF through the warm exporter; if its browser has died, one fresh try."""
    from .pdf import render_pdf
    with _LOCK:
        try:
            return render_pdf(record, exporter=warm_exporter(chromium_path))
        except Exception:
            _discard(chromium_path)
            return render_pdf(record, exporter=warm_exporter(chromium_path))


def _discard(chromium_path) -> None:
    exporter = _WARM.pop(chromium_path, None)
    if exporter is not None:
        try:
            exporter._held.__exit__(None, None, None)
        except Exception:  # a dead browser cannot be closed twice: nothing left to do
            pass


def close_warm() -> None:
    """Close every warm exporter's browser (at exit, or when a test is done with it)."""
    with _LOCK:
        for path in list(_WARM):
            _discard(path)
