"""Contracts of notebook 04 (small data): lesion_train_test_split, augment_dataset.

Splits are checked by the properties of their contract (any lesion-grouped split
that honours ``test_size`` and ``random_state`` passes); augmented data sets by
their layout and, exactly, by the documented random stream of every copy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coursekit.checks._registry import contract
from coursekit.checks.compare import (
    LEFT_OUT,
    computed_close,
    describe,
    expect_raises,
    fail,
    first_difference,
    given,
    or_default,
)

__all__ = [
    "split_grouped",
    "split_positions",
    "split_test_size",
    "split_random_state",
    "split_errors",
    "augment_layout",
    "augment_augments",
    "augment_streams",
    "augment_random_state",
    "lesion_table",
    "image_batch",
    "expected_copy",
]


def lesion_table(seed: int, n_lesions: int = 12, *, index: str = "range", uneven=False):
    """A metadata table of ``n_lesions`` lesions with 1 to 4 images each, rows shuffled.

    ``index``: ``"range"`` (0 .. n-1), ``"offset"`` (1000 + a shuffled range) or
    ``"strings"``; ``uneven``: a few lesions with many images and many with one, so
    that a share of lesions and a share of images differ.
    """
    rng = np.random.default_rng(seed)
    sizes = (
        np.where(np.arange(n_lesions) < max(1, n_lesions // 5), 6, 1)
        if uneven
        else rng.integers(1, 5, n_lesions)
    )
    lesion_ids = np.repeat([f"HAM_{seed % 1000:03d}{i:04d}" for i in range(n_lesions)], sizes)
    rng.shuffle(lesion_ids)
    n = len(lesion_ids)
    table = pd.DataFrame(
        {
            "lesion_id": lesion_ids,
            "image_id": [f"ISIC_{seed % 1000:03d}{i:04d}" for i in range(n)],
            "dx": rng.choice(["nv", "mel", "bkl"], n),
        }
    )
    if index == "offset":
        table.index = 1000 + rng.permutation(n)
    elif index == "strings":
        table.index = [f"row{i}" for i in rng.permutation(n)]
    return table


_SPLIT_HINT = (
    "split the unique lesion_id values, not the rows: "
    "sklearn.model_selection.GroupShuffleSplit(n_splits=1, test_size=test_size, "
    "random_state=random_state).split(metadata, groups=metadata['lesion_id']) gives row "
    "positions; return them as two sorted integer arrays."
)


def _split(split, metadata, test_size, random_state, inputs, *, arrays=False):
    got = split(metadata, **given(test_size=test_size, random_state=random_state))
    if not isinstance(got, tuple) or len(got) != 2:
        fail(f"expected a tuple (train_idx, test_idx), got {describe(got)}", inputs,
             show_expected=False, hint=_SPLIT_HINT)  # fmt: skip
    if arrays:
        for name, part in zip(("train_idx", "test_idx"), got, strict=True):
            if not isinstance(part, np.ndarray):
                fail(f"{name} must be a numpy array of integers, got {describe(part)}", inputs,
                     show_expected=False,
                     hint="return numpy arrays (np.flatnonzero(...), np.asarray(...)), "
                     "not lists")  # fmt: skip
    train, test = (np.asarray(part) for part in got)
    if not arrays:
        # Whole numbers of another type (floats, an empty list) are judged by the positions
        # check alone: one slip costs one check.
        train, test = (
            part.astype(np.int64)
            if part.ndim == 1 and part.dtype.kind == "f" and np.all(np.isfinite(part))
            and np.all(part == np.rint(part))
            else part
            for part in (train, test)
        )  # fmt: skip
    for name, part in (("train_idx", train), ("test_idx", test)):
        if part.ndim != 1 or not np.issubdtype(part.dtype, np.integer):
            fail(
                f"{name} must be a 1-D array of integers (row positions), got {describe(part)}",
                inputs,
                show_expected=False,
                hint=_SPLIT_HINT,
            )
    return train, test


def _check_grouped(train, test, metadata, inputs):
    n = len(metadata)
    together = np.sort(np.concatenate([train, test]))
    if not np.array_equal(together, np.arange(n)):
        outside = sorted(set(together.tolist()) - set(range(n)))[:5]
        fail(
            f"train and test together must hold every row position 0 .. {n - 1} exactly once"
            + (f"; got values outside that range, e.g. {outside}" if outside else ""),
            inputs,
            show_expected=False,
            hint="return positions (0 .. n - 1, as used by images[idx] and metadata.iloc[idx]),"
            " not the labels of metadata.index"
            if outside
            else _SPLIT_HINT,
        )
    lesions = metadata["lesion_id"].to_numpy()
    shared = sorted(set(lesions[train]) & set(lesions[test]))
    if shared:
        fail(
            f"lesion {shared[0]} has images on both sides ({len(shared)} lesion(s) leak)",
            inputs,
            show_expected=False,
            hint=_SPLIT_HINT,
        )
    if len(train) == 0 or len(test) == 0:
        fail("train and test must both be non-empty", inputs, show_expected=False,
             hint=_SPLIT_HINT)  # fmt: skip


def _split_quick(**table):
    return [
        {"metadata": lesion_table(seed, **table), "test_size": size, "random_state": seed}
        for seed, size in ((1, 0.25), (2, 0.5))
    ]


@contract(
    "lesion_train_test_split",
    "grouped",
    # 3 lesions and test_size 0.1: 0.3 lesions, rounded to 0, would leave the test set empty.
    quick=_split_quick() + [{"metadata": lesion_table(8, 3), "test_size": 0.1, "random_state": 0}],
)
def split_grouped(lesion_train_test_split, metadata, test_size=LEFT_OUT, random_state=LEFT_OUT):
    """No lesion on both sides; together every row once; both sides non-empty."""
    inputs = {"metadata": metadata, "test_size": test_size, "random_state": random_state}
    train, test = _split(lesion_train_test_split, metadata, test_size, random_state, inputs)
    _check_grouped(train, test, metadata, inputs)


@contract("lesion_train_test_split", "positions", quick=_split_quick(index="offset"))
def split_positions(lesion_train_test_split, metadata, test_size, random_state):
    """Row positions, as numpy arrays of integers, whatever the table's index."""
    inputs = {"metadata": metadata, "test_size": test_size, "random_state": random_state}
    train, test = _split(lesion_train_test_split, metadata, test_size, random_state, inputs,
                         arrays=True)  # fmt: skip
    _check_grouped(train, test, metadata, inputs)


