"""lesion_train_test_split: lesions never on both sides (graded exercise 04-small-data)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coursekit.data import lesion_train_test_split


def metadata_of(sizes):
    """One row per image; lesion ``k`` has ``sizes[k]`` images."""
    return pd.DataFrame({"lesion_id": [f"HAM_{k:07d}" for k, n in enumerate(sizes)
                                       for _ in range(n)]})  # fmt: skip


@given(st.lists(st.integers(1, 6), min_size=2, max_size=60), st.floats(0.05, 0.95),
       st.integers(0, 2**31 - 1))  # fmt: skip
def test_partition_without_shared_lesions(sizes, test_size, seed):
    meta = metadata_of(sizes)
    train, test = lesion_train_test_split(meta, test_size=test_size, random_state=seed)
    assert len(train) and len(test)
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(len(meta)))
    assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)
    assert not set(meta["lesion_id"].iloc[train]) & set(meta["lesion_id"].iloc[test])


def test_size_is_about_test_size_and_deterministic():
    rng = np.random.default_rng(0)
    meta = metadata_of(rng.integers(1, 4, size=500))
    train, test = lesion_train_test_split(meta, test_size=0.2, random_state=7)
    assert abs(len(test) / len(meta) - 0.2) < 0.04
    again = lesion_train_test_split(meta, test_size=0.2, random_state=7)
    assert np.array_equal(again[1], test)
    other = lesion_train_test_split(meta, test_size=0.2, random_state=8)
    assert not np.array_equal(other[1], test)


def test_positions_not_labels_with_a_shuffled_index():
    meta = metadata_of([2, 1, 3, 1]).set_index(pd.Index([50, 10, 40, 30, 20, 60, 70]))
    train, test = lesion_train_test_split(meta, test_size=0.5, random_state=0)
    assert sorted(np.concatenate([train, test])) == list(range(7))


@pytest.mark.parametrize("test_size", [0, 1, 1.5, -0.1, "0.2", True])
def test_bad_test_size(test_size):
    with pytest.raises(ValueError, match="test_size"):
        lesion_train_test_split(metadata_of([1, 1, 1]), test_size=test_size)


def test_bad_metadata():
    with pytest.raises(ValueError, match="no 'lesion_id' column"):
        lesion_train_test_split(pd.DataFrame({"image_id": ["a", "b"]}))
    with pytest.raises(ValueError, match="at least 2"):
        lesion_train_test_split(metadata_of([5]))
    with pytest.raises(TypeError, match="DataFrame"):
        lesion_train_test_split([1, 2, 3])
