"""Make the README's screenshots of the session and caseload apps (docs/screenshots/*.png).

Serves notebooks/ with Voilà on a free port against a fresh demo database in a temporary
folder (the repository's data/demo.sqlite is not touched), acting as a demo supervisor,
and drives Debian's Chromium as a supervisor would: a session with a case discussed and
rated, and the caseload with a drifting case's RAG timeline open.
Run: ``.venv/bin/python scripts/screenshots.py [--out docs/screenshots]``.
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.apps_demo import demo_copy, pick_session  # noqa: E402
from tests.helpers_browser import chromium_browser, voila_process  # noqa: E402

SLOW = 300_000  # ms: a kernel start on a busy machine
WIDTH = 1280


def _page(browser, height: int):
    context = browser.new_context(viewport={"width": WIDTH, "height": height})
    context.set_default_timeout(SLOW)
    return context, context.new_page()


def session_shot(browser, server, pick, out: Path) -> None:
    """The session app with one case discussed and rated."""
    context, page = _page(browser, 2300)
    try:
        page.goto(server.url + "voila/render/session.ipynb")
        page.get_by_role("combobox", name="Supervisee").select_option(label=pick.supervisee_label)
        page.get_by_role("button", name="Open session").click()
        page.get_by_text(re.compile(r"^\d+\. Case discussions")).click()
        page.get_by_role("combobox", name="Case", exact=True).select_option(label=pick.case_label)
        page.get_by_role("button", name="Add discussion").click()
        summary = page.get_by_placeholder("Summary of events since the last supervision")
        summary.fill("Core group met; school reports better attendance; home visits weekly.")
        summary.press("Tab")
        page.get_by_role("button", name="G improving").click()
        page.get_by_text(re.compile("Draft saved at")).wait_for()
        page.mouse.move(0, 0)
        page.screenshot(path=str(out / "session.png"))
    finally:
        context.close()


def caseload_shot(browser, server, pick, out: Path) -> None:
    """The caseload app on its Drift tab, one drifting case's RAG timeline open."""
    context, page = _page(browser, 1500)
    try:
        page.goto(server.url + "voila/render/caseload.ipynb")
        page.get_by_role("tab", name=re.compile(r"^Drift \(\d+\)")).click()
        page.locator("table.caseload-drift").get_by_text(pick.drift_reference).wait_for()
        row = page.get_by_role("combobox", name="Row")
        label = next(o for o in row.locator("option").all_inner_texts() if pick.drift_reference in o)
        row.select_option(label=label)
        page.get_by_role("button", name=re.compile("Open timeline")).click()
        page.get_by_text(f"RAG timeline: {pick.drift_reference}").wait_for()
        page.locator("img").last.wait_for()
        page.mouse.move(0, 0)
        page.screenshot(path=str(out / "caseload.png"))
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="sk-shots-"))
    try:
        db = demo_copy(work)
        pick = pick_session(db)
        env = {"SUPERVISION_KIT_DB": str(db), "SUPERVISION_KIT_USER": pick.supervisor}
        with voila_process(ROOT / "notebooks", env=env, timeout=120) as server, \
                chromium_browser() as browser:
            session_shot(browser, server, pick, out)
            caseload_shot(browser, server, pick, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for name in ("session.png", "caseload.png"):
        print(out / name)


if __name__ == "__main__":
    main()
