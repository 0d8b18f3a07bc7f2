"""Free text for the research export: the store's ``Redactor`` plus team names, with counts.

``build_scrubber(conn)`` reads every person of every case (as ``Person``), every
practitioner's name and every team name from the store; ``Scrubber(text, case_id)``
returns the de-identified text. ``account(texts)`` adds a chunk of released text to the
placeholder counts and the residual-risk word counts of the export's report.
"""
from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import text as sql

from .dictionary import PLACEHOLDERS
from .redact import ROLES, Person, Redactor, _trie_regex
from .residual import _POSSESSIVE, _is_common, common_words

# "[CHILD_" counts [CHILD_1], [CHILD_2], ...; "[WORKER]" itself: str.count is the fastest scan.
_PREFIXES = {p[1:].split("_n]")[0].rstrip("]"): (p[:-3] + "_" if p.endswith("_n]") else p)
             for p in PLACEHOLDERS}
# Placeholders we emit are consumed whole (group empty); any other word starting with a
# capital, or with a non-ASCII letter (checked in Python), is captured.
_TOKENS = re.compile(
    r"\[(?:" + "|".join(sorted(_PREFIXES, key=len, reverse=True)) + r")(?:_\d+)?\]"
    r"|([^\W\d_a-z][^\W\d_]*(?:['’-][^\W\d_]+)*)")
# Joins a column's values so the team pattern runs once per chunk: no pattern matches
# across a NUL, and a value holding one is done on its own.
_SEP = "\n\x00\n"


def split_name(name: str) -> tuple[str, str]:
    """("First", "Rest Of Name") of a practitioner's single name field."""
    parts = (name or "").split(None, 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ((parts[0], "") if parts else ("", ""))


def team_variants(team: str) -> list[str]:
    """Spellings of a team name to redact: the whole name, then shorter leading parts
    that still hold a word that is not ordinary English ("Oakfield Primary", "Oakfield")."""
    words = team.split()
    if not words:
        return []
    common = common_words()
    out = [" ".join(words)]
    for n in range(len(words) - 1, 0, -1):
        head = words[:n]
        if any(w.lower() not in common and len(w) > 2 and w.isalpha() for w in head):
            out.append(" ".join(head))
    return out


class Scrubber:
    """Names, pattern identifiers and team names out of free text; counts of what is left."""

    def __init__(self, redactor: Redactor, teams: list[str] = ()):
        self.redactor = redactor
        spellings = {" ".join(v.lower().split()) for t in teams for v in team_variants(t)}
        # A trie matched on the lower-cased text with no leading look-behind, so the regex
        # engine skips to the names' first letters; the word start is checked in Python.
        body = _trie_regex(sorted(spellings)) if spellings else ""
        self._teams = re.compile("(?:" + body + r")(?![^\W\d_])") if body else None
        self.placeholders: Counter = Counter()
        self.residual: Counter = Counter()
        self.texts = 0
        self.chars = 0

    @staticmethod
    def _clean(text) -> str:
        if text is None:
            return ""
        if not isinstance(text, str):
            text = str(text)
        if text and not text.isascii():
            # Lone surrogates cannot be written as UTF-8 (Parquet, CSV): replace them.
            text = text.encode("utf-8", "replace").decode("utf-8")
        return text

    def __call__(self, text, case_id=None) -> str:
        """``text`` with every known identifier replaced (None and "" give "")."""
        text = self._clean(text)
        return self._team_sub(self.redactor.redact(text, case_id)) if text else text

    def column(self, values, case_ids) -> list[str]:
        """``[self(v, c) for v, c in zip(values, case_ids)]``, team names done in one pass."""
        clean, redact = self._clean, self.redactor.redact
        out = [redact(t, c) if t else t for t, c in ((clean(v), c) for v, c in zip(values, case_ids))]
        if self._teams is None or not out:
            return out
        joined = _SEP.join(out)
        if joined.count("\x00") != len(out) - 1:
            return [self._team_sub(t) for t in out]
        return self._team_sub(joined).split(_SEP)

    def _team_sub(self, out: str) -> str:
        rx = self._teams
        if rx is None or not out:
            return out
        low = out.lower()
        if len(low) != len(out):  # odd case-folding: match the text itself
            low = out
            rx = re.compile(rx.pattern, re.IGNORECASE)
        pieces, last = [], 0
        for m in rx.finditer(low):
            start = m.start()
            if start and (low[start - 1].isalpha() or start < last):
                continue
            pieces += [out[last:start], "[TEAM]"]
            last = m.end()
        if pieces:
            out = "".join(pieces) + out[last:]
        return out

    def account(self, texts: list[str]) -> None:
        """Count placeholders and residual capitalised words in released text."""
        joined = "\n".join(t for t in texts if t)
        if not joined:
            return
        self.texts += sum(1 for t in texts if t)
        self.chars += len(joined)
        for name, prefix in _PREFIXES.items():
            n = joined.count(prefix)
            if n:
                self.placeholders[name] += n
        # As ``residual_risk`` counts them, without a Python step per word.
        counts = Counter(_TOKENS.findall(joined))
        counts.pop("", None)
        common = common_words()
        for word, n in counts.items():
            if word[0].isupper() and not _is_common(word, common):
                self.residual[_POSSESSIVE.sub("", word)] += n


def build_scrubber(conn) -> Scrubber:
    """A scrubber knowing every person of every case, every practitioner and every team."""
    people: dict[str, list[Person]] = {}
    res = conn.execute(sql("SELECT case_id, role, first_name, last_name FROM case_people "
                           "ORDER BY case_id, position, id"))
    for case_id, role, first, last in res:
        role = role if role in ROLES and role != "worker" else "other"
        people.setdefault(case_id, []).append(Person(first or "", last or "", role))
    workers, teams = [], set()
    for name, team in conn.execute(sql("SELECT name, team FROM practitioners ORDER BY id")):
        first, last = split_name(name)
        if first:
            workers.append(Person(first, last, "worker"))
        if team:
            teams.add(team)
    return Scrubber(Redactor(people, workers), sorted(teams))
