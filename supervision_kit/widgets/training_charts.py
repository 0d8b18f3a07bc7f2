"""Charts (PNG) and escaped HTML tables for the trainer's agreement dashboard.

Drawn on matplotlib ``Figure`` objects with the Agg canvas (never pyplot), so nothing
switches the notebook's backend and no figure is left open.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from ..analytics.figures import new_figure, to_png
from ..training.explain import sentences
from ..training.results import fmt
from .common import esc

COLOURS = {"G": "#2e7d32", "A": "#f9a825", "R": "#c62828"}
MEANING = {"G": "improving", "A": "the same", "R": "worse"}


def _png(fig) -> bytes:
    return to_png(fig, dpi=110, tight=True)


_figure = new_figure


def _short(title: str) -> str:
    """"<vignette title> — <when>" wrapped over lines (never cut), the when on its own."""
    name, _, when = title.rpartition(" — ")
    if not name:
        return textwrap.fill(title, 36)
    return f"{textwrap.fill(name, 36)}\n— {when}"


def distribution_png(dist: pd.DataFrame) -> bytes:
    """Stacked bars: how many trainees rated each update R, A, G; the expert's rating marked."""
    n = max(len(dist), 1)
    fig = _figure(8.0, 0.8 * n + 1.4)
    ax = fig.add_subplot()
    y = np.arange(len(dist))[::-1]
    left = np.zeros(len(dist))
    for cat in ("R", "A", "G"):
        vals = dist[cat].to_numpy(dtype=float) if len(dist) else np.zeros(0)
        ax.barh(y, vals, left=left, color=COLOURS[cat], label=f"{cat} ({MEANING[cat]})")
        left += vals
    labels = [_short(t) for t in dist["title"]] if len(dist) else []
    ax.set_yticks(y, labels, fontsize=10)
    top = max(float(left.max()) if len(left) else 0.0, 1.0)
    for yi, total, expert in zip(y, left, dist["expert"] if len(dist) else []):
        if isinstance(expert, str) and expert:
            ax.text(total + 0.05 * top, yi, f"expert {expert}", va="center", fontsize=10,
                    color=COLOURS.get(expert, "black"), fontweight="bold")
    from matplotlib.ticker import MaxNLocator
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, top * 1.3)
    ax.set_xlabel("trainees")
    ax.set_title("Ratings for each update")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.5 / n - 0.12), ncol=3, fontsize=10,
              frameon=False)
    return _png(fig)


def expert_png(table: pd.DataFrame | None) -> bytes:
    """Each trainee's weighted Cohen's kappa with the expert (bars) and percent agreement."""
    rows = table if table is not None else pd.DataFrame(columns=["kappa", "percent_agreement"])
    fig = _figure(6.0, 0.4 * max(len(rows), 1) + 1.2)
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    kappa = np.nan_to_num(rows["kappa"].to_numpy(dtype=float), nan=0.0)
    ax.barh(y, kappa, color=["#1565c0" if k >= 0 else "#8e24aa" for k in kappa])
    ax.set_yticks(y, [textwrap.shorten(str(a), 24, placeholder="…") for a in rows.index], fontsize=10)
    for yi, k, p in zip(y, rows["kappa"], rows["percent_agreement"]):
        ax.text(max(float(np.nan_to_num(k)), 0) + 0.03, yi, f"κ {fmt(k)} · {fmt(p, True)}",
                va="center", fontsize=10)
    ax.set_xlim(min(-0.2, float(kappa.min()) - 0.1 if len(kappa) else 0), 1.35)
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_xlabel("Cohen's kappa with the expert (linear weights)")
    ax.set_title("Each trainee against the expert")
    return _png(fig)


def _table(headers: list[str], rows: list[list]) -> str:
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td style='padding:2px 8px'>{esc(c)}</td>" for c in r)
                   + "</tr>" for r in rows)
    return f"<table class='training-table'><tr>{head}</tr>{body}</table>"


def figures_html(res: dict) -> str:
    """The headline agreement figures, one per line (each line is plain text), each with
    one plain sentence saying what it means for this group."""
    lines = [
        ("trainees", f"Trainees: {res.get('n_trainees', 0)}; ratings: {res.get('n_ratings', 0)}"),
        ("percent", f"Percent agreement: {fmt(res['percent_agreement'], True)}"),
        ("fleiss", f"Fleiss' kappa (nominal): {fmt(res['fleiss_kappa'])}"),
        ("alpha", f"Krippendorff's alpha (ordinal, R < A < G): {fmt(res['krippendorff_alpha'])}"),
    ]
    meaning = sentences(res)
    return "".join(f"<div class='training-figure' data-figure='{k}' style='font-size:1.2em'>"
                   f"{esc(t)}</div>"
                   + (f"<p class='training-meaning' data-meaning='{k}' style='margin:0 0 8px'>"
                      f"{esc(meaning[k])}</p>" if k in meaning else "")
                   for k, t in lines)


def expert_table_html(table: pd.DataFrame | None) -> str:
    """Per trainee: items rated, percent agreement and linear-weighted kappa with the expert."""
    if table is None or table.empty:
        return "<i>No ratings yet.</i>"
    rows = [[a, int(r.n_items), fmt(r.percent_agreement, True), fmt(r.kappa)]
            for a, r in table.iterrows()]
    return _table(["Trainee", "Updates rated", "Same as expert", "Cohen's kappa (linear)"], rows)


def disagreement_html(table: pd.DataFrame | None, titles: dict, expert: dict | None) -> str:
    """Updates with most disagreement first: counts, the expert's rating (no such column
    when ``expert`` is None: not yet revealed) and the agreement."""
    if table is None or table.empty:
        return "<i>No ratings yet.</i>"
    rows = [[n + 1, titles.get(item, item), int(r.n_ratings), int(r.R), int(r.A), int(r.G),
             *([] if expert is None else [expert.get(item, "")]), fmt(r.agreement, True)]
            for n, (item, r) in enumerate(table.iterrows())]
    return _table(["#", "Vignette update", "Ratings", "R", "A", "G",
                   *([] if expert is None else ["Expert"]), "Agreement"], rows)


def distribution_html(dist: pd.DataFrame, show_expert: bool = True) -> str:
    """Every update in reading order with its R/A/G counts and (once revealed) the
    expert's rating."""
    rows = [[r.title, int(r.R), int(r.A), int(r.G), int(r.n),
             *([r.expert or ""] if show_expert else [])] for r in dist.itertuples()]
    return _table(["Vignette update", "R", "A", "G", "Rated",
                   *(["Expert"] if show_expert else [])], rows)
