"""How far trainees agree on the RAG ratings of case vignettes (issue 8).

Input is a long frame with columns ``rater``, ``item``, ``rating`` (``"R"``,
``"A"``, ``"G"``; a skipped item is simply absent or NaN) and, for the expert
comparison, a Series item -> rating.  The RAG scale is ordinal, R (worse) <
A (the same) < G (improving), coded 0, 1, 2.  Every statistic is computed
from one pass over the rows (numpy bincounts), never per rater × item.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ValidationError
from ._kappa import (cohen_kappa_from_table, cohen_kappa_tables, entropy_bits,
                     fleiss_kappa_from_counts, krippendorff_alpha_from_counts,
                     pairwise_agreement)

__all__ = [
    "CATEGORIES", "ratings_matrix", "category_counts", "percent_agreement",
    "fleiss_kappa", "fleiss_kappa_from_counts", "krippendorff_alpha",
    "krippendorff_alpha_from_counts", "cohen_kappa", "cohen_kappa_from_table",
    "agreement_with_expert", "disagreement_by_item", "summary",
]

CATEGORIES = ("R", "A", "G")
_CODE = {c: i for i, c in enumerate(CATEGORIES)}
_K = len(CATEGORIES)
_LEVELS = ("ordinal", "nominal", "interval")
_COLUMNS = ("rater", "item", "rating")


@dataclass(frozen=True)
class _Coded:
    """The non-missing ratings as parallel integer arrays, plus the labels."""
    items: pd.Index
    raters: pd.Index
    item: np.ndarray
    rater: np.ndarray
    code: np.ndarray


def _codes(values, field: str) -> np.ndarray:
    """R/A/G -> 0/1/2, missing -> -1; anything else is refused."""
    positions, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    # Only the few distinct labels are looked up in Python; rows stay in numpy.
    lookup = np.array([_CODE.get(u, -2) for u in uniques] + [-1], dtype=np.int64)
    codes = lookup[positions]  # position -1 (missing) picks the trailing -1
    if (codes == -2).any():
        bad = sorted({str(u) for u in uniques if u not in _CODE})
        raise ValidationError(field, f"unknown rating(s) {', '.join(bad)}; expected R, A or G")
    return codes


def _labels(column: pd.Series, field: str) -> tuple[np.ndarray, pd.Index]:
    try:
        positions, uniques = pd.factorize(column, sort=True)
    except TypeError:  # mixed label types cannot be sorted; keep first-seen order
        positions, uniques = pd.factorize(column)
    if (positions < 0).any():
        raise ValidationError(field, f"every row needs a {field}")
    return positions, pd.Index(uniques, name=field)


def _prepare(long_df) -> _Coded:
    if not isinstance(long_df, pd.DataFrame):
        raise ValidationError("ratings", "expected a DataFrame with columns rater, item, rating")
    absent = [c for c in _COLUMNS if c not in long_df.columns]
    if absent:
        raise ValidationError("ratings", f"missing column(s): {', '.join(absent)}")
    item, items = _labels(long_df["item"], "item")
    rater, raters = _labels(long_df["rater"], "rater")
    code = _codes(long_df["rating"], "rating")
    present = code >= 0
    item, rater, code = item[present], rater[present], code[present]
    key = np.sort(item * len(raters) + rater)
    repeated = np.flatnonzero(key[1:] == key[:-1])
    if repeated.size:
        i, r = divmod(int(key[repeated[0]]), len(raters))
        raise ValidationError(
            "rating", f"rater {raters[r]!r} rated item {items[i]!r} more than once")
    return _Coded(items, raters, item, rater, code)


def _counts(coded: _Coded) -> np.ndarray:
    flat = np.bincount(coded.item * _K + coded.code, minlength=len(coded.items) * _K)
    return flat.reshape(len(coded.items), _K)


def _matrix(coded: _Coded) -> pd.DataFrame:
    m = np.full((len(coded.items), len(coded.raters)), np.nan)
    m[coded.item, coded.rater] = coded.code
    return pd.DataFrame(m, index=coded.items, columns=coded.raters)


def _mean_agreement(counts: np.ndarray) -> float:
    per_item = pairwise_agreement(counts)
    per_item = per_item[~np.isnan(per_item)]
    return float(per_item.mean()) if per_item.size else float("nan")


def _alpha(counts: np.ndarray, level: str) -> float:
    if level not in _LEVELS:
        raise ValidationError("level", f"must be one of {', '.join(_LEVELS)}")
    return krippendorff_alpha_from_counts(counts, level, values=np.arange(_K, dtype=float))


def ratings_matrix(long_df) -> pd.DataFrame:
    """Items × raters frame of rating codes (R=0, A=1, G=2), NaN where not rated."""
    return _matrix(_prepare(long_df))


def category_counts(long_df) -> pd.DataFrame:
    """Items × R/A/G: how many raters gave each rating to each item."""
    coded = _prepare(long_df)
    return pd.DataFrame(_counts(coded), index=coded.items, columns=list(CATEGORIES))


def percent_agreement(long_df) -> float:
    """Mean over items (with >= 2 ratings) of the share of rater pairs that agree; NaN if none."""
    return _mean_agreement(_counts(_prepare(long_df)))


def fleiss_kappa(long_df) -> float:
    """Fleiss' kappa (nominal) over R/A/G; skipped items handled as in
    :func:`fleiss_kappa_from_counts` (Gwet's generalisation; equals statsmodels
    ``fleiss_kappa(method='fleiss')`` when nothing is missing).  NaN when every
    rating is the same or no item has two ratings."""
    return fleiss_kappa_from_counts(_counts(_prepare(long_df)))


def krippendorff_alpha(long_df, level: str = "ordinal") -> float:
    """Krippendorff's alpha at ``level`` "ordinal" (R<A<G), "nominal" or "interval".

    Missing ratings are allowed; same value as ``krippendorff.alpha(reliability_data,
    level_of_measurement=level, value_domain=[0, 1, 2])`` on :func:`ratings_matrix`.
    NaN where that package raises or divides 0/0 (no item rated twice, or all
    ratings identical).
    """
    return _alpha(_counts(_prepare(long_df)), level)


def cohen_kappa(a, b, weights=None) -> float:
    """Cohen's kappa between two raters' R/A/G ratings; weights None, "linear" or "quadratic".

    Two Series are paired by index (item); anything else by position.  Pairs
    where either rating is missing are dropped.  The 3 × 3 table always has
    all three categories, as statsmodels ``cohens_kappa(table, wt=weights)``
    and sklearn ``cohen_kappa_score(a, b, labels=["R", "A", "G"])``.  NaN with
    no pairs or when both raters used one and the same category throughout.
    """
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        if a.index.has_duplicates or b.index.has_duplicates:
            raise ValidationError("ratings", "each item may appear only once per rater")
        a, b = a.align(b, join="inner")
    ca, cb = _codes(a, "a"), _codes(b, "b")
    if len(ca) != len(cb):
        raise ValidationError("ratings", "the two raters' ratings differ in length")
    both = (ca >= 0) & (cb >= 0)
    table = np.bincount(ca[both] * _K + cb[both], minlength=_K * _K).reshape(_K, _K)
    return cohen_kappa_from_table(table, weights)


def _expert_table(coded: _Coded, expert, weights) -> pd.DataFrame:
    expert = expert if isinstance(expert, pd.Series) else pd.Series(expert)
    if expert.index.has_duplicates:
        raise ValidationError("expert", "an item has more than one expert rating")
    expert_code = np.append(_codes(expert, "expert"), -1)
    # Expert code for each item of the long frame (-1 where the expert gave none).
    per_item = expert_code[expert.index.get_indexer(coded.items)]
    e = per_item[coded.item]
    ok = e >= 0
    n_r = len(coded.raters)
    cells = (coded.rater[ok] * _K + coded.code[ok]) * _K + e[ok]
    tables = np.bincount(cells, minlength=n_r * _K * _K).reshape(n_r, _K, _K)
    n = tables.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        agree = np.trace(tables, axis1=1, axis2=2) / n
    return pd.DataFrame(
        {"n_items": n, "percent_agreement": agree, "kappa": cohen_kappa_tables(tables, weights)},
        index=coded.raters)


def agreement_with_expert(long_df, expert, weights="linear") -> pd.DataFrame:
    """One row per rater: ``n_items`` rated by both rater and expert, ``percent_agreement``
    (share of those items with the expert's rating) and weighted Cohen's ``kappa``
    (rater in rows, expert in columns; NaN as in :func:`cohen_kappa`)."""
    return _expert_table(_prepare(long_df), expert, weights)


def _disagreement(coded: _Coded, counts: np.ndarray) -> pd.DataFrame:
    n = counts.sum(axis=1)
    agree = pairwise_agreement(counts)
    spread = entropy_bits(counts)
    table = pd.DataFrame(counts, index=coded.items, columns=list(CATEGORIES))
    table.insert(0, "n_ratings", n)
    table["agreement"] = agree
    table["disagreement"] = 1.0 - agree
    table["entropy_bits"] = spread
    # Most disagreement first, ties by entropy; items with < 2 ratings last.
    order = np.lexsort((np.arange(len(n)), -np.nan_to_num(spread, nan=-1.0),
                        -np.nan_to_num(1.0 - agree, nan=-1.0)))
    return table.iloc[order]


def disagreement_by_item(long_df) -> pd.DataFrame:
    """Items, most disagreement first: n_ratings, R/A/G counts, pairwise ``agreement``,
    ``disagreement`` (1 - agreement) and ``entropy_bits`` of the ratings
    (0 = unanimous, log2(3) ≈ 1.585 = evenly split).  Items with fewer than two
    ratings have NaN agreement and come last."""
    coded = _prepare(long_df)
    return _disagreement(coded, _counts(coded))


def summary(long_df, expert=None, weights="linear") -> dict:
    """Everything the trainer's agreement page shows, from one pass over the data.

    Keys: n_raters, n_items, n_ratings, percent_agreement, fleiss_kappa,
    krippendorff_alpha (ordinal), ratings_matrix, category_counts,
    disagreement_by_item and agreement_with_expert (None without ``expert``).
    """
    coded = _prepare(long_df)
    counts = _counts(coded)
    return {
        "n_raters": len(coded.raters),
        "n_items": len(coded.items),
        "n_ratings": int(coded.code.size),
        "percent_agreement": _mean_agreement(counts),
        "fleiss_kappa": fleiss_kappa_from_counts(counts),
        "krippendorff_alpha": _alpha(counts, "ordinal"),
        "ratings_matrix": _matrix(coded),
        "category_counts": pd.DataFrame(counts, index=coded.items, columns=list(CATEGORIES)),
        "disagreement_by_item": _disagreement(coded, counts),
        "agreement_with_expert": None if expert is None else _expert_table(coded, expert, weights),
    }
