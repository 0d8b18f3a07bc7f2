"""A real JupyterHub and its proxy on loopback, started as `make hub` starts it
(``python -m supervision_kit.hub.launch``) on a copy of the demo store (no pytest here:
tests/fixtures_hub.py and benchmarks/apps_hub.py use it)."""
from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.apps_demo import demo_copy
from tests.helpers_browser import ROOT, free_port
from tests.helpers_kernels import request

PASSWORD_LINE = re.compile(r"^  (\S+)\s+(\S+)  \S", re.M)


@dataclass
class Hub:
    """The running hub: its URL, the printed passwords, the store and the log."""
    url: str
    passwords: dict
    proc: subprocess.Popen
    db: Path
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def login(self, context, username: str, password: str | None = None):
        """Sign in through the hub's login form in a new page of ``context``."""
        page = context.new_page()
        page.goto(self.url + "hub/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", self.passwords[username] if password is None else password)
        page.locator("[type=submit]").first.click()
        return page


def _descendants(pid: int) -> list[int]:
    import psutil
    with contextlib.suppress(psutil.Error):
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    return []


def start_hub(work: Path, env: dict | None = None, timeout: float = 240.0, db: Path | None = None) -> Hub:
    """Start the hub (accounts made and printed once) and wait for its login page."""
    db = db or demo_copy(work / "data")
    port = free_port()
    work.mkdir(parents=True, exist_ok=True)
    log_path = work / "hub.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "supervision_kit.hub.launch", "--db", str(db),
         "--state", str(work / "state"), "--port", str(port)],
        cwd=ROOT, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    hub = Hub(f"http://127.0.0.1:{port}/", {}, proc, db, log_path)
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the hub exited with {proc.returncode}:\n{hub.log()[-4000:]}")
        with contextlib.suppress(OSError):
            if request(hub.url + "hub/login")[0] == 200:
                break
        if time.monotonic() > deadline:
            stop_hub(hub)
            raise RuntimeError(f"the hub did not answer within {timeout}s:\n{hub.log()[-4000:]}")
        time.sleep(0.5)  # bounded poll of a starting hub
    hub.passwords = dict(PASSWORD_LINE.findall(hub.log().split("supervision_kit: JupyterHub at")[0]))
    return hub


def stop_hub(hub: Hub) -> None:
    """SIGTERM the hub (it stops the users' servers), then kill anything left of it."""
    import psutil
    family = _descendants(hub.proc.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(hub.proc.pid, signal.SIGTERM)
    try:
        hub.proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(hub.proc.pid, signal.SIGKILL)
        hub.proc.wait(timeout=10)
    for pid in family:  # users' servers and kernels the hub did not take down with it
        with contextlib.suppress(psutil.Error):
            psutil.Process(pid).kill()


