"""The research app (``notebooks/research.ipynb``): the charts of an anonymised export.

``build()`` opens ``$SUPERVISION_KIT_EXPORT`` (default ``data/research_export``), first
creating it from the configured database as the system account, with a progress bar,
when it does not exist yet.
"""
from __future__ import annotations

import os
from pathlib import Path

import ipywidgets as w

from ..config import REPO_ROOT, Settings
from ..errors import SupervisionError
from ..widgets.common import message
from ..widgets.research import Notice, ResearchDashboard
from .common import DEMO_DB, signed_in_toolkit

EXPORT_ENV = "SUPERVISION_KIT_EXPORT"
DEFAULT_EXPORT = REPO_ROOT / "data" / "research_export"


def build(settings: Settings | None = None, export_dir=None, save_dir=None):
    """The dashboard of ``$SUPERVISION_KIT_EXPORT`` (default ``data/research_export``),
    created first from the configured database when missing; a one-line notice when it
    cannot be opened."""
    settings = settings or Settings()
    export_dir = Path(export_dir or os.environ.get(EXPORT_ENV) or DEFAULT_EXPORT)
    try:
        if not (export_dir / "dictionary.json").exists():
            make_demo_export(settings, export_dir)
        return ResearchDashboard(export_dir, save_dir)
    except (SupervisionError, OSError) as e:  # an app shows one line, not a traceback
        return Notice(message(e) if isinstance(e, SupervisionError) else str(e))


def make_demo_export(settings: Settings, export_dir: Path) -> dict:
    """Export the configured database (the demo one is created when it is missing) into
    ``export_dir`` as the system account, showing a progress bar meanwhile."""
    from IPython.display import display

    label = w.Label(value=f"Creating the research export in {export_dir} …")
    bar = w.IntProgress(value=0, min=0, max=1, description="Exporting",
                        layout={"width": "60%"})
    box = w.VBox([label, bar])
    display(box)

    def progress(done: int, total: int) -> None:
        bar.max = max(total, 1)
        bar.value = min(done, bar.max)

    try:
        db = settings.db_url
        if "://" not in db and not Path(db).exists():
            if Path(db).resolve() != DEMO_DB.resolve():
                raise FileNotFoundError(f"no database at {db}")
            label.value = "Creating the demo database first …"
            signed_in_toolkit(settings, "system").create_demo(progress=progress)
        tk = signed_in_toolkit(settings, "system")
        label.value = f"Creating the research export in {export_dir} …"
        key_file = export_dir.parent / f"{export_dir.name}.key"
        return tk.anonymise(export_dir, key_file, progress=progress)
    finally:
        box.close()
