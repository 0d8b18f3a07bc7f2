"""The quality-assurance charts: each a function of the rules' DataFrames returning a PNG
and a one-line reading of it in words (so the chart is never the only way to the finding).

Matplotlib's object API (``Figure`` + Agg canvas), never pyplot: no global state, safe in
a kernel serving widgets. Team names and statuses are data, so ``$`` is escaped before
matplotlib could read it as mathematics.
"""
from __future__ import annotations

import pandas as pd

from .figures import new_figure, to_png
from ..domain.enums import Function

GREEN, AMBER, RED, GREY, BLUE = "#2e7d32", "#f9a825", "#c62828", "#9e9e9e", "#1565c0"
ISSUES = (("unsigned", RED), ("not recorded", GREY), ("recorded late", AMBER))
FUNCTIONS = [f.value for f in Function]
FUNCTION_COLOURS = ("#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00")
NO_TEAM = "(no team)"
TOP = 10  # with more teams than fit, the worst and best this many are drawn, then all as a histogram


def _t(text) -> str:
    """Text for matplotlib, taken literally."""
    return str(text).replace("$", r"\$")


def _pct(part, whole) -> float:
    return 100.0 * part / whole if whole else 0.0


def _figure(rows: int, width: float = 8.0):
    return new_figure(width, 1.4 + 0.45 * max(rows, 1))


def _png(fig) -> bytes:
    return to_png(fig, tight=True)


def _out(fig, draw: bool):
    """The chart as PNG bytes, or (``draw=False``) the figure, drawn when first shown."""
    return _png(fig) if draw else fig


def png_of(chart) -> bytes:
    """PNG bytes of what a chart function returned (bytes, a figure not yet drawn, or a
    function drawing it)."""
    if isinstance(chart, (bytes, bytearray)):
        return chart
    return chart() if callable(chart) else _png(chart)


def _teams(df: pd.DataFrame) -> pd.Series:
    col = df["team"] if "team" in df.columns else pd.Series(index=df.index, dtype=object)
    return col.fillna(NO_TEAM).replace("", NO_TEAM).astype(str)


def _extremes(by: pd.DataFrame, n: int = TOP) -> tuple[pd.DataFrame, list[float], int]:
    """The rows a chart draws (``by`` sorted worst first): all of them when there are few,
    else the ``n`` worst and the ``n`` best, so 300 teams stay readable; their y positions
    (a gap between the two groups) and how many rows were left out."""
    if len(by) <= 2 * n + 4:
        return by, [float(y) for y in range(len(by))], 0
    shown = pd.concat([by.iloc[:n], by.iloc[-n:]])
    return shown, [float(y) for y in range(n)] + [float(y + n + 1) for y in range(n)], len(by) - 2 * n


def _bar_figure(rows: int, left_out: int, width: float = 8.0):
    """A figure for a bar chart of ``rows`` rows; with rows left out, a second axes below
    for the distribution of every row (returned as None when all rows are drawn)."""
    if not left_out:
        fig = _figure(rows, width)
        return fig, fig.add_subplot(1, 1, 1), None
    fig = new_figure(width, 1.4 + 0.45 * (rows + 1) + 2.4)
    grid = fig.add_gridspec(2, 1, height_ratios=[0.45 * (rows + 1) + 0.8, 2.0], hspace=0.45)
    return fig, fig.add_subplot(grid[0]), fig.add_subplot(grid[1])


def _gap_label(ax, ys: list[float], labels: list[str], left_out: int, what: str) -> None:
    """Tick labels of the drawn rows, and a line saying how many were left out."""
    if left_out:
        n = len(ys) // 2
        ys, labels = [*ys[:n], float(n), *ys[n:]], [*labels[:n], f"… {left_out} more {what} …",
                                                        *labels[n:]]
    ax.set_yticks(ys, labels, fontsize=9)


