"""RAG timelines as data and pictures: one case's ratings over time (``timeline_from``,
``render_png``) and many cases at a glance (``strip_from``, ``render_strip_png``).

Plain functions over domain records and pandas; figures are drawn off-screen
(``analytics.figures``). Loading the records is the caller's job (the facade or a widget).
"""
from __future__ import annotations

import dataclasses as dc
import datetime as dt
import textwrap
import threading
from collections import OrderedDict

import pandas as pd

from ..domain.enums import RAG
from ..domain.records import Case, CaseDiscussion
from .figures import new_figure, to_png

RAG_Y = {"R": 0, "A": 1, "G": 2}
COLOURS = {"G": "#2e7d32", "A": "#f9a825", "R": "#c62828"}
BANDS = {"G": "#e3f2e4", "A": "#fff4d6", "R": "#fde2e2"}
Y_LABELS = ["R worse", "A same", "G improving"]
UNRATED_Y = -0.85
POINT_COLUMNS = ["date", "session_id", "rag", "meaning", "y", "summary"]


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


def timeline_from(case: Case, found, as_of: dt.date, drift: pd.DataFrame | None,
                  window: pd.DataFrame | None) -> TimelineData:
    """The timeline of ``case`` from its discussions ``found`` [(date, session_id,
    discussion)] on or before ``as_of`` and the agency's drift and window rule frames."""
    points = pd.DataFrame(
        [(pd.Timestamp(d), sid, x.rag, RAG(x.rag).meaning if x.rag else "not rated",
          float(RAG_Y[x.rag]) if x.rag else float("nan"), x.summary) for d, sid, x in found],
        columns=POINT_COLUMNS)
    points["date"] = pd.to_datetime(points["date"])
    return TimelineData(case=case, points=points, discussions=[x for _, _, x in found],
                        drift=_row_for(drift, case.id), window=_row_for(window, case.id),
                        as_of=as_of)


def _date(v) -> dt.date | None:
    if v is None or v is pd.NaT or (not isinstance(v, str) and pd.isna(v)):
        return None
    return pd.Timestamp(v).date()


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
    return to_png(fig)


# Pictures already drawn in this process, by everything they show: a case opened again, a
# discussion chosen again, or a record's figure drawn ahead of its PDF is not redrawn, which
# is most of its time [issue 15]. One lock: a figure asked for while it is being drawn
# (in the background) waits for that drawing instead of drawing it twice.
_DRAWN: OrderedDict = OrderedDict()
_DRAWING = threading.Lock()
DRAWN_KEEP = 48


def drawn_png(data: TimelineData, selected: int | None = None) -> bytes:
    """``render_png(data, selected)``, reused while nothing it shows has changed."""
    case = data.case
    key = (case.id, case.reference, case.status, repr(case.status_history), data.as_of,
           repr(data.points.to_records(index=False).tolist()), repr(data.drift),
           repr(data.window), selected)
    with _DRAWING:
        png = _DRAWN.pop(key, None) or render_png(data, selected)
        _DRAWN[key] = png  # newest last; the oldest go first
        while len(_DRAWN) > DRAWN_KEEP:
            _DRAWN.popitem(last=False)
    return png


_warming = None


def warm_timeline() -> None:
    """Draw one throwaway timeline in a background thread (once per process), so the first
    case a person opens does not also pay matplotlib's first drawing of dates, text and
    legend (fonts, tickers: about as much again as the drawing itself)."""
    global _warming
    if _warming is not None:
        return

    def run():
        day = dt.date(2000, 3, 1)
        case = Case(id="", reference="", worker_id="", status="open", opened=dt.date(2000, 1, 1))
        points = pd.DataFrame([(pd.Timestamp(day), "", "A", "same", 1.0, "")],
                              columns=POINT_COLUMNS)
        try:
            render_png(TimelineData(case, points, [], {"reason": "-", "since": day},
                                    None, dt.date(2000, 6, 1)), 0)
        except Exception:  # pragma: no cover - a warm-up failing changes nothing
            pass
    _warming = threading.Thread(target=run, name="warm-timeline", daemon=True)
    _warming.start()


STRIP_COLUMNS = ["case_id", "reference", "status", "rags", "drift", "reason"]


def strip_row(case: Case, found, drift: pd.DataFrame | None, last: int = 12) -> tuple:
    """One case's row of the caseload strip (see ``STRIP_COLUMNS``); ``found`` as in
    ``timeline_from``."""
    rags = "".join(x.rag or "-" for _, _, x in found)[-last:]
    hit = _row_for(drift, case.id)
    return (case.id, case.reference, case.status, rags, hit is not None,
            str(hit.get("reason") or "") if hit else "")


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
    return to_png(fig)
