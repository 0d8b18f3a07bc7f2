"""RAG timelines: one case's ratings over time (``RAGTimeline``, ``figure_png``) and many
cases at a glance (``CaseloadStrip``, ``strip_png``).

Figures are drawn on matplotlib ``Figure`` objects with the Agg canvas (never pyplot), so
nothing switches the notebook's backend and no figure is left open. Voilà cannot report
clicks on a PNG, so a Dropdown beside the figure chooses a discussion.
"""
from __future__ import annotations

import dataclasses as dc
import datetime as dt
import textwrap

import ipywidgets as w
import pandas as pd
from traitlets import HasTraits, Int, TraitError, Unicode, observe, validate

from ..domain.enums import RAG
from ..domain.records import Case, CaseDiscussion
from ..domain.values import parse_date
from ..analytics.figures import new_figure, to_png
from ..errors import SupervisionError
from .common import Displayable, esc, message

RAG_Y = {"R": 0, "A": 1, "G": 2}
COLOURS = {"G": "#2e7d32", "A": "#f9a825", "R": "#c62828"}
BANDS = {"G": "#e3f2e4", "A": "#fff4d6", "R": "#fde2e2"}
Y_LABELS = ["R worse", "A same", "G improving"]
UNRATED_Y = -0.85
POINT_COLUMNS = ["date", "session_id", "rag", "meaning", "y", "summary"]
DETAIL_FIELDS = (("summary", "Summary of events since last time"),
                 ("worries", "What are we worried about, and why"),
                 ("plan", "The plan"), ("decision", "Decision"), ("rationale", "Rationale"))


@dc.dataclass
class TimelineData:
    """What one case's timeline shows (``points`` one row per discussion, oldest first)."""
    case: Case
    points: pd.DataFrame
    discussions: list[CaseDiscussion]
    drift: dict | None
    window: dict | None
    as_of: dt.date


def _row_for(df: pd.DataFrame | None, case_id: str) -> dict | None:
    if df is None or not len(df) or "case_id" not in df.columns:
        return None
    hit = df[df["case_id"] == case_id]
    return None if hit.empty else hit.iloc[0].to_dict()


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
    points = pd.DataFrame(
        [(pd.Timestamp(d), sid, x.rag, RAG(x.rag).meaning if x.rag else "not rated",
          float(RAG_Y[x.rag]) if x.rag else float("nan"), x.summary) for d, sid, x in found],
        columns=POINT_COLUMNS)
    points["date"] = pd.to_datetime(points["date"])
    drift = _rules(tk, "drift", day) if drift is None else drift
    window = _rules(tk, "case_windows", day) if window is None else window
    return TimelineData(case=case, points=points, discussions=[x for _, _, x in found],
                        drift=_row_for(drift, case.id), window=_row_for(window, case.id),
                        as_of=day)


def _date(v) -> dt.date | None:
    if v is None or v is pd.NaT or (not isinstance(v, str) and pd.isna(v)):
        return None
    return pd.Timestamp(v).date()


_png = to_png


