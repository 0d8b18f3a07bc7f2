"""Training exercises without a browser: make an exercise, trainees join and rate (one skips
an item), the trainer's dashboard shows the statistics of ``analytics.agreement``, the CSV
is pseudonymised, and a trainee cannot read the results."""
from __future__ import annotations

import asyncio
import csv
import io
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from supervision_kit.analytics import agreement
from supervision_kit.apps.training_app import TrainerDashboard, TrainingApp, trainee_view
from supervision_kit.domain.records import Practitioner
from supervision_kit.errors import AccessDenied, NotFound, ValidationError
from supervision_kit.facade import Toolkit
from supervision_kit.facade.training import TraineeSession
from supervision_kit.training.exercises import CODE_ALPHABET
from supervision_kit.training.results import fmt
from supervision_kit.widgets.common import html_values
from tests.fixtures_db import build_world
from tests.helpers_widgets import beside

VIGNETTES = ["cin_disguised_compliance", "hv_fear_of_mother_partner"]
# (alias, {item: rating}); Quokka skips the second update of the first vignette.
RATINGS = [
    ("Zebedee", {"cin_disguised_compliance#1": "A", "cin_disguised_compliance#2": "R",
                 "cin_disguised_compliance#3": "R", "hv_fear_of_mother_partner#1": "A",
                 "hv_fear_of_mother_partner#2": "R"}),
    ("Quokka", {"cin_disguised_compliance#1": "G", "cin_disguised_compliance#3": "A",
                "hv_fear_of_mother_partner#1": "A", "hv_fear_of_mother_partner#2": "R"}),
    ("Marmalade", {"cin_disguised_compliance#1": "G", "cin_disguised_compliance#2": "A",
                   "cin_disguised_compliance#3": "R", "hv_fear_of_mother_partner#1": "G",
                   "hv_fear_of_mother_partner#2": "R"}),
]


@pytest.fixture
def tk(tmp_path):
    """The test world plus two trainers; returns the system toolkit."""
    sys_tk = build_world(tmp_path / "train.sqlite")
    sys_tk.add_practitioners([
        Practitioner("T1", "Tess Trainer", "tess", role="trainer", team="Learning"),
        Practitioner("T2", "Tom Trainer", "tom", role="trainer", team="Learning")])
    return sys_tk


def split(item: str) -> tuple[str, int]:
    vid, n = item.split("#")
    return vid, int(n) - 1


def rate_all(db, code) -> dict[str, TraineeSession]:
    sessions = {}
    for alias, ratings in RATINGS:
        s = Toolkit.trainee(db, code, alias)
        for item, r in ratings.items():
            s.rate(*split(item), r, f"{alias} rated this {r}")
        sessions[alias] = s
    return sessions


def long_frame() -> pd.DataFrame:
    return pd.DataFrame([dict(rater=a, item=i, rating=r) for a, rs in RATINGS for i, r in rs.items()])


def expert(tess, xid) -> pd.Series:
    return pd.Series(tess.exercise(xid).expert())


def test_create_exercise_and_codes(tk, tmp_path):
    tess = tk.as_user("tess")
    xid, code = tess.create_exercise(VIGNETTES, "March cohort")
    assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
    assert not set(code) & set("0O1IL")
    ex = tess.exercise(code.lower())
    assert ex.id == xid and ex.title == "March cohort" and ex.trainer_id == "T1"
    assert [v.id for v in ex.vignettes] == VIGNETTES
    assert ex.expert()["cin_disguised_compliance#2"] == "R"
    assert [x.id for x in tess.exercises()] == [xid]
    codes = {tess.create_exercise(VIGNETTES[:1])[1] for _ in range(25)}
    assert len(codes) == 25 and code not in codes
    assert tk.as_user("ada").create_exercise(VIGNETTES[:1])[0]  # an admin may run training
    with pytest.raises(AccessDenied):
        tk.as_user("sam").create_exercise(VIGNETTES)
    with pytest.raises(ValidationError, match="unknown vignette"):
        tess.create_exercise(["no_such_vignette"])
    with pytest.raises(ValidationError, match="at least one"):
        tess.create_exercise([])
    with pytest.raises(AccessDenied):  # another trainer's exercise
        tk.as_user("tom").exercise(code)


