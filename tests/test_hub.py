"""The agency deployment for real: JupyterHub and configurable-http-proxy on loopback
(started as `make hub` starts them), Chromium signing in with the printed passwords.

Checks the claims of docs/deploying.md's threat model: no sign-in, no app; a wrong
password is refused; each person acts as themselves whatever the URL says; JupyterLab,
terminals, the contents and kernels APIs are not there; nobody reaches another person's
server or another page's kernel; closed pages give their kernels back."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from supervision_kit.facade import Toolkit
from tests.apps_demo import pick_session
from tests.fixtures_hub import hub_or_skip
from tests.helpers_hub import stop_hub
from tests.helpers_kernels import (cookie_header, kernel_processes, page_kernel_id, request,
                                   wait_for_kernels, websocket_handshake)

pytestmark = pytest.mark.browser
LONG = 240_000  # a user's server starts in ~20 s on a quiet 2-core machine; it is shared


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    h = hub_or_skip(tmp_path_factory, {"SUPERVISION_KIT_KERNEL_IDLE_TIMEOUT": "4",
                                       "SUPERVISION_KIT_KERNEL_CULL_INTERVAL": "1"})
    try:
        yield h
    finally:
        stop_hub(h)


@pytest.fixture(scope="module")
def people(hub):
    """usernames: a supervisor, their supervisee, and a practitioner who is neither."""
    pick = pick_session(hub.db)
    system = Toolkit.system(hub.db)
    supervisee = next(p for p in system.practitioners() if p.id == pick.supervisee_id)
    other = next(p for p in system.practitioners(include_left=False)
                 if p.role == "practitioner" and p.id != supervisee.id
                 and not Toolkit(hub.db, supervisee.username).can_see(p.id))
    return {"supervisor": pick.supervisor, "supervisor_name": pick.supervisor_name,
            "supervisee": supervisee.username, "supervisee_name": supervisee.name,
            "other_id": other.id, "other_name": other.name}


@pytest.fixture(scope="module")
def supervisor(hub, people, browser):
    """A browser context signed in as the supervisor, their server started."""
    context = browser.new_context()
    context.set_default_timeout(LONG)
    page = hub.login(context, people["supervisor"])
    page.wait_for_url(re.compile(r".*/voila/render/index\.ipynb"), timeout=LONG)
    yield context
    context.close()


@pytest.fixture(scope="module")
def supervisee(hub, people, browser):
    context = browser.new_context()
    context.set_default_timeout(LONG)
    page = hub.login(context, people["supervisee"])
    page.wait_for_url(re.compile(r".*/voila/render/index\.ipynb"), timeout=LONG)
    yield context
    context.close()


def _server(hub, username: str) -> str:
    return hub.url + f"user/{username}/"


def test_without_signing_in_every_app_url_gives_the_login_page(hub, people, browser, supervisor):
    # the supervisor's server is running (their fixture signed in): it must refuse us itself
    context = browser.new_context()
    page = context.new_page()
    page.goto(_server(hub, people["supervisor"]) + "voila/render/session.ipynb")
    expect(page.locator("input[name=password]")).to_be_visible(timeout=LONG)
    assert "/hub/login" in page.url
    for path in ("", "voila/render/index.ipynb", "api/kernels"):
        status, headers, _ = request(_server(hub, people["supervisor"]) + path)
        assert status in (302, 403, 404) and "supervision" not in headers.get("location", "")
    context.close()


def test_a_wrong_password_is_refused(hub, people, browser):
    context = browser.new_context()
    page = hub.login(context, people["supervisor"], "not-the-password-123")
    expect(page.get_by_text(re.compile("Invalid username or password", re.I))).to_be_visible(timeout=LONG)
    assert "/hub/login" in page.url
    me = hub.url + "hub/api/user"
    assert request(me, headers={"Cookie": cookie_header(context, me)})[0] == 403
    context.close()


def test_the_supervisor_signs_in_and_acts_as_themselves(hub, people, supervisor):
    page = supervisor.new_page()
    # a browser value naming someone else changes nothing: the hub's login is the user
    page.goto(_server(hub, people["supervisor"]) + "voila/render/session.ipynb"
              "?user=admin&SUPERVISION_KIT_USER=admin&as_user=admin")
    header = page.locator(".app-user")
    expect(header).to_contain_text(f"Signed in as {people['supervisor_name']} (supervisor", timeout=LONG)
    expect(page.get_by_role("combobox").first).to_be_visible(timeout=LONG)  # the session app itself
    expect(page.get_by_text("Sign in as")).to_have_count(0)  # no demo picker under the hub
    page.goto(_server(hub, people["supervisor"]))  # the server's root: the landing page
    expect(page.locator("a.app-link", has_text="Supervision session")).to_be_visible(timeout=LONG)
    page.close()


def test_lab_terminals_contents_and_kernels_api_are_not_there(hub, people, supervisee):
    base = _server(hub, people["supervisee"])
    cookie = cookie_header(supervisee, base)  # the cookies the browser sends to its server
    assert request(base + "voila/render/index.ipynb", headers={"Cookie": cookie})[0] == 200
    for path in ("lab", "tree", "terminals/1", "api/terminals", "api/contents",
                 "api/contents/session.ipynb", "api/kernels", "api/sessions", "edit/session.ipynb",
                 "files/session.ipynb", "voila/files/session.ipynb", "api/kernelspecs",
                 "voila/tree", "voila/api/contents", "voila/api/contents/session.ipynb"):
        status = request(base + path, headers={"Cookie": cookie})[0]
        assert status in (403, 404, 405), (path, status)
    # starting a kernel to run one's own code: no such API
    status = request(base + "api/kernels", "POST", headers={"Cookie": cookie}, body="{}")[0]
    assert status in (403, 404, 405)
    # the hub's own pages do not offer a notebook server either
    admin = hub.url + "hub/admin"
    assert request(hub.url + "hub/home", headers={"Cookie": cookie_header(supervisee, admin)})[0] == 200
    assert request(admin, headers={"Cookie": cookie_header(supervisee, admin)})[0] in (403, 404)


def test_a_practitioner_reaches_no_one_elses_record_or_server(hub, people, supervisee, supervisor):
    page = supervisee.new_page()
    base = _server(hub, people["supervisee"])
    page.goto(base + f"voila/render/session.ipynb?supervisee={people['other_id']}")
    expect(page.locator(".app-message").first).to_be_visible(timeout=LONG)
    expect(page.get_by_text(people["other_name"])).to_have_count(0)
    page.goto(base + f"voila/render/reflection.ipynb?supervisee={people['other_id']}"
                     f"&practitioner={people['other_id']}")
    expect(page.locator(".app-user")).to_contain_text(people["supervisee_name"], timeout=LONG)
    expect(page.get_by_text(people["other_name"])).to_have_count(0)
    # the supervisor's own server (running) refuses the supervisee outright
    page.goto(_server(hub, people["supervisor"]) + "voila/render/session.ipynb")
    expect(page.locator(".app-user")).to_have_count(0)
    theirs = _server(hub, people["supervisor"]) + "voila/render/index.ipynb"
    assert request(theirs, headers={"Cookie": cookie_header(supervisee, theirs)})[0] in (302, 403)
    page.close()


def test_a_kernel_answers_only_its_page_and_closing_the_page_shuts_it(hub, people, supervisor,
                                                                      supervisee):
    page = supervisor.new_page()
    page.goto(_server(hub, people["supervisor"]) + "voila/render/index.ipynb")
    expect(page.locator("a.app-link").first).to_be_visible(timeout=LONG)
    kernel = page_kernel_id(page)
    channels = _server(hub, people["supervisor"]) + f"api/kernels/{kernel}/channels"
    assert websocket_handshake(channels, cookie_header(supervisor, channels)) == 101
    assert websocket_handshake(channels, cookie_header(supervisee, channels)) in (302, 403)
    assert websocket_handshake(channels) in (302, 403)
    before = len(kernel_processes(hub.proc.pid))
    page.close(run_before_unload=True)
    assert wait_for_kernels(hub.proc.pid, before - 1, timeout=60) == before - 1
    assert "'_xsrf' argument missing" not in hub.log()
