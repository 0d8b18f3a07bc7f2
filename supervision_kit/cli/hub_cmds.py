"""The ``hub`` command: JupyterHub on this machine for a team (``make hub``)."""
from __future__ import annotations

from pathlib import Path


def run_hub(args) -> int:
    from ..hub.launch import run
    return run(args.db or args.settings.db_url, Path(args.state), args.ip, args.port, args.new_passwords)


def register(subs) -> None:
    """Add the ``hub`` subcommand."""
    from ..hub.launch import add_arguments
    p = subs.add_parser("hub", parents=[subs.common],
                        help="JupyterHub with sign-in for a team (accounts printed once)")
    add_arguments(p)
    p.set_defaults(func=run_hub, needs_toolkit=False)