def test_exercise_keeps_the_vignettes_it_was_made_with(tk, tmp_path):
    import shutil

    from supervision_kit.config import REPO_ROOT, Settings
    root = tmp_path / "templates"
    shutil.copytree(REPO_ROOT / "templates", root)
    tess = Toolkit(None, "tess", engine=tk.engine,
                   settings=Settings(templates_dir=str(root)))
    xid, _ = tess.create_exercise(VIGNETTES)
    (root / "vignettes" / "hv_fear_of_mother_partner.yaml").unlink()
    assert [v.id for v in tess.exercise(xid).vignettes] == VIGNETTES  # a stored snapshot


def test_join_rate_and_upsert(tk):
    db = tk.engine.url.database
    tess = tk.as_user("tess")
    xid, code = tess.create_exercise(VIGNETTES)
    with pytest.raises(NotFound, match="check the code"):
        Toolkit.trainee(db, "ZZZZZZ", "Ann")
    with pytest.raises(ValidationError) as e:
        Toolkit.trainee(db, code, "   ")
    assert e.value.field == "alias"
    with pytest.raises(ValidationError):
        Toolkit.trainee(db, "", "Ann")
    ann = Toolkit.trainee(db, f" {code[:3].lower()}-{code[3:]} ", "  Ann   Lee ")
    assert ann.alias == "Ann Lee" and ann.me.username == "trainee:Ann Lee"
    ann.rate("hv_fear_of_mother_partner", 0, "a", "first")
    ann.rate("hv_fear_of_mother_partner", 0, "R", "changed my mind")
    ann.rate("hv_fear_of_mother_partner", 1, None, "not sure yet")
    assert ann.my_ratings() == {("hv_fear_of_mother_partner", 0): ("R", "changed my mind"),
                                ("hv_fear_of_mother_partner", 1): (None, "not sure yet")}
    for bad, field in [(("hv_fear_of_mother_partner", 2, "A"), "update_index"),
                       (("cp_infant_bruise", 0, "A"), "vignette"),
                       (("hv_fear_of_mother_partner", 0, "Amber"), "rating")]:
        with pytest.raises(ValidationError) as e:
            ann.rate(*bad)
        assert e.value.field == field
    df = tess.exercise_ratings(xid)
    assert len(df) == 2 and df["rating"].iloc[0] == "R" and pd.isna(df["rating"].iloc[1])
    # the trainer may enter a paper rating on a trainee's behalf
    tess.rate(xid, "Paper 1", "hv_fear_of_mother_partner", 1, "R", "from the paper form")
    assert len(tess.exercise_ratings(xid)) == 3
    users = {e["user"] for e in tk.as_user("ada").audit_log(limit=50)}
    assert "trainee:Ann Lee" in users


def test_trainee_cannot_read_results(tk):
    db = tk.engine.url.database
    xid, code = tk.as_user("tess").create_exercise(VIGNETTES)
    ann = Toolkit.trainee(db, code, "Ann")
    assert not hasattr(ann, "exercise_ratings") and not hasattr(ann, "export_results_csv")
    # the trainee's copy of the exercise carries no expert ratings or debrief notes
    assert all(u.expert_rating == "" and u.rationale == "" for v in ann.exercise.vignettes
               for u in v.updates)
    assert all(v.teaching_points == () for v in ann.exercise.vignettes)
    for user in ("sam", "pat", "tom", "rae"):
        with pytest.raises(AccessDenied):
            tk.as_user(user).exercise_ratings(xid)
        with pytest.raises(AccessDenied):
            tk.as_user(user).export_results_csv(xid)
    denied = tk.as_user("ada").audit_log(action="denied", limit=50)
    assert {e["user"] for e in denied} >= {"sam", "tom"}


