"""Residual-risk report: capitalised words left after redaction, for a human to review."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from importlib import resources
from typing import Iterable

_PLACEHOLDER = re.compile(r"\[[A-Z_]+(?:_\d+)?\]")
# A word: letters with inner apostrophes/hyphens ("O'Neill-Baptiste"); digits
# and "_" end it, so "2024Bartholomew" and "note_Bartholomew" are found too.
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


@cache
def _word_lines() -> tuple[str, ...]:
    text = resources.files("supervision_kit.export").joinpath("common_words.txt").read_text("utf-8")
    return tuple(w.strip().lower() for w in text.splitlines() if w.strip() and w[0] != "#")


@cache
def common_words() -> frozenset[str]:
    """The shipped common English words (lower case, no names), read on first use."""
    return frozenset(w for w in _word_lines() if w[0] != "+")


@cache
def name_words() -> frozenset[str]:
    """Ordinary words that are also first names ("hope", "will"): marked '+' in the file."""
    return frozenset(w[1:] for w in _word_lines() if w[0] == "+")


def _is_common(word: str, common: frozenset[str]) -> bool:
    w = _POSSESSIVE.sub("", word).lower().replace("’", "'")
    if w in common:
        return True
    parts = [p for p in re.split(r"[-']", w) if p]
    return bool(parts) and all(p in common for p in parts)


def residual_risk(texts: Iterable[str]):
    """DataFrame (word, count) of capitalised words that are neither common nor placeholders.

    Sorted by count (then word); meant for a person to read before release,
    since an unknown name ("Bartholomew") or place survives redaction.
    """
    import pandas as pd

    common = common_words()
    counts: Counter = Counter()
    for text in texts:
        if not text:
            continue
        for word in _WORD.findall(_PLACEHOLDER.sub(" ", text)):
            if word[0].isupper() and not _is_common(word, common):
                counts[_POSSESSIVE.sub("", word)] += 1
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return pd.DataFrame(rows, columns=["word", "count"]).astype({"word": object, "count": "int64"})
