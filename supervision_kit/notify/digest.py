"""One person's reminder digest: counts and a link, nothing else.

No child's or family member's name, no case reference and no record content ever goes
in a reminder: e-mail leaves the agency's systems. The digest says how many things need
the person and where to sign in to see them.
"""
from __future__ import annotations

import hashlib
import json

KINDS = {
    "supervision": "Supervision due or overdue",
    "signatures": "Supervision records awaiting your signature",
    "actions": "Overdue actions you own",
    "oversight": "Decisions waiting for your management oversight",
    "requests": "Requests waiting for your answer",
}


def fingerprint(counts: dict[str, int]) -> str:
    """A stable hash of the counts: the same digest twice in a day is not sent again."""
    blob = json.dumps({k: int(v) for k, v in sorted(counts.items()) if v}, sort_keys=True)
    return hashlib.sha256(blob.encode("ascii")).hexdigest()


def compose(counts: dict[str, int], link: str) -> tuple[str, str]:
    """(subject, plain-text body) of a digest; ``counts`` maps kinds of ``KINDS`` to numbers."""
    lines = [f"- {KINDS[k]}: {int(n)}" for k, n in counts.items() if n and k in KINDS]
    total = sum(int(n) for k, n in counts.items() if k in KINDS)
    subject = f"Supervision reminders: {total} thing{'s' if total != 1 else ''} need{'' if total != 1 else 's'} you"
    body = "\n".join([
        "Hello,", "", "This is your supervision reminder. Today:", "", *lines, "",
        f"Sign in to see them: {link}", "",
        "For confidentiality this e-mail carries counts only: no names, case references or "
        "record content.",
        "You can stop a kind of reminder on the \"My records\" tab of the reflection app "
        "(or supervision-kit remind --opt-out)."])
    return subject, body
