"""The quality-assurance app: the agency-wide audit for a manager or an auditor.

Frequency compliance by team, unsigned and late records, drift prevalence and cases
outside their discussion window, the balance of the four functions, and the
evaluation tool's results: each a chart, a one-line reading in words, and the rows
behind it. A manager sees their own team (the facade decides); auditors see all.
"""
from __future__ import annotations

import datetime as dt
import threading

import ipywidgets as w
import pandas as pd

from ..analytics.qa_charts import cancellation_counts
from ..errors import SupervisionError
from ..widgets.common import Displayable, esc, message
from ..widgets.table import Section, date_text, section_table, show_rows, with_detail
from . import qa_charts as charts
from .common import launch, message_box, on_kernel_loop
from .lazy_tabs import OnDemand
from ..widgets.dates import DateInput

TITLE = "Quality assurance"
ROLES = ("auditor", "manager", "admin")
ALL = ""
LATER = "worked out when its tab is opened"

TABLES = {
    "frequency": Section("frequency", "Supervision overdue",
                         (("name", "Supervisee"), ("team", "Team"), ("stream", "Stream"),
                          ("rule", "Rule"),
                          ("last_held", "Last held"), ("next_due", "Next due"),
                          ("days_overdue", "Days overdue"), ("reason", "Reason")),
                         ("days_overdue", False), "days_overdue"),
    "arranged": Section("arranged", "Also due: contract reviews, case reviews, observations, "
                        "case meetings", (("kind", "What"), ("person", "Who"), ("team", "Team"),
                                          ("item", "Item"), ("due", "Due"),
                                          ("days_overdue", "Days overdue"), ("reason", "Reason")),
                        ("days_overdue", False), "days_overdue"),
    "cancel_reason": Section("cancel_reason", "Cancellations in the last 12 months, by reason",
                             (("reason", "Reason"), ("count", "Cancelled")), ("count", False)),
    "cancel_by": Section("cancel_by", "Cancellations in the last 12 months, by who cancelled",
                         (("cancelled_by", "Cancelled by"), ("count", "Cancelled")),
                         ("count", False)),
    "records": Section("records", "Unsigned and late records",
                       (("date", "Session date"), ("supervisees", "Supervisee(s)"),
                        ("team", "Team"), ("issue", "Issue"), ("days", "Days late"),
                        ("detail", "Detail")), ("days", False), "days"),
    "drafts": Section("drafts", "Drafts past the recording limit, by supervisor",
                      (("supervisor", "Supervisor"), ("date", "Session date"),
                       ("supervisees", "Supervisee(s)"), ("team", "Team"), ("days", "Days late"),
                       ("detail", "Detail")), ("supervisor", True), "days"),
    "drift": Section("drift", "Drifting cases",
                     (("reference", "Case"), ("worker", "Worker"), ("team", "Team"),
                      ("status", "Status"), ("rags", "Recent ratings"), ("since", "Since"),
                      ("reason", "Reason")), ("since", True)),
    "windows": Section("windows", "Cases outside their discussion window",
                       (("reference", "Case"), ("worker", "Worker"), ("team", "Team"),
                        ("status", "Status"), ("window", "Window"),
                        ("last_discussed", "Last discussed"), ("due_by", "Due by"),
                        ("days_overdue", "Days overdue")), ("days_overdue", False), "days_overdue"),
    "balance": Section("balance", "Functions covered per supervisee (recent sessions)",
                       (("name", "Supervisee"), ("team", "Team"), ("sessions", "Sessions"),
                        ("management", "Management"), ("support", "Support"),
                        ("development", "Development"), ("mediation", "Mediation"),
                        ("flag", "Flag")), ("name", True)),
    "evaluation": Section("evaluation", "Evaluation tool: answers per statement",
                          (("number", "No."), ("statement", "Statement"), ("answered", "Answered"),
                           ("yes_pct", "% yes"), ("maybe_pct", "% maybe"), ("no_pct", "% no"),
                           ("unanswered", "Unanswered")), ("number", True)),
}
TOPICS = (("frequency", "Frequency"), ("records", "Records"), ("drift", "Drift and windows"),
          ("balance", "Function balance"), ("evaluation", "Evaluation"))



