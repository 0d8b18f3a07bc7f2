"""The research app under every local mode: a researcher (or an admin) signs in the way
every app does (configured user, ``serve --as-user``, or the demo picker on the demo
database) and sees the charts of the anonymised export ``$SUPERVISION_KIT_EXPORT``
(default ``data/research_export``), made first, as them, when it does not exist yet."""
from __future__ import annotations

import os
from pathlib import Path

from ..config import Settings
from ..errors import SupervisionError
from ..widgets.common import message
from .common import launch

TITLE = "Research"
ROLES = ("researcher", "admin")


def make(tk, export_dir=None, save_dir=None):
    """The dashboard of the export (made by ``tk``'s user, logged, when missing); a
    broken export is one clear line."""
    from ..widgets.research import DEFAULT_EXPORT, EXPORT_ENV, Notice, ResearchDashboard
    export_dir = Path(export_dir or os.environ.get(EXPORT_ENV) or DEFAULT_EXPORT)
    try:
        if not (export_dir / "dictionary.json").exists():
            tk.anonymise(export_dir, export_dir.parent / f"{export_dir.name}.key")
        return ResearchDashboard(export_dir, save_dir)
    except SupervisionError:
        raise  # the app shows the facade's refusal itself
    except (OSError, ValueError, KeyError) as e:
        return Notice(f"The research export in {export_dir} could not be opened: {message(e)}")


def build(settings: Settings | None = None, **kw):
    """The research app for the configured database and user."""
    return launch(TITLE, make, roles=ROLES, settings=settings, **kw)
