"""Agreement statistics (issue 8) against statsmodels, krippendorff and published worked examples."""
import itertools
import warnings

import krippendorff
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from supervision_kit.analytics import agreement as ag
from supervision_kit.domain.enums import RAG
from supervision_kit.errors import ValidationError

RAG_LABELS = np.array(["R", "A", "G"], dtype=object)
SIZES = [(2, 5), (3, 12), (7, 30), (25, 40), (200, 60)]  # (raters, items)


def random_long(seed, n_raters, n_items, p_missing=0.0, p_nan_row=0.0):
    """Long frame of RAG ratings with some item signal; skipped items dropped or NaN."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, n_items)
    agree = rng.random((n_raters, n_items)) < 0.6
    codes = np.where(agree, truth[None, :], rng.integers(0, 3, (n_raters, n_items)))
    rater, item = np.meshgrid(np.arange(n_raters), np.arange(n_items), indexing="ij")
    frame = pd.DataFrame({"rater": [f"t{r:03d}" for r in rater.ravel()],
                          "item": [f"v{i:03d}" for i in item.ravel()],
                          "rating": RAG_LABELS[codes.ravel()]})
    skipped = rng.random(len(frame)) < p_missing
    as_nan = skipped & (rng.random(len(frame)) < p_nan_row)
    frame.loc[as_nan, "rating"] = np.nan
    return frame[~skipped | as_nan].reset_index(drop=True)


def reliability(long_df):
    """Raters × items float matrix with NaN, built independently with pandas pivot."""
    codes = long_df["rating"].map({"R": 0, "A": 1, "G": 2})
    wide = long_df.assign(code=codes).pivot(index="rater", columns="item", values="code")
    return wide.to_numpy(dtype=float)


def no_warnings(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


# --- published worked examples ------------------------------------------------------------

def test_fleiss_wikipedia_worked_example():
    # Wikipedia "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories, kappa = 0.210.
    counts = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
              [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
              [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    kappa = ag.fleiss_kappa_from_counts(counts)
    assert round(kappa, 3) == 0.210
    assert kappa == sm_fleiss_kappa(np.array(counts), method="fleiss")


KRIPPENDORFF_C = np.array([  # Krippendorff, "Computing Krippendorff's Alpha-Reliability", 4 observers × 12 units
    [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
    [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan]])
KRIPPENDORFF_COUNTS = np.stack([(KRIPPENDORFF_C == v).sum(axis=0) for v in range(1, 6)], axis=1)


@pytest.mark.parametrize("level, printed", [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_published_example(level, printed):
    alpha = ag.krippendorff_alpha_from_counts(KRIPPENDORFF_COUNTS, level, values=[1, 2, 3, 4, 5])
    assert round(alpha, 3) == printed
    reference = krippendorff.alpha(reliability_data=KRIPPENDORFF_C, level_of_measurement=level)
    assert alpha == pytest.approx(reference, abs=1e-12)


def test_fleiss_with_missing_published_example():
    # Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed.: 4 raters, 12 units, missing ratings;
    # generalised Fleiss P_a = 0.818, P_e = 0.239, kappa = 0.761 (same counts as Krippendorff's data).
    assert round(ag.fleiss_kappa_from_counts(KRIPPENDORFF_COUNTS), 3) == 0.761
    # By hand: 9 of the 11 pairable units contribute 1, units 2 and 8 contribute 1/2 -> P_a = 9/11;
    # pi = (3, 3.25, 3.5, 1.25, 1) / 12 over all 12 rated units -> P_e = 34.375 / 144.
    p_a, p_e = 9 / 11, 34.375 / 144
    assert ag.fleiss_kappa_from_counts(KRIPPENDORFF_COUNTS) == pytest.approx((p_a - p_e) / (1 - p_e))


def test_cohen_wikipedia_example():
    # Wikipedia "Cohen's kappa": 50 proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> 0.4.
    a = ["R"] * 25 + ["A"] * 25          # R stands for "yes", A for "no"; G is never used
    b = ["R"] * 20 + ["A"] * 5 + ["R"] * 10 + ["A"] * 15
    assert ag.cohen_kappa(a, b) == pytest.approx(0.4, abs=1e-12)
    assert ag.cohen_kappa_from_table([[20, 5], [10, 15]]) == pytest.approx(0.4, abs=1e-12)


# --- against the reference packages on random data ----------------------------------------

@pytest.mark.parametrize("seed, size", list(itertools.product([0, 1, 2], SIZES)))
def test_fleiss_equals_statsmodels_without_missing(seed, size):
    long_df = random_long(seed, *size)
    table, _ = aggregate_raters(reliability(long_df).T.astype(int), n_cat=3)
    assert ag.fleiss_kappa(long_df) == sm_fleiss_kappa(table, method="fleiss")


def fleiss_reference(matrix):
    """Independent loop implementation of Gwet's generalised Fleiss kappa (items × raters)."""
    rows = [[v for v in row if not np.isnan(v)] for row in matrix]
    rows = [r for r in rows if r]
    p_a = [sum(r.count(k) * (r.count(k) - 1) for k in range(3)) / (len(r) * (len(r) - 1))
           for r in rows if len(r) >= 2]
    pi = [sum(r.count(k) / len(r) for r in rows) / len(rows) for k in range(3)]
    p_e = sum(p * p for p in pi)
    return (sum(p_a) / len(p_a) - p_e) / (1 - p_e)