@contract(
    "lesion_train_test_split",
    "test_size",
    quick=[
        {"metadata": lesion_table(3, 20, uneven=True), "test_size": 0.5, "random_state": 0},
        {"metadata": lesion_table(4, 10, uneven=True), "test_size": 0.2, "random_state": 1},
    ],
)
def split_test_size(lesion_train_test_split, metadata, test_size=LEFT_OUT, random_state=0):
    """About ``test_size`` of the lesions (not of the images) are in the test set."""
    inputs = {"metadata": metadata, "test_size": test_size, "random_state": random_state}
    train, test = _split(lesion_train_test_split, metadata, test_size, random_state, inputs)
    lesions = metadata["lesion_id"].to_numpy()
    n_lesions = len(set(lesions))
    n_test = len(set(lesions[test]))
    test_size = or_default(test_size, 0.2)
    target = test_size * n_lesions
    if abs(n_test - target) > 1.0:
        fail(
            f"the test set holds {n_test} of {n_lesions} lesions ({len(test)} of "
            f"{len(metadata)} images); test_size={test_size:g} asks for about {target:g} lesions",
            inputs,
            show_expected=False,
            hint="test_size is a fraction of the lesions: here lesions have very different "
            "numbers of images, so a fraction of the images is something else. "
            "GroupShuffleSplit(test_size=test_size) picks that fraction of the groups.",
        )


@contract("lesion_train_test_split", "random_state", quick=_split_quick()[:1])
def split_random_state(lesion_train_test_split, metadata, test_size, random_state):
    """The same seed gives the same split, other seeds other splits."""
    inputs = {"metadata": metadata, "test_size": test_size, "random_state": random_state}
    first = _split(lesion_train_test_split, metadata, test_size, random_state, inputs)
    again = _split(lesion_train_test_split, metadata, test_size, random_state, inputs)
    if not all(np.array_equal(np.sort(a), np.sort(b)) for a, b in zip(first, again, strict=True)):
        fail("a second call with the same random_state gave a different split", inputs,
             show_expected=False, hint="pass random_state on to the splitter")  # fmt: skip
    tests = {tuple(np.sort(first[1]).tolist())}
    for other in range(random_state + 1, random_state + 6):
        _, test = _split(lesion_train_test_split, metadata, test_size, other, inputs)
        tests.add(tuple(np.sort(test).tolist()))
    if len(tests) == 1:
        fail(
            f"random_state = {random_state} .. {random_state + 5} all gave the same split",
            inputs,
            show_expected=False,
            hint="use the random_state you are given (not a fixed number) to seed the split",
        )


