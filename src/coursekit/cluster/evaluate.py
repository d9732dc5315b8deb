"""Comparing a clustering with known classes: contingency table, purity, ARI, NMI, baselines."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from coursekit._validation import check_random_state
from coursekit.features._checks import check_int

__all__ = [
    "contingency_table",
    "purity",
    "evaluate_clustering",
    "match_labels",
    "random_baseline",
]


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
        Known class of each sample (strings or numbers, no missing values).
    labels_pred : (n,) array_like
        Cluster of each sample (strings or numbers); the same length as ``labels_true``.

    Returns
    -------
    float
        ``sum over clusters of (size of the cluster's largest class) / n``, in (0, 1]; 1
        when every cluster holds one class only. Renaming the clusters does not change it.
        It rewards many small clusters (n clusters of one sample each have purity 1), so
        read it beside ARI or NMI (:func:`evaluate_clustering`).

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
        ``"ari"``: adjusted Rand index (:func:`sklearn.metrics.adjusted_rand_score`),
        1 for identical partitions, about 0 for random ones (it can be negative);
        ``"nmi"``: normalised mutual information
        (:func:`sklearn.metrics.normalized_mutual_info_score`, arithmetic mean), in [0, 1];
        ``"purity"``: :func:`purity`, in (0, 1];
        ``"n_clusters"``: number of distinct clusters, not counting the noise label -1;
        ``"n_noise"``: number of samples labelled -1 (DBSCAN noise), 0 otherwise;
        ``"contingency"``: :func:`contingency_table`.

    Notes
    -----
    All three scores ignore the cluster names, and treat noise (-1) as one more cluster,
    as scikit-learn does.

    Examples
    --------
    >>> result = evaluate_clustering(["a", "a", "b", "b"], [1, 1, 0, 0])
    >>> result["ari"], result["nmi"], result["purity"], result["n_clusters"]
    (1.0, 1.0, 1.0, 2)
    """
    true, pred = _check_pair_of_labellings(labels_true, labels_pred)
    table = _table(true, pred)
    counts = table.to_numpy()
    true_codes = pd.factorize(true)[0]
    pred_codes = pd.factorize(pred)[0]
    noise = [_is_noise(cluster) for cluster in table.columns]
    return {
        "ari": float(adjusted_rand_score(true_codes, pred_codes)),
        "nmi": float(normalized_mutual_info_score(true_codes, pred_codes)),
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

    Parameters
    ----------
    labels_true : (n,) array_like
        Known class of each sample (strings or numbers, no missing values).
    k : int or (n,) array_like
        An int: random clusterings into ``k`` clusters of (nearly) equal size, 1 .. n.
        A labelling: random shuffles of it, so the random clusters have exactly its cluster
        sizes (a permutation test of that clustering).
    n_repeats : int, optional
        Number of random clusterings (>= 1).
    random_state : None, int or numpy.random.Generator, optional
        Seeds the shuffles; the same value gives the same table.

    Returns
    -------
    dict
        ``"ari"``, ``"nmi"``, ``"purity"``: the mean score of the random clusterings (the
        chance level; the measures as in :func:`evaluate_clustering`), floats;
        ``"scores"``: a pandas DataFrame with one row per random clustering and those three
        columns, e.g. ``result["scores"].quantile(0.95)`` is a score that chance rarely
        beats. Chance ARI is about 0, but chance NMI and purity are well above 0: purity is
        at least the share of the largest class.

    Examples
    --------
    >>> true = ["mel"] * 20 + ["nv"] * 80
    >>> baseline = random_baseline(true, k=2, n_repeats=20)
    >>> round(baseline["purity"], 1), bool(abs(baseline["ari"]) < 0.05)
    (0.8, True)
    """
    true = _as_labelling(labels_true, "labels_true")
    if true.size == 0:
        raise ValueError("labels_true is empty; need at least one sample.")
    n_repeats = check_int(n_repeats, "n_repeats")
    if isinstance(k, numbers.Integral) and not isinstance(k, bool):
        k = check_int(k, "k", maximum=true.size)
        clusters = np.arange(true.size) % k
    elif isinstance(k, (bool, str, numbers.Number)):
        raise TypeError(f"k must be an int or a labelling of the samples; got {k!r}.")
    else:
        true, clusters = _check_pair_of_labellings(true, k, pred_name="k")
    clusters = pd.factorize(clusters)[0]
    true_codes = pd.factorize(true)[0]
    n_classes = true_codes.max() + 1
    rng = check_random_state(random_state)
    rows = []
    for _ in range(n_repeats):
        shuffled = rng.permutation(clusters)
        counts = np.zeros((n_classes, clusters.max() + 1), dtype=np.int64)
        np.add.at(counts, (true_codes, shuffled), 1)
        rows.append(
            {
                "ari": adjusted_rand_score(true_codes, shuffled),
                "nmi": normalized_mutual_info_score(true_codes, shuffled),
                "purity": counts.max(axis=0).sum() / true.size,
            }
        )
    scores = pd.DataFrame(rows, columns=["ari", "nmi", "purity"], dtype=np.float64)
    return {**{name: float(value) for name, value in scores.mean().items()}, "scores": scores}


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
