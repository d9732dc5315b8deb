"""Hidden tests of assignment 04-small-data: lesion_train_test_split, augment_dataset.

One test per named check (``coursekit.grading.questions``); each runs the check's contract
(``coursekit.checks.small_data``) on generated inputs.
"""

import numpy as np
from _checks import grade
from hypothesis import strategies as st

from coursekit.checks.compare import LEFT_OUT
from coursekit.checks.small_data import image_batch, lesion_table
from coursekit.grading.plugin import check

TEST_SIZES = st.sampled_from([0.1, 0.2, 0.25, 0.3, 0.5])


@st.composite
def tables(draw, index="range", uneven=False, min_lesions=2):
    return {
        "metadata": lesion_table(draw(st.integers(0, 2**16)), draw(st.integers(min_lesions, 30)),
                                 index=index, uneven=uneven),
        "test_size": draw(TEST_SIZES),
        "random_state": draw(st.sampled_from([0, 1, 7])),
    }  # fmt: skip


#: test_size and random_state left out (0.2 and 0), random_state None.
SPLIT_DEFAULTS = [
    {"metadata": lesion_table(41, 15), "test_size": LEFT_OUT, "random_state": LEFT_OUT},
    {"metadata": lesion_table(42, 12, index="offset"), "test_size": 0.3,
     "random_state": LEFT_OUT},
    {"metadata": lesion_table(43, 10), "test_size": LEFT_OUT, "random_state": None},
    # Near the upper bound (GroupShuffleSplit's ceil(test_size * lesions) still leaves one
    # lesion for training: 23 of 24, 11 of 12).
    {"metadata": lesion_table(44, 24), "test_size": 0.95, "random_state": 0},
    {"metadata": lesion_table(45, 12, index="strings"), "test_size": 0.9, "random_state": 2},
]  # fmt: skip


@check("lesion_train_test_split", "grouped")
def test_lesion_train_test_split__grouped(student):
    grade(student, "lesion_train_test_split", "grouped", max_examples=20, fixed=SPLIT_DEFAULTS,
          cases=tables())  # fmt: skip


@check("lesion_train_test_split", "positions")
def test_lesion_train_test_split__positions(student):
    grade(student, "lesion_train_test_split", "positions", max_examples=12,
          cases=st.one_of(tables(index="offset"), tables(index="strings")))  # fmt: skip


#: Many lesions: a test set drawn with replacement, or a fraction of the images, shows.
MANY_LESIONS = [{"metadata": lesion_table(seed, n, uneven=True), "test_size": size,
                 "random_state": seed % 3} for seed, n, size in ((31, 100, 0.5), (32, 80, 0.3))]
#: Test sizes near the documented bounds: 0.95 of 40 lesions leaves 2 for training (a
#: ceil of the images would leave none), 0.05 puts 2 in the test set; and test_size left out.
EXTREME_SIZES = [{"metadata": lesion_table(33 + i, 40, uneven=True), "test_size": size,
                  "random_state": i} for i, size in enumerate((0.95, 0.05, 0.9))] + [
    {"metadata": lesion_table(37, 30, uneven=True), "test_size": LEFT_OUT, "random_state": 1}]


@check("lesion_train_test_split", "test_size")
def test_lesion_train_test_split__test_size(student):
    grade(student, "lesion_train_test_split", "test_size", max_examples=12,
          fixed=MANY_LESIONS + EXTREME_SIZES,
          cases=tables(uneven=True, min_lesions=10))  # fmt: skip


@check("lesion_train_test_split", "random_state")
def test_lesion_train_test_split__random_state(student):
    grade(student, "lesion_train_test_split", "random_state", max_examples=5,
          cases=tables(min_lesions=12))  # fmt: skip


@check("lesion_train_test_split", "errors")
def test_lesion_train_test_split__errors(student):
    fixed = [{"metadata": lesion_table(11).drop(columns="lesion_id"), "test_size": 0.2,
              "random_state": 0}]  # fmt: skip
    fixed += [{"metadata": lesion_table(12), "test_size": size, "random_state": 0}
              for size in (0.0, 1.0, 1.5, -0.2)]  # fmt: skip
    grade(student, "lesion_train_test_split", "errors", fixed=fixed)


@st.composite
def batches(draw, copies=None):
    seed = draw(st.integers(0, 2**16))
    images, labels, groups = image_batch(
        seed, n=draw(st.integers(2, 4)), side=draw(st.integers(4, 10)),
        dtype=draw(st.sampled_from(["uint8", "float64"])), groups=draw(st.booleans()))
    copies = draw(st.integers(0, 3) if copies is None else copies)
    return {"images": images, "labels": labels, "groups": groups, "copies": copies,
            "random_state": draw(st.sampled_from([0, 5, 11]))}  # fmt: skip


#: Labels as a list, and groups, copies and random_state left out (None, 1 and 0).
LAYOUT_DEFAULTS = [
    {"images": image_batch(51)[0], "labels": ["nv", "mel", "bkl"]},
    {"images": image_batch(52, dtype="float64")[0], "labels": image_batch(52)[1],
     "groups": image_batch(52)[2], "copies": 2},
]


@check("augment_dataset", "layout")
def test_augment_dataset__layout(student):
    grade(student, "augment_dataset", "layout", max_examples=12, fixed=LAYOUT_DEFAULTS,
          cases=batches())  # fmt: skip


@check("augment_dataset", "augments")
def test_augment_dataset__augments(student):
    grade(student, "augment_dataset", "augments", max_examples=8,
          cases=batches(copies=st.integers(2, 3)))  # fmt: skip


#: Batches that are not square RGB: the pipeline must be set up for the images at hand
#: (default_pipeline(square=..., colour=...)). With random_state 5 a square pipeline would
#: turn some of the non-square copies by 90 degrees (tests/test_checks_registry.py keeps this
#: true); the grey images are 3 pixels wide, like a colour channel axis.
UNUSUAL_BATCHES = [
    {"images": image_batch(21, n=2, side=5, width=8, dtype=dtype)[0], "copies": 2}
    for dtype in ("uint8", "float64")
] + [{"images": image_batch(22, n=3, side=6, grey=True)[0], "copies": 2},
     {"images": image_batch(23, n=2, side=5, width=3, grey=True)[0], "copies": 2}]


@check("augment_dataset", "streams")
def test_augment_dataset__streams(student):
    fixed = [batch | {"labels": np.array(["nv", "mel", "bkl"])[: len(batch["images"])],
                      "groups": None, "random_state": 5} for batch in UNUSUAL_BATCHES]  # fmt: skip
    grade(student, "augment_dataset", "streams", max_examples=8, fixed=fixed,
          cases=batches(copies=st.integers(1, 3)))  # fmt: skip


@check("augment_dataset", "random_state")
def test_augment_dataset__random_state(student):
    grade(student, "augment_dataset", "random_state", max_examples=5,
          cases=batches(copies=st.integers(1, 2)))  # fmt: skip
