"""Benchmark: time-to-interactive of the Voilà apps, cold kernels vs preheated, against a bare
one-Button notebook served by the same Voilà in the same run (the in-run baseline).

Every chosen app's notebook is put in one folder, served by two ``python -m
supervision_kit.serve`` at once: one plain (cold: Voilà starts a kernel and runs the
notebook per page view) and one with ``--preheat`` (the page gets a kernel that already
ran the notebook; we wait for Voilà to log that the notebook's pool is full again before
each view). Each round opens every app cold then warm, each view in a fresh Chromium
context; the first round warms Voilà's templates and is dropped. Time-to-interactive is
from navigation start until the app's first widget accepts input (``apps_harness``).
Prints medians and minima, and each app's ratio to the cold bare notebook.
Targets: session cold ≤ 1.5× bare cold; session preheated < bare cold.
Then (``apps_hub``): the session app against the bare notebook through JupyterHub, signed
in, cold (target ≤ 1.5×; ``--no-hub`` skips it), and kernels alive and their RSS after
``--views`` page views of the caseload app opened and closed (default 200; 0 skips it).
Then (``apps_scale``): the QA app (auditor, page to first chart) and the caseload app
("everyone I can see") at demo scale 100 against scale 1, same run (target ≤ 1.5×;
``--scale-repeats 0`` skips it; the demo stores are cached by ``demo_cache``).
Run: ``.venv/bin/python benchmarks/apps.py [--repeats N] [--db DEMO.sqlite] [--views N]
[--no-hub] [--scale-repeats N] [APP ...]``.
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
import apps_hub  # noqa: E402
import apps_scale  # noqa: E402
from tests.helpers_browser import chromium_browser, voila_process, write_notebook  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"
BUTTON_SELECTOR = "button.jupyter-button"  # ipywidgets 8 Button (itself .jupyter-widgets)
DROPDOWN_SELECTOR = ".widget-dropdown select"
DEMO = "demo"  # an env value replaced by the benchmark's demo database / supervisor


def bare_button(directory: Path) -> Path:
    """The smallest widget app: one Button (the floor every real app sits on)."""
    return write_notebook(directory / "bare_button.ipynb", "import ipywidgets as w\nw.Button(description='Go')")


@dataclass
class App:
    """One app to time: a notebook (path, or function writing one into a directory),
    the CSS selector of the widget that must accept input, and extra server env
    (``DEMO`` as a value: the demo database, or the demo supervisor as the user)."""

    name: str
    notebook: Union[Path, Callable[[Path], Path]]
    selector: str = BUTTON_SELECTOR
    env: dict = field(default_factory=dict)


# Adding an app is one line. "bare_button" is the baseline the others are divided by.
APPS = [
    App("bare_button", bare_button),
    App("session", NOTEBOOKS / "session.ipynb", DROPDOWN_SELECTOR,
        {"SUPERVISION_KIT_DB": DEMO, "SUPERVISION_KIT_USER": DEMO}),
]


def _view(browser, server, notebook: Path, app: App) -> float:
    context = browser.new_context()  # fresh cache and cookies for every view
    try:
        return time_to_interactive(context.new_page(), server.url + f"voila/render/{notebook.name}",
                                   app.selector)
    finally:
        context.close()


def _measure(browser, apps: list[App], folder: Path, notebooks: dict[str, Path], env: dict,
             repeats: int) -> dict[str, tuple[list[float], list[float]]]:
    """Cold and preheated times per app, views interleaved so background load hits all alike."""
    times = {a.name: ([], []) for a in apps}
    with voila_process(folder, env=env, timeout=120) as plain, \
            voila_process(folder, env=env, preheat=True, timeout=120) as heated:
        for i in range(repeats + 1):  # +1: the first views warm Voilà's templates; dropped
            for app in apps:
                nb = notebooks[app.name]
                cold, warm = times[app.name]
                cold.append(_view(browser, plain, nb, app))
                # the pool refills a little while after each view
                heated.wait_for_log(f"Kernel pool of {nb.name} is filled", timeout=300, count=i + 1)
                warm.append(_view(browser, heated, nb, app))
    return {k: (c[1:], w[1:]) for k, (c, w) in times.items()}


def _demo_env(apps: list[App], db: str | None, work: Path) -> dict:
    """The servers' env: ``DEMO`` values made into the demo database and its supervisor."""
    env = {k: v for a in apps for k, v in a.env.items()}
    if DEMO not in env.values():
        return env
    from tests.apps_demo import demo_copy, pick_session
    path = Path(db) if db else demo_copy(work / "data")
    pick = pick_session(path)
    fill = {"SUPERVISION_KIT_DB": str(path.resolve()), "SUPERVISION_KIT_USER": pick.supervisor}
    return {k: fill.get(k, v) if v == DEMO else v for k, v in env.items()}


