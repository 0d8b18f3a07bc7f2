"""``ResearchDashboard``: the research app's charts of an anonymised export.

Seven charts (``analytics.research`` + ``analytics.research_plots``), each with a one-line
reading in words and a "Save PNG" button that downloads the chart in the browser (a
``data:`` link styled as a button: nothing is written on the server). ``save_png`` writes
one into ``save_dir`` from a notebook. ``apps.research_app.build()`` opens the configured
export.
"""
from __future__ import annotations

import base64
import dataclasses as dc
import datetime as dt
import re
from pathlib import Path
from typing import Callable

import ipywidgets as w

from ..analytics import research as ra
from ..analytics import research_plots as rp
from .common import Displayable, esc, message
from .table import date_text


@dc.dataclass(frozen=True)
class Chart:
    key: str
    title: str
    compute: Callable   # ResearchExport -> (DataFrame, reading)
    plot: Callable      # DataFrame -> PNG bytes


CHARTS = (
    Chart("rag_transitions", "RAG transitions between consecutive discussions",
          lambda e: ra.rag_transitions(e.case_discussions), rp.transitions_png),
    Chart("time_to_green", "Time from first red or amber to first green",
          lambda e: ra.time_to_green(e.case_discussions), rp.time_to_green_png),
    Chart("drift", "Drift prevalence by case status and team",
          lambda e: ra.drift_prevalence(e.case_discussions, e.cases, e.practitioners),
          rp.drift_png),
    Chart("supervision_intervals", "Intervals between supervisions against the policy window",
          lambda e: ra.supervision_intervals(e.sessions, e.practitioners), rp.intervals_png),
    Chart("actions", "Action completion and overdue rates",
          lambda e: ra.action_rates(e.actions, e.practitioners), rp.actions_png),
    Chart("function_balance", "Function balance",
          lambda e: ra.function_balance(e.sessions, e.practitioners), rp.functions_png),
    Chart("evaluation", "Evaluation tool answers",
          lambda e: ra.evaluation_answers(e.evaluations), rp.evaluation_png),
)


def _day(iso) -> str:
    """The export's ISO date as people read it (2 Dec 2026); "?" when missing."""
    try:
        d = dt.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return "?" if not iso else str(iso)
    return date_text(d)


class ResearchDashboard(Displayable):
    """Every chart of one export; ``save_png(key)`` is the "Save PNG" button's action."""

    def __init__(self, export_dir, save_dir=None):
        self.export_dir = Path(export_dir)
        self.save_dir = Path(save_dir) if save_dir else self.export_dir.parent / "research_charts"
        self.export = ra.load_export(self.export_dir)
        self.results: dict[str, tuple] = {}
        self.png: dict[str, bytes] = {}
        self.readings: dict[str, str] = {}
        self.images: dict[str, w.Image] = {}
        self.downloads: dict[str, w.HTML] = {}
        boxes = [self._header()]
        for chart in CHARTS:
            boxes.append(self._build(chart))
        self.widget = w.VBox(boxes, layout={"width": "100%"})

    def _header(self) -> w.Widget:
        rep = self.export.report
        rows = ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in rep.get("rows", {}).items())
        s = rep.get("settings", {})
        return w.VBox([
            w.Label(value=f"Export {self.export_dir.name}: {rows}."),
            w.Label(value=f"Dates: {s.get('date_mode', 'shift')}; exported {_day(s.get('export_date'))}; "
                          f"key fingerprint {s.get('key_fingerprint', '?')}."),
        ])

    def _build(self, chart: Chart) -> w.Widget:
        title = w.HTML(value=f"<h2>{esc(chart.title)}</h2>")
        try:
            df, reading = chart.compute(self.export)
            png = chart.plot(df)
        except Exception as e:  # one broken chart must not hide the others
            reading = f"This chart could not be drawn: {message(e)}"
            return w.VBox([title, w.Label(value=reading)])
        self.results[chart.key] = (df, reading)
        self.png[chart.key] = png
        self.readings[chart.key] = reading
        img = w.Image(value=png, format="png", layout={"max_width": "100%", "height": "auto"})
        img.add_class("research-chart")
        self.images[chart.key] = img
        link = w.HTML(value=self.download_link(chart.key, chart.title))
        self.downloads[chart.key] = link
        return w.VBox([title, img, w.Label(value=reading), link])

    def file_name(self, key: str) -> str:
        """The file a chart downloads as: ``<key>.png``."""
        return f"{re.sub(r'[^A-Za-z0-9_-]', '_', key)}.png"

    def download_link(self, key: str, title: str) -> str:
        """The "Save PNG" button: a link the browser downloads from (no server file)."""
        data = base64.b64encode(self.png[key]).decode("ascii")
        return (f"<a class='sk-download' download='{self.file_name(key)}' role='button' "
                f"aria-label='Save PNG: {esc(title)}' href='data:image/png;base64,{data}'>"
                f"Save PNG</a>")

    def save_png(self, key: str) -> Path:
        """Write one chart as ``<save_dir>/<key>.png``; return the path."""
        if key not in self.png:
            raise KeyError(f"no chart {key!r}")
        self.save_dir.mkdir(parents=True, exist_ok=True)
        path = self.save_dir / self.file_name(key)
        path.write_bytes(self.png[key])
        return path


class Notice(Displayable):
    """The research app's place when no export can be opened: why, in one line."""

    def __init__(self, text: str):
        self.text = text
        self.widget = w.HTML(value=f"<div style='color:#b00020'>{esc(text)}</div>")
