"""Sign-in accounts for the hub: one per current member of staff, passwords stored hashed.

The hub's authenticator (``deploy/jupyterhub_config.py``) loads the accounts file at
start: a JSON object of hub username -> scrypt hash, readable by its owner only. The
passwords themselves are shown once, when the accounts are made, and kept nowhere.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from pathlib import Path


SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}  # OWASP's minimum for scrypt; ~50 ms a check


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64), the format the hub's authenticator checks."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return "$".join(["scrypt", *(str(SCRYPT[k]) for k in "nrp"), b64(salt), b64(digest)])


def staff(db_url: str) -> list:
    """The store's current staff (practitioners who have not left), by role then name."""
    from ..facade import Toolkit
    order = {"supervisor": 0, "practitioner": 1, "manager": 2, "auditor": 3, "admin": 4}
    people = Toolkit.system(db_url).practitioners(include_left=False)
    return sorted(people, key=lambda p: (order.get(p.role, 5), p.name))


def make_accounts(db_url: str, path: Path, usernames=None) -> dict[str, str]:
    """Write ``path`` with a new password hash for each person (or only ``usernames``);
    return {username: password}. Existing entries for other people are kept."""
    path = Path(path)
    current = json.loads(path.read_text()) if path.exists() else {}
    wanted = [p.username for p in staff(db_url)] if usernames is None else list(usernames)
    passwords = {name: secrets.token_urlsafe(12) for name in wanted}
    current.update({name: hash_password(pw) for name, pw in passwords.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(current, f, indent=1)
    os.replace(path.with_suffix(".tmp"), path)
    return passwords


def password_table(db_url: str, passwords: dict[str, str]) -> str:
    """The accounts as printed once: username, password, who they are."""
    people = {p.username: p for p in staff(db_url)}
    width = max((len(u) for u in passwords), default=8)
    lines = []
    for name in sorted(passwords, key=lambda u: (list(people).index(u) if u in people else 10**6)):
        p = people.get(name)
        who = f"{p.name} ({p.role}{', ' + p.team if p.team else ''})" if p else ""
        lines.append(f"  {name:<{width}}  {passwords[name]}  {who}")
    return "\n".join(lines)
