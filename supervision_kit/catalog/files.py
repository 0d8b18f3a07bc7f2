"""Reading the YAML files under ``templates/`` (cached until a file changes)."""
from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

from ..errors import ValidationError

# The templates shipped with the package (the settings may point elsewhere).
SHIPPED_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


@lru_cache(maxsize=64)
def _read_yaml(path: str, mtime: float) -> dict:
    import yaml
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise ValidationError(Path(path).name, f"not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise ValidationError(Path(path).name, "expected a mapping at the top level")
    return data


def read_yaml(path: Path) -> dict:
    """A YAML mapping from a file (cached until the file changes)."""
    return copy.deepcopy(_read_yaml(str(path), path.stat().st_mtime))
