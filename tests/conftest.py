"""Shared fixtures: each family lives in its own module."""
import sys

from tests.fixtures_db import schema_template, world, world_template  # noqa: F401


def pytest_sessionstart(session):
    # mutmut forks every mutant's test run from one process that has collected the tests:
    # migrating the schema there, once, spares each run an Alembic upgrade (no mutated code
    # runs in a migration, so the copy is the same for every mutant).
    if "mutmut" in sys.modules:
        schema_template()


# ---------------------------------------------------------------------------
# Browser and Voilà fixtures (real Voilà, Debian's Chromium via Playwright).
# The plain helpers live in tests/helpers_browser.py.
# ---------------------------------------------------------------------------
import contextlib  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.helpers_browser import RequestLog, chromium_browser, voila_process  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (Playwright sync API)."""
    with chromium_browser() as b:
        yield b


@pytest.fixture
def request_log() -> RequestLog:
    """URLs requested by the ``page`` fixture's browser context (and its websockets)."""
    return RequestLog()


@pytest.fixture
def page(browser, request_log, request):
    """A fresh page in its own context. At teardown: screenshot to
    tests/artifacts/<test name>.png, then fail if any request left 127.0.0.1."""
    context = browser.new_context()
    context.set_default_timeout(60_000)  # kernels start slowly on a loaded 2-core box
    request_log.attach(context)
    pg = context.new_page()
    try:
        yield pg
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        with contextlib.suppress(Exception):  # a crashed page must not hide the test's own error
            pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        context.close()
    external = request_log.external()
    if external:
        pytest.fail(f"requests left 127.0.0.1: {external}", pytrace=False)


@pytest.fixture
def voila():
    """Factory: ``voila(notebook_dir, env=None, preheat=False, token=None)`` starts
    ``python -m supervision_kit.serve`` on a free port and returns a VoilaProcess
    (``.url``, ``.token``, ``.log()``, ``.wait_for_log()``); all are stopped at teardown."""
    with contextlib.ExitStack() as stack:
        def start(notebook_dir, env=None, preheat=False, token=None, timeout=60.0):
            return stack.enter_context(voila_process(notebook_dir, env=env, preheat=preheat,
                                                     token=token, timeout=timeout))
        yield start
