"""Keyed pseudonyms and date offsets for the research export.

Every id becomes ``HMAC-SHA256(key, "<kind>:<real id>")`` (hex, first 20 digits = 80
bits), prefixed by a letter for the kind (``P`` practitioner, ``C`` case, ``S`` session,
...). The same key gives the same pseudonyms in every export, so studies can follow a
case across exports; without the key they cannot be reversed or recomputed. The kind in
the message keeps a practitioner id and a case id that happen to be equal apart.

Date offsets come from the same key: ``HMAC(key, "shift:<kind>:<id>")`` picks a whole
number of weeks between -26 and +26, never 0. Whole weeks keep the day of the week, so
"working days" intervals stay meaningful; one offset per case (or per practitioner) keeps
every interval inside it exact.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from ..errors import ValidationError

KEY_BYTES = 32
MIN_KEY_BYTES = 16
ID_HEX = 20
MAX_SHIFT_WEEKS = 26
PREFIX = {"practitioner": "P", "case": "C", "session": "S", "discussion": "D", "action": "A",
          "reflection": "R", "evaluation": "E", "exercise": "X"}


def load_or_create_key(path) -> tuple[bytes, bool]:
    """(key, created): read the key file, or create it with 32 random bytes, mode 0600."""
    path = Path(path).expanduser()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        # Written in full (0600 from the start) and then linked into place: a second
        # process starting at the same moment reads a whole key, never half of one.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(KEY_BYTES))
        try:
            os.link(tmp, path)
            created = True
        except FileExistsError:
            created = False  # someone else's key won: use theirs
        finally:
            tmp.unlink()
        if created:
            return path.read_bytes(), True
    key = path.read_bytes()
    if len(key) < MIN_KEY_BYTES:
        raise ValidationError("key_file", f"{path} holds {len(key)} bytes; a key needs at "
                                          f"least {MIN_KEY_BYTES}")
    return key, False


def key_created_message(path) -> str:
    """What to tell a person whose key file was just created."""
    return (f"created a new pseudonymisation key in {path} (mode 0600). Keep it safe and "
            "private: the same key gives the same pseudonymous ids in later exports; "
            "anyone holding it can recompute them. Never send it with an export.")


class Pseudonymiser:
    """Pseudonymous ids, team names and date offsets from one secret key."""

    def __init__(self, key: bytes):
        if not isinstance(key, (bytes, bytearray)) or len(key) < MIN_KEY_BYTES:
            raise ValidationError("key", f"a key of at least {MIN_KEY_BYTES} bytes is needed")
        self._key = bytes(key)
        # Keyed once; each message copies the keyed state (about twice as fast as new()).
        self._base = hmac.new(self._key, digestmod=hashlib.sha256)
        # Bounded caches: ids repeat within a chunk and across tables; memory stays flat.
        self.id = lru_cache(maxsize=1 << 18)(self._id)
        self.shift_days = lru_cache(maxsize=1 << 18)(self._shift)

    def _mac(self, message: str) -> bytes:
        mac = self._base.copy()
        mac.update(message.encode("utf-8"))
        return mac.digest()

    def _id(self, kind: str, real) -> str | None:
        if real is None or real == "":
            return None
        return PREFIX[kind] + self._mac(f"{kind}:{real}").hex()[:ID_HEX]

    def ids(self, kind: str, values) -> list:
        """Pseudonyms of ``values`` (None stays None)."""
        f = self.id
        return [f(kind, v) for v in values]

    def team(self, name: str | None) -> str:
        """``TEAM_<8 hex>`` for a team name ("" stays ""): a school's team name names the school."""
        if not name:
            return ""
        return "TEAM_" + self._mac(f"team:{name}").hex()[:8]

    def _shift(self, kind: str, real) -> int:
        if real is None:
            return 0
        n = int.from_bytes(self._mac(f"shift:{kind}:{real}")[:4], "big") % (2 * MAX_SHIFT_WEEKS)
        weeks = n - MAX_SHIFT_WEEKS
        return 7 * (weeks if weeks < 0 else weeks + 1)  # -26..-1, 1..26 weeks

    def fingerprint(self) -> str:
        """A short fingerprint that tells which key made an export (does not reveal it)."""
        return self._mac("fingerprint").hex()[:12]
