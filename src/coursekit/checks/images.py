"""Contracts of notebook 01 (images): resize_image, cluster_pixels, quantise.

Also the inputs that make the checks discriminating: images of three colours
whose closest pair differs in RGB, HSV and Lab (so clustering in the wrong space
groups them differently), and images on which k-means gives different
clusterings for different seeds (so an ignored ``random_state`` shows).
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import skimage.color
import skimage.transform

from coursekit.checks._registry import contract
from coursekit.checks.compare import (
    LEFT_OUT,
    ROUNDING_SLACK,
    Mismatch,
    array_problem,
    check_image,
    describe,
    expect_raises,
    fail,
    format_number,
    given,
    or_default,
    same_partition,
)
from coursekit.checks.inputs import random_image, value_scale

__all__ = [
    "resize_shape_dtype",
    "resize_values",
    "resize_rounding",
    "cluster_pixels_grouping",
    "cluster_pixels_colour_space",
    "cluster_pixels_centres_labels",
    "cluster_pixels_random_state",
    "cluster_pixels_grey_refused",
    "quantise_values",
    "quantise_colour_space",
    "quantise_dtype_rounding",
    "SPACE_PALETTES",
    "SEED_SENSITIVE_CASES",
    "palette_image",
    "seed_sensitive_image",
]

#: Three colours each: the closest pair (so the two merged by k-means with k = 2) is a
#: different pair in RGB, in HSV and in Lab, each by a margin of at least 1.4.
SPACE_PALETTES = (
    ((190, 177, 149), (180, 123, 232), (37, 147, 167)),
    ((194, 166, 173), (20, 110, 167), (227, 42, 170)),
    ((190, 160, 185), (160, 189, 118), (127, 85, 81)),
    ((82, 75, 68), (25, 202, 44), (150, 160, 244)),
    ((93, 139, 70), (100, 186, 54), (54, 169, 124)),
    ((62, 62, 217), (76, 112, 139), (57, 209, 244)),
    ((117, 89, 96), (134, 209, 51), (21, 181, 236)),
    ((168, 203, 87), (29, 155, 194), (167, 120, 133)),
    ((75, 100, 98), (105, 56, 185), (138, 193, 245)),
    ((157, 63, 234), (31, 193, 219), (193, 159, 184)),
    ((74, 71, 96), (12, 94, 43), (25, 147, 187)),
    ((89, 25, 26), (191, 38, 183), (229, 147, 135)),
)

#: ``(case, k)``: :func:`seed_sensitive_image` cases on which ``KMeans(n_clusters=k,
#: n_init=4, random_state=s)`` finds at least three different clusterings for s in
#: 0, 1, 2, 3, 42, the same whether the pixels are float32 or float64
#: (``tests/test_checks_registry.py`` keeps this true).
SEED_SENSITIVE_CASES = (
    (1017, 4), (1019, 3), (1022, 3), (1027, 3), (1031, 4),
    (1037, 3), (1038, 3), (1065, 4), (1066, 3), (1075, 4),
)  # fmt: skip


def _blobs(colours, n_each: int, rng, noise: int = 2) -> np.ndarray:
    labels = np.repeat(np.arange(len(colours)), n_each)
    rng.shuffle(labels)
    pixels = np.asarray(colours, dtype=np.int64)[labels]
    pixels = pixels + rng.integers(-noise, noise + 1, pixels.shape)
    return np.clip(pixels, 0, 255).astype(np.uint8).reshape(len(colours), n_each, 3)


def palette_image(palette: int, seed: int, n_each: int = 8, dtype="uint8") -> np.ndarray:
    """An image of the three colours of ``SPACE_PALETTES[palette]``, ``n_each`` pixels each."""
    image = _blobs(SPACE_PALETTES[palette], n_each, np.random.default_rng(seed))
    return image if np.dtype(dtype) == np.uint8 else image / 255.0


def seed_sensitive_image(case: int, dtype="uint8") -> np.ndarray:
    """An image of 6 to 8 colour blobs on which k-means results depend on the seed."""
    rng = np.random.default_rng(case)
    n_blobs = int(rng.integers(6, 9))
    rng.integers(3, 5)  # (k was drawn here when the cases were chosen)
    image = _blobs(rng.integers(0, 256, (n_blobs, 3)), 6, rng)
    return image if np.dtype(dtype) == np.uint8 else image / 255.0


# -- resize_image ---------------------------------------------------------------------------
_RESIZE_HINT = (
    "size is (height, width); use skimage.transform.resize(image, size, order=1, "
    "anti_aliasing=True, preserve_range=True), then give the result the input's dtype back "
    "(uint8: np.rint, then .astype(np.uint8))."
)


def _resized(image, size) -> np.ndarray:
    resized = skimage.transform.resize(
        image.astype(np.float64), size, order=1, anti_aliasing=True, preserve_range=True
    )
    return np.clip(resized, 0.0, value_scale(image))


@contract(
    "resize_image",
    "shape_dtype",
    quick=[
        {"image": random_image(1, (4, 6), np.uint8), "size": (2, 3)},
        {"image": random_image(2, (5, 3, 3), np.float64), "size": (7, 2)},
    ],
)
def resize_shape_dtype(resize_image, image, size):
    """The result has shape ``size + channels`` and the input's dtype."""
    got = resize_image(image, size)
    problem = array_problem(got, tuple(size) + image.shape[2:], image.dtype)
    if problem:
        text, hint = problem
        fail(text, {"image": image, "size": size}, show_expected=False, hint=hint or _RESIZE_HINT)


