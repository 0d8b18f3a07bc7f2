"""Forms read from ``templates/forms``: the diversity section's prompts and the quality
audit checklist."""
from __future__ import annotations

from pathlib import Path

from .domain.diversity import DiversityForm, parse_form
from .errors import ValidationError


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