def _sorted(sec: Section, df: pd.DataFrame) -> pd.DataFrame:
    by, asc = sec.sort
    if df.empty or by not in df.columns:
        return df
    return df.sort_values(by, ascending=asc, kind="stable", na_position="last")


class Topic:
    """One tab: a reading in words, its chart, then the rows behind it."""

    def __init__(self, key: str, title: str):
        self.key, self.title = key, title
        self.reading = w.HTML(value="")
        self.image = w.Image(value=b"", format="png", layout={"max_width": "900px"})
        self.tables = w.VBox([])
        self._chart = b""  # PNG bytes, or a figure drawn when the tab is first shown
        self.visible = False
        self.text = ""
        self.frames: dict[str, pd.DataFrame] = {}
        self.data_tables: dict = {}
        self.widget = w.VBox([self.reading, self.image, self.tables])

    @property
    def png(self) -> bytes:
        """The chart as PNG bytes (drawn now if it was not yet)."""
        if not isinstance(self._chart, (bytes, bytearray)):
            self._chart = charts.png_of(self._chart)
        return self._chart

    def reveal(self) -> None:
        """The tab is on screen: draw its chart (once; a chart is drawn only when seen)."""
        self.visible = True
        if self.image.value != self.png:
            self.image.value = self.png

    def show(self, png, reading: str, frames: dict[str, pd.DataFrame]) -> None:
        """Put a chart (PNG or a figure to draw when seen), its reading and its tables on
        screen (all text escaped)."""
        self._chart, self.text, self.frames = png, reading, frames
        self.reading.value = f"<p class='qa-reading'><b>{esc(reading)}</b></p>"
        if self.visible:
            self.reveal()
        else:  # drawn when its tab is next shown
            self.image.value = b""
        if list(frames) == list(self.data_tables):
            # the same tables (another date or team): their new rows, not new widgets
            for k, df in frames.items():
                show_rows(self.data_tables[k], TABLES[k], _sorted(TABLES[k], df))
            return
        # one sortable, filterable, paged table per frame; a clicked row is shown in full
        self.data_tables = {k: section_table(TABLES[k], _sorted(TABLES[k], df))
                            for k, df in frames.items()}
        self.tables.children = [with_detail(t) for t in self.data_tables.values()]

    def fail(self, text: str) -> None:
        """Say why this topic could not be shown."""
        self._chart, self.text, self.frames, self.data_tables = b"", text, {}, {}
        self.reading.value = ""
        self.image.value = b""
        self.tables.children = [message_box(text, "error")]


