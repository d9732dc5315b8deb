"""How much a clustering score owes to luck: its spread over k-means seeds (and samples), and
the chance band of random clusterings, for each target at once.

One k-means run is one draw: another seed (``random_state``) starts from other centres and
can end in other clusters, and another random sample of the images gives other scores again.
A score worth quoting is the mean over many seeds (and samples) with its range, beside the
chance band of clusterings that know nothing of the target.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score

from coursekit._validation import check_integer

from .evaluate import _as_labelling, _FixedMargins

__all__ = ["SPREAD_COLUMNS", "score_over_seeds", "spread_text", "verdict"]

#: Columns of ``score_over_seeds(...)["summary"]``.
SPREAD_COLUMNS = ("mean", "sd", "min", "max", "p2.5", "p97.5", "chance_mean", "chance_p2.5",
                  "chance_p97.5", "n_runs", "n_shuffles")  # fmt: skip
_MEASURES = {"ari": adjusted_rand_score, "ami": adjusted_mutual_info_score}


def _seeds(seeds):
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        return list(range(check_integer(seeds, "seeds", minimum=1)))
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds is empty; give a number of seeds (e.g. 30) or a list of them.")
    return seeds


def _kmeans(features, k, random_state):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)


def score_over_seeds(features, targets, k, seeds=30, samples=None, cluster=None, n_shuffles=1000,
                     random_state=0):  # fmt: skip
    """ARI and AMI of a clustering over many k-means seeds (and samples), with chance bands.

    Parameters
    ----------
    features : (n, n_features) array_like
        One row per image, e.g. standardised features. Each run clusters them (or the rows
        of its sample) afresh.
    targets : mapping of str to (n,) array_like
        Labellings to compare the clusters with, e.g. ``{"diagnosis": dx, "image source":
        site}``; each has one label per row of ``features``.
    k : int
        Number of clusters.
    seeds : int or iterable of int, optional
        The k-means seeds (``random_state``): an int ``s`` means ``0 .. s - 1``. At least
        30 give a stable mean and range.
    samples : sequence of (m,) arrays of int, optional
        Row positions of random samples (e.g. balanced subsamples); run ``i`` clusters the
        rows ``samples[i % len(samples)]`` with seed ``seeds[i]``, so the spread covers
        both the seed and the sample. ``None``: every run uses every row.
    cluster : callable, optional
        ``cluster(features, k, random_state)`` returning one label per row; by default
        k-means, ``KMeans(n_clusters=k, n_init=10, random_state=seed)`` (what
        :func:`coursekit.cluster.cluster_images` does with ``method="kmeans"``).
    n_shuffles : int, optional
        Random clusterings for the chance band, in all (>= 1; 1,000 rest the 2.5th and
        97.5th percentiles on about 25 shuffles each). They are shared out over the runs:
        each shuffles that run's cluster labels, so the random clusterings have the cluster
        sizes the real ones had.
    random_state : None, int or numpy.random.Generator, optional
        Seeds the shuffles.

    Returns
    -------
    dict
        ``"summary"`` : pandas.DataFrame
            One row per target and score (a MultiIndex ``(target, score)``, scores
            ``"ari"`` and ``"ami"``), with the columns :data:`SPREAD_COLUMNS`: the ``mean``,
            standard deviation ``sd``, ``min``, ``max``, 2.5th and 97.5th percentiles of
            the score over the runs; ``chance_mean``, ``chance_p2.5`` and ``chance_p97.5``
            of the shuffled clusterings (the chance level and the chance band); ``n_runs``
            and ``n_shuffles``.
        ``"scores"`` : pandas.DataFrame
            One row per run: ``run``, ``seed``, ``sample`` (its number, or 0) and one
            column ``"<target> <score>"`` per target and score.

    Raises
    ------
    ValueError
        If a target does not have one label per row, ``samples`` holds a position outside
        ``0 .. n - 1``, or ``seeds`` is empty.

    See Also
    --------
    coursekit.cluster.random_baseline : the chance band of one clustering.
    spread_text, verdict : the summary in words.

    Examples
    --------
    Two groups of 20 points, split by k-means whatever the seed:

    >>> rng = np.random.default_rng(0)
    >>> x = np.vstack([rng.normal(0, 1, (20, 2)), rng.normal(6, 1, (20, 2))])
    >>> truth = np.repeat(["a", "b"], 20)
    >>> result = score_over_seeds(x, {"group": truth}, k=2, seeds=5, n_shuffles=200)
    >>> row = result["summary"].loc[("group", "ari")]
    >>> float(row["mean"]), float(row["min"]), int(row["n_runs"])
    (1.0, 1.0, 5)
    >>> bool(row["chance_p97.5"] < 0.1)
    True
    """
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or len(features) == 0:
        raise ValueError(f"features must be a non-empty 2-D array; got shape {features.shape}.")
    n = len(features)
    k = check_integer(k, "k", minimum=1, maximum=n)
    truths = {}
    for name, labels in dict(targets).items():
        labels = _as_labelling(labels, f"targets[{name!r}]")
        if labels.size != n:
            raise ValueError(f"targets[{name!r}] has {labels.size} labels but features has {n} "
                             "rows; give one label per row.")  # fmt: skip
        truths[name] = pd.factorize(labels)[0]
    if not truths:
        raise ValueError("targets is empty; give at least one labelling, e.g. {'dx': labels}.")
    seeds = _seeds(seeds)
    if samples is None:
        samples = [np.arange(n)]
    samples = [np.asarray(rows, dtype=np.int64) for rows in samples]
    for i, rows in enumerate(samples):
        if rows.ndim != 1 or rows.size < k or rows.min() < 0 or rows.max() >= n:
            raise ValueError(f"samples[{i}] must hold at least k = {k} row positions in 0 .. "
                             f"{n - 1}; got {rows.size} positions.")  # fmt: skip
    n_shuffles = check_integer(n_shuffles, "n_shuffles", minimum=1)
    cluster = _kmeans if cluster is None else cluster
    rng = np.random.default_rng(random_state)
    per_run = -(-n_shuffles // len(seeds))  # ceiling: at least n_shuffles in all
    runs, chance = [], {(t, s): [] for t in truths for s in _MEASURES}
    for run, seed in enumerate(seeds):
        rows = samples[run % len(samples)]
        labels = pd.factorize(np.asarray(cluster(features[rows], k, seed)))[0]
        record = {"run": run, "seed": seed, "sample": run % len(samples)}
        for target, truth in truths.items():
            sub = pd.factorize(truth[rows])[0]
            for score, function in _MEASURES.items():
                record[f"{target} {score}"] = float(function(sub, labels))
            scorer = _FixedMargins(sub, labels)
            for _ in range(per_run):
                ari, ami, _nmi, _purity = scorer.scores(rng.permutation(labels))
                chance[(target, "ari")].append(ari)
                chance[(target, "ami")].append(ami)
        runs.append(record)
    scores = pd.DataFrame(runs)
    summary = {}
    for target in truths:
        for score in _MEASURES:
            values = scores[f"{target} {score}"].to_numpy()
            shuffled = np.asarray(chance[(target, score)])
            summary[(target, score)] = {
                "mean": values.mean(), "sd": values.std(ddof=1) if values.size > 1 else 0.0,
                "min": values.min(), "max": values.max(),
                "p2.5": np.percentile(values, 2.5), "p97.5": np.percentile(values, 97.5),
                "chance_mean": shuffled.mean(), "chance_p2.5": np.percentile(shuffled, 2.5),
                "chance_p97.5": np.percentile(shuffled, 97.5), "n_runs": len(values),
                "n_shuffles": shuffled.size,
            }  # fmt: skip
    table = pd.DataFrame.from_dict(summary, orient="index")[list(SPREAD_COLUMNS)]
    table.index = pd.MultiIndex.from_tuples(table.index, names=["target", "score"])
    table[["n_runs", "n_shuffles"]] = table[["n_runs", "n_shuffles"]].astype(int)
    return {"summary": table, "scores": scores}


def verdict(row) -> str:
    """Words sized to the interval: how a score over seeds compares with its chance band.

    Parameters
    ----------
    row : mapping
        A row of ``score_over_seeds(...)["summary"]`` (``mean``, ``min``, ``max`` and
        ``chance_p97.5`` are read).

    Returns
    -------
    str
        ``"above chance at every seed"`` when even the lowest run beats the top of the
        chance band; ``"weak but above chance on average"`` when the mean does and the
        lowest run does not; ``"below chance at every seed"`` or ``"below chance on
        average"`` likewise under its bottom (``chance_p2.5``; less agreement than random
        clusters: the clusters cut across the target); ``"within the chance band"``
        otherwise.

    Examples
    --------
    >>> verdict({"mean": 0.18, "min": 0.07, "max": 0.24, "chance_p97.5": 0.03})
    'above chance at every seed'
    >>> verdict({"mean": 0.08, "min": 0.03, "max": 0.14, "chance_p97.5": 0.04})
    'weak but above chance on average'
    >>> verdict({"mean": 0.01, "min": -0.01, "max": 0.03, "chance_p97.5": 0.03})
    'within the chance band'
    >>> verdict({"mean": -0.03, "min": -0.04, "max": -0.03, "chance_p2.5": -0.02,
    ...          "chance_p97.5": 0.02})
    'below chance at every seed'
    """
    top, bottom = row["chance_p97.5"], row.get("chance_p2.5", -np.inf)
    if row["min"] > top:
        return "above chance at every seed"
    if row["mean"] > top:
        return "weak but above chance on average"
    if row.get("max", np.inf) < bottom:
        return "below chance at every seed"
    if row["mean"] < bottom:
        return "below chance on average"
    return "within the chance band"


def _two(x) -> str:
    return f"{round(float(x), 2) + 0.0:.2f}"  # never -0.00


def spread_text(row, name="ARI") -> str:
    """One line for a score over seeds: mean, range, chance band, and the verdict.

    Parameters
    ----------
    row : mapping
        A row of ``score_over_seeds(...)["summary"]``.
    name : str, optional
        The score's name in the line.

    Returns
    -------
    str
        E.g. ``"ARI 0.18 (0.07 to 0.24 over 30 runs; chance band -0.02 to 0.03): above
        chance at every seed"``.

    Examples
    --------
    >>> spread_text({"mean": 0.18, "min": 0.07, "max": 0.24, "n_runs": 30,
    ...              "chance_p2.5": -0.02, "chance_p97.5": 0.03})
    'ARI 0.18 (0.07 to 0.24 over 30 runs; chance band -0.02 to 0.03): above chance at every seed'
    """
    return (f"{name} {_two(row['mean'])} ({_two(row['min'])} to {_two(row['max'])} over "
            f"{int(row['n_runs'])} runs; chance band {_two(row['chance_p2.5'])} to "
            f"{_two(row['chance_p97.5'])}): {verdict(row)}")  # fmt: skip
