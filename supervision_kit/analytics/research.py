"""Research analyses of an anonymised export: plain functions, each a frame and a reading.

``load_export(dir)`` reads the Parquet tables into pandas (dates as ``datetime64``). Every
analysis works in either date mode: it only ever compares dates inside one case or one
supervisee, which both modes keep exact (``day_number``). Window functions over consecutive
rows (RAG transitions, supervision intervals) run in DuckDB, which does them in one pass.
"""
from __future__ import annotations

import dataclasses as dc
import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import NotFound

TABLES = ("practitioners", "cases", "sessions", "case_discussions", "actions", "reflections",
          "evaluations")
RAGS = ("G", "A", "R")
WORDS = {"G": "green", "A": "amber", "R": "red"}
FUNCTIONS = ("management", "support", "development", "mediation")


@dc.dataclass
class ResearchExport:
    """An export folder's tables, data dictionary and report."""
    path: Path
    dictionary: dict
    report: dict
    frames: dict

    def __getattr__(self, name):
        frames = self.__dict__.get("frames") or {}
        if name in frames:
            return frames[name]
        raise AttributeError(name)

    @property
    def date_mode(self) -> str:
        return self.dictionary.get("settings", {}).get("date_mode", "shift")


def load_export(path) -> ResearchExport:
    """Read an export folder (Parquet tables, ``dictionary.json``, ``report.json``)."""
    import pyarrow.parquet as pq
    path = Path(path)
    if not (path / "dictionary.json").exists():
        raise NotFound(f"{path} is not a research export (no dictionary.json): run "
                       f"`supervision-kit anonymise --out {path}`")
    read = lambda name: json.loads((path / name).read_text(encoding="utf-8"))  # noqa: E731
    try:
        frames = {t: pq.read_table(path / f"{t}.parquet").to_pandas(date_as_object=False)
                  for t in TABLES}
        return ResearchExport(path, read("dictionary.json"), read("report.json"), frames)
    except (OSError, ValueError) as e:  # pyarrow's errors are OSError/ValueError subclasses
        raise NotFound(f"{path} is not a complete research export ({type(e).__name__}: "
                       f"{str(e).splitlines()[0][:200]}): export it again") from None


def day_number(df: pd.DataFrame, col: str) -> pd.Series:
    """Days of ``col`` on a scale comparable inside one case or supervisee: the shifted
    date as days since 1970, or the ``<col>_day`` integer of ``days_since_open`` mode."""
    if col in df.columns:
        s = pd.to_datetime(df[col])
        out = (s - pd.Timestamp("1970-01-01")).dt.days
        return out.astype("float64")
    return df[f"{col}_day"].astype("float64")


def _pct(a, b) -> float:
    return float(100.0 * a / b) if b else float("nan")


def _duck(query: str, **frames) -> pd.DataFrame:
    import duckdb
    con = duckdb.connect()
    try:
        for name, df in frames.items():
            con.register(name, df)
        return con.execute(query).df()
    finally:
        con.close()


# -- RAG -----------------------------------------------------------------------------
def _rated(discussions: pd.DataFrame) -> pd.DataFrame:
    d = discussions.loc[discussions["rag"].isin(RAGS),
                        ["id", "case_id", "case_status", "rag", "position"]].copy()
    d["day"] = day_number(discussions, "date").loc[d.index]
    d["case_status"] = d["case_status"].astype(object).fillna("unknown")
    return d


