"""The anonymised research export: Parquet + CSV tables, data dictionary, risk reports.

``anonymise(engine_or_conn, out_dir, key)`` reads the store table by table in chunks of
``chunk_size`` rows (a server-side cursor where the database has one), releases each
chunk (``research_tables``: pseudonymous ids, moved dates, de-identified text) and writes
it as one Parquet row group and appended CSV rows, so memory holds one chunk, the names
the redactor knows and one pseudonym cache, never a whole table. The export is written
into a hidden sibling folder and moved into place at the end: a failed export leaves
nothing half-written, and a previous export in ``out_dir`` is replaced only on success.

Files: ``<table>.parquet`` and ``<table>.csv`` for practitioners, cases, sessions,
case_discussions, actions, reflections and evaluations; ``dictionary.md``/``.json``;
``report.md``/``report.json`` (rows, placeholders used, k-anonymity); ``residual_risk.csv``
(capitalised words left in the text, for a person to review before release) and
``kanon_cells.csv`` (the released quasi-identifier cells). The key is never written.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import Callable

import numpy as np
from sqlalchemy import text as sql
from sqlalchemy.engine import Connection, Engine

from ..errors import ValidationError
from ..io import safe_csv
from . import dictionary
from .kanon import KAnonymity
from .pseudonym import MAX_SHIFT_WEEKS, Pseudonymiser
from .research_tables import TABLES, Context, case_qi, dates, days_between
from .residual import residual_by_reason, residual_md
from .scrub import build_scrubber

DATE_MODES = ("shift", "days_since_open")
CHUNK = 5000
MARKER = "dictionary.json"  # a folder holding it is a previous export we may replace


def _arrow(values, typ):
    import pyarrow as pa
    if isinstance(values, np.ndarray):  # dates (NaT: null), masked ints, booleans
        return pa.array(values, type=typ)
    return pa.array(list(values), type=typ)


class _Writer:
    """One table's Parquet file (a row group per chunk) and CSV file (rows appended)."""

    def __init__(self, out: Path, table: str, date_mode: str, compression: str):
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq
        self.cols = dictionary.columns(table, date_mode)
        self.schema = dictionary.arrow_schema(table, date_mode)
        self.date_mode = date_mode
        self.rows = 0
        self._pq = pq.ParquetWriter(out / f"{table}.parquet", self.schema,
                                    compression=compression, write_statistics=True)
        self._csv = pacsv.CSVWriter(out / f"{table}.csv", self.schema)

    def write(self, released: dict) -> int:
        import pyarrow as pa
        offset, anchor = released["_offset"], released["_anchor"]
        arrays = []
        for c, field in zip(self.cols, self.schema):
            if c.name.endswith("_day") and c.name[:-4] in released:
                later = released[c.name[:-4]]
                diff, missing = days_between(later, anchor)
                values = np.ma.masked_array(diff, missing)
            elif c.kind == "date":
                values = released[c.name] + offset.astype("timedelta64[D]")
            else:
                values = released[c.name]
            arrays.append(_arrow(values, field.type))
        table = pa.Table.from_arrays(arrays, schema=self.schema)
        if table.num_rows:
            self._pq.write_table(table, row_group_size=table.num_rows)
            self._csv.write_table(safe_csv.arrow_table(table))  # formulas neutralised
        self.rows += table.num_rows
        return table.num_rows

    def close(self) -> None:
        self._pq.close()
        self._csv.close()


def _chunks(conn: Connection, query: str, params: dict, size: int):
    """Column dicts of ``size`` rows at a time from a streamed result."""
    res = conn.execution_options(stream_results=True, yield_per=size).execute(sql(query), params)
    keys = list(res.keys())
    for part in res.partitions(size):
        cols = list(zip(*part)) if part else [()] * len(keys)
        yield dict(zip(keys, cols))


def _anchors(conn: Connection) -> dict:
    """Each practitioner's first supervision session (days mode), else first evaluation."""
    out = {}
    q = ("SELECT a.practitioner_id, MIN(s.date) FROM session_attendees a "
         "JOIN sessions s ON s.id = a.session_id GROUP BY a.practitioner_id")
    q2 = "SELECT supervisee_id, MIN(date) FROM evaluations GROUP BY supervisee_id"
    for query in (q2, q):  # sessions win
        rows = conn.execute(sql(query)).all()
        if rows:
            ids, days = zip(*rows)
            out.update(zip(ids, dates(days)))
    return out