@contract(
    "lesion_train_test_split",
    "errors",
    quick=[
        {"metadata": lesion_table(5).drop(columns="lesion_id"), "test_size": 0.2,
         "random_state": 0},
        {"metadata": lesion_table(6), "test_size": 1.5, "random_state": 0},
        {"metadata": lesion_table(7), "test_size": 0.0, "random_state": 0},
    ],
)  # fmt: skip
def split_errors(lesion_train_test_split, metadata, test_size, random_state):
    """ValueError for a table without lesion_id, or a test_size outside (0, 1)."""
    inputs = {"metadata": metadata, "test_size": test_size, "random_state": random_state}
    hint = (
        "raise ValueError with a clear message when 'lesion_id' is not in metadata.columns, and "
        "when test_size is not strictly between 0 and 1"
    )
    expect_raises(
        lesion_train_test_split,
        "ValueError",
        inputs,
        metadata,
        test_size=test_size,
        random_state=random_state,
        hint=hint,
    )


# -- augment_dataset ------------------------------------------------------------------------
_BASE_COLOURS = np.array([[0.8, 0.15, 0.1], [0.1, 0.75, 0.2], [0.15, 0.2, 0.85], [0.9, 0.9, 0.2]])


def image_batch(
    seed: int, n: int = 3, side: int = 6, dtype="uint8", groups=True, *, width=None, grey=False
):
    """``(images, labels, groups)``: ``n`` RGB images of clearly different colours.

    The images are ``side`` x ``side`` pixels, or ``side`` x ``width``; ``grey=True`` gives
    ``(n, H, W)`` grey images (each of a different grey level) instead.
    """
    rng = np.random.default_rng(seed)
    width = side if width is None else width
    images = _BASE_COLOURS[:n, None, None, :] + rng.uniform(-0.1, 0.1, (n, side, width, 3))
    images = np.clip(images, 0, 1)
    if grey:
        images = images @ np.array([0.299, 0.587, 0.114])
    if np.dtype(dtype) == np.uint8:
        images = np.rint(images * 255).astype(np.uint8)
    labels = np.array(["nv", "mel", "bkl", "bcc"])[:n]
    return images, labels, (np.array([f"HAM_{i}" for i in range(n)]) if groups else None)


def expected_copy(images, c: int, i: int, random_state: int) -> np.ndarray:
    """Copy ``c`` (from 1) of image ``i`` as the docstring defines it."""
    from coursekit.augment import default_pipeline

    height, width = images.shape[1:3]
    pipeline = default_pipeline(square=height == width, colour=images.ndim == 4)
    return pipeline(images[i], random_state=np.random.default_rng([random_state, c, i]))


_AUGMENT_HINT = (
    "return (aug_images, aug_labels, aug_groups): the n originals first, then copy 1 of every "
    "image, copy 2, ...; labels and groups repeated the same way (np.tile), so that row r "
    "belongs to image r % n; copy c of image i = pipeline(images[i], "
    "random_state=np.random.default_rng([random_state, c, i]))."
)


def _augment(augment_dataset, images, labels, groups, copies, random_state, inputs):
    call = augment_dataset.call(
        images, labels, **given(groups=groups, copies=copies, random_state=random_state)
    )
    got = call.value
    if not isinstance(got, tuple) or len(got) != 3:
        fail(f"expected a tuple (images, labels, groups), got {describe(got)}", inputs,
             show_expected=False, hint=_AUGMENT_HINT)  # fmt: skip
    return call, got


def _augment_inputs(images, labels, groups, copies, random_state):
    return {"images": images, "labels": labels, "groups": groups, "copies": copies,
            "random_state": random_state}  # fmt: skip


def _augment_quick(copies=(1, 2)):
    return [
        {"images": image_batch(seed, dtype=dtype)[0], "labels": image_batch(seed)[1],
         "groups": image_batch(seed)[2] if seed % 2 else None, "copies": c, "random_state": seed}
        for seed, dtype, c in zip((1, 2), ("uint8", "float64"), copies, strict=True)
    ]  # fmt: skip


