"""Hidden tests of assignment 03-clustering: colour_histogram, cluster_images, purity.

One test per named check (``coursekit.grading.questions``); each runs the check's contract
(``coursekit.checks.clustering``) on fixed discriminating inputs and on generated ones.
"""

import numpy as np
import pandas as pd
from _checks import grade, images, inputs
from hypothesis import strategies as st

from coursekit.checks.clustering import (
    DBSCAN_CASES,
    GMM_CASES,
    SEED_SENSITIVE_FEATURES,
    WARD_CASES,
    anisotropic_features,
    noisy_features,
    seed_sensitive_features,
    separated_features,
    uniform_features,
)
from coursekit.checks.compare import LEFT_OUT
from coursekit.grading.plugin import check

BINS = st.integers(1, 16)
#: float32, square and 1 x 1 images, many bins, and bins and colour_space left out (8 bins
#: of RGB).
HISTOGRAM_DOMAIN = [
    {"image": np.random.default_rng(1).random((4, 5, 3)).astype(np.float32), "bins": 6},
    {"image": np.random.default_rng(2).random((5, 5, 3)), "bins": LEFT_OUT,
     "colour_space": LEFT_OUT},
    {"image": np.random.default_rng(3).integers(0, 255, (3, 7, 3)).astype(np.uint8) / 255.0,
     "bins": LEFT_OUT},
    {"image": np.array([[[0.25, 0.5, 0.75]]]), "bins": 20},
]  # fmt: skip


@check("colour_histogram", "rgb")
def test_colour_histogram__rgb(student):
    grade(student, "colour_histogram", "rgb", fixed=HISTOGRAM_DOMAIN, cases=inputs(
        image=images(grey=False, dtypes=("float64",)).map(lambda im: np.minimum(im, 0.999)),
        bins=BINS))  # fmt: skip


@check("colour_histogram", "colour_spaces")
def test_colour_histogram__colour_spaces(student):
    grade(student, "colour_histogram", "colour_spaces", cases=inputs(
        image=images(grey=False, dtypes=("float64",), min_side=2), bins=BINS,
        colour_space=st.sampled_from(["hsv", "lab"])))  # fmt: skip


#: Every uint8 value 0 .. 255 four times per channel: 51, 102, ... lie exactly on bin edges of 5
#: and 10 bins (np.histogram's edges decide; a bin number from a floor differs on some, for more
#: pixels than the one-pixel tolerance); and a dark image of 0s and 1s, where "divide by 255
#: only when the maximum is above 1" goes wrong.
RAMP = np.stack([np.repeat(np.arange(256), 4).reshape(32, 32)] * 3, axis=-1).astype(np.uint8)
DARK = (np.arange(12).reshape(2, 2, 3) % 2).astype(np.uint8)
UINT8_CASES = [{"image": RAMP, "bins": b, "colour_space": "rgb"} for b in (5, 10)] + [
    {"image": DARK, "bins": 4, "colour_space": "rgb"}]


@check("colour_histogram", "dtypes")
def test_colour_histogram__dtypes(student):
    grade(student, "colour_histogram", "dtypes", fixed=UINT8_CASES, cases=inputs(
        image=images(grey=False, dtypes=("uint8",), min_side=2), bins=BINS,
        colour_space=st.sampled_from(["rgb", "hsv", "lab"])))  # fmt: skip


@st.composite
def edge_images(draw):
    """Images holding the extreme values 0 and 1 (0 and 255) besides random ones."""
    image = draw(images(grey=False, min_side=2))
    top = 255 if image.dtype.kind == "u" else 1.0
    image = image.copy()
    image[0, 0] = top
    image[-1, -1] = 0
    return image


@check("colour_histogram", "bins")
def test_colour_histogram__bins(student):
    grade(student, "colour_histogram", "bins", max_examples=15,
          fixed=[{"image": np.ones((2, 2, 3)), "bins": b} for b in (1, 2, 7)]
          # 0.0, 0.1, ..., 1.0: 0.3 * 10 is 3.0000000000000004, but 0.3 is in bin 2 of 10
          + [{"image": np.stack([(np.arange(11) / 10).reshape(1, 11)] * 3, axis=-1),
              "bins": b} for b in (5, 10)],
          cases=inputs(image=edge_images(), bins=BINS))  # fmt: skip


@check("colour_histogram", "grey_refused")
def test_colour_histogram__grey_refused(student):
    # Grey images at least 3 pixels wide: image[..., c] for c in 0, 1, 2 would run on them.
    fixed = [{"image": np.full((2, 3), 128, np.uint8)},
             {"image": np.linspace(0, 1, 12).reshape(3, 4), "bins": 4, "colour_space": "hsv"},
             {"image": np.zeros((2, 2, 4), np.uint8), "colour_space": "lab"},
             {"image": np.zeros((2, 3, 1))}]  # fmt: skip
    grade(student, "colour_histogram", "grey_refused", max_examples=8, fixed=fixed,
          cases=inputs(image=images(rgb=False, min_side=3, max_side=8), bins=BINS,
                       colour_space=st.sampled_from(["rgb", "hsv", "lab"])))  # fmt: skip


@st.composite
def separated(draw):
    k = draw(st.integers(1, 4))
    return {"features": separated_features(draw(st.integers(0, 2**16)), k,
                                           n_features=draw(st.integers(2, 5)),
                                           per_cluster=draw(st.integers(3, 8))),
            "k": k, "random_state": draw(st.sampled_from([0, 3]))}  # fmt: skip


