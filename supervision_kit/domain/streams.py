"""Supervision streams: the kinds of supervision one person may receive side by side.

[HSCB "Definition of Safeguarding Supervision and Management Oversight": line management
and safeguarding supervision; PG41 5 (line management, professional or case supervision);
Havering 1: "additional professional supervision by a registered social worker for
practitioners whose line manager is not a social worker"]. A preset names its usual
stream (``supervision.stream``) and may use a name of its own.
"""
from __future__ import annotations

import re

from ..errors import ValidationError

STREAMS = {
    "management": "Management (line) supervision",
    "safeguarding": "Safeguarding supervision",
    "clinical": "Clinical supervision",
    "professional": "Professional supervision (registered social worker)",
}
_NAME = re.compile(r"^[a-z][a-z0-9 _-]{0,31}$")


def parse_stream(value, field: str = "stream") -> str | None:
    """A stream name (lower case, at most 32 characters) or None when blank."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(field, f"expected the name of a stream, got {value!r}")
    text = " ".join(value.strip().lower().split())
    if not text:
        return None
    if not _NAME.match(text):
        raise ValidationError(field, "a stream is a short name in letters, digits, spaces or "
                              f"hyphens ({', '.join(STREAMS)} or your own), got {value!r}")
    return text


def stream_label(name: str | None) -> str:
    """How a stream is shown: "Safeguarding supervision", or the name itself."""
    if not name:
        return "Supervision"
    return STREAMS.get(name, name[:1].upper() + name[1:] + " supervision")
