"""PDF commands: export-pdf, verify-pdf."""
from __future__ import annotations


def run_export_pdf(args, tk) -> int:
    from tqdm import tqdm
    ids = list(args.session_ids)
    if args.all_signed:
        ids += tk.signed_sessions(since=args.since)
    if not ids:
        print("nothing to export: name session ids or use --all-signed")
        return 2
    with tqdm(total=len(ids), desc="export-pdf", unit="record") as bar:
        paths = tk.export_pdfs(ids, args.out, progress=lambda done, total: bar.update(done - bar.n))
    print(f"{len(paths)} PDF(s) written to {args.out}")
    return 0


def run_verify_pdf(args, tk) -> int:
    print(tk.verify_pdf(args.file))
    return 0


def register(subs) -> None:
    """Add the PDF subcommands."""
    p = subs.add_parser("export-pdf", parents=[subs.common], help="export records to PDF")
    p.add_argument("session_ids", nargs="*")
    p.add_argument("--out", default="pdf")
    p.add_argument("--all-signed", action="store_true", help="every signed record you may see")
    p.add_argument("--since", help="with --all-signed: records dated on or after (YYYY-MM-DD)")
    p.set_defaults(func=run_export_pdf)
    p = subs.add_parser("verify-pdf", parents=[subs.common],
                        help="check a record PDF's hash against the store")
    p.add_argument("file")
    p.set_defaults(func=run_verify_pdf)
