"""RAG timelines: one case's ratings over time (``RAGTimeline``, ``figure_png``) and many
cases at a glance (``CaseloadStrip``, ``strip_png``).

Figures are drawn on matplotlib ``Figure`` objects with the Agg canvas (never pyplot), so
nothing switches the notebook's backend and no figure is left open. Voilà cannot report
clicks on a PNG, so a Dropdown beside the figure chooses a discussion.
"""
from __future__ import annotations

import datetime as dt

import ipywidgets as w
import pandas as pd
from traitlets import HasTraits, Int, TraitError, Unicode, observe, validate

from ..analytics.timeline import (POINT_COLUMNS, STRIP_COLUMNS, TimelineData, drawn_png, overlays,
                                  render_png, render_strip_png, strip_row, timeline_from)
from ..domain.enums import RAG
from ..domain.records import CaseDiscussion
from ..domain.values import parse_date
from ..errors import SupervisionError
from .common import Displayable, esc, show_refusal, status_label

DETAIL_FIELDS = (("summary", "Summary of events since last time"),
                 ("worries", "What are we worried about, and why"),
                 ("plan", "The plan"), ("decision", "Decision"), ("rationale", "Rationale"))


def _rules(tk, method: str, day: dt.date) -> pd.DataFrame | None:
    try:
        return getattr(tk, method)(as_of=day)
    except SupervisionError:
        return None  # the figure still shows the ratings without the rule overlays


def timeline_data(tk, case_id: str, as_of=None, *, drift: pd.DataFrame | None = None,
                  window: pd.DataFrame | None = None) -> TimelineData:
    """Load one case's discussions and its drift and window rows (computed unless given).

    With ``as_of`` only discussions on or before that date are shown."""
    day = parse_date(as_of, "as_of") or dt.date.today()
    case = tk.case(case_id)
    found = tk.case_discussions(case.id)
    if as_of is not None:
        found = [f for f in found if f[0] <= day]
    drift = _rules(tk, "drift", day) if drift is None else drift
    window = _rules(tk, "case_windows", day) if window is None else window
    return timeline_from(case, found, day, drift, window)






def figure_png(tk, case_id: str, as_of=None, *, selected: int | None = None) -> bytes:
    """One case's RAG timeline as PNG bytes (for the PDF exporter and reports)."""
    return render_png(timeline_data(tk, case_id, as_of), selected)


def detail_html(date, session_id: str, d: CaseDiscussion) -> str:
    """One discussion as escaped HTML (typed text stays text)."""
    rag = f"{d.rag} ({RAG(d.rag).meaning})" if d.rag else "not rated"
    parts = [f"<div class='discussion-detail'><b>{esc(pd.Timestamp(date).date())}</b> — "
             f"RAG: <b>{esc(rag)}</b> <small>(session {esc(session_id)})</small>"]
    for key, title in DETAIL_FIELDS:
        text = getattr(d, key, "") or ""
        if text.strip() or key == "summary":
            shown = esc(text) or "<span style='color:#888'>(none)</span>"
            parts.append(f"<div><i>{esc(title)}</i><div style='white-space:pre-wrap'>"
                         f"{shown}</div></div>")
    return "".join(parts) + "</div>"


