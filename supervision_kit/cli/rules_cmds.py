"""Rules commands: due, drift, actions --overdue (each as of any date, for a team)."""
from __future__ import annotations

import pandas as pd

FORMATS = ("table", "csv", "json")
# Columns shown in a terminal table; csv and json carry every column.
TABLE_COLUMNS = {
    "due": ["name", "team", "stream", "preset", "last_held", "next_due", "days_overdue", "reason"],
    "everything": ["kind", "person", "team", "item", "due", "days_overdue", "reason"],
    "drift": ["reference", "worker", "status", "since", "rags", "reason"],
    "actions": ["description", "owner", "reference", "due_date", "days_overdue"],
}
EMPTY = {"due": "no supervisees", "everything": "nothing due", "drift": "no drifting cases",
         "actions": "no overdue actions", "open actions": "no open actions"}


def emit(df: pd.DataFrame, fmt: str, kind: str) -> None:
    """Print a result as a table, CSV or JSON records (dates as YYYY-MM-DD)."""
    if fmt == "json":
        out = df.copy()
        for col in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[col]):
                out[col] = out[col].dt.strftime("%Y-%m-%d")
        print(out.to_json(orient="records", date_format="iso"))
    elif fmt == "csv":
        from ..io.safe_csv import frame_text  # formulas neutralised, numbers kept
        print(frame_text(df), end="")
    elif df.empty:
        print(EMPTY[kind])
    else:
        cols = [c for c in TABLE_COLUMNS[kind.split()[-1]] if c in df.columns]
        table = df[cols].copy()
        for col in cols:
            if pd.api.types.is_datetime64_any_dtype(table[col]):
                table[col] = table[col].dt.strftime("%Y-%m-%d").fillna("-")
        # Never cut a column: a drift reason with several flags runs past 100 characters,
        # and a cut sentence hides why the case was flagged.
        print(table.to_string(index=False, max_colwidth=None))


WHAT = {"all": None, "supervision": ("supervision",), "contract-reviews": ("contract review",),
        "quarterly-reviews": ("quarterly case review",), "observations": ("observation",),
        "case-meetings": ("case meeting",)}


def run_due(args, tk) -> int:
    """Everything due in one place (``--what all``), or supervision due per supervisee and
    stream (``--what supervision``), or one other kind."""
    what = getattr(args, "what", "all")
    if what == "supervision":
        emit(tk.due(as_of=args.as_of, team=args.team), args.format, "due")
        return 0
    kinds = WHAT[what]
    df = (tk.everything_due(as_of=args.as_of, team=args.team) if kinds is None else
          tk.everything_due(as_of=args.as_of, team=args.team, kinds=kinds))
    emit(df, args.format, "everything")
    return 0


def run_drift(args, tk) -> int:
    """Cases flagged for drift, each with its reason."""
    emit(tk.drift(as_of=args.as_of, team=args.team), args.format, "drift")
    return 0


def run_actions(args, tk) -> int:
    """Open actions (with ``--overdue``: only those past their due date)."""
    df = tk.overdue_actions(as_of=args.as_of, team=args.team, all_open=not args.overdue)
    emit(df, args.format, "actions" if args.overdue else "open actions")
    return 0


def _options(p) -> None:
    p.add_argument("--as-of", dest="as_of", default=None, metavar="DATE",
                   help="compute as of this date, using only what was known then (default today)")
    p.add_argument("--team", default=None, help="only this team")
    p.add_argument("--format", choices=FORMATS, default="table")


def register(subs) -> None:
    """Add ``due``, ``drift`` and ``actions``."""
    common = [subs.common] if hasattr(subs, "common") else []
    p = subs.add_parser("due", parents=common,
                        help="everything due: supervision per stream, contract reviews, "
                             "quarterly case reviews, observations, case meetings")
    _options(p)
    p.add_argument("--what", choices=tuple(WHAT), default="all",
                   help="one kind only (default all: one table with a kind column)")
    p.set_defaults(func=run_due)
    p = subs.add_parser("drift", parents=common,
                        help="cases with no evident change, each with the reason")
    _options(p)
    p.set_defaults(func=run_drift)
    p = subs.add_parser("actions", parents=common, help="open actions by owner and case")
    _options(p)
    p.add_argument("--overdue", action="store_true", help="only actions past their due date")
    p.set_defaults(func=run_actions)
