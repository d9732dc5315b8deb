"""Hidden tests of assignment 01-images: resize_image, cluster_pixels, quantise.

One test per named check (``coursekit.grading.questions``); each runs the check's contract
(``coursekit.checks.images``) on fixed discriminating inputs and on generated ones.
"""

import numpy as np
from _checks import grade, images, inputs
from hypothesis import strategies as st

from coursekit.checks.compare import LEFT_OUT
from coursekit.checks.images import (
    SEED_SENSITIVE_CASES,
    SPACE_PALETTES,
    palette_image,
    seed_sensitive_image,
)
from coursekit.grading.plugin import check

SIZES = st.tuples(st.integers(1, 20), st.integers(1, 20))
DTYPES = st.sampled_from(["uint8", "float64"])


#: One-pixel images, images one pixel high, and sizes of height or width 1.
SMALL = [{"image": np.array([[7]], dtype=np.uint8), "size": (3, 2)},
         {"image": np.random.default_rng(3).random((1, 1, 3)), "size": (2, 2)},
         {"image": np.arange(5, dtype=np.uint8).reshape(1, 5) * 50, "size": (1, 3)},
         {"image": np.random.default_rng(4).random((4, 3)), "size": (5, 1)}]  # fmt: skip
#: float32 in, float32 out.
FLOAT32 = [{"image": np.random.default_rng(s).random(shape).astype(np.float32), "size": size}
           for s, shape, size in ((5, (6, 4, 3), (3, 7)), (6, (5, 5), (2, 2)))]  # fmt: skip


@check("resize_image", "shape_dtype")
def test_resize_image__shape_dtype(student):
    grade(student, "resize_image", "shape_dtype", max_examples=15, fixed=SMALL + FLOAT32,
          cases=inputs(image=images(dtypes=("uint8", "float32", "float64")), size=SIZES))


@check("resize_image", "values")
def test_resize_image__values(student):
    grade(student, "resize_image", "values", fixed=FLOAT32 + SMALL[1:2] + SMALL[3:],
          cases=inputs(image=images(dtypes=("float64", "float32")), size=SIZES))  # fmt: skip


#: A dark uint8 image (values 0 and 1): its scale comes from the dtype, not from the values.
DARK = [{"image": np.array([[1, 1, 0], [1, 0, 1], [0, 1, 1]], dtype=np.uint8), "size": (2, 2)}]
#: Upsampled pairs of neighbours: the middle value is exactly .5 (0.5, 2.5, 101.5), where
#: np.rint rounds to even; either neighbour is accepted there (README: comparisons).
HALVES = [{"image": np.array([[0, 1], [2, 3]], dtype=np.uint8), "size": (3, 3)},
          {"image": np.array([[100, 103, 255]], dtype=np.uint8), "size": (1, 5)}]  # fmt: skip


@check("resize_image", "rounding")
def test_resize_image__rounding(student):
    grade(student, "resize_image", "rounding", fixed=DARK + HALVES + SMALL[:1] + SMALL[2:3],
          cases=inputs(image=images(dtypes=("uint8",), min_side=3), size=SIZES))  # fmt: skip


@st.composite
def palette_cases(draw, spaces):
    palette = draw(st.integers(0, len(SPACE_PALETTES) - 1))
    image = palette_image(palette, seed=draw(st.integers(0, 2**16)),
                          n_each=draw(st.integers(4, 10)), dtype=draw(DTYPES))  # fmt: skip
    return {"image": image, "k": 2, "colour_space": draw(st.sampled_from(spaces)),
            "random_state": draw(st.sampled_from([0, 1, 42]))}  # fmt: skip


#: A square image of two colours (four red pixels, five blue ones).
TWO_COLOURS = np.array([[[200, 30, 30], [200, 30, 30], [20, 20, 220]],
                        [[20, 20, 220], [200, 30, 30], [20, 20, 220]],
                        [[200, 30, 30], [20, 20, 220], [20, 20, 220]]], dtype=np.uint8)