@contract(
    "resize_image",
    "values",
    quick=[
        {"image": random_image(3, (8, 6, 3), np.float64), "size": (3, 4)},
        {"image": random_image(4, (3, 4), np.float64), "size": (7, 9)},
    ],
)
def resize_values(resize_image, image, size):
    """Bilinear interpolation with anti-aliasing, as skimage's ``resize``."""
    check_image(
        resize_image(image, size),
        _resized(image, size),
        {"image": image, "size": size},
        dtype=image.dtype,
        hint=_RESIZE_HINT,
        input_image=image,
    )


@contract(
    "resize_image",
    "rounding",
    quick=[
        {"image": random_image(5, (9, 7, 3), np.uint8), "size": (4, 3)},
        {"image": random_image(6, (3, 5), np.uint8), "size": (6, 8)},
    ],
)
def resize_rounding(resize_image, image, size):
    """uint8 results are the exact values rounded to the nearest integer."""
    resize_values(resize_image, image, size)


# -- cluster_pixels -------------------------------------------------------------------------
_CLUSTER_HINT = (
    "one row per pixel (image.reshape(-1, 3)), scaled to [0, 1] (uint8 / 255), converted to the "
    "colour space (skimage.color.rgb2hsv / rgb2lab), then KMeans(n_clusters=k, n_init=4, "
    "random_state=random_state).fit_predict(...); labels reshaped to (H, W)."
)
_CENTRE_TOL = {"rgb": 1e-6, "hsv": 1e-6, "lab": 1e-4}


def _unpack_clustering(got, image, k, inputs):
    if not isinstance(got, tuple) or len(got) != 2:
        fail(
            f"expected a tuple (labels, centres), got {describe(got)}",
            inputs,
            show_expected=False,
            hint="end with `return labels, centres`",
        )
    labels, centres = got
    for value, shape, name in ((labels, image.shape[:2], "labels"), (centres, (k, 3), "centres")):
        problem = array_problem(value, shape)
        if problem:
            fail(f"{name}: {problem[0]}", inputs, show_expected=False, hint=problem[1])
    if not np.issubdtype(labels.dtype, np.integer):
        fail(
            f"labels must be integers, got dtype {labels.dtype}",
            inputs,
            show_expected=False,
            hint="KMeans's fit_predict returns integer labels; keep them as they are",
        )
    return labels, centres


def _reference_clustering(image, k, colour_space, random_state):
    from coursekit import cluster

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cluster.cluster_pixels(
            image,
            k,
            colour_space=or_default(colour_space, "rgb"),
            # A copy: a Generator of the inputs must reach the student unused.
            random_state=copy.deepcopy(or_default(random_state, 0)),
        )


def _check_grouping(cluster_pixels, image, k, colour_space, random_state, hint):
    inputs = {"image": image, "k": k, "colour_space": colour_space, "random_state": random_state}
    got = cluster_pixels(image, k, **given(colour_space=colour_space, random_state=random_state))
    labels, _ = _unpack_clustering(got, image, k, inputs)
    expected, _ = _reference_clustering(image, k, colour_space, random_state)
    if not same_partition(labels, expected):
        fail(
            "the pixels are grouped differently from the expected clusters (label numbers may "
            "differ; the grouping may not)",
            inputs,
            expected,
            labels,
            hint=hint,
        )
    return labels


