"""ReflectionGuide and the framework files: stepping, saving as you go, actions, YAML-only frameworks."""
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from supervision_kit.catalog.frameworks import load_frameworks
from supervision_kit.config import REPO_ROOT
from supervision_kit.errors import ValidationError
from supervision_kit.widgets.common import html_values
from supervision_kit.widgets.reflection import ReflectionGuide, parse_action_line
from supervision_kit.widgets.session import SessionRecorder
from tests.worlds import SECOND, empty_world, small_world

TEMPLATES = REPO_ROOT / "templates"
HSCB = Path("/work/shared/seeds/003_8e40f309fd93648e.txt")

ROLFE = {
    "id": "rolfe",
    "name": "What? So what? Now what?",
    "source": "Rolfe, Freshwater and Jasper (2001), as used by our agency",
    "stages": [
        {"key": "what", "title": "What?", "label": "describe",
         "prompts": ["What happened?", "What was my role?"], "action_plan": False},
        {"key": "so_what", "title": "So what?", "label": "make sense",
         "prompts": ["What does this tell me about the child's lived experience?"]},
        {"key": "now_what", "title": "Now what?", "label": "act",
         "prompts": ["What do I need to do now?"], "action_plan": True},
    ],
}


@pytest.fixture
def tk(tmp_path):
    return small_world(tmp_path / "t.sqlite")


def custom_templates(tmp_path, *extra: tuple[str, object]) -> Path:
    """A copy of the shipped templates with extra framework files (name, data or text)."""
    root = tmp_path / "templates"
    shutil.copytree(TEMPLATES, root)
    for name, data in extra:
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
        (root / "frameworks" / name).write_text(text, encoding="utf-8")
    return root


def test_shipped_frameworks():
    fws = load_frameworks(TEMPLATES)
    assert set(fws) >= {"gibbs", "kolb"}
    gibbs, kolb = fws["gibbs"], fws["kolb"]
    assert [s.title for s in gibbs.stages] == ["Description", "Feelings", "Evaluation", "Analysis",
                                               "Conclusion", "Action plan"]
    assert [s.action_plan for s in gibbs.stages] == [False] * 5 + [True]
    assert [(s.title, s.label) for s in kolb.stages] == [
        ("Experience", "ENGAGE"), ("Reflection", "FOCUS"), ("Analysis", "EVOKE"),
        ("Action Planning", "PLAN")]
    assert kolb.action_stage.key == "action_planning"
    assert [len(s.prompts) for s in kolb.stages] == [14, 10, 11, 10]
    assert all(p.endswith("?") for s in [*gibbs.stages, *kolb.stages] for p in s.prompts)


@pytest.mark.skipif(not HSCB.exists(), reason="the HSCB seed is not available")
def test_kolb_prompts_are_the_seed_questions_verbatim():
    text = " ".join(HSCB.read_text(encoding="utf-8").split())
    start = text.index("Example 3: Kolb")
    seed = text[start:text.index("Appendix III", start)]
    kolb = load_frameworks(TEMPLATES)["kolb"]
    for s in kolb.stages:
        joined = " ".join(s.prompts)
        assert joined in seed, s.key                      # every question, in the seed's order
    for header in ("Example 3: Kolb’s Cycle with example questions", "Action Planning (PLAN)",
                   "Experience (ENGAGE)", "Analysis (EVOKE)", "Reflection (FOCUS)"):
        seed = seed.replace(header, " ")
    seed_questions = {q.strip() for q in re.findall(r"[^?]+\?", seed)}
    ours = [p for s in kolb.stages for p in s.prompts]
    assert len(seed_questions) == 45 and set(ours) == seed_questions   # all of them, nothing else


def test_guide_steps_with_progress_and_saves_as_it_goes(tk):
    g = ReflectionGuide(tk, "gibbs", case_id="c1", autosave=False)
    assert g.stage == 0 and g.progress.value == 1 and g.progress.max == 6
    assert g._step.value == "Stage 1 of 6: Description (What happened?)"
    assert g.back_button.disabled and not g.next_button.disabled
    assert "When and where did it happen?" in g._prompts.value
    assert g._box.children == (g.textareas["description"],)
    g.textareas["description"].value = "Home visit; mother angry at the door"
    assert tk.reflections(author_id="sup") == []            # autosave off: not yet
    g.next_button.click()                                   # leaving the stage saves it
    assert g.stage == 1 and g._step.value.startswith("Stage 2 of 6: Feelings")
    saved = tk.reflections(author_id="sup")
    assert len(saved) == 1 and saved[0].case_id == "c1"
    assert saved[0].responses == {"description": "Home visit; mother angry at the door"}
    g.textareas["feelings"].value = "Anxious"
    g.back()
    assert g.stage == 0 and tk.reflections(author_id="sup")[0].responses["feelings"] == "Anxious"
    g.goto("action_plan")
    assert g.stage == 5 and g.next_button.disabled and g._make_btn.layout.display is None
    g.goto(2)
    assert g._make_btn.layout.display == "none"
    with pytest.raises(Exception):
        g.goto(6)
    assert g.stage == 2
    assert len(tk.reflections(author_id="sup")) == 1         # one reflection, updated


