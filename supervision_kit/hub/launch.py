"""``supervision-kit hub`` (what ``make hub`` runs): JupyterHub on this machine, with
hashed-password accounts for the store's staff and each user's apps in Voilà.

The first start makes an account per current member of staff and prints the passwords
once (only their scrypt hashes are kept, in ``STATE/accounts.json``); later starts reuse
them (``--new-passwords`` makes new ones). The hub's state (its SQLite database, cookie
secret, users' home folders) lives in ``STATE`` (default ``data/hub``).
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
from pathlib import Path

from ..config import REPO_ROOT, Settings

HUB_CONFIG = REPO_ROOT / "deploy" / "jupyterhub_config.py"
LOCAL_PROXY = REPO_ROOT / "node_modules" / ".bin" / "configurable-http-proxy"


def proxy_command() -> str | None:
    """configurable-http-proxy: the project's own (``make hub-deps``), else one on PATH."""
    if os.access(LOCAL_PROXY, os.X_OK):
        return str(LOCAL_PROXY)
    return shutil.which("configurable-http-proxy")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hub_environment(db: str, state: Path, ip: str, port: int, proxy: str) -> dict:
    """The hub process's environment: what deploy/jupyterhub_config.py reads."""
    env = {k: v for k, v in os.environ.items() if k != "SUPERVISION_KIT_USER"}
    env.update({
        "SUPERVISION_KIT_DB": db,
        "SUPERVISION_KIT_HUB_MODE": "local",
        "SUPERVISION_KIT_HUB_STATE": str(state),
        "SUPERVISION_KIT_HUB_ACCOUNTS": str(state / "accounts.json"),
        "SUPERVISION_KIT_HUB_IP": ip,
        "SUPERVISION_KIT_HUB_PORT": str(port),
        "SUPERVISION_KIT_HUB_API_PORT": str(_free_port()),
        "SUPERVISION_KIT_HUB_PROXY_API_PORT": str(_free_port()),
        "SUPERVISION_KIT_HUB_PROXY": proxy,
    })
    return env


def run(db: str, state: Path, ip: str = "127.0.0.1", port: int = 8000,
        new_passwords: bool = False) -> int:
    """Make the accounts if needed (printing their passwords once), then become the hub."""
    from .accounts import make_accounts, password_table
    if "://" not in db:
        if not Path(db).exists():
            print(f"supervision-kit hub: no database at {db}: run `make demo` first", file=sys.stderr)
            return 2
        db = str(Path(db).resolve())
    proxy = proxy_command()
    if not proxy:
        print("supervision-kit hub: configurable-http-proxy is missing: run `make hub-deps` "
              "(npm installs it into node_modules/)", file=sys.stderr)
        return 2
    state = Path(state).resolve()
    state.mkdir(parents=True, exist_ok=True)
    accounts = state / "accounts.json"
    if new_passwords or not accounts.exists():
        passwords = make_accounts(db, accounts)
        print("Accounts (shown this once; only their hashes are kept, in "
              f"{accounts}):\n{password_table(db, passwords)}", flush=True)
    else:
        print(f"Accounts already made ({accounts}); `--new-passwords` makes new ones.", flush=True)
    print(f"supervision_kit: JupyterHub at http://{ip}:{port}/ (sign in with an account above)",
          flush=True)
    env = hub_environment(db, state, ip, port, proxy)
    os.chdir(state)  # the hub writes a few files into its working folder
    argv = [sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG)]
    os.execve(argv[0], argv, env)
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    """Command line of ``python -m supervision_kit.hub.launch``."""
    p = argparse.ArgumentParser(prog="supervision-kit hub", description=__doc__.splitlines()[0])
    add_arguments(p)
    a = p.parse_args(argv)
    return run(a.db or Settings().db_url, Path(a.state), a.ip, a.port, a.new_passwords)


def add_arguments(p) -> None:
    """The hub's options (shared with the ``supervision-kit hub`` subcommand)."""
    if not any(a.dest == "db" for a in p._actions):
        p.add_argument("--db", help="database path or URL (default: SUPERVISION_KIT_DB or the demo)")
    p.add_argument("--port", type=int, default=8000, help="port people open (default 8000)")
    p.add_argument("--ip", default="127.0.0.1", help="address to bind (put TLS in front for "
                                                    "anything but 127.0.0.1)")
    p.add_argument("--state", default=str(REPO_ROOT / "data" / "hub"),
                   help="folder for the hub's own database, secrets and accounts")
    p.add_argument("--new-passwords", action="store_true", help="make (and print) new passwords")


if __name__ == "__main__":
    sys.exit(main())
