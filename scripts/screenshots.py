"""Make the README's screenshots of every app at 1280×900 and 1024×768 (docs/screenshots/).

Serves notebooks/ with Voilà on a free port against a fresh demo database in a temporary
folder (the repository's data/demo.sqlite is not touched) with the demo "Sign in as"
picker, and drives Debian's Chromium through each app's main state as its user would
(the same tour as tests/test_accessibility.py: tests/app_tour.py). Each state is taken at
both sizes as ``<app>-1280.png`` and ``<app>-1024.png``.
Run: ``make screenshots`` or ``.venv/bin/python scripts/screenshots.py [--out DIR] [APP ...]``.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import app_tour as tour  # noqa: E402
from tests.helpers_browser import chromium_browser, voila_process  # noqa: E402

SIZES = {"1280": {"width": 1280, "height": 900}, "1024": {"width": 1024, "height": 768}}


def _caseload(page, server, demo):
    tour.sign_in(page, tour.open_notebook(page, server, "caseload.ipynb"),
                 demo["people"][demo["pick"].supervisor])


def _qa(page, server, demo):
    tour.sign_in(page, tour.open_notebook(page, server, "quality_assurance.ipynb"), demo["auditor"])
    page.locator("img").first.wait_for()


def _reflection(page, server, demo):
    tour.sign_in(page, tour.open_notebook(page, server, "reflection.ipynb"), demo["supervisee"])
    page.get_by_role("button", name="Start reflection").wait_for()


def _my_records(page, server, demo):
    tour.sign_in(page, tour.open_notebook(page, server, "session.ipynb"), demo["supervisee"])
    page.get_by_role("table", name="Your earlier records").wait_for()


def _index(page, server, demo):
    tour.sign_in(page, tour.open_notebook(page, server, "index.ipynb"),
                 demo["people"][demo["pick"].supervisor])


STATES = {  # file name -> how to get there
    "session": tour.session_discussion,
    "caseload": _caseload,
    "quality_assurance": _qa,
    "reflection": _reflection,
    "my_records": _my_records,
    "training_trainer": tour.trainer_exercise,
    "research": tour.research_charts,
    "index": _index,
}


def shoot(browser, server, demo, name: str, out: Path) -> list[Path]:
    """One app state at both sizes (reached once, at the larger size)."""
    # a British browser: date inputs read day/month/year
    context = browser.new_context(viewport=SIZES["1280"], locale="en-GB")
    context.set_default_timeout(tour.SLOW)
    made = []
    try:
        page = context.new_page()
        result = STATES[name](page, server, demo)
        if name == "session":  # the discussion, not the page's top
            page.get_by_role("button", name="G improving").scroll_into_view_if_needed()
        page.mouse.move(0, 0)
        for tag, size in SIZES.items():
            page.set_viewport_size(size)
            page.wait_for_timeout(400)  # the layout settles after a resize
            path = out / f"{name}-{tag}.png"
            page.screenshot(path=str(path))
            made.append(path)
        if name == "training_trainer" and result is not None:  # the trainee joins that exercise
            trainee = context.new_page()
            tour.trainee_joined(trainee, server, result.inner_text().strip())
            for tag, size in SIZES.items():
                trainee.set_viewport_size(size)
                trainee.wait_for_timeout(400)
                path = out / f"training_trainee-{tag}.png"
                trainee.screenshot(path=str(path))
                made.append(path)
    finally:
        context.close()
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("apps", nargs="*", help=f"only these states: {', '.join(STATES)}")
    args = parser.parse_args()
    unknown = set(args.apps) - set(STATES)
    if unknown:
        parser.error(f"unknown: {', '.join(sorted(unknown))}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="sk-shots-"))
    try:
        demo = tour.tour_demo(work)
        with voila_process(ROOT / "notebooks", env=tour.tour_env(demo), timeout=120) as server, \
                chromium_browser() as browser:
            for name in args.apps or STATES:
                for path in shoot(browser, server, demo, name, out):
                    print(path, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