def _histogram(ax, values, xlabel: str, what: str, bins=None) -> None:
    """The distribution of every row's value (the bars above show only the extremes)."""
    if ax is None:
        return
    ax.hist(list(values), bins=bins if bins is not None else 20, color=BLUE)
    ax.set_xlabel(xlabel, fontsize=9)
    ax.set_ylabel(what, fontsize=9)
    ax.set_title(f"All {len(values)} {what}", fontsize=10, loc="left")


def _empty_png(text: str) -> bytes:
    fig = _figure(1)
    ax = fig.add_subplot(1, 1, 1)
    ax.axis("off")
    ax.text(0.5, 0.5, _t(text), ha="center", va="center", fontsize=11, color="#555")
    return _png(fig)


def compliance(due: pd.DataFrame, draw: bool = True) -> tuple[bytes, str, pd.DataFrame]:
    """Supervision frequency compliance by team: who is within their policy's frequency."""
    if due.empty:
        return _empty_png("No supervisees in scope"), "No supervisees in scope.", pd.DataFrame()
    d = due.assign(team=_teams(due), ok=due["days_overdue"] <= 0)
    by = d.groupby("team").agg(people=("ok", "size"), within=("ok", "sum")).reset_index()
    by["pct"] = [_pct(a, b) for a, b in zip(by["within"], by["people"])]
    by = by.sort_values(["pct", "team"]).reset_index(drop=True)
    shown, ys, left_out = _extremes(by)
    fig, ax, hist = _bar_figure(len(shown), left_out)
    ax.barh(ys, shown["pct"], color=[GREEN if p >= 100 else AMBER if p >= 75 else RED
                                     for p in shown["pct"]])
    for y, p, a, b in zip(ys, shown["pct"], shown["within"], shown["people"]):
        ax.text(min(p, 100) + 1, y, f"{a} of {b}", va="center", fontsize=8)
    _gap_label(ax, ys, [_t(x) for x in shown["team"]], left_out, "teams")
    ax.set_xlim(0, 115)
    ax.set_xlabel("% of supervisees within their supervision frequency")
    ax.set_title("Supervision frequency compliance by team"
                 + (f": the lowest and highest {TOP} of {len(by)}" if left_out else ""),
                 fontsize=10, loc="left")
    _histogram(hist, by["pct"], "% within their supervision frequency", "teams",
               bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.01])
    n, ok = int(by["people"].sum()), int(by["within"].sum())
    low = by.iloc[0]
    lowest = (f"the lowest team is {low['team']} ({low['pct']:.0f}%, "
              f"{low['people'] - low['within']} overdue)" if ok < n else
              "no team has anyone overdue")  # "lowest ... (100%, 0 overdue)" made no sense
    reading = (f"{ok} of {n} supervisees ({_pct(ok, n):.0f}%) are within their supervision "
               f"frequency; {lowest}.")
    return _out(fig, draw), reading, by


def records(timeliness: pd.DataFrame, draw: bool = True) -> tuple[bytes, str, pd.DataFrame]:
    """Unsigned, unrecorded and late records by team."""
    if timeliness.empty:
        return (_empty_png("No unsigned or late records"),
                "No unsigned or late records.", pd.DataFrame())
    t = timeliness.assign(team=_teams(timeliness))
    table = pd.crosstab(t["team"], t["issue"])
    for issue, _ in ISSUES:
        if issue not in table.columns:
            table[issue] = 0
    table = table[[i for i, _ in ISSUES]]
    table = table.loc[table.sum(axis=1).sort_values().index]
    shown, ys, left_out = _extremes(table)
    fig, ax, hist = _bar_figure(len(shown), left_out)
    left = pd.Series(0, index=shown.index)
    for issue, colour in ISSUES:
        ax.barh(ys, shown[issue], left=left, color=colour, label=issue)
        left = left + shown[issue]
    _gap_label(ax, ys, [_t(x) for x in shown.index], left_out, "teams")
    ax.set_xlabel("records")
    ax.set_title("Unsigned and late records by team"
                 + (f": the fewest and most {TOP} of {len(table)}" if left_out else ""),
                 fontsize=10, loc="left")
    _histogram(hist, table.sum(axis=1), "record problems per team", "teams")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    counts = {i: int(table[i].sum()) for i, _ in ISSUES}
    worst = table.sum(axis=1).idxmax()
    reading = (f"{sum(counts.values())} record problems: {counts['unsigned']} unsigned, "
               f"{counts['not recorded']} not recorded, {counts['recorded late']} recorded late "
               f"(after the 2-working-day limit); most in {worst} ({int(table.loc[worst].sum())}).")
    return _out(fig, draw), reading, table.reset_index()


