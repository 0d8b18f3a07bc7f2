"""The Voilà serving layer: real Voilà, real Chromium, one-cell notebooks."""
from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from supervision_kit.serve import build_voila_command, server_url, token_of
from tests.helpers_browser import RequestLog, voila_process, write_notebook

BUTTON = '''
import ipywidgets as w
from IPython.display import display
out = w.Output()
clicks = []
def on_click(_):
    clicks.append(1)
    with out:
        print(f"clicked {len(clicks)}")
button = w.Button(description="Press me", icon="check")
button.on_click(on_click)
display(w.VBox([button, out]))
'''

SHOW_ENV = '''
import os
import ipywidgets as w
from IPython.display import display
display(w.Label(f"db={os.environ['SUPERVISION_KIT_DB']}"))
display(w.Label(f"user={os.environ['SUPERVISION_KIT_USER']}"))
display(w.Label(f"preheated={os.environ.get('VOILA_PREHEAT')}"))
'''


def _get(url: str) -> tuple[int, str]:
    """Status and Location of a GET, redirects not followed."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        resp = conn.getresponse()
        resp.read()
        return resp.status, resp.getheader("Location") or ""
    finally:
        conn.close()


def _click_and_see(page, url: str) -> None:
    page.goto(url)
    button = page.get_by_role("button", name="Press me")
    expect(button).to_be_enabled()
    button.click()
    expect(page.get_by_text("clicked 1")).to_be_visible()


@pytest.mark.browser
def test_button_click_runs_in_the_kernel_and_nothing_leaves_localhost(tmp_path, voila, page, request_log):
    write_notebook(tmp_path / "button.ipynb", BUTTON)
    server = voila(tmp_path)
    _click_and_see(page, server.url + "voila/render/button.ipynb")
    page.get_by_role("button", name="Press me").click()
    expect(page.get_by_text("clicked 2")).to_be_visible()
    assert any(u.startswith("ws://127.0.0.1") for u in request_log.urls)  # the kernel's websocket
    assert request_log.external() == []


@pytest.mark.browser
def test_tree_error_pages_and_template_override_stay_local(tmp_path, voila, page, request_log):
    write_notebook(tmp_path / "button.ipynb", BUTTON)
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    server = voila(tmp_path)
    page.goto(server.url)  # Voilà's tree page
    expect(page.get_by_text("button.ipynb")).to_be_visible()
    page.goto(server.url + "voila/render/missing.ipynb")
    expect(page.get_by_text("404")).to_be_visible()
    # ?template=lab would bring back Voilà's CDN links if the override were allowed
    _click_and_see(page, server.url + "voila/render/button.ipynb?template=lab")
    assert request_log.external() == []
    # files beside the notebooks (a database, say) are not served
    assert _get(server.url + "voila/files/picture.png")[0] == 403


@pytest.mark.browser
def test_token_is_required_when_set(tmp_path, voila, page):
    write_notebook(tmp_path / "button.ipynb", BUTTON)
    server = voila(tmp_path, token="s3cret-token")
    page_url = server.url + "voila/render/button.ipynb"
    status, location = _get(page_url)
    assert status == 403 or (status == 302 and "/login" in location)
    assert _get(page_url + "?token=wrong")[0] in (302, 403)
    assert _get(page_url + "?token=s3cret-token")[0] == 200
    # the token in the URL logs the browser in, and the kernel websocket is accepted
    _click_and_see(page, page_url + "?token=s3cret-token")


def test_non_loopback_ip_gets_a_generated_token(tmp_path):
    cmd = build_voila_command(tmp_path, 8866, ip="0.0.0.0")
    token = token_of(cmd)
    assert token and len(token) >= 32
    assert any(token in arg for arg in cmd)
    assert "--token" in cmd and "--Voila.ip=0.0.0.0" in cmd
    assert token_of(build_voila_command(tmp_path, 8866, ip="0.0.0.0")) != token  # fresh each time
    assert token_of(build_voila_command(tmp_path, 8866, ip="0.0.0.0", token="given")) == "given"
    local = build_voila_command(tmp_path, 8866)
    assert token_of(local) is None and "--token" not in local and "--Voila.ip=127.0.0.1" in local
    assert server_url("127.0.0.1", 8866, "abc") == "http://127.0.0.1:8866/?token=abc"


def test_command_carries_environment_and_options(tmp_path):
    cmd = build_voila_command(tmp_path, 9999, db_url="sqlite:///x.sqlite", user="sam", preheat=True)
    assert cmd[0] == "env"
    assert "SUPERVISION_KIT_DB=sqlite:///x.sqlite" in cmd and "SUPERVISION_KIT_USER=sam" in cmd
    voila_args = cmd[cmd.index("supervision_kit.serving.voila_app") + 1:]
    assert "sqlite:///x.sqlite" not in " ".join(voila_args)  # the database URL stays out of argv
    for flag in ("--no-browser", "--port=9999", "--template=supervision", "--show_tracebacks=False",
                 "--preheat_kernel=True", "--pool_size=1"):
        assert flag in voila_args
    assert "--preheat_kernel=True" not in build_voila_command(tmp_path, 9999)


def pools_of(cmd: list[str]) -> dict:
    """Voilà's kernel_pools_config in a command (empty when not preheated)."""
    prefix = "--VoilaKernelManager.kernel_pools_config="
    found = [json.loads(a[len(prefix):]) for a in cmd if a.startswith(prefix)]
    return found[0] if found else {}


