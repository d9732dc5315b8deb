"""Catalogue of notebook 04 (small data): lesion_train_test_split, augment_dataset."""

from catalogue import Entry

SPLIT = [
    # -- wrong ---------------------------------------------------------------------------------
    Entry("lesion_train_test_split", "rows", "rows split, not lesions (a lesion leaks)", False,
          """
import numpy as np
from sklearn.model_selection import train_test_split

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("no lesion_id column")
    rows = np.arange(len(metadata))
    train, test = train_test_split(rows, test_size=test_size, random_state=random_state)
    return np.sort(train), np.sort(test)
"""),
    Entry("lesion_train_test_split", "index_labels", "index labels instead of positions", False,
          """
import numpy as np
from sklearn.model_selection import GroupShuffleSplit

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    gss = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train, test = next(gss.split(metadata, groups=metadata["lesion_id"]))
    return np.sort(metadata.index[train].to_numpy()), np.sort(metadata.index[test].to_numpy())
"""),
    Entry("lesion_train_test_split", "index_of_rows", "index labels instead of positions "
          "(metadata.index[isin])", False, """
import numpy as np

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    if not 0 < test_size < 1:
        raise ValueError("test_size must be between 0 and 1")
    lesions = np.unique(metadata["lesion_id"])
    rng = np.random.default_rng(random_state)
    n_test = min(len(lesions) - 1, max(1, round(test_size * len(lesions))))
    test_lesions = rng.choice(lesions, size=n_test, replace=False)
    in_test = metadata["lesion_id"].isin(test_lesions)
    return np.array(metadata.index[~in_test]), np.array(metadata.index[in_test])
"""),
    Entry("lesion_train_test_split", "images_fraction", "test_size as a fraction of images",
          False, """
import numpy as np

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    if not 0 < test_size < 1:
        raise ValueError("test_size must be between 0 and 1")
    lesions = metadata["lesion_id"].to_numpy()
    order = np.random.default_rng(random_state).permutation(np.unique(lesions))
    test = []
    for lesion in order:            # add lesions until the test set has enough images
        if len(test) >= test_size * len(metadata):
            break
        test.extend(np.flatnonzero(lesions == lesion))
    test = np.sort(np.array(test, dtype=int))
    train = np.setdiff1d(np.arange(len(metadata)), test)
    return train, test
"""),
    Entry("lesion_train_test_split", "images_count", "test_size as a fraction of images "
          "(GroupShuffleSplit given a count of images)", False, """
import numpy as np
from sklearn.model_selection import GroupShuffleSplit

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    if not 0 < test_size < 1:
        raise ValueError("test_size must be between 0 and 1")
    groups = metadata["lesion_id"].to_numpy()
    n_test = max(1, int(test_size * len(metadata)))       # images
    n_test = min(n_test, len(np.unique(groups)) - 1)
    gss = GroupShuffleSplit(n_splits=1, test_size=n_test, random_state=random_state)
    train, test = next(gss.split(np.zeros(len(groups)), groups=groups))
    return np.sort(train), np.sort(test)
"""),
    Entry("lesion_train_test_split", "seed_ignored", "random_state ignored", False, """
import numpy as np
from sklearn.model_selection import GroupShuffleSplit

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    gss = GroupShuffleSplit(n_splits=1, test_size=test_size)
    train, test = next(gss.split(metadata, groups=metadata["lesion_id"]))
    return np.sort(train), np.sort(test)
"""),
    Entry("lesion_train_test_split", "seed_fixed", "random_state hard-coded", False, """
import numpy as np
from sklearn.model_selection import GroupShuffleSplit

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    gss = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=42)
    train, test = next(gss.split(metadata, groups=metadata["lesion_id"]))
    return np.sort(train), np.sort(test)
"""),
    Entry("lesion_train_test_split", "key_error", "wrong exception (KeyError for a missing "
          "column)", False, """
import numpy as np
from sklearn.model_selection import GroupShuffleSplit

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    gss = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train, test = next(gss.split(metadata, groups=metadata["lesion_id"]))
    return np.sort(train), np.sort(test)
"""),
    Entry("lesion_train_test_split", "test_size_unchecked", "parameter not validated: "
          "test_size outside (0, 1) accepted", False, """
import numpy as np

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    lesions = metadata["lesion_id"].unique()
    rng = np.random.default_rng(random_state)
    rng.shuffle(lesions)
    n_test = min(len(lesions) - 1, max(1, round(test_size * len(lesions))))
    in_test = metadata["lesion_id"].isin(lesions[:n_test]).to_numpy()
    return np.flatnonzero(~in_test), np.flatnonzero(in_test)
"""),
    Entry("lesion_train_test_split", "round_to_zero", "no test lesion when test_size * lesions "
          "rounds to 0", False, """
import numpy as np

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    if not 0 < test_size < 1:
        raise ValueError("test_size must be between 0 and 1")
    lesions = np.unique(metadata["lesion_id"].to_numpy())
    rng = np.random.default_rng(random_state)
    test_lesions = rng.choice(lesions, size=round(test_size * len(lesions)), replace=False)
    in_test = np.isin(metadata["lesion_id"].to_numpy(), test_lesions)
    return np.flatnonzero(~in_test), np.flatnonzero(in_test)
"""),
    Entry("lesion_train_test_split", "pandas_sample", "no test lesion when test_size * lesions "
          "rounds to 0 (pandas sample(frac=))", False, """
import numpy as np
import pandas as pd

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    if not 0 < test_size < 1:
        raise ValueError("test_size must be between 0 and 1")
    lesions = pd.Series(metadata["lesion_id"].unique())
    test_lesions = lesions.sample(frac=test_size, random_state=random_state)
    in_test = metadata["lesion_id"].isin(test_lesions).to_numpy()
    return np.flatnonzero(~in_test), np.flatnonzero(in_test)
"""),
    Entry("lesion_train_test_split", "boolean_masks", "boolean masks returned instead of "
          "positions", False, """
import numpy as np

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    if not 0 < test_size < 1:
        raise ValueError("test_size must be between 0 and 1")
    lesions = np.unique(metadata["lesion_id"])
    rng = np.random.default_rng(random_state)
    n_test = min(len(lesions) - 1, max(1, round(test_size * len(lesions))))
    is_test = metadata["lesion_id"].isin(rng.choice(lesions, n_test, replace=False)).to_numpy()
    return ~is_test, is_test
"""),
    Entry("lesion_train_test_split", "tables", "tables returned instead of positions", False, """
from sklearn.model_selection import GroupShuffleSplit

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    gss = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train, test = next(gss.split(metadata, groups=metadata["lesion_id"]))
    return metadata.iloc[train], metadata.iloc[test]
"""),
    Entry("lesion_train_test_split", "group_k_fold", "random_state ignored (GroupKFold, no "
          "shuffle)", False, """
import numpy as np
from sklearn.model_selection import GroupKFold

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    if not 0 < test_size < 1:
        raise ValueError("test_size must be between 0 and 1")
    n_lesions = metadata["lesion_id"].nunique()
    folds = min(n_lesions, max(2, round(1 / test_size)))
    train, test = next(GroupKFold(n_splits=folds).split(metadata,
                                                        groups=metadata["lesion_id"]))
    return np.sort(train), np.sort(test)
"""),
    Entry("lesion_train_test_split", "swapped", "train and test swapped", False, """
import numpy as np
from sklearn.model_selection import GroupShuffleSplit

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    gss = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    test, train = next(gss.split(metadata, groups=metadata["lesion_id"]))
    return np.sort(train), np.sort(test)
"""),
    Entry("lesion_train_test_split", "bounds_accepted", "parameter not validated: test_size 0 "
          "and 1 accepted (<= instead of <)", False, """
import numpy as np

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    if not 0 <= test_size <= 1:
        raise ValueError("test_size must be between 0 and 1")
    lesions = np.unique(metadata["lesion_id"].to_numpy())
    order = np.random.default_rng(random_state).permutation(len(lesions))
    n_test = min(len(lesions) - 1, max(1, round(test_size * len(lesions))))
    in_test = np.isin(metadata["lesion_id"].to_numpy(), lesions[order[:n_test]])
    return np.flatnonzero(~in_test), np.flatnonzero(in_test)
"""),
    Entry("lesion_train_test_split", "set_order", "split depends on the order of a set() of "
          "lesion ids (string hashes differ between Python sessions)", False, """
import random
import numpy as np

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    if not 0 < test_size < 1:
        raise ValueError("test_size must be between 0 and 1")
    lesions = list(set(metadata["lesion_id"]))
    random.Random(random_state).shuffle(lesions)
    n_test = min(len(lesions) - 1, max(1, round(test_size * len(lesions))))
    test_lesions = set(lesions[:n_test])
    is_test = np.array([lesion in test_lesions for lesion in metadata["lesion_id"]])
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)
"""),
    Entry("lesion_train_test_split", "with_replacement", "test lesions drawn with replacement "
          "(fewer distinct lesions than asked)", False, """
import numpy as np

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    if not (0 < test_size < 1):
        raise ValueError("test_size must be strictly between 0 and 1")
    lesions = metadata["lesion_id"].to_numpy()
    names = np.unique(lesions)
    n_test = min(max(int(round(test_size * len(names))), 1), len(names) - 1)
    test_names = np.random.default_rng(random_state).choice(names, size=n_test)
    is_test = np.isin(lesions, test_names)
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)
"""),
    Entry("lesion_train_test_split", "lists", "positions returned as lists", False, """
from sklearn.model_selection import GroupShuffleSplit

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    if not 0 < test_size < 1:
        raise ValueError("test_size must be strictly between 0 and 1")
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train_idx, test_idx = next(splitter.split(metadata, groups=metadata["lesion_id"]))
    return train_idx.tolist(), test_idx.tolist()
"""),
    # -- correct -------------------------------------------------------------------------------
    Entry("lesion_train_test_split", "shuffle_lesions", "hand-written lesion shuffle with "
          "default_rng, at least one lesion on each side", True, """
import numpy as np

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata has no 'lesion_id' column")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be strictly between 0 and 1; got {test_size}")
    lesion_of_row = metadata["lesion_id"].to_numpy()
    lesions = np.unique(lesion_of_row)
    rng = np.random.default_rng(random_state)
    n_test = min(len(lesions) - 1, max(1, round(test_size * len(lesions))))
    test_lesions = rng.permutation(lesions)[:n_test]
    in_test = np.isin(lesion_of_row, test_lesions)
    return np.flatnonzero(~in_test), np.flatnonzero(in_test)
"""),
    Entry("lesion_train_test_split", "legacy_global_seed", "np.random.seed and np.random.choice",
          True, """
import numpy as np

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata:
        raise ValueError("the metadata must have a lesion_id column")
    if test_size <= 0 or test_size >= 1:
        raise ValueError("test_size must be a fraction between 0 and 1")
    lesions = sorted(set(metadata["lesion_id"]))
    np.random.seed(random_state)
    n_test = int(np.clip(np.ceil(test_size * len(lesions)), 1, len(lesions) - 1))
    chosen = set(np.random.choice(lesions, n_test, replace=False))
    test = [i for i, lesion in enumerate(metadata["lesion_id"]) if lesion in chosen]
    train = [i for i, lesion in enumerate(metadata["lesion_id"]) if lesion not in chosen]
    return np.array(train), np.array(test)
"""),
    Entry("lesion_train_test_split", "split_unique_lesions", "train_test_split of the unique "
          "lesions (its own test_size checks)", True, """
import numpy as np
from sklearn.model_selection import train_test_split

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata has no lesion_id column")
    lesions = metadata["lesion_id"].unique()
    _, test_lesions = train_test_split(lesions, test_size=test_size, random_state=random_state)
    in_test = metadata["lesion_id"].isin(test_lesions).to_numpy()
    return np.where(~in_test)[0], np.where(in_test)[0]
"""),
    Entry("lesion_train_test_split", "group_shuffle_reset_index", "GroupShuffleSplit after "
          "reset_index, groups as an array", True, """
import numpy as np
from sklearn.model_selection import GroupShuffleSplit

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    table = metadata.reset_index(drop=True)
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train, test = next(splitter.split(np.zeros(len(table)), groups=table["lesion_id"].to_numpy()))
    return np.sort(train), np.sort(test)
"""),
    Entry("lesion_train_test_split", "unsorted", "positions left in GroupShuffleSplit's order "
          "(not sorted)", True, """
from sklearn.model_selection import GroupShuffleSplit

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    return next(splitter.split(metadata, groups=metadata["lesion_id"]))
"""),
]

