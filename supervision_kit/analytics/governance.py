"""Governance measures over plain rows: diversity considered by team, supervisor and
month [Havering 13.3; HSCB Agency Quality Assurance]."""
from __future__ import annotations

import pandas as pd

from .figures import empty_chart, new_figure, to_png

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


DEVELOPMENT_COLUMNS = ["practitioner_id", "name", "team", "course", "last_attended",
                       "refresher_due", "up_to_date"]


def _add_months(d, months: int):
    from ..domain.escalation import escalation_due
    return escalation_due(d, (months, 0))  # the same calendar-month arithmetic


def development_status(staff: list[dict], records: dict[str, list], courses: dict[str, dict],
                       as_of) -> pd.DataFrame:
    """One row per person and course they need [PG41 4; Havering 13.1; Surrey 6-7]: the
    last matching course attended, the refresher date and whether they are up to date."""
    rows = []
    for c in courses.values():
        for p in staff:
            if c["for"] == "supervisors" and not p["supervises"]:
                continue
            seen = [d for title, d in records.get(p["id"], [])
                    if any(m in title.lower() for m in c["matches"])]
            last = max(seen) if seen else None
            due = _add_months(last, c["refresher_months"]) if last else None
            rows.append({"practitioner_id": p["id"], "name": p["name"], "team": p["team"],
                         "course": c["title"], "last_attended": last, "refresher_due": due,
                         "up_to_date": bool(due and due >= as_of)})
    return pd.DataFrame(rows, columns=DEVELOPMENT_COLUMNS)


def development_take_up(status: pd.DataFrame) -> pd.DataFrame:
    """Take-up per course and team: staff needing it, up to date, percentage."""
    if status.empty:
        return pd.DataFrame(columns=["course", "team", "staff", "up_to_date", "pct"])
    g = status.groupby(["course", "team"]).agg(staff=("up_to_date", "size"),
                                               up_to_date=("up_to_date", "sum")).reset_index()
    g["up_to_date"] = g["up_to_date"].astype(int)
    g["pct"] = (100.0 * g["up_to_date"] / g["staff"]).round(1)
    return g


def diversity_chart(by_month: pd.DataFrame) -> tuple[bytes, str]:
    """Share of records considering diversity, month by month, and its reading."""
    if by_month.empty:
        return empty_chart("No records in the period"), "No records in the period."
    fig = new_figure(8.0, 3.0)
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(by_month["month"], by_month["pct"], marker="o", color="#1565c0")
    ax.set_ylim(0, 105)
    ax.set_ylabel("% of records")
    ax.set_title("Diversity and anti-discriminatory practice considered")
    total, yes = int(by_month["records"].sum()), int(by_month["considered"].sum())
    text = (f"Diversity and anti-discriminatory practice was considered in {yes} of {total} "
            f"records ({100.0 * yes / total:.0f}%); latest month {by_month['month'].iloc[-1]}: "
            f"{by_month['pct'].iloc[-1]:.0f}%.")
    return to_png(fig, tight=True), text


def results_table(df: pd.DataFrame) -> pd.DataFrame:
    """Share of "yes" per team, month and criterion."""
    if df.empty:
        return pd.DataFrame(columns=["team", "month", "criterion", "judged", "yes", "pct_yes"])
    g = df.assign(yes=df["answer"] == "yes").groupby(["team", "month", "criterion"]).agg(
        judged=("answer", "size"), yes=("yes", "sum")).reset_index()
    g["yes"] = g["yes"].astype(int)
    g["pct_yes"] = (100.0 * g["yes"] / g["judged"]).round(1)
    return g
