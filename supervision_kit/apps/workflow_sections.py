"""The workflows' sections of the caseload and quality-assurance apps [issue 10].

Caseload app: a manager's "Management oversight" tab (decisions to sign off, escalated
disagreements), for supervisors and managers "Requests" (three-way meetings and urgent
discussions addressed to them), and for staff "Contracts", "Observations" and "Training
records" (``practice_sections``, built when first opened). Quality-assurance app:
"Requests" (entitlement requests, how many, how quickly answered, which are open) and
"Training" (take-up of safeguarding training and who is out of date). Reflection app: "My
supervision" (the supervisee's entitlement, requests, disagreements, observations of their
practice, training record and contract). Each app adds these with one call.
"""
from __future__ import annotations

import datetime as dt

import ipywidgets as w
import pandas as pd

from ..errors import SupervisionError
from ..widgets.common import Displayable, esc, message
from ..widgets.table import DataTable, with_detail
from ..widgets.training_record import TrainingTakeUp
from .common import message_box

OVERSIGHT_ROLES = ("manager", "admin")
INBOX_ROLES = ("supervisor", "manager", "admin")


def caseload_tabs(tk) -> dict:
    """{tab title: widget object} the caseload app adds for this user (may be empty)."""
    from ..widgets.entitlement import RequestInbox
    from ..widgets.oversight import OversightTasks
    from .practice_sections import practice_tabs
    out = {}
    if tk.me.role in OVERSIGHT_ROLES:
        out["Management oversight"] = OversightTasks(tk)
    if tk.me.role in INBOX_ROLES:
        out["Requests"] = RequestInbox(tk)
        from ..widgets.drift_escalation import DriftEscalations
        out["Drift escalated"] = DriftEscalations(tk)  # line managers [HSCB aim 3]
    out.update(practice_tabs(tk))  # lazy: built when their tab is first opened
    return out


def with_tabs(first: w.Widget, extra: dict, first_title: str = "Caseload") -> w.Widget:
    """``first`` alone, or a Tab of it and the extra sections (a section with an
    ``open()`` method is built when its tab is first chosen)."""
    if not extra:
        return first
    tabs = w.Tab(children=[first, *(x.widget for x in extra.values())],
                 titles=[first_title, *extra])
    sections = [None, *extra.values()]

    def chosen(change):
        i = change["new"]
        if i is not None and 0 < i < len(sections) and hasattr(sections[i], "open"):
            sections[i].open()
    tabs.observe(chosen, "selected_index")
    return tabs


class RequestsSection(Displayable):
    """QA: three-way meetings and urgent discussions asked for [Temple; HSCB aim 7]."""

    COLUMNS = [("created", "Asked on"), ("kind", "Kind"), ("requester", "Asked by"),
               ("team", "Team"), ("supervisor", "Supervisor"), ("manager", "Line manager"),
               ("reason", "Reason"), ("state", "Outcome"), ("days", "Days to answer / open")]

    def __init__(self, tk):
        self.tk = tk
        self.frame = pd.DataFrame()
        self.reading = w.HTML(value="")
        # sortable, filterable, paged; a clicked request is shown in full below
        self.table = DataTable(self.COLUMNS, caption="Requests", sort_by="created",
                               ascending=False, empty_text="No requests.")
        self.widget = w.VBox([self.reading, with_detail(self.table)])

    def refresh(self, as_of=None, team: str | None = None) -> None:
        """Requests made up to ``as_of`` by people of ``team`` (default: all visible)."""
        day = as_of or dt.date.today()
        try:
            found = self.tk.requests()
            teams = {p.id: p.team for p in self.tk.practitioners()}
        except SupervisionError as e:
            self.reading.value = f"<i>{esc(message(e))}</i>"
            return
        end = dt.datetime.combine(day, dt.time.max)
        out = []
        for r in found:
            if r["created"] > end or (team and teams.get(r["requester_id"]) != team):
                continue
            open_ = r["resolved_at"] is None or r["resolved_at"] > end
            stop = end if open_ else r["resolved_at"]
            out.append({**r, "team": teams.get(r["requester_id"], ""),
                        "created": r["created"].date(),
                        "state": "open" if open_ else r["outcome"],
                        "days": (stop.date() - r["created"].date()).days})
        self.frame = pd.DataFrame(out, columns=[c for c, _ in self.COLUMNS] + ["open"])
        n3 = int((self.frame["kind"] == "three-way meeting").sum()) if out else 0
        nu = int((self.frame["kind"] == "urgent case discussion").sum()) if out else 0
        still = int(self.frame["state"].eq("open").sum()) if out else 0
        self.reading.value = (f"<p class='qa-reading'><b>{n3} three-way meeting(s) and {nu} urgent "
                              f"discussion(s) asked for; {still} still open.</b></p>")
        self.table.set_rows(self.frame.assign(_i=[str(i) for i in range(len(self.frame))]),
                            key="id" if "id" in self.frame else "_i",
                            tone=lambda r: "late" if r["state"] == "open" else "")


class TrainingSection(Displayable):
    """QA: safeguarding training take-up by team and who is out of date [Surrey 6]."""

    def __init__(self, tk):
        self.tk = tk
        self.take_up = None
        self.widget = w.VBox([])

    def refresh(self, as_of=None, team: str | None = None) -> None:
        """Take-up as of ``as_of``, for ``team`` or every team visible."""
        self.take_up = TrainingTakeUp(self.tk, as_of=as_of, team=team)
        self.widget.children = [self.take_up.widget]


def add_qa_tabs(app) -> dict:
    """Add "Requests" and "Training" tabs to the quality-assurance app; they follow its
    date, team and Refresh button. Returns the sections by key."""
    sections = {"requests": RequestsSection(app.tk), "training": TrainingSection(app.tk)}

    def load(key):  # when the tab is first shown (or read by key) after a refresh
        sections[key].refresh(app.as_of.value, app.team.value or None)

    titles = tuple(app.tabs.titles)
    app.tabs.children = (*app.tabs.children, *(s.widget for s in sections.values()))
    app.tabs.titles = (*titles, "Requests", "Training")
    from .lazy_tabs import lazy_tabs
    app.workflow_sections = lazy_tabs(app, sections, load)
    return app.workflow_sections


class MySupervision(Displayable):
    """The supervisee's own side: entitlement, requests, disagreements, observations of
    their practice, their training record and their contract (to sign)."""

    def __init__(self, tk):
        from ..widgets.entitlement import EntitlementPanel
        from ..widgets.escalation import DisagreementsPanel
        from ..widgets.observation import ObservationList
        from ..widgets.training_record import TrainingRecordPanel
        from .practice_sections import my_contract
        self.entitlement = EntitlementPanel(tk)
        self.disagreements = DisagreementsPanel(tk, tk.me.id)
        self.observations = ObservationList(tk, tk.me.id)
        self.training = TrainingRecordPanel(tk, tk.me.id)
        self.contract = my_contract(tk)
        contract = self.contract.widget if self.contract else message_box(
            "You have no current supervision contract: your supervisor drafts it with you.", "info")
        self.widget = w.VBox([self.entitlement.widget, self.disagreements.widget,
                              self.observations.widget, self.training.widget, contract])


def add_my_supervision_tab(app, title: str = "My supervision") -> None:
    """Add a tab to the reflection app, built when first opened (``app.my_supervision``)."""
    from .lazy_tabs import add_tab_on_first_open
    add_tab_on_first_open(app, title, "my_supervision", MySupervision)
