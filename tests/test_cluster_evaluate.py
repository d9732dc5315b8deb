"""Tests of cluster evaluation: purity, contingency table, metrics, matching, random baseline."""

import doctest

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

import coursekit.cluster.evaluate as evaluate_module
from coursekit.cluster import (
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
    assert result["nmi"] == pytest.approx(normalized_mutual_info_score(true, pred))
    assert result["purity"] == pytest.approx(purity(true, pred))
    assert result["n_clusters"] == 6 and result["n_noise"] == 0
    assert result["contingency"].equals(contingency_table(true, pred))
    relabelled = evaluate_clustering(true, (pred + 3) % 6)
    for key in ("ari", "nmi", "purity"):
        assert relabelled[key] == pytest.approx(result[key])


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
    assert list(table.columns) == ["ari", "nmi", "purity"] and len(table) == 50
    assert result["ari"] == pytest.approx(table["ari"].mean()) and abs(result["ari"]) < 0.02
    assert 0.25 < result["purity"] < 0.45  # chance purity is above 1 / 4
    assert 0.0 < result["nmi"] < 0.1
    assert table.equals(random_baseline(true, k=4, n_repeats=50, random_state=3)["scores"])
    assert not table.equals(random_baseline(true, k=4, n_repeats=50, random_state=4)["scores"])


def test_random_baseline_keeps_the_sizes_of_a_given_labelling(monkeypatch):
    true = np.repeat([0, 1], 10)
    pred = np.r_[np.zeros(17, int), np.ones(3, int)]
    seen = []
    real_ari = evaluate_module.adjusted_rand_score

    def spy(a, b):
        seen.append(np.bincount(b))
        return real_ari(a, b)

    monkeypatch.setattr(evaluate_module, "adjusted_rand_score", spy)
    random_baseline(true, pred, n_repeats=5)
    assert all(sorted(sizes) == [3, 17] for sizes in seen) and len(seen) == 5


@pytest.mark.parametrize(
    "k, error, message",
    [
        (0, ValueError, "k must be >= 1"),
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
