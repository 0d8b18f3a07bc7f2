"""Governance measures over plain rows: diversity considered by team, supervisor and
month [Havering 13.3; HSCB Agency Quality Assurance]."""
from __future__ import annotations

import pandas as pd

from ..domain.diversity import considered

RECORD_COLUMNS = ["session_id", "date", "month", "supervisor_id", "supervisor", "team",
                  "supervisees", "considered"]
SHARE_COLUMNS = ["month", "team", "supervisor", "records", "considered", "pct"]


def diversity_records(rows: list[dict], people: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """One row per record: whether diversity was considered; team is the first supervisee's."""
    out = []
    for r in rows:
        sup = r["supervisor_id"]
        first = r["supervisee_ids"][0] if r["supervisee_ids"] else sup
        out.append({"session_id": r["session_id"], "date": r["date"],
                    "month": f"{r['date']:%Y-%m}", "supervisor_id": sup,
                    "supervisor": people.get(sup, (sup, ""))[0],
                    "team": people.get(first, ("", ""))[1],
                    "supervisees": ", ".join(people.get(p, (p, ""))[0] for p in r["supervisee_ids"]),
                    "considered": considered(r["diversity"])})
    return pd.DataFrame(out, columns=RECORD_COLUMNS)


def diversity_share(records: pd.DataFrame, by=("month", "team", "supervisor")) -> pd.DataFrame:
    """Records, how many considered diversity and the percentage, grouped ``by``."""
    by = list(by)
    if records.empty:
        return pd.DataFrame(columns=[*by, "records", "considered", "pct"])
    g = records.groupby(by, sort=True).agg(records=("considered", "size"),
                                           considered=("considered", "sum")).reset_index()
    g["considered"] = g["considered"].astype(int)
    g["pct"] = (100.0 * g["considered"] / g["records"]).round(1)
    return g


SUPERVISOR_COLUMNS = ["supervisor_id", "supervisor", "supervisees", "within_frequency",
                      "pct_within", "unsigned", "late", "repeated_late", "evaluations",
                      "eval_yes_pct"]


def by_supervisor(due: pd.DataFrame, timeliness: pd.DataFrame, evaluations: list,
                  names: dict[str, str], repeated_late: int | None = 2) -> pd.DataFrame:
    """QA read by supervisor [Havering 9; PG41 4; HSCB Appendix I]: supervisees (direct
    reports), how many are within their policy's frequency, unsigned and late records
    (``repeated_late`` late ones or more are flagged), evaluations and their share of "yes"."""
    sups: dict[str, dict] = {}

    def row(sid) -> dict:
        return sups.setdefault(sid, {"supervisor_id": sid, "supervisor": names.get(sid, sid),
                                     "supervisees": 0, "within_frequency": 0, "unsigned": 0,
                                     "late": 0, "evaluations": 0, "_yes": 0, "_answered": 0})
    for r in due.itertuples(index=False):
        if isinstance(r.supervisor_id, str) and r.supervisor_id:
            x = row(r.supervisor_id)
            x["supervisees"] += 1
            x["within_frequency"] += int((r.days_overdue or 0) <= 0)
    for r in timeliness.itertuples(index=False):
        x = row(r.supervisor_id)
        x["unsigned" if r.issue == "unsigned" else "late"] += 1
    for e in evaluations:
        x = row(e.supervisor_id)
        x["evaluations"] += 1
        given = [a for a in e.answers if a]
        x["_answered"] += len(given)
        x["_yes"] += sum(a == "yes" for a in given)
    out = pd.DataFrame(list(sups.values()))
    if out.empty:
        return pd.DataFrame(columns=SUPERVISOR_COLUMNS)
    out["pct_within"] = [round(100.0 * w / n, 1) if n else None
                         for w, n in zip(out["within_frequency"], out["supervisees"])]
    out["eval_yes_pct"] = [round(100.0 * y / a, 1) if a else None
                           for y, a in zip(out["_yes"], out["_answered"])]
    out["repeated_late"] = (out["late"] >= repeated_late) if repeated_late else False
    return out[SUPERVISOR_COLUMNS].sort_values(["repeated_late", "late", "supervisor"],
                                               ascending=[False, False, True]).reset_index(drop=True)
