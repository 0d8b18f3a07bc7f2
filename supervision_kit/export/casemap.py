"""The placeholders of one case's names: numbered by role, families, initials, nicknames.

``case_map(people, spellings)`` gives a ``CaseMap`` from every name key of a case (full
names, initials with surnames, first names, surnames, nicknames) to its placeholder, and
adds the spellings to look for; ``merge`` joins several cases' maps for text about all of
them (a session's notes), numbering each case's people on after the cases before it.
"""
from __future__ import annotations

import re
from collections import Counter

from .names import ADULT_ROLES, Person, forms, key
from .variants import NearIndex, nicknames


class CaseMap:
    """Placeholders of one case (or of every case: the global map)."""

    __slots__ = ("labels", "variants", "exact", "exact_variants", "near")

    def __init__(self):
        self.labels: dict[str, str] = {}         # folded key -> placeholder
        self.variants: set[str] = set()          # keys that are nicknames, not recorded names
        self.exact: dict[str, str] = {}          # two-letter part as recorded -> placeholder
        self.exact_variants: set[str] = set()
        self.near: NearIndex | None = None       # built on first use


def _labels(people: list[Person]) -> list[str]:
    counts: Counter = Counter()
    out = []
    for p in people:
        if p.role == "worker":
            out.append("[WORKER]")
        else:
            counts[p.role] += 1
            out.append(f"[{p.role.upper()}_{counts[p.role]}]")
    return out


def _add_nicknames(m: CaseMap, firsts: list[str], label: str, spellings: set[str]) -> None:
    for first in firsts:
        for nick in nicknames(key(first)):
            if len(nick) <= 2:
                exact = nick.capitalize()
                if exact not in m.exact:
                    m.exact[exact] = label
                    m.exact_variants.add(exact)
            elif nick not in m.labels:
                spellings.add(nick)
                m.labels[nick] = label
                m.variants.add(nick)


def case_map(people: list[Person], spellings: set[str]) -> CaseMap:
    """Placeholder for every name key of one case, numbered per role in list order."""
    labels = _labels(people)
    fs = [forms(p) for p in people]
    # A surname key used by two or more people of the case is a family name.
    owners: dict[str, set[int]] = {}
    for i, f in enumerate(fs):
        for s in f.lasts + f.exact_lasts:
            owners.setdefault(key(s), set()).add(i)
    family: dict[str, str] = {}
    for i, f in enumerate(fs):
        for s in f.lasts + f.exact_lasts:
            k = key(s)
            if len(owners[k]) > 1 and k not in family:
                family[k] = f"[FAMILY_{len(set(family.values())) + 1}]"
    m = CaseMap()
    cmap = m.labels
    for i, f in enumerate(fs):
        for s in f.full:
            spellings.add(s)
            cmap.setdefault(key(s), labels[i])
    # An initial and a surname: the one adult they fit, else a neutral [PERSON].
    fits: dict[str, list[int]] = {}
    for i, f in enumerate(fs):
        for s in f.initials:
            spellings.add(s)
            fits.setdefault(key(s), []).append(i)
    for k, who in fits.items():
        adults = {labels[i] for i in who if people[i].role in ADULT_ROLES}
        cmap.setdefault(k, adults.pop() if len(adults) == 1 else "[PERSON]")
    for i, f in enumerate(fs):
        for s in f.firsts:
            spellings.add(s)
            cmap.setdefault(key(s), labels[i])
        for e in f.exact_firsts:
            m.exact.setdefault(e, labels[i])
    for i, f in enumerate(fs):
        for s in f.lasts:
            spellings.add(s)
            cmap.setdefault(key(s), family.get(key(s), labels[i]))
        for e in f.exact_lasts:
            m.exact.setdefault(e, family.get(key(e), labels[i]))
    for i, f in enumerate(fs):
        _add_nicknames(m, f.firsts, labels[i], spellings)
    return m


_NUMBERED = re.compile(r"\[([A-Z]+)_(\d+)\]")


def merge(maps: list[CaseMap]) -> CaseMap:
    """One map for text about several cases: each case's labels, numbered on after the
    cases before it ([CHILD_1] of the second case is [CHILD_3] after two children)."""
    out = CaseMap()
    offsets: Counter = Counter()
    for m in maps:
        top: Counter = Counter()
        shifted: dict[str, str] = {}
        for source, target, variants, out_variants in (
                (m.labels, out.labels, m.variants, out.variants),
                (m.exact, out.exact, m.exact_variants, out.exact_variants)):
            for k, label in source.items():
                new = shifted.get(label)
                if new is None:
                    mt = _NUMBERED.fullmatch(label)
                    if mt:
                        role, n = mt.group(1), int(mt.group(2))
                        top[role] = max(top[role], n)
                        new = f"[{role}_{n + offsets[role]}]"
                    else:
                        new = label
                    shifted[label] = new
                if k not in target:
                    target[k] = new
                    if k in variants:
                        out_variants.add(k)
        offsets.update(top)
    return out