class QualityAssuranceApp(Displayable):
    """The audit, as of a date, for every team the user may see or one of them.

    The topic on screen is worked out first when the page opens or the date or team
    changes; then the others in a background thread (``background=False``: when their tab
    is shown or code reads them by key), and the summary lists each reading once it is
    known [issue 15]."""

    def __init__(self, tk, as_of=None, *, background: bool = True):
        self.tk = tk
        # the other topics are worked out in a thread once the one on screen is shown
        self.background = background
        self._gen, self._lock = 0, threading.Lock()
        self._claimed: dict[str, threading.Event] = {}  # topic → done, this generation
        self._results: dict[str, tuple] = {}  # topic → ("show", args) | ("fail", text)
        self._worker: threading.Thread | None = None
        try:
            people = tk.practitioners()
        except SupervisionError:
            people = []
        # one read of the people for the team list, the names and the teams
        self._name_cache = {p.id: p.name for p in people}
        self._teams = {p.id: p.team for p in people}
        teams = sorted({p.team for p in people if p.team})
        self.as_of = DateInput(value=as_of or dt.date.today(), description="As of")
        self.team = w.Dropdown(options=[("All teams I can see", ALL), *[(t, t) for t in teams]],
                               value=ALL, description="Team")
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _: self.refresh())
        self._stale: set[str] = set()
        self._scope = (self.as_of.value, None)
        self.topics = OnDemand({k: Topic(k, t) for k, t in TOPICS}, self._ensure)
        self.tabs = w.Tab(children=[t.widget for t in self.topics.values()],
                          titles=[t for _, t in TOPICS])
        self.tabs.observe(lambda c: self._tab_shown(c["new"]), "selected_index")
        self.topics[TOPICS[0][0]].visible = True  # the first tab is on screen from the start
        self.summary = w.HTML(value="")
        self.widget = w.VBox([w.HBox([self.as_of, self.team, self.refresh_button]),
                              self.summary, self.tabs], layout={"width": "100%"})
        self.refresh()
        from .governance_sections import add_governance_tabs  # diversity, by supervisor
        add_governance_tabs(self)
        from .workflow_sections import add_qa_tabs  # "Requests" and "Training" tabs
        add_qa_tabs(self)

    def _tab_shown(self, index) -> None:
        for i, (key, topic) in enumerate(self.topics.items()):
            if i == index:
                self._ensure(key)
                topic.reveal()
            else:
                topic.visible = False

    def show_topic(self, key: str) -> None:
        """Switch to a topic's tab (worked out and drawn when first shown)."""
        self.tabs.selected_index = list(self.topics).index(key)

    def _names(self) -> dict[str, str]:
        return self._name_cache

    def refresh(self) -> None:
        """Work out the topic on screen again as of the date, for the team; the others
        in the background (or when next shown)."""
        with self._lock:  # results still coming for the old date or team are ignored
            self._gen += 1
            self._claimed, self._results = {}, {}
            self._scope = (self.as_of.value or dt.date.today(), self.team.value or None)
            self._stale = set(self.topics)
        index, keys = self.tabs.selected_index, list(self.topics)
        if index is not None and index < len(keys):
            self._ensure(keys[index])
        self._summarise()
        if self.background:  # in a kernel: after the topic on screen has been sent
            on_kernel_loop(lambda gen=self._gen: self._start_background(gen))

    def _work_out(self, key: str, scope) -> tuple:
        """One topic's (how, what) for ``scope``: ("show", (chart, reading, frames)) or
        ("fail", text). No widgets are touched, so it may run in a thread."""
        with self.tk.same_reads():  # the topic's rules read each table once
            try:
                chart, text, frames = getattr(self, f"_{key}")(*scope)
            except SupervisionError as e:
                return "fail", message(e)
        return "show", (chart, text, frames)

    def _put(self, key: str, result: tuple) -> None:
        how, what = result
        topic = dict.get(self.topics, key)
        topic.show(*what) if how == "show" else topic.fail(what)
        self._summarise()

    def _ensure(self, key: str) -> None:
        """Work out one topic if it is not up to date with the date and team (or take what
        the background worked out, waiting for it if it is under way)."""
        with self._lock:
            if key not in self._stale:
                return
            gen, scope = self._gen, self._scope
            done = self._claimed.get(key)
            if done is None:
                self._claimed[key] = done = threading.Event()
                mine = True
            else:
                mine = False
        if mine:
            result = self._work_out(key, scope)
            with self._lock:
                self._results.setdefault(key, result)
            done.set()
        else:
            done.wait()
        with self._lock:
            if gen != self._gen or key not in self._stale:
                return
            result = self._results.get(key)
            if result is not None:
                self._stale.discard(key)
        if result is None:  # the background gave up on it: work it out here
            return self._ensure(key)
        self._put(key, result)

    def _start_background(self, gen: int) -> None:
        if gen == self._gen:
            self._worker = threading.Thread(target=self._work_ahead, args=(gen,), daemon=True,
                                            name="qa-topics")
            self._worker.start()

    def _work_ahead(self, gen: int) -> None:
        """In a thread: the rules and charts of every topic not yet claimed, one by one,
        until a refresh starts a new generation; each is put on screen on the kernel loop."""
        for key in list(dict.keys(self.topics)):
            with self._lock:
                if gen != self._gen:
                    return
                if key not in self._stale or key in self._claimed:
                    continue
                self._claimed[key] = done = threading.Event()
                scope = self._scope
            try:
                result = self._work_out(key, scope)
                with self._lock:
                    current = gen == self._gen
                if current and result[0] == "show":  # a chart for an old date or team is
                    chart, text, frames = result[1]  # not drawn: a refresh waits meanwhile
                    result = "show", (charts.png_of(chart), text, frames)
            except Exception:  # worked out on the kernel loop when shown instead
                with self._lock:
                    if self._claimed.get(key) is done:
                        del self._claimed[key]
                done.set()
                continue
            with self._lock:
                if gen == self._gen:
                    self._results.setdefault(key, result)
            done.set()
            on_kernel_loop(lambda k=key: self._arrived(k, gen))

    def _arrived(self, key: str, gen: int) -> None:
        with self._lock:
            ready = gen == self._gen and key in self._results
        if ready:
            self._ensure(key)

    def wait_background(self, timeout: float | None = 60) -> None:
        """Wait for the background work of the latest refresh (for tests and scripts)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    def _summarise(self) -> None:
        with self._lock:
            (day, team), stale = self._scope, set(self._stale)
        lines = "".join(
            f"<li><b>{esc(t.title)}</b>: "
            + (f"<i>{esc(LATER)}</i>" if k in stale else esc(t.text)) + "</li>"
            for k, t in self.topics.items())
        scope = f"team {team}" if team else "every team you may see"
        self.summary.value = (f"<div class='qa-summary'><small>As of {esc(date_text(day))}, {esc(scope)}."
                              f"</small><ul>{lines}</ul></div>")

    # -- the topics: (chart, reading, frames) as of the day, for the team ------------------
    def _frequency(self, day, team):
        tk = self.tk
        due = tk.due(as_of=day, team=team)
        png, text, _ = charts.compliance(due, draw=False)
        by_reason, by_whom, said = cancellation_counts(tk, day, team)
        also = tk.arrangements_due(as_of=day, team=team)
        return png, f"{text} {said}".strip(), {"frequency": due[due["days_overdue"] > 0],
                                               "arranged": also[also["flag"]],
                                               "cancel_reason": by_reason,
                                               "cancel_by": by_whom}

    def _records(self, day, team):
        tk, names = self.tk, self._names()
        t = tk.timeliness(as_of=day, team=team)
        t = t.assign(supervisees=t["supervisee_ids"].map(
            lambda ids: [names.get(i, i) for i in ids]))
        png, text, _ = charts.records(t, draw=False)
        drafts = tk.stale_drafts(as_of=day, team=team, timely=t)
        if len(drafts):
            who = drafts["supervisor"].nunique()
            text += (f" {len(drafts)} draft{'s' if len(drafts) != 1 else ''} past the "
                     f"recording limit, by {who} supervisor{'s' if who != 1 else ''}.")
        return png, text, {"records": t, "drafts": drafts}

    def _drift(self, day, team):
        d, win = self.tk.drift(as_of=day, team=team), self.tk.case_windows(as_of=day, team=team)
        png, text, _ = charts.drift(d, win, draw=False)
        return png, text, {"drift": d, "windows": win[win["days_overdue"] > 0]}

    def _balance(self, day, team):
        fb = self.tk.function_balance(as_of=day, team=team)
        png, text, _ = charts.balance(fb, draw=False)
        return png, text, {"balance": fb}

    def _evaluation(self, day, team):
        evs = self.tk.evaluations()
        if team:
            evs = [e for e in evs if self._team_of(e.supervisee_id) == team]
        png, text, df = charts.evaluation(evs, draw=False)
        return png, text, {"evaluation": df}

    def _team_of(self, pid: str) -> str | None:
        return self._teams.get(pid)

    def readings(self) -> dict[str, str]:
        """Each topic's one-line reading (every topic worked out)."""
        return {k: self.topics[k].text for k in self.topics}

    def pngs(self) -> dict[str, bytes]:
        """Each topic's chart as PNG bytes (every topic worked out and drawn)."""
        return {k: self.topics[k].png for k in self.topics}


def build(settings=None, **kw):
    """The quality-assurance app for the configured database and user."""
    return launch(TITLE, QualityAssuranceApp, roles=ROLES, settings=settings, **kw)