#: Every documented kind of input the other checks do not try: float32, square and 1 x 1
#: images, k = 1, k = H * W, k above the number of distinct colours (some clusters stay
#: empty: still k centres), arguments left out (defaults), and each documented kind of random_state
#: (on images whose clustering does not depend on the seed).
PIXEL_DOMAIN = [
    {"image": (palette_image(0, 0) / 255).astype(np.float32), "k": 2, "colour_space": "rgb",
     "random_state": 0},
    {"image": TWO_COLOURS, "k": 2},
    {"image": TWO_COLOURS / 255.0, "k": 2, "colour_space": LEFT_OUT, "random_state": 3},
    # colour_space left out on images that group differently in rgb, hsv and lab
    {"image": palette_image(2, 5), "k": 2, "colour_space": LEFT_OUT, "random_state": 0},
    {"image": palette_image(7, 6, dtype="float64"), "k": 2, "colour_space": LEFT_OUT},
    {"image": TWO_COLOURS, "k": 1, "colour_space": "lab", "random_state": 0},
    {"image": TWO_COLOURS, "k": 3, "colour_space": "rgb", "random_state": 0},
    {"image": palette_image(4, 1, n_each=2), "k": 6, "colour_space": "rgb", "random_state": 0},
    {"image": np.array([[[0.2, 0.4, 0.6]]]), "k": 1, "colour_space": "hsv", "random_state": 0},
    {"image": TWO_COLOURS, "k": 2, "colour_space": "rgb", "random_state": np.int64(5)},
    {"image": TWO_COLOURS / 255.0, "k": 2, "colour_space": "lab", "random_state": None},
]  # fmt: skip


@check("cluster_pixels", "grouping")
def test_cluster_pixels__grouping(student):
    grade(student, "cluster_pixels", "grouping", max_examples=12, fixed=PIXEL_DOMAIN,
          cases=palette_cases(["rgb"]))  # fmt: skip


@check("cluster_pixels", "colour_space")
def test_cluster_pixels__colour_space(student):
    grade(student, "cluster_pixels", "colour_space", max_examples=16,
          cases=palette_cases(["hsv", "lab"]))  # fmt: skip


#: Many clusters (k = 5 or 6 of 6 to 8 colour blobs): with two or three clusters most
#: renumberings are their own inverse, so numbering with the sort order itself
#: (order[labels] instead of its inverse) would go unnoticed.
MANY_CLUSTERS = [
    {"image": seed_sensitive_image(case, dtype="uint8" if i % 2 else "float64"), "k": k,
     "colour_space": space, "random_state": 0}
    for i, (case, k, space) in enumerate([(1017, 5, "rgb"), (1019, 6, "hsv"), (1022, 5, "lab"),
                                          (1027, 6, "rgb"), (1031, 5, "hsv"), (1037, 6, "lab")])
]  # fmt: skip


#: Centres of equal brightness: pure red, green and blue (R + G + B = 1 each), and two greys
#: with the same sum; the docstring breaks ties by channel 0, then 1, then 2, smallest first.
TIES = [
    {"image": np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]]] * 2, dtype=np.uint8), "k": 3,
     "colour_space": "rgb", "random_state": 0},
    {"image": np.array([[[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.5, 0.0]]]),
     "k": 4, "colour_space": "rgb", "random_state": 0},
]  # fmt: skip


@check("cluster_pixels", "centres_labels")
def test_cluster_pixels__centres_labels(student):
    grade(student, "cluster_pixels", "centres_labels", max_examples=12,
          fixed=MANY_CLUSTERS + TIES,
          cases=palette_cases(["rgb", "hsv", "lab"]))  # fmt: skip


@check("cluster_pixels", "random_state")
def test_cluster_pixels__random_state(student):
    fixed = [
        {"image": seed_sensitive_image(case, dtype="uint8" if case % 2 else "float64"),
         "k": k, "colour_space": "rgb", "random_state": rs}
        for case, k in SEED_SENSITIVE_CASES[:5]
        for rs in (0, 1, 42)
    ]  # fmt: skip
    fixed += [{"image": seed_sensitive_image(1019), "k": 3, "colour_space": "rgb",
               "random_state": np.int64(1)},
              {"image": seed_sensitive_image(1022), "k": 3, "colour_space": "rgb",
               "random_state": LEFT_OUT}]  # fmt: skip
    # random_state left out on every seed-sensitive image: the default is 0, not None (a
    # random seed may meet seed 0's clustering on one image, hardly on all of them).
    fixed += [{"image": seed_sensitive_image(case), "k": k, "colour_space": "rgb",
               "random_state": LEFT_OUT}
              for case, k in SEED_SENSITIVE_CASES]  # fmt: skip
    grade(student, "cluster_pixels", "random_state", fixed=fixed)


