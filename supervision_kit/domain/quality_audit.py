"""Supervision quality audit [HSCB aim 2; Temple]: strata by risk, a reproducible
stratified random sample, and the checklist's answers."""
from __future__ import annotations

import random

from ..errors import ValidationError

STRATA = ("worsening", "red", "amber")
ANSWERS = ("yes", "partly", "no")
RAG_ORDER = {"G": 0, "A": 1, "R": 2}


def stratum(rag: str | None, previous: str | None) -> str | None:
    """The risk stratum of a discussion: worsening (rated worse than the case's previous
    rating), else red or amber; None for green or unrated (not sampled)."""
    if rag in RAG_ORDER and previous in RAG_ORDER and RAG_ORDER[rag] > RAG_ORDER[previous]:
        return "worsening"
    return {"R": "red", "A": "amber"}.get(rag or "")


def draw(candidates: list[dict], per_stratum: int, seed: int) -> list[dict]:
    """Up to ``per_stratum`` candidates from each stratum, chosen at random with ``seed``:
    the same candidates and seed always give the same sample. Candidates carry
    ``discussion_id`` and ``stratum``; they are ordered by id first, so the store's row
    order does not matter."""
    if per_stratum < 1:
        raise ValidationError("per_stratum", "sample at least one record per stratum")
    rng = random.Random(seed)
    out = []
    for s in STRATA:
        pool = sorted((c for c in candidates if c["stratum"] == s), key=lambda c: c["discussion_id"])
        out += rng.sample(pool, min(per_stratum, len(pool)))
    return out


def check_judgements(judgements: dict, keys: list[str]) -> dict[str, str]:
    """Each criterion answered yes, partly or no; unknown criteria or answers refused."""
    out = {}
    for k, v in (judgements or {}).items():
        if k not in keys:
            raise ValidationError(f"judgements.{k}", "not a criterion of the checklist")
        if v in (None, ""):
            continue
        if v not in ANSWERS:
            raise ValidationError(f"judgements.{k}", "answer yes, partly or no")
        out[k] = v
    return out