@pytest.mark.parametrize("seed, size", list(itertools.product([3, 4], SIZES[1:])))
def test_fleiss_with_missing_equals_loop_reimplementation(seed, size):
    long_df = random_long(seed, *size, p_missing=0.2, p_nan_row=0.5)
    expected = fleiss_reference(reliability(long_df).T)
    assert ag.fleiss_kappa(long_df) == pytest.approx(expected, abs=1e-12)


def test_fleiss_hand_computed_rag_example():
    # item 1: R R A (3 raters), item 2: G G (2), item 3: A (1 rater; only counts for pi).
    long_df = pd.DataFrame({"rater": ["a", "b", "c", "a", "b", "c"],
                            "item": [1, 1, 1, 2, 2, 3],
                            "rating": ["R", "R", "A", "G", "G", "A"]})
    p_a = (2 / 6 + 1) / 2
    pi = np.array([(2 / 3) / 3, (1 / 3 + 1) / 3, 1 / 3])
    p_e = (pi ** 2).sum()
    assert ag.fleiss_kappa(long_df) == pytest.approx((p_a - p_e) / (1 - p_e), abs=1e-15)


@pytest.mark.parametrize("level", ["ordinal", "nominal", "interval"])
@pytest.mark.parametrize("seed, size", list(itertools.product([5, 6], SIZES)))
def test_krippendorff_matches_package_with_missing(level, seed, size):
    long_df = random_long(seed, *size, p_missing=0.3, p_nan_row=0.3)
    reference = krippendorff.alpha(reliability_data=reliability(long_df),
                                   level_of_measurement=level, value_domain=[0, 1, 2])
    assert ag.krippendorff_alpha(long_df, level) == pytest.approx(reference, abs=1e-9)


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
@pytest.mark.parametrize("seed", range(6))
def test_cohen_matches_statsmodels(weights, seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 200))
    a = RAG_LABELS[rng.integers(0, 3, n)].copy()
    b = np.where(rng.random(n) < 0.5, a, RAG_LABELS[rng.integers(0, 3, n)])
    a[rng.random(n) < 0.1] = np.nan
    b[rng.random(n) < 0.1] = np.nan
    both = pd.notna(a) & pd.notna(b)
    table = pd.crosstab(pd.Categorical(a[both], categories=list("RAG")),
                        pd.Categorical(b[both], categories=list("RAG")), dropna=False).to_numpy()
    assert table.shape == (3, 3)
    reference = cohens_kappa(table, wt=weights).kappa if weights else cohens_kappa(table).kappa
    assert ag.cohen_kappa(list(a), list(b), weights=weights) == pytest.approx(reference, abs=1e-12)


