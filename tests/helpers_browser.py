"""Reusable pieces for real-Voilà, real-Chromium tests and benchmarks (no pytest here).

``tests/conftest.py`` turns these into fixtures; ``benchmarks/apps.py`` imports them too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# The flags docs/ARCHITECTURE.md prescribes; Playwright's own headless flags are added on top.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
HARMLESS_SCHEMES = {"data", "blob", "about"}


def fill_date(scope, legend: str, day, exact: bool = True) -> None:
    """Type ``day`` by keyboard into the date field (``widgets.dates.DateInput``) whose
    legend is ``legend``, as day, month and year, then leave it (Tab), which sends it."""
    group = scope.get_by_role("group", name=legend, exact=exact)
    group.get_by_role("textbox", name="Day").fill(str(day.day))
    group.get_by_role("textbox", name="Month").fill(str(day.month))
    year = group.get_by_role("textbox", name="Year")
    year.fill(str(day.year))
    year.press("Tab")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_local_url(url: str) -> bool:
    """True for URLs that stay on this machine: loopback http(s)/ws(s), data:, blob:, about:."""
    parts = urlsplit(url)
    if parts.scheme in HARMLESS_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOCAL_HOSTS


def write_notebook(path: Path, *cells: str) -> Path:
    """Write a Python 3 notebook of code cells (sources given as strings)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


@dataclass
class VoilaProcess:
    """A running ``python -m supervision_kit.serve``: its base URL, process and log file."""

    url: str
    proc: subprocess.Popen
    log_path: Path
    token: str | None = None

    def log(self) -> str:
        """Everything the server printed so far (stdout and stderr)."""
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 60.0, count: int = 1) -> None:
        """Block until ``text`` appears ``count`` times in the log (e.g. Voilà's
        "Kernel pool of ... is filled"), or raise with the log."""
        deadline = time.monotonic() + timeout
        while self.log().count(text) < count:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Voilà never logged {text!r}:\n{self.log()[-4000:]}")
            time.sleep(0.1)  # polling a file, bounded by the deadline


def _stop(proc: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM the server's process group (Voilà then shuts its kernels down); SIGKILL
    the group if it has not exited within ``grace`` seconds."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def _responding(url: str) -> bool:
    # a static file: requesting a notebook page would start (or use up) a kernel
    req = urllib.request.Request(url + "voila/static/voila.js", method="HEAD")
    try:
        with urllib.request.urlopen(req, timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextlib.contextmanager
def voila_process(notebook_dir, env: dict | None = None, preheat: bool = False,
                  token: str | None = None, timeout: float = 60.0, ip: str = "127.0.0.1"):
    """Start ``python -m supervision_kit.serve`` on a free port in its own process group;
    yield a :class:`VoilaProcess` once HTTP answers; stop the group at exit.

    ``env`` is added to this process's environment (``SUPERVISION_KIT_DB``/``_USER``
    reach the kernels through it). Raises RuntimeError with the server's output if it
    exits or does not answer within ``timeout`` seconds.
    """
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    full_env.pop("SUPERVISION_KIT_TOKEN", None)
    if token:
        full_env["SUPERVISION_KIT_TOKEN"] = token  # not argv: keeps it out of `ps`
    cmd = [sys.executable, "-m", "supervision_kit.serve", str(notebook_dir),
           f"--port={port}", f"--ip={ip}"]
    if preheat:
        cmd.append("--preheat")
    log = tempfile.NamedTemporaryFile("w+b", prefix="voila-", suffix=".log", delete=False)
    log_path = Path(log.name)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdin=subprocess.DEVNULL,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    server = VoilaProcess(f"http://127.0.0.1:{port}/", proc, log_path, token)
    try:
        deadline = time.monotonic() + timeout
        while not _responding(server.url):
            if proc.poll() is not None:
                raise RuntimeError(f"Voilà exited with {proc.returncode}:\n{server.log()[-4000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Voilà did not answer within {timeout}s:\n{server.log()[-4000:]}")
            time.sleep(0.1)  # bounded poll of a starting server
        yield server
    finally:
        _stop(proc)
        with contextlib.suppress(OSError):
            log_path.unlink()


def apps_signed_in_as(db, user: str):
    """Voilà serving notebooks/ on the store ``db``, signed in (server side) as ``user``."""
    return voila_process(ROOT / "notebooks", env={"SUPERVISION_KIT_DB": str(db),
                                                 "SUPERVISION_KIT_USER": user}, timeout=120)


@contextlib.contextmanager
def voila_server(notebook_dir, env: dict | None = None, preheat: bool = False,
                 token: str | None = None, timeout: float = 60.0):
    """Like :func:`voila_process` but yields just the base URL (``http://127.0.0.1:PORT/``)."""
    with voila_process(notebook_dir, env=env, preheat=preheat, token=token, timeout=timeout) as server:
        yield server.url


@contextlib.contextmanager
def chromium_browser():
    """Launch Debian's Chromium through Playwright's sync API; yield the Browser."""
    if not os.access(CHROMIUM, os.X_OK):
        raise RuntimeError(f"{CHROMIUM} missing: apt-get install -y chromium (never `playwright install`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class RequestLog:
    """Every URL a browser context requested (HTTP and websockets)."""

    urls: list[str] = field(default_factory=list)

    def attach(self, context) -> None:
        """Record the requests and websockets of every page opened in ``context`` from now on."""
        context.on("request", lambda r: self.urls.append(r.url))
        context.on("page", lambda p: p.on("websocket", lambda ws: self.urls.append(ws.url)))

    def external(self) -> list[str]:
        """URLs that would leave this machine."""
        return [u for u in self.urls if not is_local_url(u)]