def overlays(data: TimelineData) -> dict:
    """What is drawn over the ratings: ``x_range`` (lo, hi), ``status_changes`` [(date,
    label)] inside it, ``window`` {start, end, rule, days_overdue} or None, ``drift``
    {reason, since} or None."""
    span = [d.date() for d in data.points["date"]]
    window = None
    if data.window and _date(data.window.get("due_by")):
        w_ = data.window
        window = {"start": _date(w_.get("last_discussed")) or data.case.opened,
                  "end": _date(w_.get("due_by")), "rule": str(w_.get("window") or ""),
                  "days_overdue": int(w_.get("days_overdue") or 0)}
        span += [window["start"], window["end"]]
        if window["days_overdue"] > 0:
            span.append(data.as_of)
    if not span:
        span = [data.case.opened, data.as_of]
    lo, hi = min(span), max(span)
    pad = dt.timedelta(days=max(7, (hi - lo).days // 25))
    lo, hi = lo - pad, hi + pad
    changes = [(h.from_date, f"opened: {h.status}" if k == 0 else f"→ {h.status}")
               for k, h in enumerate(data.case.status_history) if lo <= h.from_date <= hi]
    drift = None
    if data.drift:
        drift = {"reason": str(data.drift.get("reason") or ""),
                 "since": _date(data.drift.get("since"))}
    return {"x_range": (lo, hi), "status_changes": changes, "window": window, "drift": drift}


def render_png(data: TimelineData, selected: int | None = None, *,
               size: tuple[float, float] = (9.0, 4.4), dpi: int = 100) -> bytes:
    """The timeline of ``data`` as PNG bytes, with point ``selected`` ringed."""
    from matplotlib import dates as mdates

    pts, case = data.points, data.case
    fig = new_figure(*size, dpi=dpi)
    ax = fig.add_subplot(1, 1, 1)
    for letter, y in RAG_Y.items():
        ax.axhspan(y - 0.5, y + 0.5, color=BANDS[letter], zorder=0, lw=0)
    rated = pts[pts["rag"].notna()]
    xs = [d.date() for d in pts["date"]]
    if len(rated):
        ax.plot([d.date() for d in rated["date"]], rated["y"], "-", color="#607d8b", lw=1.5,
                zorder=2)
        ax.scatter([d.date() for d in rated["date"]], rated["y"], s=70, zorder=3,
                   c=[COLOURS[r] for r in rated["rag"]], edgecolors="#263238", linewidths=0.8)
    unrated = pts[pts["rag"].isna()]
    if len(unrated):
        ax.scatter([d.date() for d in unrated["date"]], [UNRATED_Y] * len(unrated), marker="x",
                   s=40, color="#78909c", zorder=3)
    if selected is not None and 0 <= selected < len(pts):
        y = pts["y"].iloc[selected]
        ax.scatter([xs[selected]], [UNRATED_Y if pd.isna(y) else y], s=320, facecolors="none",
                   edgecolors="#000000", linewidths=2, zorder=4)

    ov = overlays(data)
    lo, hi = ov["x_range"]
    win = ov["window"]
    if win:
        ax.axvspan(win["start"], win["end"], color="#90caf9", alpha=0.3, zorder=1, lw=0,
                   label=f"window: {win['rule']} (due by {win['end']})")
        if win["days_overdue"] > 0:
            ax.axvspan(win["end"], data.as_of, color="#e57373", alpha=0.3, zorder=1, lw=0,
                       label=f"overdue {win['days_overdue']} days")
    for d, label in ov["status_changes"]:
        ax.axvline(d, color="#455a64", ls="--", lw=1, zorder=2)
        ax.text(d, 2.45, label, rotation=90, va="top", ha="right", fontsize=7,
                color="#37474f", parse_math=False)
    top = 0.86
    if ov["drift"]:
        since = ov["drift"]["since"]
        if since and lo <= since <= hi:
            ax.axvline(since, color="#b71c1c", ls=":", lw=1.5, zorder=2, label="drift since")
        lines = textwrap.wrap("Drift: " + ov["drift"]["reason"], 120)[:3]
        fig.text(0.01, 0.885, "\n".join(lines), color="#b71c1c", fontsize=8, va="top",
                 parse_math=False)
        top = 0.86 - 0.035 * len(lines)
    ax.set_xlim(lo, hi)
    ax.set_ylim(UNRATED_Y - 0.3 if len(unrated) else -0.5, 2.5)
    ticks = [0, 1, 2] + ([UNRATED_Y] if len(unrated) else [])
    ax.set_yticks(ticks, Y_LABELS + (["not rated"] if len(unrated) else []))
    loc = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    fig.text(0.01, 0.965, f"{case.reference} — {case.status}   ({len(pts)} discussions)",
             fontsize=11, fontweight="bold", va="top", parse_math=False)
    if not len(pts):
        ax.text(0.5, 0.5, "No discussions recorded yet", transform=ax.transAxes, ha="center",
                va="center", color="#546e7a")
    if ax.get_legend_handles_labels()[0]:
        # Above the plot, so it never hides a point.
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, fontsize=7,
                  frameon=False, borderaxespad=0.2)
        top -= 0.05
    fig.subplots_adjust(left=0.11, right=0.98, bottom=0.1, top=top)
    return _png(fig)


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
        self.image = w.Image(value=b"", format="png", layout={"width": "100%"})
        self.picker = w.Dropdown(options=[], description="Discussion", layout={"width": "98%"})
        self.picker.observe(self._picked, names="value")
        self.detail = w.HTML(value="")
        self._status = w.Label(value="")
        self.widget = w.VBox([
            w.HBox([w.Box([self.image], layout={"width": "64%"}),
                    w.VBox([self.picker, self.detail], layout={"width": "36%"})]),
            self._status])
        self.refresh()

    @property
    def points(self) -> pd.DataFrame:
        """One row per discussion shown: date, session_id, rag, meaning, y, summary."""
        return self.data.points if self.data else pd.DataFrame(columns=POINT_COLUMNS)

    @property
    def marks(self) -> dict:
        """What the figure draws over the ratings (see ``overlays``)."""
        return overlays(self.data) if self.data else {}

    def refresh(self) -> None:
        """Reload the case, its discussions and the rules from the store; redraw."""
        try:
            self.data = timeline_data(self.tk, self.case_id, self.as_of, drift=self._given[0],
                                      window=self._given[1])
        except SupervisionError as e:
            self.status = message(e)
            self.data = None
            self.image.value, self.picker.options, self.detail.value = b"", [], ""
            return
        pts = self.points
        self.picker.options = [(f"{d.date()} — {r or '–'} ({m})", i) for i, (d, r, m) in
                               enumerate(zip(pts["date"], pts["rag"], pts["meaning"]))]
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

    @observe("status")
    def _status_changed(self, change):
        self._status.value = change["new"]

    def _picked(self, change):
        if change["new"] is not None and change["new"] != self.selected:
            self.selected = change["new"]

    def _draw(self) -> None:
        if self.data is None:
            return
        i = self.selected
        self.image.value = render_png(self.data, i)
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
        rags = "".join(x.rag or "-" for _, _, x in found)[-last:]
        hit = _row_for(drift, case.id)
        rows.append((case.id, case.reference, case.status, rags, hit is not None,
                     str(hit.get("reason") or "") if hit else ""))
    return pd.DataFrame(rows, columns=["case_id", "reference", "status", "rags", "drift", "reason"])


def render_strip_png(rows: pd.DataFrame, *, last: int = 12, dpi: int = 100) -> bytes:
    """One row per case: reference, status, coloured squares of recent ratings, drift mark."""
    from matplotlib.patches import Rectangle

    n = max(len(rows), 1)
    fig = new_figure(9.0, 0.7 + 0.32 * n, dpi=dpi)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))
    ax.set_axis_off()
    x_sq, step = 5.6, 0.32
    x_drift = x_sq + step * last + 0.2
    ax.set_xlim(0, x_drift + 1.6)
    ax.set_ylim(n - 0.4, -1.3)
    heads = [(0.05, "Case"), (2.5, "Status"), (x_sq, f"Last {last} ratings (oldest → newest)"),
             (x_drift, "Drift")]
    for x, text in heads:
        ax.text(x, -0.8, text, fontsize=8, fontweight="bold", va="center", parse_math=False)
    if rows.empty:
        ax.text(0.05, 0, "No cases", fontsize=8, va="center")
    for y, r in enumerate(rows.itertuples()):
        ax.text(0.05, y, str(r.reference), fontsize=8, va="center", parse_math=False)
        ax.text(2.5, y, str(r.status), fontsize=8, va="center", parse_math=False)
        for k, letter in enumerate(r.rags):
            ax.add_patch(Rectangle((x_sq + k * step, y - 0.35), step * 0.85, 0.7, lw=0.5,
                                   edgecolor="#455a64", facecolor=COLOURS.get(letter, "#eceff1")))
        if not r.rags:
            ax.text(x_sq, y, "not discussed", fontsize=7, va="center", color="#78909c")
        if r.drift:
            ax.scatter([x_drift + 0.1], [y], marker="^", s=60, color="#c62828")
            ax.text(x_drift + 0.3, y, "drift", fontsize=8, va="center", color="#b71c1c")
    return _png(fig)


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
        self._status = w.Label(value="")
        self.widget = w.VBox([self.image, self._status])
        self.refresh()

    @observe("status")
    def _status_changed(self, change):
        self._status.value = change["new"]

    def refresh(self) -> None:
        """Reload the cases and redraw."""
        try:
            self.rows = strip_rows(self.tk, self.case_ids, self.as_of, last=self.last,
                                   drift=self._drift)
        except SupervisionError as e:
            self.status = message(e)
            return
        self.image.value = render_strip_png(self.rows, last=self.last)