def test_cohen_pairs_series_by_item():
    a = pd.Series({"v1": "R", "v2": "A", "v3": "G", "v4": "R"})
    b = pd.Series({"v4": "R", "v3": "G", "v2": "A", "v9": "G"})  # v1, v9 unpaired
    assert ag.cohen_kappa(a, b) == 1.0


def test_agreement_with_expert_matches_per_rater_statsmodels():
    long_df = random_long(8, 30, 25, p_missing=0.2, p_nan_row=0.3)
    rng = np.random.default_rng(8)
    expert = pd.Series(RAG_LABELS[rng.integers(0, 3, 25)], index=[f"v{i:03d}" for i in range(25)])
    expert.iloc[3] = np.nan  # the expert skipped one vignette too
    result = ag.agreement_with_expert(long_df, expert, weights="linear")
    assert list(result.columns) == ["n_items", "percent_agreement", "kappa"]
    assert len(result) == 30
    for rater, rows in long_df.groupby("rater"):
        pairs = pd.DataFrame({"t": rows.set_index("item")["rating"]}).join(
            expert.rename("e"), how="inner").dropna()
        table = pd.crosstab(pd.Categorical(pairs.t, categories=list("RAG")),
                            pd.Categorical(pairs.e, categories=list("RAG")), dropna=False)
        row = result.loc[rater]
        assert row.n_items == len(pairs)
        assert row.percent_agreement == pytest.approx((pairs.t == pairs.e).mean())
        assert row.kappa == pytest.approx(cohens_kappa(table.to_numpy(), wt="linear").kappa,
                                          abs=1e-12)


def test_percent_agreement_equals_pairwise_loop():
    long_df = random_long(9, 6, 15, p_missing=0.3)
    matrix = reliability(long_df).T
    shares = []
    for row in matrix:
        seen = [v for v in row if not np.isnan(v)]
        pairs = list(itertools.combinations(seen, 2))
        if pairs:
            shares.append(sum(x == y for x, y in pairs) / len(pairs))
    assert ag.percent_agreement(long_df) == pytest.approx(np.mean(shares), abs=1e-12)


# --- shapes, missing ratings, degenerate data, refusals -----------------------------------

def test_skipped_item_is_handled():
    full = pd.DataFrame({"rater": ["a", "a", "b", "b", "c", "c"],
                         "item": ["v1", "v2", "v1", "v2", "v1", "v2"],
                         "rating": ["R", "G", "R", "A", "A", "G"]})
    skipped_nan = full.copy()
    skipped_nan.loc[5, "rating"] = np.nan      # c skipped v2, recorded as NaN ...
    skipped_row = full.drop(index=5)          # ... or simply absent
    for frame in (skipped_nan, skipped_row):
        matrix = ag.ratings_matrix(frame)
        assert matrix.shape == (2, 3) and np.isnan(matrix.loc["v2", "c"])
        assert matrix.loc["v1", "a"] == 0 and matrix.loc["v2", "a"] == 2
        counts = ag.category_counts(frame)
        assert counts.loc["v2"].tolist() == [0, 1, 1] and counts.loc["v1"].tolist() == [2, 1, 0]
        assert ag.percent_agreement(frame) == pytest.approx((1 / 3 + 0) / 2)
        reference = krippendorff.alpha(reliability_data=matrix.to_numpy().T,
                                       level_of_measurement="ordinal", value_domain=[0, 1, 2])
        assert ag.krippendorff_alpha(frame) == pytest.approx(reference, abs=1e-12)
    assert ag.fleiss_kappa(skipped_nan) == ag.fleiss_kappa(skipped_row)


