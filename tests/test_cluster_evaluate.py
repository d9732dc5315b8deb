"""Tests of cluster evaluation: purity, contingency table, metrics, matching, random baseline."""

import doctest

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    normalized_mutual_info_score,
)

import coursekit.cluster.evaluate as evaluate_module
from coursekit.cluster import (
    BASELINE_COLUMNS,
    SCORES,
    contingency_table,
    evaluate_clustering,
    match_labels,
    purity,
    random_baseline,
)

TRUE = ["mel", "mel", "mel", "nv", "nv", "nv", "nv", "bkl", "bkl", "bkl"]
PRED = [0, 0, 1, 1, 1, 1, 2, 2, 2, 0]
# Clusters: 0 = {mel, mel, bkl} -> 2; 1 = {mel, nv, nv, nv} -> 3; 2 = {nv, bkl, bkl} -> 2.


def test_purity_hand_computed():
    assert purity(TRUE, PRED) == pytest.approx(7 / 10)
    assert purity(["a", "a", "b"], [5, 5, 5]) == pytest.approx(2 / 3)
    assert purity(TRUE, TRUE) == 1.0
    assert purity(TRUE, np.arange(10)) == 1.0  # singletons are trivially pure


def test_purity_ignores_cluster_names_and_label_types():
    renamed = {0: "x", 1: 7, 2: "y"}
    assert purity(TRUE, [str(renamed[c]) for c in PRED]) == purity(TRUE, PRED)
    classes = {"mel": 3, "nv": 1, "bkl": 2}
    assert purity(np.array([classes[c] for c in TRUE]), PRED) == purity(TRUE, PRED)


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4)), min_size=1, max_size=40),
    st.permutations(range(5)),
)
def test_purity_in_range_and_invariant_to_relabelling(pairs, permutation):
    true, pred = map(np.array, zip(*pairs, strict=True))
    value = purity(true, pred)
    assert 0.0 < value <= 1.0
    assert purity(true, np.array(permutation)[pred]) == pytest.approx(value)


@pytest.mark.parametrize(
    "true, pred, message",
    [
        ([1, 2, 3], [1, 2], "labels_true has 3 labels but labels_pred has 2"),
        ([], [], "empty"),
        ([[1, 2]], [[1, 2]], r"labels_true has shape \(1, 2\)"),
        (["a", None], [0, 1], "labels_true has 1 missing label"),
        ([0, 1], [0.0, np.nan], "labels_pred has 1 missing label.*position 1"),
    ],
)
def test_labelling_validation(true, pred, message):
    for func in (purity, contingency_table, evaluate_clustering, match_labels):
        with pytest.raises(ValueError, match=message):
            func(true, pred)


def test_contingency_table_counts():
    table = contingency_table(TRUE, PRED)
    assert list(table.index) == ["bkl", "mel", "nv"]
    assert list(table.columns) == [0, 1, 2]
    np.testing.assert_array_equal(table.to_numpy(), [[1, 0, 2], [2, 1, 0], [0, 3, 1]])
    assert table.index.name == "class" and table.columns.name == "cluster"


def test_evaluate_clustering_agrees_with_scikit_learn():
    rng = np.random.default_rng(0)
    true = rng.choice(["akiec", "bcc", "mel", "nv"], size=200)
    pred = rng.integers(0, 6, size=200)
    pred[true == "nv"] = 5  # some structure, so that the scores are not all ~0
    result = evaluate_clustering(true, pred)
    assert result["ari"] == pytest.approx(adjusted_rand_score(true, pred))
    assert result["ami"] == pytest.approx(adjusted_mutual_info_score(true, pred))
    assert result["nmi"] == pytest.approx(normalized_mutual_info_score(true, pred))
    assert result["purity"] == pytest.approx(purity(true, pred))
    assert result["n_clusters"] == 6 and result["n_noise"] == 0
    assert result["contingency"].equals(contingency_table(true, pred))
    relabelled = evaluate_clustering(true, (pred + 3) % 6)
    for key in ("ari", "ami", "nmi", "nmi_chance", "purity"):
        assert relabelled[key] == pytest.approx(result[key])


@pytest.mark.parametrize("seed", range(4))
def test_nmi_chance_is_the_level_that_ami_adjusts_for(seed):
    # AMI = (NMI - E[NMI]) / (1 - E[NMI]) with scikit-learn's arithmetic normalisation, so
    # scikit-learn's own AMI pins down the expected NMI of random clusters of these sizes.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 300))
    true = rng.integers(0, int(rng.integers(2, 6)), n)
    pred = np.where(rng.random(n) < 0.3, true, rng.integers(0, int(rng.integers(2, 9)), n))
    result = evaluate_clustering(true, pred)
    ami = adjusted_mutual_info_score(true, pred)
    assert result["nmi_chance"] == pytest.approx((result["nmi"] - ami) / (1 - ami), rel=1e-9)
    assert 0 < result["nmi_chance"] < result["nmi"]