def _palette_quick(spaces, n=2):
    return [
        {"image": palette_image(p, seed=p, dtype="uint8" if p % 2 else "float64"), "k": 2,
         "colour_space": cs, "random_state": 0}
        for p in range(n)
        for cs in spaces
    ]  # fmt: skip


@contract("cluster_pixels", "grouping", quick=_palette_quick(["rgb"]))
def cluster_pixels_grouping(cluster_pixels, image, k, colour_space=LEFT_OUT,
                            random_state=LEFT_OUT):  # fmt: skip
    """The pixels are grouped as k-means groups them in RGB scaled to [0, 1]."""
    _check_grouping(cluster_pixels, image, k, colour_space, random_state, _CLUSTER_HINT)


@contract("cluster_pixels", "colour_space", quick=_palette_quick(["hsv", "lab"]))
def cluster_pixels_colour_space(cluster_pixels, image, k, colour_space, random_state=0):
    """The pixels are clustered in ``colour_space`` (these inputs group differently in each)."""
    _check_grouping(
        cluster_pixels,
        image,
        k,
        colour_space,
        random_state,
        f"convert the [0, 1] pixels with skimage.color.rgb2{colour_space} before k-means: "
        "on this image each colour space groups the three colours differently.",
    )


@contract(
    "cluster_pixels",
    "centres_labels",
    quick=_palette_quick(["rgb", "hsv", "lab"], n=1)
    + [{"image": seed_sensitive_image(1017), "k": 5, "colour_space": "rgb", "random_state": 0}],
)
def cluster_pixels_centres_labels(cluster_pixels, image, k, colour_space, random_state=0):
    """Centres are the mean colours in the space's units; labels numbered dark to bright."""
    inputs = {"image": image, "k": k, "colour_space": colour_space, "random_state": random_state}
    got = cluster_pixels(image, k, colour_space=colour_space, random_state=random_state)
    labels, centres = _unpack_clustering(got, image, k, inputs)
    expected_labels, expected_centres = _reference_clustering(
        image, k, colour_space, random_state
    )
    if not same_partition(labels, expected_labels):
        return  # another check reports the grouping; this one is about centres and numbers
    if not np.array_equal(labels, expected_labels):
        fail(
            "the clusters are right but numbered differently: label 0 must be the cluster "
            "with the darkest centre, then increasing brightness",
            inputs,
            expected_labels,
            labels,
            hint="brightness is R + G + B for rgb, V for hsv and L* for lab; order = "
            "np.argsort(brightness); new_label[order] = np.arange(k); labels = new_label[labels];"
            " centres = centres[order].",
        )
    tol = _CENTRE_TOL[colour_space]
    if not np.allclose(np.asarray(centres, float), expected_centres, rtol=0, atol=tol):
        worst = float(np.max(np.abs(np.asarray(centres, float) - expected_centres)))
        unit = "L*, a*, b* units" if colour_space == "lab" else "on the [0, 1] scale"
        fail(
            f"the centres are not the mean colours of their clusters in {colour_space} "
            f"({unit}; off by up to {format_number(worst)})",
            inputs,
            expected_centres,
            centres,
            hint="use KMeans's cluster_centers_, computed on pixels scaled to [0, 1] (uint8 / 255)"
            " and converted to the colour space; reorder them with the labels.",
        )


@contract(
    "cluster_pixels",
    "random_state",
    quick=[
        {"image": seed_sensitive_image(case), "k": k, "colour_space": "rgb", "random_state": rs}
        for case, k in SEED_SENSITIVE_CASES[:2]
        for rs in (0, 1)
    ],
)
def cluster_pixels_random_state(cluster_pixels, image, k, colour_space, random_state):
    """On images where k-means depends on its seed, the seed gives the documented clustering."""
    _check_grouping(
        cluster_pixels,
        image,
        k,
        colour_space,
        random_state,
        "on this image k-means finds different clusters with different seeds: pass "
        "random_state on unchanged, KMeans(n_clusters=k, n_init=4, random_state=random_state) "
        "(no other n_init, no fixed seed).",
    )


#: Grey (H, W) images and other channel counts, which the docstring says are refused.
_NOT_RGB_QUICK = [
    {"image": random_image(31, (3, 4), "uint8"), "k": 2},
    {"image": random_image(32, (4, 3), "float64"), "k": 1, "colour_space": "lab"},
    {"image": random_image(33, (2, 3, 4), "uint8"), "k": 2},
]
_NOT_RGB_HINT = (
    'start with image = np.asarray(image); if image.ndim != 3 or image.shape[2] != 3: raise '
    'ValueError(f"image must be an RGB image (H, W, 3); got shape {image.shape}"). A grey image '
    "must not be reshaped into made-up colours."
)


