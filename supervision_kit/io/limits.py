"""Reading an import file within limits: size before reading, nesting depth while parsing."""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import ImportFailed

# Python's parser recurses once per level and stops near its recursion limit (1,000);
# a real dataset is 5 or 6 levels deep.
MAX_DEPTH_HINT = 1000


def read_json(path, max_mb: int):
    """The parsed file, or ``ImportFailed`` in one line: too big, unreadable, not JSON,
    or nested too deeply (never a traceback)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_mb * 1024 * 1024:
            raise ImportFailed(str(path), "file", f"{size / 1024 / 1024:.0f} MB is larger than the "
                                                  f"{max_mb} MB limit (setting import_max_mb)")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ImportFailed(str(path), "file", f"cannot read: {e}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ImportFailed(str(path), f"line {e.lineno}", f"not valid JSON: {e.msg}") from None
    except RecursionError:
        raise ImportFailed(str(path), "file", f"nested more than about {MAX_DEPTH_HINT} levels "
                                              f"deep; a dataset is 6 levels deep") from None
