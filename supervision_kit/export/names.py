"""The spellings of a recorded person's name that the redaction looks for.

Every spelling is folded (``fold.fold_word``: lower case, no accents, "ł" as "l"), so the
text is matched folded too. ``forms(person)`` gives the full name, the first names and
surnames (and each part of a double name), initials with a surname, and the parts of two
letters or fewer, which are matched only exactly as recorded ("Ní", "Le", "Do") so that
"NI number" or "do" stay. ``trie_regex`` turns spellings into one fast regex.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Iterable

from ..errors import ValidationError
from .fold import alternative, fold_word

ROLES = ("child", "parent", "carer", "sibling", "other", "worker")
ADULT_ROLES = frozenset(("parent", "carer", "other", "worker"))

APOSTROPHES = "'’‘`ʼ"
# Between the parts of a name: whitespace, any dash, "_" ("jamie_fletcher"), or
# nothing at all ("JamieFletcher", "jamiefletcher": usernames and file names).
SEP_RE = re.compile(r"[\s\-‐‑–—_]+")
_SEP_PATTERN = r"[\s\-‐‑–—_]*"
APOS_DEL = str.maketrans("", "", APOSTROPHES)
# Lookup keys also drop dots, so "J. Fletcher", "J.Fletcher" and "J Fletcher" agree.
KEY_DEL = str.maketrans("", "", APOSTROPHES + ".")
# "O'Neil" -> ("o", "neil"): a one- or two-letter prefix and an apostrophe.
_APOS_PREFIX = re.compile("^([^\\W\\d_]{1,2})[" + APOSTROPHES + "]([^\\W\\d_]{3,})$")
_APOS_PATTERN = "[" + APOSTROPHES + "]?"
SUFFIX_PATTERN = "(?P<s>[" + APOSTROPHES + "]s|s[" + APOSTROPHES + "]?|[" + APOSTROPHES + "])?"
SHORT = 2  # name parts of this many letters or fewer are matched only exactly


@dataclass(frozen=True)
class Person:
    """Someone whose name must not reach researchers; ``role`` sets the placeholder."""

    first: str
    last: str
    role: str

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValidationError("role", f"must be one of {', '.join(ROLES)}, not {self.role!r}")


@dataclass
class Forms:
    """The folded spellings of one person's name, by kind."""

    full: list[str] = field(default_factory=list)
    firsts: list[str] = field(default_factory=list)
    lasts: list[str] = field(default_factory=list)
    initials: list[str] = field(default_factory=list)   # "j. fletcher"
    exact_firsts: list[str] = field(default_factory=list)  # "Ní", "Le": NFC, as recorded
    exact_lasts: list[str] = field(default_factory=list)


@lru_cache(maxsize=1 << 16)  # the same names are keyed again for every session's map
def key(s: str) -> str:
    """Normalised lookup key: folded, no apostrophes or dots, single spaces between parts."""
    s = fold_word(s).translate(KEY_DEL)
    return " ".join(p for p in SEP_RE.split(s) if p)


def spelling(s: str) -> str:
    """Spelling kept for the regex: folded with apostrophes, parts joined by one space."""
    return " ".join(p for p in SEP_RE.split(fold_word(s)) if p)


def letters(s: str) -> int:
    """Letters in a spelling (apostrophes, dots and spaces not counted)."""
    return len(s.translate(KEY_DEL).replace(" ", ""))


def _parts(raw: str) -> list[str]:
    return [p for p in SEP_RE.split(unicodedata.normalize("NFC", raw or "").strip()) if p]


@lru_cache(maxsize=1 << 16)  # a session's map reuses its cases' people: spell them once
def forms(person: Person) -> Forms:
    """Every spelling of ``person``'s name to look for (and its second spellings:
    "Müller" also as "Mueller")."""
    out = _forms(person)
    alt = Person(alternative(person.first or ""), alternative(person.last or ""), person.role)
    if alt != person:
        more = _forms(alt)
        for name in ("full", "firsts", "lasts", "initials"):
            mine = getattr(out, name)
            mine += [s for s in getattr(more, name) if s not in mine]
    return out


def _forms(person: Person) -> Forms:
    out = Forms()
    raw_first, raw_last = _parts(person.first), _parts(person.last)
    first, last = " ".join(map(spelling, raw_first)), " ".join(map(spelling, raw_last))
    if first and last:
        out.full.append(f"{first} {last}")
    for whole, parts, group, exact in ((first, raw_first, out.firsts, out.exact_firsts),
                                       (last, raw_last, out.lasts, out.exact_lasts)):
        if not whole:
            continue
        group.append(whole)
        if len(parts) > 1:
            # Each part of "Mary Jane" or "O'Neill-Baptiste" identifies on its own.
            group += [spelling(p) for p in parts]
        # A one-letter part ("Ó") is not looked for alone: it is a letter, not a name.
        exact += [raw for raw in parts if 1 < letters(raw) <= SHORT]
    # "O'Neil" is also written "O Neil", or just "Neil".
    for p in list(out.lasts):
        m = _APOS_PREFIX.match(p)
        if m:
            out.lasts += [f"{m.group(1)} {m.group(2)}", m.group(2)]
    if first and out.lasts:
        # An initial with the surname or a part of it: "J. Fletcher", "J Fletcher",
        # "jfletcher" (the dot is optional in the regex). "A" and "I" are words ("a
        # Fletcher child"): there the surname alone is redacted.
        initial = first[0]
        if initial not in "ai" and initial.isalpha():
            out.initials += [f"{initial}. {x}" for x in out.lasts if letters(x) > 2]
    for name in ("full", "firsts", "lasts", "initials"):
        seen: list[str] = []
        for s in getattr(out, name):
            # Parts of two letters or fewer are matched exactly (``exact``), never folded.
            if letters(s) > SHORT and s not in seen:
                seen.append(s)
        setattr(out, name, seen)
    out.exact_firsts = list(dict.fromkeys(out.exact_firsts))
    out.exact_lasts = list(dict.fromkeys(out.exact_lasts))
    return out


def trie_regex(spellings: Iterable[str]) -> str:
    """One regex matching any of ``spellings``; a trie, so cost is per character, not per name."""
    root: dict = {}
    for s in spellings:
        node = root
        for ch in s:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        end = "" in node
        alts = []
        for ch in sorted(k for k in node if k):
            if ch == " ":
                piece = _SEP_PATTERN
            elif ch in APOSTROPHES:
                piece = _APOS_PATTERN
            elif ch == ".":
                piece = r"\.?"  # "J. Fletcher" and "J Fletcher", "St. John" and "St John"
            else:
                piece = re.escape(ch)
            alts.append(piece + emit(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            # Greedy optional: the longest name is tried first, then backtracked.
            return "(?:" + body + ")?"
        return body

    return emit(root)