def test_nmi_chance_matches_shuffles_and_is_far_from_zero_for_small_samples():
    rng = np.random.default_rng(5)
    true, pred = rng.integers(0, 4, 60), rng.integers(0, 6, 60)  # unrelated labellings
    result = evaluate_clustering(true, pred)
    assert abs(result["ari"]) < 0.05 and abs(result["ami"]) < 0.05
    assert result["nmi_chance"] > 0.05  # NMI is not 0 for chance
    baseline = random_baseline(true, pred, n_repeats=150, random_state=0)
    assert baseline["nmi"] == pytest.approx(result["nmi_chance"], abs=0.006)


@pytest.mark.parametrize(
    "true, pred, expected",
    [
        ([0, 0, 1, 1], [0, 0, 0, 0], 0.0),  # one cluster: the mutual information is always 0
        ([0, 0, 0, 0], [0, 1, 2, 3], 0.0),
        (["a", "a", "a"], [5, 5, 5], 1.0),  # both one group: NMI is 1 by scikit-learn's rule
    ],
)
def test_nmi_chance_in_degenerate_cases(true, pred, expected):
    result = evaluate_clustering(true, pred)
    assert result["nmi_chance"] == expected
    assert result["nmi"] == normalized_mutual_info_score(true, pred)


def test_perfect_clustering_scores_one_and_keeps_a_chance_level_below_one():
    result = evaluate_clustering(TRUE, [{"mel": 2, "nv": 0, "bkl": 1}[c] for c in TRUE])
    assert result["ari"] == result["ami"] == result["nmi"] == result["purity"] == 1.0
    assert 0 < result["nmi_chance"] < 0.5


def test_evaluate_clustering_counts_noise_apart():
    result = evaluate_clustering(["a", "a", "b", "b", "b"], [0, 0, 1, -1, -1])
    assert result["n_clusters"] == 2 and result["n_noise"] == 2
    assert result["purity"] == 1.0  # noise counts as one more cluster, like in scikit-learn


def test_match_labels_uses_the_hungarian_assignment():
    # Cluster 0 holds 3 a + 2 b, cluster 1 holds 3 a: majority voting would call both "a";
    # the one-to-one matching with most samples on the diagonal (2 + 3) gives 0 to "b".
    assert match_labels(list("aaabbaaa"), [0, 0, 0, 0, 0, 1, 1, 1]) == {0: "b", 1: "a"}
    # Three classes, two clusters: one class is left unnamed.
    assert match_labels(list("aabbbc"), [0, 0, 1, 1, 1, 1]) == {0: "a", 1: "b"}
    assert match_labels(TRUE, PRED) == {0: "mel", 1: "nv", 2: "bkl"}


def test_match_labels_extra_clusters_get_their_majority_class():
    true = ["a", "a", "a", "b", "b", "b"]
    pred = [0, 0, 2, 1, 1, 3]
    assert match_labels(true, pred) == {0: "a", 1: "b", 2: "a", 3: "b"}


def test_random_baseline_is_near_chance_and_reproducible():
    true = np.repeat(["akiec", "bcc", "mel", "nv"], 30)
    result = random_baseline(true, k=4, n_repeats=50, random_state=3)
    table = result["scores"]
    assert list(table.columns) == ["ari", "ami", "nmi", "purity"] == list(SCORES)
    assert len(table) == 50 == result["n_repeats"]
    assert result["ari"] == pytest.approx(table["ari"].mean()) and abs(result["ari"]) < 0.02
    assert abs(result["ami"]) < 0.02
    assert 0.25 < result["purity"] < 0.45  # chance purity is above 1 / 4
    assert 0.0 < result["nmi"] < 0.1
    again = random_baseline(true, k=4, n_repeats=50, random_state=3)
    assert table.equals(again["scores"]) and result["summary"].equals(again["summary"])
    other = random_baseline(true, k=4, n_repeats=50, random_state=4)
    assert not table.equals(other["scores"]) and not result["summary"].equals(other["summary"])


def _spy_on_shuffles(monkeypatch):
    shuffles = []
    real_scores = evaluate_module._FixedMargins.scores

    def spy(self, cluster_codes):
        shuffles.append(np.array(cluster_codes))
        return real_scores(self, cluster_codes)

    monkeypatch.setattr(evaluate_module._FixedMargins, "scores", spy)
    return shuffles