@contract("augment_dataset", "layout", quick=_augment_quick(copies=(0, 2)))
def augment_layout(augment_dataset, images, labels, groups=LEFT_OUT, copies=LEFT_OUT,
                   random_state=LEFT_OUT):  # fmt: skip
    """Originals first, then the copies in blocks; labels and groups repeated alike.

    Arguments left out take their defaults (groups None, one copy, random_state 0).
    """
    inputs = _augment_inputs(images, labels, groups, copies, random_state)
    _, (aug_images, aug_labels, aug_groups) = _augment(
        augment_dataset, images, labels, groups, copies, random_state, inputs
    )
    groups, copies = or_default(groups, None), or_default(copies, 1)
    n = len(images)
    m = n * (copies + 1)
    shape = (m,) + images.shape[1:]
    problem = None
    if not isinstance(aug_images, np.ndarray) or aug_images.shape != shape:
        problem = f"expected images of shape {shape}, got {describe(aug_images)}"
    elif aug_images.dtype != images.dtype:
        problem = f"expected images of dtype {images.dtype} (the input's), got {aug_images.dtype}"
    elif not np.array_equal(aug_images[:n], images):
        problem = "the first n images must be the originals, unchanged and in order"
    elif not isinstance(aug_labels, np.ndarray):
        problem = f"aug_labels must be a numpy array (np.tile(...)), got {describe(aug_labels)}"
    elif groups is not None and not isinstance(aug_groups, np.ndarray):
        problem = f"aug_groups must be a numpy array (np.tile(...)), got {describe(aug_groups)}"
    elif np.asarray(aug_labels).tolist() != np.tile(labels, copies + 1).tolist():
        problem = (
            f"labels must be repeated like the images: expected "
            f"{np.tile(labels, copies + 1).tolist()}, got {np.asarray(aug_labels).tolist()}"
        )
    elif groups is None and aug_groups is not None:
        problem = "groups=None must give None for the groups"
    elif groups is not None and (
        aug_groups is None
        or np.asarray(aug_groups).tolist() != np.tile(groups, copies + 1).tolist()
    ):
        problem = "groups must be repeated like the images and labels"
    else:
        scale = 255.0 if images.dtype == np.uint8 else 1.0
        means = aug_images.reshape(m, -1, images.shape[-1]).astype(float).mean(axis=1) / scale
        nearest = np.argmin(((means[:, None, :] - means[None, :n]) ** 2).sum(axis=2), axis=1)
        wrong = np.flatnonzero(nearest != np.arange(m) % n)
        if wrong.size:
            problem = (
                f"row {wrong[0]} should be a copy of image {wrong[0] % n} but looks like image "
                f"{nearest[wrong[0]]}: the copies are not in blocks of n in the images' order"
            )
    if problem:
        fail(problem, inputs, show_expected=False, hint=_AUGMENT_HINT)


@contract("augment_dataset", "augments", quick=_augment_quick(copies=(2, 3)))
def augment_augments(augment_dataset, images, labels, groups, copies, random_state):
    """The copies differ from their originals and from each other; the input is unchanged."""
    inputs = _augment_inputs(images, labels, groups, copies, random_state)
    call, (aug_images, _, _) = _augment(
        augment_dataset, images, labels, groups, copies, random_state, inputs
    )
    if call.changed_inputs:
        fail(f"your function changed its input {', '.join(call.changed_inputs)} in place",
             inputs, show_expected=False,
             hint="augment copies of the images; never write into `images`")  # fmt: skip
    n = len(images)
    aug_images = np.asarray(aug_images)
    if aug_images.shape[0] != n * (copies + 1) or copies == 0:
        return  # the layout check reports the shape
    copies_of = [aug_images[c * n : (c + 1) * n] for c in range(1, copies + 1)]
    if all(np.array_equal(block, images) for block in copies_of):
        fail("the augmented copies are identical to the originals: nothing was augmented",
             inputs, show_expected=False, hint=_AUGMENT_HINT)  # fmt: skip
    if copies >= 2 and all(np.array_equal(copies_of[0], block) for block in copies_of[1:]):
        fail(
            "every copy of an image is the same: each copy needs its own random stream",
            inputs,
            show_expected=False,
            hint="np.random.default_rng([random_state, c, i]) differs for every copy c and "
            "image i; the same seed for every copy gives the same image every time",
        )


