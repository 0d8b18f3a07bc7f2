"""Core commands: demo, import, export, verify, serve."""
from __future__ import annotations

import datetime as dt
from pathlib import Path


def _progress(desc: str):
    from tqdm import tqdm
    bar = tqdm(total=0, desc=desc, unit="rows", leave=False)

    def update(done: int, total: int):
        bar.total = total
        bar.n = done
        bar.refresh()
    update.close = bar.close
    return update


def run_demo(args, _tk=None) -> int:
    from ..facade import Toolkit
    db = args.db or args.settings.db_url
    tk = Toolkit.system(db, settings=args.settings)
    bar = _progress("demo")
    today = dt.date.fromisoformat(args.today) if args.today else None
    counts = tk.create_demo(scale=args.scale, seed=args.seed, today=today, progress=bar)
    bar.close()
    print(f"demo agency written to {db}: " + ", ".join(f"{v} {k}" for k, v in counts.items() if v))
    return 0


def run_import(args, tk) -> int:
    from ..facade import Toolkit
    if tk is None:
        tk = Toolkit.system(args.db, settings=args.settings)
    if args.kind == "json":
        bar = _progress("import")
        counts = tk.import_json(args.file, progress=bar)
        bar.close()
        print(f"imported {sum(counts.values())} rows from {args.file}")
    else:
        n = tk.import_csv(args.kind, args.file)
        print(f"imported {n} {args.kind} from {args.file}")
    return 0


def run_export(args, tk) -> int:
    tk.export_json(args.file)
    print(f"dataset written to {args.file}")
    return 0


def run_verify(args, tk) -> int:
    problems = tk.verify(head=args.head)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) found")
        return 1
    n, last = tk.audit_head()
    print("all signed records match their hashes; audit chain intact")
    print(f"audit log: {n} entries, newest hash {last}")
    print("(keep that hash outside the database; `verify --head HASH` later shows whether "
          "entries were removed from the end)")
    return 0


def run_serve(args) -> int:
    from ..serve import serve
    db = args.db or args.settings.db_url
    if "://" not in db and not Path(db).exists():
        print(f"no database at {db}: run `supervision-kit demo --db {db}` first")
        return 2
    if "://" not in db:  # the kernels run in the notebooks' folder: pass an absolute path
        db = str(Path(db).resolve())
    from ..config import REPO_ROOT
    notebooks = Path(args.notebooks) if args.notebooks else REPO_ROOT / "notebooks"
    return serve(notebooks, port=args.port, ip=args.ip, token=args.token, db_url=db,
                 user=args.as_user, preheat=args.preheat, replace_process=True) or 0


def register(subs) -> None:
    """Add the core subcommands."""
    p = subs.add_parser("demo", parents=[subs.common], help="create the synthetic demo agency")
    p.add_argument("--scale", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--today", help="date the demo ends (YYYY-MM-DD)")
    p.set_defaults(func=run_demo, needs_toolkit=False)
    p = subs.add_parser("import", parents=[subs.common], help="import a JSON dataset or a CSV file")
    p.add_argument("file")
    p.add_argument("--kind", choices=["json", "practitioners", "cases"], default="json")
    p.set_defaults(func=run_import)
    p = subs.add_parser("export", parents=[subs.common], help="export the whole dataset as JSON")
    p.add_argument("file")
    p.set_defaults(func=run_export)
    p = subs.add_parser("verify", parents=[subs.common],
                        help="recompute every signed record's hash and check the audit chain")
    p.add_argument("--head", metavar="HASH",
                   help="a newest-entry hash printed by an earlier verify: it must still be there")
    p.set_defaults(func=run_verify)
    p = subs.add_parser("serve", parents=[subs.common], help="serve the apps with Voilà")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--ip", default="127.0.0.1")
    p.add_argument("--token", default=None)
    p.add_argument("--preheat", action="store_true")
    p.add_argument("--notebooks", help="folder of app notebooks (default: the project's notebooks/)")
    p.set_defaults(func=run_serve, needs_toolkit=False)