def test_autosave_saves_each_change(tk):
    g = ReflectionGuide(tk, "kolb", case_id="c2")
    g.textareas["experience"].value = "Typed"
    assert tk.reflections(author_id="sup")[0].responses == {"experience": "Typed"}


def test_supervisee_reflection_for_an_exercise_resumes(tmp_path):
    tk = empty_world(tmp_path / "t.sqlite")
    pat = tk.as_user("pat")
    g = ReflectionGuide(pat, "kolb", exercise_id="vignette-7")
    g.textareas["experience"].value = "I expected the father to be there"
    g.next()
    again = ReflectionGuide(pat, "kolb", exercise_id="vignette-7")
    assert again.reflection.id == g.reflection.id
    assert again.textareas["experience"].value == "I expected the father to be there"
    (r,) = pat.reflections(author_id="pw")
    assert (r.author_id, r.exercise_id, r.framework) == ("pw", "vignette-7", "kolb")


def test_action_plan_lines_become_actions_of_the_session(tk):
    rec = tk.save_session(tk.open_session("pw", date=SECOND))
    g = ReflectionGuide(tk, "gibbs", session_id=rec.id, case_id="c1")
    g.goto("action_plan")
    g.textareas["action_plan"].value = ("- Read the neglect guidance by 2024-04-30\n\n"
                                        "* Shadow Kim on a visit 15/4/2024 @pw\n")
    made = g.make_actions()
    assert [(a.description, a.due_date, a.owner_id, a.case_id) for a in made] == [
        ("Read the neglect guidance by 2024-04-30", dt.date(2024, 4, 30), "sup", "c1"),
        ("Shadow Kim on a visit 15/4/2024 @pw", dt.date(2024, 4, 15), "sup", "c1")]
    stored = tk.session(rec.id).actions
    assert [a.description for a in stored] == [a.description for a in made]
    assert g.make_actions() == [] and len(tk.session(rec.id).actions) == 2   # not twice


def test_make_these_lines_actions_asks_for_an_owner_and_a_due_date_first(tk):
    rec = tk.save_session(tk.open_session("pw", date=SECOND))
    g = ReflectionGuide(tk, "gibbs", session_id=rec.id, case_id="c1",
                        owners={"sup": "Sam Supervisor", "pw": "Pat Worker"})
    g.goto("action_plan")
    g.textareas["action_plan"].value = "Ring the school nurse\nRead the neglect guidance by 30/4/2024"
    g._make_btn.click()  # the button asks; nothing is made yet
    assert [(a.description, o.value, d.value) for a, o, d in g.review] == [
        ("Ring the school nurse", "sup", None),
        ("Read the neglect guidance by 30/4/2024", "sup", dt.date(2024, 4, 30))]
    assert tk.session(rec.id).actions == [] and "owner and a due date" in g.status
    make = g._review_box.children[-1].children[0]
    assert make.description == "Make 2 actions"
    make.click()  # the first line has no due date yet: refused, nothing stored
    assert tk.session(rec.id).actions == [] and "Ring the school nurse" in g.status
    g.review[0][1].value, g.review[0][2].value = "pw", dt.date(2024, 5, 3)
    make.click()
    assert [(a.description, a.owner_id, a.due_date) for a in tk.session(rec.id).actions] == [
        ("Ring the school nurse", "pw", dt.date(2024, 5, 3)),
        ("Read the neglect guidance by 30/4/2024", "sup", dt.date(2024, 4, 30))]
    assert g.review == [] and g._review_box.children == ()


def test_action_plan_without_a_session_goes_to_the_action_list(tk):
    g = ReflectionGuide(tk, "gibbs")
    g.goto("action_plan")
    g.textareas["action_plan"].value = "Book supervision training"
    made = g.make_actions()
    assert [a.description for a in made] == ["Book supervision training"]
    assert "stored in your action list" in g.status
    assert [a.session_id for a in tk.actions() if a.description == "Book supervision training"] == [None]


def test_parse_action_line():
    owners = {"pw": "Pat Worker", "sup": "Sam Supervisor"}
    a = parse_action_line("1. Visit school 2024-05-01 @pat", owners, "sup")
    assert (a.description, a.due_date, a.owner_id) == ("Visit school 2024-05-01 @pat",
                                                       dt.date(2024, 5, 1), "pw")
    assert parse_action_line("   ", owners) is None
    assert parse_action_line("Call 31/02/2024", owners).due_date is None


