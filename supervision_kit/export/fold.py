"""Fold text for name matching: lower case, no accents, transliterated, positions kept.

``fold(text)`` returns the string names are matched in and, when it differs in length
from ``text``, the position in ``text`` of every character of it, so a match can be
mapped back and whole grapheme clusters replaced: combining marks fold to nothing and so
belong to the letter before them ("Ọ̀" folds to "o", and a match ending on it ends after
the marks). Letters that do not decompose ("ł", "ø", "ß", "æ") are spelled as an English
keyboard types them, from ``templates/redaction/transliteration.yaml``.
"""
from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

# Combining marks, for regexes on unfolded text: Python's \w does not match them, so a
# word's end must also not be followed by one ("Hồ" + U+0300 is not "Hồ").
MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
# Zero-width and soft-hyphen characters can hide a name from any regex.
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def redaction_data(name: str) -> dict:
    """One YAML file of ``templates/redaction/`` (transliteration, nicknames, organisations)."""
    import yaml

    from ..config import templates_folder
    path = templates_folder() / "redaction" / name
    if not path.exists():  # a custom templates folder without the redaction data
        path = Path(__file__).resolve().parents[2] / "templates" / "redaction" / name
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@cache
def letters() -> dict[str, str]:
    """Lower-case letter -> ASCII spelling, for letters NFKD leaves alone."""
    table = redaction_data("transliteration.yaml").get("letters") or {}
    return {str(k): str(v) for k, v in table.items()}


@cache
def _alternatives() -> dict[int, str]:
    table = redaction_data("transliteration.yaml").get("alternatives") or {}
    out = {}
    for k, v in table.items():
        for c in {str(k), str(k).upper()}:
            out[ord(unicodedata.normalize("NFC", c))] = str(v)
    return out


def alternative(s: str) -> str:
    """``s`` with its second spellings ("Müller" -> "Mueller"); ``s`` when it has none."""
    if s.isascii():
        return s
    return unicodedata.normalize("NFC", s).translate(_alternatives())


class _Table(dict):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        low = ch.lower()
        out = []
        table = letters()
        for c in low:
            for d in unicodedata.normalize("NFKD", c):
                if unicodedata.combining(d):
                    continue  # an accent: dropped, so it stays with its letter
                out.append(table.get(d, d))
        folded = "".join(out)
        if not folded and not unicodedata.combining(ch) and unicodedata.category(ch)[0] != "M":
            folded = low  # never drop a character that is not a mark
        self[code] = folded
        return folded


@cache
def _table() -> _Table:
    return _Table()


def fold_word(s: str) -> str:
    """The folded spelling of ``s`` ("Paweł" -> "pawel", "Adéṣọ̀lá" -> "adesola")."""
    if s.isascii():
        return s.lower()
    return unicodedata.normalize("NFC", s).translate(_table())


def fold(text: str) -> tuple[str, list[int] | None]:
    """(folded text, positions) where ``positions[i]`` is the index in ``text`` of folded
    character ``i`` plus a final ``len(text)``; positions is None when they are equal."""
    if text.isascii():
        return text.lower(), None
    table = _table()
    folded = text.translate(table)
    if len(folded) == len(text) and all(len(table[ord(c)]) == 1 for c in set(text) if ord(c) > 127):
        return folded, None
    pos: list[int] = []
    for i, ch in enumerate(text):
        pos.extend([i] * len(table[ord(ch)]))
    pos.append(len(text))
    return folded, pos


def span(pos: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """The span in the original text of folded ``[start, end)``: whole characters, with the
    combining marks that follow the last one."""
    if pos is None:
        return start, end
    s = pos[start]
    e = pos[end] if pos[end] > pos[end - 1] else pos[end - 1] + 1
    return s, e
