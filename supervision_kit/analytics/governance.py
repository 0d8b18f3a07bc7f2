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