def test_dashboard_refresh_shows_the_agreement_statistics(tk):
    db = tk.engine.url.database
    tess = tk.as_user("tess")
    dash = TrainerDashboard(tess)
    code = dash.create(VIGNETTES, "Calibration")
    assert code and dash.figures["trainees"] == "0" and dash.figures["fleiss_kappa"] == "n/a"
    # Listed at once among the trainer's earlier exercises, its row the one on show.
    assert dash.previous.selected == dash.exercise_id
    assert dash.previous.row(dash.exercise_id)[["code", "title"]].tolist() == [code, "Calibration"]
    other = TrainerDashboard(tess)
    other.previous.select(dash.exercise_id)   # a click on its row reopens it
    assert other.code == code and other.exercise.title == "Calibration"
    assert dash.refresh() is False  # nothing changed
    rate_all(db, code)
    assert dash.refresh() is True
    long, exp = long_frame(), expert(tess, dash.exercise_id)
    ref = agreement.summary(long, exp)
    assert dash.figures == {
        "trainees": "3", "ratings": str(len(long)),
        "percent_agreement": fmt(agreement.percent_agreement(long), True),
        "fleiss_kappa": fmt(agreement.fleiss_kappa(long)),
        "krippendorff_alpha": fmt(agreement.krippendorff_alpha(long, level="ordinal"))}
    r = dash.results
    assert r["n_ratings"] == 14 and r["n_items"] == 5
    assert np.isclose(r["fleiss_kappa"], ref["fleiss_kappa"])
    assert np.isclose(r["krippendorff_alpha"], ref["krippendorff_alpha"])
    # each trainee against the expert: linear-weighted Cohen's kappa, skipped item left out
    table = r["agreement_with_expert"]
    for alias, ratings in RATINGS:
        mine = pd.Series(ratings)
        k = agreement.cohen_kappa(mine, exp.reindex(mine.index), weights="linear")
        assert np.isclose(table.loc[alias, "kappa"], k, equal_nan=True)
        assert table.loc[alias, "n_items"] == len(ratings)
    assert table.loc["Quokka", "n_items"] == 4
    # most disagreement first, as analytics orders it
    assert list(r["disagreement_by_item"].index) == list(agreement.disagreement_by_item(long).index)
    dist = r["distribution"]
    assert dist.loc["cin_disguised_compliance#1", ["R", "A", "G"]].tolist() == [0, 1, 2]
    assert dist.loc["cin_disguised_compliance#2", "n"] == 2
    shown = " ".join(html_values(dash.widget))
    assert f"Fleiss&#x27; kappa (nominal): {dash.figures['fleiss_kappa']}" in shown
    assert "Krippendorff&#x27;s alpha (ordinal, R &lt; A &lt; G)" in shown
    assert code in shown
    assert dash.distribution_image.value[:8] == b"\x89PNG\r\n\x1a\n"
    # one plain sentence beside each figure says what it means for this group
    assert f"κ = {dash.figures['fleiss_kappa']}: " in shown and "of the time they gave the same" in shown
    # the expert's ratings are not on the (projected) screen until the trainer reveals them
    assert not dash.expert_shown and dash.expert_image.value == b""
    assert "Expert</th>" not in shown and dash.reveal_button.description == "Reveal expert ratings"
    assert dash.reveal_expert() is True
    shown = " ".join(html_values(dash.widget))
    assert dash.expert_image.value[:8] == b"\x89PNG\r\n\x1a\n" and "Expert</th>" in shown
    assert "Zebedee" in shown  # each trainee against the expert
    dash.hide_names = True  # projected: trainees as T01, T02, ...
    shown = " ".join(html_values(dash.widget))
    assert "Zebedee" not in shown and "T01" in shown
    assert dash.figures["fleiss_kappa"] == fmt(ref["fleiss_kappa"])


def test_csv_is_pseudonymised(tk, tmp_path):
    db = tk.engine.url.database
    tess = tk.as_user("tess")
    xid, code = tess.create_exercise(VIGNETTES)
    sessions = rate_all(db, code)
    sessions["Quokka"].rate("hv_fear_of_mother_partner", 1, "R", "=HYPERLINK(\"x\") as zebedee said")
    path = tmp_path / "results.csv"
    text = tess.export_results_csv(xid, path)
    assert path.read_text(encoding="utf-8") == text
    for alias, _ in RATINGS:
        assert alias.lower() not in text.lower()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 14
    assert [r["trainee"] for r in rows[:5]] == ["T01"] * 5  # Zebedee rated first
    assert {r["trainee"] for r in rows} == {"T01", "T02", "T03"}
    quokka = [r for r in rows if r["trainee"] == "T02"]
    assert len(quokka) == 4
    assert quokka[-1]["rationale"] == "'=HYPERLINK(\"x\") as T01 said"
    assert {r["agrees_with_expert"] for r in rows} == {"yes", "no"}
    dash = TrainerDashboard(tess, xid)
    assert dash.export_csv() == text
    assert "data:text/csv;base64," in dash._download.value
    exports = tk.as_user("ada").audit_log(action="export", limit=10)
    assert any(e["entity"] == "exercise_ratings" for e in exports)


