"""Benchmark: time-to-interactive of each Voilà app, cold kernels vs preheated (in-run baseline).

For every entry of ``APPS`` the notebook is served by two ``python -m supervision_kit.serve``
at once, without and with ``--preheat``, and opened ``--repeats`` times on each (views
alternating, each in a fresh Chromium context). Cold: Voilà starts a kernel and runs the
notebook per page view. Preheated: the page gets a kernel that already ran it (we wait
for Voilà to log that its pool is full again before each view). Prints medians, minima
and the preheated/cold ratio; cold is the in-run baseline.
Run: ``.venv/bin/python benchmarks/apps.py [--repeats N] [APP ...]``.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Union

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from apps_harness import time_to_interactive  # noqa: E402
from tests.helpers_browser import chromium_browser, voila_process, write_notebook  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"
BUTTON_SELECTOR = "button.jupyter-button"  # ipywidgets 8 Button (itself .jupyter-widgets)


def bare_button(directory: Path) -> Path:
    """The smallest widget app: one Button (the floor every real app sits on)."""
    return write_notebook(directory / "bare_button.ipynb", "import ipywidgets as w\nw.Button(description='Go')")


@dataclass
class App:
    """One app to time: a notebook (path, or function writing one into a directory),
    the CSS selector of the widget that must accept input, and extra server env."""

    name: str
    notebook: Union[Path, Callable[[Path], Path]]
    selector: str = BUTTON_SELECTOR
    env: dict = field(default_factory=dict)


# Adding an app is one line, e.g.
#   App("session", NOTEBOOKS / "session.ipynb", ".jupyter-widgets textarea", {"SUPERVISION_KIT_DB": ...}),
APPS = [
    App("bare_button", bare_button),
]


def _view(browser, server, app: App) -> float:
    context = browser.new_context()  # fresh cache and cookies for every view
    try:
        return time_to_interactive(context.new_page(), server.url, app.selector)
    finally:
        context.close()


def _measure(browser, app: App, notebook: Path, repeats: int) -> tuple[list[float], list[float]]:
    """Cold and preheated times, views interleaved so background load hits both alike."""
    cold, warm = [], []
    with voila_process(notebook, env=app.env, timeout=120) as plain, \
            voila_process(notebook, env=app.env, preheat=True, timeout=120) as heated:
        for i in range(repeats + 1):  # +1: the first views warm Voilà's templates; dropped
            cold.append(_view(browser, plain, app))
            # the pool refills about a second after each view
            heated.wait_for_log(f"Kernel pool of {notebook.name} is filled", timeout=120, count=i + 1)
            warm.append(_view(browser, heated, app))
    return cold[1:], warm[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("apps", nargs="*", help="names of APPS entries (default: all)")
    args = parser.parse_args()
    chosen = [a for a in APPS if not args.apps or a.name in args.apps]
    work = Path(tempfile.mkdtemp(prefix="bench-apps-"))
    try:
        with chromium_browser() as browser:
            for app in chosen:
                # Voilà is given the one notebook file, so preheat heats just that one
                notebook = app.notebook(work) if callable(app.notebook) else Path(app.notebook)
                cold, warm = _measure(browser, app, notebook, args.repeats)
                c, w = statistics.median(cold), statistics.median(warm)
                print(f"{app.name}: time to interactive, median of {args.repeats} "
                      f"(min) — cold {c:.2f}s ({min(cold):.2f}s)  preheated {w:.2f}s ({min(warm):.2f}s)  "
                      f"ratio preheated/cold {w / c:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
