"""The caseload app: the supervisor's overview of who and what is due, overdue or drifting.

The ``CaseloadOverview`` widget does the work: supervision due and overdue, cases
outside their discussion window, drift flags, overdue actions and unsigned records,
a clicked row opening the case's RAG timeline and a link to the supervisee's session
(``session.ipynb?supervisee=ID``, which preselects them). Beside it, the workflows' tabs
(``workflow_sections.caseload_tabs``): oversight, requests, contracts, observations and
training records.
"""
from __future__ import annotations

import ipywidgets as w

from ..widgets.common import Displayable
from .common import demo_link, launch

TITLE = "Caseload"
ROLES = ("supervisor", "manager", "admin", "auditor")
HELP = ("<small>Tabs list what the supervision policy flags today. Click a row (or press "
        "Enter on it) to see its case's RAG ratings over time and a link to that supervisee's "
        "session below; click a heading to sort, type in <b>Filter</b> to narrow the rows. "
        "Change <b>As of</b> to see the "
        "caseload on another date. The tabs beside <b>Caseload</b> hold your supervisees' "
        "contracts, observations of practice and training records.</small>")


class CaseloadApp(Displayable):
    """A short guide above the ``CaseloadOverview``."""

    def __init__(self, tk, as_of=None):
        from ..widgets.caseload import CaseloadOverview
        self.tk = tk
        self.overview = CaseloadOverview(tk, as_of, session_url=demo_link(tk, "session.ipynb"))
        # A manager's "Management oversight" tab, the requests addressed to this user, and
        # (built when first opened) contracts, observations and training records.
        from .workflow_sections import caseload_tabs, with_tabs
        self.sections = caseload_tabs(tk)
        self.widget = w.VBox([w.HTML(value=HELP), with_tabs(self.overview.widget, self.sections)],
                             layout={"width": "100%"})


def build(settings=None, **kw):
    """The caseload app for the configured database and user."""
    return launch(TITLE, CaseloadApp, roles=ROLES, settings=settings, **kw)
