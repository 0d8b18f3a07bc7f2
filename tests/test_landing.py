"""Landing by role (issue 13 item 5): the index lists the apps the signed-in person's role
can use, one line each; an app opened by a role it is not for says so in one line."""
from __future__ import annotations

import re

import pytest

from supervision_kit.apps import caseload_app, index_app, qa_app, reflection_app
from supervision_kit.config import Settings
from supervision_kit.facade import Toolkit
from tests.apps_demo import demo_copy
from tests.helpers_browser import ROOT


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return demo_copy(tmp_path_factory.mktemp("landing"))


def _someone(db, role: str) -> str:
    return next(p.username for p in Toolkit.system(db).practitioners(include_left=False)
                if p.role == role)


def _listed(box) -> list[tuple[str, str]]:
    """(notebook, line) of each app on the landing page as shown."""
    html = box.app.widget.value
    return re.findall(r"href='([\w.]+)'[^>]*><b>[^<]+</b></a>: ([^<]+)</li>", html)


@pytest.mark.parametrize("role, expected", [
    ("supervisor", {"session", "caseload", "reflection", "training"}),
    # A practitioner signs in to the session app to read and sign their own records.
    ("practitioner", {"session", "reflection", "training"}),
    ("manager", {"session", "caseload", "reflection", "quality_assurance", "training"}),
    ("auditor", {"caseload", "quality_assurance", "training"}),
    ("researcher", {"research", "training"}),
])
def test_the_landing_page_lists_the_apps_of_the_persons_role(db, role, expected):
    box = index_app.build(Settings(db_url=str(db), user=_someone(db, role)))
    listed = _listed(box)
    assert {nb.removesuffix(".ipynb") for nb, _ in listed} == expected
    for notebook, line in listed:
        assert (ROOT / "notebooks" / notebook).exists()
        assert line.strip().endswith(".") and "\n" not in line  # one line saying what it is for
    assert f"({role}" in box.children[0].value  # who is signed in, above the list


@pytest.mark.parametrize("module, role", [(caseload_app, "practitioner"), (qa_app, "supervisor"),
                                          (reflection_app, "auditor")])
def test_an_app_not_for_the_role_says_so_in_one_line(db, module, role):
    box = module.build(Settings(db_url=str(db), user=_someone(db, role)))
    assert box.app is None
    assert f"signed in as {role}: the {module.TITLE} app is for " in box.notice
    assert "\n" not in box.notice
    # and the landing page does not offer it to them
    entries = index_app.apps_for(role)
    assert module.__name__ not in {e.module for e in entries}


def test_each_landing_entry_reads_roles_from_the_module_its_notebook_builds():
    import nbformat
    for entry in index_app.APPS:
        nb = nbformat.read(ROOT / "notebooks" / entry.notebook, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert f"from {entry.module} import build" in code, entry.notebook
        assert entry.roles()  # the module imports and names its roles (or has a default)


def test_the_landing_page_counts_the_records_awaiting_my_signature(db):
    """Issue 13: a supervisee's landing page says how many records await their signature."""
    system = Toolkit.system(db)
    me = next((p.username for p in system.practitioners(include_left=False)
               if p.role == "practitioner"
               and any(x["awaiting_me"] for x in Toolkit(db, p.username).my_records())), None)
    assert me, "the demo has records awaiting a practitioner's signature"
    n = sum(x["awaiting_me"] for x in Toolkit(db, me).my_records())
    box = index_app.build(Settings(db_url=str(db), user=me))
    html = box.app.widget.value
    word = "record awaits" if n == 1 else "records await"
    assert f"<b>{n} supervision {word} your signature.</b>" in html
    assert "<a href='session.ipynb'>Read and sign now</a>" in html
    # Someone not themselves supervised gets no such line.
    aud = index_app.build(Settings(db_url=str(db), user=_someone(db, "auditor")))
    assert "awaiting-signature" not in aud.app.widget.value
