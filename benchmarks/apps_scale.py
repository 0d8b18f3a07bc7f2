"""Agency-wide views at demo scale 100 against scale 1, same run (used by benchmarks/apps.py).

The quality-assurance app as the auditor, from navigation start until its first chart is
drawn, and the caseload app ("everyone I can see": the auditor sees every team) until its
first table is on screen. Each scale has its own Voilà serving the same notebooks; views
alternate between the scales so background load hits both alike; the first view of each
is dropped (templates). Target: scale 100 / scale 1 <= 1.5 for both.
"""
from __future__ import annotations

import shutil
import statistics
from pathlib import Path

from tests.helpers_browser import voila_process

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.5

# The page's own clock, from navigation start until a drawn chart / a table is on screen.
_CHART_JS = """() => {
    for (const im of document.querySelectorAll('img')) {
        if (im.getClientRects().length && im.naturalHeight > 0) return performance.now();
    }
    return false;
}"""
_TABLE_JS = """() => {
    for (const t of document.querySelectorAll('table[class^="caseload-"], .caseload-table, table')) {
        if (t.getClientRects().length && t.rows && t.rows.length > 1) return performance.now();
    }
    return false;
}"""
VIEWS = (("quality assurance: page to first chart", "quality_assurance.ipynb", _CHART_JS),
         ("caseload, everyone I can see: page to first table", "caseload.ipynb", _TABLE_JS))


def _auditor(db: Path) -> str:
    from supervision_kit.facade import Toolkit
    tk = Toolkit(db, "admin")
    return next(p.username for p in tk.practitioners() if p.role == "auditor")


def _view(browser, url: str, ready_js: str) -> float:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=600_000)
        handle = page.wait_for_function(ready_js, polling="raf", timeout=600_000)
        return float(handle.json_value()) / 1000.0
    finally:
        context.close()


def scale_views(browser, work: Path, repeats: int, dbs: dict[int, Path]) -> dict:
    """{view: {scale: [seconds]}} for the QA and caseload views at each scale in ``dbs``."""
    folder = work / "scale-apps"
    folder.mkdir(exist_ok=True)
    for _, nb, _ in VIEWS:
        shutil.copy(ROOT / "notebooks" / nb, folder)
    out = {name: {s: [] for s in dbs} for name, _, _ in VIEWS}
    servers = {}
    import contextlib
    with contextlib.ExitStack() as stack:
        for scale, db in dbs.items():
            servers[scale] = stack.enter_context(voila_process(
                folder, env={"SUPERVISION_KIT_DB": str(db), "SUPERVISION_KIT_USER": _auditor(db)},
                timeout=120))
        for _ in range(repeats + 1):
            for name, nb, js in VIEWS:
                for scale, srv in servers.items():
                    out[name][scale].append(_view(browser, srv.url + f"voila/render/{nb}", js))
    return {name: {s: v[1:] for s, v in by.items()} for name, by in out.items()}


def report(times: dict) -> None:
    """Medians per scale and the ratio of the largest scale to the smallest."""
    for name, by in times.items():
        scales = sorted(by)
        lo, hi = scales[0], scales[-1]
        a, b = statistics.median(by[lo]), statistics.median(by[hi])
        print(f"{name}: scale {lo} {a:.2f}s (min {min(by[lo]):.2f}s), scale {hi} {b:.2f}s "
              f"(min {min(by[hi]):.2f}s); scale {hi} / scale {lo} {b / a:.2f}x "
              f"(target <= {TARGET}x: {'met' if b / a <= TARGET else 'NOT met'})")


if __name__ == "__main__":  # `make bench` runs every benchmarks/*.py
    print("helpers for benchmarks/apps.py; nothing to measure on its own")
