"""Forms read from ``templates/forms``: the diversity section's prompts and the quality
audit checklist."""
from __future__ import annotations

from pathlib import Path

from ..domain.diversity import DiversityForm, parse_form
from ..errors import ValidationError


def diversity_form(templates: Path) -> DiversityForm:
    """The diversity and anti-discriminatory practice prompts from ``templates``."""
    import yaml
    path = Path(templates) / "forms" / "diversity.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ValidationError(path.name, f"cannot read: {e}") from None
    except yaml.YAMLError as e:
        raise ValidationError(path.name, f"not valid YAML: {e}") from None
    return parse_form(data, path.name)


def audit_checklist(templates: Path) -> list[dict]:
    """The quality audit's criteria: [{key, question, source}] in order."""
    import yaml
    path = Path(templates) / "forms" / "audit_checklist.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ValidationError(path.name, f"cannot read: {e}") from None
    crit = data.get("criteria") if isinstance(data, dict) else None
    if not isinstance(crit, list) or not all(isinstance(c, dict) and c.get("key") and
                                             c.get("question") and c.get("source") for c in crit):
        raise ValidationError(path.name, "needs criteria, each with key, question and source")
    return [{"key": str(c["key"]), "question": str(c["question"]), "source": str(c["source"])}
            for c in crit]


def development_courses(templates: Path) -> dict[str, dict]:
    """The ``courses`` of ``training/levels.yaml``: key -> {title, for, refresher_months,
    matches, source}."""
    import yaml
    path = Path(templates) / "training" / "levels.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise ValidationError(path.name, f"cannot read: {e}") from None
    out = {}
    for key, c in (data.get("courses") or {}).items():
        if not isinstance(c, dict) or c.get("for") not in ("supervisors", "all") or not c.get("matches") \
                or not isinstance(c.get("refresher_months"), int) or c["refresher_months"] < 1:
            raise ValidationError(f"{path.name}: courses.{key}",
                                  "needs title, for (supervisors or all), refresher_months, matches")
        out[str(key)] = {"title": str(c.get("title") or key), "for": c["for"],
                         "refresher_months": c["refresher_months"],
                         "matches": [str(m).lower() for m in c["matches"]],
                         "source": str(c.get("source") or "")}
    return out
