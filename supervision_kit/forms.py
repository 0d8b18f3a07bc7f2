"""Record forms read from ``templates/forms`` (the diversity section's prompts)."""
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
