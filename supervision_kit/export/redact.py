"""De-identify free-text supervision notes for the research export.

Build one ``Redactor`` per export from every person the store knows, then call
``redact(text, case_key)`` on each note. Names become typed placeholders that
are stable within a case: ``[CHILD_1]``, ``[PARENT_1]``, ``[CARER_1]``,
``[SIBLING_1]``, ``[OTHER_1]`` (numbered per role in case-list order),
``[WORKER]`` for workers, ``[FAMILY_n]`` for a surname shared by two or more
people of the case, ``[PERSON]`` for people known from other cases, and
``[ORGANISATION]`` for an organisation named after someone ("Fletcher Medical
Centre"). Postcodes, phones, NHS/NI numbers, dates, addresses, case references,
e-mails and URLs become ``[POSTCODE]``, ``[PHONE]`` and so on (``patterns.py``).

Rules chosen here (tested in ``tests/test_redact.py`` and ``tests/test_redact_classes.py``):

- Text and names are compared folded (``fold.py``): NFC, lower case, accents off,
  letters that do not decompose transliterated ("Paweł" = "Pawel", "Søren" =
  "Soren"); a replacement covers whole grapheme clusters (no stray accent after it).
- Names match inside punctuation, digits or underscores, as whole tokens only:
  "Jamieson" stays when only "Jamie" is known. Full names also match glued
  ("JamieFletcher", "jamie_fletcher") unless the glued string is an ordinary word.
- Possessives and plurals ("Jamie's", "the Fletchers'") are matched; the
  apostrophe part is kept after the placeholder. No other punctuation is consumed.
- A name that is also a common English word ("Precious", "Hope", "Will", "Brown")
  is redacted in any case in text about its own case (a session's notes are about
  the cases it discussed): there the store knows the word is a person. Elsewhere only
  capitalised forms go and lower-case "will" stays; ``strict_case=True`` redacts the
  lower-case form in all text.
- Name parts of two letters ("Ní", "Le", "Do") match only exactly as recorded (case and
  accents), so "NI number" and "do" stay; one-letter parts are not looked for alone.
- An initial with a surname ("B. Fletcher", "bfletcher") is the one adult of the case
  with that initial and surname, else ``[PERSON]``; never a child. "A" and "I" are words.
- A name followed by an organisation word ("Surgery", "Primary School"; see
  ``templates/redaction/organisations.yaml``) goes with it as ``[ORGANISATION]``.
- Nicknames of a case's people (``templates/redaction/nicknames.yaml``: "Sasha" for
  Alexandra) and capitalised words one edit from a recorded name of the case or a
  worker ("Lindsey" for Lindsay; names of 4+ letters) are replaced too, and counted in
  ``counts`` ("nickname", "spelling_variant") for the export's report.
- A first name shared by two people of one case takes the placeholder of the first; an
  unknown case key has no people, but every known name still goes (``[PERSON]``).
- The tail of an apostrophe surname is a name too ("O'Neil": "O Neil", "Neil"); a
  name hyphenated across a line break ("Fletch-\\ner") is joined and redacted.
- Names the store does not know are not found here: ``residual_risk`` lists
  capitalised leftovers for review.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, OrderedDict
from typing import Hashable

from ..errors import ValidationError
from .casemap import CaseMap, case_map, merge
from .fold import INVISIBLE, MARKS, fold, fold_word, span
from .names import KEY_DEL, ROLES, SEP_RE, SUFFIX_PATTERN, Person, key, trie_regex
from .patterns import PLACEHOLDER_WORDS, identifier_sub
from .residual import common_words, name_words, residual_risk
from .variants import MIN_NEAR, NearIndex, organisation_prefix_regex, organisation_regex

__all__ = ["ROLES", "Person", "Redactor", "residual_risk"]

# A word broken by a hyphen at the end of a line ("Fletch-\ner").
_LINE_BREAK = re.compile(r"([^\W\d_]+)-[ \t]*\r?\n[ \t]*([^\W\d_]+)")
# A capitalised word of 4+ letters, not inside a placeholder or glued to digits.
_CAP_WORD = re.compile(r"(?<![\w\[])[A-Z\u00c0-\u00de\u0100-\u024f\u1e00-\u1eff]"
                       r"(?:[^\W\d_]|[" + MARKS + r"]){3,}(?![\w\]])")
# Session maps kept: more than a chunk of the export (5,000 rows), so the columns of a
# chunk, released one after another, find every session's map built.
_SESSION_CACHE = 8192


class Redactor:
    """Compiled once per export; ``redact(text, case_key)`` de-identifies one note.

    ``groups`` maps other keys (a session) to the case keys whose people they mention:
    text under such a key gets those cases' roles, numbered across them in order.
    """

    def __init__(self, people_by_case: dict[Hashable, list[Person]], workers: list[Person], *,
                 strict_case: bool = False, groups: dict[Hashable, list] | None = None):
        self._strict = strict_case
        self._ordinary = common_words() | name_words()
        self._groups = groups or {}
        self._group_maps: OrderedDict = OrderedDict()
        self._store_near: NearIndex | None = None
        self._plain_words: set[str] = set()
        self.counts: Counter = Counter()   # "nickname", "spelling_variant" replacements
        self.kept: Counter = Counter()     # known names left as ordinary lower-case words
        spellings: set[str] = set()
        self._case_maps = {k: case_map(p, spellings) for k, p in people_by_case.items()}
        g = self._global = case_map(list(workers), spellings)
        self._workers_near = self._near_index(g)  # before other cases' names join the map
        for m in self._case_maps.values():
            for k, label in m.labels.items():
                if k not in m.variants:
                    g.labels.setdefault(k, "[PERSON]")
            for e in m.exact:
                if e not in m.exact_variants:
                    g.exact.setdefault(e, "[PERSON]")
        # Nicknames of a case's people count only in that case's text.
        self._variant_only = {k for m in self._case_maps.values() for k in m.variants
                              if k not in g.labels}
        # Glued spellings ("jamiefletcher") of every multi-part name, unless the
        # glued string is an ordinary word ("Al So" -> "also"): that one is kept.
        self._glued_common: set[str] = set()
        for cmap in [g.labels, *(m.labels for m in self._case_maps.values())]:
            self._add_glued(cmap)
        # Single-word names that are ordinary words: lower-case use outside the case stays.
        self._lower_ok = frozenset(k for k in g.labels if " " not in k and k in self._ordinary)
        self._empty = CaseMap()
        self._body = trie_regex(sorted(spellings)) if spellings else None
        # Whole tokens only: no letter on either side (digits, "_" and punctuation are fine).
        self._names = re.compile(r"(?<![^\W\d_])(?P<n>" + self._body + ")" + SUFFIX_PATTERN +
                                 r"(?![^\W\d_])") if self._body else None
        exact = {e for m in [g, *self._case_maps.values()] for e in m.exact}
        # No look-behind in front, so the engine skips to the parts' first letters; the
        # word start is checked in ``_exact_pass``.
        self._exact = re.compile(r"(?P<x>" + "|".join(
            re.escape(e) for e in sorted(exact, key=len, reverse=True)) +
            r")(?P<s>['’]s)?(?![^\W\d_]|[" + MARKS + "])") if exact else None

    def _add_glued(self, cmap: dict[str, str]) -> None:
        for k, label in list(cmap.items()):
            if " " in k:
                glued = k.replace(" ", "")
                if glued in self._ordinary:
                    self._glued_common.add(glued)
                else:
                    cmap.setdefault(glued, label)

    def _map(self, case_key: Hashable) -> CaseMap:
        m = self._case_maps.get(case_key)
        if m is not None:
            return m
        cases = self._groups.get(case_key) if case_key is not None else None
        if not cases:
            return self._empty
        if len(cases) == 1:
            return self._case_maps.get(cases[0], self._empty)
        group = tuple(cases)  # sessions that discussed the same cases share a map
        m = self._group_maps.get(group)
        if m is None:
            m = merge([self._case_maps[c] for c in cases if c in self._case_maps])
            self._group_maps[group] = m
            if len(self._group_maps) > _SESSION_CACHE:
                self._group_maps.popitem(last=False)
        return m

    @property
    def strict_case(self) -> bool:
        """Lower-case names that are words are replaced in all text, not only their case's."""
        return self._strict

    def store_near_index(self) -> NearIndex:
        """Every recorded single-word name of the store (4+ letters), for the report."""
        if self._store_near is None:
            self._store_near = NearIndex({k: "" for k in self._global.labels if k.isalpha()
                                          and len(k) >= MIN_NEAR and k not in self._variant_only
                                          and k not in self._global.variants})
        return self._store_near

    def short_forms(self) -> set[str]:
        """Folded recorded two-letter name parts ("ni" for "Ní")."""
        return {fold_word(e) for e in self._global.exact}

    def placeholders(self, case_key: Hashable) -> dict[str, str]:
        """Name key -> placeholder for one case (for audit and tests)."""
        return dict(self._map(case_key).labels)

    def redact(self, text: str, case_key: Hashable) -> str:
        """Return ``text`` with every known name and pattern identifier replaced."""
        if not text:
            return text if isinstance(text, str) else ""
        if not isinstance(text, str):
            raise ValidationError("text", "must be a string")
        if not text.isascii():
            text = unicodedata.normalize("NFC", text.translate(INVISIBLE))
        # Patterns first, so e-mails and street names containing a name go whole.
        text = identifier_sub(text)
        if self._names is None:
            return text
        if "-\n" in text or "-\r\n" in text or "- \n" in text:
            text = self._join_broken(text)
        m = self._map(case_key)
        text = self._names_pass(text, m)
        if self._exact is not None:
            text = self._exact_pass(text, m)
        return self._near_pass(text, m)

    def _join_broken(self, text: str) -> str:
        """Rejoin names hyphenated across a line break ("Fletch-\\ner" -> "Fletcher")."""
        known = self._global.labels

        def join(m: re.Match) -> str:
            word = m.group(1) + m.group(2)
            return word if key(word) in known else m.group()
        return _LINE_BREAK.sub(join, text)

    def _label(self, m: CaseMap, k: str, raw: str) -> str | None:
        """Placeholder for the name key ``k`` written ``raw``, or None to keep it."""
        g = self._global
        out = m.labels.get(k)
        if out is not None and k in m.variants:
            if not raw[:1].isupper():
                return None
            self.counts["nickname"] += 1
            return out
        if out is None:
            out = g.labels.get(k)
            if out is not None and k in g.variants:
                if not raw[:1].isupper():
                    return None
                self.counts["nickname"] += 1
                return out
            if (out is not None and not self._strict and k in self._lower_ok
                    and raw.islower()):
                self.kept[k] += 1  # a name outside its case, written as the word
                return None
        if out is None:
            if k in self._glued_common or k in self._variant_only:
                return None
            out = "[PERSON]"  # an odd spelling of a known key: redact all the same
        return out

    def _names_pass(self, text: str, m: CaseMap) -> str:
        low, pos = fold(text)
        org, org_prefix = organisation_regex(), organisation_prefix_regex()
        pieces: list[str] = []
        last = 0
        for mt in self._names.finditer(low):
            s, e = span(pos, mt.start("n"), mt.end("n"))
            me = span(pos, mt.start(), mt.end())[1]
            if s < last:
                continue
            raw = text[s:e]
            if s and text[s - 1] in "[_" and raw.isupper() and raw in PLACEHOLDER_WORDS:
                continue  # the word inside a placeholder we emitted
            k = mt.group("n")
            if not k.isalpha():
                k = " ".join(p for p in SEP_RE.split(k.translate(KEY_DEL)) if p)
            rep = self._label(m, k, raw)
            if rep is None:
                continue
            suffix = text[e:me]
            om = org.match(text, me)
            if om is not None:
                pm = org_prefix.search(text, max(last, s - 8), s)
                if not suffix or pm is not None:
                    s, me, rep, suffix = (pm.start() if pm else s), om.end(), "[ORGANISATION]", ""
            if suffix:
                rep += suffix[1:] if suffix[0] in "sS" else suffix
            pieces += [text[last:s], rep]
            last = me
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)

    def _exact_pass(self, text: str, m: CaseMap) -> str:
        g = self._global

        def repl(mt: re.Match) -> str:
            name = mt.group("x")
            s = mt.start()
            before = text[s - 1] if s else ""
            if before.isalpha() or (before == "[" and name in PLACEHOLDER_WORDS):
                return mt.group()  # inside a word, or a placeholder's word ("[NI_NUMBER]")
            out = m.exact.get(name)
            if out is not None and name in m.exact_variants:
                self.counts["nickname"] += 1
            elif out is None:
                out = g.exact.get(name)
                if out is None:
                    return mt.group()  # a nickname of another case's person
                if name in g.exact_variants:
                    self.counts["nickname"] += 1
            return out + (mt.group("s") or "")
        return self._exact.sub(repl, text)

    def _near_index(self, m: CaseMap) -> NearIndex:
        if m.near is None:
            ordinary = self._ordinary
            m.near = NearIndex({k: v for k, v in m.labels.items()
                                if k.isalpha() and len(k) >= MIN_NEAR and k not in m.variants
                                and k not in ordinary})
        return m.near

    def _near_pass(self, text: str, m: CaseMap) -> str:
        """Capitalised words one edit from a recorded name of the case or of a worker."""
        workers = self._workers_near
        if not m.labels and not workers:
            return text
        ordinary, known, local = self._ordinary, self._global.labels, m.labels
        near = None  # the case's index, built only when a word needs it
        pieces: list[str] = []
        last = 0
        plain = self._plain_words  # words known to be no candidate in any text
        store = self.store_near_index()
        for w in _CAP_WORD.finditer(text):
            word = w.group()
            if word in plain:
                continue
            k = fold_word(word)
            if not word[0].isupper() or k in ordinary or k in known or not k.isalpha():
                if len(plain) < 1 << 16:
                    plain.add(word)
                continue
            if k in local:
                continue
            if not store.names(k):  # near no name of anyone: never a candidate
                if len(plain) < 1 << 16:
                    plain.add(word)
                continue
            if near is None:
                near = self._near_index(m)
            rep = (near.label(k) if near else None) or (workers.label(k) if workers else None)
            if rep is None:
                continue
            self.counts["spelling_variant"] += 1
            pieces += [text[last:w.start()], rep]
            last = w.end()
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)
