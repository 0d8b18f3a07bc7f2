"""De-identify free-text supervision notes for the research export.

Build one ``Redactor`` per export from every person the store knows, then call
``redact(text, case_key)`` on each note. Names become typed placeholders that
are stable within a case: ``[CHILD_1]``, ``[PARENT_1]``, ``[CARER_1]``,
``[SIBLING_1]``, ``[OTHER_1]`` (numbered per role in case-list order),
``[WORKER]`` for workers, ``[FAMILY_n]`` for a surname shared by two or more
people of the case, and ``[PERSON]`` for people known from other cases.
Postcodes, phones, NHS/NI numbers, dates, addresses, case references, e-mails
and URLs become ``[POSTCODE]``, ``[PHONE]`` and so on (see ``patterns.py``).

Rules chosen here (tested in ``tests/test_redact.py``):

- Names match in any case and inside punctuation, digits or underscores, as
  whole tokens only: "Jamieson" stays when only "Jamie" is known.
- Full names also match glued ("JamieFletcher", "jamie_fletcher"), as in
  usernames, unless the glued string is an ordinary word.
- Possessives and plurals ("Jamie's", "the Fletchers", "Fletchers'") are
  matched; the apostrophe part is kept after the placeholder.
- A single-word name that is also a common English word ("Will", "Hope",
  "Brown") is redacted when written with a capital ("Will", "WILL") but left
  alone in all-lower case ("will"), so ordinary prose survives; pass
  ``strict_case=True`` to redact the lower-case form too.
- A first name shared by two people of one case takes the placeholder of the
  first of them in the case list.
- A case key the redactor was not given is redacted as if it had no people:
  every known name still goes (as ``[PERSON]``/``[WORKER]``).
- An initial goes with the surname it precedes ("J. Fletcher", "J Fletcher",
  "j.fletcher" and usernames like "jfletcher" all become that person's
  placeholder), except "A" and "I", which are words: "A. Fletcher" keeps "A.".
- The tail of an apostrophe surname is a name too ("O'Neil": "O Neil", "Neil").
- A name hyphenated across a line break ("Fletch-\\ner") is joined and redacted;
  accented spellings in the text match plain ones in the store ("Zoë" for "Zoe").
- Names the store does not know are not found here: ``residual_risk`` lists
  capitalised leftovers for review.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Hashable, Iterable

from supervision_kit.errors import ValidationError
from supervision_kit.export.patterns import PLACEHOLDER_WORDS, identifier_sub
from supervision_kit.export.residual import common_words, name_words, residual_risk

__all__ = ["ROLES", "Person", "Redactor", "residual_risk"]

ROLES = ("child", "parent", "carer", "sibling", "other", "worker")

_APOSTROPHES = "'’‘`ʼ"
# Between the parts of a name: whitespace, any dash, "_" ("jamie_fletcher"), or
# nothing at all ("JamieFletcher", "jamiefletcher": usernames and file names).
_SEP_RE = re.compile(r"[\s\-‐‑–—_]+")
_SEP_PATTERN = r"[\s\-‐‑–—_]*"
_APOS_DEL = str.maketrans("", "", _APOSTROPHES)
# Lookup keys also drop dots, so "J. Fletcher", "J.Fletcher" and "J Fletcher" agree.
_KEY_DEL = str.maketrans("", "", _APOSTROPHES + ".")
# "O'Neil" -> ("o", "neil"): a one- or two-letter prefix and an apostrophe.
_APOS_PREFIX = re.compile("^([^\\W\\d_]{1,2})[" + _APOSTROPHES + "]([^\\W\\d_]{3,})$")
# A word broken by a hyphen at the end of a line ("Fletch-\ner").
_LINE_BREAK = re.compile(r"([^\W\d_]+)-[ \t]*\r?\n[ \t]*([^\W\d_]+)")
# Zero-width and soft-hyphen characters can hide a name from any regex.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_APOS_PATTERN = "[" + _APOSTROPHES + "]?"
_SUFFIX_PATTERN = "(?P<s>[" + _APOSTROPHES + "]s|s[" + _APOSTROPHES + "]?|[" + _APOSTROPHES + "])?"


@dataclass(frozen=True)
class Person:
    """Someone whose name must not reach researchers; ``role`` sets the placeholder."""

    first: str
    last: str
    role: str

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValidationError("role", f"must be one of {', '.join(ROLES)}, not {self.role!r}")


def _fold(s: str) -> str:
    """ASCII spelling of ``s`` ("Zoë" -> "Zoe"), or ``s`` when it already is."""
    if s.isascii():
        return s
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


def _key(s: str) -> str:
    """Normalised lookup key: lower case, no apostrophes, single spaces between parts."""
    s = unicodedata.normalize("NFC", s).lower().translate(_KEY_DEL)
    return " ".join(p for p in _SEP_RE.split(s) if p)


def _spelling(s: str) -> str:
    """Spelling kept for the regex: lower case with apostrophes, parts joined by one space."""
    s = unicodedata.normalize("NFC", s).lower()
    return " ".join(p for p in _SEP_RE.split(s) if p)


def _forms(person: Person) -> tuple[list[str], list[str], list[str]]:
    """(full-name, first-name, surname) spellings of one person, with ASCII variants."""
    first, last = _spelling(person.first or ""), _spelling(person.last or "")
    full = [f"{first} {last}"] if first and last else []
    firsts = [first] if first else []
    lasts = [last] if last else []
    # Each part of "Mary Jane" or "O'Neill-Baptiste" identifies on its own.
    firsts += [p for p in first.split(" ") if len(p.translate(_APOS_DEL)) > 1] if " " in first else []
    lasts += [p for p in last.split(" ") if len(p.translate(_APOS_DEL)) > 1] if " " in last else []
    # "O'Neil" is also written "O Neil", or just "Neil".
    for p in list(lasts):
        m = _APOS_PREFIX.match(p)
        if m:
            lasts += [f"{m.group(1)} {m.group(2)}", m.group(2)]
    if first and lasts:
        # An initial with the surname or a part of it: "J. Fletcher", "J Fletcher",
        # "jfletcher", "twainwright" (the dot is optional in the regex). "A" and "I"
        # are words ("a Fletcher child"): there the surname alone is redacted.
        initial = first[0]
        if initial not in "ai" and initial.isalpha():
            full += [f"{initial}. {x}" for x in lasts if len(x.translate(_APOS_DEL)) > 2]
    out = []
    for group in (full, firsts, lasts):
        seen = []
        for s in group:
            for v in (s, _fold(s)):
                if len(v.translate(_APOS_DEL).replace(" ", "")) > 1 and v not in seen:
                    seen.append(v)
        out.append(seen)
    return out[0], out[1], out[2]


def _fold_table(text: str) -> dict[int, str]:
    """One-to-one ASCII folds ("ë" -> "e") of the accented letters in ``text``."""
    table = {}
    for ch in set(text):
        if ord(ch) > 127:
            base = unicodedata.normalize("NFKD", ch)[:1]
            if base.isascii() and base.isalpha() and base != ch:
                table[ord(ch)] = base
    return table


def _trie_regex(spellings: Iterable[str]) -> str:
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
            elif ch in _APOSTROPHES:
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


class Redactor:
    """Compiled once per export; ``redact(text, case_key)`` de-identifies one note."""

    def __init__(
        self,
        people_by_case: dict[Hashable, list[Person]],
        workers: list[Person],
        *,
        strict_case: bool = False,
    ):
        self._strict = strict_case
        common = common_words() | name_words()
        spellings: set[str] = set()
        self._case_maps: dict[Hashable, dict[str, str]] = {}
        self._global: dict[str, str] = {}
        for person in workers:
            for group in _forms(person):
                for s in group:
                    spellings.add(s)
                    self._global.setdefault(_key(s), "[WORKER]")
        for case_key, people in people_by_case.items():
            self._case_maps[case_key] = self._case_map(people, spellings)
        for cmap in self._case_maps.values():
            for k in cmap:
                self._global.setdefault(k, "[PERSON]")
        # Glued spellings ("jamiefletcher") of every multi-part name, unless the
        # glued string is an ordinary word ("Al So" -> "also"): that one is kept.
        self._glued_common: set[str] = set()
        for cmap in [self._global, *self._case_maps.values()]:
            for k, label in list(cmap.items()):
                if " " in k:
                    glued = k.replace(" ", "")
                    if glued in common:
                        self._glued_common.add(glued)
                    else:
                        cmap.setdefault(glued, label)
        # Single-word names that are ordinary words: lower-case use is left alone.
        self._lower_ok = frozenset(k for k in self._global if " " not in k and k in common)
        self._empty: dict[str, str] = {}
        self._body = _trie_regex(sorted(spellings)) if spellings else None
        # Matched against the lower-cased text: a case-sensitive trie is several
        # times faster in Python's re than the same trie with IGNORECASE.
        self._names = re.compile(self._wrap(self._body)) if self._body else None
        self._names_i: re.Pattern | None = None

    @staticmethod
    def _wrap(body: str) -> str:
        # Whole tokens only: no letter on either side (digits, "_" and punctuation are fine).
        return r"(?<![^\W\d_])(?P<n>" + body + ")" + _SUFFIX_PATTERN + r"(?![^\W\d_])"

    @staticmethod
    def _case_map(people: list[Person], spellings: set[str]) -> dict[str, str]:
        """Placeholder for every name key of one case, numbered per role in list order."""
        counts: Counter = Counter()
        labels = []
        for p in people:
            if p.role == "worker":
                labels.append("[WORKER]")
            else:
                counts[p.role] += 1
                labels.append(f"[{p.role.upper()}_{counts[p.role]}]")
        forms = [_forms(p) for p in people]
        # A surname key used by two or more people of the case is a family name.
        owners: dict[str, set[int]] = {}
        for i, (_, _, lasts) in enumerate(forms):
            for s in lasts:
                owners.setdefault(_key(s), set()).add(i)
        family: dict[str, str] = {}
        for i, (_, _, lasts) in enumerate(forms):
            for s in lasts:
                k = _key(s)
                if len(owners[k]) > 1 and k not in family:
                    family[k] = f"[FAMILY_{len(set(family.values())) + 1}]"
        cmap: dict[str, str] = {}
        for tier in range(3):  # full names first, then first names, then surnames
            for i, groups in enumerate(forms):
                for s in groups[tier]:
                    spellings.add(s)
                    k = _key(s)
                    cmap.setdefault(k, family.get(k, labels[i]) if tier == 2 else labels[i])
        return cmap

    def _join_broken(self, text: str) -> str:
        """Rejoin names hyphenated across a line break ("Fletch-\\ner" -> "Fletcher")."""
        known = self._global

        def join(m: re.Match) -> str:
            word = m.group(1) + m.group(2)
            k = _fold(word.lower())
            return word if k in known or word.lower() in known else m.group()
        return _LINE_BREAK.sub(join, text)

    def placeholders(self, case_key: Hashable) -> dict[str, str]:
        """Name key -> placeholder for one case (for audit and tests)."""
        return dict(self._case_maps.get(case_key, self._empty))

    def redact(self, text: str, case_key: Hashable) -> str:
        """Return ``text`` with every known name and pattern identifier replaced."""
        if not text:
            return text if isinstance(text, str) else ""
        if not isinstance(text, str):
            raise ValidationError("text", "must be a string")
        if not text.isascii():
            text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
        # Patterns first, so e-mails and street names containing a name go whole.
        text = identifier_sub(text)
        if self._names is None:
            return text
        if "-\n" in text or "-\r\n" in text or "- \n" in text:
            text = self._join_broken(text)
        cmap = self._case_maps.get(case_key, self._empty)
        glob = self._global
        lower_ok = self._lower_ok
        strict = self._strict
        glued_common = self._glued_common

        def label(m: re.Match, raw: str, k: str) -> str | None:
            """Placeholder for one match, or None to keep the original text."""
            if not k.isalpha():
                k = " ".join(p for p in _SEP_RE.split(k.translate(_KEY_DEL)) if p)
            if not strict and k in lower_ok and raw.islower():
                return None
            start = m.start()
            if start and text[start - 1] in "[_" and raw.isupper() and raw in PLACEHOLDER_WORDS:
                return None  # the word inside a placeholder we emitted
            out = cmap.get(k) or glob.get(k)
            if out is None:
                if k in glued_common:
                    return None
                out = "[PERSON]"  # an odd case-folding: redact all the same
            suffix = m.group("s")
            if suffix:
                out += suffix[1:] if suffix[0] in "sS" else suffix
            return out

        low = text.lower()
        if len(low) != len(text):
            # Rare characters whose lower case has another length: match the
            # original text case-insensitively instead (slower, same result).
            if self._names_i is None:
                self._names_i = re.compile(self._wrap(self._body), re.IGNORECASE)
            return self._names_i.sub(
                lambda m: label(m, m.group("n"), m.group("n").lower()) or m.group(), text)
        if not text.isascii():
            # Same length, so match positions in ``low`` are positions in ``text``.
            low = low.translate(_fold_table(low))
        pieces: list[str] = []
        last = 0
        for m in self._names.finditer(low):
            s, e = m.start("n"), m.end("n")
            rep = label(m, text[s:e], low[s:e])
            if rep is not None:
                pieces.append(text[last:m.start()])
                pieces.append(rep)
                last = m.end()
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)