def test_degenerate_data_follows_the_references_without_warnings():
    same = pd.DataFrame({"rater": list("abcabc"), "item": [1, 1, 1, 2, 2, 2], "rating": ["A"] * 6})
    assert no_warnings(ag.percent_agreement, same) == 1.0
    with np.errstate(all="ignore"):
        assert np.isnan(sm_fleiss_kappa(np.array([[0, 3, 0], [0, 3, 0]])))
        assert np.isnan(cohens_kappa(np.array([[0, 0, 0], [0, 2, 0], [0, 0, 0]])).kappa)
        assert np.isnan(krippendorff.alpha(reliability_data=[[1, 1], [1, 1]], value_domain=[0, 1, 2],
                                           level_of_measurement="ordinal"))
    assert np.isnan(no_warnings(ag.fleiss_kappa, same))
    assert np.isnan(no_warnings(ag.krippendorff_alpha, same))
    assert np.isnan(no_warnings(ag.cohen_kappa, ["A", "A"], ["A", "A"], weights="linear"))
    perfect = pd.DataFrame({"rater": list("abab"), "item": [1, 1, 2, 2], "rating": list("RRGG")})
    assert ag.fleiss_kappa(perfect) == 1.0 and ag.krippendorff_alpha(perfect) == 1.0
    assert ag.cohen_kappa(["R", "G"], ["R", "G"]) == 1.0
    lonely = pd.DataFrame({"rater": ["a", "b"], "item": [1, 2], "rating": ["R", "G"]})
    for fn in (ag.percent_agreement, ag.fleiss_kappa, ag.krippendorff_alpha):
        assert np.isnan(no_warnings(fn, lonely))
    empty = pd.DataFrame({"rater": [], "item": [], "rating": []})
    result = no_warnings(ag.summary, empty, pd.Series(dtype=object))
    assert result["n_ratings"] == 0 and np.isnan(result["fleiss_kappa"])
    assert result["agreement_with_expert"].empty
    assert np.isnan(no_warnings(ag.cohen_kappa, [], []))


def test_disagreement_by_item_orders_most_contested_first():
    long_df = pd.DataFrame({
        "rater": list("abc") * 4,
        "item": ["calm"] * 3 + ["split"] * 3 + ["pair"] * 3 + ["solo"] * 3,
        "rating": ["G", "G", "G", "R", "A", "G", "R", "R", "A", "A", None, None]})
    table = ag.disagreement_by_item(long_df)
    assert table.index.tolist() == ["split", "pair", "calm", "solo"]
    assert list(table.columns) == ["n_ratings", "R", "A", "G", "agreement", "disagreement",
                                   "entropy_bits"]
    assert table.loc["split", "disagreement"] == 1.0
    assert table.loc["split", "entropy_bits"] == pytest.approx(np.log2(3))
    assert table.loc["pair", "agreement"] == pytest.approx(1 / 3)
    assert table.loc["calm", "entropy_bits"] == 0.0
    assert table.loc["solo", "n_ratings"] == 1 and np.isnan(table.loc["solo", "agreement"])


def test_summary_bundles_the_individual_functions():
    long_df = random_long(12, 20, 15, p_missing=0.1)
    expert = pd.Series(RAG_LABELS[np.arange(15) % 3], index=[f"v{i:03d}" for i in range(15)])
    result = ag.summary(long_df, expert)
    assert (result["n_raters"], result["n_items"]) == (20, 15)
    assert result["n_ratings"] == long_df["rating"].notna().sum()
    assert result["percent_agreement"] == ag.percent_agreement(long_df)
    assert result["fleiss_kappa"] == ag.fleiss_kappa(long_df)
    assert result["krippendorff_alpha"] == ag.krippendorff_alpha(long_df, "ordinal")
    pd.testing.assert_frame_equal(result["ratings_matrix"], ag.ratings_matrix(long_df))
    pd.testing.assert_frame_equal(result["category_counts"], ag.category_counts(long_df))
    pd.testing.assert_frame_equal(result["disagreement_by_item"], ag.disagreement_by_item(long_df))
    pd.testing.assert_frame_equal(result["agreement_with_expert"],
                                  ag.agreement_with_expert(long_df, expert))
    assert ag.summary(long_df)["agreement_with_expert"] is None