def _policies(conn: Connection, settings) -> dict:
    """Practitioner id -> (policy setting, nominal interval days, counted session types)."""
    from ..rules.policy import PolicyBook
    book = PolicyBook(settings.templates, settings.default_preset)
    latest = conn.execute(sql(
        "SELECT k.supervisee_id, k.preset, CAST(k.overrides AS TEXT) FROM contracts k "
        "ORDER BY k.supervisee_id, k.start_date, k.id")).all()
    chosen = {pid: (preset, ov) for pid, preset, ov in latest}  # the last start wins
    ids = conn.execute(sql("SELECT id FROM practitioners")).scalars().all()
    out, memo = {}, {}
    for pid in ids:
        key = chosen.get(pid, (book.default, None))
        if key not in memo:
            pol, _ = book.resolve(key[0], key[1] if key[1] not in (None, "", "null") else None)
            period = pol.period("supervision.interval")
            days = None if period is None else _longest(period[0]) + period[1]
            memo[key] = (pol.get("setting") or "", days,
                         ";".join(pol.get("supervision.counts_types") or []))
        out[pid] = memo[key]
    return out


def _longest(months: int) -> int:
    """Days in the longest run of ``months`` calendar months (1: 31, 2: 62, 3: 92)."""
    lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] * 2  # a leap February
    rest = months % 12
    return 366 * (months // 12) + (max(sum(lengths[s:s + rest]) for s in range(12)) if rest else 0)


def _stage(out_dir: Path) -> Path:
    if out_dir.exists() and not out_dir.is_dir():
        raise ValidationError("out", f"{out_dir} is a file")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise ValidationError("out", f"{out_dir} is not empty and holds no earlier export; "
                                     "choose an empty or new folder")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = out_dir.parent / f".{out_dir.name}.partial-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    return stage


def _publish(stage: Path, out_dir: Path) -> None:
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    if out_dir.exists():
        out_dir.rename(old)
    stage.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def anonymise(engine_or_conn: Engine | Connection, out_dir, key: bytes, *, since=None,
              team: str | None = None, date_mode: str = "shift", k: int = 5,
              progress: Callable[[int, int], None] | None = None, chunk_size: int = CHUNK,
              compression: str = "zstd", as_of: dt.date | None = None, settings=None) -> dict:
    """Write the anonymised export into ``out_dir``; return the report (row counts, ...).

    ``since`` keeps records dated on or after it; ``team`` the records of one team (by
    the real team name); ``date_mode`` "shift" or "days_since_open"; ``k`` of the
    k-anonymity report; ``progress(done, total)`` after every chunk.
    """
    date_mode = str(date_mode).replace("-", "_")
    if date_mode not in DATE_MODES:
        raise ValidationError("date_mode", f"use one of {', '.join(DATE_MODES)}")
    if int(chunk_size) < 1:
        raise ValidationError("chunk_size", "must be at least 1")
    if isinstance(since, str):
        since = dt.date.fromisoformat(since)
    if settings is None:
        raise ValidationError("settings", "pass the toolkit's settings (tk.anonymise does)")
    out_dir = Path(out_dir)
    pseudo = Pseudonymiser(key)
    as_of = as_of or dt.date.today()
    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.connect() as conn:
            # One snapshot for every table (SQLite's read transaction in WAL mode gives one).
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            return _run(conn, out_dir, pseudo, since, team, date_mode, k, progress,
                        chunk_size, compression, as_of, settings)
    return _run(engine_or_conn, out_dir, pseudo, since, team, date_mode, k, progress,
                chunk_size, compression, as_of, settings)


def _run(conn, out_dir, pseudo, since, team, date_mode, k, progress, chunk_size, compression,
         as_of, settings) -> dict:
    stage = _stage(out_dir)
    try:
        strict = bool(getattr(settings, "redaction_strict_case", False))
        ctx = Context(pseudo=pseudo, scrub=build_scrubber(conn, strict_case=strict), as_of=as_of,
                      anchors=_anchors(conn), policies=_policies(conn, settings),
                      kanon=KAnonymity(k))
        queries = {t.name: t.query(since, team) for t in TABLES}
        total = sum(conn.execute(sql(q[1]), q[2]).scalar() or 0 for q in queries.values())
        # First pass over the cases: count the quasi-identifier cells (a few per case).
        q, _, params = queries["cases"]
        for chunk in _chunks(conn, q, params, chunk_size):
            keys = list(chunk)
            for row in zip(*chunk.values()):
                ctx.kanon.add(case_qi(dict(zip(keys, row)), pseudo))
        ctx.kanon.decide()
        done, rows = 0, {}
        for t in TABLES:
            w = _Writer(stage, t.name, date_mode, compression)
            try:
                q, _, params = queries[t.name]
                for chunk in _chunks(conn, q, params, chunk_size):
                    done += w.write(t.release(chunk, ctx))
                    if progress:
                        progress(done, max(total, done))
            finally:
                w.close()
            rows[t.name] = w.rows
        report = _report(ctx, rows, date_mode, since, team is not None, as_of)
        dictionary.write_dictionary(stage, date_mode, report["settings"])
        _write_reports(stage, report, ctx)
        if progress:
            progress(done, done)
        _publish(stage, out_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return report


def _report(ctx: Context, rows: dict, date_mode: str, since, team_filter: bool, as_of) -> dict:
    s = ctx.scrub
    by_reason = residual_by_reason(s.residual_rows())
    return {
        "settings": {"date_mode": date_mode, "k": ctx.kanon.k, "max_shift_weeks": MAX_SHIFT_WEEKS,
                     "key_fingerprint": ctx.pseudo.fingerprint(),
                     "since": since.isoformat() if since else None,
                     "one_team_only": team_filter, "export_date": as_of.isoformat(),
                     "strict_case": s.redactor.strict_case},
        "rows": rows,
        "free_text": {"fields": s.texts, "characters": s.chars,
                      "placeholders": dict(sorted(s.placeholders.items())),
                      "variant_replacements": {k: s.redactor.counts.get(k, 0)
                                               for k in ("nickname", "spelling_variant")}},
        "residual_risk": {"distinct_words": len(s.residual),
                          "top": [{"word": w, "count": n} for w, n in
                                  sorted(s.residual.items(), key=lambda kv: (-kv[1], kv[0]))[:50]],
                          "by_reason": by_reason,
                          "variant_replacements": dict(s.redactor.counts)},
        "k_anonymity": ctx.kanon.report(),
    }


def _write_reports(out: Path, report: dict, ctx: Context) -> None:
    (out / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    safe_csv.write_file(out / "residual_risk.csv", ctx.scrub.residual_rows(),
                        ["reason", "word", "count"])
    ka = report["k_anonymity"]
    safe_csv.write_dicts(out / "kanon_cells.csv",
                         ["team", "agency_type", "status", "child_age_band", "cases"],
                         ka["released_cells"])
    r = report
    lines = ["# Research export: report", "",
             f"Export date {r['settings']['export_date']}; dates: {r['settings']['date_mode']}; "
             f"key fingerprint {r['settings']['key_fingerprint']}.", "", "## Rows", "",
             "| table | rows |", "| --- | --- |"]
    lines += [f"| {t} | {n} |" for t, n in r["rows"].items()]
    lines += ["", "## What was removed from free text", "",
              f"{r['free_text']['fields']} text fields, {r['free_text']['characters']} characters "
              "released.", "", "| placeholder | times |", "| --- | --- |"]
    numbered = {p[1:-3] for p in dictionary.PLACEHOLDERS if p.endswith("_n]")}
    lines += [f"| [{p}{'_n' if p in numbered else ''}] | {n} |"
              for p, n in r["free_text"]["placeholders"].items()]
    lines += ["", "## Residual risk: review before release", "",
              "Capitalised words left in the text that are neither common English words nor "
              f"placeholders ({r['residual_risk']['distinct_words']} distinct; all of them in "
              "residual_risk.csv). A name the store does not know (a nickname, a relative, a "
              "school) would be here.", "", "| word | count |", "| --- | --- |"]
    lines += [f"| {x['word']} | {x['count']} |" for x in r["residual_risk"]["top"]]
    lines += residual_md(r["residual_risk"]["by_reason"], r["free_text"]["variant_replacements"])
    lines += ["", f"## k-anonymity (k = {ka['k']})", "",
              f"Quasi-identifiers: {', '.join(ka['quasi_identifiers'])} of {ka['cases']} cases. "
              f"As recorded, {ka['small_cells_as_recorded']} of {ka['cells_as_recorded']} cells "
              f"(holding {ka['cases_in_small_cells_as_recorded']} cases) were smaller than k. "
              f"Released at level {ka['level']} ({ka['generalisation']}); "
              f"{ka['suppressed_cases']} cases still in small cells had all four suppressed "
              "('*'). Cases in small cells per level: "
              + ", ".join(map(str, ka["small_cells_per_level"])) + ".", "",
              "Other columns can link a case back to what was generalised; consider them "
              "before release: " + "; ".join(ka["linkable_columns"]) + ".", "",
              "| team | agency type | status | age band | cases |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {c['team']} | {c['agency_type']} | {c['status']} | {c['child_age_band']} | "
              f"{c['cases']} |" for c in ka["released_cells"]]
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
