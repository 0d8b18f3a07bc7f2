"""The app builders headless: each app built against a copy of the demo database, driven
through its widgets and methods, and the store read back; plus the notebooks themselves."""
from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest

from supervision_kit.apps import (caseload_app, common, qa_app, qa_charts, reflection_app,
                                  session_app)
from supervision_kit.config import Settings
from supervision_kit.domain.signing import DEMO_PICKER
from supervision_kit.facade import Toolkit
from supervision_kit.widgets.common import html_values
from tests.apps_demo import demo_copy, pick_session
from tests.helpers_browser import ROOT
from tests.worlds import supervisee_signs

PNG = b"\x89PNG\r\n\x1a\n"
NOTEBOOKS = ROOT / "notebooks"
APPS = {"session": session_app, "caseload": caseload_app, "reflection": reflection_app,
        "quality_assurance": qa_app}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = demo_copy(tmp_path_factory.mktemp("apps-headless"))
    return db, pick_session(db)


def settings(db, user) -> Settings:
    return Settings(db_url=str(db), user=user)


def test_session_app_opens_records_signs_and_offers_the_pdf_only_when_signed(demo):
    db, pick = demo
    box = session_app.build(settings(db, pick.supervisor))
    app = box.app
    assert isinstance(app, session_app.SessionApp) and box.notice == ""
    assert pick.supervisee_id in app.names
    assert app.open_button.disabled  # nobody chosen yet
    app.choose(pick.supervisee_id)
    assert not app.open_button.disabled
    rec = app.open_session()
    assert rec is app.recorder and rec.record.supervisee_ids == [pick.supervisee_id]
    assert app.pdf_box.layout.display == "none" and app.prepare_pdf() is None
    rec.inputs["agenda"].value = "Agenda typed in the app"
    f = rec.add_discussion(pick.case_id)
    f.rag.value = "G"
    f.inputs["rationale"].value = "Improving for two months"  # needed if the rating changed
    f.confirm_all()                                          # the carried context, unchanged
    assert rec.sign_supervisor() and supervisee_signs(rec, pick.supervisee_id)
    assert rec.record.state == "signed"
    assert app.pdf_box.layout.display != "none"  # a signed record offers its PDF
    stored = Toolkit(db, pick.supervisor).session(rec.record.id)
    assert stored.state == "signed" and stored.agenda == "Agenda typed in the app"
    # the record is among the earlier ones at once (no choosing the supervisee again),
    # as signed, and clicking its row opens it read only
    row = app.earlier.row(rec.record.id)
    assert row is not None and row["state"] == "signed"
    app.earlier.select(rec.record.id)
    again = app.recorder
    assert again is not rec and again.locked and again.record.id == rec.record.id


def test_session_app_group_and_preselection_from_the_query_string(demo, monkeypatch):
    db, pick = demo
    monkeypatch.setenv("QUERY_STRING", f"supervisee={pick.supervisee_id}")
    app = session_app.build(settings(db, pick.supervisor)).app
    assert app.person.value == pick.supervisee_id
    assert session_app.requested_supervisee({"QUERY_STRING": "a=1&supervisee=P9"}) == "P9"
    assert session_app.requested_supervisee({}) == ""
    # someone not supervised by me: refused with a message, typed markup shown as text
    assert not app.preselect("<b>P0000</b>")
    assert "&lt;b&gt;P0000&lt;/b&gt;" in app.status.value and "<b>P0000" not in app.status.value
    # a group, run by a supervisor with at least two supervisees
    system = Toolkit.system(db)
    sup = next(p for p in system.practitioners() if p.role == "supervisor"
               and len(system.as_user(p.username).supervisees()) >= 2)
    group = [p.id for p in system.as_user(sup.username).supervisees()][:2]
    app = session_app.build(settings(db, sup.username)).app
    app.choose_group(group[:1])
    assert app.open_button.disabled and "at least two" in app.status.value
    app.choose_group(group)
    assert app.kind.layout.display == "none" and not app.open_button.disabled
    rec = app.open_session()
    assert rec.record.type == "group" and sorted(rec.record.supervisee_ids) == sorted(group)


