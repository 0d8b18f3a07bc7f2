"""Names the store did not record but can infer: nicknames, one-letter misspellings,
and organisation names built on a recorded name.

``nicknames(first)`` gives the other names of a first name's groups in
``templates/redaction/nicknames.yaml`` ("Alexandra" -> "Sasha", "Alex", ...).
``NearIndex`` finds the recorded name one edit (a letter added, dropped, changed, or two
neighbours swapped) from a word, through a symmetric-deletion index: a lookup costs a
few dictionary probes, not a comparison with every name. ``organisation_regex`` matches
what follows a name in "Fletcher Medical Centre" (``templates/redaction/organisations.yaml``).
"""
from __future__ import annotations

import re
from functools import cache

from .fold import fold_word, redaction_data

MIN_NEAR = 4  # names shorter than this have too many ordinary neighbours ("Amy": "any")


@cache
def _groups() -> dict[str, frozenset[str]]:
    """Folded name -> every folded name sharing a group with it (itself excluded)."""
    out: dict[str, set[str]] = {}
    for group in redaction_data("nicknames.yaml").get("groups") or []:
        names = {fold_word(str(n)) for n in group}
        for n in names:
            out.setdefault(n, set()).update(names - {n})
    return {k: frozenset(v) for k, v in out.items()}


def nicknames(first: str) -> frozenset[str]:
    """Folded diminutives and variants of the folded first name ``first``."""
    return _groups().get(first, frozenset())


@cache
def nickname_words() -> frozenset[str]:
    """Every folded name of the nickname table."""
    return frozenset(_groups())


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def within_one(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one edit (swap of neighbours included)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1:] == b[i + 1:]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]
    return (a[i + 1:] == b[i:]) if la > lb else (a[i:] == b[i + 1:])


class NearIndex:
    """Recorded single-word names -> placeholder, found from a word one edit away."""

    # Below this many names (one case's), comparing with names of a near length is
    # cheaper than building the deletion index.
    SCAN = 64

    def __init__(self, labels: dict[str, str]):
        self._labels = labels
        self._index: dict[str, set[str]] = {}
        self._by_len: dict[int, list[str]] = {}
        if len(labels) < self.SCAN:
            for name in labels:
                self._by_len.setdefault(len(name), []).append(name)
            return
        for name in labels:
            for d in _deletions(name) | {name}:
                self._index.setdefault(d, set()).add(name)

    def __bool__(self) -> bool:
        return bool(self._labels)

    def names(self, word: str) -> set[str]:
        """Recorded names within one edit of the folded ``word``."""
        if not self._index:
            n, by = len(word), self._by_len
            return {name for size in (n - 1, n, n + 1) for name in by.get(size, ())
                    if within_one(word, name)}
        idx = self._index
        found: set[str] = set()
        for probe in _deletions(word) | {word}:
            found |= idx.get(probe, set())
        return {n for n in found if within_one(word, n)}

    def label(self, word: str) -> str | None:
        """The placeholder of the one recorded name near ``word``; ``[PERSON]`` when names
        of different people are; None when none is."""
        labels = {self._labels[n] for n in self.names(word)}
        if not labels:
            return None
        return labels.pop() if len(labels) == 1 else "[PERSON]"


@cache
def organisation_regex() -> re.Pattern:
    """What follows a name in an organisation's name (" Medical Centre", " Surgery")."""
    data = redaction_data("organisations.yaml")
    words = sorted((str(w) for w in data.get("suffixes") or []), key=len, reverse=True)
    # The first letter as written (a capital), the rest in any case; "Centre"/"Center".
    alts = "|".join(re.escape(w[0]) + "(?i:" + re.escape(w[1:]) + ")" for w in words if w)
    return re.compile(r"[ \t]+(?:" + alts + r")(?![^\W\d_])")


@cache
def organisation_prefix_regex() -> re.Pattern:
    """A word before a name that belongs to an organisation's name ("St ", "Saint ")."""
    data = redaction_data("organisations.yaml")
    alts = "|".join(re.escape(str(w)) for w in data.get("prefixes") or [] if w)
    return re.compile(r"(?<![^\W\d_])(?:" + alts + r")[ \t]+$")
