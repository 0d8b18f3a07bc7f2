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


def load_yaml_file(path: Path):
    """The YAML of one template file; a problem names the file (and the line)."""
    import yaml
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ValidationError(path.name, f"cannot read: {e}") from None
    except UnicodeDecodeError:
        raise ValidationError(path.name, "not UTF-8 text") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark else ""
        raise ValidationError(path.name, f"not valid YAML: {line}{getattr(e, 'problem', e)}") from None


_folders: dict[tuple, dict] = {}


def load_folder(folder: Path, make_loader) -> dict:
    """Every ``*.yaml``/``*.yml`` file of ``folder`` by its ``id``, in file-name order, read
    with the loader ``make_loader()`` returns; kept until any file changes (so a new file
    is picked up without a restart). Two files with one id are refused."""
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []
    stamp = (str(folder.resolve()), tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size)
                                          for f in files))
    if stamp in _folders:
        return dict(_folders[stamp])
    load_one = make_loader()
    out: dict = {}
    for f in files:
        item = load_one(f)
        if item.id in out:
            raise ValidationError(f"{f.name}: id", f"{item.id!r} is also the id of "
                                                   f"{Path(out[item.id].path).name}")
        out[item.id] = item
    _folders[stamp] = out
    return dict(out)


def text_field(value, where: str, key: str, *, required: bool = True,
               numbers: bool = False) -> str:
    """A template's text value, stripped; ``numbers`` accepts 2024 as "2024"."""
    if value is None and not required:
        return ""
    if numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValidationError(f"{where}: {key}", "required text" if required else "must be text")
    return value.strip()
