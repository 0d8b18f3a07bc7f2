"""Governance tabs of the quality-assurance app: diversity considered (by team, supervisor
and month) [Havering 13.3; HSCB Agency Quality Assurance] and QA read by supervisor
[Havering 9; PG41 4], with a supervisor filter beside the app's team filter."""
from __future__ import annotations

import ipywidgets as w
import pandas as pd

from ..analytics.governance import diversity_chart
from ..errors import SupervisionError
from ..widgets.table import Section, date_text, section_table, with_detail
from ..widgets.common import esc, message

DIVERSITY_GROUPS = Section("diversity", "Diversity considered, by month, team and supervisor",
                           (("month", "Month"), ("team", "Team"), ("supervisor", "Supervisor"),
                            ("records", "Records"), ("considered", "Considered"),
                            ("pct", "% considered")), ("month", True))
DIVERSITY_MISSING = Section("diversity_missing", "Records where it was not considered",
                            (("date", "Date"), ("supervisor", "Supervisor"), ("team", "Team"),
                             ("supervisees", "Supervisee(s)")), ("date", True))


SUPERVISORS = Section("supervisors", "By supervisor",
                      (("supervisor", "Supervisor"), ("supervisees", "Supervisees"),
                       ("within_frequency", "Within frequency"), ("pct_within", "% within"),
                       ("unsigned", "Unsigned"), ("late", "Late or not recorded"),
                       ("repeated_late", "Repeated lateness"), ("evaluations", "Evaluations"),
                       ("eval_yes_pct", "% yes in evaluations")), ("late", False), "late")


DEVELOPMENT = Section("development", "Supervisors' development and equality and diversity "
                      "training: take-up", (("course", "Course"), ("team", "Team"),
                                            ("staff", "Staff who need it"),
                                            ("up_to_date", "Up to date"), ("pct", "% up to date")),
                      ("course", True))


class DiversityTab:
    """The "Diversity" tab: reading, chart, the groups and the records that missed it."""

    def __init__(self, tk):
        self.tk = tk
        self.reading, self.image = w.HTML(value=""), w.Image(value=b"", format="png")
        self.tables = w.VBox([])
        self.text, self.frames = "", {}
        self.widget = w.VBox([self.reading, self.image, self.tables])

    def refresh(self, as_of, team=None, supervisor=None) -> None:
        """Recompute for the app's date, team and supervisor."""
        try:
            m = self.tk.diversity_measure(as_of=as_of, team=team, supervisor=supervisor)
        except SupervisionError as e:
            self.text, self.frames = message(e), {}
            self.reading.value, self.image.value, self.tables.children = esc(self.text), b"", []
            return
        png, self.text = diversity_chart(m["by_month"])
        missing = m["records"][~m["records"]["considered"]] if len(m["records"]) else m["records"]
        self.frames = {"diversity": m["by_group"], "diversity_missing": missing}
        self.reading.value = f"<p class='qa-reading'><b>{esc(self.text)}</b></p>"
        self.image.value = png
        self.tables.children = [with_detail(section_table(s, self.frames[s.key]))
                                for s in (DIVERSITY_GROUPS, DIVERSITY_MISSING)]


