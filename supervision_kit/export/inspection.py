"""The inspection report: the QA app's measures as of a date in one PDF, each with its
chart, its reading in words and the rows behind it (also written as CSV beside the PDF),
plus month-by-month trends, the view by supervisor and the quality audit results."""
from __future__ import annotations

import base64
import datetime as dt
from html import escape
from pathlib import Path

import pandas as pd
from nbformat import NotebookNode

MAX_ROWS = 60  # rows printed per table; the CSV beside the PDF has them all


def _d(x) -> str:
    return f"{x.day} {x:%b %Y}" if isinstance(x, dt.date) else str(x)


def gather(tk, day: dt.date, months: int = 12) -> list[dict]:
    """Sections {key, title, reading, png, table} computed exactly as the QA app does."""
    from ..analytics import qa_charts as charts
    from ..analytics.audit_trend import audit_trend, audit_trend_chart
    from ..analytics.governance import by_supervisor, diversity_chart, results_table
    names = {p.id: p.name for p in tk.practitioners()}
    out = []

    def add(key, title, png, reading, table):
        out.append({"key": key, "title": title, "png": png, "reading": reading,
                    "table": table.reset_index(drop=True)})
    due = tk.due(as_of=day)
    png, text, _ = charts.compliance(due)
    said = charts.cancellation_counts(tk, day, None)[2]  # the QA app's sentence, word for word
    add("frequency", "Supervision frequency compliance", png, f"{text} {said}".strip(), due)
    t = tk.timeliness(as_of=day)
    t = t.assign(supervisees=t["supervisee_ids"].map(lambda ids: ", ".join(names.get(i, i) for i in ids)))
    png, text, _ = charts.records(t)
    add("records", "Unsigned and late records", png, text, t.drop(columns=["supervisee_ids"]))
    d, win = tk.drift(as_of=day), tk.case_windows(as_of=day)
    png, text, _ = charts.drift(d, win)
    add("drift", "Drift and cases outside their window", png, text, d)
    fb = tk.function_balance(as_of=day)
    png, text, _ = charts.balance(fb)
    add("balance", "Balance of the four functions", png, text, fb)
    evs = [e for e in tk.evaluations() if e.date <= day]
    png, text, df = charts.evaluation(evs)
    add("evaluation", "Supervision evaluation tool", png, text, df)
    div = tk.diversity_measure(as_of=day, months=months)
    png, text = diversity_chart(div["by_month"])
    add("diversity", "Diversity and anti-discriminatory practice considered, month by month",
        png, text, div["by_group"])
    trend = _record_trend(tk, day, months)
    add("trend", "Records held, late and unsigned, month by month", b"",
        f"{int(trend['held'].sum())} records held in the {months} months to {_d(day)}.", trend)
    limit = (tk.policy() or {}).get("records", {}).get("repeated_late")
    sup = by_supervisor(due, tk.timeliness(as_of=day), evs, names, limit)
    flagged = sup[sup["repeated_late"].astype(bool)]["supervisor"].tolist() if len(sup) else []
    add("supervisors", "By supervisor", b"", f"{len(sup)} supervisor(s); repeated late recording: "
        + (", ".join(flagged) if flagged else "none") + ".", sup)
    rows = tk.audit_results()
    trend = audit_trend(rows)
    png, text = audit_trend_chart(trend)  # as the QA app's Quality audit tab shows it
    add("audit_trend", "Supervision quality audit results by team, month by month", png, text,
        trend)
    audit = results_table(rows)
    add("audit", "Supervision quality audit results", b"",
        f"{int(audit['judged'].sum()) if len(audit) else 0} judgement(s) recorded.", audit)
    return out