def test_preheat_keeps_two_session_kernels_ready_and_one_of_every_other_app(tmp_path):
    # the session app is opened twice in a row (a caseload link, then a record's PDF):
    # the second open must not wait for the first one's kernel to be replaced [issue 15]
    pools = pools_of(build_voila_command(tmp_path, 9999, preheat=True))
    assert pools == {"default": {"pool_size": 1}, "session.ipynb": {"pool_size": 2}}
    only = pools_of(build_voila_command(tmp_path, 9999, preheat=True,
                                        pools={"default": 0, "session.ipynb": 1}))
    assert only == {"default": {"pool_size": 0}, "session.ipynb": {"pool_size": 1}}
    assert pools_of(build_voila_command(tmp_path, 9999)) == {}


@pytest.mark.browser
@pytest.mark.parametrize("preheat", [False, True], ids=["cold", "preheated"])
def test_database_and_user_reach_the_kernel(tmp_path, voila, page, preheat):
    write_notebook(tmp_path / "env.ipynb", SHOW_ENV)
    db = f"sqlite:///{tmp_path / 'x.sqlite'}"
    server = voila(tmp_path, env={"SUPERVISION_KIT_DB": db, "SUPERVISION_KIT_USER": "sam"},
                   preheat=preheat)
    if preheat:  # be sure the page is served by the pooled kernel
        server.wait_for_log("Kernel pool of env.ipynb is filled")
    page.goto(server.url + "voila/render/env.ipynb")
    expect(page.get_by_text(f"db={db}")).to_be_visible()
    expect(page.get_by_text("user=sam")).to_be_visible()
    expect(page.get_by_text(f"preheated={preheat}")).to_be_visible()


def test_request_log_tells_local_from_external():
    log = RequestLog(["http://127.0.0.1:1/x", "ws://127.0.0.1:1/api/kernels/k", "http://localhost:2/",
                      "http://[::1]:3/", "data:text/css,", "blob:http://127.0.0.1:1/u", "about:blank",
                      "https://cdn.jsdelivr.net/npm/x.css", "http://127.0.0.1.example.com/", "ftp://127.0.0.1/"])
    assert log.external() == ["https://cdn.jsdelivr.net/npm/x.css", "http://127.0.0.1.example.com/",
                              "ftp://127.0.0.1/"]


def test_server_that_cannot_start_raises_with_its_output(tmp_path):
    with pytest.raises(RuntimeError, match="neither a file nor a directory"):
        with voila_process(tmp_path / "missing", timeout=60):
            pass
