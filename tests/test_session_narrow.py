"""The session recorder asks the rules about its own supervisees only, and still flags
what the agency-wide rules flag [issue 15: gestures answered at once]."""
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