@check("cluster_pixels", "grey_refused")
def test_cluster_pixels__grey_refused(student):
    # Grey images of 3n pixels: image.reshape(-1, 3) would run on them and make up colours.
    fixed = [{"image": np.full((3, 3), 200, np.uint8), "k": 1},
             {"image": np.linspace(0, 1, 12).reshape(2, 6), "k": 2, "colour_space": "hsv"},
             {"image": np.zeros((3, 2), np.uint8), "k": 2, "colour_space": "lab",
              "random_state": 1},
             {"image": np.zeros((2, 2, 4), np.uint8), "k": 2},
             {"image": np.zeros((2, 3, 1)), "k": 1}]  # fmt: skip
    grade(student, "cluster_pixels", "grey_refused", max_examples=8, fixed=fixed,
          cases=inputs(image=images(rgb=False, max_side=8), k=st.integers(1, 2),
                       colour_space=st.sampled_from(["rgb", "hsv", "lab"])))  # fmt: skip


@check("quantise", "values")
def test_quantise__values(student):
    # Seed-sensitive images: the clusters, and so the colours, depend on random_state.
    fixed = [
        {"image": seed_sensitive_image(case, dtype="float64"), "k": k, "colour_space": "rgb",
         "random_state": rs}
        for case, k in SEED_SENSITIVE_CASES[:3]
        for rs in (1, 42)
    ]  # fmt: skip
    fixed += [
        {"image": TWO_COLOURS / 255.0, "k": 1},
        {"image": palette_image(4, 7, dtype="float64"), "k": 2},
        {"image": TWO_COLOURS / 255.0, "k": 3, "colour_space": "rgb", "random_state": 0},
        {"image": palette_image(5, 2, n_each=2) / 255.0, "k": 6, "colour_space": "rgb",
         "random_state": 0},
        {"image": np.array([[[0.2, 0.4, 0.6]]]), "k": 1, "colour_space": "rgb",
         "random_state": 0},
        {"image": seed_sensitive_image(1017, dtype="float64"), "k": 4, "colour_space": "rgb",
         "random_state": np.int64(1)},
        {"image": TWO_COLOURS / 255.0, "k": 2, "colour_space": "rgb", "random_state": None},
    ]  # fmt: skip
    grade(student, "quantise", "values", max_examples=10, fixed=fixed,
          cases=palette_cases(["rgb"]).map(lambda d: d | {"image": d["image"] / 255.0
                                                          if d["image"].dtype.kind == "u"
                                                          else d["image"]}))  # fmt: skip


#: k = 1 in lab and hsv: the one colour is the mean taken in that space, converted back (not
#: the RGB mean).
ONE_COLOUR = [{"image": palette_image(p, p, dtype="float64"), "k": 1, "colour_space": cs}
              for p, cs in ((1, "lab"), (6, "hsv"), (7, "lab"))]  # fmt: skip


@check("quantise", "colour_space")
def test_quantise__colour_space(student):
    grade(student, "quantise", "colour_space", max_examples=10, fixed=ONE_COLOUR,
          cases=palette_cases(["hsv", "lab"]))  # fmt: skip


#: A float32 image (float32 comes back) and a dark uint8 image of 0s and 1s (its scale comes
#: from the dtype, not from the values).
QUANTISE_DTYPES = [
    {"image": (palette_image(0, 0) / 255).astype(np.float32), "k": 3, "colour_space": "rgb"},
    {"image": (palette_image(0, 0) > 128).astype(np.uint8), "k": 2, "colour_space": "rgb"},
]


@check("quantise", "dtype_rounding")
def test_quantise__dtype_rounding(student):
    grade(student, "quantise", "dtype_rounding", max_examples=10, fixed=QUANTISE_DTYPES,
          cases=palette_cases(["rgb", "lab"]).map(
              lambda d: d | {"image": palette_image(0, 0) if d["image"].dtype.kind == "f"
                             else d["image"]}))  # fmt: skip
