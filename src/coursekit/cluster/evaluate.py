"""Comparing a clustering with known classes: contingency table, purity, ARI, AMI, NMI, chance.

The scores and their chance levels (what clusters drawn at random, with the same cluster
sizes, score on average):

========  ==========================  ============================================
score     range                       chance level
========  ==========================  ============================================
ARI       [-0.5, 1]                   0 (adjusted for chance)
AMI       at most 1, can be below 0   0 (adjusted for chance)
NMI       [0, 1]                      above 0: ``evaluate_clustering(...)["nmi_chance"]``
purity    (0, 1]                      at least the share of the largest class
========  ==========================  ============================================

:func:`random_baseline` measures every chance level, with its spread, by shuffling.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.special import gammaln
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    normalized_mutual_info_score,
)

from coursekit._validation import check_integer, check_random_state

__all__ = [
    "contingency_table",
    "purity",
    "evaluate_clustering",
    "match_labels",
    "random_baseline",
    "SCORES",
    "BASELINE_COLUMNS",
]

#: The agreement scores of :func:`evaluate_clustering` and :func:`random_baseline`, in order.
SCORES = ("ari", "ami", "nmi", "purity")

#: Columns of ``random_baseline(...)["summary"]``: the mean over the shuffles and three
#: percentiles (numpy's default linear interpolation between shuffles).
BASELINE_COLUMNS = ("mean", "p2.5", "p95", "p97.5")
_PERCENTILES = (2.5, 95.0, 97.5)


def contingency_table(labels_true, labels_pred):
    """Count how many samples of each true class fall in each cluster.

    Parameters
    ----------
    labels_true : (n,) array_like
        Known class of each sample (strings or numbers, no missing values).
    labels_pred : (n,) array_like
        Cluster of each sample (strings or numbers; -1 for DBSCAN noise is a cluster here).

    Returns
    -------
    pandas.DataFrame
        Integer counts; rows are the classes (index named ``"class"``), columns the
        clusters (named ``"cluster"``), both in sorted order. Rows sum to the class sizes,
        columns to the cluster sizes.

    Examples
    --------
    >>> table = contingency_table(["mel", "mel", "nv", "nv"], [0, 1, 1, 1])
    >>> table  # doctest: +NORMALIZE_WHITESPACE
    cluster  0  1
    class
    mel      1  1
    nv       0  2
    """
    true, pred = _check_pair_of_labellings(labels_true, labels_pred)
    return _table(true, pred)


def purity(labels_true, labels_pred):
    """Share of samples that belong to the majority class of their cluster.

    Parameters
    ----------
    labels_true : (n,) array_like
        Known class of each sample (strings or numbers, no missing values): a list, tuple,
        numpy array or pandas Series; samples are paired by position, never by a Series'
        index.
    labels_pred : (n,) array_like
        Cluster of each sample (strings or numbers); the same length as ``labels_true``.
        Every name is a cluster, -1 (DBSCAN's noise) too.

    Returns
    -------
    float
        ``sum over clusters of (size of the cluster's largest class) / n``, in (0, 1]; 1
        when every cluster holds one class only. Renaming the clusters does not change it.
        It rewards many small clusters (n clusters of one sample each have purity 1), so
        read it beside ARI or AMI (:func:`evaluate_clustering`).

    Raises
    ------
    ValueError
        If the two labellings differ in length (the message gives both lengths), are
        empty, not one-dimensional, or contain missing values.

    Examples
    --------
    >>> purity(["mel", "mel", "nv", "nv", "nv"], [0, 0, 0, 1, 1])   # (2 + 2) / 5
    0.8
    """
    true, pred = _check_pair_of_labellings(labels_true, labels_pred)
    counts = _table(true, pred).to_numpy()
    return float(counts.max(axis=0).sum() / true.size)


def evaluate_clustering(labels_true, labels_pred):
    """Agreement of a clustering with known classes, by several measures at once.

    Parameters
    ----------
    labels_true : (n,) array_like
        Known class of each sample (strings or numbers, no missing values).
    labels_pred : (n,) array_like
        Cluster of each sample (strings or numbers); the same length as ``labels_true``.

    Returns
    -------
    dict
        Floats unless stated:

        ``"ari"``
            Adjusted Rand index (:func:`sklearn.metrics.adjusted_rand_score`): the Rand
            index (the fraction of pairs of samples on which the two labellings agree)
            rescaled so that chance scores 0 and identical partitions 1. It is not itself a
            share of anything: 0.2 does not mean "20 % of images in the right cluster".
            Range [-0.5, 1]; 1 for identical partitions; **0 for chance** (the expected
            value for random clusters of these sizes is exactly 0); below 0 means less
            agreement than chance.
        ``"ami"``
            Adjusted mutual information
            (:func:`sklearn.metrics.adjusted_mutual_info_score`, arithmetic mean):
            ``(nmi - nmi_chance) / (1 - nmi_chance)``, the information the clusters share
            with the classes, adjusted for chance. At most 1 (identical partitions);
            **0 for chance**; slightly below 0 when worse than chance.
        ``"nmi"``
            Normalised mutual information
            (:func:`sklearn.metrics.normalized_mutual_info_score`, arithmetic mean).
            Range [0, 1]; 1 for identical partitions. **Not adjusted for chance**: random
            clusters score above 0, the more so the more clusters and the fewer samples.
            Read it beside ``"nmi_chance"``, or read ``"ami"`` instead.
        ``"nmi_chance"``
            The chance level of NMI: its expected value over all random clusterings with
            the same cluster sizes (the permutation model of Vinh, Epps and Bailey, 2010,
            computed exactly, not by sampling). In [0, 1]; 0 when either labelling has a
            single group; 1.0 when both have one (scikit-learn calls that a perfect match).
        ``"purity"``
            :func:`purity`, in (0, 1]. Not adjusted for chance: its chance level is at
            least the share of the largest class (measure it with :func:`random_baseline`)
            and it reaches 1 with one cluster per sample.
        ``"n_clusters"`` : int
            Number of distinct clusters, not counting the noise label -1.
        ``"n_noise"`` : int
            Number of samples labelled -1 (DBSCAN noise), 0 otherwise.
        ``"contingency"`` : pandas.DataFrame
            :func:`contingency_table`.

    See Also
    --------
    random_baseline : every score of random clusterings, with percentiles.

    Notes
    -----
    All the scores ignore the cluster names, and treat noise (-1) as one more cluster,
    as scikit-learn does.

    Examples
    --------
    >>> result = evaluate_clustering(["a", "a", "b", "b"], [1, 1, 0, 0])
    >>> result["ari"], result["ami"], result["nmi"], result["purity"], result["n_clusters"]
    (1.0, 1.0, 1.0, 1.0, 2)

    Random labels: ARI and AMI are near 0, NMI is near its chance level, not near 0.

    >>> rng = np.random.default_rng(0)
    >>> true, pred = rng.integers(0, 4, 60), rng.integers(0, 6, 60)
    >>> result = evaluate_clustering(true, pred)
    >>> print(", ".join(f"{key} {result[key]:.3f}" for key in ("ari", "ami", "nmi", "nmi_chance")))
    ari -0.002, ami 0.021, nmi 0.113, nmi_chance 0.093
    """
    true, pred = _check_pair_of_labellings(labels_true, labels_pred)
    table = _table(true, pred)
    counts = table.to_numpy()
    true_codes = pd.factorize(true)[0]
    pred_codes = pd.factorize(pred)[0]
    noise = [_is_noise(cluster) for cluster in table.columns]
    return {
        "ari": float(adjusted_rand_score(true_codes, pred_codes)),
        "ami": float(adjusted_mutual_info_score(true_codes, pred_codes)),
        "nmi": float(normalized_mutual_info_score(true_codes, pred_codes)),
        "nmi_chance": _expected_nmi(counts),
        "purity": float(counts.max(axis=0).sum() / true.size),
        "n_clusters": int(len(noise) - sum(noise)),
        "n_noise": int(counts[:, noise].sum()),
        "contingency": table,
    }


def match_labels(labels_true, labels_pred):
    """Name each cluster after the class it matches best (Hungarian matching).

    Parameters
    ----------
    labels_true : (n,) array_like
        Known class of each sample (strings or numbers, no missing values).
    labels_pred : (n,) array_like
        Cluster of each sample; the same length as ``labels_true``.

    Returns
    -------
    dict
        ``{cluster: class}`` for every cluster in ``labels_pred``. Clusters and classes are
        first paired one to one so that the number of samples on the matched pairs is as
        large as possible (:func:`scipy.optimize.linear_sum_assignment` on the contingency
        table); clusters left over when there are more clusters than classes get their
        majority class (ties: the first class in sorted order). With fewer clusters than
        classes, some classes are named by no cluster.

    Examples
    --------
    Relabel a prediction to read it as class names:

    >>> true = ["mel", "mel", "nv", "nv", "nv"]
    >>> pred = [1, 1, 0, 0, 2]
    >>> mapping = match_labels(true, pred)
    >>> mapping
    {0: 'nv', 1: 'mel', 2: 'nv'}
    >>> [mapping[cluster] for cluster in pred]
    ['mel', 'mel', 'nv', 'nv', 'nv']
    """
    true, pred = _check_pair_of_labellings(labels_true, labels_pred)
    table = _table(true, pred)
    counts = table.to_numpy()
    classes, clusters = list(table.index), list(table.columns)
    mapping = {cluster: classes[int(np.argmax(counts[:, j]))] for j, cluster in enumerate(clusters)}
    rows, cols = linear_sum_assignment(counts, maximize=True)
    for row, col in zip(rows, cols, strict=True):
        mapping[clusters[col]] = classes[row]
    return {cluster: mapping[cluster] for cluster in clusters}


def random_baseline(labels_true, k, n_repeats=100, random_state=0):
    """Scores of random clusterings: what a clustering must beat to mean anything.

    Each repeat shuffles cluster labels at random, independently of the classes, and
    scores the shuffle with :func:`evaluate_clustering`'s measures. The mean is the chance
    level; the percentiles show how far chance alone can go.

    Parameters
    ----------
    labels_true : (n,) array_like
        Known class of each sample (strings or numbers, no missing values).
    k : int or (n,) array_like
        An int: random clusterings into ``k`` clusters of (nearly) equal size, 1 .. n.
        A labelling: random shuffles of it, so the random clusters have exactly its cluster
        sizes (a permutation test of that clustering).
    n_repeats : int, optional
        Number of random clusterings (>= 1). The outer percentiles need many: with 100
        repeats the 2.5th and 97.5th rest on the two or three most extreme shuffles, with
        1000 on about 25 (shuffles are cheap: one contingency table each).
    random_state : None, int or numpy.random.Generator, optional
        Seeds the shuffles; the same value gives the same results.

    Returns
    -------
    dict
        ``"ari"``, ``"ami"``, ``"nmi"``, ``"purity"`` : float
            The mean score over the random clusterings (the chance level; the measures,
            their ranges and their chance levels as in :func:`evaluate_clustering`).
            Chance ARI and AMI are about 0, but chance NMI and purity are well above 0:
            purity is at least the share of the largest class.
        ``"summary"`` : pandas.DataFrame
            One row per measure (index ``"ari"``, ``"ami"``, ``"nmi"``, ``"purity"``,
            named ``"score"``) and the columns :data:`BASELINE_COLUMNS`:
            ``"mean"`` (as above), ``"p2.5"`` and ``"p97.5"`` (the 2.5th and 97.5th
            percentiles: the middle 95 % of random clusterings score in between) and
            ``"p95"`` (the 95th percentile: a clustering that scores above it beats chance
            at the 5 % level, in a one-sided permutation test).
            ``p2.5 <= p95 <= p97.5`` always; the mean lies in the band unless the scores
            of the shuffles are very skewed.
        ``"scores"`` : pandas.DataFrame
            One row per random clustering, one float column per measure, in the order of
            :data:`SCORES`; other percentiles with e.g. ``result["scores"].quantile(0.99)``.
        ``"n_repeats"`` : int
            Number of random clusterings.

    See Also
    --------
    evaluate_clustering : the scores of the clustering itself.

    Examples
    --------
    >>> true = ["mel"] * 20 + ["nv"] * 80
    >>> baseline = random_baseline(true, k=2, n_repeats=20)
    >>> round(baseline["purity"], 1), bool(abs(baseline["ari"]) < 0.05)
    (0.8, True)

    Four classes of 30, four random clusters of 30: chance NMI is not 0, and an ARI has
    to pass about 0.02 to beat chance at the 5 % level.

    >>> true = np.repeat(["akiec", "bcc", "mel", "nv"], 30)
    >>> random_baseline(true, k=4)["summary"].round(3)  # doctest: +NORMALIZE_WHITESPACE
             mean   p2.5    p95  p97.5
    score
    ari     0.000 -0.019  0.020  0.022
    ami     0.000 -0.021  0.022  0.025
    nmi     0.028  0.008  0.050  0.052
    purity  0.334  0.287  0.367  0.375
    """
    true = _as_labelling(labels_true, "labels_true")
    if true.size == 0:
        raise ValueError("labels_true is empty; need at least one sample.")
    n_repeats = check_integer(n_repeats, "n_repeats", minimum=1)
    if isinstance(k, numbers.Integral) and not isinstance(k, bool):
        k = check_integer(k, "k", maximum=true.size, minimum=1)
        clusters = np.arange(true.size) % k
    elif isinstance(k, (bool, str, numbers.Number)):
        raise TypeError(f"k must be an int or a labelling of the samples; got {k!r}.")
    else:
        true, clusters = _check_pair_of_labellings(true, k, pred_name="k")
    clusters = pd.factorize(clusters)[0]
    scorer = _FixedMargins(pd.factorize(true)[0], clusters)
    rng = check_random_state(random_state)
    rows = [scorer.scores(rng.permutation(clusters)) for _ in range(n_repeats)]
    scores = pd.DataFrame(rows, columns=list(SCORES), dtype=np.float64)
    values = scores.to_numpy()
    summary = pd.DataFrame(
        np.column_stack([values.mean(axis=0), np.percentile(values, _PERCENTILES, axis=0).T]),
        index=pd.Index(list(SCORES), name="score"),
        columns=list(BASELINE_COLUMNS),
    )
    return {
        **{name: float(summary.at[name, "mean"]) for name in SCORES},
        "summary": summary,
        "scores": scores,
        "n_repeats": n_repeats,
    }


class _FixedMargins:
    """ARI, AMI, NMI and purity of many labellings with the same class and cluster sizes.

    Shuffles keep both sets of sizes, so the entropies and the expected mutual information
    are computed once; each shuffle then costs one contingency table. The formulas follow
    scikit-learn's (``adjusted_rand_score``, ``mutual_info_score``,
    ``normalized_mutual_info_score`` and ``adjusted_mutual_info_score``, arithmetic mean),
    special cases included, and agree with them to rounding error.
    """

    def __init__(self, true_codes: np.ndarray, cluster_codes: np.ndarray):
        self.true = true_codes
        self.rows = np.bincount(true_codes)
        self.cols = np.bincount(cluster_codes)
        self.n = int(true_codes.size)
        self.single = (self.rows.size == 1) + (self.cols.size == 1)  # 0, 1 or 2 sides
        self.normaliser = (_entropy(self.rows) + _entropy(self.cols)) / 2
        self.emi = (
            _expected_mutual_information(self.rows, self.cols, self.n) if not self.single else 0.0
        )
        self.rows_squared = sum(int(a) ** 2 for a in self.rows)
        self.cols_squared = sum(int(b) ** 2 for b in self.cols)

    def scores(self, cluster_codes: np.ndarray) -> tuple[float, float, float, float]:
        """``(ari, ami, nmi, purity)`` of one labelling with the sizes given at creation."""
        n_rows, n_cols = self.rows.size, self.cols.size
        counts = np.bincount(
            self.true * n_cols + cluster_codes, minlength=n_rows * n_cols
        ).reshape(n_rows, n_cols)
        purity_ = float(counts.max(axis=0).sum() / self.n)
        # ARI from the pair confusion matrix, in Python ints as scikit-learn does.
        sum_squares = int((counts.astype(np.int64) ** 2).sum())
        tp = sum_squares - self.n
        fp = self.cols_squared - sum_squares
        fn = self.rows_squared - sum_squares
        tn = self.n**2 - fp - fn - sum_squares
        if fn == 0 and fp == 0:
            ari = 1.0
        else:
            ari = 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
        if self.single == 2:  # one class and one cluster: a perfect match by convention
            return ari, 1.0, 1.0, purity_
        if self.single == 1:  # one side is one group: no information shared
            return ari, 0.0, 0.0, purity_
        mi = self._mutual_information(counts)
        nmi = 0.0 if mi == 0 else mi / self.normaliser
        eps = np.finfo(np.float64).eps
        numerator, denominator = mi - self.emi, self.normaliser - self.emi
        numerator = min(numerator, -eps) if numerator < 0 else max(numerator, eps)
        denominator = min(denominator, -eps) if denominator < 0 else max(denominator, eps)
        return ari, float(numerator / denominator), float(nmi), purity_

    def _mutual_information(self, counts: np.ndarray) -> float:
        rows, cols = np.nonzero(counts)
        values = counts[rows, cols]
        share = values / self.n
        log_outer = (
            -np.log(self.rows[rows].astype(np.int64) * self.cols[cols].astype(np.int64))
            + 2 * np.log(self.n)
        )
        terms = share * (np.log(values) - np.log(self.n)) + share * log_outer
        terms = np.where(np.abs(terms) < np.finfo(np.float64).eps, 0.0, terms)
        return float(max(terms.sum(), 0.0))


def _expected_nmi(counts: np.ndarray) -> float:
    """Expected NMI of random clusterings with the row and column sums of ``counts``."""
    rows, cols = counts.sum(axis=1), counts.sum(axis=0)
    rows, cols = rows[rows > 0], cols[cols > 0]
    if rows.size == cols.size == 1:
        return 1.0  # both labellings are one group: scikit-learn's NMI is 1
    if rows.size == 1 or cols.size == 1:
        return 0.0  # one side is one group: the mutual information is always 0
    n = int(rows.sum())
    normaliser = (_entropy(rows) + _entropy(cols)) / 2
    return float(min(_expected_mutual_information(rows, cols, n) / normaliser, 1.0))


def _entropy(sizes: np.ndarray) -> float:
    """Entropy (nats) of a labelling with these group sizes, as scikit-learn computes it."""
    sizes = sizes[sizes > 0].astype(np.float64)
    if sizes.size <= 1:
        return 0.0
    total = sizes.sum()
    return float(-np.sum((sizes / total) * (np.log(sizes) - np.log(total))))


def _expected_mutual_information(rows: np.ndarray, cols: np.ndarray, n: int) -> float:
    """E[MI] (nats) over random tables with these margins (Vinh, Epps and Bailey 2010, eq. 24a).

    Cell (i, j) holds ``nij`` samples with the hypergeometric probability of drawing ``nij``
    of class i among the ``cols[j]`` samples of cluster j.
    """
    total = 0.0
    for a in rows.astype(np.float64):
        for b in cols.astype(np.float64):
            nij = np.arange(max(1.0, a + b - n), min(a, b) + 1.0)
            if nij.size == 0:
                continue
            log_p = (
                gammaln(a + 1) + gammaln(b + 1) + gammaln(n - a + 1) + gammaln(n - b + 1)
                - gammaln(n + 1) - gammaln(nij + 1) - gammaln(a - nij + 1)
                - gammaln(b - nij + 1) - gammaln(n - a - b + nij + 1)
            )
            total += float(np.sum(nij / n * np.log(n * nij / (a * b)) * np.exp(log_p)))
    return total


def _as_labelling(labels, name: str) -> np.ndarray:
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(f"{name} has shape {array.shape}; expected one label per sample (n,).")
    missing = pd.isna(array)
    if missing.any():
        raise ValueError(
            f"{name} has {int(missing.sum())} missing label(s) (NaN or None), the first at "
            f"position {int(np.argmax(missing))}."
        )
    return array


def _check_pair_of_labellings(labels_true, labels_pred, pred_name: str = "labels_pred"):
    true = _as_labelling(labels_true, "labels_true")
    pred = _as_labelling(labels_pred, pred_name)
    if true.size != pred.size:
        raise ValueError(
            f"labels_true has {true.size} labels but {pred_name} has {pred.size}; "
            "give one class and one cluster per sample."
        )
    if true.size == 0:
        raise ValueError(f"labels_true and {pred_name} are empty; need at least one sample.")
    return true, pred


def _table(true: np.ndarray, pred: np.ndarray) -> pd.DataFrame:
    true_codes, classes = _factorize_sorted(true)
    pred_codes, clusters = _factorize_sorted(pred)
    counts = np.zeros((len(classes), len(clusters)), dtype=np.int64)
    np.add.at(counts, (true_codes, pred_codes), 1)
    return pd.DataFrame(
        counts,
        index=pd.Index(classes, name="class"),
        columns=pd.Index(clusters, name="cluster"),
    )


def _factorize_sorted(labels: np.ndarray):
    try:
        codes, uniques = pd.factorize(labels, sort=True)
    except TypeError:  # mixed types that do not sort: keep the order of appearance
        codes, uniques = pd.factorize(labels, sort=False)
    return codes, list(np.asarray(uniques).tolist())


def _is_noise(cluster) -> bool:
    return isinstance(cluster, numbers.Integral) and not isinstance(cluster, bool) and cluster == -1
