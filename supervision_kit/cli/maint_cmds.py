"""Maintenance commands: backup, restore, retention."""
from __future__ import annotations


def run_backup(args, tk) -> int:
    path = tk.backup(args.file)
    print(f"backup written to {path}")
    return 0


def run_restore(args) -> int:
    from ..facade import restore
    db = args.db or args.settings.db_url
    problems = restore(args.file, db)
    for p in problems:
        print(p)
    if problems:
        print(f"restored {args.file} into {db}, but verify found {len(problems)} problem(s)")
        return 1
    print(f"restored {args.file} into {db}; verify: all signed records match, audit chain intact")
    return 0


def run_retention(args, tk) -> int:
    if args.apply and not args.confirm:
        print("retention --apply destroys records for good: add --confirm to go ahead "
              "(run --dry-run first to see what would go)")
        return 2
    plan = tk.retention(as_of=args.as_of, apply=args.apply)
    years = tk.settings.retention_years
    if not plan:
        print(f"nothing is due for destruction (retention {years} years after leaving)")
        return 0
    verb = "destroyed" if args.apply else "due for destruction"
    held = [i for i in plan if i["held"]]
    plan = [i for i in plan if not i["held"]]
    for item in held:
        holds = ", ".join(f"{h['id']} ({h['reason']}, {h['reference']})" for h in item["held"])
        print(f"{item['practitioner_id']}: left {item['left']}, due {item['due']}: "
              f"KEPT under legal hold {holds}")
    for item in plan:
        rows = ", ".join(f"{n} {t}" for t, n in item["rows"].items() if n) or "no records"
        print(f"{item['practitioner_id']}: left {item['left']}, due {item['due']}: {rows}")
        for sid, day in item["sessions"]:
            print(f"    session {sid} ({day})")
        if item["held_sessions"]:
            print(f"    kept under legal hold on case(s): {', '.join(item['held_sessions'])}")
        others = [s for s in item["kept_sessions"] if s not in item["held_sessions"]]
        if others:
            print(f"    kept for others: {', '.join(others)}")
    print(f"{len(plan)} practitioner(s) {verb}" + ("" if args.apply else
          "; run `retention --apply --confirm` to destroy them"))
    return 0


def register(subs) -> None:
    """Add the maintenance subcommands."""
    p = subs.add_parser("backup", parents=[subs.common],
                        help="copy the whole database to FILE (SQLite backup API or pg_dump)")
    p.add_argument("file")
    p.set_defaults(func=run_backup)
    p = subs.add_parser("restore", parents=[subs.common],
                        help="replace the database with the backup in FILE, then verify it")
    p.add_argument("file")
    p.set_defaults(func=run_restore, needs_toolkit=False)
    p = subs.add_parser("retention", parents=[subs.common],
                        help="list (--dry-run) or destroy (--apply --confirm) records past "
                             "their retention date")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="only list what is due (default)")
    mode.add_argument("--apply", action="store_true", help="destroy what is due")
    p.add_argument("--confirm", action="store_true", help="required with --apply")
    p.add_argument("--as-of", dest="as_of", help="judge as of this date (YYYY-MM-DD)")
    p.set_defaults(func=run_retention)
