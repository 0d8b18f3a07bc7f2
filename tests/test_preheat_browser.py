"""The session app from a preheated pool (how `make app` and the hub serve it): the page
acts as the server's one signed-in person, preselects the supervisee its link asked for,
and the websocket that hands a pooled kernel its request answers no browser [issue 15].
Real Voilà, real Chromium."""
from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from supervision_kit.facade import Toolkit
from tests.helpers_browser import ROOT
from tests.helpers_kernels import cookie_header, page_kernel_id, websocket_handshake

SLOW = 180_000  # ms: kernels starting on a loaded two-core machine


@pytest.mark.browser
def test_a_pooled_session_app_serves_the_signed_in_person_and_their_link(
        tmp_path, voila, browser, demo_db):
    db, pick = demo_db
    apps = tmp_path / "apps"
    apps.mkdir()
    shutil.copy(ROOT / "notebooks" / "session.ipynb", apps)
    server = voila(apps, env={"SUPERVISION_KIT_DB": str(db),
                              "SUPERVISION_KIT_USER": pick.supervisor},
                   preheat=True, timeout=120)
    server.wait_for_log("Kernel pool of session.ipynb is filled with 2 kernel(s)", timeout=300)
    context = browser.new_context()
    context.set_default_timeout(SLOW)
    page = context.new_page()
    page.goto(server.url + f"voila/render/session.ipynb?supervisee={pick.supervisee_id}")
    expect(page.get_by_text(f"Signed in as {pick.supervisor_name}")).to_be_visible()
    # the pooled kernel was told the page's query string: the supervisee is chosen
    picker = page.get_by_role("combobox", name="Supervisee")
    expect(picker).to_have_value(pick.supervisee_label)
    expect(page.get_by_role("button", name="Open session")).to_be_enabled()
    assert "Using pre-heated kernel" in server.log()
    # the pooled kernel is this page's: another browser's cookies do not reach it
    kernel = page_kernel_id(page)
    channels = server.url + f"api/kernels/{kernel}/channels"
    assert websocket_handshake(channels, cookie_header(context, server.url)) == 101
    stranger = browser.new_context()
    stranger.new_page().goto(server.url + "voila/static/voila.js")
    assert websocket_handshake(channels, cookie_header(stranger, server.url)) in (302, 403)
    # where pooled kernels hear their request: refused to a browser (it sends Origin)
    query = server.url + f"voila/query/{kernel}"
    assert websocket_handshake(query, cookie_header(context, server.url)) == 403
    assert websocket_handshake(query, origin=False) == 101  # as a kernel's own client
    stranger.close()
    context.close()


@pytest.fixture
def demo_db(tmp_path):
    from tests.apps_demo import demo_copy, pick_session
    db = demo_copy(tmp_path / "data")
    return db, pick_session(db)
