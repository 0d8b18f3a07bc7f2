"""``remind``: e-mail each person one digest of what is waiting (for cron or a timer)."""
from __future__ import annotations

import sys

from ..notify.digest import KINDS


def run_remind(args, tk) -> int:
    """Send (or with ``--dry-run`` show) today's digests; an opt-out for the acting user."""
    from ..notify.mailer import MailUnavailable
    if args.opt_out or args.opt_in:
        kind = args.opt_out or args.opt_in
        tk.set_reminder_opt_out(kind, bool(args.opt_out))
        print(f"{tk.me.username}: {kind} reminders {'off' if args.opt_out else 'on'}")
        return 0
    try:
        report = tk.send_reminders(as_of=args.as_of, dry_run=args.dry_run)
    except MailUnavailable as e:
        print(f"supervision-kit remind: {e}", file=sys.stderr)
        return 1
    if args.dry_run:
        for pid, (to, subject, body) in report["digests"].items():
            print(f"--- to {to}: {subject}\n{body}\n")
        print(f"dry run: {len(report['digests'])} digests, none sent")
        return 0
    print(f"sent {len(report['sent'])}; already sent today {len(report['unchanged'])}; "
          f"failed {len(report['failed'])}")
    for pid, why in report["failed"]:
        print(f"not sent to {pid}: {why}", file=sys.stderr)
    return 1 if report["failed"] else 0


def register(subs) -> None:
    """Add ``remind``."""
    common = [subs.common] if hasattr(subs, "common") else []
    p = subs.add_parser("remind", parents=common,
                        help="e-mail each person a digest of supervision due, records to sign, "
                             "overdue actions, oversight tasks and requests (counts only)")
    p.add_argument("--as-of", dest="as_of", default=None, metavar="DATE",
                   help="remind as of this date (default today)")
    p.add_argument("--dry-run", action="store_true", help="show the digests; send nothing")
    p.add_argument("--opt-out", choices=tuple(KINDS), default=None,
                   help="stop this kind of reminder for the acting user")
    p.add_argument("--opt-in", choices=tuple(KINDS), default=None,
                   help="restart this kind of reminder for the acting user")
    p.set_defaults(func=run_remind)
