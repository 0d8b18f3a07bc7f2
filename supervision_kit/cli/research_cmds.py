"""Research command: ``anonymise`` writes the anonymised research export."""
from __future__ import annotations

import os
from pathlib import Path

KEY_ENV = "SUPERVISION_KIT_KEY_FILE"
DEFAULT_KEY = Path("~/.supervision_kit/research_export.key")


def _bar():
    from tqdm import tqdm
    bar = tqdm(total=0, desc="anonymise", unit="rows")

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()
    update.close = bar.close
    return update


def run_anonymise(args, tk) -> int:
    """Write the export; create the key file (0600) with a warning when it is new."""
    key_file = Path(args.key_file or os.environ.get(KEY_ENV) or DEFAULT_KEY).expanduser().resolve()
    out = Path(args.out).expanduser().resolve()
    if key_file == out or out in key_file.parents:
        print("supervision-kit anonymise: keep the key file outside the export folder")
        return 2
    key, created = tk.research_key(key_file)  # refused before any key is created
    if created:
        print(tk.key_created_message(key_file))
    bar = _bar()
    try:
        report = tk.anonymise(out, key, since=args.since, team=args.team,
                              date_mode=args.date_mode.replace("-", "_"), k=args.k,
                              progress=bar, chunk_size=args.chunk_size)
    finally:
        bar.close()
    rows = ", ".join(f"{n} {t}" for t, n in report["rows"].items())
    ka = report["k_anonymity"]
    print(f"anonymised export written to {out}: {rows}")
    print(f"k-anonymity (k={ka['k']}): {ka['generalisation']}, {ka['suppressed_cases']} cases "
          f"suppressed; residual risk: {report['residual_risk']['distinct_words']} capitalised "
          f"words to review in {out / 'residual_risk.csv'} before release")
    return 0


def register(subs) -> None:
    """Add ``anonymise``."""
    p = subs.add_parser("anonymise", parents=[subs.common],
                        help="write the anonymised research export (Parquet, CSV, dictionary)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write (new, empty, "
                                                              "or an earlier export to replace)")
    p.add_argument("--key-file", dest="key_file", metavar="F",
                   help=f"secret pseudonymisation key (created if missing; default ${KEY_ENV} "
                        f"or {DEFAULT_KEY})")
    p.add_argument("--since", metavar="DATE", help="only records dated on or after DATE")
    p.add_argument("--team", metavar="T", help="only the records of team T")
    p.add_argument("--date-mode", dest="date_mode", choices=["shift", "days-since-open"],
                   default="shift", help="shift dates per case (default), or give days since "
                                         "the case opened")
    p.add_argument("--k", type=int, default=5, help="k of the k-anonymity report (default 5)")
    p.add_argument("--chunk-size", dest="chunk_size", type=int, default=5000,
                   help="rows read and written at a time")
    p.set_defaults(func=run_anonymise)
