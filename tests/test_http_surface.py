"""Issue 19: the HTTP surface probes an agency's security review repeats (docs/deploying.md).

Real Voilà serving a folder with a notebook, a SQLite database and a secret beside it.
"""
from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.helpers_browser import write_notebook
from tests.test_serve import BUTTON

SECRET = "not-for-the-web-7f3a"


def _fetch(url: str, path: str) -> tuple[int, bytes]:
    """Status and body of a GET of ``path`` exactly as written (no normalising)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


@pytest.mark.browser
def test_no_file_outside_the_notebooks_and_not_the_database(tmp_path, voila):
    apps = tmp_path / "apps"
    apps.mkdir()
    write_notebook(apps / "button.ipynb", BUTTON)
    (apps / "store.sqlite").write_bytes(b"SQLite format 3\x00" + SECRET.encode())
    (tmp_path / "secret.txt").write_text(SECRET)
    server = voila(apps)
    assert _fetch(server.url, "/voila/render/button.ipynb")[0] == 200  # the probe reaches it
    for path in ("/voila/files/store.sqlite", "/files/store.sqlite", "/store.sqlite",
                 "/voila/files/../secret.txt", "/voila/files/%2e%2e/secret.txt",
                 "/voila/render/..%2fsecret.txt", "/voila/tree/..", "/voila/tree/%2e%2e",
                 "/api/contents/store.sqlite", "/api/contents", "/api/kernels",
                 "/voila/files/button.ipynb", "/static/../../secret.txt"):
        status, body = _fetch(server.url, path)
        assert SECRET.encode() not in body, path
        assert status != 200 or b"store.sqlite" not in body, (path, status)


EXECUTE = """async ([url, marker]) => {
  const ws = new WebSocket(url.replace(/session_id=[^&]*/, "session_id=" + crypto.randomUUID()));
  const got = [];
  await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
  ws.onmessage = async (e) => {
    const text = typeof e.data === "string" ? e.data : await e.data.text();
    try { got.push(JSON.parse(text).header.msg_type); } catch (x) { got.push("?" + text.slice(0, 80)); }
  };
  const msg = (type, content) => JSON.stringify({
    header: {msg_id: crypto.randomUUID(), msg_type: type, session: crypto.randomUUID(),
             username: "probe", version: "5.3", date: new Date().toISOString()},
    parent_header: {}, metadata: {}, content: content, channel: "shell", buffers: []});
  ws.send(msg("execute_request", {code: `open(${JSON.stringify(marker)}, "w").write("ran")`,
                                  silent: false, store_history: false, user_expressions: {},
                                  allow_stdin: false, stop_on_error: true}));
  ws.send(msg("kernel_info_request", {}));
  await new Promise((ok) => setTimeout(ok, 4000));
  ws.close();
  return got;
}"""


@pytest.mark.browser
def test_the_browser_cannot_run_code_in_the_kernel(tmp_path, voila, page, request_log):
    write_notebook(tmp_path / "button.ipynb", BUTTON)
    server = voila(tmp_path)
    page.goto(server.url + "voila/render/button.ipynb")
    expect(page.get_by_role("button", name="Press me")).to_be_enabled()
    channels = [u for u in request_log.urls if u.startswith("ws://") and "/channels" in u]
    assert channels, request_log.urls
    marker = tmp_path / "ran.txt"
    got = page.evaluate(EXECUTE, [channels[0], str(marker)])
    assert "kernel_info_reply" in got  # the socket works: the kernel answers what is allowed
    assert "execute_reply" not in got and "execute_input" not in got
    time.sleep(1)
    assert not marker.exists()
    # the page still works for its own widgets
    page.get_by_role("button", name="Press me").click()
    expect(page.get_by_text("clicked 1")).to_be_visible()
