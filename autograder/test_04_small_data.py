"""Hidden tests of assignment 04-small-data: lesion_train_test_split, augment_dataset.

Both are checked by properties of their contract, not by equality with the reference's
random choices: any lesion-grouped split and any label-preserving augmentation pass.
"""

import numpy as np
import pandas as pd
import pytest
from _checks import GRADING, fail, run
from hypothesis import given
from hypothesis import strategies as st


@st.composite
def lesion_metadata(draw):
    """A metadata table with 2 to 30 lesions of 1 to 4 images each, rows shuffled."""
    n_lesions = draw(st.integers(2, 30))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    sizes = rng.integers(1, 5, n_lesions)
    lesion_ids = np.repeat([f"HAM_{i:07d}" for i in range(n_lesions)], sizes)
    rng.shuffle(lesion_ids)
    return pd.DataFrame(
        {
            "lesion_id": lesion_ids,
            "image_id": [f"ISIC_{i:07d}" for i in range(len(lesion_ids))],
            "dx": rng.choice(["nv", "mel", "bkl"], len(lesion_ids)),
        }
    )


@pytest.mark.points(3)
def test_lesion_train_test_split(student):
    """lesion_train_test_split was checked on metadata tables of 2 to 30 lesions with 1 to 4
    images each, test_size 0.1 ... 0.5: integer row positions, train and test disjoint and
    together covering every row once, no lesion on both sides, both non-empty, the test set
    within one lesion of test_size x number of lesions, and the same split from a second
    call with the same random_state."""
    split = student.function("lesion_train_test_split")

    @GRADING
    @given(
        metadata=lesion_metadata(),
        test_size=st.sampled_from([0.1, 0.2, 0.25, 0.5]),
        random_state=st.sampled_from([0, 1, 7]),
    )
    def check(metadata, test_size, random_state):
        inputs = {"metadata": metadata, "test_size": test_size, "random_state": random_state}
        hint = (
            "split the unique lesion_id values (not the rows), e.g. with "
            "sklearn.model_selection.GroupShuffleSplit(test_size=test_size, "
            "random_state=random_state), and return row positions."
        )
        got = split(metadata, test_size=test_size, random_state=random_state)
        if not isinstance(got, tuple) or len(got) != 2:
            fail("expected a tuple (train_idx, test_idx)", inputs, show_expected=False, hint=hint)
        train, test = (np.asarray(part) for part in got)
        n = len(metadata)
        lesions = metadata["lesion_id"].to_numpy()
        n_lesions = len(set(lesions))
        if (
            train.ndim != 1
            or test.ndim != 1
            or not (
                np.issubdtype(train.dtype, np.integer) and np.issubdtype(test.dtype, np.integer)
            )
        ):
            problem = f"expected two 1-D integer arrays, got {train.dtype} and {test.dtype}"
        elif sorted(np.concatenate([train, test]).tolist()) != list(range(n)):
            problem = (
                f"train and test together must hold every row position 0 .. {n - 1} exactly once"
            )
        elif set(lesions[train]) & set(lesions[test]):
            shared = sorted(set(lesions[train]) & set(lesions[test]))
            problem = (
                f"lesion {shared[0]} has images in both train and test "
                f"({len(shared)} lesion(s) leak)"
            )
        elif len(train) == 0 or len(test) == 0:
            problem = "train and test must both be non-empty"
        elif abs(len(set(lesions[test])) - test_size * n_lesions) > 1.0:
            problem = (
                f"the test set holds {len(set(lesions[test]))} of {n_lesions} lesions; "
                f"expected about {test_size * n_lesions:g}"
            )
        else:
            problem = None
            again = [
                np.asarray(part)
                for part in split(metadata, test_size=test_size, random_state=random_state)
            ]
            if not (
                np.array_equal(np.sort(again[0]), np.sort(train))
                and np.array_equal(np.sort(again[1]), np.sort(test))
            ):
                problem = "a second call with the same random_state gave a different split"
        if problem:
            fail(problem, inputs, show_expected=False, hint=hint)

    run(check, student)


# Very different mean colours, so that each augmented copy is recognisably its original's.
_BASE_COLOURS = np.array([[0.8, 0.15, 0.1], [0.1, 0.75, 0.2], [0.15, 0.2, 0.85], [0.9, 0.9, 0.2]])


