"""Supervision quality audit results over time: the share of judgements answered "yes",
by team and month, as a table, a chart and its reading [HSCB aim 2; Temple]."""
from __future__ import annotations

import pandas as pd

from .figures import empty_chart, new_figure, to_png

COLUMNS = ["team", "month", "judged", "yes", "pct_yes"]


def audit_trend(results: pd.DataFrame) -> pd.DataFrame:
    """From ``tk.audit_results()`` rows: per team and month, judgements, "yes" answers
    and the percentage "yes" (every criterion counted)."""
    if results.empty:
        return pd.DataFrame(columns=COLUMNS)
    g = (results.assign(yes=results["answer"] == "yes", team=results["team"].replace("", "(no team)"))
         .groupby(["team", "month"]).agg(judged=("answer", "size"), yes=("yes", "sum"))
         .reset_index().sort_values(["month", "team"]))
    g["yes"] = g["yes"].astype(int)
    g["pct_yes"] = (100.0 * g["yes"] / g["judged"]).round(1)
    return g[COLUMNS].reset_index(drop=True)


def audit_trend_chart(trend: pd.DataFrame) -> tuple[bytes, str]:
    """One line per team, % "yes" month by month; and the reading in words."""
    if trend.empty:
        return empty_chart("No judgements yet"), "No audit judgements recorded yet."
    fig = new_figure(8.0, 3.0)
    ax = fig.add_subplot(1, 1, 1)
    months = sorted(trend["month"].unique())
    for team, rows in trend.groupby("team"):
        ax.plot([months.index(m) for m in rows["month"]], rows["pct_yes"], marker="o", label=team)
    ax.set_xticks(range(len(months)), months)
    ax.set_ylim(0, 105)
    ax.set_ylabel('% judged "yes"')
    ax.set_title("Supervision quality audit: criteria met, by team and month")
    ax.legend(loc="lower left", fontsize="small")
    judged, yes = int(trend["judged"].sum()), int(trend["yes"].sum())
    last = trend[trend["month"] == months[-1]]
    latest = "; ".join(f"{r.team} {r.pct_yes:.0f}% of {r.judged}" for r in last.itertuples())
    text = (f"{judged} audit judgement(s) recorded: {yes} ({100.0 * yes / judged:.0f}%) found the "
            f"criterion met. Latest month {months[-1]}: {latest}.")
    return to_png(fig, tight=True), text
