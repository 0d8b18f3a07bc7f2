"""Benchmark: all agreement statistics via ``summary`` vs statsmodels + krippendorff, same run.

200 trainees × 60 vignettes; 40 trainees skipped 6 vignettes each (half of the
skips as absent rows, half as NaN).  Both sides start from the same long frame.

* ours: ``summary(long_df, expert)`` — ratings matrix, R/A/G counts, percent
  agreement, Fleiss' kappa (with missing), ordinal alpha, per-item
  disagreement table, per-trainee linear-weighted kappa vs the expert.
* reference: pivot to a raters × items matrix, statsmodels ``fleiss_kappa`` on
  the complete-case table (trainees who skipped nothing), statsmodels
  ``to_table`` + ``cohens_kappa(wt="linear")`` (and agreement share) for each
  trainee vs the expert, ``krippendorff.alpha`` (ordinal) on the matrix.  It
  leaves out the descriptive tables, so the comparison favours the reference.

Run: ``.venv/bin/python benchmarks/agreement.py``
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd

N_TRAINEES, N_ITEMS, N_SKIPPERS, N_SKIPPED = 200, 60, 40, 6
REPEATS = 30
TARGET = 1.5
CODE = {"R": 0, "A": 1, "G": 2}


def make_data(seed: int = 2024) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    labels = np.array(["R", "A", "G"], dtype=object)
    truth = rng.integers(0, 3, N_ITEMS)
    codes = np.where(rng.random((N_TRAINEES, N_ITEMS)) < 0.65, truth,
                     rng.integers(0, 3, (N_TRAINEES, N_ITEMS)))
    rater, item = np.meshgrid(np.arange(N_TRAINEES), np.arange(N_ITEMS), indexing="ij")
    frame = pd.DataFrame({"rater": [f"trainee{r:03d}" for r in rater.ravel()],
                          "item": [f"vignette{i:02d}" for i in item.ravel()],
                          "rating": labels[codes.ravel()]})
    skipped = np.zeros((N_TRAINEES, N_ITEMS), bool)
    for r in rng.choice(N_TRAINEES, N_SKIPPERS, replace=False):
        skipped[r, rng.choice(N_ITEMS, N_SKIPPED, replace=False)] = True
    skipped = skipped.ravel()
    as_nan = skipped & (rng.random(skipped.size) < 0.5)
    frame.loc[as_nan, "rating"] = np.nan
    frame = frame[~skipped | as_nan].sample(frac=1.0, random_state=1).reset_index(drop=True)
    expert = pd.Series(labels[truth], index=[f"vignette{i:02d}" for i in range(N_ITEMS)])
    return frame, expert


def ours(long_df: pd.DataFrame, expert: pd.Series) -> dict:
    from supervision_kit.analytics.agreement import summary
    return summary(long_df, expert, weights="linear")


def reference(long_df: pd.DataFrame, expert: pd.Series) -> dict:
    import krippendorff
    from statsmodels.stats.inter_rater import (aggregate_raters, cohens_kappa, fleiss_kappa,
                                               to_table)
    wide = long_df.assign(code=long_df["rating"].map(CODE)).pivot(
        index="rater", columns="item", values="code")
    data = wide.to_numpy(dtype=float)                       # raters × items, NaN = skipped
    complete = data[~np.isnan(data).any(axis=1)]
    table, _ = aggregate_raters(complete.T.astype(int), n_cat=3)
    fleiss = fleiss_kappa(table, method="fleiss")
    gold = expert.reindex(wide.columns).map(CODE).to_numpy(dtype=float)
    kappas, shares = [], []
    for row in data:
        ok = ~np.isnan(row) & ~np.isnan(gold)
        pairs = np.column_stack([row[ok], gold[ok]]).astype(int)
        t, _ = to_table(pairs, bins=3)
        kappas.append(cohens_kappa(t, wt="linear", return_results=False))
        shares.append(np.trace(t) / t.sum())
    alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal",
                               value_domain=[0, 1, 2])
    return {"fleiss_complete_case": fleiss, "kappa": np.array(kappas),
            "share": np.array(shares), "alpha": alpha, "raters": wide.index}


def best_of(fn, *args) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    long_df, expert = make_data()
    got, want = ours(long_df, expert), reference(long_df, expert)  # warm-up + agreement check
    by_rater = got["agreement_with_expert"].loc[want["raters"]]
    assert abs(got["krippendorff_alpha"] - want["alpha"]) < 1e-9
    assert np.allclose(by_rater["kappa"].to_numpy(), want["kappa"], rtol=0, atol=1e-12)
    assert np.allclose(by_rater["percent_agreement"].to_numpy(), want["share"], rtol=0, atol=1e-12)

    t_ours, t_ref = [], []
    for _ in range(3):  # interleave so background load hits both sides alike
        t_ours.append(best_of(ours, long_df, expert))
        t_ref.append(best_of(reference, long_df, expert))
    ours_s, ref_s = min(t_ours), min(t_ref)
    ratio = ours_s / ref_s
    print(f"data: {N_TRAINEES} trainees x {N_ITEMS} vignettes, {got['n_ratings']} ratings "
          f"({N_TRAINEES * N_ITEMS - got['n_ratings']} skipped); min of {3 * REPEATS} runs each")
    print(f"results: fleiss (all data) {got['fleiss_kappa']:.4f}, fleiss (complete case, "
          f"statsmodels) {want['fleiss_complete_case']:.4f}, ordinal alpha {got['krippendorff_alpha']:.4f}"
          f" (= krippendorff), per-trainee kappas = statsmodels")
    print(f"agreement: ours {ours_s:.4f}s  reference {ref_s:.4f}s  ratio {ratio:.2f}x "
          f"(target <= {TARGET}x) {'OK' if ratio <= TARGET else 'SLOWER THAN TARGET'}")


if __name__ == "__main__":
    main()
