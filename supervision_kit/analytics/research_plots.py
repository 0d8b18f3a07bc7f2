"""matplotlib charts (PNG bytes) of the research analyses in ``analytics.research``.

Figures are drawn with the Agg canvas directly (no pyplot state), so charts can be built
in a kernel thread, a test or a script alike. Text from the export is set with
``parse_math=False``: a "$" in a label is a dollar, not mathematics.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .figures import new_figure, to_png
from .research import FUNCTIONS, RAGS, WORDS

RAG_COLOURS = {"G": "#2e7d32", "A": "#f9a825", "R": "#c62828"}
FUNCTION_COLOURS = ("#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00")
MAX_BARS = 15


_figure = new_figure


def _png(fig) -> bytes:
    return to_png(fig, tight=True)


def _empty(fig, ax, text: str) -> None:
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", parse_math=False)


def transitions_png(df: pd.DataFrame) -> bytes:
    """Heat maps of from → to shares: overall, then one per case status."""
    groups = ["all"] + sorted(g for g in df["group"].unique() if g != "all")
    cols = min(len(groups), 3)
    rows = -(-len(groups) // cols)
    fig = _figure(3.3 * cols, 3.0 * rows)
    for i, g in enumerate(groups):
        ax = fig.add_subplot(rows, cols, i + 1)
        sub = df[df["group"] == g]
        m = np.array([[sub.loc[(sub["from_rag"] == f) & (sub["to_rag"] == t), "share_pct"].sum()
                       for t in RAGS] for f in RAGS])
        n = [[int(sub.loc[(sub["from_rag"] == f) & (sub["to_rag"] == t), "count"].sum())
              for t in RAGS] for f in RAGS]
        ax.imshow(np.nan_to_num(m), cmap="Blues", vmin=0, vmax=100)
        for r in range(3):
            for c in range(3):
                ax.text(c, r, f"{m[r][c]:.0f}%\n({n[r][c]})", ha="center", va="center",
                        fontsize=7, color="white" if m[r][c] > 60 else "black")
        ax.set_xticks(range(3), [WORDS[x] for x in RAGS], fontsize=7)
        ax.set_yticks(range(3), [WORDS[x] for x in RAGS], fontsize=7)
        ax.set_xlabel("next rating", fontsize=7)
        ax.set_ylabel("rating", fontsize=7)
        ax.set_title("all cases" if g == "all" else str(g), fontsize=8, parse_math=False)
    fig.suptitle("RAG rating → next rating of the same case", fontsize=10)
    fig.tight_layout()
    return _png(fig)


def time_to_green_png(df: pd.DataFrame) -> bytes:
    """Histogram of days from the first amber/red rating to the first green after it."""
    fig = _figure(7, 3.2)
    ax = fig.add_subplot(1, 1, 1)
    days = df.loc[df["reached"], "days"].dropna()
    if days.empty:
        _empty(fig, ax, "No case has gone from amber or red to green yet.")
        return _png(fig)
    ax.hist(days, bins=min(30, max(5, len(days) // 5)), color=RAG_COLOURS["G"])
    ax.axvline(days.median(), color="black", linestyle="--", label=f"median {days.median():.0f} days")
    ax.set_xlabel("days from first amber or red to first green")
    ax.set_ylabel("cases")
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(f"Time to green ({len(days)} of {len(df)} cases reached it)", fontsize=10)
    return _png(fig)


def _bars(ax, labels, values, title, colour="#1565c0", suffix="%"):
    y = np.arange(len(labels))[::-1]
    ax.barh(y, values, color=colour)
    ax.set_yticks(y, [str(x) for x in labels], fontsize=7)
    for yy, v in zip(y, values):
        if not np.isnan(v):
            ax.text(v, yy, f" {v:.0f}{suffix}", va="center", fontsize=7)
    ax.set_title(title, fontsize=9, parse_math=False)


def drift_png(df: pd.DataFrame) -> bytes:
    """Drifting share of rated cases by status and by team (the teams with most cases)."""
    fig = _figure(10, 3.8)
    st = df[df["dimension"] == "status"]
    tm = df[df["dimension"] == "team"].sort_values("cases", ascending=False).head(MAX_BARS)
    for i, (part, title) in enumerate(((st, "by case status"),
                                       (tm, f"by team (largest {len(tm)})"))):
        ax = fig.add_subplot(1, 2, i + 1)
        if part.empty:
            _empty(fig, ax, "no rated cases")
            continue
        _bars(ax, [f"{g} (n={n})" for g, n in zip(part["group"], part["cases"])],
              part["drifting_pct"].fillna(0).to_numpy(), title, RAG_COLOURS["A"])
        ax.set_xlim(0, 110)
        ax.set_xlabel("% of rated cases drifting")
    fig.suptitle("Drift: amber or red ratings in a row since the last green", fontsize=10)
    fig.tight_layout()
    return _png(fig)


def intervals_png(df: pd.DataFrame) -> bytes:
    """Histogram of intervals as a share of the policy window, per agency type."""
    fig = _figure(8, 3.4)
    ax = fig.add_subplot(1, 1, 1)
    d = df.dropna(subset=["ratio"])
    if d.empty:
        _empty(fig, ax, "No supervisee has two held sessions yet.")
        return _png(fig)
    bins = np.linspace(0, min(4.0, max(1.5, float(d["ratio"].quantile(0.99)))), 33)
    for agency, g in d.groupby("agency_type", sort=True):
        ax.hist(g["ratio"].clip(upper=bins[-1]), bins=bins, alpha=0.55,
                label=f"{agency} ({g['within'].mean() * 100:.0f}% within)")
    ax.axvline(1.0, color="black", linestyle="--")
    ax.text(1.0, ax.get_ylim()[1] * 0.95, " policy window", fontsize=7, va="top")
    ax.set_xlabel("interval between supervisions ÷ policy window (1 = exactly the window)")
    ax.set_ylabel("intervals")
    ax.legend(fontsize=7, frameon=False)
    ax.set_title("Intervals between supervisions against the policy window", fontsize=10)
    return _png(fig)


def actions_png(df: pd.DataFrame) -> bytes:
    """Completed, on-time and overdue rates per owner's agency type."""
    fig = _figure(8, 3.4)
    ax = fig.add_subplot(1, 1, 1)
    if df.empty or not df["actions"].sum():
        _empty(fig, ax, "No actions in the export.")
        return _png(fig)
    x = np.arange(len(df))
    for i, (col, label, colour) in enumerate((("completed_pct", "completed", "#2e7d32"),
                                              ("on_time_pct", "on time (of completed)", "#1565c0"),
                                              ("overdue_pct", "open and overdue", "#c62828"))):
        ax.bar(x + (i - 1) * 0.27, df[col].fillna(0), width=0.27, color=colour, label=label)
    ax.set_xticks(x, [f"{g}\n(n={n})" for g, n in zip(df["group"], df["actions"])], fontsize=7)
    ax.set_ylim(0, 105)
    ax.set_ylabel("% of actions")
    ax.legend(fontsize=7, frameon=False, ncols=3)
    ax.set_title("Actions: completion and overdue rates by owner's agency", fontsize=10)
    return _png(fig)


def functions_png(df: pd.DataFrame) -> bytes:
    """Share of sessions covering each function, per agency type."""
    fig = _figure(8, 3.4)
    ax = fig.add_subplot(1, 1, 1)
    if df.empty or not df["sessions"].sum():
        _empty(fig, ax, "No held sessions in the export.")
        return _png(fig)
    x = np.arange(len(df))
    for i, f in enumerate(FUNCTIONS):
        ax.bar(x + (i - 1.5) * 0.2, df[f"{f}_pct"].fillna(0), width=0.2,
               color=FUNCTION_COLOURS[i], label=f)
    ax.set_xticks(x, [f"{g}\n(n={n})" for g, n in zip(df["group"], df["sessions"])], fontsize=7)
    ax.set_ylim(0, 105)
    ax.set_ylabel("% of sessions covering it")
    ax.legend(fontsize=7, frameon=False, ncols=4)
    ax.set_title("Function balance: management, support, development, mediation", fontsize=10)
    return _png(fig)


def evaluation_png(df: pd.DataFrame) -> bytes:
    """The evaluation tool's answers (the quality-assurance chart)."""
    from .evaluation import evaluation_chart_png
    return evaluation_chart_png(df, title="Supervision evaluation tool")