def rag_transitions(discussions: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Counts and row shares of RAG rating → next rating of the same case, overall
    (group "all") and by the case's status at the first of the two discussions."""
    d = _rated(discussions)
    pairs = _duck(
        "SELECT prev_status AS status, prev_rag AS from_rag, rag AS to_rag, COUNT(*) AS n FROM "
        "(SELECT rag, LAG(rag) OVER w AS prev_rag, LAG(case_status) OVER w AS prev_status "
        " FROM d WINDOW w AS (PARTITION BY case_id ORDER BY day, position, id)) "
        "WHERE prev_rag IS NOT NULL GROUP BY ALL", d=d)
    rows = []
    groups = [("all", pairs)] + [(s, g) for s, g in pairs.groupby("status", sort=True)]
    for name, g in groups:
        for f in RAGS:
            total = int(g.loc[g["from_rag"] == f, "n"].sum())
            for t in RAGS:
                n = int(g.loc[(g["from_rag"] == f) & (g["to_rag"] == t), "n"].sum())
                rows.append((name, f, t, n, _pct(n, total)))
    out = pd.DataFrame(rows, columns=["group", "from_rag", "to_rag", "count", "share_pct"])
    a = out[out["group"] == "all"]
    n = int(a["count"].sum())
    if not n:
        return out, "No case has two rated discussions yet, so there are no transitions."
    same = _pct(a.loc[a["from_rag"] == a["to_rag"], "count"].sum(), n)
    share = a.set_index(["from_rag", "to_rag"])["share_pct"]
    return out, (f"{n} transitions between consecutive ratings: {same:.0f}% kept the same "
                 f"rating; after red, {share.get(('R', 'G'), float('nan')):.0f}% moved to green "
                 f"next time; after green, {share.get(('G', 'R'), float('nan')):.0f}% fell to red.")


def time_to_green(discussions: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Per case first rated amber or red: days from that discussion to the first green
    after it (``reached`` false while it has not happened)."""
    d = _rated(discussions).sort_values(["case_id", "day", "position", "id"])
    concern = d[d["rag"].isin(["A", "R"])].groupby("case_id")["day"].min().rename("first_concern")
    g = d[d["rag"] == "G"].merge(concern, left_on="case_id", right_index=True)
    green = g[g["day"] >= g["first_concern"]].groupby("case_id")["day"].min().rename("first_green")
    out = concern.to_frame().join(green)
    out["days"] = out["first_green"] - out["first_concern"]
    out["reached"] = out["first_green"].notna()
    out = out.reset_index()[["case_id", "first_concern", "first_green", "days", "reached"]]
    n, reached = len(out), int(out["reached"].sum())
    if not n:
        return out, "No case has been rated amber or red."
    if not reached:
        return out, f"None of the {n} cases first rated amber or red has reached green yet."
    q1, med, q3 = out.loc[out["reached"], "days"].quantile([0.25, 0.5, 0.75])
    return out, (f"{reached} of {n} cases first rated amber or red later reached green "
                 f"({_pct(reached, n):.0f}%): median {med:.0f} days (middle half "
                 f"{q1:.0f}–{q3:.0f} days).")


def _teams(cases: pd.DataFrame, practitioners: pd.DataFrame | None) -> pd.Series:
    """Each case's team: the worker's (practitioners) where known, else the released one."""
    team = cases["team"].astype(object)
    if practitioners is not None and len(practitioners):
        by = practitioners.set_index("id")["team"].astype(object)
        by = by[~by.index.duplicated()]
        worker = cases["worker_id"].map(by)
        team = worker.where(worker.notna() & (worker != ""), team)
    return team.fillna("").replace("", "no team")


def drift_prevalence(discussions: pd.DataFrame, cases: pd.DataFrame,
                     practitioners: pd.DataFrame | None = None, k: int = 3
                     ) -> tuple[pd.DataFrame, str]:
    """Share of rated cases drifting at their latest rating (the last ``k`` or more ratings
    amber or red with no green [HSCB aim 3]), by case status and by team."""
    d = _rated(discussions).sort_values(["case_id", "day", "position", "id"])
    is_g = (d["rag"] == "G").astype(int)
    # Ratings since the case's last green: a reversed running count of greens is 0 there.
    since_g = is_g[::-1].groupby(d["case_id"][::-1]).cumsum()[::-1]
    run = (since_g == 0).groupby(d["case_id"]).sum()
    c = cases.set_index("id")
    per = pd.DataFrame({"run": run})
    per["drifting"] = per["run"] >= k
    per["status"] = c["status"].reindex(per.index).astype(object).fillna("unknown")
    per["team"] = _teams(cases, practitioners).set_axis(cases["id"]).reindex(per.index)
    rows = []
    for dim in ("status", "team"):
        for grp, g in per.groupby(dim, sort=True):
            rows.append((dim, grp, len(g), int(g["drifting"].sum()), _pct(g["drifting"].sum(), len(g))))
    out = pd.DataFrame(rows, columns=["dimension", "group", "cases", "drifting", "drifting_pct"])
    n = len(per)
    if not n:
        return out, "No case has a rating yet."
    st = out[(out["dimension"] == "status") & (out["cases"] >= 1)]
    top = st.sort_values(["drifting_pct", "cases"], ascending=False).iloc[0]
    return out, (f"{_pct(per['drifting'].sum(), n):.0f}% of {n} rated cases are drifting "
                 f"({k}+ amber or red ratings in a row since the last green); highest for "
                 f"{top['group']} ({top['drifting_pct']:.0f}% of {top['cases']}).")


# -- supervision -----------------------------------------------------------------------
def supervision_intervals(sessions: pd.DataFrame, practitioners: pd.DataFrame
                          ) -> tuple[pd.DataFrame, str]:
    """Days between each supervisee's consecutive held sessions of the types their policy
    counts, against the policy's nominal window (``within``: no longer than it)."""
    p = practitioners.drop_duplicates("id").set_index("id")
    s = sessions.loc[sessions["state"] != "cancelled",
                     ["id", "supervisee_id", "type"]].copy()
    s["day"] = day_number(sessions, "date").loc[s.index]
    counts = s["supervisee_id"].map(p["policy_counts_types"]).fillna("").astype(str)
    s = s[[t in c.split(";") if c else True for t, c in zip(s["type"], counts)]]
    iv = _duck("SELECT supervisee_id, day - LAG(day) OVER (PARTITION BY supervisee_id "
               "ORDER BY day, id) AS interval_days FROM s", s=s)
    iv = iv.dropna(subset=["interval_days"]).reset_index(drop=True)
    iv["agency_type"] = iv["supervisee_id"].map(p["agency_type"]).astype(object).fillna("unknown")
    iv["window_days"] = iv["supervisee_id"].map(p["policy_interval_days"]).astype("float64")
    iv["within"] = iv["interval_days"] <= iv["window_days"]
    iv["ratio"] = iv["interval_days"] / iv["window_days"]
    n = len(iv)
    if not n:
        return iv, "No supervisee has two held sessions yet."
    known = iv["window_days"].notna()
    return iv, (f"{_pct(iv.loc[known, 'within'].sum(), known.sum()):.0f}% of {n} intervals "
                f"between supervisions were within the policy window; median interval "
                f"{iv['interval_days'].median():.0f} days.")


def action_rates(actions: pd.DataFrame, practitioners: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Per owner's agency type (and "all"): actions, completion, on-time and overdue rates."""
    p = practitioners.drop_duplicates("id").set_index("id")
    a = actions.copy()
    a["group"] = a["owner_id"].map(p["agency_type"]).astype(object).fillna("no owner")
    rows = []
    for name, g in [("all", a)] + list(a.groupby("group", sort=True)):
        done = int((g["status"] == "done").sum())
        timed = g["completed_on_time"].dropna()
        rows.append((name, len(g), done, int((g["status"] == "open").sum()),
                     int((g["status"] == "dropped").sum()), int(g["overdue_at_export"].sum()),
                     _pct(done, len(g)), _pct(timed.astype(bool).sum(), len(timed)),
                     _pct(g["overdue_at_export"].sum(), len(g))))
    out = pd.DataFrame(rows, columns=["group", "actions", "done", "open", "dropped", "overdue",
                                      "completed_pct", "on_time_pct", "overdue_pct"])
    top = out.iloc[0]
    if not top["actions"]:
        return out, "No actions in the export."
    return out, (f"{top['completed_pct']:.0f}% of {top['actions']} actions were completed "
                 f"({top['on_time_pct']:.0f}% of those with dates on time); "
                 f"{top['overdue_pct']:.0f}% are open and past their due date.")


def function_balance(sessions: pd.DataFrame, practitioners: pd.DataFrame
                     ) -> tuple[pd.DataFrame, str]:
    """Share of held sessions (per supervisee) covering each function, by agency type."""
    p = practitioners.drop_duplicates("id").set_index("id")
    s = sessions[sessions["state"] != "cancelled"].copy()
    s["group"] = s["supervisee_id"].map(p["agency_type"]).astype(object).fillna("unknown")
    rows = []
    for name, g in [("all", s)] + list(s.groupby("group", sort=True)):
        rows.append((name, len(g), *[_pct(g[f"covers_{f}"].sum(), len(g)) for f in FUNCTIONS]))
    out = pd.DataFrame(rows, columns=["group", "sessions", *[f"{f}_pct" for f in FUNCTIONS]])
    top = out.iloc[0]
    if not top["sessions"]:
        return out, "No held sessions in the export."
    shares = {f: top[f"{f}_pct"] for f in FUNCTIONS}
    low = min(shares, key=shares.get)
    return out, (f"Across {top['sessions']} sessions: " + ", ".join(
        f"{f} {v:.0f}%" for f, v in shares.items()) + f" — {low} is the least covered.")


def evaluation_answers(evaluations: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Per statement of the evaluation tool: yes / no / maybe counts and shares."""
    from .evaluation import evaluation_summary
    qs = [f"q{i}" for i in range(1, 11)]
    answers = evaluations[qs].astype(object).where(evaluations[qs].notna(), None).values.tolist()
    out = evaluation_summary([{"answers": a} for a in answers])
    if not len(evaluations):
        return out, "No evaluations in the export."
    worst = out.sort_values(["no_pct", "number"], ascending=[False, True]).iloc[0]
    return out, (f"{len(evaluations)} evaluations: {np.nanmean(out['yes_pct']):.0f}% of answers "
                 f"were yes on average; statement {worst['number']} had the most no answers "
                 f"({0 if pd.isna(worst['no_pct']) else worst['no_pct']:.0f}%).")
