"""Free text for the research export: the store's ``Redactor`` plus known values, with counts.

``build_scrubber(conn)`` reads every person of every case (as ``Person``), every
practitioner's name and every team name from the store, and the identifying values the
store holds in other columns (addresses and their parts, postcodes, phones, case
references, usernames), which are replaced wherever they appear, in any format the
patterns would miss (a town, a house name, a five-digit reference).
It also reads which cases each session discussed, so a session's own notes (key
``("session", id)``) get the roles of those cases' people.
``Scrubber(text, case_id)`` returns the de-identified text. ``account(texts)`` adds a chunk
of released text to the placeholder counts and the residual-risk word counts of the
export's report; ``residual_rows()`` gives what is left, grouped by reason.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import cache

from sqlalchemy import text as sql

from .dictionary import PLACEHOLDERS
from .fold import fold, span
from .names import ROLES, Person, key as _key, spelling as _spelling, trie_regex as _trie_regex
from .patterns import PLACEHOLDER_WORDS
from .redact import Redactor
from .residual import _POSSESSIVE, _is_common, classify, common_words, name_words

# "[CHILD_" counts [CHILD_1], [CHILD_2], ...; "[WORKER]" itself: str.count is the fastest scan.
_PREFIXES = {p[1:].split("_n]")[0].rstrip("]"): (p[:-3] + "_" if p.endswith("_n]") else p)
             for p in PLACEHOLDERS}
# Placeholders we emit are consumed whole (group empty); any other word starting with a
# capital, or with a non-ASCII letter (checked in Python), is captured.
_TOKENS = re.compile(
    r"\[(?:" + "|".join(sorted(_PREFIXES, key=len, reverse=True)) + r")(?:_\d+)?\]"
    r"|([^\W\d_a-z][^\W\d_]*(?:['’-][^\W\d_]+)*)")
# A capitalised word after a title or a relative: most likely a name.
# (Mr, Mrs, Dr, Aunt, Uncle, Nan, Grandad, Cousin, Baby, Sister, Stepdad, Mum, ...): the
# first letter leads, so the regex engine skips fast to the candidates.
_TITLED = re.compile(
    r"[ABCDGMNPSU](?<![^\W\d_].)(?:(?<=M)(?:rs|r|s|iss|x|um)|(?<=D)(?:r|ad)|(?<=P)rof"
    r"|(?<=A)unt(?:ie|y)?|(?<=U)ncle|(?<=N)an(?:a|ny)?|(?<=G)ran(?:dad|dma|ny|dpa)?"
    r"|(?<=C)ousin|(?<=B)(?:aby|rother)|(?<=S)(?:ister|tep-?dad|tep-?mum))"
    r"\.?[ \t]+([^\W\d_a-z][^\W\d_]*(?:['’-][^\W\d_]+)*)")
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


@cache
def _ordinary() -> frozenset[str]:
    return common_words() | name_words()


def address_variants(address: str) -> list[str]:
    """Spellings of a stored address to redact anywhere: each comma-separated part, without
    its house or flat number, and its shorter leading parts, when they hold a word that is
    not ordinary English ("Rose Cottage", "Acacia Avenue", "Acacia", "Romford"). A part
    that is one ordinary word ("Reading") is left: it would take the word out of all prose."""
    common = _ordinary()
    out = []
    for part in re.split(r"[,;\n]+", address or ""):
        words = [w for w in part.split() if not any(ch.isdigit() for ch in w)]
        if words and words[0].lower().rstrip(".") in ("flat", "apartment", "apt", "unit"):
            words = words[1:]
        for n in range(len(words), 0, -1):
            head = words[:n]
            if (n > 1 and n == len(words)) or any(
                    w.lower().strip(".'’") not in common and len(w) > 2 for w in head):
                out.append(" ".join(head))
    return out


def _glued(spelling: str) -> str:
    return _key(spelling).replace(" ", "")


class Scrubber:
    """Names, pattern identifiers and known values out of free text; counts of what is left.

    ``teams`` become ``[TEAM]``; ``known`` maps other stored values (an address part, a
    reference) to their placeholder.
    """

    def __init__(self, redactor: Redactor, teams: list[str] = (), known: dict | None = None):
        self.redactor = redactor
        labels: dict[str, str] = {}
        for t in teams:
            for v in team_variants(t):
                labels.setdefault(_spelling(v), "[TEAM]")
        for v, label in (known or {}).items():
            sp = _spelling(v)
            if len(_glued(sp)) > 2:
                labels.setdefault(sp, label)
        # Looked up by the matched text's key: separators, dots and apostrophes dropped.
        self._labels = {}
        for sp, label in labels.items():
            self._labels.setdefault(_glued(sp), label)
        # A trie matched on the lower-cased text with no leading look-behind, so the regex
        # engine skips to the values' first characters; the word start is checked in Python.
        body = _trie_regex(sorted(labels)) if labels else ""
        self._teams = re.compile("(?:" + body + r")(?![^\W\d_])") if body else None
        self.placeholders: Counter = Counter()
        self.residual: Counter = Counter()
        self.titled: Counter = Counter()
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
        low, pos = fold(out)  # values are folded spellings: "Łódź" is found as "lodz"
        pieces, last = [], 0
        labels = self._labels
        for m in rx.finditer(low):
            fs = m.start()
            # A value starts a word, or a number when it starts with a digit.
            if fs and (low[fs - 1].isalpha() or (low[fs - 1].isdigit() and low[fs].isdigit())):
                continue
            start, end = span(pos, fs, m.end())
            if start < last:
                continue
            raw = out[start:end]
            if start and out[start - 1] in "[_" and raw in PLACEHOLDER_WORDS:
                continue  # a word inside a placeholder already emitted
            pieces += [out[last:start], labels.get(_glued(raw), "[TEAM]")]
            last = end
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
        self.titled.update(_POSSESSIVE.sub("", w) for w in _TITLED.findall(joined))

    def residual_rows(self) -> list[tuple[str, str, int]]:
        """(reason, word, count) of every residual word, grouped by reason (see
        ``residual.REASONS``), most frequent first within each."""
        return classify(self.residual, self.titled, self.redactor)


def build_scrubber(conn, *, strict_case: bool = False) -> Scrubber:
    """A scrubber knowing every person of every case, every practitioner and every team,
    and every address, postcode, phone, case reference and username in the store."""
    people: dict[str, list[Person]] = {}
    known: dict[str, str] = {}
    res = conn.execute(sql("SELECT case_id, role, first_name, last_name, address, postcode, "
                           "phone FROM case_people ORDER BY case_id, position, id"))
    for case_id, role, first, last, address, postcode, phone in res:
        role = role if role in ROLES and role != "worker" else "other"
        people.setdefault(case_id, []).append(Person(first or "", last or "", role))
        for v in address_variants(address):
            known.setdefault(v, "[ADDRESS]")
        if postcode and postcode.strip():
            known.setdefault(postcode, "[POSTCODE]")
        if phone and sum(ch.isdigit() for ch in phone) >= 6:
            known.setdefault(phone, "[PHONE]")
    for (ref,) in conn.execute(sql("SELECT reference FROM cases")):
        if ref and ref.strip():
            # "C12345" also as "C-12345" or "c 12345": letters and digits may be split.
            known.setdefault(re.sub(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])", " ", ref),
                             "[CASE_REF]")
    workers, teams = [], set()
    common = common_words()
    for name, team, username in conn.execute(sql(
            "SELECT name, team, username FROM practitioners ORDER BY id")):
        first, last = split_name(name)
        if first:
            workers.append(Person(first, last, "worker"))
        if team:
            teams.add(team)
        # A login like "mquennell" names its owner; "supervisor2" or "adm" do not.
        words = re.findall(r"[^\W\d_]+", (username or "").lower())
        if any(len(w) > 3 and w not in common for w in words):
            known.setdefault(username, "[WORKER]")
    groups: dict = {}
    for sid, case_id in conn.execute(sql("SELECT session_id, case_id FROM case_discussions "
                                         "ORDER BY session_id, position, id")):
        cases = groups.setdefault(("session", sid), [])
        if case_id not in cases:
            cases.append(case_id)
    return Scrubber(Redactor(people, workers, groups=groups, strict_case=strict_case),
                    sorted(teams), known)
