"""Entry point: common options, subcommand registry, errors as one clear line."""
from __future__ import annotations

import argparse
import importlib
import sys

from sqlalchemy.exc import ArgumentError, DBAPIError

from ..errors import SupervisionError

# Each module adds its subcommands with ``register(subparsers)``.
COMMAND_MODULES = ("core_cmds", "rules_cmds", "maint_cmds", "pdf_cmds", "research_cmds",
                   "governance_cmds", "hub_cmds", "remind_cmds", "meetings_cmds")


def build_parser() -> argparse.ArgumentParser:
    """The parser with every registered subcommand."""
    parser = argparse.ArgumentParser(prog="supervision-kit",
                                     description="Reflective safeguarding supervision toolkit")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database URL or SQLite path (default: the demo database "
                                     "or $SUPERVISION_KIT_DB)")
    common.add_argument("--as-user", dest="as_user", default=None,
                        help="act as this username (default $SUPERVISION_KIT_USER or admin)")
    subs = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    subs.common = common  # modules pass it as a parent so --db works after the command
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__package__}.{name}").register(subs)
    return parser


def open_toolkit(args):
    """The facade for ``--db`` acting as ``--as-user`` ($SUPERVISION_KIT_USER, else admin);
    a new, empty ``--db`` opens as the system account so the first import can run."""
    import os

    from ..facade import open_toolkit as open_facade
    user = args.as_user or os.environ.get("SUPERVISION_KIT_USER") or "admin"
    return open_facade(args.db, user, settings=args.settings,
                       empty_store_as_system=not args.as_user)


def _db_name(args) -> str:
    db = str(getattr(args, "db", None) or args.settings.db_url)
    if "://" not in db:
        return db
    try:  # never print a password
        from sqlalchemy.engine import make_url
        return make_url(db).render_as_string(hide_password=True)
    except ArgumentError:
        return db.split("://")[0] + "://…"


def _first_line(e) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def main(argv=None) -> int:
    """Run one command; user mistakes print one line and exit non-zero."""
    from ..config import Settings
    parser = build_parser()
    args = parser.parse_args(argv)
    args.settings = Settings()  # built once; every command reads it from here
    try:
        if getattr(args, "needs_toolkit", True):
            return int(args.func(args, open_toolkit(args)) or 0)
        return int(args.func(args) or 0)
    except SupervisionError as e:
        print(f"supervision-kit {args.command}: {e}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as e:
        print(f"supervision-kit {args.command}: {e}", file=sys.stderr)
        return 2
    except (DBAPIError, ArgumentError) as e:
        # A wrong --db (not a database, no such server, a bad URL) is a user mistake.
        print(f"supervision-kit {args.command}: cannot use the database {_db_name(args)}: "
              f"{_first_line(getattr(e, 'orig', None) or e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
