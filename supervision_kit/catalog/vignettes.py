"""Synthetic case vignettes for rating calibration, loaded from ``templates/vignettes/*.yaml``.

A vignette file holds ``id, title, setting, themes, summary, updates: [{when, text,
expert_rating, rationale}], teaching_points, prompts: {framework, questions}``. A trainer
adds a vignette by adding a file; a mistake is refused with the file and key named, e.g.
``ValidationError("neglect.yaml: updates[2].expert_rating", "use G, A or R")``.
"""
from __future__ import annotations

import dataclasses as dc
import re
from pathlib import Path

from ..errors import ValidationError
from .files import load_folder, load_yaml_file, text_field
from .frameworks import load_frameworks

SETTINGS = ("early help", "child in need", "child protection", "looked after")
RATINGS = ("G", "A", "R")
MIN_UPDATES, MAX_UPDATES = 2, 4
TOP_KEYS = {"id", "title", "setting", "themes", "summary", "updates", "teaching_points", "prompts"}
UPDATE_KEYS = {"when", "text", "expert_rating", "rationale"}
PROMPT_KEYS = {"framework", "questions"}
_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


@dc.dataclass(frozen=True)
class Update:
    """What happened next in the case, and how the expert rated it."""
    when: str
    text: str
    expert_rating: str
    rationale: str


@dc.dataclass(frozen=True)
class Prompts:
    """The reflective framework suggested for this vignette and its own questions."""
    framework: str
    questions: tuple[str, ...]


@dc.dataclass(frozen=True)
class Vignette:
    """A synthetic case told as a sequence of updates over time."""
    id: str
    title: str
    setting: str
    themes: tuple[str, ...]
    summary: str
    updates: tuple[Update, ...]
    teaching_points: tuple[str, ...]
    prompts: Prompts
    path: str = ""

    def to_dict(self) -> dict:
        """The vignette as plain data (the same shape as its YAML file)."""
        d = dc.asdict(self)
        d.pop("path")
        d["themes"] = list(self.themes)
        d["updates"] = list(d["updates"])
        d["teaching_points"] = list(self.teaching_points)
        d["prompts"]["questions"] = list(self.prompts.questions)
        return d

    def item(self, index: int) -> str:
        """The agreement statistics' item label of update ``index``: ``<id>#<n>`` (n from 1)."""
        return item_label(self.id, index)


def item_label(vignette_id: str, index: int) -> str:
    """``<vignette id>#<update number from 1>``: one rated item."""
    return f"{vignette_id}#{int(index) + 1}"


def _text(value, where: str, key: str, *, required: bool = True) -> str:
    return text_field(value, where, key, required=required, numbers=True)  # "when: 2024"


def _texts(value, where: str, key: str, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValidationError(f"{where}: {key}", f"a non-empty list of {what}")
    return tuple(_text(v, where, f"{key}[{i}]") for i, v in enumerate(value))


def _unknown(raw: dict, allowed: set[str], where: str, at: str, what: str) -> None:
    extra = sorted(str(k) for k in set(raw) - allowed)
    if extra:
        raise ValidationError(f"{where}: {at}{extra[0]}",
                              f"unknown key; {what} has {', '.join(sorted(allowed))}")


def _update(raw, where: str, i: int) -> Update:
    at = f"updates[{i}]"
    if not isinstance(raw, dict):
        raise ValidationError(f"{where}: {at}", "each update is a mapping with when, text, "
                                                "expert_rating, rationale")
    _unknown(raw, UPDATE_KEYS, where, f"{at}.", "an update")
    rating = raw.get("expert_rating")
    rating = rating.strip().upper() if isinstance(rating, str) else rating
    if rating not in RATINGS:
        raise ValidationError(f"{where}: {at}.expert_rating", "use G, A or R")
    return Update(when=_text(raw.get("when"), where, f"{at}.when"),
                  text=_text(raw.get("text"), where, f"{at}.text"),
                  expert_rating=rating,
                  rationale=_text(raw.get("rationale"), where, f"{at}.rationale"))


def _prompts(raw, where: str, frameworks) -> Prompts:
    if not isinstance(raw, dict):
        raise ValidationError(f"{where}: prompts", "a mapping with framework and questions")
    _unknown(raw, PROMPT_KEYS, where, "prompts.", "prompts")
    fw = _text(raw.get("framework"), where, "prompts.framework").lower()
    known = sorted(frameworks) if frameworks else ["gibbs", "kolb"]
    if fw not in known:
        raise ValidationError(f"{where}: prompts.framework",
                              f"{fw!r} is not a framework; use one of {', '.join(known)}")
    return Prompts(framework=fw, questions=_texts(raw.get("questions"), where,
                                                  "prompts.questions", "questions"))


def parse_vignette(data, where: str = "vignette", frameworks=None) -> Vignette:
    """A ``Vignette`` from parsed YAML data; ``where`` (the file name) starts every error's field.

    ``frameworks`` is the ids a prompt may name (default: gibbs and kolb).
    """
    if not isinstance(data, dict):
        raise ValidationError(where, "the file must be a mapping with "
                                     f"{', '.join(sorted(TOP_KEYS))}")
    _unknown(data, TOP_KEYS, where, "", "a vignette")
    vid = _text(data.get("id"), where, "id")
    if not _ID.match(vid):
        raise ValidationError(f"{where}: id", f"{vid!r}: use lower-case letters, digits, - and _")
    setting = _text(data.get("setting"), where, "setting").lower()
    if setting not in SETTINGS:
        raise ValidationError(f"{where}: setting", f"{setting!r}: use one of {', '.join(SETTINGS)}")
    updates = data.get("updates")
    if not isinstance(updates, list) or not MIN_UPDATES <= len(updates) <= MAX_UPDATES:
        n = len(updates) if isinstance(updates, list) else 0
        raise ValidationError(f"{where}: updates", f"a list of {MIN_UPDATES} to {MAX_UPDATES} "
                                                   f"updates over time (found {n})")
    return Vignette(
        id=vid, title=_text(data.get("title"), where, "title"), setting=setting,
        themes=tuple(t.lower() for t in _texts(data.get("themes"), where, "themes", "themes")),
        summary=_text(data.get("summary"), where, "summary"),
        updates=tuple(_update(u, where, i) for i, u in enumerate(updates)),
        teaching_points=_texts(data.get("teaching_points"), where, "teaching_points",
                               "teaching points"),
        prompts=_prompts(data.get("prompts"), where, frameworks))


def load_vignette(path, frameworks=None) -> Vignette:
    """One vignette file; errors name the file and the key."""
    path = Path(path)
    return dc.replace(parse_vignette(load_yaml_file(path), path.name, frameworks), path=str(path))


def vignettes_dir(templates_dir) -> Path:
    """``<templates>/vignettes``."""
    return Path(templates_dir) / "vignettes"


def _framework_ids(templates_dir) -> list[str] | None:
    fws = load_frameworks(templates_dir)
    return sorted(fws) or None


def load_vignettes(templates_dir) -> dict[str, Vignette]:
    """Every vignette in ``<templates_dir>/vignettes/*.yaml`` by id, in file-name order.

    Files are re-read when any changes, so a new file is picked up without a restart.
    """
    def loader():
        frameworks = _framework_ids(templates_dir)
        return lambda f: load_vignette(f, frameworks)
    return load_folder(vignettes_dir(templates_dir), loader)


def vignette_from_dict(data: dict) -> Vignette:
    """A vignette from the snapshot an exercise stored (already validated once)."""
    return parse_vignette(data, f"vignette {data.get('id', '?')}",
                          frameworks=[data.get("prompts", {}).get("framework", "gibbs")])