@contract("cluster_pixels", "grey_refused", quick=_NOT_RGB_QUICK)
def cluster_pixels_grey_refused(cluster_pixels, image, k, colour_space=LEFT_OUT,
                                random_state=LEFT_OUT):  # fmt: skip
    """A grey (H, W) image, or any shape but (H, W, 3), raises ``ValueError``."""
    arguments = given(colour_space=colour_space, random_state=random_state)
    expect_raises(cluster_pixels, "ValueError", {"image": image, "k": k, **arguments}, image, k,
                  hint=_NOT_RGB_HINT, **arguments)  # fmt: skip


# -- quantise -------------------------------------------------------------------------------
_QUANTISE_HINT = (
    "cluster the pixels (your cluster_pixels), convert the centres back to RGB "
    "(skimage.color.hsv2rgb / lab2rgb of centres[np.newaxis]), clip to [0, 1], paint each pixel "
    "with its centre (palette[labels]) and give the result the input's dtype (uint8: * 255, "
    "np.rint)."
)


def _painted(image, k, colour_space, random_state) -> np.ndarray:
    labels, centres = _reference_clustering(image, k, colour_space, random_state)
    colour_space = or_default(colour_space, "rgb")
    palette = centres[np.newaxis]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if colour_space == "hsv":
            palette = skimage.color.hsv2rgb(palette)
        elif colour_space == "lab":
            palette = skimage.color.lab2rgb(palette)
    return np.clip(palette[0][labels], 0.0, 1.0) * value_scale(image)


def _check_quantise(quantise, image, k, colour_space, random_state):
    inputs = {"image": image, "k": k, "colour_space": colour_space, "random_state": random_state}
    got = quantise(image, k, **given(colour_space=colour_space, random_state=random_state))
    try:
        check_image(
            got,
            _painted(image, k, colour_space, random_state),
            inputs,
            dtype=image.dtype,
            hint=_QUANTISE_HINT,
            input_image=image,
        )
    except Mismatch as exc:
        if (
            isinstance(random_state, (int, np.integer))
            and random_state != 0
            and _same_image(got, _painted(image, k, colour_space, 0))
        ):
            exc.hint = (
                "your result is the one for random_state=0: on this image the clusters depend "
                "on the seed, so pass random_state on to cluster_pixels (or KMeans) unchanged."
            )
        raise


def _same_image(got, exact) -> bool:
    if not isinstance(got, np.ndarray) or got.shape != exact.shape:
        return False
    slack = ROUNDING_SLACK if got.dtype == np.uint8 else 1e-6
    return bool(np.all(np.abs(got.astype(np.float64) - exact) <= slack))


@contract(
    "quantise",
    "values",
    quick=[
        {"image": palette_image(0, 0, dtype="float64"), "k": 2, "colour_space": "rgb"},
        {"image": palette_image(3, 1, dtype="float64"), "k": 3, "colour_space": "rgb"},
        {"image": seed_sensitive_image(1017, dtype="float64"), "k": 4, "colour_space": "rgb",
         "random_state": 1},
    ],
)  # fmt: skip
def quantise_values(quantise, image, k, colour_space=LEFT_OUT, random_state=LEFT_OUT):
    """Every pixel painted with the mean colour of its cluster."""
    _check_quantise(quantise, image, k, colour_space, random_state)


@contract(
    "quantise",
    "colour_space",
    quick=[
        {"image": palette_image(1, 2, dtype="float64"), "k": 2, "colour_space": cs}
        for cs in ("hsv", "lab")
    ],
)
def quantise_colour_space(quantise, image, k, colour_space, random_state=0):
    """hsv and lab: the centres are converted back to RGB and clipped."""
    _check_quantise(quantise, image, k, colour_space, random_state)


@contract(
    "quantise",
    "dtype_rounding",
    quick=[
        {"image": np.array([[[0, 0, 0], [10, 10, 10], [250, 250, 250]]], dtype=np.uint8), "k": 2,
         "colour_space": "rgb"},
        {"image": palette_image(2, 3), "k": 3, "colour_space": "rgb"},
    ],
)  # fmt: skip
def quantise_dtype_rounding(quantise, image, k, colour_space="rgb", random_state=0):
    """The input's dtype is kept; uint8 values are rounded to the nearest integer."""
    _check_quantise(quantise, image, k, colour_space, random_state)