class SupervisorTab:
    """The "By supervisor" tab: one row per supervisor, repeated lateness flagged."""

    def __init__(self, tk):
        self.tk = tk
        self.reading, self.tables = w.HTML(value=""), w.VBox([])
        self.text, self.frame = "", pd.DataFrame()
        self.widget = w.VBox([self.reading, self.tables])

    def refresh(self, as_of, team=None, supervisor=None) -> None:
        """Recompute from the rules as of the date, for the team and supervisor."""
        from ..analytics.governance import by_supervisor
        tk = self.tk
        try:
            names = {p.id: p.name for p in tk.practitioners()}
            teams = {p.id: p.team for p in tk.practitioners()}
            evs = [e for e in tk.evaluations() if not team or teams.get(e.supervisee_id) == team]
            limit = (tk.policy() or {}).get("records", {}).get("repeated_late")
            df = by_supervisor(tk.due(as_of=as_of, team=team), tk.timeliness(as_of=as_of, team=team),
                               evs, names, limit)
        except SupervisionError as e:
            self.text, self.frame = message(e), pd.DataFrame()
            self.reading.value, self.tables.children = esc(self.text), []
            return
        if supervisor:
            df = df[df["supervisor_id"] == supervisor].reset_index(drop=True)
        self.frame = df
        flagged = df[df["repeated_late"].astype(bool)]["supervisor"].tolist() if len(df) else []
        self.text = (f"{len(df)} supervisor(s); repeated late recording: "
                     + (", ".join(flagged) if flagged else "none") + ".")
        self.reading.value = f"<p class='qa-reading'><b>{esc(self.text)}</b></p>"
        self.tables.children = [with_detail(section_table(SUPERVISORS, df))]
        try:  # supervisors' own development [PG41 4; Havering 13.1; Surrey 6-7]
            dev = tk.development_take_up(as_of=as_of, team=team)
        except SupervisionError as e:
            self.development = pd.DataFrame()
            self.tables.children = (*self.tables.children, w.Label(value=message(e)))
            return
        self.development = dev["take_up"]
        self.tables.children = (*self.tables.children,
                                with_detail(section_table(DEVELOPMENT, dev["take_up"])))


def make_report(app, months: int = 12) -> bytes:
    """Write the inspection report for the app's date and offer it as a download."""
    import base64
    import tempfile
    from pathlib import Path

    day = app.as_of.value
    try:
        with tempfile.TemporaryDirectory() as folder:
            pdf, _ = app.tk.inspection_report(day, months, Path(folder) / "report.pdf")
            data = pdf.read_bytes()
    except SupervisionError as e:
        app.report_link.value = esc(message(e))
        return b""
    app.report_link.value = (f"<a download='inspection-report-{day.isoformat()}.pdf' "
                             f"href='data:application/pdf;base64,{base64.b64encode(data).decode()}'>"
                             f"Download the inspection report as of {esc(date_text(day))}</a> <small>(the "
                             f"rows behind each figure: <code>supervision-kit report</code> also "
                             f"writes them as CSV)</small>")
    return data


def add_governance_tabs(app) -> dict:
    """Add the governance tabs and a supervisor filter to the QA app; they follow its
    date, team and Refresh."""
    from .audit_section import AuditTab
    tabs = {"diversity": ("Diversity", DiversityTab(app.tk)),
            "supervisors": ("By supervisor", SupervisorTab(app.tk)),
            "audit": ("Quality audit", AuditTab(app.tk, app.as_of.value))}
    try:
        people = [(n, i) for n, i in app.tk.supervisors() if app.tk.can_see(i)]
    except SupervisionError:
        people = []
    app.supervisor = w.Dropdown(options=[("All supervisors", ""), *people], value="",
                                description="Supervisor")
    head = app.widget.children[0]
    app.report_button = w.Button(description="Inspection report (PDF)", icon="file-pdf-o")
    app.report_link = w.HTML(value="")
    app.report_button.on_click(lambda _: make_report(app))
    head.children = (*head.children[:-1], app.supervisor, head.children[-1], app.report_button)
    app.widget.children = (head, app.report_link, *app.widget.children[1:])

    def load(key):  # when the tab is first shown (or read by key) after a refresh
        sup = getattr(app, "supervisor", None)
        tabs[key][1].refresh(app.as_of.value, app.team.value or None, sup.value if sup else None)

    titles = tuple(app.tabs.titles)
    app.tabs.children = (*app.tabs.children, *(t.widget for _, t in tabs.values()))
    app.tabs.titles = (*titles, *(title for title, _ in tabs.values()))
    from .lazy_tabs import lazy_tabs
    app.governance_tabs = lazy_tabs(app, {k: t for k, (_, t) in tabs.items()}, load)
    return app.governance_tabs