def _record_trend(tk, day: dt.date, months: int) -> pd.DataFrame:
    """Per month and team: records held, late or not recorded, unsigned."""
    recs = tk.diversity_measure(as_of=day, months=months)["records"]
    held = recs.groupby(["month", "team"]).size().rename("held")
    t = tk.timeliness(as_of=day)
    if len(t):
        t = t.assign(month=pd.to_datetime(t["date"]).dt.strftime("%Y-%m"),
                     team=t["team"] if "team" in t.columns else "")
        late = t[t["issue"] != "unsigned"].groupby(["month", "team"]).size().rename("late")
        unsigned = t[t["issue"] == "unsigned"].groupby(["month", "team"]).size().rename("unsigned")
    else:
        late = unsigned = pd.Series(dtype=int)
    out = pd.concat([held, late, unsigned], axis=1).fillna(0).astype(int).reset_index()
    out.columns = ["month", "team", "held", "late", "unsigned"]
    first = f"{(day.replace(day=1) - pd.DateOffset(months=months - 1)):%Y-%m}"
    return out[out["month"] >= first].sort_values(["month", "team"]).reset_index(drop=True)


def _table(df: pd.DataFrame) -> str:
    if df.empty:
        return "<p><i>No rows.</i></p>"
    head = "".join(f"<th>{escape(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape('' if pd.isna(v) else str(v))}</td>" for v in r)
                   + "</tr>" for r in df.head(MAX_ROWS).itertuples(index=False))
    more = (f"<p><i>… {len(df) - MAX_ROWS} more rows in the CSV.</i></p>"
            if len(df) > MAX_ROWS else "")
    return f'<table class="sk-grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}'


def report_notebook(sections: list[dict], day: dt.date, months: int, made_by: str) -> NotebookNode:
    """The report as a notebook of static outputs for ``SupervisionPDFExporter``."""
    def cell(outputs):
        return NotebookNode(cell_type="code", execution_count=None, metadata=NotebookNode(),
                            source="", outputs=outputs)

    def html(h, plain):
        return NotebookNode(output_type="display_data", metadata=NotebookNode(),
                            data=NotebookNode({"text/html": h, "text/plain": plain}))
    summary = "".join(f"<li><b>{escape(s['title'])}</b>: {escape(s['reading'])}</li>" for s in sections)
    cells = [cell([html(f"<h1>Supervision: inspection report</h1><p>As of {_d(day)}, the "
                        f"{months} months before; made by {escape(made_by)}. Every figure comes "
                        f"from the rows printed under it and the CSV files beside this PDF."
                        f"</p><ul>{summary}</ul>", "Inspection report")])]
    for s in sections:
        outs = [html(f"<h2>{escape(s['title'])}</h2><p><b>{escape(s['reading'])}</b></p>", s["title"])]
        if s["png"]:
            outs.append(NotebookNode(output_type="display_data", metadata=NotebookNode(),
                                     data=NotebookNode({"image/png": base64.b64encode(s["png"]).decode(),
                                                        "text/plain": s["title"]})))
        outs.append(html(f"<p>Rows behind it ({escape(s['key'])}.csv):</p>" + _table(s["table"]),
                         "table"))
        cells.append(cell(outs))
    for n, c in enumerate(cells):
        c["id"] = f"rep-{n}"
    meta = NotebookNode(title=f"Inspection report {_d(day)}",
                        supervision_kit=NotebookNode(record_id=f"report-{day.isoformat()}",
                                                     state="signed", content_hash="inspection report"))
    return NotebookNode(nbformat=4, nbformat_minor=5, metadata=meta, cells=cells)


def write_report(tk, day: dt.date, months: int, out: Path) -> tuple[Path, Path]:
    """Write the PDF to ``out`` and each section's rows as CSV in ``<out stem>-data/``."""
    from ..export.pdf import SupervisionPDFExporter
    from ..io.safe_csv import frame_text
    out = Path(out)
    sections = gather(tk, day, months)
    folder = out.with_name(out.stem + "-data")
    folder.mkdir(parents=True, exist_ok=True)
    for s in sections:
        (folder / f"{s['key']}.csv").write_text(frame_text(s["table"]), encoding="utf-8")
    nb = report_notebook(sections, day, months, tk.me.name)
    exporter = SupervisionPDFExporter(chromium_path=tk.settings.chromium_path)
    pdf, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": "inspection-report"}})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    tk.log_report_export(out.name, day, months)
    return out, folder
