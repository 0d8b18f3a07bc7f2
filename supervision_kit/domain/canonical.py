"""Canonical content of a signed record and its SHA-256 hash.

Only what was agreed at signing is hashed: later lifecycle changes (an action
completed, a manager's oversight answer, an escalation's outcome) live beside
the record and must not make it look altered.
"""
from __future__ import annotations

import hashlib
import json

from .records import SessionRecord, to_dict

VOLATILE_SESSION = {"state", "version", "content_hash", "recorded_date"}
VOLATILE_ACTION = {"status", "reviewed_session_id", "completed_date"}
VOLATILE_DISCUSSION = {"oversight"}
VOLATILE_DISAGREEMENT = {"outcome", "resolved_date", "escalated_to_id"}
VOLATILE_REFLECTION = {"created"}
LATER_DISCUSSION = ("chosen_by", "choice_reason", "actions_taken", "designate_role")


def canonical_content(rec: SessionRecord) -> dict:
    """The record's agreed content as plain data, stable across loads."""
    d = to_dict(rec)
    for k in VOLATILE_SESSION:
        d.pop(k, None)
    if not d.get("diversity"):
        d.pop("diversity", None)  # records signed before the section existed keep their hash
    if d.get("stream") is None:  # records signed before streams existed keep their hash
        d.pop("stream", None)
    for a in d["actions"]:
        for k in VOLATILE_ACTION:
            a.pop(k, None)
    for x in d["discussions"]:
        for k in VOLATILE_DISCUSSION:
            x.pop(k, None)
        if not x.get("provenance"):  # records signed before provenance existed hash as then
            x.pop("provenance", None)
        for k in LATER_DISCUSSION:  # likewise before the supervisee's agenda and Temple App. 3
            if not x.get(k):
                x.pop(k, None)
    for x in d["disagreements"]:
        for k in VOLATILE_DISAGREEMENT:
            x.pop(k, None)
    for x in d["reflections"]:
        for k in VOLATILE_REFLECTION:
            x.pop(k, None)
    return d


def content_hash(rec: SessionRecord) -> str:
    """SHA-256 over the canonical JSON of the record."""
    blob = json.dumps(canonical_content(rec), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def chain_hash(prev_hash: str, fields: dict) -> str:
    """Hash of an audit entry chained to the one before it."""
    blob = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256((prev_hash + blob).encode("utf-8")).hexdigest()
