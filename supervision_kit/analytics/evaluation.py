"""Results of the Supervision Evaluation Tool [HSCB Appendix I]: per-statement shares of
yes / no / maybe, and a bar chart of them for the quality-assurance app."""
from __future__ import annotations

import pandas as pd

from ..domain.enums import EVALUATION_STATEMENTS
from .figures import new_figure, to_png

ANSWERS = ("yes", "maybe", "no")
COLOURS = {"yes": "#2e7d32", "maybe": "#f9a825", "no": "#c62828"}
SUMMARY_COLUMNS = ["number", "statement", "answered", "unanswered", "yes", "no", "maybe",
                   "yes_pct", "no_pct", "maybe_pct"]


def _answers(e) -> list:
    if isinstance(e, dict):
        return list(e.get("answers") or [])
    return list(getattr(e, "answers", None) or [])


def evaluation_summary(evaluations) -> pd.DataFrame:
    """One row per statement: counts of yes / no / maybe, how many left it unanswered, and
    each answer's percentage of those who answered (NaN when nobody did).

    ``evaluations``: ``Evaluation`` records, dicts with ``answers``, or a DataFrame with an
    ``answers`` column (lists of ten answers)."""
    if isinstance(evaluations, pd.DataFrame):
        evaluations = [{"answers": a} for a in evaluations.get("answers", [])]
    counts = {a: [0] * len(EVALUATION_STATEMENTS) for a in ANSWERS}
    blank = [0] * len(EVALUATION_STATEMENTS)
    for e in evaluations:
        answers = _answers(e)
        for i in range(len(EVALUATION_STATEMENTS)):
            a = answers[i] if i < len(answers) else None
            if a in counts:
                counts[a][i] += 1
            else:
                blank[i] += 1
    df = pd.DataFrame({"number": range(1, len(EVALUATION_STATEMENTS) + 1),
                       "statement": list(EVALUATION_STATEMENTS),
                       "unanswered": blank, **counts})
    df["answered"] = df[list(ANSWERS)].sum(axis=1)
    for a in ANSWERS:
        df[f"{a}_pct"] = (100 * df[a] / df["answered"].where(df["answered"] > 0)).round(1)
    return df[SUMMARY_COLUMNS]


def evaluation_chart_png(df: pd.DataFrame, *, title: str = "Supervision evaluation",
                         dpi: int = 100) -> bytes:
    """A horizontal stacked bar per statement (yes, maybe, no as % of answers) as PNG."""
    import textwrap

    fig = new_figure(9.0, 1.2 + 0.45 * max(len(df), 1), dpi=dpi)
    ax = fig.add_subplot(1, 1, 1)
    labels = [f"{n}. " + textwrap.shorten(str(s), 60, placeholder="…")
              for n, s in zip(df["number"], df["statement"])]
    ys = list(range(len(df)))[::-1]
    left = pd.Series(0.0, index=df.index)
    for a in ANSWERS:
        vals = df[f"{a}_pct"].fillna(0.0)
        ax.barh(ys, vals, left=left, color=COLOURS[a], label=a, edgecolor="white", height=0.7)
        for y, v, x in zip(ys, vals, left):
            if v >= 8:
                ax.text(x + v / 2, y, f"{v:.0f}%", ha="center", va="center", fontsize=7,
                        color="white")
        left = left + vals
    ax.set_yticks(ys, labels, fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of those who answered")
    n = int((df["answered"] + df["unanswered"]).max()) if len(df) else 0
    fig.text(0.01, 1 - 0.15 / fig.get_figheight(), f"{title} — {n} evaluation{'s' if n != 1 else ''}",
             fontsize=10, fontweight="bold", va="top", parse_math=False)
    fig.legend(*ax.get_legend_handles_labels(), loc="upper right", ncols=3, fontsize=8,
               frameon=False)
    fig.subplots_adjust(left=0.45, right=0.98, top=1 - 0.6 / fig.get_figheight(),
                        bottom=0.6 / fig.get_figheight())
    return to_png(fig)
