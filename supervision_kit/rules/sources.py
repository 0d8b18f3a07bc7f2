"""Where each number in a policy preset comes from: a seed policy or the agency's choice.

A preset lists the seed policies it is built from (``seeds: [Havering, PG41]``) and
gives a source for every number it sets (``sources:``, keyed by the number's dotted
path). A source is ``"<Seed> <section>: <words quoted from the seed>"`` or
``"agency: <why this number>"``. ``problems`` checks a preset file against these rules
and, given the seed texts, that the quoted words and the section are really there.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..catalog.files import read_yaml
from ..catalog.policies import deep_merge, policies_dir

# Seed name -> file-name prefix in the seeds folder (see the seeds' README).
SEEDS = {"PG41": "000_", "Temple": "001_", "Havering": "002_", "HSCB": "003_", "Surrey": "004_"}
_SOURCE = re.compile(r"^(?P<seed>[A-Za-z0-9]+) (?P<section>[^:]+): (?P<quote>.+)$", re.S)
_AGENCY = re.compile(r"^agency: \S.*$", re.S)


def numbers(node, path: str = ""):
    """(dotted path, value) of every number in a preset mapping (``sources`` excluded)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if not path and key == "sources":
                continue
            yield from numbers(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from numbers(value, f"{path}[{i}]")
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield path, node


def _norm(text: str) -> str:
    """Lower case, straight quotes, single spaces: how a quote is compared with a seed."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    return re.sub(r"\s+", " ", text.replace("\u201d", '"')).strip().lower()


def seed_texts(seeds_dir) -> dict[str, str]:
    """Seed name -> its text, for the seeds present in ``seeds_dir``."""
    out = {}
    for name, prefix in SEEDS.items():
        found = sorted(Path(seeds_dir).glob(f"{prefix}*.txt"))
        if found:
            out[name] = found[0].read_text(encoding="utf-8")
    return out


def _section_found(section: str, text: str) -> bool:
    """A numbered section ("9.2", "contract 3", "aim 4") has a line "N." in the seed; a
    named one ("Entitlement") is the start of a line in it."""
    m = re.match(r"^(?:[a-z]+ )?(\d+)(?:\.\d+)?$", section.strip(), re.I)
    if m:
        return re.search(rf"(?m)^\s*{m[1]}\.\s", text) is not None
    want = _norm(section)
    return any(_norm(line).startswith(want) for line in text.splitlines() if line.strip())


def check_source(path: str, source, allowed: list[str], texts: dict[str, str]) -> str | None:
    """What is wrong with one source, or None."""
    if not isinstance(source, str) or not source.strip():
        return f"{path}: no source (cite '<Seed> <section>: <quote>' or 'agency: <why>')"
    if _AGENCY.match(source):
        return None
    m = _SOURCE.match(source)
    if not m or m["seed"] not in SEEDS:
        return (f"{path}: source {source!r} is neither '<Seed> <section>: <quote>' with a seed "
                f"of {', '.join(SEEDS)} nor 'agency: <why>'")
    if m["seed"] not in allowed:
        return (f"{path}: cites {m['seed']}, which this preset is not built from "
                f"(seeds: {', '.join(allowed) or 'none'}); mark it 'agency: ...' or add the seed")
    text = texts.get(m["seed"])
    if text is None:
        return None  # the seed text is not here to check against
    if not _section_found(m["section"], text):
        return f"{path}: {m['seed']} has no section {m['section']!r}"
    if _norm(m["quote"]) not in _norm(text):
        return f"{path}: the words {m['quote']!r} are not in {m['seed']}"
    return None


def problems(name: str, templates_dir, seeds_dir=None) -> list[str]:
    """Every number of preset ``name`` (with ``extends``) without a valid source; every
    number the file itself sets needs its source in the same file."""
    path = policies_dir(templates_dir) / f"{name}.yaml"
    own = read_yaml(path)
    parent = own.get("extends")
    chain = [own]
    while parent:  # the sources of inherited numbers come with them
        data = read_yaml(policies_dir(templates_dir) / f"{parent}.yaml")
        chain.append(data)
        parent = data.get("extends")
    merged = {}
    for data in reversed(chain):
        merged = deep_merge(merged, data)
    texts = seed_texts(seeds_dir) if seeds_dir else {}
    allowed = list(own.get("seeds") or [])
    out = []
    unknown = [s for s in allowed if s not in SEEDS]
    if unknown:
        out.append(f"seeds: unknown {unknown[0]!r}; use any of {', '.join(SEEDS)}")
    own_sources = own.get("sources") or {}
    all_sources = merged.get("sources") or {}
    set_here = {p for p, _ in numbers(own)}
    known = {p for p, _ in numbers(merged)}
    for p, _ in numbers(merged):
        source = own_sources.get(p) if p in set_here else all_sources.get(p)
        if p in set_here and p not in own_sources:
            source = None
        # An inherited number citing a seed this preset is not built from must be
        # restated here (a school does not follow Havering's sickness rule by default).
        err = check_source(p, source, allowed, texts)
        if err:
            out.append(err)
    out += [f"sources: {p!r} names no number in the preset" for p in own_sources if p not in known]
    return [f"{name}.yaml: {e}" for e in out]