class RAGTimeline(HasTraits, Displayable):
    """One case's RAG ratings over time, with status changes, drift and the rule window."""

    selected = Int(None, allow_none=True, help="Index of the chosen discussion in ``points``")
    status = Unicode("", help="The last problem, as text")

    def __init__(self, tk, case_id: str, as_of=None, *, drift: pd.DataFrame | None = None,
                 window: pd.DataFrame | None = None):
        super().__init__()
        self.tk, self.case_id, self.as_of = tk, case_id, as_of
        self._given = (drift, window)
        self.data: TimelineData | None = None
        self._loading = False
        self.image = w.Image(value=b"", format="png", layout={"width": "100%"})
        self.picker = w.Dropdown(options=[], description="Discussion", layout={"width": "98%"})
        self.picker.observe(self._picked, names="value")
        self.detail = w.HTML(value="")
        self._status = status_label(self)
        self.widget = w.VBox([
            w.HBox([w.Box([self.image], layout={"width": "64%"}),
                    w.VBox([self.picker, self.detail], layout={"width": "36%"})]),
            self._status])
        if case_id:  # "": widgets made ahead, a case shown later (``show``)
            self.refresh()

    @property
    def points(self) -> pd.DataFrame:
        """One row per discussion shown: date, session_id, rag, meaning, y, summary."""
        return self.data.points if self.data else pd.DataFrame(columns=POINT_COLUMNS)

    @property
    def marks(self) -> dict:
        """What the figure draws over the ratings (see ``overlays``)."""
        return overlays(self.data) if self.data else {}

    def show(self, case_id: str, as_of=None, *, drift: pd.DataFrame | None = None,
             window: pd.DataFrame | None = None) -> None:
        """Show another case (or date) in the same widgets: only changed values go to the
        page, not a new set of widgets [issue 15]."""
        self.case_id, self.as_of, self._given = case_id, as_of, (drift, window)
        self.status = ""
        self.refresh()

    def refresh(self) -> None:
        """Reload the case, its discussions and the rules from the store; redraw."""
        try:
            self.data = timeline_data(self.tk, self.case_id, self.as_of, drift=self._given[0],
                                      window=self._given[1])
        except SupervisionError as e:
            show_refusal(self, e)
            self.data = None
            self.image.value, self.picker.options, self.detail.value = b"", [], ""
            return
        pts = self.points
        # New options move the Dropdown's value: not a choice, so not a figure to draw
        # (a case shown in reused widgets was drawn twice).
        self._loading = True
        try:
            self.picker.options = [(f"{d.date()} — {r or '–'} ({m})", i) for i, (d, r, m) in
                                   enumerate(zip(pts["date"], pts["rag"], pts["meaning"]))]
        finally:
            self._loading = False
        last = len(pts) - 1 if len(pts) else None
        if self.selected == last:
            self._draw()
        else:
            self.selected = last

    @validate("selected")
    def _valid_selected(self, proposal):
        i = proposal["value"]
        n = len(self.points)
        if i is not None and not 0 <= i < n:
            raise TraitError(f"no discussion {i}: this case has {n}")
        return i

    @observe("selected")
    def _selected_changed(self, change):
        self._draw()

    def _picked(self, change):
        if not self._loading and change["new"] is not None and change["new"] != self.selected:
            self.selected = change["new"]

    def _draw(self) -> None:
        if self.data is None:
            return
        i = self.selected
        self.image.value = drawn_png(self.data, i)
        if self.picker.value != i and i is not None:
            self.picker.value = i
        if i is None:
            self.detail.value = "<i>No discussions of this case yet.</i>"
        else:
            row = self.points.iloc[i]
            self.detail.value = detail_html(row["date"], row["session_id"], self.data.discussions[i])

    def select(self, i: int) -> CaseDiscussion | None:
        """Choose discussion ``i`` (negative counts from the latest); shows its summary."""
        n = len(self.points)
        try:
            self.selected = i + n if i < 0 else i
        except TraitError as e:
            self.status = str(e)
            return None
        self.status = ""
        return self.data.discussions[self.selected]

    def png(self) -> bytes:
        """The figure as currently shown (PNG bytes)."""
        return bytes(self.image.value)


# -- many cases at once ----------------------------------------------------------------
def strip_rows(tk, case_ids, as_of=None, *, last: int = 12,
               drift: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per case: case_id, reference, status, rags (the last ``last`` ratings, '-' unrated),
    drift (bool), reason."""
    day = parse_date(as_of, "as_of") or dt.date.today()
    drift = _rules(tk, "drift", day) if drift is None else drift
    rows = []
    for cid in case_ids:
        case = tk.case(cid)
        found = [f for f in tk.case_discussions(case.id) if as_of is None or f[0] <= day]
        rows.append(strip_row(case, found, drift, last))
    return pd.DataFrame(rows, columns=STRIP_COLUMNS)



def strip_png(tk, case_ids, as_of=None, *, last: int = 12) -> bytes:
    """The caseload strip of ``case_ids`` as PNG bytes."""
    return render_strip_png(strip_rows(tk, case_ids, as_of, last=last), last=last)


class CaseloadStrip(HasTraits, Displayable):
    """Many cases as one compact figure: one row each with recent ratings and drift."""

    status = Unicode("", help="The last problem, as text")

    def __init__(self, tk, case_ids, as_of=None, *, last: int = 12,
                 drift: pd.DataFrame | None = None):
        super().__init__()
        self.tk, self.case_ids, self.as_of, self.last = tk, list(case_ids), as_of, last
        self._drift = drift
        self.rows = pd.DataFrame(columns=["case_id", "reference", "status", "rags", "drift",
                                          "reason"])
        self.image = w.Image(value=b"", format="png", layout={"width": "100%"})
        self._status = status_label(self)
        self.widget = w.VBox([self.image, self._status])
        self.refresh()

    def refresh(self) -> None:
        """Reload the cases and redraw."""
        try:
            self.rows = strip_rows(self.tk, self.case_ids, self.as_of, last=self.last,
                                   drift=self._drift)
        except SupervisionError as e:
            show_refusal(self, e)
            return
        self.image.value = render_strip_png(self.rows, last=self.last)
