"""The vignette library: shipped files load, cover the required settings and themes, and a
malformed file is refused with the file and key named; a new file is picked up."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
import yaml

from supervision_kit.catalog.frameworks import load_frameworks
from supervision_kit.catalog.vignettes import SETTINGS, load_vignette, load_vignettes
from supervision_kit.config import REPO_ROOT, Settings
from supervision_kit.errors import ValidationError
from supervision_kit.facade import Toolkit

TEMPLATES = REPO_ROOT / "templates"
REQUIRED_THEMES = {"neglect", "long-term repeated concerns", "disguised compliance",
                   "worker's fear of a parent"}


def good() -> dict:
    """A valid vignette as data."""
    return {
        "id": "test_case", "title": "Alex Testcase", "setting": "child in need",
        "themes": ["neglect"], "summary": "A fictional child.",
        "updates": [
            {"when": "Week 1", "text": "First.", "expert_rating": "A", "rationale": "Same."},
            {"when": "Week 2", "text": "Second.", "expert_rating": "R", "rationale": "Worse."},
            {"when": "Week 3", "text": "Third.", "expert_rating": "G", "rationale": "Better."},
        ],
        "teaching_points": ["Rate the child."],
        "prompts": {"framework": "gibbs", "questions": ["What did you feel?"]},
    }


def templates_copy(tmp_path) -> Path:
    root = tmp_path / "templates"
    shutil.copytree(TEMPLATES, root)
    return root


def write(folder: Path, name: str, data) -> Path:
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_vignettes_are_complete():
    vs = load_vignettes(TEMPLATES)
    frameworks = load_frameworks(TEMPLATES)
    assert len(vs) >= 12
    for v in vs.values():
        assert 2 <= len(v.updates) <= 4, v.id
        for u in v.updates:
            assert u.expert_rating in ("G", "A", "R") and u.rationale and u.text and u.when
        assert v.teaching_points and v.summary and v.themes
        assert v.prompts.framework in frameworks and v.prompts.questions
        assert Path(v.path).stem == v.id  # one file per vignette, named after it


def test_shipped_vignettes_cover_settings_themes_and_ratings():
    vs = list(load_vignettes(TEMPLATES).values())
    assert {v.setting for v in vs} == set(SETTINGS)
    themes = {t for v in vs for t in v.themes}
    assert REQUIRED_THEMES <= themes
    # neglect with long-term, repeated concerns in one case (HSCB: not only evident high risk)
    assert any({"neglect", "long-term repeated concerns"} <= set(v.themes) for v in vs)
    # a worker's own fear of a parent, with the HSCB "a last thought" question in the debrief
    fear = [v for v in vs if "worker's fear of a parent" in v.themes]
    assert fear and all(any("last thought" in p.lower() for p in v.teaching_points) for v in fear)
    assert {"gibbs", "kolb"} == {v.prompts.framework for v in vs}
    ratings = [u.expert_rating for v in vs for u in v.updates]
    assert {"G", "A", "R"} == set(ratings)
    assert any(len({u.expert_rating for u in v.updates}) > 1 for v in vs)  # circumstances change


@pytest.mark.parametrize("change, field, words", [
    (lambda d: d["updates"][2].update(expert_rating="X"), "updates[2].expert_rating", "use G, A or R"),
    (lambda d: d["updates"][0].pop("rationale"), "updates[0].rationale", "required"),
    (lambda d: d.pop("title"), "title", "required"),
    (lambda d: d.update(setting="foster care"), "setting", "early help"),
    (lambda d: d.update(updates=d["updates"][:1]), "updates", "2 to 4"),
    (lambda d: d.update(updates=d["updates"] * 2), "updates", "2 to 4"),
    (lambda d: d.update(notes="x"), "notes", "unknown key"),
    (lambda d: d["updates"][1].update(rating="A"), "updates[1].rating", "unknown key"),
    (lambda d: d["prompts"].update(framework="schön"), "prompts.framework", "gibbs"),
    (lambda d: d["prompts"].update(questions=[]), "prompts.questions", "non-empty"),
    (lambda d: d.update(teaching_points="one"), "teaching_points", "list"),
    (lambda d: d.update(id="Has Spaces"), "id", "lower-case"),
])
def test_malformed_file_names_file_and_key(tmp_path, change, field, words):
    root = templates_copy(tmp_path)
    data = good()
    change(data)
    write(root / "vignettes", "zz_bad.yaml", data)
    with pytest.raises(ValidationError) as e:
        load_vignettes(root)
    assert e.value.field == f"zz_bad.yaml: {field}"
    assert words in e.value.message
    assert str(e.value).startswith("zz_bad.yaml: ")


def test_invalid_yaml_and_duplicate_id(tmp_path):
    root = templates_copy(tmp_path)
    write(root / "vignettes", "zz_broken.yaml", "id: [unclosed\ntitle: x\n")
    with pytest.raises(ValidationError) as e:
        load_vignettes(root)
    assert e.value.field == "zz_broken.yaml" and "line" in e.value.message
    (root / "vignettes" / "zz_broken.yaml").unlink()
    write(root / "vignettes", "zz_dup.yaml", {**good(), "id": "cin_neglect_drift"})
    with pytest.raises(ValidationError) as e:
        load_vignettes(root)
    assert e.value.field == "zz_dup.yaml: id" and "cin_neglect_drift.yaml" in e.value.message


def test_new_file_is_picked_up(tmp_path):
    root = templates_copy(tmp_path)
    before = load_vignettes(root)
    assert "test_case" not in before
    write(root / "vignettes", "test_case.yaml", good())
    after = load_vignettes(root)
    assert set(after) == set(before) | {"test_case"}
    v = after["test_case"]
    assert [u.expert_rating for u in v.updates] == ["A", "R", "G"]
    assert load_vignette(root / "vignettes" / "test_case.yaml") == v
    # and through the facade, with an agency's own framework named in the prompts
    write(root / "frameworks", "rolfe.yaml", {
        "id": "rolfe", "name": "What? So what? Now what?", "source": "Rolfe et al. (2001)",
        "stages": [{"key": "what", "title": "What?", "prompts": ["What happened?"]},
                   {"key": "now_what", "title": "Now what?", "prompts": ["Next?"],
                    "action_plan": True}]})
    write(root / "vignettes", "test_case.yaml", {**good(), "prompts": {
        "framework": "rolfe", "questions": ["So what?"]}})
    tk = Toolkit.system(tmp_path / "v.sqlite", settings=Settings(templates_dir=str(root)))
    assert tk.vignette_library()["test_case"].prompts.framework == "rolfe"


def test_lower_case_rating_is_accepted_and_round_trips(tmp_path):
    data = good()
    data["updates"][0]["expert_rating"] = " g "
    path = write(tmp_path, "x.yaml", data)
    from supervision_kit.catalog.vignettes import parse_vignette
    v = load_vignette(path)
    assert v.updates[0].expert_rating == "G"
    assert dataclasses.replace(parse_vignette(v.to_dict(), "again"), path=v.path) == v