def drift(drifting: pd.DataFrame, windows: pd.DataFrame, draw: bool = True
          ) -> tuple[bytes, str, pd.DataFrame]:
    """Drift prevalence (and cases outside their discussion window) by case status and team."""
    if windows.empty:
        return _empty_png("No open cases in scope"), "No open cases in scope.", pd.DataFrame()
    cases = windows.assign(team=_teams(windows), late=windows["days_overdue"] > 0,
                           drifting=windows["case_id"].isin(set(drifting["case_id"])))
    teams = cases["team"].nunique()
    fig = _figure(cases["status"].nunique() + min(teams, 2 * TOP + 5) + 1, width=9.0)
    groups = []
    for i, key in enumerate(("status", "team")):
        by = cases.groupby(key).agg(cases=("case_id", "size"), drifting=("drifting", "sum"),
                                    late=("late", "sum")).reset_index()
        by["drift_pct"] = [_pct(a, b) for a, b in zip(by["drifting"], by["cases"])]
        by["late_pct"] = [_pct(a, b) for a, b in zip(by["late"], by["cases"])]
        by = by.sort_values(["drift_pct", key]).reset_index(drop=True)
        ax = fig.add_subplot(2, 1, i + 1)
        shown, ys, left_out = _extremes(by)
        ax.barh([y + 0.2 for y in ys], shown["drift_pct"], height=0.4, color=RED, label="drifting")
        ax.barh([y - 0.2 for y in ys], shown["late_pct"], height=0.4, color=AMBER,
                label="outside discussion window")
        for y, p, a, b in zip(ys, shown["drift_pct"], shown["drifting"], shown["cases"]):
            ax.text(p + 1, y + 0.2, f"{a} of {b}", va="center", fontsize=7)
        _gap_label(ax, ys, [_t(x) for x in shown[key]], left_out, f"{key}es" if key == "status"
                   else f"{key}s")
        ax.set_xlim(0, 110)
        ax.set_title(f"Open cases by {key}" + (f": the lowest and highest {TOP} of {len(by)}"
                                                 if left_out else ""), fontsize=10, loc="left")
        if i == 0:
            ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
        groups.append(by.rename(columns={key: "group"}).assign(by=key))
    ax.set_xlabel("% of open cases")
    fig.subplots_adjust(hspace=0.5)
    n, d, late = len(cases), int(cases["drifting"].sum()), int(cases["late"].sum())
    by_status = groups[0]
    top = by_status.iloc[-1]
    reading = (f"{d} of {n} open cases ({_pct(d, n):.0f}%) are flagged for drift, most often "
               f"among {top['group']} cases ({top['drift_pct']:.0f}%); {late} "
               f"{'is' if late == 1 else 'are'} outside their discussion window.")
    return _out(fig, draw), reading, pd.concat(groups, ignore_index=True)


def balance(fb: pd.DataFrame, draw: bool = True) -> tuple[bytes, str, pd.DataFrame]:
    """The four functions' share of recent sessions, by team (balance over time)."""
    fig, reading, df = balance_figure(fb)
    return (_out(fig, draw) if fig is not None else _empty_png("No recent sessions in scope")
            ), reading, df


