"""Output file names built from ids, and the check that each stays inside its folder."""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import ValidationError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(*parts: str, suffix: str = "") -> str:
    """A file name from ids: anything but letters, digits, ``._-`` becomes ``_``; no
    leading dot (so never ``..``); at most 120 characters before the suffix."""
    stem = _UNSAFE.sub("_", "-".join(str(p) for p in parts)).lstrip(".") or "file"
    return stem[:120] + suffix


def inside(folder: str | Path, name: str) -> Path:
    """``folder / name``, refused (field ``out``) unless it resolves inside ``folder``."""
    root = Path(folder).resolve()
    path = (root / name).resolve()
    if path.parent != root and root not in path.parents:
        raise ValidationError("out", f"{name!r} would be written outside {root}")
    return path