def test_caseload_app_lists_drift_and_opens_a_timeline(demo):
    db, pick = demo
    app = caseload_app.build(settings(db, pick.supervisor)).app
    drift = app.overview.frames["drift"]
    row = drift[drift["reference"] == pick.drift_reference].iloc[0]
    assert row["reason"] == pick.drift_reason
    assert app.overview.open_case(row["case_id"]) is not None
    assert app.overview.open_session(pick.supervisee_id) == f"session.ipynb?supervisee={pick.supervisee_id}"


def test_reflection_app_walks_a_framework_and_resumes_it(demo):
    db, pick = demo
    user = Toolkit(db, pick.supervisor).practitioner(pick.supervisee_id).username
    box = reflection_app.build(settings(db, user))
    app = box.app
    assert {"gibbs", "kolb"} <= set(app.frameworks)
    guide = app.start("kolb", case_id=pick.case_id)
    first = guide.framework.stages[0].key
    guide.textareas[first].value = "A home visit that went badly $5 $6"
    saved = Toolkit(db, user).reflections(author_id=pick.supervisee_id)
    mine = [r for r in saved if r.responses.get(first, "").startswith("A home visit")]
    assert mine and mine[0].case_id == pick.case_id and mine[0].framework == "kolb"
    # Saved as typed: the list of earlier reflections follows at once, its row selected.
    assert app.earlier.selected == mine[0].id
    row = app.earlier.row(mine[0].id)
    assert pick.case_label.startswith(row["case"] + " (")
    assert row["answered"] == f"1 of {len(guide.framework.stages)}"
    app._earlier()   # read again from the store: the same row
    assert mine[0].id in app.earlier.row_keys
    fresh = app.start("gibbs")
    assert app.earlier.selected == "" and app.guide is fresh   # a new one: no row chosen
    app.earlier.select(mine[0].id)   # a click on the earlier row opens it again
    resumed = app.guide
    assert resumed is not fresh and resumed.reflection.id == mine[0].id
    assert resumed.textareas[first].value.startswith("A home visit")
    app.tabs.selected_index = 1
    assert app.tracker is not None
    app.tabs.selected_index = 2
    assert app.tabs.children[2].children  # the form, or why there is none


def test_quality_assurance_app_draws_each_chart_with_a_reading(demo):
    db, _ = demo
    box = qa_app.build(settings(db, "auditor"))
    app = box.app
    pngs, readings = app.pngs(), app.readings()
    assert set(pngs) == {"frequency", "records", "drift", "balance", "evaluation"}
    assert all(p.startswith(PNG) for p in pngs.values())
    assert all(r and r.endswith(".") for r in readings.values()), readings
    assert re.match(r"\d+ of \d+ supervisees \(\d+%\) are within", readings["frequency"])
    assert re.match(r"\d+ of \d+ open cases \(\d+%\) are flagged for drift", readings["drift"])
    app.show_topic("drift")
    drift_table = app.topics["drift"].data_tables["drift"]
    everyone = {row[2] for row in drift_table.all_text()}  # its Team column
    assert len(everyone) > 1
    team = app.team.options[1][1]
    app.team.value = team
    app.refresh()
    assert f"team {team}" in app.summary.value
    # the same table on screen now lists that team's drifting cases only
    assert app.topics["drift"].data_tables["drift"] is drift_table
    shown = {row[2] for row in drift_table.all_text()}
    assert shown <= {team} and shown != everyone


def test_quality_assurance_is_for_auditors_managers_and_admins(demo):
    db, pick = demo
    box = qa_app.build(settings(db, pick.supervisor))
    assert box.app is None and "is for auditors, managers and admins" in box.notice
    manager = next(p for p in Toolkit.system(db).practitioners() if p.role == "manager")
    app = qa_app.build(settings(db, manager.username)).app
    assert [t for _, t in app.team.options if t] == [manager.team]


def test_without_a_user_a_message_and_on_the_demo_database_a_sign_in_picker(demo):
    db, pick = demo
    for mod in APPS.values():
        box = mod.build(settings(db, ""))
        assert box.app is None and box.notice.startswith("No user configured: set SUPERVISION_KIT_USER")
    box = session_app.build(settings(db, ""), demo=True)
    usernames = [v for _, v in box.picker.options]
    assert pick.supervisor in usernames and "auditor" not in usernames  # fit for the app
    box.picker.value = pick.supervisor
    box.sign_in()
    assert isinstance(box.app, session_app.SessionApp) and box.tk.me.username == pick.supervisor


