"""Contracts of notebook 03 (clustering): colour_histogram, cluster_images, purity.

Also the feature sets that tell the clustering methods apart: on each, the
documented method groups the samples differently from its likely substitutes
(another linkage, another covariance type, DBSCAN's default settings, k-means
without its seed), so a method that is ignored or set up differently shows.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np

from coursekit.checks._registry import contract
from coursekit.checks.compare import (
    LEFT_OUT,
    array_problem,
    describe,
    expect_raises,
    fail,
    first_difference,
    format_number,
    given,
    or_default,
    same_partition,
)
from coursekit.checks.inputs import random_image

__all__ = [
    "histogram_rgb",
    "histogram_colour_spaces",
    "histogram_dtypes",
    "histogram_bins",
    "histogram_grey_refused",
    "cluster_images_kmeans",
    "cluster_images_random_state",
    "cluster_images_agglomerative",
    "cluster_images_gmm",
    "cluster_images_dbscan",
    "purity_values",
    "purity_label_types",
    "separated_features",
    "seed_sensitive_features",
    "uniform_features",
    "anisotropic_features",
    "noisy_features",
    "SEED_SENSITIVE_FEATURES",
    "WARD_CASES",
    "GMM_CASES",
    "DBSCAN_CASES",
]

#: ``{method: ((case, k), ...)}``: :func:`seed_sensitive_features` cases on which the method
#: finds at least three clusterings for random_state 0, 1, 2, 3 and 7, the same for float32.
SEED_SENSITIVE_FEATURES = {
    "kmeans": ((2014, 4), (2015, 3), (2028, 3), (2037, 4), (2039, 3), (2132, 3)),
    "gmm": ((2001, 3), (2002, 3), (2004, 3), (2007, 3), (2011, 4), (2012, 3)),
}
#: :func:`uniform_features` cases where Ward linkage differs from single, average and
#: complete linkage and from k-means.
WARD_CASES = ((3000, 2), (3001, 3), (3002, 2), (3005, 4), (3007, 2), (3008, 2), (3010, 3))
#: :func:`anisotropic_features` cases where the diagonal-covariance mixture differs from the
#: full, spherical and tied ones and from k-means (random_state 0).
GMM_CASES = ((4000, 3), (4004, 3), (4005, 3), (4008, 3), (4012, 3), (4013, 2), (4014, 2))
#: :func:`noisy_features` cases where the documented DBSCAN differs from DBSCAN's defaults,
#: from the documented min_samples with the default eps and from the documented eps with
#: the default min_samples, with some noise samples.
DBSCAN_CASES = ((5011, 2), (5013, 2), (5019, 2), (5023, 2), (5036, 2), (5038, 2), (5045, 2))


# -- feature sets -------------------------------------------------------------------------------
def separated_features(seed: int, k: int, n_features: int = 3, per_cluster: int = 5):
    """``k`` tight groups far apart: every method finds them."""
    rng = np.random.default_rng(seed)
    centres = np.eye(max(k, n_features))[:k, :n_features] * 20.0
    if k > n_features:
        centres = rng.normal(0, 20, (k, n_features))
    points = np.repeat(centres, per_cluster, axis=0)
    points = points + rng.normal(0, 0.3, points.shape)
    return points[rng.permutation(len(points))]


def seed_sensitive_features(case: int) -> np.ndarray:
    """6 to 9 groups in 2 to 4 dimensions: fewer clusters than groups, many good answers."""
    rng = np.random.default_rng(case)
    n_blobs, n_features = int(rng.integers(6, 10)), int(rng.integers(2, 5))
    rng.integers(3, 5)  # (k was drawn here when the cases were chosen)
    centres = rng.normal(0, 5, (n_blobs, n_features))
    points = np.repeat(centres, 5, axis=0) + rng.normal(0, 0.3, (n_blobs * 5, n_features))
    return points[rng.permutation(len(points))]


def uniform_features(case: int) -> np.ndarray:
    """12 to 24 samples spread evenly: linkages disagree on how to cut them."""
    rng = np.random.default_rng(case)
    n, n_features = int(rng.integers(12, 25)), int(rng.integers(2, 4))
    rng.integers(2, 5)
    return rng.uniform(0, 10, (n, n_features))


def anisotropic_features(case: int) -> np.ndarray:
    """2 or 3 groups, each stretched along its own axes."""
    rng = np.random.default_rng(case)
    k = int(rng.integers(2, 4))
    groups = []
    for _ in range(k):
        centre, spread = rng.uniform(-6, 6, 2), rng.uniform(0.3, 3.0, 2)
        groups.append(centre + rng.normal(0, 1, (int(rng.integers(10, 20)), 2)) * spread)
    points = np.concatenate(groups)
    return points[rng.permutation(len(points))]


def noisy_features(case: int) -> np.ndarray:
    """2 or 3 dense groups far apart (tens of units) and 3 scattered samples."""
    rng = np.random.default_rng(case)
    rng.integers(2, 5)
    n_groups = int(rng.integers(2, 4))
    centres = rng.uniform(-30, 30, (n_groups, 2))
    groups = [c + rng.normal(0, 1.5, (int(rng.integers(8, 15)), 2)) for c in centres]
    points = np.concatenate(groups + [rng.uniform(-40, 40, (3, 2))])
    return points[rng.permutation(len(points))]


# -- colour_histogram -----------------------------------------------------------------------
_RANGES = {"rgb": [(0.0, 1.0)] * 3, "hsv": [(0.0, 1.0)] * 3,
           "lab": [(0.0, 100.0), (-128.0, 127.0), (-128.0, 127.0)]}  # fmt: skip
_HISTOGRAM_HINT = (
    "convert to float [0, 1] (uint8 / 255), then to the colour space; per channel "
    "np.histogram(channel, bins=bins, range=...) with that channel's range (rgb and hsv (0, 1); "
    "lab L* (0, 100), a* and b* (-128, 127)); divide each channel's counts by their sum; "
    "np.concatenate the three."
)


def _reference_histogram(image, bins, colour_space):
    from coursekit import features

    return features.colour_histogram(image, bins=bins, colour_space=colour_space)


def _histogram_with(values, bins, colour_space, ranges) -> np.ndarray:
    """A histogram made like the reference's from ``values`` (float RGB, any scale) with
    the given per-channel ranges (None: the channel's own minimum and maximum)."""
    import skimage.color

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if colour_space == "hsv":
            values = skimage.color.rgb2hsv(values)
        elif colour_space == "lab":
            values = skimage.color.rgb2lab(values)
    parts = []
    for channel, r in zip(np.moveaxis(values, -1, 0), ranges, strict=True):
        if r is None:
            r = (float(channel.min()), float(channel.max()))
            if r[0] == r[1]:
                r = (r[0] - 0.5, r[1] + 0.5)
        counts, _ = np.histogram(channel, bins=bins, range=r)
        total = counts.sum()
        parts.append(counts / total if total else counts.astype(np.float64))
    return np.concatenate(parts)


def _histogram_variants(image, bins, colour_space) -> dict:
    """Mistaken recipes, each named only when it alone reproduces the answer."""
    unit = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    ranges = _RANGES[colour_space]
    variants = {
        "each channel's range is its own minimum to maximum here; use the fixed ranges "
        "(rgb and hsv (0, 1); lab L* (0, 100), a* and b* (-128, 127))":
            (unit, [None, None, None]),
    }  # fmt: skip
    if image.dtype == np.uint8 and colour_space == "rgb":
        variants["your histogram is that of the 0..255 values in the range (0, 1): divide a "
                 "uint8 image by 255 first"] = (image.astype(np.float64), ranges)
    if colour_space == "lab":
        for wrong in ([(0.0, 100.0), (-100.0, 100.0), (-100.0, 100.0)],
                      [(0.0, 1.0)] * 3, [(0.0, 255.0)] * 3, [(0.0, 100.0)] * 3):
            variants[f"your Lab ranges are {wrong}: L* is (0, 100), a* and b* (-128, 127)"] = (
                unit, wrong)
    return {hint: _histogram_with(v, bins, colour_space, r) for hint, (v, r) in variants.items()}


def _check_histogram(got, expected, image, inputs, *, moved_pixels: int, hint=_HISTOGRAM_HINT,
                     variants=None):  # fmt: skip
    value = np.asarray(got, dtype=np.float64) if isinstance(got, (list, tuple)) else got
    problem = array_problem(value, expected.shape)
    if problem:
        fail(problem[0], inputs, expected, got, hint=problem[1] or hint)
    n_pixels = image.shape[0] * image.shape[1]
    bins = len(expected) // 3
    difference = np.abs(value.astype(np.float64) - expected).reshape(3, bins)
    allowed = 2.0 * moved_pixels / n_pixels + 1e-9
    if np.all(np.isfinite(difference)) and np.all(difference.sum(axis=1) <= allowed):
        return
    channel = int(np.argmax(np.nan_to_num(difference.sum(axis=1), nan=np.inf)))
    sums = value.reshape(3, bins).sum(axis=1)
    specific = None
    if np.allclose(value.sum(), 1.0) and not np.allclose(sums, 1.0):
        specific = "each channel's histogram must sum to 1 on its own (divide each by its sum)"
    elif np.allclose(value, expected, rtol=0, atol=1e-6):
        specific = (
            "the values are right to about 1e-7 but not exactly: compute and return float64 "
            f"(your result is {value.dtype}; float32 rounds the shares)"
        )
    elif np.allclose(value, expected.reshape(3, bins)[::-1].ravel()):
        specific = "the channels are in the wrong order: channel 0 first"
    else:
        fits = [
            h for h, v in (variants or {}).items()
            if v.shape == value.shape
            and np.all(np.abs(value - v).reshape(3, bins).sum(axis=1) <= allowed)
            and not np.all(np.abs(v - expected).reshape(3, bins).sum(axis=1) <= allowed)
        ]  # fmt: skip
        specific = fits[0] if len(fits) == 1 else None
    expected_sums = [format_number(s) for s in expected.reshape(3, bins).sum(axis=1)]
    fail(
        f"the histogram values differ (channel {channel}: the shares are off by "
        f"{format_number(difference[channel].sum())} in total)",
        inputs,
        expected,
        got,
        hint=specific or hint,
        details=f"Sums per channel: expected {expected_sums}, "
        f"got {[format_number(s) for s in sums]}",
    )


@contract(
    "colour_histogram",
    "rgb",
    quick=[
        {"image": random_image(1, (4, 5, 3)), "bins": 4},
        {"image": random_image(2, (3, 3, 3)), "bins": 8},
    ],
)
def histogram_rgb(colour_histogram, image, bins=LEFT_OUT, colour_space=LEFT_OUT):
    """RGB histograms: one per channel over (0, 1), each summing to 1 (bins left out: 8)."""
    inputs = {"image": image, "bins": bins, "colour_space": colour_space}
    got = colour_histogram(image, **given(bins=bins, colour_space=colour_space))
    expected = _reference_histogram(image, or_default(bins, 8), or_default(colour_space, "rgb"))
    _check_histogram(got, expected, image, inputs, moved_pixels=0)


@contract(
    "colour_histogram",
    "colour_spaces",
    quick=[
        {"image": random_image(3, (4, 4, 3)), "bins": 5, "colour_space": cs}
        for cs in ("hsv", "lab")
    ],
)
def histogram_colour_spaces(colour_histogram, image, bins, colour_space):
    """hsv and lab histograms, each channel over its own range."""
    inputs = {"image": image, "bins": bins, "colour_space": colour_space}
    got = colour_histogram(image, bins=bins, colour_space=colour_space)
    ranges = ", ".join(f"{lo:g}..{hi:g}" for lo, hi in _RANGES[colour_space])
    _check_histogram(
        got,
        _reference_histogram(image, bins, colour_space),
        image,
        inputs,
        moved_pixels=1,
        hint=f"convert with skimage.color.rgb2{colour_space} and use the channels' ranges "
        f"({ranges}) in np.histogram(..., range=...).",
        variants=_histogram_variants(image, bins, colour_space),
    )


@contract(
    "colour_histogram",
    "dtypes",
    quick=[
        {"image": random_image(4, (3, 4, 3), "uint8"), "bins": 6, "colour_space": cs}
        for cs in ("rgb", "lab")
    ]
    # 85 / 255 and 170 / 255 lie exactly on bin edges of 3 bins (a range of (0, 256) does not).
    + [{"image": np.repeat([[85], [85], [170], [170]], 3, axis=1).reshape(2, 2, 3).astype(np.uint8),
        "bins": 3, "colour_space": "rgb"}],
)  # fmt: skip
def histogram_dtypes(colour_histogram, image, bins, colour_space="rgb"):
    """A uint8 image gives the histogram of the same image divided by 255.

    Compared with the function's own answer for ``image / 255`` (up to one pixel moved
    across a bin edge by the division), so that a mistake in the values themselves (a
    range, a colour space) is charged by the rgb and colour_spaces checks, not here too.
    """
    inputs = {"image": image, "bins": bins, "colour_space": colour_space}
    got = colour_histogram(image, bins=bins, colour_space=colour_space)
    as_float = image / 255.0
    own = colour_histogram(as_float, bins=bins, colour_space=colour_space)
    got_value = np.asarray(got, dtype=np.float64) if isinstance(got, (list, tuple)) else got
    own_value = np.asarray(own, dtype=np.float64) if isinstance(own, (list, tuple)) else own
    problem = array_problem(got_value, (3 * bins,))
    if problem:
        fail(problem[0], inputs, show_expected=False, hint=problem[1] or _HISTOGRAM_HINT)
    if not isinstance(own_value, np.ndarray) or own_value.shape != got_value.shape:
        return  # the image / 255 answer is judged by the rgb and colour_spaces checks
    n_pixels = image.shape[0] * image.shape[1]
    difference = np.abs(got_value.astype(np.float64) - own_value).reshape(3, bins).sum(axis=1)
    if np.all(difference <= 2.0 / n_pixels + 1e-9):
        return
    variants = _histogram_variants(image, bins, colour_space)
    fits = [h for h, v in variants.items()
            if np.all(np.abs(got_value - v).reshape(3, bins).sum(axis=1) <= 2.0 / n_pixels + 1e-9)]
    fail(
        "your histogram of the uint8 image differs from your histogram of the same image "
        "divided by 255 (channel sums of the differences: "
        f"{[format_number(d) for d in difference]})",
        inputs,
        own_value,
        got,
        hint=fits[0] if len(fits) == 1 else "convert a uint8 image to float in [0, 1] "
        "(image / 255) before anything else, so that both give the same histogram",
        details=first_difference(got_value, own_value),
    )


@contract(
    "colour_histogram",
    "bins",
    quick=[
        {"image": np.array([[[0, 0, 0], [255, 255, 255]]], dtype=np.uint8), "bins": 1},
        {"image": np.array([[[0.0, 0.5, 1.0], [1.0, 1.0, 1.0]]]), "bins": 3},
    ],
)
def histogram_bins(colour_histogram, image, bins, colour_space="rgb"):
    """Any number of bins; values on the top edge (1.0) fall in the last bin."""
    inputs = {"image": image, "bins": bins, "colour_space": colour_space}
    got = colour_histogram(image, bins=bins, colour_space=colour_space)
    _check_histogram(
        got,
        _reference_histogram(image, bins, colour_space),
        image,
        inputs,
        moved_pixels=0,
        hint="np.histogram(channel, bins=bins, range=(0, 1)) puts a value of exactly 1.0 in "
        "the last bin; a bin number computed as int(value * bins) would be one too many.",
    )


#: Grey (H, W) images and other channel counts, which the docstring says are refused.
_NOT_RGB_QUICK = [
    {"image": random_image(41, (3, 4), "uint8"), "bins": 4},
    {"image": random_image(42, (4, 3), "float64"), "colour_space": "lab"},
    {"image": random_image(43, (2, 3, 1), "uint8")},
]


@contract("colour_histogram", "grey_refused", quick=_NOT_RGB_QUICK)
def histogram_grey_refused(colour_histogram, image, bins=LEFT_OUT, colour_space=LEFT_OUT):
    """A grey (H, W) image, or any shape but (H, W, 3), raises ``ValueError``."""
    arguments = given(bins=bins, colour_space=colour_space)
    expect_raises(
        colour_histogram, "ValueError", {"image": image, **arguments}, image,
        hint='start with image = np.asarray(image); if image.ndim != 3 or image.shape[2] != 3: '
        'raise ValueError(f"image must be an RGB image (H, W, 3); got shape {image.shape}"). '
        "A grey image has no colour channels to count.",
        **arguments,
    )  # fmt: skip


# -- cluster_images -------------------------------------------------------------------------
def _reference_labels(features, k, method, random_state):
    from coursekit import cluster

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cluster.cluster_images(
            features,
            k,
            method=or_default(method, "kmeans"),
            # A copy: a Generator of the inputs must reach the student unused.
            random_state=copy.deepcopy(or_default(random_state, 0)),
        )


def _dbscan_variants(features, k) -> dict:
    """Labels of mistaken DBSCAN set-ups, each named only when it alone reproduces them."""
    from sklearn.cluster import DBSCAN

    from coursekit.cluster import dbscan_eps

    x = np.asarray(features, dtype=np.float64)
    eps = dbscan_eps(x, k)
    return {
        "DBSCAN's defaults (eps=0.5, min_samples=5) give these labels: use "
        "eps=dbscan_eps(features, k) and min_samples=k": DBSCAN().fit_predict(x),
        "these are DBSCAN's labels with the default eps=0.5: use eps=dbscan_eps(features, k)":
            DBSCAN(min_samples=k).fit_predict(x),
        "these are DBSCAN's labels with the default min_samples=5: use min_samples=k":
            DBSCAN(eps=eps).fit_predict(x),
        "these are DBSCAN's labels with min_samples=2 whatever k is: use min_samples=k":
            DBSCAN(eps=dbscan_eps(x, 2), min_samples=2).fit_predict(x),
    }  # fmt: skip


def _confirmed_labels(value, expected, variants) -> str | None:
    if np.array_equal(value, expected + 1) and np.any(expected == -1):
        return "your labels are the expected ones plus one: noise samples keep the label -1"
    fits = [
        h for h, v in variants.items()
        if same_partition(value, v) and np.array_equal(value == -1, v == -1)
        and not (same_partition(v, expected) and np.array_equal(v == -1, expected == -1))
    ]  # fmt: skip
    return fits[0] if len(fits) == 1 else None


def _first_grouping_difference(value, expected, noise) -> str | None:
    """The first sample whose group (or noise label) differs, with both labels."""
    forward, backward = {}, {}
    for i, (e, g) in enumerate(zip(expected.tolist(), value.tolist(), strict=True)):
        if noise:
            wrong = (e == -1) != (g == -1)
        else:
            wrong = forward.setdefault(e, g) != g or backward.setdefault(g, e) != e
        if wrong:
            return (
                f"first sample that differs: row {i} (expected label {e}, got {g}; samples with "
                "the same expected label must share one label, and only those)"
            )
    return None


def _check_labels(cluster_images, features, k, method, random_state, hint, *, noise=False,
                  array=False, variants=None):  # fmt: skip
    inputs = {"features": features, "k": k, "method": method, "random_state": random_state}
    got = cluster_images(features, k, **given(method=method, random_state=random_state))
    if array and not isinstance(got, np.ndarray):
        fail(f"expected a numpy array of integer labels, got {describe(got)}", inputs,
             show_expected=False, hint="return np.asarray(labels), not a list")  # fmt: skip
    value = np.asarray(got) if isinstance(got, list) else got
    problem = array_problem(value, (len(features),))
    if problem:
        fail(problem[0], inputs, show_expected=False, hint=problem[1] or hint)
    if not np.issubdtype(value.dtype, np.integer):
        fail(f"labels must be integers, got dtype {value.dtype}", inputs, show_expected=False,
             hint="fit_predict returns integer labels: return them as they are")  # fmt: skip
    expected = _reference_labels(features, k, method, random_state)
    noise_differs = noise and not np.array_equal(value == -1, expected == -1)
    if noise_differs or not same_partition(value, expected):
        specific = _confirmed_labels(value, expected, variants() if variants else {})
        where = _first_grouping_difference(value, expected, noise_differs)
        fail(
            "the noise samples (label -1) differ from the expected ones"
            if noise_differs
            else "the samples are grouped differently from the expected clusters (label "
            "numbers may differ; the grouping may not)",
            inputs,
            expected,
            value,
            hint=specific or hint,
            details=where,
        )


@contract(
    "cluster_images",
    "kmeans",
    quick=[
        {"features": separated_features(1, 2), "k": 2},
        {"features": separated_features(2, 3, n_features=2), "k": 3},
    ],
)
def cluster_images_kmeans(cluster_images, features, k, method=LEFT_OUT, random_state=LEFT_OUT):
    """k-means groups well separated samples; the labels are a numpy array of integers."""
    _check_labels(cluster_images, features, k, method, random_state,
                  "KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict("
                  "features)", array=True)  # fmt: skip


@contract(
    "cluster_images",
    "random_state",
    quick=[
        {"features": seed_sensitive_features(case), "k": k, "method": method, "random_state": rs}
        for method, cases in SEED_SENSITIVE_FEATURES.items()
        for case, k in cases[:1]
        for rs in (0, 1)
    ],
)
def cluster_images_random_state(cluster_images, features, k, method, random_state=LEFT_OUT):
    """On samples where the result depends on the seed, the seed gives the documented one."""
    settings = (
        "KMeans(n_clusters=k, n_init=10, random_state=random_state)"
        if method == "kmeans"
        else 'GaussianMixture(n_components=k, covariance_type="diag", n_init=3, '
        "random_state=random_state)"
    )
    _check_labels(
        cluster_images,
        features,
        k,
        method,
        random_state,
        f"on these samples the clusters depend on the seed: use exactly {settings}, with "
        "random_state passed on unchanged (not fixed, not left out).",
    )


@contract(
    "cluster_images",
    "agglomerative",
    quick=[{"features": uniform_features(case), "k": k} for case, k in WARD_CASES[:2]],
)
def cluster_images_agglomerative(
    cluster_images, features, k, method="agglomerative", random_state=0
):
    """Agglomerative clustering with Ward linkage."""
    _check_labels(
        cluster_images,
        features,
        k,
        method,
        random_state,
        'AgglomerativeClustering(n_clusters=k, linkage="ward"): on these samples single, '
        "average and complete linkage (and k-means) cut the data differently.",
    )


@contract(
    "cluster_images",
    "gmm",
    quick=[{"features": anisotropic_features(case), "k": k} for case, k in GMM_CASES[:2]],
)
def cluster_images_gmm(cluster_images, features, k, method="gmm", random_state=0):
    """A Gaussian mixture with one variance per feature and component (diagonal)."""
    _check_labels(
        cluster_images,
        features,
        k,
        method,
        random_state,
        'GaussianMixture(n_components=k, covariance_type="diag", n_init=3, random_state='
        "random_state).fit(features).predict(features): on these samples other covariance "
        "types (and k-means) group differently.",
    )


@contract(
    "cluster_images",
    "dbscan",
    quick=[{"features": noisy_features(case), "k": k} for case, k in DBSCAN_CASES[:2]],
)
def cluster_images_dbscan(cluster_images, features, k, method="dbscan", random_state=0):
    """DBSCAN with the documented eps and min_samples; noise samples labelled -1."""
    _check_labels(
        cluster_images,
        features,
        k,
        method,
        random_state,
        "DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features) (from "
        "coursekit.cluster import dbscan_eps); noise samples keep the label -1.",
        noise=True,
        variants=lambda: _dbscan_variants(features, k),
    )


# -- purity ---------------------------------------------------------------------------------
_PURITY_HINT = (
    "for every cluster count its most common true class (pd.crosstab(labels_pred, labels_true)"
    ".max(axis=1)); add these counts and divide by the number of samples."
)


def _purity_without(labels_true, labels_pred, noise, *, keep_n):
    """Purity with the noise samples left out of the counts (and of n unless ``keep_n``)."""
    from coursekit import cluster

    true, pred = np.asarray(labels_true)[~noise], np.asarray(labels_pred)[~noise]
    share = cluster.purity(true, pred)
    return share * len(true) / len(noise) if keep_n else share


def _check_purity(purity, labels_true, labels_pred):
    from coursekit import cluster

    inputs = {"labels_true": labels_true, "labels_pred": labels_pred}
    expected = cluster.purity(labels_true, labels_pred)
    got = purity(labels_true, labels_pred)
    try:
        value = float(got)
        ok = abs(value - expected) <= 1e-9
    except (TypeError, ValueError):
        fail(f"expected a number, got {describe(got)}", inputs, show_expected=False,
             hint="return one number: float(total / n)")  # fmt: skip
    if ok:
        return
    specific = None
    pred_as_true = None
    try:
        pred_as_true = cluster.purity(labels_pred, labels_true)
    except ValueError:
        pass
    noise = np.asarray(labels_pred) == -1
    if noise.any() and not noise.all() and (
        abs(value - _purity_without(labels_true, labels_pred, noise, keep_n=False)) <= 1e-9
        or abs(value - _purity_without(labels_true, labels_pred, noise, keep_n=True)) <= 1e-9
    ):
        specific = (
            "the samples labelled -1 (DBSCAN's noise) count too: treat -1 as one more cluster, "
            "and divide by the number of all samples"
        )
    elif pred_as_true is not None and abs(value - pred_as_true) <= 1e-9:
        specific = (
            "you took the most common cluster of every class; purity takes the most common "
            "class of every cluster"
        )
    fail(
        f"expected {format_number(expected)}, got {format_number(value)}",
        inputs,
        expected,
        got,
        hint=specific or _PURITY_HINT,
    )


@contract(
    "purity",
    "values",
    quick=[
        {"labels_true": np.array([0, 0, 1, 1]), "labels_pred": np.array([0, 0, 1, 1])},
        {"labels_true": np.array([0, 0, 0, 1, 1]), "labels_pred": np.array([0, 0, 1, 1, 1])},
        {"labels_true": np.array([1, 2, 2, 2, 1, 0]), "labels_pred": np.array([0, 0, 0, 0, 0, 1])},
    ],
)
def purity_values(purity, labels_true, labels_pred):
    """The share of samples in their cluster's most common class."""
    _check_purity(purity, labels_true, labels_pred)


@contract(
    "purity",
    "label_types",
    quick=[
        {"labels_true": ["mel", "mel", "nv", "nv", "nv"], "labels_pred": [7, 7, 7, -1, -1]},
        {"labels_true": np.array(["bcc", "nv", "nv"]), "labels_pred": np.array([2.5, 2.5, 9.0])},
        {"labels_true": ["mel", "mel", "nv", "nv"], "labels_pred": [0.2, 0.2, 0.7, 0.7]},
    ],
)
def purity_label_types(purity, labels_true, labels_pred):
    """Classes and clusters may be strings or any numbers, in lists or arrays."""
    _check_purity(purity, labels_true, labels_pred)
