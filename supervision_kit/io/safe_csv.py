"""The one CSV writer: every CSV the toolkit produces goes through here.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (quoting the cell does not stop them), so such text cells get a
leading single quote, the OWASP rule. Numbers stay numbers: numeric columns are never
touched, and a text cell that is only a number (``-3``, ``+44``, ``1e5``) is left as it is.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Iterable

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_ARROW_PATTERN = r"^[=+\-@\t\r]"


def neutralise(value):
    """A cell as a spreadsheet may safely open it: text that would run gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def rows_text(rows: Iterable[Iterable], header: Iterable[str] | None = None) -> str:
    """CSV text (``\\r\\n`` line ends, as the ``csv`` module writes) of neutralised rows."""
    buf = io.StringIO()
    write_rows(buf, rows, header)
    return buf.getvalue()


def write_rows(f, rows: Iterable[Iterable], header: Iterable[str] | None = None) -> None:
    """Write neutralised rows (and a header) to an open text file."""
    wr = csv.writer(f)
    if header is not None:
        wr.writerow([neutralise(h) for h in header])
    wr.writerows([neutralise(v) for v in r] for r in rows)


def write_file(path: str | Path, rows: Iterable[Iterable], header: Iterable[str] | None = None) -> Path:
    """Write a UTF-8 CSV file of neutralised rows."""
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8") as f:
        write_rows(f, rows, header)
    return path


def write_dicts(path: str | Path, fields: list[str], rows: Iterable[dict]) -> Path:
    """Write dicts as a UTF-8 CSV file with ``fields`` as its header."""
    return write_file(path, ([r.get(k, "") for k in fields] for r in rows), fields)


def frame_text(df, date_format: str = "%Y-%m-%d") -> str:
    """A pandas DataFrame as CSV text: text columns neutralised, numbers and dates as they are."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out.to_csv(index=False, date_format=date_format)


def arrow_table(table):
    """A pyarrow Table with its text columns neutralised (for ``pyarrow.csv`` writers)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    cols = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            risky = pc.and_(pc.match_substring_regex(col, _ARROW_PATTERN),
                            pc.invert(pc.match_substring_regex(col, f"^{_NUMBER.pattern}$")))
            col = pc.if_else(risky, pc.binary_join_element_wise("'", col, ""), col)
        cols.append(col)
    return pa.Table.from_arrays(cols, schema=table.schema)
