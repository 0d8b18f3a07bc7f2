"""Governance commands: legal holds and case extracts."""
from __future__ import annotations


def _show(h: dict) -> str:
    state = (f"lifted {h['lifted_at']:%d %b %Y}" if h.get("lifted_at")
             else f"active since {h['placed_at']:%d %b %Y}")
    return f"{h['id']}: {h['scope']} {h['target_id']}, {h['reason']} ({h['reference']}), {state}"


def run_hold(args, tk) -> int:
    if args.action == "place":
        print("placed " + _show(tk.place_hold(args.scope, args.target, args.reason,
                                              args.reference)))
    elif args.action == "lift":
        print("lifted " + _show(tk.lift_hold(args.hold_id, args.note or "")))
    else:
        found = tk.legal_holds(active_only=not args.all)
        for h in found:
            print(_show(h))
        print(f"{len(found)} hold(s)")
    return 0


def register(subs) -> None:
    """Add the governance subcommands."""
    p = subs.add_parser("hold", help="legal holds: place, lift, list (admin or manager)")
    hs = p.add_subparsers(dest="action", required=True)
    q = hs.add_parser("place", parents=[subs.common], help="hold a practitioner's or case's records")
    q.add_argument("--scope", choices=["practitioner", "case"], required=True)
    q.add_argument("--target", required=True, help="practitioner or case id")
    q.add_argument("--reason", required=True,
                   help="CSPR, IMR, complaint, disciplinary, litigation or other")
    q.add_argument("--reference", required=True, help="the review, complaint or claim reference")
    q = hs.add_parser("lift", parents=[subs.common], help="lift a hold")
    q.add_argument("hold_id")
    q.add_argument("--note", default="")
    q = hs.add_parser("list", parents=[subs.common], help="list holds")
    q.add_argument("--all", action="store_true", help="include lifted holds")
    p.set_defaults(func=run_hold)
    register_extract(subs)


def run_extract(args, tk) -> int:
    from pathlib import Path
    if args.pdf:
        Path(args.pdf).write_bytes(tk.case_extract(args.case, "pdf"))
        print(f"case extract written to {args.pdf}")
    text = tk.case_extract(args.case, "text") if (args.out or not args.pdf) else ""
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"case extract written to {args.out}")
    elif not args.pdf:
        print(text, end="")
    return 0


def run_report(args, tk) -> int:
    pdf, folder = tk.inspection_report(args.as_of, args.months, args.out)
    print(f"inspection report written to {pdf}; the rows behind each figure in {folder}")
    return 0


def register_extract(subs) -> None:
    """Add ``extract``."""
    p = subs.add_parser("extract", parents=[subs.common],
                        help="a case's decisions, rationale, RAG and actions for the child's "
                             "record (supervisor or manager)")
    p.add_argument("case", help="case id or reference")
    p.add_argument("--pdf", help="write the PDF here")
    p.add_argument("--out", help="write the plain text here (default: print it)")
    p.set_defaults(func=run_extract)
    p = subs.add_parser("report", parents=[subs.common],
                        help="the inspection report: every QA measure as of a date, one PDF "
                             "(auditor, manager or supervisor)")
    p.add_argument("--as-of", dest="as_of", metavar="DATE", help="as of this date (YYYY-MM-DD)")
    p.add_argument("--months", type=int, default=12, help="months of trends (default 12)")
    p.add_argument("--out", required=True, help="the PDF to write (CSV files go beside it)")
    p.set_defaults(func=run_report)
