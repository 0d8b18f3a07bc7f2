"""The QA app's "Quality audit" tab: draw a stratified sample, judge each sampled
discussion against the checklist, and read the results by team and month [HSCB aim 2].

The sample and the results are ``DataTable``s: a click on a sampled record opens it to
judge; a click on a result shows it in full."""
from __future__ import annotations

import datetime as dt

import ipywidgets as w

from ..analytics.audit_trend import audit_trend, audit_trend_chart
from ..analytics.governance import results_table
from ..errors import SupervisionError
from ..widgets.common import Beside, esc, message, textarea
from ..widgets.dates import DateInput
from ..widgets.table import DataTable, Section, cell_text, section_table, show_rows, with_detail


SAMPLE = (("date", "Date"), ("reference", "Case"), ("stratum", "Stratum"), ("judged", "Judged"))
RESULTS = Section("audit_results", "Results by team, month and criterion",
                  (("team", "Team"), ("month", "Month"), ("criterion", "Criterion"),
                   ("judged", "Judged"), ("yes", "Yes"), ("pct_yes", "% yes")), ("month", False))


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
        # click a sampled record (or Enter on it) to judge it below
        self.sample = DataTable(SAMPLE, caption="Sampled records", sort_by="date",
                                empty_text="No sample yet: draw one to judge its records.")
        self.sample.observe(lambda _: self._show_item(), "selected")
        self.chosen = w.HTML(value="")
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
        self.results = section_table(RESULTS)
        # Over time: % "yes" by team, month by month (the inspection report's chart too).
        self.trend_chart = w.Image(format="png", layout={"max_width": "100%"})
        self.trend_reading = w.Label(value="")
        form = [w.VBox([w.HTML(value=f"<b>{esc(c['question'])}</b> <small>({esc(c['source'])})"
                                     f"</small>"), self.answers[c["key"]]])
                for c in self.criteria]
        beside = Beside(self.status)   # "Sample drawn"/"Judgement saved" by its button
        self.widget = w.VBox([w.HBox([self.start, self.end]),
                              beside.row(self.per_stratum, self.seed, self.draw_button),
                              self.sample, self.chosen, *form, self.comment,
                              beside.row(self.judge_button),
                              w.HTML(value="<h2>Results over time: % yes by team and month"
                                           "</h2>"), self.trend_chart, self.trend_reading,
                              w.HTML(value="<h2>Results: % yes by team, month and criterion</h2>"),
                              with_detail(self.results)])

    def refresh(self, *_args, **_kw) -> None:
        """Redraw the results: the chart over time and the table."""
        try:
            rows = self.tk.audit_results()
        except SupervisionError as e:
            self.status.value = message(e)
            return
        self.frame, self.trend = results_table(rows), audit_trend(rows)
        self.trend_chart.value, self.trend_reading.value = audit_trend_chart(self.trend)
        show_rows(self.results, RESULTS, self.frame)

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
        self._list_sample()
        if self.sample.row_keys:  # the first sampled record is open, ready to judge
            self.sample.select(self.sample.row_keys[0])
        self.status.value = f"Sample of {len(self.items)} drawn with seed {audit['seed']}"
        return audit

    def _list_sample(self) -> None:
        # The sample as rows; a chosen record stays chosen (its "Judged" now says so).
        rows = [{"id": i["discussion_id"], "date": i["date"], "reference": i["reference"],
                 "stratum": i["stratum"], "judged": "yes" if i.get("judgements") else "no"}
                for i in self.items]
        self.sample.set_records(rows)

    def select(self, discussion_id: str) -> dict | None:
        """Open a sampled record to judge (clicking its row)."""
        self.sample.select(discussion_id)
        return self._item()

    def _item(self) -> dict | None:
        return self.sample.chosen_in(self.items, key=lambda i: i["discussion_id"])

    def _show_item(self) -> None:
        it = self._item()
        for k, b in self.answers.items():
            b.value = (it.get("judgements") or {}).get(k, "") if it else ""
        self.comment.value = (it.get("comment") or "") if it else ""
        self.chosen.value = (f"<b>Judging:</b> {esc(cell_text(it['date']))}, {esc(it['reference'])} "
                             f"({esc(it['stratum'])})" if it else "")

    def judge(self) -> dict | None:
        """Save the judgement of the chosen record."""
        if not self.sample.selected:
            self.status.value = "Draw a sample and click a record first"
            return None
        try:
            done = self.tk.judge_audit_item(self.audit_id, self.sample.selected,
                                            {k: b.value for k, b in self.answers.items()},
                                            self.comment.value)
        except SupervisionError as e:
            self.status.value = f"Not saved: {message(e)}"
            return None
        self.items = [dict(i, **done) if i["discussion_id"] == done["discussion_id"] else i
                      for i in self.items]
        self._list_sample()
        self.status.value = "Judgement saved"
        self.refresh()
        return done