AUGMENT = [
    # -- wrong ---------------------------------------------------------------------------------
    Entry("augment_dataset", "identical_copies", "copies identical to the originals (nothing "
          "augmented)", False, """
import numpy as np

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    out = np.concatenate([images] * (copies + 1))
    labels = np.tile(labels, copies + 1)
    groups = None if groups is None else np.tile(groups, copies + 1)
    return out, labels, groups
"""),
    Entry("augment_dataset", "same_seed_every_copy", "the same seed for every copy", False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    blocks = [images]
    for c in range(1, copies + 1):
        blocks.append(np.stack([pipeline(im, random_state=np.random.default_rng([random_state, i]))
                                for i, im in enumerate(images)]))
    aug_groups = None if groups is None else np.tile(groups, copies + 1)
    return np.concatenate(blocks), np.tile(labels, copies + 1), aug_groups
"""),
    Entry("augment_dataset", "int_seed_every_copy", "the same seed for every copy (the int "
          "random_state handed to the pipeline)", False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = [images]
    for _ in range(copies):
        out.append(np.stack([pipeline(im, random_state=random_state) for im in images]))
    aug_groups = None if groups is None else np.tile(groups, copies + 1)
    return np.concatenate(out), np.tile(labels, copies + 1), aug_groups
"""),
    Entry("augment_dataset", "shared_generator", "one shared generator instead of the per-copy "
          "streams", False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    rng = np.random.default_rng(random_state)
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = [images]
    for _ in range(copies):
        out.append(np.stack([pipeline(im, random_state=rng) for im in images]))
    aug_groups = None if groups is None else np.tile(groups, copies + 1)
    return np.concatenate(out), np.tile(labels, copies + 1), aug_groups
"""),
    Entry("augment_dataset", "seed_ignored", "random_state ignored (0 in every seed)", False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = [images]
    for c in range(1, copies + 1):
        out.append(np.stack([pipeline(im, random_state=np.random.default_rng([0, c, i]))
                             for i, im in enumerate(images)]))
    aug_groups = None if groups is None else np.tile(groups, copies + 1)
    return np.concatenate(out), np.tile(labels, copies + 1), aug_groups
"""),
    Entry("augment_dataset", "copies_from_zero", "copy numbers counted from 0 in the seed",
          False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = [images]
    for c in range(copies):
        out.append(np.stack([pipeline(im, random_state=np.random.default_rng([random_state, c, i]))
                             for i, im in enumerate(images)]))
    aug_groups = None if groups is None else np.tile(groups, copies + 1)
    return np.concatenate(out), np.tile(labels, copies + 1), aug_groups
"""),
    Entry("augment_dataset", "seed_order_swapped", "seed parts in another order ([random_state, "
          "i, c])", False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = [images]
    for c in range(1, copies + 1):
        out.append(np.stack([pipeline(im, random_state=np.random.default_rng([random_state, i, c]))
                             for i, im in enumerate(images)]))
    aug_groups = None if groups is None else np.tile(groups, copies + 1)
    return np.concatenate(out), np.tile(labels, copies + 1), aug_groups
"""),
    Entry("augment_dataset", "seed_sum", "seed made by adding (random_state + c + i)", False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = [images]
    for c in range(1, copies + 1):
        out.append(np.stack([pipeline(im, random_state=random_state + c + i)
                             for i, im in enumerate(images)]))
    aug_groups = None if groups is None else np.tile(groups, copies + 1)
    return np.concatenate(out), np.tile(labels, copies + 1), aug_groups
"""),
    Entry("augment_dataset", "labels_repeated", "labels not tiled with copies (np.repeat)", False,
          """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = [images]
    for c in range(1, copies + 1):
        out.append(np.stack([pipeline(im, random_state=np.random.default_rng([random_state, c, i]))
                             for i, im in enumerate(images)]))
    aug_groups = None if groups is None else np.repeat(groups, copies + 1)
    return np.concatenate(out), np.repeat(labels, copies + 1), aug_groups
"""),
    Entry("augment_dataset", "image_major", "copies next to their original (image by image, not "
          "in blocks)", False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out, out_labels, out_groups = [], [], []
    for i, im in enumerate(images):
        out.append(im)
        for c in range(1, copies + 1):
            out.append(pipeline(im, random_state=np.random.default_rng([random_state, c, i])))
        out_labels += [labels[i]] * (copies + 1)
        if groups is not None:
            out_groups += [groups[i]] * (copies + 1)
    return np.stack(out), np.array(out_labels), None if groups is None else np.array(out_groups)
"""),
    Entry("augment_dataset", "no_originals", "originals left out", False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = []
    for c in range(1, copies + 1):
        out.append(np.stack([pipeline(im, random_state=np.random.default_rng([random_state, c, i]))
                             for i, im in enumerate(images)]))
    aug_groups = None if groups is None else np.tile(groups, copies)
    if not out:
        return images[:0], np.asarray(labels)[:0], aug_groups
    return np.concatenate(out), np.tile(labels, copies), aug_groups
"""),
    Entry("augment_dataset", "groups_none_tiled", "groups=None tiled into an array of None",
          False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = [images]
    for c in range(1, copies + 1):
        out.append(np.stack([pipeline(im, random_state=np.random.default_rng([random_state, c, i]))
                             for i, im in enumerate(images)]))
    return np.concatenate(out), np.tile(labels, copies + 1), np.tile(groups, copies + 1)
"""),
    Entry("augment_dataset", "float_images", "dtype not kept (float images returned)", False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    x = images / 255.0 if images.dtype == np.uint8 else images
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = [x]
    for c in range(1, copies + 1):
        out.append(np.stack([pipeline(im, random_state=np.random.default_rng([random_state, c, i]))
                             for i, im in enumerate(x)]))
    aug_groups = None if groups is None else np.tile(groups, copies + 1)
    return np.concatenate(out), np.tile(labels, copies + 1), aug_groups
"""),
    Entry("augment_dataset", "overwrites_input", "input changed in place (the copies written "
          "into images)", False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    blocks = [images.copy()]
    batch = images
    for c in range(1, copies + 1):
        for i in range(len(images)):
            rng = np.random.default_rng([random_state, c, i])
            batch[i] = pipeline(blocks[0][i], random_state=rng)
        blocks.append(batch.copy())
    aug_groups = None if groups is None else np.tile(groups, copies + 1)
    return np.concatenate(blocks), np.tile(labels, copies + 1), aug_groups
"""),
    Entry("augment_dataset", "zero_copies_crash", "copies=0 not handled (np.stack of nothing)",
          False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    new = np.stack([pipeline(images[i], random_state=np.random.default_rng([random_state, c, i]))
                    for c in range(1, copies + 1) for i in range(len(images))])
    aug_groups = None if groups is None else np.tile(groups, copies + 1)
    return np.concatenate([images, new]), np.tile(labels, copies + 1), aug_groups
"""),
    Entry("augment_dataset", "square_always", "pipeline set up for square RGB images whatever "
          "the batch", False, """
import numpy as np
from coursekit.augment import default_pipeline

PIPELINE = default_pipeline()

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    out = [images]
    for c in range(1, copies + 1):
        out.append(np.stack([PIPELINE(im, random_state=np.random.default_rng([random_state, c, i]))
                             for i, im in enumerate(images)]))
    aug_groups = None if groups is None else np.tile(groups, copies + 1)
    return np.concatenate(out), np.tile(labels, copies + 1), aug_groups
"""),
    Entry("augment_dataset", "derived_seeds", "seeds drawn from one generator instead of the "
          "documented streams", False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    seeds = np.random.default_rng(random_state).integers(0, 2**31, size=(copies + 1, len(images)))
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = [images]
    for c in range(1, copies + 1):
        out.append(np.stack([pipeline(im, random_state=int(seeds[c, i]))
                             for i, im in enumerate(images)]))
    aug_groups = None if groups is None else np.tile(groups, copies + 1)
    return np.concatenate(out), np.tile(labels, copies + 1), aug_groups
"""),
    Entry("augment_dataset", "list_of_images", "a list of images returned, not an array", False,
          """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    result = list(images)
    for c in range(1, copies + 1):
        for i, im in enumerate(images):
            result.append(pipeline(im, random_state=np.random.default_rng([random_state, c, i])))
    aug_groups = None if groups is None else np.tile(groups, copies + 1)
    return result, np.tile(labels, copies + 1), aug_groups
"""),
    Entry("augment_dataset", "square_true",
          "square=True for every batch (colour told apart correctly)",
          False, """
import numpy as np
from coursekit.augment import default_pipeline


def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    images = np.asarray(images)
    n = len(images)
    labels = np.asarray(labels)
    if random_state is None or isinstance(random_state, np.random.Generator):
        random_state = int(np.random.default_rng(random_state).integers(2**32))
    H, W = images.shape[1], images.shape[2]
    pipeline = default_pipeline(square=True, colour=(images.ndim == 4))
    out = [images.copy()]
    for c in range(1, copies + 1):
        batch = [pipeline(images[i], random_state=np.random.default_rng([random_state, c, i]))
                 for i in range(n)]
        out.append(np.stack(batch).astype(images.dtype) if n else images[:0].copy())
    aug_images = np.concatenate(out)
    aug_labels = np.tile(labels, copies + 1)
    aug_groups = None if groups is None else np.tile(np.asarray(groups), copies + 1)
    return aug_images, aug_labels, aug_groups
"""),
    Entry("augment_dataset", "no_generator",
          "None and Generator seeds not handled (they reach default_rng([...]))",
          False, """
import numpy as np
from coursekit.augment import default_pipeline


def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    images = np.asarray(images)
    n = len(images)
    labels = np.asarray(labels)
    pass
    H, W = images.shape[1], images.shape[2]
    pipeline = default_pipeline(square=(H == W), colour=(images.ndim == 4))
    out = [images.copy()]
    for c in range(1, copies + 1):
        batch = [pipeline(images[i], random_state=np.random.default_rng([random_state, c, i]))
                 for i in range(n)]
        out.append(np.stack(batch).astype(images.dtype) if n else images[:0].copy())
    aug_images = np.concatenate(out)
    aug_labels = np.tile(labels, copies + 1)
    aug_groups = None if groups is None else np.tile(np.asarray(groups), copies + 1)
    return aug_images, aug_labels, aug_groups
"""),
    Entry("augment_dataset", "generator_as_zero",
          "None or a Generator replaced by the seed 0",
          False, """
import numpy as np
from coursekit.augment import default_pipeline


def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    images = np.asarray(images)
    n = len(images)
    labels = np.asarray(labels)
    if not isinstance(random_state, int):
        random_state = 0
    H, W = images.shape[1], images.shape[2]
    pipeline = default_pipeline(square=(H == W), colour=(images.ndim == 4))
    out = [images.copy()]
    for c in range(1, copies + 1):
        batch = [pipeline(images[i], random_state=np.random.default_rng([random_state, c, i]))
                 for i in range(n)]
        out.append(np.stack(batch).astype(images.dtype) if n else images[:0].copy())
    aug_images = np.concatenate(out)
    aug_labels = np.tile(labels, copies + 1)
    aug_groups = None if groups is None else np.tile(np.asarray(groups), copies + 1)
    return aug_images, aug_labels, aug_groups
"""),
    Entry("augment_dataset", "draws_2_31",
          "the int drawn from a Generator below 2**31 instead of 2**32",
          False, """
import numpy as np
from coursekit.augment import default_pipeline


def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    images = np.asarray(images)
    n = len(images)
    labels = np.asarray(labels)
    if random_state is None or isinstance(random_state, np.random.Generator):
        random_state = int(np.random.default_rng(random_state).integers(2**31))
    H, W = images.shape[1], images.shape[2]
    pipeline = default_pipeline(square=(H == W), colour=(images.ndim == 4))
    out = [images.copy()]
    for c in range(1, copies + 1):
        batch = [pipeline(images[i], random_state=np.random.default_rng([random_state, c, i]))
                 for i in range(n)]
        out.append(np.stack(batch).astype(images.dtype) if n else images[:0].copy())
    aug_images = np.concatenate(out)
    aug_labels = np.tile(labels, copies + 1)
    aug_groups = None if groups is None else np.tile(np.asarray(groups), copies + 1)
    return aug_images, aug_labels, aug_groups
"""),
    Entry("augment_dataset", "numpy_int_redrawn",
          "a numpy integer seed treated like a Generator (another int drawn)",
          False, """
import numpy as np
from coursekit.augment import default_pipeline


def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    images = np.asarray(images)
    n = len(images)
    labels = np.asarray(labels)
    if not isinstance(random_state, int):
        random_state = int(np.random.default_rng(random_state).integers(2**32))
    H, W = images.shape[1], images.shape[2]
    pipeline = default_pipeline(square=(H == W), colour=(images.ndim == 4))
    out = [images.copy()]
    for c in range(1, copies + 1):
        batch = [pipeline(images[i], random_state=np.random.default_rng([random_state, c, i]))
                 for i in range(n)]
        out.append(np.stack(batch).astype(images.dtype) if n else images[:0].copy())
    aug_images = np.concatenate(out)
    aug_labels = np.tile(labels, copies + 1)
    aug_groups = None if groups is None else np.tile(np.asarray(groups), copies + 1)
    return aug_images, aug_labels, aug_groups
"""),
    Entry("augment_dataset", "colour_from_last_axis",
          "colour told apart by a last axis of 3 (grey images 3 pixels wide count as colour)",
          False, """
import numpy as np
from coursekit.augment import default_pipeline


def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    images = np.asarray(images)
    n = len(images)
    labels = np.asarray(labels)
    if random_state is None or isinstance(random_state, np.random.Generator):
        random_state = int(np.random.default_rng(random_state).integers(2**32))
    H, W = images.shape[1], images.shape[2]
    pipeline = default_pipeline(square=(H == W), colour=(images.shape[-1] == 3))
    out = [images.copy()]
    for c in range(1, copies + 1):
        batch = [pipeline(images[i], random_state=np.random.default_rng([random_state, c, i]))
                 for i in range(n)]
        out.append(np.stack(batch).astype(images.dtype) if n else images[:0].copy())
    aug_images = np.concatenate(out)
    aug_labels = np.tile(labels, copies + 1)
    aug_groups = None if groups is None else np.tile(np.asarray(groups), copies + 1)
    return aug_images, aug_labels, aug_groups
"""),
    # -- correct -------------------------------------------------------------------------------
    Entry("augment_dataset", "preallocated", "output preallocated and filled row by row", True,
          """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    if random_state is None or isinstance(random_state, np.random.Generator):
        random_state = int(np.random.default_rng(random_state).integers(2**32))
    n = len(images)
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = np.empty((n * (copies + 1),) + images.shape[1:], dtype=images.dtype)
    out[:n] = images
    for c in range(1, copies + 1):
        for i in range(n):
            rng = np.random.default_rng([random_state, c, i])
            out[c * n + i] = pipeline(images[i], random_state=rng)
    labels = np.concatenate([np.asarray(labels)] * (copies + 1))
    if groups is not None:
        groups = np.concatenate([np.asarray(groups)] * (copies + 1))
    return out, labels, groups
"""),
    Entry("augment_dataset", "seed_sequence_helper", "module-level helper, SeedSequence, the "
          "import cell's augment module", True, """
def _one_copy(pipeline, image, random_state, c, i):
    seed = np.random.SeedSequence([random_state, c, i])
    return pipeline(image, random_state=np.random.default_rng(seed))

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    if not isinstance(random_state, (int, np.integer)):  # None or a Generator: draw one int
        random_state = int(np.random.default_rng(random_state).integers(2**32))
    h, w = images.shape[1:3]
    pipeline = augment.default_pipeline(square=(h == w), colour=(images.ndim == 4))
    rows = list(images)
    for c in range(1, copies + 1):
        rows += [_one_copy(pipeline, image, random_state, c, i) for i, image in enumerate(images)]
    repeat = lambda values: None if values is None else np.tile(np.asarray(values), copies + 1)
    return np.stack(rows), repeat(labels), repeat(groups)
"""),
    Entry("augment_dataset", "list_labels", "labels and groups repeated as lists (the docstring "
          "asks for arrays; the notebook calls .tolist() on them)", False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    square = images.shape[1] == images.shape[2]
    pipe = default_pipeline(square=square, colour=len(images.shape) == 4)
    result = [im for im in images]
    for copy in range(1, copies + 1):
        for index, im in enumerate(images):
            result.append(pipe(im, random_state=np.random.default_rng([random_state, copy, index])))
    aug_labels = list(labels) * (copies + 1)
    aug_groups = list(groups) * (copies + 1) if groups is not None else None
    return np.array(result), aug_labels, aug_groups
"""),
]

ENTRIES = SPLIT + AUGMENT

#: Issue 19: one wrong entry per new domain row (defaults, test sizes near 1, list labels) and
#: per misdiagnosed hint (originals augmented: the random_state check must not blame the seed).
DOMAIN_ROWS = [
    Entry("lesion_train_test_split", "default_test_size_03", "a default test_size other than "
          "the signature's", False, """
import numpy as np
from sklearn.model_selection import GroupShuffleSplit

def lesion_train_test_split(metadata, test_size=0.3, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    if not 0 < test_size < 1:
        raise ValueError("test_size must be between 0 and 1")
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train, test = next(splitter.split(metadata, groups=metadata["lesion_id"]))
    return np.sort(train), np.sort(test)
"""),
    Entry("lesion_train_test_split", "float_positions", "positions returned as float arrays "
          "(one slip: only the positions check)", False, """
import numpy as np
from sklearn.model_selection import GroupShuffleSplit

def lesion_train_test_split(metadata, test_size=0.2, random_state=0):
    if "lesion_id" not in metadata.columns:
        raise ValueError("metadata needs a lesion_id column")
    if not 0 < test_size < 1:
        raise ValueError("test_size must be between 0 and 1")
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=random_state)
    train, test = next(splitter.split(metadata, groups=metadata["lesion_id"]))
    return np.sort(train).astype(float), np.sort(test).astype(float)
"""),
    Entry("augment_dataset", "default_copies_2", "a default copies other than the signature's",
          False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=2, random_state=0):
    if not isinstance(random_state, (int, np.integer)):
        random_state = int(np.random.default_rng(random_state).integers(2**32))
    n = len(images)
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = [images[i] for i in range(n)]
    for c in range(1, copies + 1):
        for i in range(n):
            out.append(pipeline(images[i], random_state=np.random.default_rng(
                [int(random_state), c, i])))
    aug_groups = None if groups is None else np.tile(np.asarray(groups), copies + 1)
    return np.stack(out), np.tile(np.asarray(labels), copies + 1), aug_groups
"""),
    Entry("augment_dataset", "list_labels_repeated", "list labels repeated with * (a list, "
          "not an array)", False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    if not isinstance(random_state, (int, np.integer)):
        random_state = int(np.random.default_rng(random_state).integers(2**32))
    n = len(images)
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = [images[i] for i in range(n)]
    for c in range(1, copies + 1):
        for i in range(n):
            out.append(pipeline(images[i], random_state=np.random.default_rng(
                [int(random_state), c, i])))
    aug_labels = labels * (copies + 1) if isinstance(labels, list) else np.tile(labels,
                                                                                copies + 1)
    aug_groups = None if groups is None else np.tile(np.asarray(groups), copies + 1)
    return np.stack(out), aug_labels, aug_groups
"""),
    Entry("augment_dataset", "originals_augmented", "the originals augmented too (the seed "
          "checks must not be blamed)", False, """
import numpy as np
from coursekit.augment import default_pipeline

def augment_dataset(images, labels, groups=None, copies=1, random_state=0):
    if not isinstance(random_state, (int, np.integer)):
        random_state = int(np.random.default_rng(random_state).integers(2**32))
    n = len(images)
    pipeline = default_pipeline(square=images.shape[1] == images.shape[2],
                                colour=images.ndim == 4)
    out = [pipeline(images[i], random_state=np.random.default_rng([int(random_state), 0, i]))
           for i in range(n)]
    for c in range(1, copies + 1):
        for i in range(n):
            out.append(pipeline(images[i], random_state=np.random.default_rng(
                [int(random_state), c, i])))
    aug_groups = None if groups is None else np.tile(np.asarray(groups), copies + 1)
    return np.stack(out), np.tile(np.asarray(labels), copies + 1), aug_groups
"""),
]

ENTRIES = ENTRIES + DOMAIN_ROWS
