"""Two figures for benchmarks/apps.py: the session app through JupyterHub against a bare
one-Button notebook through the same hub (both cold, signed in), and kernels alive and
their memory after many page views opened and closed under ``supervision-kit serve``.
"""
from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

from apps_harness import time_to_interactive
from tests.apps_demo import demo_copy, pick_session
from tests.helpers_browser import voila_process
from tests.helpers_hub import start_hub, stop_hub
from tests.helpers_kernels import kernel_processes, kernels_rss_mb, wait_for_kernels


def hub_cold(browser, work: Path, notebooks: dict[str, Path], selectors: dict[str, str],
             repeats: int) -> dict[str, list[float]]:
    """Time-to-interactive of each notebook through the hub, signed in, each view a cold
    kernel in a fresh page whose cookies are the signed-in ones; views interleaved."""
    folder = work / "hub-notebooks"
    folder.mkdir()
    for nb in notebooks.values():
        shutil.copy(nb, folder)
    db = demo_copy(work / "hub-data")
    supervisor = pick_session(db).supervisor
    hub = start_hub(work / "hub", {"SUPERVISION_KIT_NOTEBOOKS": str(folder)}, db=db)
    times = {name: [] for name in notebooks}
    try:
        context = browser.new_context()
        context.set_default_timeout(300_000)
        page = hub.login(context, supervisor)
        page.wait_for_url("**/voila/render/index.ipynb", timeout=300_000)  # server started
        page.close()
        state = context.storage_state()
        base = hub.url + f"user/{supervisor}/voila/render/"
        for i in range(repeats + 1):  # the first round warms templates; dropped
            for name, nb in notebooks.items():
                view = browser.new_context(storage_state=state)  # fresh cache, same sign-in
                p = view.new_page()
                t = time_to_interactive(p, base + nb.name, selectors[name], timeout_ms=300_000)
                p.close(run_before_unload=True)
                view.close()
                if i:
                    times[name].append(t)
        context.close()
    finally:
        stop_hub(hub)
    return times


def _steady(pid: int, kernels: int, timeout: float = 180.0) -> tuple[int, float]:
    """(kernels, RSS MB) once ``kernels`` run and their RSS holds still for 3 s (a pool
    kernel is "filled" before it has finished running the notebook)."""
    wait_for_kernels(pid, kernels, timeout=timeout)
    deadline = time.monotonic() + timeout
    last = kernels_rss_mb(pid)
    while time.monotonic() < deadline:
        time.sleep(3)
        now = kernels_rss_mb(pid)
        if abs(now - last) <= 0.01 * max(last, 1):
            break
        last = now
    return len(kernel_processes(pid)), kernels_rss_mb(pid)


def kernel_reclaim(browser, work: Path, notebook: Path, selector: str, env: dict, views: int,
                   idle_timeout: int = 10) -> dict:
    """Open and close ``views`` pages of ``notebook`` (preheated, as `make app` serves it);
    every fifth page is dropped without its closing beacon, as a crashed browser would.
    Kernels and their RSS at the start, right after, and once the cull interval passed."""
    folder = work / "reclaim"
    folder.mkdir()
    shutil.copy(notebook, folder)
    env = {**env, "SUPERVISION_KIT_KERNEL_IDLE_TIMEOUT": str(idle_timeout),
           "SUPERVISION_KIT_KERNEL_CULL_INTERVAL": "2"}
    with voila_process(folder, env=env, preheat=True, timeout=300) as server:
        server.wait_for_log(f"Kernel pool of {notebook.name} is filled", timeout=300)
        pid = server.proc.pid
        url = server.url + f"voila/render/{notebook.name}"
        pool = len(kernel_processes(pid))
        start = _steady(pid, pool)
        t0 = time.monotonic()
        for i in range(views):
            context = browser.new_context()
            page = context.new_page()
            time_to_interactive(page, url, selector, timeout_ms=300_000)
            page.close(run_before_unload=(i % 5 != 4))
            context.close()
        elapsed = time.monotonic() - t0
        after = (len(kernel_processes(pid)), kernels_rss_mb(pid))
        # once every dropped page's kernel is past the idle timeout, and the pool refilled
        time.sleep(idle_timeout + 4)
        settled = _steady(pid, pool)
    return {"views": views, "start": start, "after": after, "settled": settled,
            "seconds": elapsed}


def report(hub_times: dict[str, list[float]] | None, reclaim: dict | None, base_name: str) -> None:
    """Print both figures."""
    if hub_times:
        base = statistics.median(hub_times[base_name])
        print(f"through JupyterHub, signed in, cold; ratios to {base_name} median {base:.2f}s")
        for name, t in hub_times.items():
            m = statistics.median(t)
            print(f"hub {name}: cold {m:.2f}s ({min(t):.2f}s)  /{base_name} {m / base:.2f}x "
                  f"(target session <= 1.5x)")
    if reclaim:
        (k0, r0), (k1, r1), (k2, r2) = reclaim["start"], reclaim["after"], reclaim["settled"]
        print(f"kernels after {reclaim['views']} page views opened and closed "
              f"({reclaim['seconds']:.0f}s; every 5th closed without its beacon): "
              f"start {k0} kernels {r0:.0f} MB; just after {k1} kernels {r1:.0f} MB; after the "
              f"cull interval {k2} kernels {r2:.0f} MB (RSS {100 * (r2 - r0) / max(r0, 1):+.0f}% "
              f"of the start; target: the preheat pool, {k0}, and within 10%)")


if __name__ == "__main__":  # `make bench` runs every benchmarks/*.py
    print("helpers for benchmarks/apps.py; nothing to measure on its own")
