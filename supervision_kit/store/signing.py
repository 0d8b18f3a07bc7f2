"""Signatures checked against the audit log's own record of each signing.

A signature row says who signed, how (own login or in person) and when; none of that is in
the record's hash. The hash-chained audit entry written in the same transaction says the
same, so a signature rewritten, back-dated or removed behind the application's back no
longer matches it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..domain.signing import BEFORE_METHODS
from .schema import AuditRow, SignatureRow

SG, L = SignatureRow.__table__, AuditRow.__table__
_DETAIL = re.compile(r"^(?P<signer>\S+) \((?P<method>.*)\)(?: at (?P<at>\S+))?"
                     r"(?P<disagrees>; disagrees with the record)?"
                     r"(?:; comment sha256 (?P<comment>[0-9a-f]{64}))?; "
                     r"sha256 (?P<hash>[0-9a-f]{64})$")


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sign_detail(signer: str, method: str, signed_at: dt.datetime, content_hash: str, *,
                disagrees: bool = False, comment: str = "") -> str:
    """The audit detail of one signing (read back by ``signature_problems``): who, how,
    when, whether they disagreed and their comment's hash [issue 13], and the hash signed."""
    said = ("; disagrees with the record" if disagrees else "") + (
        f"; comment sha256 {_text_hash(comment)}" if comment else "")
    return (f"{signer} ({method}) at {signed_at.isoformat(timespec='seconds')}{said}; "
            f"sha256 {content_hash}")


def parse_sign_detail(detail: str) -> dict | None:
    """signer, method, at (a datetime, or None in entries written before it was recorded)
    and hash of a signing's audit detail; None when it is not one."""
    m = _DETAIL.match(detail or "")
    if m is None:
        return None
    out = m.groupdict()
    out["at"] = dt.datetime.fromisoformat(out["at"]) if out["at"] else None
    out["disagrees"] = bool(out["disagrees"])
    return out


def signature_problems(conn: Connection, present: set[str]) -> list[str]:
    """Signatures of the records in ``present`` that differ from the audit log's record of
    their signing, and signings the log shows whose signature row is gone. Records with no
    signing in the log (imported ones) cannot be checked this way and are passed over."""
    logged: dict[str, dict[str, dict]] = {}
    for r in conn.execute(select(L.c.entity_id, L.c.detail)
                          .where(L.c.action == "sign", L.c.entity == "session").order_by(L.c.id)):
        d = parse_sign_detail(r.detail)
        if d is not None and r.entity_id in present:
            logged.setdefault(r.entity_id, {})[d["signer"]] = d
    rows: dict[str, dict] = {}
    for r in conn.execute(select(SG).where(SG.c.session_id.in_(sorted(logged)))):
        rows.setdefault(r.session_id, {})[r.practitioner_id] = r
    problems = []
    for sid in sorted(logged):
        found = rows.get(sid, {})
        for who in sorted(logged[sid].keys() | found.keys()):
            why = _mismatch(logged[sid].get(who), found.get(who))
            if why:
                problems.append(f"session {sid}: {who}'s signature {why} — altered outside "
                                f"the application")
    return problems


def _mismatch(entry: dict | None, row) -> str:
    """Why a signature row and its audit entry disagree ('' when they agree)."""
    if row is None:
        return "is recorded in the audit log but gone from the record"
    if entry is None:
        return "is not in the audit log"
    # Migration 0010_signature_how relabelled the old "own login" rows honestly; their
    # signing entries, written before, still say "own login" [docs/signing.md].
    relabelled = entry["method"] == "own login" and row.method == BEFORE_METHODS
    if entry["method"] != row.method and not relabelled:
        return f"says {row.method!r} but was given {entry['method']!r}"
    if entry["hash"] != row.content_hash:
        return "carries a hash other than the one signed"
    if entry["disagrees"] != bool(getattr(row, "disagrees", False)):
        return "says the signer " + ("disagreed" if row.disagrees else "agreed") + \
            " but the signing said otherwise"
    comment = getattr(row, "comment", "") or ""
    if entry["comment"] != (_text_hash(comment) if comment else None):
        return "carries a comment other than the one given"
    if entry["at"] is not None and entry["at"] != _naive(row.signed_at):
        return f"is dated {row.signed_at:%d %b %Y %H:%M:%S} but was given at {entry['at']:%d %b %Y %H:%M:%S}"
    return ""


def _naive(value: dt.datetime) -> dt.datetime:
    """Stored times are naive local times (a driver may attach a zone)."""
    return value.replace(tzinfo=None)
