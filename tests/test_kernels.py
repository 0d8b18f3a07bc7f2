"""Kernels reclaimed and bound to their page, under `supervision-kit serve` (real Voilà,
real Chromium). The same handlers serve each user's server under JupyterHub
(tests/test_hub.py)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.helpers_browser import write_notebook
from tests.helpers_kernels import (cookie_header, page_kernel_id, request, wait_for_kernels,
                                   websocket_handshake, xsrf_of)

BUTTON = '''
import ipywidgets as w
out = w.Label("")
b = w.Button(description="Press me")
b.on_click(lambda _: setattr(out, "value", "clicked"))
w.VBox([b, out])
'''
SLOW = 180_000  # ms: a kernel start on a loaded two-core machine
CULL = {"SUPERVISION_KIT_KERNEL_IDLE_TIMEOUT": "3", "SUPERVISION_KIT_KERNEL_CULL_INTERVAL": "1"}


def _open(browser, url: str):
    context = browser.new_context()
    context.set_default_timeout(SLOW)
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Press me").click()
    expect(page.get_by_text("clicked")).to_be_visible(timeout=SLOW)  # the kernel answers this page
    return context, page


@pytest.mark.browser
def test_closed_pages_give_their_kernels_back(tmp_path, voila, browser):
    write_notebook(tmp_path / "button.ipynb", BUTTON)
    server = voila(tmp_path, env=CULL, preheat=True)
    server.wait_for_log("Kernel pool of button.ipynb is filled")
    url = server.url + "voila/render/button.ipynb"
    pid = server.proc.pid
    pages = [_open(browser, url) for _ in range(4)]
    assert wait_for_kernels(pid, 1 + 4) == 5  # the refilled pool and four open pages
    # two closed as a person closes a tab: the page's beacon shuts its kernel at once
    for context, page in pages[:2]:
        page.close(run_before_unload=True)
        context.close()
    assert wait_for_kernels(pid, 1 + 2, timeout=30) == 3
    assert "'_xsrf' argument missing" not in server.log()
    # one whose browser vanished without a word: culled once idle past the timeout
    pages[2][0].close()
    assert wait_for_kernels(pid, 1 + 1, timeout=60) == 2
    # the page still open kept its kernel through the culls
    context, page = pages[3]
    page.get_by_role("button", name="Press me").click()
    expect(page.get_by_text("clicked")).to_be_visible(timeout=SLOW)
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("token", [None, "t0ken-for-the-test"], ids=["no-token", "token"])
def test_a_kernel_answers_only_its_own_page(tmp_path, voila, browser, token):
    write_notebook(tmp_path / "button.ipynb", BUTTON)
    server = voila(tmp_path, token=token)
    url = server.url + "voila/render/button.ipynb" + (f"?token={token}" if token else "")
    context, page = _open(browser, url)
    kernel = page_kernel_id(page)
    owner = cookie_header(context, server.url)
    channels = server.url + f"api/kernels/{kernel}/channels"
    model = server.url + f"api/kernels/{kernel}"
    assert websocket_handshake(channels, owner) == 101
    assert request(model, headers={"Cookie": owner})[0] == 200
    # another client knowing the kernel id: no cookie, or another browser's own cookies
    stranger_ctx, stranger = _open(browser, url)
    other = cookie_header(stranger_ctx, server.url)
    assert websocket_handshake(channels) in (302, 403)
    assert websocket_handshake(channels, other) == 403
    assert request(model, headers={"Cookie": other})[0] == 403
    status = request(server.url + f"voila/api/shutdown/{kernel}", "POST",
                     headers={"Cookie": other, "Content-Type": "application/x-www-form-urlencoded"},
                     body=f"_xsrf={xsrf_of(other)}")[0]
    assert status == 403
    if token:  # the token alone opens pages, but a kernel still needs its page's cookie
        assert websocket_handshake(channels + f"?token={token}") == 403
    # the page still works: nothing the stranger did reached its kernel
    page.get_by_role("button", name="Press me").click()
    expect(page.get_by_text("clicked")).to_have_count(1, timeout=SLOW)
    stranger_ctx.close()
    context.close()