def test_rag_enum_values_are_accepted():
    as_text = pd.DataFrame({"rater": list("abab"), "item": [1, 1, 2, 2], "rating": list("RAGG")})
    as_enum = as_text.assign(rating=[RAG(v) for v in as_text.rating])
    assert ag.krippendorff_alpha(as_enum) == ag.krippendorff_alpha(as_text)


@pytest.mark.parametrize("frame, field", [
    (pd.DataFrame({"rater": ["a"], "item": [1], "rating": ["X"]}), "rating"),
    (pd.DataFrame({"rater": ["a"], "item": [1]}), "ratings"),
    (pd.DataFrame({"rater": ["a", "a"], "item": [1, 1], "rating": ["R", "G"]}), "rating"),
    (pd.DataFrame({"rater": ["a"], "item": [None], "rating": ["R"]}), "item"),
    ("not a frame", "ratings"),
])
def test_bad_input_is_refused_with_validation_error(frame, field):
    with pytest.raises(ValidationError) as caught:
        ag.summary(frame)
    assert caught.value.field == field


def test_bad_options_are_refused():
    frame = pd.DataFrame({"rater": list("ab"), "item": [1, 1], "rating": list("RA")})
    with pytest.raises(ValidationError):
        ag.krippendorff_alpha(frame, level="ratio")
    with pytest.raises(ValidationError):
        ag.cohen_kappa(["R"], ["A"], weights="cubic")
    with pytest.raises(ValidationError):
        ag.cohen_kappa(["R"], ["A", "G"])
    with pytest.raises(ValidationError):
        ag.agreement_with_expert(frame, pd.Series(["R", "A"], index=[1, 1]))


# Found by the mutation run (group agreement): each refusal names its field and says why,
# and only two Series are paired by item (a list is paired by position).
def test_refusals_name_the_field_and_say_why():
    frame = pd.DataFrame({"rater": list("ab"), "item": [1, 1], "rating": list("RA")})
    once = "each item may appear only once per rater"
    cases = [
        (lambda: ag.krippendorff_alpha(frame, level="ratio"), "level",
         "must be one of ordinal, nominal, interval"),
        (lambda: ag.cohen_kappa(["R"], ["A", "G"]), "ratings",
         "the two raters' ratings differ in length"),
        (lambda: ag.cohen_kappa(["X"], ["A"]), "a", "unknown rating(s) X; expected R, A or G"),
        (lambda: ag.cohen_kappa(["R"], ["Y"]), "b", "unknown rating(s) Y; expected R, A or G"),
        (lambda: ag.cohen_kappa(pd.Series(["R", "A"], index=[1, 1]),
                                pd.Series(["R", "A"], index=[1, 2])), "ratings", once),
        (lambda: ag.cohen_kappa(pd.Series(["R", "A"], index=[1, 2]),
                                pd.Series(["R", "A"], index=[1, 1])), "ratings", once),
    ]
    for call, field, message in cases:
        with pytest.raises(ValidationError) as caught:
            call()
        assert (caught.value.field, caught.value.message) == (field, message)


def test_a_list_and_a_series_are_paired_by_position():
    b = pd.Series(["G", "A", "R"], index=[9, 8, 7])
    assert ag.cohen_kappa(["G", "A", "R"], b) == 1.0
    assert ag.cohen_kappa(b, ["G", "A", "R"]) == 1.0


# A value 0 among the values (the RAG codes R=0, A=1, G=2), and the default level and values.
REL_ZERO = np.array([[0, 1, 2, 0, 2, 1, np.nan, 0],
                     [0, 2, 2, 1, 2, 1, 0, np.nan],
                     [1, 1, 2, 0, np.nan, 1, 0, 0]])