def test_live_refresh_runs_on_the_event_loop(tk):
    db = tk.engine.url.database
    dash = TrainerDashboard(tk.as_user("tess"))
    code = dash.create(VIGNETTES)
    # A thread of its own: Playwright's sync API (session-scoped browser fixture) leaves its
    # event loop running in the test's main thread.
    in_thread = ThreadPoolExecutor(1)
    # No running loop outside a kernel: refresh() by hand.
    assert in_thread.submit(dash.start_live).result() is False

    async def classroom():
        assert dash.start_live(0.02) is True
        rate_all(db, code)
        for _ in range(500):  # bounded wait for the background task, no fixed sleep asserted
            if dash.figures.get("trainees") == "3":
                break
            await asyncio.sleep(0.02)
        dash.stop_live()

    in_thread.submit(asyncio.run, classroom()).result()
    assert dash.figures["trainees"] == "3" and dash.live is False


def test_trainee_view_saves_as_it_goes_and_resumes(tk):
    db = tk.engine.url.database
    tess = tk.as_user("tess")
    xid, code = tess.create_exercise(VIGNETTES)
    view = trainee_view(db, "nope")
    assert view.join(alias="Ann") is False and "check the code" in view.status
    alias = "<b>$x$</b> Ann"
    assert view.join(code.lower(), alias) and view.current == ("cin_disguised_compliance", 0)
    assert view.rate("A", "Nothing has changed for Mason yet")
    view.next()
    view.rating.value = "R"  # a click on a toggle saves at once
    assert tess.exercise_ratings(xid)["rating"].tolist() == ["A", "R"]
    view.rationale.value = "He is wetting & drawing <shouting>"
    view.next_button.click()
    assert view.status and view.status in beside(view.widget, view.next_button)   # by its button
    assert view.current == ("cin_disguised_compliance", 2)
    shown = " ".join(html_values(view.widget))
    assert "&lt;b&gt;$x$&lt;/b&gt; Ann" in shown and "<b>$x$</b>" not in shown
    # the last update of a vignette offers its suggested reflection
    assert view._reflect.layout.display is None and view.framework.value == "gibbs"
    guide = view.reflect()
    guide.textareas["description"].value = "I trusted Craig's certificates"
    assert "saved" in guide.status.lower()
    view.back()
    assert view.rating.value == "R" and view.rationale.value.startswith("He is wetting")
    again = trainee_view(db, code)  # the same alias in a new tab picks up where it was
    assert again.join(alias=alias)
    assert again.current == ("cin_disguised_compliance", 2) and "Welcome back" in again.status
    again.position = 1
    assert again.rating.value == "R"
    assert again.reflect("gibbs").responses == {"description": "I trusted Craig's certificates"}
    refl = tess.exercise_reflections(xid)
    assert refl.loc[0, "alias"] == alias and refl.loc[0, "framework"] == "gibbs"
    assert len(tess.exercise_ratings(xid)) == 2  # reflections are not ratings


def test_training_app_roles(tk):
    db = tk.engine.url.database
    app = TrainingApp(db=db, user="sam", live=False)
    assert app.as_trainer() is None and "not a trainer" in app.status
    app = TrainingApp(db=db, user="", live=False)
    assert app.as_trainer() is None and "SUPERVISION_KIT_USER" in app.status
    app = TrainingApp(db=db, user="tess", live=False)
    assert isinstance(app.as_trainer(), TrainerDashboard) and app.role == "trainer"
    code = app.dashboard.create(VIGNETTES[:1])
    app = TrainingApp(db=db, query=f"role=trainee&code={code.lower()}")
    assert app.role == "trainee" and app.trainee.code_input.value == code
    assert app.trainee.join(alias="Bea") and app.trainee.session.exercise.code == code
