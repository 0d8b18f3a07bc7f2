"""Issue 15: a page open does not ask again for the lab extension files it already has.

Real Voilà (as ``supervision-kit serve`` runs it) and Chromium: the widget manager's
chunks are named by their hash, so the second open takes them from the browser's cache
instead of waiting for a 304 each; files not named by a hash are still revalidated.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from supervision_kit.serving.assets import IMMUTABLE, is_hashed
from tests.helpers_browser import write_notebook
from tests.helpers_kernels import request
from tests.test_serve import BUTTON

RESOURCES = """() => performance.getEntriesByType('resource')
    .filter(r => r.name.includes('/voila/labextensions/'))
    .map(r => [new URL(r.name).pathname + new URL(r.name).search, r.transferSize])"""


def _headers(url: str, path: str) -> tuple[int, dict]:
    """Status and (lower-cased) headers of a GET of ``path`` on the server at ``url``."""
    status, headers, _ = request(url.rstrip("/") + path)
    return status, headers


def test_only_files_named_by_their_hash_count_as_hashed():
    assert is_hashed("/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/"
                     "704.6a820cc839aca480.js", {})
    assert is_hashed("/voila/labextensions/anywidget/static/remoteEntry.698dcaf7.js", {})
    assert is_hashed("/voila/labextensions/x/static/568.js", {"v": [b"1e2faa2ba0bbe59c4780"]})
    for path in ("/voila/labextensions/anywidget/package.json",
                 "/voila/labextensions/x/static/style.js",
                 "/voila/labextensions/x/static/index.abc123.js",  # too short for a hash
                 "/voila/labextensions/x/static/notahashatall.js"):
        assert not is_hashed(path, {}), path


@pytest.mark.browser
def test_a_second_page_open_takes_the_hashed_files_from_the_cache(tmp_path, voila, page):
    write_notebook(tmp_path / "button.ipynb", BUTTON)
    server = voila(tmp_path)
    url = server.url + "voila/render/button.ipynb"
    page.goto(url)
    expect(page.get_by_role("button", name="Press me")).to_be_visible()
    first = page.evaluate(RESOURCES)
    hashed = sorted({p for p, _ in first
                     if is_hashed(urlsplit(p).path, parse_qs(urlsplit(p).query))})
    assert len(hashed) >= 5, first  # the widget manager's chunks and remoteEntry files
    for path in hashed:  # what the server says of each
        status, headers = _headers(server.url, path)
        assert status == 200 and headers["cache-control"] == IMMUTABLE, (path, headers)
    package = "/voila/labextensions/@jupyter-widgets/jupyterlab-manager/package.json"
    status, headers = _headers(server.url, package)
    assert status != 200 or headers.get("cache-control") == "no-cache", headers
    page.goto("about:blank")
    page.goto(url)
    expect(page.get_by_role("button", name="Press me")).to_be_visible()
    again = {p: size for p, size in page.evaluate(RESOURCES)}
    # 0 bytes transferred: from the cache, no request made (a 304 costs its headers)
    fetched = {p: size for p, size in again.items() if p in hashed and size > 0}
    assert not fetched, fetched