#: A list of lists, float32 features, k = 1 and k = n_samples, method and random_state left
#: out, and a numpy integer and None as random_state (on samples whose
#: clustering does not depend on the seed).
FEATURES_DOMAIN = [
    {"features": separated_features(7, 3).tolist(), "k": 3},
    {"features": separated_features(8, 2).astype(np.float32), "k": 2, "random_state": 1},
    {"features": separated_features(9, 2), "k": 1, "random_state": 0},
    {"features": separated_features(10, 4, per_cluster=1), "k": 4, "random_state": 0},
    {"features": separated_features(11, 3), "k": 3, "random_state": LEFT_OUT},
    {"features": separated_features(12, 2), "k": 2, "random_state": np.int64(3)},
    {"features": separated_features(14, 2), "k": 2, "random_state": None},
]  # fmt: skip


@check("cluster_images", "kmeans")
def test_cluster_images__kmeans(student):
    grade(student, "cluster_images", "kmeans", max_examples=10, fixed=FEATURES_DOMAIN,
          cases=separated())  # fmt: skip


@check("cluster_images", "random_state")
def test_cluster_images__random_state(student):
    fixed = [
        {"features": seed_sensitive_features(case), "k": k, "method": method, "random_state": rs}
        for method, cases in SEED_SENSITIVE_FEATURES.items()
        for case, k in cases[:3]
        for rs in (0, 1, 7)
    ]
    # random_state left out (0, the documented default) and a numpy integer (that int).
    fixed += [{"features": seed_sensitive_features(case), "k": k, "method": method,
               "random_state": rs}
              for method, cases in SEED_SENSITIVE_FEATURES.items()
              for (case, k), rs in zip(cases[3:5], (LEFT_OUT, np.int64(2)), strict=True)]
    grade(student, "cluster_images", "random_state", fixed=fixed)


@check("cluster_images", "agglomerative")
def test_cluster_images__agglomerative(student):
    grade(student, "cluster_images", "agglomerative",
          fixed=[{"features": uniform_features(case), "k": k} for case, k in WARD_CASES])


@check("cluster_images", "gmm")
def test_cluster_images__gmm(student):
    grade(student, "cluster_images", "gmm",
          fixed=[{"features": anisotropic_features(case), "k": k} for case, k in GMM_CASES])


@check("cluster_images", "dbscan")
def test_cluster_images__dbscan(student):
    # DBSCAN with min_samples = k for several k, not only 2.
    several_k = [{"features": noisy_features(case), "k": k}
                 for case, k in ((5011, 3), (5013, 4), (5019, 3), (5023, 4))]  # fmt: skip
    grade(student, "cluster_images", "dbscan",
          fixed=[{"features": noisy_features(case), "k": k} for case, k in DBSCAN_CASES]
          + several_k)  # fmt: skip


@st.composite
def labellings(draw, strings=False, lists=False):
    n = draw(st.integers(1, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    labels_true = rng.integers(0, draw(st.integers(1, 4)), n)
    labels_pred = rng.integers(0, draw(st.integers(1, 5)), n)
    if strings:
        labels_true = np.array(["mel", "nv", "bkl", "bcc"])[labels_true]
        labels_pred = labels_pred * 7 - 3  # cluster names need not be 0 .. k - 1
    if lists:
        labels_true, labels_pred = labels_true.tolist(), labels_pred.tolist()
    return {"labels_true": labels_true, "labels_pred": labels_pred}


#: Noise (-1) in a cluster of several samples (it is one more cluster), a single sample, and
#: a cluster whose two largest classes tie.
PURITY_CASES = [
    {"labels_true": np.array([0, 0, 1, 1, 1, 2, 2]), "labels_pred": np.array([-1, -1, -1, 0, 0,
                                                                              1, 1])},
    {"labels_true": np.array([3]), "labels_pred": np.array([0])},
    {"labels_true": np.array([0, 1, 1, 0, 2]), "labels_pred": np.array([5, 5, 6, 6, 6])},
]  # fmt: skip


@check("purity", "values")
def test_purity__values(student):
    grade(student, "purity", "values", fixed=PURITY_CASES, cases=labellings())


#: Cluster names that are not whole numbers (0.2 and 0.7 are different clusters), negative,
#: or strings.
ODD_NAMES = [
    {"labels_true": ["mel", "mel", "nv", "nv", "mel"], "labels_pred": [0.2, 0.2, 0.7, 0.7, 1.5]},
    {"labels_true": np.array([1, 1, 2, 2, 2]),
     "labels_pred": np.array([-0.5, -0.5, 0.5, 0.5, -1.0])},
    {"labels_true": np.array([3, 3, 3, 4]), "labels_pred": np.array(["b", "b", "a", "a"])},
    # tuples, and Series whose indexes are not 0 .. n - 1 and differ: samples pair by position.
    {"labels_true": ("nv", "mel", "mel", "nv"), "labels_pred": (1, 2, 2, 2)},
    {"labels_true": pd.Series(["mel", "mel", "nv", "nv", "nv"], index=[10, 11, 12, 13, 14]),
     "labels_pred": pd.Series([0, 0, 1, 1, 0], index=[14, 13, 12, 11, 10])},
    {"labels_true": pd.Series([1, 1, 2, 2], index=["a", "b", "c", "d"]),
     "labels_pred": pd.Series([-1, -1, -1, 4], index=[3, 2, 1, 0])},
]  # fmt: skip


@check("purity", "label_types")
def test_purity__label_types(student):
    grade(student, "purity", "label_types", max_examples=15, fixed=ODD_NAMES, cases=st.one_of(
        labellings(strings=True), labellings(strings=True, lists=True),
        labellings(lists=True)))  # fmt: skip
