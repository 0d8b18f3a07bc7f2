"""The research app (``notebooks/research.ipynb``): the charts of an anonymised export.

A researcher (or an admin) signs in the way every app does (the configured user,
``serve --as-user``, or the demo picker on the demo database) and sees the charts of
``$SUPERVISION_KIT_EXPORT`` (default ``data/research_export``), made first, by them
and logged, when it does not exist yet.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

from ..config import REPO_ROOT, Settings
from ..errors import SupervisionError
from ..widgets.common import message
from ..widgets.research import Notice, ResearchDashboard
from .common import launch

TITLE = "Research"
ROLES = ("researcher", "admin")
EXPORT_ENV = "SUPERVISION_KIT_EXPORT"
DEFAULT_EXPORT = REPO_ROOT / "data" / "research_export"


def make(tk, export_dir=None, save_dir=None):
    """The dashboard of the export (made by ``tk``'s user, logged, when missing); a
    broken export is one clear line."""
    export_dir = Path(export_dir or os.environ.get(EXPORT_ENV) or DEFAULT_EXPORT)
    try:
        if not (export_dir / "dictionary.json").exists():
            tk.anonymise(export_dir, export_dir.parent / f"{export_dir.name}.key")
        return ResearchDashboard(export_dir, save_dir)
    except SupervisionError:
        raise  # the app shows the facade's refusal (or a broken export) in one line
    except OSError as e:
        return Notice(f"The research export in {export_dir} could not be opened: {message(e)}")


def build(settings: Settings | None = None, export_dir=None, save_dir=None, **kw):
    """The research app for the configured database and user (or the demo picker)."""
    return launch(TITLE, functools.partial(make, export_dir=export_dir, save_dir=save_dir),
                  roles=ROLES, settings=settings, **kw)
