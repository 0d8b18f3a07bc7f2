"""Ids and names that must read as what they are: a strict id pattern, no hidden characters.

Ids end up in file names, URLs and log lines, so they are letters, digits, ``.``, ``_`` and
``-`` only, start with a letter or digit and are at most 64 characters: ``../`` and ``/``
can never reach a path. Names, references and usernames refuse control characters and the
bidirectional and invisible formatting characters (U+202E RIGHT-TO-LEFT OVERRIDE makes a
name read differently from what it says). Free text keeps them, shown escaped
(``visible``), because people paste text from other systems.
"""
from __future__ import annotations

import re
import unicodedata

from ..errors import ValidationError

ID_MAX = 64
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_ID = re.compile(ID_PATTERN)
# Bidirectional embeddings, overrides and isolates, marks, and zero-width characters.
BIDI = frozenset("\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                 "\u2060\u2066\u2067\u2068\u2069\ufeff")
_HIDDEN = re.compile("[" + "".join(sorted(BIDI)) + "\x00-\x1f\x7f-\x9f]")


def is_id(value) -> bool:
    """True for a string matching ``ID_PATTERN``."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def check_id(value, field: str, *, required: bool = True) -> str | None:
    """An id as given, or ``ValidationError`` naming ``field``."""
    if value in (None, "") and not required:
        return None
    if not is_id(value):
        raise ValidationError(field, f"{value!r} is not a valid id: use letters, digits, '.', '_' "
                                     f"and '-' (starting with a letter or digit, at most {ID_MAX})")
    return value


def hidden_character(text: str) -> str | None:
    """The first control, bidirectional or invisible formatting character, as ``U+202E``."""
    m = _HIDDEN.search(text or "")
    return f"U+{ord(m.group()):04X}" if m else None


def check_name(value: str, field: str) -> str:
    """A name, reference or username without hidden characters, or ``ValidationError``."""
    bad = hidden_character(value)
    if bad:
        what = unicodedata.name(chr(int(bad[2:], 16)), "a control character")
        raise ValidationError(field, f"contains {bad} ({what.lower()}), which makes text read "
                                     f"differently from what it says: retype it")
    return value


def visible(text: str) -> str:
    """Free text with its bidirectional and invisible characters shown as ``<U+202E>``
    (tabs and line breaks kept), for display and export."""
    return _HIDDEN.sub(lambda m: m.group() if m.group() in "\t\n\r" else f"<U+{ord(m.group()):04X}>",
                       text or "")
