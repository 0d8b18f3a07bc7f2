"""Numeric cores of the agreement statistics: vectorised numpy over count tables.

Everything here works on generic category counts (any number of categories),
so the published worked examples can be checked directly; ``agreement.py``
turns the RAG long frames into these tables.
"""
from __future__ import annotations

import numpy as np

from ..errors import ValidationError

LEVELS = ("nominal", "ordinal", "interval", "ratio")
WEIGHTS = (None, "linear", "quadratic")


def _count_table(counts, field: str = "counts") -> np.ndarray:
    table = np.asarray(counts, dtype=float)
    if table.ndim != 2 or table.shape[1] < 2:
        raise ValidationError(field, "expected a 2-D table: units × (at least two) categories")
    if np.isnan(table).any() or (table < 0).any():
        raise ValidationError(field, "counts must be non-negative numbers")
    return table


def pairwise_agreement(counts) -> np.ndarray:
    """Per unit, the share of rater pairs that agree: sum n_ij(n_ij-1) / n_i(n_i-1); NaN below 2 ratings."""
    table = np.asarray(counts, dtype=float)
    n = table.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = ((table * table).sum(axis=1) - n) / (n * (n - 1.0))
    p[n < 2] = np.nan
    return p


def entropy_bits(counts) -> np.ndarray:
    """Per unit, Shannon entropy (bits) of its rating distribution; NaN for unrated units."""
    table = np.asarray(counts, dtype=float)
    n = table.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = table / n
        terms = np.where(p > 0, -p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    h = terms.sum(axis=1)
    h[n[:, 0] == 0] = np.nan
    return h


def fleiss_kappa_from_counts(counts) -> float:
    """Fleiss' kappa from a units × categories count table, allowing unequal raters per unit.

    Generalisation for missing ratings (Gwet, *Handbook of Inter-Rater
    Reliability*, 4th ed., 2014, ch. 5; as in the irrCAC packages), with
    n_i ratings of unit i, n_ik of them in category k:

    * units with no rating are dropped;
    * P_a = mean over units with n_i >= 2 of  sum_k n_ik (n_ik - 1) / (n_i (n_i - 1));
    * pi_k = mean over rated units of n_ik / n_i;   P_e = sum_k pi_k ** 2;
    * kappa = (P_a - P_e) / (1 - P_e).

    With the same number of raters on every unit this is exactly Fleiss
    (1971), and the arithmetic mirrors statsmodels' ``fleiss_kappa`` so the
    two agree to the last bit.  NaN (as statsmodels) when P_e = 1, i.e. every
    rating is in one category, or when no unit has two ratings.
    """
    table = _count_table(counts)
    n = table.sum(axis=1)
    rated = n > 0
    table, n = table[rated], n[rated]
    two = n >= 2
    if not two.any():
        return float("nan")
    with np.errstate(invalid="ignore", divide="ignore"):
        p_rat = ((table * table).sum(axis=1) - n) / (n * (n - 1.0))
        p_mean = p_rat[two].mean()
        if (n == n[0]).all():
            # Same value as Gwet's pi_k when n_i is constant; statsmodels' order of operations.
            p_cat = table.sum(axis=0) / table.sum()
        else:
            p_cat = (table / n[:, None]).mean(axis=0)
        p_exp = (p_cat * p_cat).sum()
        return float((p_mean - p_exp) / (1 - p_exp))


def _distances(level: str, values: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    """Krippendorff's squared difference function delta^2(c, k) for each pair of values."""
    v = len(values)
    if level == "nominal":
        return 1.0 - np.eye(v)
    if level == "interval":
        return (values[:, None] - values[None, :]) ** 2
    if level == "ratio":
        total = values[:, None] + values[None, :]
        diff = values[:, None] - values[None, :]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total != 0, diff / np.where(total != 0, total, 1.0), 0.0) ** 2
    # ordinal: (sum of n_g for g from c to k, minus half of n_c and n_k) squared
    idx = np.arange(v)
    lo, hi = np.minimum.outer(idx, idx), np.maximum.outer(idx, idx)
    cum = np.concatenate(([0.0], np.cumsum(n_c)))
    between = cum[hi + 1] - cum[lo]
    return (between - (n_c[:, None] + n_c[None, :]) / 2.0) ** 2


def krippendorff_alpha_from_counts(counts, level: str = "interval", values=None) -> float:
    """Krippendorff's alpha from a units × values count table (columns in value order).

    ``values`` are the numeric values of the columns (default 0, 1, 2, ...);
    they matter for ``interval``/``ratio``, only their order for ``ordinal``.
    Units with fewer than two ratings are not pairable and are ignored.
    Returns NaN where the ``krippendorff`` package raises or divides 0 by 0:
    no unit has two ratings, or all pairable ratings share one value.
    """
    if level not in LEVELS:
        raise ValidationError("level", f"must be one of {', '.join(LEVELS)}")
    table = _count_table(counts)
    vals = np.arange(table.shape[1], dtype=float) if values is None else np.asarray(values, float)
    if vals.shape != (table.shape[1],):
        raise ValidationError("values", "need one value per column of the count table")
    m = table.sum(axis=1)
    pairable = m >= 2
    if not pairable.any():
        return float("nan")
    table, m = table[pairable], m[pairable]
    weighted = table / (m - 1.0)[:, None]
    # Coincidence matrix o_ck = sum_u n_uc (n_uk - [c == k]) / (m_u - 1).
    o = weighted.T @ table - np.diag(weighted.sum(axis=0))
    n_c = o.sum(axis=0)
    n = n_c.sum()
    e = (np.outer(n_c, n_c) - np.diag(n_c)) / (n - 1.0)
    d = _distances(level, vals, n_c)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(1.0 - (o * d).sum() / (e * d).sum())


def _weight_matrix(k: int, weights) -> np.ndarray:
    # statsmodels' scaling (|i-j|/(k-1), ((i-j)/(k-1))^2); kappa is scale-invariant anyway.
    diff = np.abs(np.subtract.outer(np.arange(k), np.arange(k))) / (k - 1.0)
    return diff if weights == "linear" else diff ** 2


def cohen_kappa_tables(tables, weights=None) -> np.ndarray:
    """Cohen's kappa of each k × k contingency table in a stack (..., k, k), vectorised.

    Unweighted: (p_o - p_e) / (1 - p_e).  Weighted: 1 - sum(w * observed) /
    sum(w * expected), w = |i-j| ("linear") or (i-j)^2 ("quadratic") — the
    statsmodels ``cohens_kappa(table, wt=...)`` and sklearn definitions.
    NaN (as both references) when there are no pairs or chance agreement is
    already perfect (both raters used one and the same category throughout).
    """
    if weights is not None and (not isinstance(weights, str) or weights not in WEIGHTS):
        raise ValidationError("weights", "must be None, 'linear' or 'quadratic'")
    t = np.asarray(tables, dtype=float)
    k = t.shape[-1]
    if t.ndim < 2 or t.shape[-2] != k or k < 2:
        raise ValidationError("table", "expected square k × k contingency table(s), k >= 2")
    with np.errstate(invalid="ignore", divide="ignore"):
        n = t.sum(axis=(-2, -1))
        row = t.sum(axis=-1) / n[..., None]
        col = t.sum(axis=-2) / n[..., None]
        expected = row[..., :, None] * col[..., None, :]
        if weights is None:
            agree = np.trace(t, axis1=-2, axis2=-1) / n
            agree_exp = np.trace(expected, axis1=-2, axis2=-1)
            return (agree - agree_exp) / (1 - agree_exp)
        w = _weight_matrix(k, weights)
        return 1 - (w * t).sum(axis=(-2, -1)) / n / (w * expected).sum(axis=(-2, -1))


def cohen_kappa_from_table(table, weights=None) -> float:
    """Cohen's kappa (optionally weighted) from one k × k contingency table."""
    t = np.asarray(table, dtype=float)
    if t.ndim != 2:
        raise ValidationError("table", "expected one square contingency table")
    return float(cohen_kappa_tables(t, weights))