@st.composite
def image_batches(draw):
    """``(images, labels, groups)``: 2 to 4 square RGB images of distinct colours."""
    n = draw(st.integers(2, 4))
    side = draw(st.integers(4, 10))
    dtype = draw(st.sampled_from(["uint8", "float64"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    images = _BASE_COLOURS[:n, None, None, :] + rng.uniform(-0.05, 0.05, (n, side, side, 3))
    images = np.clip(images, 0, 1)
    if dtype == "uint8":
        images = np.rint(images * 255).astype(np.uint8)
    labels = np.array(["nv", "mel", "bkl", "bcc"])[:n]
    groups = draw(st.sampled_from([None, np.array([f"HAM_{i}" for i in range(n)])]))
    return images, labels, groups


@pytest.mark.points(3)
def test_augment_dataset(student):
    """augment_dataset was checked on batches of 2 to 4 square RGB images (uint8 and float) of
    clearly different colours with copies = 0 ... 3, with and without groups: n x (copies + 1)
    images of the input's shape and dtype, the originals first and unchanged, labels and groups
    repeated so that row r belongs to image r % n (each augmented copy closest in mean colour
    to its own original), and the same result from a second call with the same random_state."""
    augment_dataset = student.function("augment_dataset")

    @GRADING
    @given(batch=image_batches(), copies=st.integers(0, 3), random_state=st.sampled_from([0, 5]))
    def check(batch, copies, random_state):
        images, labels, groups = batch
        n = len(images)
        inputs = {
            "images": images,
            "labels": labels,
            "groups": groups,
            "copies": copies,
            "random_state": random_state,
        }
        hint = (
            "return (images, labels, groups): the n originals first, then copy 1 of every "
            "image, copy 2, ...; repeat labels and groups the same way (np.tile), so that "
            "row r belongs to image r % n; pass random_state on."
        )
        got = augment_dataset(
            images, labels, groups=groups, copies=copies, random_state=random_state
        )
        if not isinstance(got, tuple) or len(got) != 3:
            fail(
                "expected a tuple (images, labels, groups)", inputs, show_expected=False, hint=hint
            )
        aug_images, aug_labels, aug_groups = got
        m = n * (copies + 1)
        expected_shape = (m,) + images.shape[1:]
        problem = None
        if not isinstance(aug_images, np.ndarray) or aug_images.shape != expected_shape:
            problem = (
                f"expected images of shape {expected_shape}, got "
                f"{getattr(aug_images, 'shape', type(aug_images).__name__)}"
            )
        elif aug_images.dtype != images.dtype:
            problem = f"expected images of dtype {images.dtype}, got {aug_images.dtype}"
        elif not np.array_equal(aug_images[:n], images):
            problem = "the first n images must be the originals, unchanged and in order"
        elif list(np.asarray(aug_labels).tolist()) != list(np.tile(labels, copies + 1)):
            problem = (
                f"labels must be repeated like the images: expected "
                f"{np.tile(labels, copies + 1).tolist()}, got {np.asarray(aug_labels).tolist()}"
            )
        elif groups is None and aug_groups is not None:
            problem = "groups=None must give None for the groups"
        elif groups is not None and (
            aug_groups is None
            or list(np.asarray(aug_groups).tolist()) != list(np.tile(groups, copies + 1))
        ):
            problem = "groups must be repeated like the images and labels"
        else:
            means = aug_images.reshape(m, -1, 3).astype(np.float64).mean(axis=1) / (
                255.0 if images.dtype == np.uint8 else 1.0
            )
            base = means[:n]
            nearest = np.argmin(((means[:, None, :] - base[None]) ** 2).sum(axis=2), axis=1)
            wrong = np.flatnonzero(nearest != np.arange(m) % n)
            if wrong.size:
                problem = (
                    f"row {wrong[0]} should be a copy of image {wrong[0] % n} but looks "
                    f"like image {nearest[wrong[0]]}: images and labels are misaligned"
                )
            else:
                again = augment_dataset(
                    images, labels, groups=groups, copies=copies, random_state=random_state
                )
                if not np.array_equal(np.asarray(again[0]), aug_images):
                    problem = "a second call with the same random_state gave different images"
        if problem:
            fail(problem, inputs, show_expected=False, hint=hint)

    run(check, student)
