"""The QA app's "Quality audit" tab: draw a stratified sample, judge each sampled
discussion against the checklist, and read the results by team and month [HSCB aim 2]."""
from __future__ import annotations

import datetime as dt

import ipywidgets as w
import pandas as pd

from ..analytics.audit_trend import audit_trend, audit_trend_chart
from ..analytics.governance import results_table
from ..errors import SupervisionError
from ..widgets.common import Beside, esc, message, textarea
from ..widgets.dates import DateInput


def _frame_html(df: pd.DataFrame) -> str:
    if df.empty:
        return "<p><i>No judgements yet.</i></p>"
    head = "".join(f"<th>{esc(c)}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in r) + "</tr>"
                   for r in df.itertuples(index=False))
    return f"<table class='qa-audit'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class AuditTab:
    """Draw, judge, read."""

    def __init__(self, tk, as_of=None):
        self.tk = tk
        day = as_of or dt.date.today()
        self.audit_id, self.items = "", []
        self.start = DateInput(value=day - dt.timedelta(days=365), description="From")
        self.end = DateInput(value=day, description="To")
        self.per_stratum = w.BoundedIntText(value=3, min=1, max=50, description="Per stratum")
        self.seed = w.Text(value="", description="Seed", placeholder="blank: a new random seed")
        self.draw_button = w.Button(description="Draw sample", icon="random")
        self.draw_button.on_click(lambda _: self.draw())
        self.item = w.Dropdown(options=[], description="Record")
        self.item.observe(lambda _: self._show_item(), names="value")
        try:
            self.criteria = tk.audit_checklist()
        except SupervisionError:
            self.criteria = []
        self.answers = {c["key"]: w.ToggleButtons(options=[("–", ""), ("yes", "yes"), ("partly", "partly"), ("no", "no")],
                                                   value="", style={"button_width": "60px"})
                        for c in self.criteria}
        self.comment = textarea("Comments", rows=2)
        self.judge_button = w.Button(description="Save judgement", icon="check")
        self.judge_button.on_click(lambda _: self.judge())
        self.status = w.Label(value="")
        self.results = w.HTML(value="")
        # Over time: % "yes" by team, month by month (the inspection report's chart too).
        self.trend_chart = w.Image(format="png", layout={"max_width": "100%"})
        self.trend_reading = w.Label(value="")
        form = [w.VBox([w.HTML(value=f"<b>{esc(c['question'])}</b> <small>({esc(c['source'])})"
                                     f"</small>"), self.answers[c["key"]]])
                for c in self.criteria]
        beside = Beside(self.status)   # "Sample drawn"/"Judgement saved" by its button
        self.widget = w.VBox([w.HBox([self.start, self.end]),
                              beside.row(self.per_stratum, self.seed, self.draw_button),
                              self.item, *form, self.comment, beside.row(self.judge_button),
                              w.HTML(value="<h4>Results over time: % yes by team and month"
                                           "</h4>"), self.trend_chart, self.trend_reading,
                              w.HTML(value="<h4>Results: % yes by team, month and criterion</h4>"),
                              self.results])

    def refresh(self, *_args, **_kw) -> None:
        """Redraw the results: the chart over time and the table."""
        try:
            rows = self.tk.audit_results()
        except SupervisionError as e:
            self.status.value = message(e)
            return
        self.frame, self.trend = results_table(rows), audit_trend(rows)
        self.trend_chart.value, self.trend_reading.value = audit_trend_chart(self.trend)
        self.results.value = _frame_html(self.frame)

    def draw(self) -> dict | None:
        """Draw a new sample with the chosen period, size and seed."""
        try:
            seed = int(self.seed.value) if self.seed.value.strip() else None
        except ValueError:
            self.status.value = "Seed: a whole number, or blank"
            return None
        try:
            audit = self.tk.draw_audit_sample(self.start.value, self.end.value,
                                              self.per_stratum.value, seed)
        except SupervisionError as e:
            self.status.value = message(e)
            return None
        self.audit_id, self.items = audit["id"], audit["items"]
        self.seed.value = str(audit["seed"])
        self.item.options = [(f"{i['date']:%d %b %Y} {i['reference']} ({i['stratum']})",
                              i["discussion_id"]) for i in self.items]
        if self.items:  # the first sampled record is open, ready to judge
            self.item.value = self.items[0]["discussion_id"]
        self.status.value = f"Sample of {len(self.items)} drawn with seed {audit['seed']}"
        return audit

    def _show_item(self) -> None:
        it = next((i for i in self.items if i["discussion_id"] == self.item.value), None)
        for k, b in self.answers.items():
            b.value = (it or {}).get("judgements", {}).get(k, "") if it else ""
        self.comment.value = (it or {}).get("comment", "") if it else ""

    def judge(self) -> dict | None:
        """Save the judgement of the chosen record."""
        if not self.item.value:
            self.status.value = "Draw a sample and choose a record first"
            return None
        try:
            done = self.tk.judge_audit_item(self.audit_id, self.item.value,
                                            {k: b.value for k, b in self.answers.items()},
                                            self.comment.value)
        except SupervisionError as e:
            self.status.value = f"Not saved: {message(e)}"
            return None
        self.items = [done if i["discussion_id"] == done["discussion_id"] else i for i in self.items]
        self.status.value = "Judgement saved"
        self.refresh()
        return done