def _hub_and_kernels(args, chosen: list[App], notebooks: dict[str, Path], env: dict,
                     work: Path) -> None:
    """The hub comparison and the kernel reclaim figure (benchmarks/apps_hub.py)."""
    hub_times = reclaim = None
    with chromium_browser() as browser:
        if not args.no_hub:
            names = [a.name for a in chosen if a.name in ("bare_button", "session")]
            hub_times = apps_hub.hub_cold(
                browser, work, {n: notebooks[n] for n in names},
                {a.name: a.selector for a in chosen}, args.hub_repeats or args.repeats)
        if args.views:
            demo_env = env if "SUPERVISION_KIT_DB" in env else _demo_env(APPS, args.db, work)
            reclaim = apps_hub.kernel_reclaim(browser, work, NOTEBOOKS / "caseload.ipynb",
                                              BUTTON_SELECTOR, demo_env, args.views)
    apps_hub.report(hub_times, reclaim, APPS[0].name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--db", help="a demo database to use (default: a fresh one in a temp folder)")
    parser.add_argument("--views", type=int, default=200,
                        help="page views for the kernel reclaim figure (0: skip it)")
    parser.add_argument("--no-hub", action="store_true", help="skip the JupyterHub figure")
    parser.add_argument("--hub-repeats", type=int, default=None,
                        help="views per notebook through the hub (default --repeats)")
    parser.add_argument("--scale-repeats", type=int, default=3,
                        help="views per scale of the QA and caseload apps (0: skip them)")
    parser.add_argument("apps", nargs="*", help="names of APPS entries (default: all)")
    args = parser.parse_args()
    chosen = [a for a in APPS if not args.apps or a.name in args.apps or a is APPS[0]]
    work = Path(tempfile.mkdtemp(prefix="bench-apps-"))
    try:
        folder = work / "apps"  # only the measured notebooks: preheat heats each one
        folder.mkdir()
        notebooks = {a.name: (a.notebook(folder) if callable(a.notebook)
                              else Path(shutil.copy(a.notebook, folder))) for a in chosen}
        env = _demo_env(chosen, args.db, work)
        with chromium_browser() as browser:
            times = _measure(browser, chosen, folder, notebooks, env, args.repeats)
        base = statistics.median(times[APPS[0].name][0])
        print(f"time to interactive, median of {args.repeats} (min); ratios to the cold "
              f"{APPS[0].name} median {base:.2f}s")
        for name, (cold, warm) in times.items():
            c, w = statistics.median(cold), statistics.median(warm)
            print(f"{name}: cold {c:.2f}s ({min(cold):.2f}s)  preheated {w:.2f}s ({min(warm):.2f}s)  "
                  f"cold/bare-cold {c / base:.2f}x  preheated/bare-cold {w / base:.2f}x  "
                  f"preheated/cold {w / c:.2f}x")
        _hub_and_kernels(args, chosen, notebooks, env, work)
        if args.scale_repeats:
            from demo_cache import demo_db
            dbs = {1: demo_db(1), 100: demo_db(100)}
            with chromium_browser() as browser:
                apps_scale.report(apps_scale.scale_views(browser, work, args.scale_repeats, dbs))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