def test_framework_added_as_yaml_only(tmp_path):
    templates = custom_templates(tmp_path, ("rolfe.yaml", ROLFE))
    tk = small_world(tmp_path / "t.sqlite", templates_dir=templates)
    assert tk.settings.templates == templates
    assert set(load_frameworks(templates)) == {"gibbs", "kolb", "rolfe"}

    g = ReflectionGuide(tk, "rolfe", case_id="c1")
    assert g._step.value == "Stage 1 of 3: What? (describe)" and g.progress.max == 3
    g.textareas["what"].value = "Visit"
    g.next()
    g.textareas["so_what"].value = "Child withdrawn"
    g.next()
    assert g.next_button.disabled and g._make_btn.layout.display is None
    (r,) = tk.reflections(author_id="sup")
    assert r.framework == "rolfe" and r.responses == {"what": "Visit", "so_what": "Child withdrawn"}

    rec = SessionRecorder(tk, "pw", date=SECOND)
    assert ("What? So what? Now what?", "rolfe") in rec.sections["reflection"].choice.options
    guide = rec.start_reflection("rolfe")
    guide.goto("now_what")
    guide.textareas["now_what"].value = "Ask the school nurse to see Amy 2024-04-22 @pat"
    guide.make_actions()
    s = tk.session(rec.record.id)
    assert s.reflections[0].framework == "rolfe"
    assert [(a.owner_id, a.due_date) for a in s.actions] == [("pw", dt.date(2024, 4, 22))]
    assert rec.action_rows[0].inputs["description"].value == (
        "Ask the school nurse to see Amy 2024-04-22 @pat")


@pytest.mark.parametrize("name, data, field, words", [
    ("broken.yaml", "id: x\nstages: [\n", "broken.yaml", "not valid YAML"),
    ("nostages.yaml", {"id": "n", "name": "N", "source": "S"}, "nostages.yaml: stages", "non-empty"),
    ("noprompts.yaml", {**ROLFE, "id": "p", "stages": [{"key": "a", "title": "A", "prompts": []}]},
     "noprompts.yaml: stages[0].prompts", "prompt"),
    ("badkey.yaml", {**ROLFE, "id": "k", "stages": [{"key": "Bad Key", "title": "A", "prompts": ["?"]}]},
     "badkey.yaml: stages[0].key", "lower-case"),
    ("typo.yaml", {**ROLFE, "id": "t", "stages": [{"key": "a", "title": "A", "prompt": ["?"]}]},
     "typo.yaml: stages[0].prompt", "unknown key"),
    ("twice.yaml", {**ROLFE, "id": "w", "stages": [ROLFE["stages"][0], ROLFE["stages"][0]]},
     "twice.yaml: stages[1].key", "used twice"),
    ("flag.yaml", {**ROLFE, "id": "f", "stages": [{**ROLFE["stages"][0], "action_plan": "yes"}]},
     "flag.yaml: stages[0].action_plan", "true or false"),
    ("zz_gibbs_copy.yaml", {**ROLFE, "id": "gibbs"}, "zz_gibbs_copy.yaml: id", "gibbs.yaml"),
    ("noname.yaml", {k: v for k, v in ROLFE.items() if k != "name"} | {"id": "nn"},
     "noname.yaml: name", "required"),
])
def test_bad_framework_files_name_file_and_key(tmp_path, name, data, field, words):
    templates = custom_templates(tmp_path, (name, data))
    with pytest.raises(ValidationError) as e:
        load_frameworks(templates)
    assert e.value.field == field and words in e.value.message


def test_unknown_framework_is_refused(tk):
    with pytest.raises(ValidationError, match="available: gibbs, kolb"):
        ReflectionGuide(tk, "schon")


def test_prompts_and_typed_text_are_escaped(tmp_path):
    evil = {**ROLFE, "id": "evil", "name": "<b>Bold</b>",
            "stages": [{"key": "a", "title": "<i>A</i>", "prompts": ["<script>alert(1)</script>?"],
                        "action_plan": True}]}
    templates = custom_templates(tmp_path, ("evil.yaml", evil))
    tk = small_world(tmp_path / "t.sqlite", templates_dir=templates)
    rec = tk.save_session(tk.open_session("pw", date=SECOND))
    g = ReflectionGuide(tk, "evil", session_id=rec.id)
    g.textareas["a"].value = "<img src=x onerror=alert(1)>"
    g.make_actions()
    htmls = html_values(g.widget)
    assert not any("<script" in h or "<img" in h or "<b>Bold" in h for h in htmls)
    assert any("&lt;img src=x onerror=alert(1)&gt;" in h for h in htmls)
