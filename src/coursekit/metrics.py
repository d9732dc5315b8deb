"""Scores of a classifier's predictions, one class at a time: sensitivity and its chance level.

Balanced accuracy averages the sensitivity (recall) of every class, so a missed melanoma
counts no more than a missed naevus. Clinically they differ: report the sensitivity for
melanoma beside it, with its count and its 95 % interval, e.g. "8 of 13 melanomas found
(0.62, 95 % interval 0.36 to 0.82)": with a dozen melanomas a sensitivity is uncertain by
about +-0.25, so compare the interval, not the point, with the chance level.

A classifier predicts *classes*; to score clusters this way, name each cluster first with
:func:`coursekit.cluster.match_labels`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.stats import norm, t

from coursekit.cluster.evaluate import _check_pair_of_labellings, contingency_table

__all__ = [
    "PairedDifference",
    "Sensitivity",
    "paired_difference",
    "sensitivity",
    "sensitivity_table",
    "wilson_interval",
]


def wilson_interval(found, total, confidence=0.95):
    """Wilson score interval of a proportion ``found / total`` (e.g. a sensitivity).

    Parameters
    ----------
    found : int
        Successes (e.g. melanomas found), ``0 <= found <= total``.
    total : int
        Trials (e.g. melanomas in the test set), >= 1.
    confidence : float, optional
        Coverage of the interval, in (0, 1).

    Returns
    -------
    tuple of float
        ``(low, high)`` in [0, 1]. Unlike ``p +- 1.96 * sqrt(p (1 - p) / n)`` it never
        leaves [0, 1] and keeps its coverage for small ``total`` and for ``p`` near 0 or 1
        (Wilson, *J. Am. Stat. Assoc.* 22:209-212, 1927; Brown, Cai & DasGupta, *Stat.
        Sci.* 16:101-133, 2001). It assumes independent trials: count each lesion once.

    Raises
    ------
    ValueError
        If the counts are not whole numbers with ``0 <= found <= total`` and ``total >= 1``.

    Examples
    --------
    >>> low, high = wilson_interval(10, 20)
    >>> f"{low:.2f} to {high:.2f}"
    '0.30 to 0.70'
    """
    if (isinstance(found, bool) or isinstance(total, bool) or int(found) != found
            or int(total) != total or not 0 <= found <= total or total < 1):  # fmt: skip
        raise ValueError(f"wilson_interval needs whole numbers 0 <= found <= total, total >= 1; "
                         f"got found={found!r}, total={total!r}.")  # fmt: skip
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1; got {confidence!r}.")
    z = float(norm.ppf(0.5 + confidence / 2))
    p, n = found / total, total
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # Exactly 0 (1) when nothing (everything) was found; rounding would leave 1e-17 off.
    low = 0.0 if found == 0 else max(0.0, centre - half)
    high = 1.0 if found == total else min(1.0, centre + half)
    return low, high


class Sensitivity(NamedTuple):
    """Sensitivity for one class; ``str()`` reads "mel: sensitivity 0.62 (8 of 13 found, 95 %
    interval 0.36 to 0.82; chance level 0.31)".

    Attributes
    ----------
    positive : str or int
        The class scored.
    sensitivity : float
        ``found / total``, in [0, 1]: the share of the samples of that class that were
        predicted as that class (its recall, or true-positive rate).
    found : int
        Samples of the class predicted as the class (true positives).
    total : int
        Samples of the class (>= 1).
    chance : float
        Expected sensitivity if the same predictions were handed out at random: the share
        of all samples predicted as the class, in [0, 1] (see :func:`sensitivity_table`).
    low, high : float
        The 95 % Wilson interval of the sensitivity (:func:`wilson_interval`). A chance
        level inside it means the sensitivity is not distinguishable from chance.
    """

    positive: object
    sensitivity: float
    found: int
    total: int
    chance: float
    low: float
    high: float

    def __str__(self) -> str:
        return (
            f"{self.positive}: sensitivity {self.sensitivity:.2f} ({self.found} of {self.total} "
            f"found, 95 % interval {self.low:.2f} to {self.high:.2f}; chance level "
            f"{self.chance:.2f})"
        )


def sensitivity_table(labels_true, labels_pred):
    """Sensitivity (recall) of every class, with counts and the chance level.

    Parameters
    ----------
    labels_true : (n,) array_like
        Known class of each sample (strings or numbers, no missing values).
    labels_pred : (n,) array_like
        Predicted class of each sample, named like ``labels_true``; the same length.

    Returns
    -------
    pandas.DataFrame
        One row per class of ``labels_true`` (index named ``"class"``, sorted), columns:

        ``"sensitivity"`` : float
            ``found / total`` in [0, 1]; the mean of this column is the balanced accuracy
            (:func:`sklearn.metrics.balanced_accuracy_score`).
        ``"found"`` : int
            Samples of the class predicted as the class (true positives).
        ``"total"`` : int
            Samples of the class.
        ``"predicted"`` : int
            Samples of any class predicted as the class (true and false positives).
        ``"chance"`` : float
            ``predicted / n``, the chance level: the expected sensitivity if these same
            predictions were shuffled among the samples at random. A classifier that calls
            everything melanoma has sensitivity 1 *and* chance level 1, so read the two
            together. (A guesser that picks each class with its frequency in the data has
            sensitivity equal to that frequency, and balanced accuracy 1 / number of classes.)

    Raises
    ------
    ValueError
        If the labellings differ in length, are empty, not one-dimensional, or contain
        missing values.

    Examples
    --------
    >>> true = ["mel"] * 4 + ["nv"] * 6
    >>> pred = ["mel", "mel", "mel", "nv", "nv", "nv", "nv", "nv", "mel", "mel"]
    >>> sensitivity_table(true, pred)  # doctest: +NORMALIZE_WHITESPACE
           sensitivity  found  total  predicted  chance
    class
    mel       0.750000      3      4          5     0.5
    nv        0.666667      4      6          5     0.5
    """
    true, pred = _check_pair_of_labellings(labels_true, labels_pred)
    table = contingency_table(true, pred)
    predicted = table.sum(axis=0)
    found = pd.Series(
        [int(table.at[c, c]) if c in table.columns else 0 for c in table.index],
        index=table.index,
    )
    total = table.sum(axis=1)
    n_predicted = pd.Series(
        [int(predicted[c]) if c in predicted.index else 0 for c in table.index],
        index=table.index,
    )
    return pd.DataFrame(
        {
            "sensitivity": found / total,
            "found": found.astype(int),
            "total": total.astype(int),
            "predicted": n_predicted.astype(int),
            "chance": n_predicted / true.size,
        }
    )


def sensitivity(labels_true, labels_pred, positive="mel", groups=None):
    """Sensitivity for one class, e.g. the share of melanomas predicted as melanoma.

    Parameters
    ----------
    labels_true : (n,) array_like
        Known class of each sample (strings or numbers, no missing values).
    labels_pred : (n,) array_like
        Predicted class of each sample, named like ``labels_true``; the same length.
    positive : str or int, optional
        The class to score; it must occur in ``labels_true``.
    groups : (n,) array_like, optional
        A group per sample, e.g. the lesion of each image. Then each group counts once: a
        group of class ``positive`` is *found* when at least half of its samples were
        predicted as ``positive``, and ``chance`` is the share of groups called
        ``positive`` that way. Several images of one lesion are not independent evidence,
        so count lesions for the interval.

    Returns
    -------
    Sensitivity
        A named tuple ``(positive, sensitivity, found, total, chance, low, high)``: ``found`` of the
        ``total`` samples of the class were predicted as it, ``sensitivity = found / total``
        in [0, 1], and ``chance`` is the sensitivity expected from handing out the same
        predictions at random (the share of all samples predicted as ``positive``; see
        :func:`sensitivity_table`); ``(low, high)`` is its 95 % Wilson interval.

    Raises
    ------
    ValueError
        If ``positive`` does not occur in ``labels_true`` (the message lists the classes),
        or for labellings that :func:`sensitivity_table` refuses.

    Examples
    --------
    >>> true = ["mel"] * 4 + ["nv"] * 6
    >>> pred = ["mel", "mel", "mel", "nv", "nv", "nv", "nv", "nv", "mel", "mel"]
    >>> result = sensitivity(true, pred, positive="mel")
    >>> print(result)
    mel: sensitivity 0.75 (3 of 4 found, 95 % interval 0.30 to 0.95; chance level 0.50)
    >>> f"{result.found} of {result.total} melanomas found"
    '3 of 4 melanomas found'
    """
    if groups is not None:
        return _sensitivity_by_group(labels_true, labels_pred, positive, groups)
    table = sensitivity_table(labels_true, labels_pred)
    if positive not in table.index:
        raise ValueError(
            f"positive={positive!r} does not occur in labels_true; its classes are "
            f"{list(table.index)}."
        )
    row = table.loc[positive]
    low, high = wilson_interval(int(row["found"]), int(row["total"]))
    return Sensitivity(
        positive=positive,
        sensitivity=float(row["sensitivity"]),
        found=int(row["found"]),
        total=int(row["total"]),
        chance=float(row["chance"]),
        low=low,
        high=high,
    )


class PairedDifference(NamedTuple):
    """Mean paired difference of two settings over repeats, with its interval.

    Attributes
    ----------
    mean : float
        Mean of ``a - b`` over the repeats.
    low, high : float
        Its confidence interval (see :func:`paired_difference`).
    wins : int
        Repeats in which ``a`` scored higher than ``b``.
    n : int
        Repeats.
    """

    mean: float
    low: float
    high: float
    wins: int
    n: int

    def __str__(self) -> str:
        return (f"{self.mean:+.3f} (interval {self.low:+.3f} to {self.high:+.3f}; better in "
                f"{self.wins} of {self.n})")  # fmt: skip


def paired_difference(a, b, test_train_ratio=None, confidence=0.95):
    """The gain of setting ``a`` over setting ``b``, paired repeat by repeat, with an interval.

    Both settings were scored on the same repeats (the same splits and test sets), so the
    question is whether their *difference* is reliably away from 0 -- not whether it is
    larger than the spread of either score, which also holds what the two share (how hard
    each repeat's test set was).

    Parameters
    ----------
    a, b : (n,) array_like of float
        Score of each setting in each repeat, in the same order (``n >= 2``).
    test_train_ratio : float, optional
        ``n_test / n_train`` of the repeated random splits. Repeats that re-split the same
        images overlap, so their differences are correlated and the plain t interval is too
        narrow; with this ratio the interval uses the corrected resampled t-test of Nadeau &
        Bengio (*Machine Learning* 52:239-281, 2003): variance ``(1 / n + ratio) * s**2``
        instead of ``s**2 / n``. ``None``: the plain paired t interval (independent repeats).
    confidence : float, optional
        Coverage, in (0, 1). For ``m`` comparisons read together, use ``1 - 0.05 / m``
        (Bonferroni), so that all ``m`` intervals hold together with 95 % confidence.

    Returns
    -------
    PairedDifference
        ``(mean, low, high, wins, n)``.

    Raises
    ------
    ValueError
        If ``a`` and ``b`` differ in length, have fewer than 2 repeats or missing values.

    Examples
    --------
    >>> with_copies = [0.52, 0.55, 0.49, 0.58, 0.51]
    >>> without = [0.50, 0.52, 0.50, 0.55, 0.49]
    >>> print(paired_difference(with_copies, without))
    +0.018 (interval -0.002 to +0.038; better in 4 of 5)
    >>> print(paired_difference(with_copies, without, test_train_ratio=0.43))
    +0.018 (interval -0.018 to +0.054; better in 4 of 5)
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1 or a.size < 2:
        raise ValueError(f"a and b must be two 1-D arrays of the same length >= 2 (one score per "
                         f"repeat); got shapes {a.shape} and {b.shape}.")  # fmt: skip
    if np.isnan(a).any() or np.isnan(b).any():
        raise ValueError("a and b must not contain NaN: every repeat needs both scores.")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1; got {confidence!r}.")
    difference = a - b
    n = difference.size
    variance = difference.var(ddof=1)
    if test_train_ratio is None:
        variance = variance / n
    else:
        if test_train_ratio <= 0:
            raise ValueError(f"test_train_ratio must be > 0; got {test_train_ratio!r}.")
        variance = variance * (1 / n + test_train_ratio)
    half = float(t.ppf(0.5 + confidence / 2, df=n - 1) * np.sqrt(variance))
    mean = float(difference.mean())
    return PairedDifference(mean, mean - half, mean + half, int((difference > 0).sum()), n)


def _sensitivity_by_group(labels_true, labels_pred, positive, groups):
    true, pred = _check_pair_of_labellings(labels_true, labels_pred)
    groups = np.asarray(groups)
    if groups.shape != true.shape:
        raise ValueError(f"groups has {groups.size} entries but labels_true has {true.size}; "
                         "give one group per sample.")  # fmt: skip
    frame = pd.DataFrame({"group": groups, "true": true, "called": pred == positive})
    per_group = frame.groupby("group", sort=False).agg(
        n_classes=("true", "nunique"), true=("true", "first"), called=("called", "mean"))
    mixed = per_group.index[per_group["n_classes"] > 1]
    if len(mixed):
        raise ValueError(f"group {mixed[0]!r} holds samples of several classes; a group (a "
                         "lesion) must have one label.")  # fmt: skip
    if positive not in set(per_group["true"]):
        raise ValueError(f"positive={positive!r} does not occur in labels_true; its classes are "
                         f"{sorted(set(per_group['true']))}.")  # fmt: skip
    called = per_group["called"] >= 0.5
    is_positive = per_group["true"] == positive
    found, total = int((called & is_positive).sum()), int(is_positive.sum())
    low, high = wilson_interval(found, total)
    return Sensitivity(positive=positive, sensitivity=found / total, found=found, total=total,
                       chance=float(called.mean()), low=low, high=high)  # fmt: skip
