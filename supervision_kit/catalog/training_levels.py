"""``templates/training/levels.yaml``: safeguarding training levels and renewal."""
from __future__ import annotations

from pathlib import Path

from ..errors import ValidationError
from .files import read_yaml


def load_training_levels(templates_dir) -> dict:
    """``templates/training/levels.yaml``: levels, renewal_months, required_by_role."""
    path = Path(templates_dir) / "training" / "levels.yaml"
    if not path.is_file():
        raise ValidationError("training levels", f"missing {path}")
    data = read_yaml(path)
    levels = {int(k): str(v) for k, v in (data.get("levels") or {}).items()}
    req = data.get("required_by_role") or {}
    months = data.get("renewal_months")
    if not levels or not isinstance(req, dict) or not isinstance(months, int) or months < 1:
        raise ValidationError(path.name, "needs levels, renewal_months (a whole number) "
                                         "and required_by_role")
    for role, lvl in req.items():
        if lvl is not None and lvl not in levels:
            raise ValidationError(f"{path.name}: required_by_role.{role}", f"unknown level {lvl!r}")
    return {"levels": levels, "renewal_months": months,
            "required_by_role": {str(k): v for k, v in req.items()}}
