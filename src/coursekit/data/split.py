"""Train/test splits that keep every lesion on one side."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from .._validation import check_random_state

__all__ = ["lesion_train_test_split"]


def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    """Split images into train and test sets so that no lesion is on both sides.

    Many HAM10000 lesions were photographed 2 to 6 times. A plain random split
    would put photographs of one lesion in both sets, and a model would be
    tested on lesions it has already seen.

    Parameters
    ----------
    metadata : pandas.DataFrame
        One row per image, with a ``lesion_id`` column (as returned by
        :func:`load_ham10000` or :func:`load_dataset`).
    test_size : float
        Fraction of the **lesions** (not of the images) put in the test set,
        strictly between 0 and 1: ``test_size * (number of lesions)``
        lesions, give or take one. The fraction of the images can differ, as
        lesions have different numbers of images.
    random_state : int or None
        Seed of the shuffle; the same seed gives the same split, another seed
        (usually) another split.

    Returns
    -------
    train_idx, test_idx : numpy.ndarray of int
        Row positions: 0 for the first row of ``metadata`` up to n - 1 for
        the last, whatever its index holds (the index holds row labels, which
        need not be 0 .. n - 1); use them as ``images[train_idx]`` and
        ``metadata.iloc[train_idx]``. Together they hold every position
        exactly once; both are non-empty.

    Raises
    ------
    ValueError
        If ``metadata`` has no ``lesion_id`` column, or ``test_size`` is not
        strictly between 0 and 1.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"lesion_id": ["A", "A", "B", "C", "D"]})
    >>> train_idx, test_idx = lesion_train_test_split(table, test_size=0.25)
    >>> table["lesion_id"].iloc[test_idx].nunique()  # a quarter of the 4 lesions
    1
    """
    if not isinstance(metadata, pd.DataFrame):
        raise TypeError(f"metadata must be a pandas DataFrame; got {type(metadata).__name__}.")
    if "lesion_id" not in metadata.columns:
        raise ValueError(
            "metadata has no 'lesion_id' column; found columns "
            f"{', '.join(map(str, metadata.columns))}."
        )
    if (
        not isinstance(test_size, numbers.Real)
        or isinstance(test_size, bool)
        or not 0 < test_size < 1
    ):
        raise ValueError(
            f"test_size must be a fraction strictly between 0 and 1; got {test_size!r}."
        )
    groups = metadata["lesion_id"]
    if groups.isna().any():
        raise ValueError(
            f"lesion_id is empty in {int(groups.isna().sum())} row(s); every image needs a lesion."
        )
    n_lesions = groups.nunique()
    if n_lesions < 2:
        raise ValueError(
            f"metadata has {n_lesions} lesion(s); a split needs at least 2 different "
            "lesion_id values."
        )
    from sklearn.model_selection import GroupShuffleSplit  # imported late: sklearn is slow to load

    seed = int(check_random_state(random_state).integers(0, 2**31 - 1))
    n_test = min(n_lesions - 1, max(1, round(test_size * n_lesions)))
    splitter = GroupShuffleSplit(n_splits=1, test_size=n_test, random_state=seed)
    train_idx, test_idx = next(splitter.split(np.zeros(len(groups)), groups=groups.to_numpy()))
    return np.sort(train_idx), np.sort(test_idx)
