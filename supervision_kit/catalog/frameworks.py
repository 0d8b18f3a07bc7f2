"""Reflective frameworks (Gibbs, Kolb, an agency's own) loaded from YAML in ``templates/frameworks``.

A framework file holds ``id, name, source, stages: [{key, title, label, prompts,
action_plan}]``. Adding a framework is adding a file; errors name the file and key.
"""
from __future__ import annotations

import dataclasses as dc
import re
from pathlib import Path

from ..errors import ValidationError
from .files import load_folder, load_yaml_file, text_field

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
TOP_KEYS = {"id", "name", "source", "stages", "description"}
STAGE_KEYS = {"key", "title", "label", "prompts", "action_plan"}


@dc.dataclass(frozen=True)
class Stage:
    """One stage of a cycle: its response key, heading, short label and prompt questions."""
    key: str  #: where the answer is kept in ``Reflection.responses``
    title: str  #: the stage's heading on the form and in the PDF
    label: str  #: the short name on the stepper
    prompts: tuple[str, ...]  #: the questions shown under the heading
    action_plan: bool = False  #: the stage whose answers become actions


@dc.dataclass(frozen=True)
class Framework:
    """A reflective framework: stages in the order they are walked."""
    id: str  #: the file's id, stored on each reflection
    name: str  #: as offered in the framework picker
    source: str  #: the citation the form shows
    stages: tuple[Stage, ...]
    description: str = ""
    path: str = ""  #: the YAML file it was read from (named in errors)

    @property
    def keys(self) -> list[str]:
        """The stages' response keys, in order."""
        return [s.key for s in self.stages]

    def stage(self, key: str) -> Stage:
        """The stage with this key."""
        for s in self.stages:
            if s.key == key:
                return s
        raise KeyError(key)

    @property
    def action_stage(self) -> Stage | None:
        """The stage whose lines become actions, if any."""
        return next((s for s in self.stages if s.action_plan), None)


def _stage(raw, where: str, i: int) -> Stage:
    at = f"stages[{i}]"
    if not isinstance(raw, dict):
        raise ValidationError(f"{where}: {at}", "each stage is a mapping with key, title, prompts")
    extra = sorted(set(raw) - STAGE_KEYS)
    if extra:
        raise ValidationError(f"{where}: {at}.{extra[0]}",
                              f"unknown key; a stage has {', '.join(sorted(STAGE_KEYS))}")
    key = text_field(raw.get("key"), where, f"{at}.key")
    if not _KEY.match(key):
        raise ValidationError(f"{where}: {at}.key",
                              f"{key!r}: use lower-case letters, digits and _ (e.g. action_plan)")
    title = text_field(raw.get("title"), where, f"{at}.title")
    label = text_field(raw.get("label"), where, f"{at}.label", required=False) or title
    prompts = raw.get("prompts")
    if not isinstance(prompts, list) or not prompts:
        raise ValidationError(f"{where}: {at}.prompts", "a non-empty list of prompt questions")
    for j, p in enumerate(prompts):
        text_field(p, where, f"{at}.prompts[{j}]")
    flag = raw.get("action_plan", False)
    if not isinstance(flag, bool):
        raise ValidationError(f"{where}: {at}.action_plan", "true or false")
    return Stage(key=key, title=title, label=label, prompts=tuple(p.strip() for p in prompts),
                 action_plan=flag)


def parse_framework(data, where: str = "framework") -> Framework:
    """A ``Framework`` from parsed YAML data; ``where`` names the source in errors."""
    if not isinstance(data, dict):
        raise ValidationError(where, "the file must be a mapping with id, name, source, stages")
    extra = sorted(set(data) - TOP_KEYS)
    if extra:
        raise ValidationError(f"{where}: {extra[0]}",
                              f"unknown key; a framework has {', '.join(sorted(TOP_KEYS))}")
    fid = text_field(data.get("id"), where, "id")
    if not _KEY.match(fid):
        raise ValidationError(f"{where}: id", f"{fid!r}: use lower-case letters, digits and _")
    stages = data.get("stages")
    if not isinstance(stages, list) or not stages:
        raise ValidationError(f"{where}: stages", "a non-empty list of stages")
    parsed = tuple(_stage(s, where, i) for i, s in enumerate(stages))
    seen: set[str] = set()
    for i, s in enumerate(parsed):
        if s.key in seen:
            raise ValidationError(f"{where}: stages[{i}].key", f"{s.key!r} is used twice")
        seen.add(s.key)
    return Framework(id=fid, name=text_field(data.get("name"), where, "name"),
                     source=text_field(data.get("source"), where, "source"), stages=parsed,
                     description=text_field(data.get("description"), where, "description",
                                       required=False))


def load_framework(path) -> Framework:
    """One framework file."""
    path = Path(path)
    return dc.replace(parse_framework(load_yaml_file(path), path.name), path=str(path))


def frameworks_dir(templates_dir) -> Path:
    """``<templates>/frameworks``."""
    return Path(templates_dir) / "frameworks"


def load_frameworks(templates_dir) -> dict[str, Framework]:
    """Every framework in ``<templates_dir>/frameworks/*.yaml`` by id (files re-read when changed)."""
    return load_folder(frameworks_dir(templates_dir), lambda: load_framework)