def test_a_demo_link_opens_as_the_demo_pickers_choice_and_never_elsewhere(demo, monkeypatch):
    db, pick = demo
    # Signed in through the demo picker: the caseload's session link names that person...
    box = caseload_app.build(settings(db, ""), demo=True)
    box.sign_in_as(pick.supervisor)
    link = box.app.overview.open_session(pick.supervisee_id)
    assert link == f"session.ipynb?as={pick.supervisor}&supervisee={pick.supervisee_id}"
    # ... and the session app opened by it acts as them at once, with the supervisee chosen.
    monkeypatch.setenv("QUERY_STRING", f"as={pick.supervisor}&supervisee={pick.supervisee_id}")
    box = session_app.build(settings(db, ""), demo=True)
    assert isinstance(box.app, session_app.SessionApp) and box.tk.me.username == pick.supervisor
    assert box.tk.sign_in_method == DEMO_PICKER and box.app.person.value == pick.supervisee_id
    # A link cannot reach past the picker: "system" is not offered, so the picker stays.
    monkeypatch.setenv("QUERY_STRING", "as=system")
    box = session_app.build(settings(db, ""), demo=True)
    assert box.app is None and box.notice == "sign in"
    # Outside the demo picker the server's sign-in acts; the link's "as" is not read.
    monkeypatch.setenv("QUERY_STRING", f"as={pick.supervisor}")
    box = session_app.build(settings(db, "admin"))
    assert box.tk.me.username == "admin" and box.tk.sign_in_method != DEMO_PICKER
    served = caseload_app.build(settings(db, pick.supervisor))
    assert "as=" not in served.app.overview.open_session(pick.supervisee_id)
    monkeypatch.setenv("QUERY_STRING", f"as={pick.supervisor}")
    assert session_app.build(settings(db, "")).notice.startswith("No user configured")


def test_unknown_user_and_missing_database_are_friendly_messages(demo, tmp_path):
    db, _ = demo
    box = caseload_app.build(settings(db, "nobody"))
    assert box.app is None and box.notice == "Not allowed: unknown user 'nobody'"
    missing = tmp_path / "none.sqlite"
    box = caseload_app.build(settings(missing, "admin"))
    assert box.notice.startswith(f"No database at {missing}") and not missing.exists()
    assert all("Traceback" not in v for v in html_values(box))


def test_only_the_repository_demo_database_counts_as_demo(tmp_path):
    assert common.is_demo_db(str(common.DEMO_DB))
    assert common.is_demo_db(f"sqlite:///{common.DEMO_DB}")
    assert not common.is_demo_db(str(tmp_path / "demo.sqlite"))
    assert not common.is_demo_db("postgresql://localhost/demo")


def test_charts_cope_with_nothing_and_with_dollars_in_names():
    png, text, _ = qa_charts.compliance(pd.DataFrame(columns=["team", "days_overdue"]))
    assert png.startswith(PNG) and text == "No supervisees in scope."
    due = pd.DataFrame({"team": ["$Team$ A", None, "$Team$ A"], "days_overdue": [0, 3, 5]})
    png, text, by = qa_charts.compliance(due)
    assert png.startswith(PNG) and text.startswith("1 of 3 supervisees (33%)")
    assert set(by["team"]) == {"$Team$ A", qa_charts.NO_TEAM}
    assert qa_charts.evaluation([])[1] == "No evaluations returned yet."
    assert qa_charts.records(pd.DataFrame(columns=["team", "issue"]))[1] == "No unsigned or late records."