def test_random_baseline_scores_are_scikit_learns_scores_of_each_shuffle(monkeypatch):
    true = np.repeat(["mel", "nv", "bkl"], [5, 9, 6])
    shuffles = _spy_on_shuffles(monkeypatch)
    table = random_baseline(true, k=3, n_repeats=4, random_state=1)["scores"]
    assert len(shuffles) == 4
    for row, shuffled in zip(table.itertuples(index=False), shuffles, strict=True):
        assert row.ari == pytest.approx(adjusted_rand_score(true, shuffled))
        assert row.ami == pytest.approx(adjusted_mutual_info_score(true, shuffled))
        assert row.nmi == pytest.approx(normalized_mutual_info_score(true, shuffled))
        assert row.purity == pytest.approx(purity(true, shuffled))


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(-1, 5)), min_size=1, max_size=60),
)
def test_fixed_margin_scores_equal_scikit_learns(pairs):
    # The fast scores of random_baseline, special cases included (one class, one cluster,
    # both, identical partitions, noise label -1 as one more cluster).
    true, pred = (np.array(column) for column in zip(*pairs, strict=True))
    true_codes, pred_codes = pd.factorize(true)[0], pd.factorize(pred)[0]
    ari, ami, nmi, purity_ = evaluate_module._FixedMargins(true_codes, pred_codes).scores(
        pred_codes
    )
    assert ari == pytest.approx(adjusted_rand_score(true, pred), abs=1e-12)
    assert ami == pytest.approx(adjusted_mutual_info_score(true, pred), abs=1e-9)
    assert nmi == pytest.approx(normalized_mutual_info_score(true, pred), abs=1e-12)
    assert purity_ == pytest.approx(purity(true, pred))


def test_random_baseline_keeps_the_sizes_of_a_given_labelling(monkeypatch):
    true = np.repeat([0, 1], 10)
    pred = np.r_[np.zeros(17, int), np.ones(3, int)]
    shuffles = _spy_on_shuffles(monkeypatch)
    random_baseline(true, pred, n_repeats=5)
    assert len(shuffles) == 5 and all(sorted(np.bincount(b)) == [3, 17] for b in shuffles)
    assert len({tuple(b) for b in shuffles}) > 1  # and they are shuffled


def test_random_baseline_summary_holds_the_mean_and_the_percentiles():
    true = np.repeat(["akiec", "bcc", "mel", "nv"], [10, 15, 20, 35])
    result = random_baseline(true, k=5, n_repeats=200, random_state=0)
    summary, table = result["summary"], result["scores"]
    assert list(summary.index) == list(SCORES) and summary.index.name == "score"
    assert list(summary.columns) == list(BASELINE_COLUMNS) == ["mean", "p2.5", "p95", "p97.5"]
    for name in SCORES:
        row = summary.loc[name]
        assert row["mean"] == result[name] == pytest.approx(table[name].mean())
        for column, q in (("p2.5", 2.5), ("p95", 95), ("p97.5", 97.5)):
            assert row[column] == pytest.approx(np.percentile(table[name], q))
        assert row["p2.5"] < row["mean"] < row["p97.5"]  # the band holds the chance level
        assert row["p2.5"] <= row["p95"] <= row["p97.5"]
        # About 5 % of the shuffles beat the 95th percentile, about 95 % fall in the band.
        assert (table[name] > row["p95"]).mean() <= 0.05
        assert ((table[name] >= row["p2.5"]) & (table[name] <= row["p97.5"])).mean() >= 0.95
    assert summary.loc["ari", "p95"] > 0  # a score of 0 does not beat chance


def test_random_baseline_band_narrows_with_more_samples():
    def width(n):
        summary = random_baseline(np.arange(n) % 4, k=4, n_repeats=40)["summary"]
        return summary["p97.5"] - summary["p2.5"]

    assert (width(400) < width(40) / 2).all()


def test_random_baseline_with_one_repeat_has_a_band_of_width_zero():
    summary = random_baseline(TRUE, PRED, n_repeats=1)["summary"]
    for column in BASELINE_COLUMNS:
        np.testing.assert_allclose(summary[column], summary["mean"])


@pytest.mark.parametrize(
    "k, error, message",
    [
        (0, ValueError, "k must be an integer >= 1"),
        (5, ValueError, "k must be an integer >= 1 and <= 4; got 5"),
        (2.5, TypeError, "k must be an int"),
        ([0, 1], ValueError, "labels_true has 4 labels but k has 2"),
    ],
)
def test_random_baseline_validation(k, error, message):
    with pytest.raises(error, match=message):
        random_baseline([0, 0, 1, 1], k)


def test_docstring_examples_run():
    failures, _ = doctest.testmod(evaluate_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failures == 0
