"""Diversity and anti-discriminatory practice in a record [Havering 7, 13.3; Temple;
Surrey 2; HSCB Agency Quality Assurance]: the form's shape and whether it was considered."""
from __future__ import annotations

import dataclasses as dc

from ..errors import ValidationError


@dc.dataclass(frozen=True)
class Prompt:
    """One prompt question of the section, with the seed it comes from."""
    key: str
    question: str
    source: str


@dc.dataclass(frozen=True)
class DiversityForm:
    """The section's title, introduction and prompts."""
    title: str
    intro: str
    prompts: tuple[Prompt, ...]


def parse_form(data: dict, name: str = "diversity.yaml") -> DiversityForm:
    """A ``DiversityForm`` from the template's YAML mapping; problems name the file."""
    if not isinstance(data, dict) or not isinstance(data.get("prompts"), list) or not data["prompts"]:
        raise ValidationError(name, "needs a list of prompts")
    prompts = []
    for i, p in enumerate(data["prompts"]):
        if not isinstance(p, dict) or not all(str(p.get(k) or "").strip()
                                               for k in ("key", "question", "source")):
            raise ValidationError(name, f"prompts[{i}] needs key, question and source")
        prompts.append(Prompt(str(p["key"]), " ".join(str(p["question"]).split()),
                              str(p["source"])))
    if len({p.key for p in prompts}) != len(prompts):
        raise ValidationError(name, "two prompts share a key")
    return DiversityForm(str(data.get("title") or "Diversity and anti-discriminatory practice"),
                         " ".join(str(data.get("intro") or "").split()), tuple(prompts))


def considered(answers: dict | None) -> bool:
    """Was diversity considered in this record (any prompt answered)?"""
    return any(str(v or "").strip() for v in (answers or {}).values())