@pytest.mark.parametrize("name", list(APPS))
def test_notebooks_only_import_build_and_display(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    kinds = [c.cell_type for c in nb.cells]
    assert kinds == ["markdown", "code"]
    assert nb.cells[0].source.startswith("# ")
    assert nb.cells[1].source == f"from {APPS[name].__name__} import build\n\nbuild()"


def test_landing_page_notebook_builds_the_index_app():
    # which apps it lists, for whom, is tests/test_landing.py
    nb = nbformat.read(NOTEBOOKS / "index.ipynb", as_version=4)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code"]
    assert nb.cells[1].source == "from supervision_kit.apps.index_app import build\n\nbuild()"


def test_preheated_kernels_ask_voila_for_the_request_on_its_query_websocket():
    assert session_app.request_info_url({}) == ""
    assert session_app.request_info_url({"VOILA_PREHEAT": "False", "VOILA_KERNEL_ID": "k"}) == ""
    env = {"VOILA_PREHEAT": "True", "VOILA_KERNEL_ID": "k1", "VOILA_APP_PORT": "9999",
           "VOILA_SERVER_URL": "/"}
    assert session_app.request_info_url(env) == "ws://127.0.0.1:9999/voila/query/k1"


def test_in_a_cold_voila_kernel_the_app_is_built_while_the_page_loads(demo):
    db, pick = demo
    assert common.cold_voila_kernel({"VOILA_PREHEAT": "False"})
    assert not common.cold_voila_kernel({"VOILA_PREHEAT": "True"}) and not common.cold_voila_kernel({})
    box = session_app.build(settings(db, pick.supervisor), background=True)
    assert box.loading is not None
    assert box.loading.wait(120) and isinstance(box.app, session_app.SessionApp)
    assert box.children[-1] is box.app.widget
    box = caseload_app.build(settings(db, "nobody"), background=True)
    assert box.loading.wait(120) and box.notice == "Not allowed: unknown user 'nobody'"


def test_caseload_app_builds_contracts_observations_and_training_tabs_when_opened(demo):
    db, pick = demo
    app = caseload_app.build(settings(db, pick.supervisor)).app
    tabs = app.widget.children[1]
    practice = ("Contracts", "Observations", "Training records")
    assert tabs.titles[-3:] == practice
    assert all(app.sections[t].content is None for t in practice)  # the first paint stays quick
    tabs.selected_index = tabs.titles.index("Contracts")
    contracts = app.sections["Contracts"].content
    assert pick.supervisee_id in [v for _, v in contracts.person.options]
    form = contracts.choose(pick.supervisee_id)
    assert form.status == "" and form.supervisee_id == pick.supervisee_id
    current = Toolkit(db, pick.supervisor).contracts(pick.supervisee_id, active_only=True)
    assert (form.contract.id if form.contract else None) == (current[0].id if current else None)
    tabs.selected_index = tabs.titles.index("Observations")
    observations = app.sections["Observations"].content
    assert pick.supervisee_id in [v for _, v in observations.form.supervisee.options]
    assert observations.list.table.total == len(observations.list.items)
    tabs.selected_index = tabs.titles.index("Training records")
    panel = app.sections["Training records"].content
    panel.person.value = pick.supervisee_id
    assert panel.summary.value  # what their role needs and whether they hold it


def test_reflection_app_my_supervision_shows_my_contract_observations_and_training(demo):
    db, pick = demo
    user = Toolkit(db, pick.supervisor).practitioner(pick.supervisee_id).username
    app = reflection_app.build(settings(db, user)).app
    app.tabs.selected_index = len(app.tabs.children) - 1
    mine = app.my_supervision
    assert mine.observations.supervisee_id == pick.supervisee_id
    assert all(o.supervisee_id == pick.supervisee_id for o in mine.observations.items)
    assert mine.training.person.value == pick.supervisee_id
    contract = Toolkit(db, user).contracts(pick.supervisee_id, active_only=True)
    if contract:  # the demo agency gives most supervisees one
        assert mine.contract.contract.id == contract[0].id
        assert "(supervisor)" in mine.contract.header.value and mine.contract.status == ""
    else:
        assert mine.contract is None


def test_a_cold_kernel_builds_its_app_once_the_browser_has_asked_for_the_widgets(monkeypatch):
    # the thread that imported the toolkit waits for the page's widget manager (its control
    # comm) before the app is built, and does not wait for ever when no page comes
    import threading
    import time

    from ipywidgets import Widget
    monkeypatch.setattr(Widget, "_control_comm", None)
    t = time.monotonic()
    common._after_the_browser_has_loaded(timeout=0.4, settle=0.1)
    assert 0.35 <= time.monotonic() - t < 2.0  # no page: the timeout, then build anyway
    done = threading.Event()
    waiter = threading.Thread(target=lambda: (common._after_the_browser_has_loaded(10, 0.1),
                                              done.set()))
    waiter.start()
    assert not done.wait(0.5)  # no browser yet: still waiting
    monkeypatch.setattr(Widget, "_control_comm", object())  # the page asked for the state
    assert done.wait(5)
    waiter.join()
