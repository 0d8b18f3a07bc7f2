"""``CaseloadOverview``: the supervisor's view of what is due, overdue and drifting.

Six sections from the rules engine (supervision due, cases outside their window, drift,
overdue actions, unsigned or late records, drafts past the recording limit) as sortable,
filterable, paged tables (``widgets.table``) with overdue rows marked. Clicking a row opens
the case's RAG timeline below and a link to the supervisee's session; clicking another row
replaces both (a row without a case clears the timeline).
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import ipywidgets as w
import pandas as pd
from traitlets import Bool, HasTraits, Instance, TraitError, Unicode, observe, validate

from ..domain.values import parse_date
from ..errors import SupervisionError
from .common import Displayable, esc, message, show_refusal
from .cells import cell_text, date_text, sort_key
from .table import Section, section_table, show_rows
from .timeline import CaseloadStrip, RAGTimeline
from .dates import DateInput

__all__ = ["BY_KEY", "SECTIONS", "CaseloadOverview", "Section", "cell"]



SECTIONS = (
    Section("due", "Supervision due",
            (("name", "Supervisee"), ("team", "Team"), ("stream", "Stream"), ("rule", "Rule"),
             ("last_held", "Last held"), ("next_due", "Next due"),
             ("days_overdue", "Days overdue"), ("reason", "Reason")),
            ("days_overdue", False), "days_overdue"),
    Section("windows", "Cases outside their window",
            (("reference", "Case"), ("worker", "Worker"), ("status", "Status"),
             ("window", "Window"), ("last_discussed", "Last discussed"), ("due_by", "Due by"),
             ("days_overdue", "Days overdue")),
            ("days_overdue", False), "days_overdue"),
    Section("drift", "Drift",
            (("reference", "Case"), ("worker", "Worker"), ("status", "Status"),
             ("rags", "Recent ratings"), ("since", "Since"), ("reason", "Reason")),
            ("since", True)),
    Section("actions", "Overdue actions",
            (("description", "Action"), ("owner", "Owner"), ("reference", "Case"),
             ("due_date", "Due"), ("days_overdue", "Days overdue")),
            ("days_overdue", False), "days_overdue"),
    Section("records", "Unsigned / late records",
            (("date", "Session date"), ("supervisees", "Supervisee(s)"), ("issue", "Issue"),
             ("days", "Days late"), ("detail", "Detail")),
            ("days", False), "days"),
    # Drafts left longer than the policy's recording limit, per supervisor (issue 21).
    Section("drafts", "Drafts past the recording limit",
            (("supervisor", "Supervisor"), ("date", "Session date"),
             ("supervisees", "Supervisee(s)"), ("days", "Days late"), ("detail", "Detail")),
            ("supervisor", True), "days"),
    Section("arranged", "Also due: contract reviews, case reviews, observations, meetings",
            (("kind", "What"), ("person", "Who"), ("item", "Item"), ("due", "Due"),
             ("days_overdue", "Days overdue"), ("reason", "Reason")),
            ("days_overdue", False), "days_overdue"),
)
BY_KEY = {s.key: s for s in SECTIONS}


def cell(value) -> str:
    """A value as escaped text for HTML (dates as ``2 Dec 2026``, missing as —)."""
    return esc(cell_text(value))


class CaseloadOverview(HasTraits, Displayable):
    """Who and what is due, overdue or drifting for the signed-in supervisor."""

    as_of = Instance(dt.date, help="The date the rules are applied on")
    section = Unicode("due", help="The section shown (and sorted): " + ", ".join(BY_KEY))
    sort_by = Unicode("days_overdue", help="Column the shown section is sorted by")
    ascending = Bool(False)
    scope = Unicode("mine", help="'mine' (my supervisees and their cases) or 'all' I may see")
    loading = Bool(False)
    status = Unicode("", help="The last problem, as text")
    requested_session = Unicode("", help="Supervisee whose session the app should open")
    opened_case = Unicode("", help="The case whose timeline is shown")

    def __init__(self, tk, as_of=None, *, scope: str | None = None,
                 session_url: str = "session.ipynb"):
        super().__init__()
        self.tk, self.session_url = tk, session_url
        self._syncing, self._ready = False, False
        self.frames: dict[str, pd.DataFrame] = {}
        self.raw: dict[str, pd.DataFrame | None] = {}
        self.sorts = {s.key: s.sort for s in SECTIONS}
        self.timeline: RAGTimeline | None = None
        self.strip: CaseloadStrip | None = None
        self._build()
        self.mine = self._my_people()
        self.scope = scope or ("mine" if self.mine else "all")
        self.as_of = parse_date(as_of, "as_of") or dt.date.today()
        self._ready = True
        self.date_picker.value, self.scope_buttons.value = self.as_of, self.scope
        self.refresh()
        from ..analytics.timeline import warm_timeline
        warm_timeline()  # a row's timeline is a chart: matplotlib warms while the page is read
        from .case_detail import CaseDetail
        self.case_view = CaseDetail(tk)  # the case below, shown when a row is clicked

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        self.summary = w.HTML(value="")
        self.progress = w.IntProgress(value=0, min=0, max=len(SECTIONS), description="Loading…",
                                      layout={"display": "none"})
        self.date_picker = DateInput(description="As of", value=None)
        self.scope_buttons = w.ToggleButtons(options=[("My supervisees", "mine"),
                                                      ("Everyone I can see", "all")])
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.date_picker.observe(lambda c: c["new"] and setattr(self, "as_of", c["new"]), "value")
        self.scope_buttons.observe(lambda c: setattr(self, "scope", c["new"]), "value")
        self.tables = {s.key: section_table(s) for s in SECTIONS}
        for key, t in self.tables.items():
            t.observe(lambda c, key=key: self._row_chosen(key, c["new"]), "selected")
            t.observe(lambda c, key=key: self._header_sorted(key), ["sort_by", "ascending"])
        self.tabs = w.Tab(children=[self.tables[s.key] for s in SECTIONS],
                          titles=[s.title for s in SECTIONS])
        self.tabs.observe(lambda c: setattr(self, "section", SECTIONS[c["new"]].key),
                          "selected_index")
        self.strip_button = w.Button(description="RAG strip of these cases", icon="th",
                                      layout={"width": "auto"})
        self.strip_button.on_click(lambda _: self.show_strip())
        self.link = w.HTML(value="")
        self._status = w.Label(value="")
        self.detail = w.VBox([])
        self.widget = w.VBox([
            w.HBox([self.date_picker, self.scope_buttons, self.refresh_button]),
            self.progress, self.summary, self.tabs, self.strip_button,
            self.link, self._status, self.detail])

    def _my_people(self) -> set[str]:
        """My current supervisees and the people I line-manage (not me)."""
        try:
            ids = {p.id for p in self.tk.supervisees()}
            people = self.tk.practitioners()
            ids |= {p.id for p in people if p.line_manager_id == self.tk.me.id}
            self._name_cache = {p.id: p.name for p in people}  # read once for both
        except SupervisionError:
            return set()
        ids.discard(self.tk.me.id)
        return ids

    # -- loading -------------------------------------------------------------------------
    @observe("as_of", "scope")
    def _inputs_changed(self, change):
        if not self._ready:
            return
        self.date_picker.value, self.scope_buttons.value = self.as_of, self.scope
        self.refresh(reload=change["name"] == "as_of" or not self.raw)

    @validate("scope")
    def _valid_scope(self, proposal):
        if proposal["value"] not in ("mine", "all"):
            raise TraitError("scope is 'mine' or 'all'")
        return proposal["value"]

    def refresh(self, reload: bool = True) -> None:
        """Recompute every section from the rules engine (``reload=False``: re-filter only)."""
        if reload:
            self.loading = True
            self.progress.value = 0
            calls = (("due", "due"), ("windows", "case_windows"), ("drift", "drift"),
                     ("actions", "overdue_actions"), ("records", "timeliness"),
                     ("drafts", "stale_drafts"), ("arranged", "arrangements_due"))
            problems = []
            with self.tk.same_reads():  # the store is read once for every section
                for key, method in calls:
                    self.progress.description = f"Loading {BY_KEY[key].title.lower()}…"
                    # The drafts are the timeliness rule's rows still in draft: not worked out twice.
                    extra = {"timely": self.raw.get("records")} if key == "drafts" else {}
                    try:
                        self.raw[key] = getattr(self.tk, method)(as_of=self.as_of, **extra)
                    except SupervisionError as e:
                        self.raw[key] = None
                        problems.append(f"{BY_KEY[key].title}: {message(e)}")
                    self.progress.value += 1
            self.status = "; ".join(problems)
            self.loading = False
        self.frames = {s.key: self._prepare(s.key, self.raw.get(s.key)) for s in SECTIONS}
        for s in SECTIONS:
            self._render(s.key)
        self._sync_controls()
        self.summary.value = self.summary_html()

    @observe("loading")
    def _loading_changed(self, change):
        self.progress.layout.display = None if change["new"] else "none"

    def _prepare(self, key: str, df: pd.DataFrame | None) -> pd.DataFrame:
        """Restrict to the scope, add ``_case`` and ``_person`` (what a row opens)."""
        cols = [c for c, _ in BY_KEY[key].columns]
        if df is None:
            return pd.DataFrame(columns=cols + ["_case", "_person"])
        df = df.copy()
        mine, me = self.mine, self.tk.me.id
        if key == "due":
            df["_case"], df["_person"] = None, df["supervisee_id"]
        elif key == "arranged":
            df["_case"], df["_person"] = None, df["person_id"]
        elif key in ("windows", "drift"):
            if key == "windows":
                df = df[df["days_overdue"] > 0]
            df["_case"], df["_person"] = df["case_id"], df["worker_id"]
        elif key == "actions":
            df["_case"] = df["case_id"]
            df["_person"] = df["owner_id"].where(df["owner_id"].isin(mine), df["worker_id"])
        else:
            names = self._names()
            df["supervisees"] = df["supervisee_ids"].map(lambda ids: [names.get(i, i) for i in ids])
            df["_case"] = None
            df["_person"] = df["supervisee_ids"].map(lambda ids: ids[0] if len(ids) else None)
        if self.scope == "mine" and len(df):
            if key in ("records", "drafts"):
                keep = (df["supervisor_id"] == me) | df["supervisee_ids"].map(
                    lambda ids: any(i in mine for i in ids))
            elif key == "actions":
                keep = df["owner_id"].isin(mine | {me}) | df["worker_id"].isin(mine)
            else:
                keep = df["_person"].isin(mine)
            df = df[keep]
        by, asc = self.sorts[key]
        return self._sorted(df, by, asc)

    def _names(self) -> dict[str, str]:
        if not hasattr(self, "_name_cache"):
            self._name_cache = {p.id: p.name for p in self.tk.practitioners()}
        return self._name_cache

    @staticmethod
    def _sorted(df: pd.DataFrame, by: str, ascending: bool) -> pd.DataFrame:
        if by not in df.columns or df.empty:
            return df.reset_index(drop=True)
        return df.sort_values(by, ascending=ascending, kind="stable", na_position="last",
                              key=sort_key).reset_index(drop=True)

    # -- display ---------------------------------------------------------------------------
    def _render(self, key: str) -> None:
        sec = BY_KEY[key]
        drift = (lambda r: "drift") if key == "drift" else None
        show_rows(self.tables[key], sec, self.frames.get(key, pd.DataFrame()), tone=drift)
        i = [s.key for s in SECTIONS].index(key)
        self.tabs.set_title(i, f"{sec.title} ({len(self.frames.get(key, ()))})")

    def summary_html(self) -> str:
        """Counts at the top, as of the date."""
        f = self.frames
        n = {k: len(v) for k, v in f.items()}
        late_due = int((f["due"]["days_overdue"] > 0).sum()) if n.get("due") else 0
        parts = [(late_due, f"supervision{'s' if late_due != 1 else ''} overdue "
                            f"(of {n.get('due', 0)} people)"),
                 (n.get("windows", 0), "cases outside their window"),
                 (n.get("drift", 0), "drifting cases"),
                 (n.get("actions", 0), "overdue actions"),
                 (n.get("records", 0), "unsigned or late records"),
                 (n.get("drafts", 0), "drafts past the recording limit")]
        items = " · ".join(f"<b>{k}</b> {esc(t)}" for k, t in parts)
        who = "my supervisees" if self.scope == "mine" else "everyone I can see"
        return (f"<div class='caseload-summary'>{items}<br><small>As of {esc(date_text(self.as_of))}, "
                f"{esc(who)}.</small></div>")

    # -- sorting ---------------------------------------------------------------------------
    @validate("section")
    def _valid_section(self, proposal):
        if proposal["value"] not in BY_KEY:
            raise TraitError(f"no section {proposal['value']!r}; use one of {', '.join(BY_KEY)}")
        return proposal["value"]

    @validate("sort_by")
    def _valid_sort_by(self, proposal):
        cols = dict((h.lower(), c) for c, h in BY_KEY[self.section].columns)
        v = proposal["value"]
        v = cols.get(v.lower(), v)
        if v not in cols.values():
            raise TraitError(f"cannot sort {BY_KEY[self.section].title} by {proposal['value']!r}")
        return v

    @observe("section")
    def _section_changed(self, change):
        self.tabs.selected_index = [s.key for s in SECTIONS].index(change["new"])
        self._sync_controls()

    def _sync_controls(self) -> None:
        """The shown section's sort in ``sort_by``/``ascending`` (without re-sorting)."""
        self._syncing = True
        try:
            self.sort_by, self.ascending = self.sorts[self.section]
        finally:
            self._syncing = False

    @observe("sort_by", "ascending")
    def _sort_changed(self, change):
        if not self._syncing:
            self.tables[self.section].sort(self.sort_by, self.ascending)

    def _header_sorted(self, key: str) -> None:
        """A header was clicked (or ``sort`` ran): the section's frame follows the table."""
        t = self.tables[key]
        self.sorts[key] = (t.sort_by, t.ascending)
        if key in self.frames:
            self.frames[key] = self._sorted(self.frames[key], t.sort_by, t.ascending)
        if key == self.section:
            self._sync_controls()

    def sort(self, by: str, ascending: bool = True, section: str | None = None) -> pd.DataFrame:
        """Sort a section (default: the one shown) by a column name or heading."""
        try:
            if section:
                self.section = section
            with self.hold_trait_notifications():
                self.sort_by = by
                self.ascending = bool(ascending)
        except TraitError as e:
            self.status = str(e)
        return self.frames.get(self.section)

    # -- opening a row -----------------------------------------------------------------------
    def row(self, i: int | None = None) -> pd.Series | None:
        """Row ``i`` (default: the one selected) of the shown section, in its sorted order."""
        df = self.frames.get(self.section)
        if i is None:
            t = self.tables[self.section]
            return t.row() if t.selected else None
        if df is None or not 0 <= i < len(df):
            return None
        return df.iloc[i]

    def select_row(self, i: int, section: str | None = None) -> pd.Series | None:
        """Click row ``i`` (0-based, in the sorted order) of a section: its case's timeline
        and its supervisee's session link appear below, replacing the last row's."""
        if section:
            self.section = section
        t = self.tables[self.section]
        keys = t.row_keys
        if not 0 <= i < len(keys):
            self.status = "No such row"
            return None
        return t.select(keys[i])

    def _row_chosen(self, key: str, row_key: str) -> None:
        """The detail below follows the selection: timeline and session link, or nothing."""
        if row_key:
            for other, t in self.tables.items():
                if other != key and t.selected:
                    t.selected = ""
            if key != self.section:
                self.section = key
        elif any(t.selected for t in self.tables.values()):
            return  # another table's row is chosen: its detail stays
        r = self.tables[key].row(row_key) if row_key else None
        case = r["_case"] if r is not None and isinstance(r["_case"], str) else None
        person = r["_person"] if r is not None and isinstance(r["_person"], str) else None
        self.timeline, self.opened_case = None, ""
        self.link.value = ""
        # The next case is shown in the same widgets: emptied first, the page would
        # build their views all over again.
        if not case or self.open_case(case) is None:
            self.detail.children = []
        if person:
            self.open_session(person)

    def open_row(self, what: str = "case", i: int | None = None):
        """Open a row's case timeline (``"case"``) or session (``"person"``): the chosen
        row's, or row ``i``'s."""
        r = self.row(i)
        if r is None:
            self.status = "Choose a row first"
            return None
        if what == "case":
            return self.open_case(r["_case"]) if isinstance(r["_case"], str) else None
        return self.open_session(r["_person"]) if isinstance(r["_person"], str) else None

    def open_case(self, case_id: str) -> RAGTimeline | None:
        """Show the case's RAG timeline below the tables (its extract and professional
        differences in sections opened on request)."""
        timeline = self.case_view.show(case_id, self.as_of, drift=self.raw.get("drift"),
                                       window=self.raw.get("windows"))
        if timeline is None:
            self.status = self.case_view.status
            return None
        self.timeline, self.opened_case = timeline, timeline.data.case.id
        self.detail.children = self.case_view.parts
        return timeline

    def open_session(self, supervisee_id: str) -> str:
        """Ask the app to open this supervisee's session (sets ``requested_session``)."""
        name = self._names().get(supervisee_id, supervisee_id)
        joint = "&" if "?" in self.session_url else "?"
        href = f"{self.session_url}{joint}supervisee={quote(supervisee_id)}"
        self.link.value = (f"<a href='{esc(href)}' target='_blank'>Open the session app for "
                           f"{esc(name)}</a>")
        self.requested_session = ""  # so asking twice for the same person notifies twice
        self.requested_session = supervisee_id
        return href

    def show_strip(self) -> CaseloadStrip | None:
        """A compact RAG strip of the cases in the current scope."""
        df = self.raw.get("windows")
        if df is None:
            return None
        ids = df["case_id"] if self.scope == "all" else df.loc[df["worker_id"].isin(self.mine), "case_id"]
        self.strip = CaseloadStrip(self.tk, list(ids), self.as_of, drift=self.raw.get("drift"))
        self.detail.children = [w.HTML(value="<h2>Recent ratings by case</h2>"), self.strip.widget]
        return self.strip

    @observe("status")
    def _status_changed(self, change):
        self._status.value = change["new"]