def balance_figure(fb: pd.DataFrame):
    """``balance`` before it is drawn: (figure or None, reading, table). With many teams the
    bars are the 10 whose least-covered function has the lowest share and the 10 with the
    highest, then a histogram of that share over every team."""
    if fb.empty or int(fb["sessions"].sum()) == 0:
        return None, "No recent sessions in scope.", pd.DataFrame()
    f = fb.assign(team=_teams(fb))
    by = f.groupby("team")[["sessions", *FUNCTIONS]].sum()
    pct = by[FUNCTIONS].div(by["sessions"].where(by["sessions"] > 0), axis=0).fillna(0) * 100
    least = pct.min(axis=1).rename("least")
    order = pd.concat([pct, least], axis=1).reset_index().sort_values(["least", "team"])
    shown, ys, left_out = _extremes(order.set_index("team"))
    fig, ax, hist = _bar_figure(round(len(shown) * (1.3 if left_out else 2)), left_out, width=9.0)
    h = 0.8 / len(FUNCTIONS)
    for j, (fn, colour) in enumerate(zip(FUNCTIONS, FUNCTION_COLOURS)):
        ax.barh([y + (1.5 - j) * h for y in ys], shown[fn], height=h, color=colour, label=fn)
    _gap_label(ax, ys, [_t(x) for x in shown.index], left_out, "teams")
    ax.set_xlim(0, 105)
    ax.set_xlabel("% of recent sessions covering the function")
    ax.set_title("Function balance by team" + (
        f": the {TOP} teams whose least-covered function is lowest, and the {TOP} highest, "
        f"of {len(pct)}" if left_out else ""), fontsize=10, loc="left")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    _histogram(hist, least, "% of sessions covering the team's least-covered function", "teams")
    total = by[FUNCTIONS].sum() / by["sessions"].sum() * 100
    flagged = int((f["flag"].fillna("").astype(str).str.strip() != "").sum())
    reading = (f"Over {int(by['sessions'].sum())} recent sessions of {len(f)} supervisees: "
               + ", ".join(f"{fn} {total[fn]:.0f}%" for fn in FUNCTIONS)
               + f"; {total.idxmin()} is covered least; {flagged} supervisee"
               + f"{'' if flagged == 1 else 's'} flagged for imbalance.")
    return fig, reading, pct.round(1).reset_index()


def evaluation(evaluations, draw: bool = True) -> tuple[bytes, str, pd.DataFrame]:
    """The evaluation tool's results [HSCB Appendix I]: yes / maybe / no per statement."""
    from ..analytics.evaluation import evaluation_chart_png, evaluation_summary
    evaluations = list(evaluations)
    if not evaluations:
        return (_empty_png("No evaluations returned yet"), "No evaluations returned yet.",
                pd.DataFrame())
    df = evaluation_summary(evaluations)
    png = evaluation_chart_png(df) if draw else (lambda: evaluation_chart_png(df))
    answered = df[df["answered"] > 0]
    if answered.empty:
        return png, f"{len(evaluations)} evaluations, none with an answer.", df
    best = answered.sort_values(["yes_pct", "number"], ascending=[False, True]).iloc[0]
    worst = answered.sort_values(["yes_pct", "number"], ascending=[True, True]).iloc[0]
    reading = (f"{len(evaluations)} evaluations. Most agreed: {best['number']}. "
               f"“{best['statement']}” ({best['yes_pct']:.0f}% yes); least agreed: "
               f"{worst['number']}. “{worst['statement']}” ({worst['yes_pct']:.0f}% yes).")
    return png, reading, df


def cancellation_counts(tk, day, team) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Cancellations in the 12 months to ``day``: counts by reason and by who cancelled
    [Havering 5; Surrey], and a sentence about them."""
    from ..domain.bookings import CANCEL_REASONS, CANCELLED_BY
    c = tk.cancellations(until=day, team=team)
    reason = c["reason"].map(lambda r: CANCEL_REASONS.get(r, r or "not recorded"))
    whom = c["cancelled_by"].map(lambda r: CANCELLED_BY.get(r, r or "not recorded"))
    by_reason = reason.value_counts().rename_axis("reason").reset_index(name="count")
    by_whom = whom.value_counts().rename_axis("cancelled_by").reset_index(name="count")
    sick = int((c["reason"] == "sickness").sum())
    said = (f"{len(c)} sessions cancelled in the last 12 months ({sick} for the supervisee's "
            f"sickness)." if len(c) else "No sessions cancelled in the last 12 months.")
    return by_reason, by_whom, said
