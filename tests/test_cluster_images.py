"""Tests of image clustering: cluster_images, dbscan_eps and choose_k."""

import doctest

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

import coursekit.cluster as cc
from coursekit.cluster import choose_k, cluster_images, dbscan_eps


@pytest.fixture(scope="module")
def blobs():
    return make_blobs(n_samples=240, centers=4, n_features=6, cluster_std=0.8, random_state=0)


@pytest.mark.parametrize("method", ["kmeans", "agglomerative", "gmm"])
def test_cluster_images_recovers_well_separated_blobs(blobs, method):
    features, truth = blobs
    labels = cluster_images(features, 4, method=method)
    assert labels.shape == truth.shape and labels.dtype == np.int64
    assert set(np.unique(labels)) == {0, 1, 2, 3}
    assert adjusted_rand_score(truth, labels) > 0.9


def test_dbscan_finds_the_blobs_and_marks_outliers_as_noise(blobs):
    features, truth = blobs
    outliers = np.full((2, features.shape[1]), 60.0)
    outliers[1] *= -1
    labels = cluster_images(np.vstack([features, outliers]), 5, method="dbscan")
    assert labels[-1] == -1 and labels[-2] == -1
    assert adjusted_rand_score(truth, labels[:-2]) > 0.9
    assert len(set(labels[:-2]) - {-1}) == 4


def test_dbscan_eps_is_the_90th_percentile_of_the_k_distance():
    x = np.arange(11.0).reshape(-1, 1) ** 2  # neighbour gaps 1, 3, 5, ...
    # The 2nd nearest (itself first) of each point is its nearest other point.
    nearest_other = np.minimum(np.r_[np.inf, np.diff(x[:, 0])], np.r_[np.diff(x[:, 0]), np.inf])
    assert dbscan_eps(x, 2) == pytest.approx(np.quantile(nearest_other, 0.9))
    assert 0 < dbscan_eps(x, 1) < 1e-9  # every point is its own first neighbour


@pytest.mark.parametrize("method", ["kmeans", "gmm"])
def test_cluster_images_is_deterministic_for_a_random_state(method):
    features = np.random.default_rng(0).normal(size=(60, 3))  # no structure: seeds matter
    first = cluster_images(features, 5, method=method, random_state=11)
    np.testing.assert_array_equal(first, cluster_images(features, 5, method, random_state=11))


def test_cluster_images_k_equal_to_one_and_to_n():
    features = np.random.default_rng(1).normal(size=(6, 2))
    np.testing.assert_array_equal(cluster_images(features, 1), 0)
    assert len(set(cluster_images(features, 6, "agglomerative"))) == 6


@pytest.mark.parametrize(
    "features, k, method, error, message",
    [
        (np.zeros((5, 2)), 6, "kmeans", ValueError, "k must be an integer >= 1 and <= 5; got 6"),
        (np.zeros((5, 2)), 0, "kmeans", ValueError, "k must be an integer >= 1"),
        (np.zeros((5, 2)), "3", "kmeans", TypeError, "k must be an integer"),
        (np.zeros((5, 2)), 2, "spectral", ValueError, "method must be one of 'kmeans'"),
        (np.zeros(5), 2, "kmeans", ValueError, r"features has shape \(5,\)"),
        (np.zeros((0, 2)), 1, "kmeans", ValueError, "features is empty"),
        (np.array([[1.0, np.inf]]), 1, "kmeans", ValueError, "features contains NaN or inf"),
    ],
)
def test_cluster_images_validation(features, k, method, error, message):
    with pytest.raises(error, match=message):
        cluster_images(features, k, method)


def test_choose_k_table_peaks_at_the_true_k(blobs):
    features, _ = blobs
    table = choose_k(features, ks=[1, 2, 3, 4, 5, 6])
    assert list(table.columns) == ["k", "inertia", "silhouette"]
    assert list(table["k"]) == [1, 2, 3, 4, 5, 6]
    assert np.isnan(table["silhouette"].iloc[0])  # undefined for one cluster
    assert table.loc[table["silhouette"].idxmax(), "k"] == 4
    assert table["inertia"].is_monotonic_decreasing


def test_choose_k_validation():
    with pytest.raises(ValueError, match="ks must be an integer >= 1 and <= 3"):
        choose_k(np.zeros((3, 2)), ks=[2, 4])
    with pytest.raises(ValueError, match="ks is empty"):
        choose_k(np.zeros((3, 2)), ks=[])


def test_docstring_examples_run():
    for module in (cc.images, cc.pixels, cc.lesion):
        failures, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert failures == 0, module.__name__
