"""Hidden tests of assignment 03-clustering: colour_histogram, cluster_images, purity."""

import numpy as np
import pytest
from _checks import GRADING, array_problem, describe, fail, images, run, same_partition
from hypothesis import given
from hypothesis import strategies as st

from coursekit import cluster, features


@pytest.mark.points(3)
def test_colour_histogram(student):
    """colour_histogram was compared with the reference on random RGB images (uint8 and float,
    1x1 to 16x16) for 1 ... 16 bins in the rgb, hsv and lab colour spaces: length 3 x bins,
    and per channel at most one pixel in a different bin (values within 2 / number of pixels)."""
    colour_histogram = student.function("colour_histogram")

    @GRADING
    @given(
        image=images(grey=False),
        bins=st.integers(1, 16),
        colour_space=st.sampled_from(["rgb", "hsv", "lab"]),
    )
    def check(image, bins, colour_space):
        inputs = {"image": image, "bins": bins, "colour_space": colour_space}
        expected = features.colour_histogram(image, bins=bins, colour_space=colour_space)
        got = colour_histogram(image, bins=bins, colour_space=colour_space)
        hint = (
            "convert to float [0, 1] RGB, then to the colour space; per channel "
            "np.histogram(channel, bins=bins, range=...) with the channel's range (rgb and "
            "hsv (0, 1); lab L* (0, 100), a* and b* (-128, 127)); divide each channel's "
            "counts by their sum; concatenate."
        )
        problem = array_problem(
            np.asarray(got) if isinstance(got, list) else got, expected, check_dtype=False
        )
        if problem is None:
            n_pixels = image.shape[0] * image.shape[1]
            per_channel = np.abs(np.asarray(got, dtype=np.float64) - expected).reshape(3, bins)
            if not np.all(np.isfinite(per_channel)) or np.any(
                per_channel.sum(axis=1) > 2.0 / n_pixels + 1e-9
            ):
                problem = "the histogram values differ"
        if problem:
            fail(problem, inputs, expected, got, hint=hint)

    run(check, student)


@st.composite
def blobs(draw):
    """``(features, k)``: k tight, far apart groups of points in 2 to 5 dimensions."""
    k = draw(st.integers(1, 4))
    n_features = draw(st.integers(2, 5))
    per_cluster = draw(st.integers(3, 8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    centres = np.eye(max(k, n_features))[:k, :n_features] * 20.0
    if k > n_features:
        centres = rng.normal(0, 20, (k, n_features))
    points = np.repeat(centres, per_cluster, axis=0) + rng.normal(
        0, 0.3, (k * per_cluster, n_features)
    )
    order = rng.permutation(len(points))
    return points[order], k


@pytest.mark.points(3)
def test_cluster_images(student):
    """cluster_images was compared with the reference on feature vectors forming k = 1 ... 4
    tight, well separated groups (2 to 5 features, 3 to 8 samples each) with the methods
    kmeans, agglomerative and gmm: the same grouping (label numbers may differ), and the same
    labels from a second call with the same random_state."""
    cluster_images = student.function("cluster_images")

    @GRADING
    @given(
        case=blobs(),
        method=st.sampled_from(["kmeans", "agglomerative", "gmm"]),
        random_state=st.sampled_from([0, 3]),
    )
    def check(case, method, random_state):
        points, k = case
        inputs = {"features": points, "k": k, "method": method, "random_state": random_state}
        expected = cluster.cluster_images(points, k, method=method, random_state=random_state)
        got = cluster_images(points, k, method=method, random_state=random_state)
        hint = (
            "fit the chosen scikit-learn model with n_clusters (n_components) = k and "
            "random_state=random_state, and return one label per row of features."
        )
        problem = array_problem(got, expected, check_dtype=False)
        if problem is None and not same_partition(got, expected):
            problem = "the samples are grouped differently from the expected clusters"
        if problem:
            fail(problem, inputs, expected, got, hint=hint)
        again = cluster_images(points, k, method=method, random_state=random_state)
        if not np.array_equal(np.asarray(again), got):
            fail(
                "a second call with the same random_state gave different label numbers",
                inputs,
                got,
                again,
                hint="pass random_state to the scikit-learn model.",
            )

    run(check, student)


@pytest.mark.points(2)
def test_purity(student):
    """purity was compared with the reference on random labellings of 1 to 40 samples (classes
    as strings or integers, 1 to 5 clusters); results within 1e-9."""
    purity = student.function("purity")

    @GRADING
    @given(
        n=st.integers(1, 40),
        n_classes=st.integers(1, 4),
        n_clusters=st.integers(1, 5),
        strings=st.booleans(),
        seed=st.integers(0, 2**32 - 1),
    )
    def check(n, n_classes, n_clusters, strings, seed):
        rng = np.random.default_rng(seed)
        labels_true = rng.integers(0, n_classes, n)
        if strings:
            labels_true = np.array(["mel", "nv", "bkl", "bcc"])[labels_true]
        labels_pred = rng.integers(0, n_clusters, n) * 3 + 1  # cluster names need not be 0..k-1
        inputs = {"labels_true": labels_true, "labels_pred": labels_pred}
        expected = cluster.purity(labels_true, labels_pred)
        got = purity(labels_true, labels_pred)
        hint = (
            "for every cluster count its most common true class; add these counts and "
            "divide by the number of samples."
        )
        try:
            ok = abs(float(got) - expected) <= 1e-9
        except (TypeError, ValueError):
            ok = False
        if not ok:
            fail(f"expected {expected!r}, got {describe(got)}", inputs, expected, got, hint=hint)

    run(check, student)
