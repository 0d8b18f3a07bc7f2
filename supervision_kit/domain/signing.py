"""How a signature was given: the words stored with it, shown on screen and in the PDF.

A person signs only as themselves, from their own signed-in session; the method says
how that session's identity was established. Rows signed before the method was kept
honestly say so instead of claiming a login nobody can now vouch for.
"""
from __future__ import annotations

import hashlib

OWN_LOGIN = "own login"
DEMO_PICKER = "demo picker (demo database; no password)"
BEFORE_METHODS = "recorded before sign-in methods were kept"
# Allowed until signing was bound to authentication; kept on the rows that have it.
IN_PERSON_LEGACY = "in person, on the supervisor's device"
DEMO_DATA = "demo data (generated)"
MAX_COMMENT = 5000


def signature_words(method: str, disagrees: bool = False, comment: str = "") -> str:
    """One line: "own login; disagrees with the record" (for lists and the audit log)."""
    parts = [method or BEFORE_METHODS]
    if disagrees:
        parts.append("disagrees with the record")
    elif comment.strip():
        parts.append("with a comment")
    return "; ".join(parts)


def sha256_text(text: str) -> str:
    """SHA-256 of typed text (a comment's fingerprint in the audit log)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