COUNTS_ZERO = np.stack([(REL_ZERO == v).sum(axis=0) for v in (0, 1, 2)], axis=1)


@pytest.mark.parametrize("level", ["ratio", "interval", "nominal", "ordinal"])
def test_krippendorff_with_a_zero_value_matches_the_package(level):
    alpha = ag.krippendorff_alpha_from_counts(COUNTS_ZERO, level, values=[0, 1, 2])
    reference = krippendorff.alpha(reliability_data=REL_ZERO, level_of_measurement=level,
                                   value_domain=[0, 1, 2])
    assert alpha == pytest.approx(reference, abs=1e-12)


def test_krippendorff_defaults_are_interval_over_0_1_2_and_bad_values_are_refused():
    assert ag.krippendorff_alpha_from_counts(COUNTS_ZERO) == pytest.approx(
        krippendorff.alpha(reliability_data=REL_ZERO, level_of_measurement="interval"), abs=1e-12)
    for kwargs, field, message in [
            (dict(level="ratios"), "level", "must be one of nominal, ordinal, interval, ratio"),
            (dict(values=[0, 1]), "values", "need one value per column of the count table")]:
        with pytest.raises(ValidationError) as caught:
            ag.krippendorff_alpha_from_counts(COUNTS_ZERO, **kwargs)
        assert (caught.value.field, caught.value.message) == (field, message)


def test_weighted_cohen_on_two_categories_is_plain_cohen():
    table = [[5, 2], [1, 4]]
    reference = cohens_kappa(np.array(table)).kappa
    for weights in (None, "linear", "quadratic"):
        assert ag.cohen_kappa_from_table(table, weights) == pytest.approx(reference, abs=1e-12)


def test_cohen_tables_refusals_and_a_stack_of_any_depth():
    from supervision_kit.analytics._kappa import cohen_kappa_tables
    square = "expected square k × k contingency table(s), k >= 2"
    for call, field, message in [
            (lambda: cohen_kappa_tables([[5, 2], [1, 4]], weights="cubic"), "weights",
             "must be None, 'linear' or 'quadratic'"),
            (lambda: cohen_kappa_tables([[1, 2, 3], [4, 5, 6]]), "table", square),
            (lambda: cohen_kappa_tables([1, 2, 3]), "table", square),
            (lambda: cohen_kappa_tables([[7]]), "table", square)]:
        with pytest.raises(ValidationError) as caught:
            call()
        assert (caught.value.field, caught.value.message) == (field, message)
    tables = np.array([[[5, 2, 0], [1, 4, 1], [0, 2, 6]], [[3, 1, 1], [2, 2, 0], [0, 1, 5]]])
    for weights in (None, "linear", "quadratic"):
        each = [ag.cohen_kappa_from_table(t, weights) for t in tables]
        assert cohen_kappa_tables(tables, weights).tolist() == pytest.approx(each)
        assert cohen_kappa_tables(tables[None], weights)[0].tolist() == pytest.approx(each)


def test_fleiss_from_counts_one_unit_an_unrated_unit_and_bad_counts():
    f = ag.fleiss_kappa_from_counts
    assert f([[1, 1]]) == pytest.approx(sm_fleiss_kappa(np.array([[1, 1]])), abs=1e-12)
    counts = [[2, 1, 0], [0, 3, 0], [1, 1, 1], [0, 0, 2]]
    assert f(counts + [[0, 0, 0]]) == pytest.approx(f(counts), abs=1e-12)   # unrated: dropped
    for bad, message in [([[1, None]], "counts must be non-negative numbers"),
                         ([[1, -1]], "counts must be non-negative numbers"),
                         ([1, 2], "expected a 2-D table: units × (at least two) categories")]:
        with pytest.raises(ValidationError) as caught:
            f(bad)
        assert (caught.value.field, caught.value.message) == ("counts", message)
