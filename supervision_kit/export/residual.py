"""Residual-risk report: capitalised words left after redaction, for a human to review.

``classify`` sorts what is left by why it may still identify someone (``REASONS``).
"""

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


# Why a word left in the text may still identify someone, most telling first.
REASONS = {
    "after_title": "Capitalised word after a title or relative (Mr, Mrs, Dr, Aunt, Uncle, "
                   "Nan, ...): most likely a name the store does not hold.",
    "nickname": "A diminutive or variant of a first name (templates/redaction/nicknames.yaml) "
                "not linked to anyone recorded in the text's case.",
    "near_known_name": "One letter from a name recorded somewhere in the store (or that "
                       "name), not replaced: another case's person, a name under 4 letters, "
                       "or a form the rules keep.",
    "short_name_form": "The letters of a recorded two-letter name part written in another "
                       "case or without its accents (often an abbreviation): two-letter parts "
                       "are replaced only exactly as recorded (words not listed: the list "
                       "would say which letters are names).",
    "other_capitalised": "Any other capitalised word that is not common English: an "
                         "unrecorded name, place or organisation.",
    "known_name_as_word": "A recorded name that is also an ordinary word, left in lower case "
                          "in text not about that person's case (words not listed: the list "
                          "would say which words are names; use strict_case to remove them).",
}


def classify(residual: Counter, titled: Counter, redactor) -> list[tuple[str, str, int]]:
    """(reason, word, count) rows for the residual words, by ``REASONS`` order then count."""
    from .fold import fold_word
    from .variants import nickname_words
    nicks = nickname_words()
    near = redactor.store_near_index()
    short = redactor.short_forms()
    rows = []
    short_words: Counter = Counter()
    for word, n in residual.items():
        k = fold_word(word)
        if word in titled:
            reason = "after_title"
        elif k in nicks:
            reason = "nickname"
        elif k.isalpha() and near.names(k):
            reason = "near_known_name"
        elif k in short:
            short_words[word] += n
            continue
        else:
            reason = "other_capitalised"
        rows.append((reason, word, n))
    if short_words:
        rows.append(("short_name_form", f"({len(short_words)} distinct words)",
                     sum(short_words.values())))
    kept = sum(redactor.kept.values())
    if kept:
        rows.append(("known_name_as_word", f"({len(redactor.kept)} distinct words)", kept))
    order = {r: i for i, r in enumerate(REASONS)}
    return sorted(rows, key=lambda r: (order[r[0]], -r[2], r[1]))


def residual_by_reason(rows: list[tuple[str, str, int]], top: int = 20) -> dict:
    """The report's residual risk per reason: description, words, uses, the top words."""
    out = {}
    for reason, doc in REASONS.items():
        mine = [(w, n) for r, w, n in rows if r == reason]
        if mine:
            out[reason] = {"description": doc, "distinct_words": len(mine),
                           "uses": sum(n for _, n in mine),
                           "top": [{"word": w, "count": n} for w, n in mine[:top]]}
    return out


def residual_md(by_reason: dict, variants: dict) -> list[str]:
    """Markdown lines of the report's residual risk grouped by reason."""
    lines = ["", "### What is left, by reason", "",
             f"Replaced as nicknames of recorded people: {variants.get('nickname', 0)}; as "
             f"one-letter variants of recorded names: {variants.get('spelling_variant', 0)} "
             "(review a sample: a variant can be another person's real name).", ""]
    for reason, g in by_reason.items():
        words = ", ".join(f"{x['word']} ({x['count']})" for x in g["top"])
        lines += [f"- **{reason}** ({g['distinct_words']} distinct, {g['uses']} uses): "
                  f"{g['description']} {words}"]
    return lines
