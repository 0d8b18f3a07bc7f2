"""The landing page: the apps the signed-in person's role can use, one line each.

Each app's roles are read from its own module (``ROLES``), so the landing page and the
app's "this app is for ..." refusal cannot disagree. Apps whose module sets no
``ROLES`` use the defaults below.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

import ipywidgets as w

from ..widgets.common import Displayable, esc
from .common import STAFF_ROLES, launch

TITLE = "Apps"
EVERYONE = ("practitioner", "supervisor", "manager", "auditor", "researcher", "trainer", "admin")


@dataclass(frozen=True)
class AppEntry:
    """One app on the landing page."""
    notebook: str
    title: str
    purpose: str     # one line: what it is for
    module: str      # where its ROLES live
    default_roles: tuple = EVERYONE

    def roles(self) -> tuple:
        """Who may use it: the module's ``ROLES`` (or its ``STAFF_ROLES``), else the default."""
        mod = importlib.import_module(self.module)
        return tuple(getattr(mod, "ROLES", None) or self.default_roles)


APPS = (
    AppEntry("session.ipynb", "Supervision session",
             "run and record a supervision session, or read and sign your own records; "
             "download the PDF",
             "supervision_kit.apps.session_app", STAFF_ROLES),
    AppEntry("caseload.ipynb", "Caseload",
             "what is due, overdue or drifting across your supervisees and their cases",
             "supervision_kit.apps.caseload_app"),
    AppEntry("reflection.ipynb", "Reflection",
             "your own guided reflection before supervision, and your supervision record",
             "supervision_kit.apps.reflection_app"),
    AppEntry("quality_assurance.ipynb", "Quality assurance",
             "the agency-wide audit of supervision: compliance, drift, unsigned records",
             "supervision_kit.apps.qa_app"),
    AppEntry("training.ipynb", "Training",
             "case vignettes and RAG-rating calibration exercises",
             "supervision_kit.apps.training_app"),
    AppEntry("research.ipynb", "Research",
             "charts of an anonymised research export",
             "supervision_kit.apps.research_app", ("researcher", "admin")),
)


def apps_for(role: str) -> list[AppEntry]:
    """The apps a role can use, in landing-page order."""
    return [a for a in APPS if role in a.roles()]


SUPERVISED = ("practitioner", "supervisor", "manager")  # roles that are themselves supervised


def awaiting_html(tk) -> str:
    """"2 supervision records await your signature" with a link to read and sign them, for
    people who are themselves supervised ("" for others) [issue 13]."""
    from ..widgets.my_records import awaiting_line
    line = awaiting_line(tk) if tk.me.role in SUPERVISED else ""
    if not line:
        return ""
    link = "" if line.startswith("No ") else " <a href='session.ipynb'>Read and sign now</a>"
    return f"<p class='awaiting-signature'><b>{esc(line)}</b>{link}</p>"


class IndexApp(Displayable):
    """The landing page for one signed-in person: what awaits their signature, then the
    apps they can use."""

    def __init__(self, tk):
        self.tk = tk
        self.entries = apps_for(tk.me.role)
        self.awaiting = awaiting_html(tk)
        rows = "".join(f"<li><a class='app-link' href='{esc(a.notebook)}' target='_self'>"
                       f"<b>{esc(a.title)}</b></a>: {esc(a.purpose)}.</li>" for a in self.entries)
        text = (f"<ul class='app-list'>{rows}</ul>" if rows else
                f"<p>No app is for the {esc(tk.me.role)} role yet: ask an admin.</p>")
        self.widget = w.HTML(value=self.awaiting + text)


def build(settings=None, **kw):
    """The landing page for the configured database and user (or the demo picker)."""
    return launch(TITLE, IndexApp, settings=settings, **kw)
