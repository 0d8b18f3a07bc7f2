"""Counting a server's kernels and poking at them as a stranger would (tests, benchmarks)."""
from __future__ import annotations

import base64
import http.client
import json
import os
import re
import time
from urllib.parse import urlsplit


def kernel_processes(pid: int) -> list:
    """The ipykernel processes under server process ``pid`` (psutil processes)."""
    import psutil

    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue  # exited while we looked
    return found


def kernels_rss_mb(pid: int) -> float:
    """Total resident memory of the kernels under ``pid``, in MB."""
    import psutil

    total = 0
    for p in kernel_processes(pid):
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total / 1e6


def wait_for_kernels(pid: int, wanted: int, timeout: float = 60.0) -> int:
    """Poll (bounded) until exactly ``wanted`` kernels run under ``pid``; return the count."""
    deadline = time.monotonic() + timeout
    n = len(kernel_processes(pid))
    while n != wanted and time.monotonic() < deadline:
        time.sleep(0.25)
        n = len(kernel_processes(pid))
    return n


def page_kernel_id(page) -> str:
    """The kernel id Voilà wrote into the page's config."""
    text = page.locator("script#jupyter-config-data").first.text_content()
    return json.loads(text)["kernelId"]


def cookie_header(context, url: str) -> str:
    """The Cookie header a browser context would send to ``url``."""
    return "; ".join(f"{c['name']}={c['value']}" for c in context.cookies(url))


def request(url: str, method: str = "GET", headers: dict | None = None, body: str | None = None):
    """(status, headers dict, body text) of one HTTP request; redirects not followed."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, text
    finally:
        conn.close()


def websocket_handshake(url: str, cookie: str = "", origin: bool = True) -> int:
    """The status a websocket upgrade of ``url`` (http form) gets: 101 when accepted.
    ``origin``: send the ``Origin`` header a browser sends (a kernel's client sends none)."""
    headers = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}
    if origin:
        headers["Origin"] = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
    if cookie:
        headers["Cookie"] = cookie
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:  # read the status line only: an accepted socket never ends its "body"
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


def xsrf_of(cookie: str) -> str:
    """The ``_xsrf`` value in a Cookie header ('' when absent)."""
    m = re.search(r"(?:^|; )_xsrf=([^;]*)", cookie)
    return m.group(1) if m else ""
