"""Less work per gesture of the session app [issue 15: gestures answered at once]: the
recorder asks the rules about its own supervisees only (and still flags what the
agency-wide rules flag), a discussion form draws no widgets it has nothing to show in,
and an app built ahead in a preheated kernel is brought up to date when its page opens."""
import os

import pytest

from supervision_kit.facade import Toolkit
from supervision_kit.widgets.session import SessionRecorder
from tests.apps_demo import demo_copy


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return demo_copy(tmp_path_factory.mktemp("narrow"))


def test_drift_for_some_workers_is_the_agency_drift_of_their_cases(demo):
    tk = Toolkit(demo, "admin")
    agency = tk.drift()
    assert len(agency), "the demo agency has drifting cases"
    for worker in sorted(set(agency["worker_id"]))[:4]:
        mine = tk.drift(worker_ids=[worker])
        assert set(mine["worker_id"]) == {worker}
        expected = agency[agency["worker_id"] == worker].sort_values("case_id")
        got = mine.sort_values("case_id")
        assert got[["case_id", "reason"]].values.tolist() == \
            expected[["case_id", "reason"]].values.tolist()
    nobody = tk.drift(worker_ids=[])
    assert nobody.empty and list(nobody.columns) == list(agency.columns)


def test_a_drifting_case_is_flagged_when_its_discussion_is_added(demo):
    system = Toolkit.system(demo)
    agency = system.drift()
    # a drifting case whose worker a supervisor of the demo supervises
    for sup in (p for p in system.practitioners(include_left=False) if p.role == "supervisor"):
        tk = system.as_user(sup.username)
        people = {p.id for p in tk.supervisees()}
        rows = agency[agency["worker_id"].isin(people)]
        if len(rows):
            break
    else:
        pytest.fail("no supervisor of the demo has a drifting case")
    row = rows.iloc[0]
    rec = SessionRecorder(tk, row["worker_id"], autosave=False)
    form = rec.add_discussion(row["case_id"])
    assert form is not None, rec.status
    assert f"Drift flagged: {row['reason']}" in form.head.input.value
    assert form.fields["proposed_amendment"].box.layout.display is None
    # the recorder asked about this supervisee's cases, not the agency's
    assert set(rec._drift) <= {c.id for c in tk.cases(worker_id=row["worker_id"], log=False)}


def test_an_app_built_ahead_in_a_preheated_kernel_is_renewed_when_its_page_opens(demo):
    import datetime as dt

    from supervision_kit.widgets.session_picker import SessionApp
    system = Toolkit.system(demo)
    sup = next(p for p in system.practitioners(include_left=False) if p.role == "supervisor"
               and len(system.as_user(p.username).supervisees()) >= 2)
    app = SessionApp(system.as_user(sup.username))
    # as if built yesterday, before the newest supervisee's contract
    yesterday = dt.date.today() - dt.timedelta(days=1)
    app.built_on, app.date.value = yesterday, yesterday
    newest = app.people[-1]
    app.people = app.people[:-1]
    app.person.options = app.person.options[:-1]
    app.renew()
    assert app.date.value == dt.date.today()
    assert newest.id in [v for _, v in app.person.options]
    assert app.preselect(newest.id) and not app.open_button.disabled
    # a date the person chose themselves is theirs
    chosen = dt.date.today() - dt.timedelta(days=3)
    app.date.value, app.built_on = chosen, yesterday
    app.renew()
    assert app.date.value == chosen


def models_of(widget) -> set[int]:
    """Every widget model the browser creates to draw ``widget`` (layouts and styles too)."""
    from supervision_kit.widgets.common import walk
    seen = set()
    for x in walk(widget):
        for m in (x, getattr(x, "layout", None), getattr(x, "style", None)):
            if m is not None:
                seen.add(id(m))
    return seen


def test_a_new_cases_discussion_draws_no_provenance_widgets(tmp_path):
    from tests.worlds import SECOND, small_world
    tk = small_world(tmp_path / "t.sqlite")
    rec = SessionRecorder(tk, "pw", date=SECOND)
    new = next(c for c in rec._cases if not tk.follow_up_basis(c, before=SECOND).previous)
    form = rec.add_discussion(new)
    # nothing carried, nothing to confirm: no note, reference or button was made
    assert all(n._parts is None and not n.offered for n in form.notes.values())
    assert all(form.fields[k].box.children[-1] is form.inputs[k] for k in form.notes)  # nothing under
    # the text boxes and titles share their look; three answers drew 71 models before
    answers = [form.fields[k].box for k in ("summary", "worries", "plan")]
    assert len(models_of(w_box(answers))) <= 30
    assert form.inputs["summary"].layout is form.inputs["plan"].layout
    # typing still shows what a person needs: a note appears once there is one to show
    form.inputs["plan"].value = "A plan"
    assert form.notes["plan"].note.value == ""  # nothing carried: no provenance line


def w_box(children):
    import ipywidgets as w
    return w.VBox(children)


def test_warming_the_rules_in_a_preheated_kernel_shows_and_logs_nothing(demo):
    from sqlalchemy import func, select

    from supervision_kit.store import tables
    tk = Toolkit(demo, "admin")

    def entries():
        with tk.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(tables.audit_log)).scalar()
    before = entries()
    tk.warm_rules()  # nobody's rows: no view to log
    assert entries() == before


APP_IMPORTS = """
import sys
from supervision_kit.apps import {app} as app
app.build()
heavy = sorted(m for m in ("nbformat", "nbconvert", "jsonschema") if m in sys.modules)
print("HEAVY", ",".join(heavy))
"""


def _as_supervisor(demo, code: str, cwd) -> str:
    """What ``code`` prints in a fresh Python signed in as a supervisor of ``demo``."""
    import subprocess
    import sys
    who = Toolkit(demo, "admin").practitioners()
    user = next(p.username for p in who if p.role == "supervisor")
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd,
                         env={**os.environ, "SUPERVISION_KIT_DB": str(demo),
                              "SUPERVISION_KIT_USER": user},
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


@pytest.mark.parametrize("app", ["session_app", "caseload_app", "qa_app", "index_app"])
def test_an_apps_page_imports_no_notebook_or_schema_library(demo, app, tmp_path):
    # A page's kernel starts cold when no preheated one is ready (and always under the hub
    # by default): importing nbformat there, through jsonschema's IRI grammars, added 1.4 s
    # to the session app's page. They are imported when a PDF is asked for, or while a
    # preheated kernel waits (test below).
    out = _as_supervisor(demo, APP_IMPORTS.format(app=app), tmp_path)
    assert "HEAVY \n" in out, out


def test_a_preheated_session_kernel_has_the_pdf_exporter_imported_before_its_page(demo, tmp_path):
    # ... so the PDF warm-up a record's opening starts imports nothing while the person types
    code = ("import sys\nfrom supervision_kit.apps import session_app as s\nbox = s.build()\n"
            "print('BEFORE', 'nbconvert' in sys.modules)\ns.warm(box)\n"
            "print('AFTER', 'nbconvert' in sys.modules, 'nbformat' in sys.modules)\n")
    out = _as_supervisor(demo, code, tmp_path)
    assert "BEFORE False" in out and "AFTER True True" in out, out