@contract(
    "augment_dataset",
    "streams",
    quick=_augment_quick()
    + [{"images": image_batch(9, n=2, side=4, width=6)[0], "labels": np.array(["nv", "mel"]),
        "groups": None, "copies": 1, "random_state": 9}],
)  # fmt: skip
def augment_streams(augment_dataset, images, labels, groups, copies, random_state):
    """Copy c of image i is the pipeline run with np.random.default_rng([random_state, c, i]).

    Compared up to the machine's last bits, not bit for bit: the student's process may use
    another BLAS kernel or run without numba. Float images within 1e-9 relative plus 1e-12
    absolute; uint8 images (a chain of steps that each round) within one grey level, at most
    1 % of the values (at least one) off by one. A wrong stream changes whole images.
    """
    inputs = _augment_inputs(images, labels, groups, copies, random_state)
    _, (aug_images, _, _) = _augment(
        augment_dataset, images, labels, groups, copies, random_state, inputs
    )
    n = len(images)
    aug_images = np.asarray(aug_images)
    if aug_images.shape[0] != n * (copies + 1):
        fail(f"expected {n * (copies + 1)} images, got {aug_images.shape[0]}", inputs,
             show_expected=False, hint=_AUGMENT_HINT)  # fmt: skip
    for c in range(1, copies + 1):
        for i in range(n):
            expected = expected_copy(images, c, i, random_state)
            got = aug_images[c * n + i]
            if not computed_close(got, expected):
                fail(
                    f"row {c * n + i} (copy {c} of image {i}) is not the pipeline's output for "
                    f"np.random.default_rng([{random_state}, {c}, {i}])",
                    inputs,
                    expected,
                    got,
                    details=first_difference(got, expected),
                    hint="make a new generator for every copy and image, "
                    "rng = np.random.default_rng([random_state, c, i]) with c counting from 1, "
                    "and call pipeline(images[i], random_state=rng); one shared generator, or "
                    "one seed for all copies, gives other images.",
                    images={"input": images[i], "expected": expected, "got": got},
                )


@contract("augment_dataset", "random_state", quick=_augment_quick()[:1])
def augment_random_state(augment_dataset, images, labels, groups, copies, random_state):
    """The same random_state gives the same copies; another gives other copies."""
    inputs = _augment_inputs(images, labels, groups, copies, random_state)
    first = np.asarray(_augment(augment_dataset, images, labels, groups, copies, random_state,
                                inputs)[1][0])  # fmt: skip
    again = np.asarray(_augment(augment_dataset, images, labels, groups, copies, random_state,
                                inputs)[1][0])  # fmt: skip
    if not np.array_equal(first, again):
        fail("a second call with the same random_state gave different images", inputs,
             show_expected=False, hint="derive every random choice from random_state")  # fmt: skip
    other = np.asarray(
        _augment(augment_dataset, images, labels, groups, copies, random_state + 1, inputs)[1][0]
    )
    if copies and np.array_equal(first, other):
        fail(
            f"random_state={random_state} and random_state={random_state + 1} gave the same "
            "copies",
            inputs,
            show_expected=False,
            hint="use the random_state you are given (not a fixed number) in every copy's "
            "generator",
        )
    if not copies:
        return
    # The other documented kinds of random_state: a numpy integer is that int; a Generator
    # (and None) gives one int drawn first, int(default_rng(random_state).integers(2**32)).
    # Compared with the student's own answer for that int, so that a wrong pipeline (the
    # streams check) or layout (the layout check) is not charged here a second time.
    drawn = int(np.random.default_rng(random_state).integers(2**32))
    own_drawn = np.asarray(_augment(augment_dataset, images, labels, groups, copies, drawn,
                                    dict(inputs, random_state=drawn))[1][0])  # fmt: skip
    for kind, seed, own, text in (
        (np.int64(random_state), random_state, first, f"np.int64({random_state})"),
        (np.random.default_rng(random_state), drawn, own_drawn,
         f"np.random.default_rng({random_state})"),
    ):  # fmt: skip
        shown = dict(inputs, random_state=text)
        got = np.asarray(_augment(augment_dataset, images, labels, groups, copies, kind,
                                  shown)[1][0])  # fmt: skip
        if got.shape != own.shape or not np.array_equal(got, own):
            fail(
                f"random_state={text} did not give what your function gives for the int "
                f"{seed}",
                shown,
                own,
                got,
                details=first_difference(got, own),
                hint="a numpy integer seeds like the same int; from None or a Generator draw "
                "one int first, seed = int(np.random.default_rng(random_state).integers(2**32)), "
                "and use it like an int seed",
            )
    unseeded = _augment(augment_dataset, images, labels, groups, copies, None,
                        dict(inputs, random_state=None))[1][0]  # fmt: skip
    if np.shape(unseeded) != (len(images) * (copies + 1),) + images.shape[1:]:
        fail(f"random_state=None must work too; got images {describe(unseeded)}",
             dict(inputs, random_state=None), show_expected=False,
             hint="from None draw one int first: "
             "int(np.random.default_rng(None).integers(2**32))")  # fmt: skip
