"""Charts of numbers: class counts, choosing k, contingency tables, scores against chance,
learning curves."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from coursekit.plot._style import (
    CONTINUOUS_CMAP,
    MAIN_COLOUR,
    OKABE_ITO,
    categories,
    category_name,
    new_figure,
)

__all__ = [
    "class_counts",
    "elbow_plot",
    "contingency_heatmap",
    "scores_vs_chance",
    "learning_curve_plot",
]


def _vector(values, name, length=None, *, allow_nan=False):
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} has shape {arr.shape}; expected a non-empty 1-D sequence.")
    if length is not None and arr.size != length:
        raise ValueError(f"{name} has {arr.size} values; expected {length}, one per k.")
    if not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must hold numbers; got dtype {arr.dtype}.")
    arr = arr.astype(float)
    bad = np.isinf(arr) if allow_nan else ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name} contains non-finite values at positions {np.flatnonzero(bad)}.")
    return arr


def class_counts(
    labels,
    title="Number of images per class",
    order=None,
    xlabel="class",
    ylabel="number of images",
):
    """Bar chart of how many items fall in each class, counts written on the bars.

    Parameters
    ----------
    labels : (n,) array_like
        One class per item, e.g. ``metadata["dx"]``.
    title, xlabel, ylabel : str
        Axes title and axis labels.
    order : sequence, optional
        Classes from left to right; classes listed here but absent get a bar
        of 0. By default the most frequent class comes first.

    Returns
    -------
    matplotlib.figure.Figure
        Each bar is annotated with its count and its share of all items.

    Raises
    ------
    ValueError
        If ``labels`` is empty or contains classes missing from ``order``.

    Examples
    --------
    >>> from coursekit.plot import class_counts
    >>> ax = class_counts(["nv", "nv", "nv", "mel"]).axes[0]
    >>> [t.get_text() for t in ax.get_xticklabels()], ax.get_ylabel()
    (['nv', 'mel'], 'number of images')
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels has shape {labels.shape}; expected a non-empty 1-D sequence.")
    cats = categories(labels)
    counts = {c: int(np.sum(labels == c)) for c in cats}
    if order is None:
        order = sorted(cats, key=lambda c: -counts[c])
    else:
        order = list(order)
        missing = [c for c in cats if c not in order]
        if missing:
            raise ValueError(f"order does not list the classes {missing} found in labels.")
    heights = np.array([counts.get(c, 0) for c in order])
    names = [category_name(c) for c in order]

    fig, axes = new_figure(figsize=(max(4.5, 0.8 * len(order) + 1.5), 4.5))
    ax = axes[0, 0]
    bars = ax.bar(range(len(order)), heights, color=MAIN_COLOUR)
    total = heights.sum()
    ax.bar_label(bars, labels=[f"{h}\n({h / total:.0%})" for h in heights], fontsize=8, padding=2)
    ax.set_xticks(range(len(order)), names)
    if max(len(s) for s in names) * len(names) > 40:
        ax.tick_params(axis="x", labelrotation=30)
        for t in ax.get_xticklabels():
            t.set_horizontalalignment("right")
    ax.set_ylim(0, heights.max() * 1.18 + 1)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


def elbow_plot(ks, inertia, silhouette=None, title="Choosing the number of clusters k"):
    """Inertia against k (look for the elbow) and, optionally, silhouette against k.

    Parameters
    ----------
    ks : (m,) array_like of int
        Numbers of clusters tried.
    inertia : (m,) array_like of float
        Within-cluster sum of squared distances for each k (k-means ``inertia_``).
    silhouette : (m,) array_like of float, optional
        Mean silhouette coefficient for each k, in [-1, 1]; NaN where it is
        undefined (k = 1). The k with the highest score is marked on both panels.
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        One panel, or two side by side when ``silhouette`` is given.

    Raises
    ------
    ValueError
        If the sequences differ in length or hold non-finite values (or a
        silhouette that is NaN everywhere).

    Examples
    --------
    >>> from coursekit.plot import elbow_plot
    >>> fig = elbow_plot([2, 3, 4, 5], [90.0, 40.0, 30.0, 25.0], [0.41, 0.62, 0.50, 0.44])
    >>> fig.axes[1].get_title()
    'Silhouette (best k = 3)'
    """
    ks_arr = _vector(ks, "ks")
    inertia = _vector(inertia, "inertia", ks_arr.size)
    best_k = None
    if silhouette is not None:
        silhouette = _vector(silhouette, "silhouette", ks_arr.size, allow_nan=True)
        if np.all(np.isnan(silhouette)):
            raise ValueError("silhouette is NaN for every k; nothing to plot.")
        best = int(np.nanargmax(silhouette))
        best_k = np.asarray(ks)[best].item()

    npanels = 1 if silhouette is None else 2
    fig, axes = new_figure(1, npanels, figsize=(5.0 * npanels + 0.5, 4.2))
    ax = axes[0, 0]
    ax.plot(ks_arr, inertia, "o-", color=MAIN_COLOUR)
    ax.set_title("Inertia (look for the elbow)")
    ax.set_ylabel("inertia (within-cluster sum of squares)")
    if silhouette is not None:
        ax2 = axes[0, 1]
        ax2.plot(ks_arr, silhouette, "o-", color=OKABE_ITO[1])
        ax2.plot(ks_arr[best], silhouette[best], "*", color=OKABE_ITO[3], markersize=16,
                 label=f"best k = {best_k}", zorder=3)
        ax2.legend(frameon=False, loc="best")
        ax2.set_title(f"Silhouette (best k = {best_k})")
        ax2.set_ylabel("mean silhouette coefficient")
        ax.axvline(ks_arr[best], color="0.5", linestyle=":", label=f"best silhouette, k = {best_k}")
        ax.legend(frameon=False, loc="best")
    for a in axes[0]:
        a.set_xlabel("number of clusters k")
        if ks_arr.size <= 20 and np.all(ks_arr == np.round(ks_arr)):
            a.set_xticks(ks_arr)
        a.grid(alpha=0.3)
    fig.suptitle(title)
    return fig


def contingency_heatmap(
    table, title="True class vs cluster", normalise=None, xlabel=None, ylabel=None
):
    """Heatmap of a contingency table (classes × clusters), each cell annotated.

    Parameters
    ----------
    table : pandas.DataFrame
        Non-negative counts: rows are true classes, columns clusters, e.g.
        ``pd.crosstab(metadata["dx"], cluster_labels)``. Row and column labels
        come from the index and the columns.
    title : str
        Axes title; "(row-normalised)" or "(column-normalised)" is appended
        when ``normalise`` is set.
    normalise : {None, "row", "column"}
        Colour by counts, by each row's share (what fraction of a class went
        to each cluster) or by each column's share (what a cluster is made of).
        Cells then show the share and, in brackets, the count.
    xlabel, ylabel : str, optional
        By default ``table.columns.name`` or "cluster", and
        ``table.index.name`` or "true class".

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``table`` is not a DataFrame of numbers.
    ValueError
        For an empty table, negative or non-finite counts, or an unknown ``normalise``.

    Examples
    --------
    >>> import pandas as pd
    >>> from coursekit.plot import contingency_heatmap
    >>> table = pd.crosstab(pd.Series(["nv", "nv", "mel"], name="dx"),
    ...                     pd.Series([0, 0, 1], name="cluster"))
    >>> ax = contingency_heatmap(table, normalise="row").axes[0]
    >>> ax.get_ylabel(), ax.get_title()
    ('dx', 'True class vs cluster (row-normalised)')
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"table must be a pandas DataFrame (e.g. pd.crosstab(...)); got {type(table).__name__}."
        )
    if table.size == 0:
        raise ValueError(f"table is empty, shape {table.shape}.")
    if not all(pd.api.types.is_numeric_dtype(t) for t in table.dtypes):
        raise TypeError("table must hold numbers (counts) only.")
    counts = table.to_numpy(dtype=float)
    if not np.all(np.isfinite(counts)) or counts.min() < 0:
        raise ValueError("table must hold finite, non-negative counts.")
    if normalise not in (None, "row", "column"):
        raise ValueError(f"normalise must be None, 'row' or 'column'; got {normalise!r}.")
    if normalise is None:
        values, cbar_label = counts, "count"
        texts = [[f"{c:g}" for c in row] for row in counts]
    else:
        axis = 1 if normalise == "row" else 0
        sums = counts.sum(axis=axis, keepdims=True)
        values = np.divide(counts, sums, out=np.zeros_like(counts), where=sums > 0)
        cbar_label = f"share of the {normalise}"
        texts = [
            [f"{v:.0%}\n({c:g})" for v, c in zip(vr, cr, strict=True)]
            for vr, cr in zip(values, counts, strict=True)
        ]
        title = f"{title} ({normalise}-normalised)"

    nrows, ncols = counts.shape
    fig, axes = new_figure(figsize=(max(4.5, 0.75 * ncols + 2.8), max(3.5, 0.55 * nrows + 1.6)))
    ax = axes[0, 0]
    vmax = 1.0 if normalise else max(values.max(), 1.0)
    image = ax.imshow(values, cmap=CONTINUOUS_CMAP, vmin=0, vmax=vmax, aspect="auto")
    cmap, norm = image.get_cmap(), image.norm
    fontsize = 8 if normalise else 9
    for r in range(nrows):
        for c in range(ncols):
            red, green, blue, _ = cmap(norm(values[r, c]))
            dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
            ax.text(c, r, texts[r][c], ha="center", va="center", fontsize=fontsize,
                    color="white" if dark else "black")
    column_names = [category_name(c) for c in table.columns]
    ax.set_xticks(range(ncols), column_names)
    if max(len(n) for n in column_names) > 6:  # long names (image sources) would overlap
        ax.tick_params(axis="x", labelrotation=30)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    ax.set_yticks(range(nrows), [category_name(r) for r in table.index])
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    fig.colorbar(image, ax=ax, label=cbar_label, shrink=0.9)
    ax.set_title(title)
    ax.set_xlabel(xlabel if xlabel is not None else (table.columns.name or "cluster"))
    ax.set_ylabel(ylabel if ylabel is not None else (table.index.name or "true class"))
    return fig


#: How :func:`learning_curve_plot` summarises several repeats: legend text of each choice.
SPREADS = {"range": "min–max", "sd": "mean ± 1 SD"}


def _score_curve(values, name, n_sizes, spread):
    """Mean, lower and upper edge of the spread, and the number of repeats, of one curve."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] != n_sizes or arr.shape[1] == 0:
        raise ValueError(
            f"{name} has shape {np.shape(values)}; expected ({n_sizes},) or "
            f"({n_sizes}, n_repeats), one row per training-set size."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite scores.")
    mean = arr.mean(axis=1)
    if spread == "range":
        low, high = arr.min(axis=1), arr.max(axis=1)
    else:  # "sd" or None (then the edges are not drawn)
        std = arr.std(axis=1)
        low, high = mean - std, mean + std
    return mean, low, high, arr.shape[1]


def learning_curve_plot(
    train_sizes,
    scores,
    title="Learning curves",
    xlabel="number of training images",
    ylabel="accuracy",
    spread="range",
):
    """Training and test score against training-set size, for several settings.

    Parameters
    ----------
    train_sizes : (m,) array_like
        Training-set sizes (numbers of images).
    scores : dict
        ``setting name -> (train_scores, test_scores)``, each of shape ``(m,)``
        or ``(m, n_repeats)``: one column per repeat (random training subset, or fold
        of ``sklearn.model_selection.learning_curve``). The line joins the means over
        the repeats.
    title, xlabel, ylabel : str
        Axes title and axis labels.
    spread : {"range", "sd", None}, optional
        How the repeats at each size are shown when there are several: ``"range"``
        from the lowest to the highest score (every repeat lies inside; the honest
        choice for a few repeats), ``"sd"`` the mean ± one (population) standard
        deviation, ``None`` not at all. Test curves get error bars with caps and a
        shaded band, training curves a lighter band only; the legend title says which
        spread is drawn and over how many repeats.

    Returns
    -------
    matplotlib.figure.Figure
        One colour per setting; test scores solid, training scores dashed.

    Raises
    ------
    TypeError
        If ``scores`` is not a dict of pairs.
    ValueError
        If ``scores`` is empty, a curve does not have one row per size, or ``spread``
        is not one of the choices.

    Examples
    --------
    >>> from coursekit.plot import learning_curve_plot
    >>> fig = learning_curve_plot(
    ...     [20, 50, 100],
    ...     {"no augmentation": ([1.0, 0.98, 0.95], [0.55, 0.62, 0.70]),
    ...      "flips + rotations": ([0.9, 0.88, 0.86], [0.60, 0.70, 0.76])})
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:2]
    ['no augmentation: test', 'no augmentation: train']

    Three repeats per size: error bars and bands from the lowest to the highest score.

    >>> repeats = [[0.50, 0.55, 0.62], [0.60, 0.66, 0.70], [0.70, 0.72, 0.75]]
    >>> fig = learning_curve_plot([20, 50, 100], {"none": (np.ones((3, 3)), repeats)})
    >>> print(fig.axes[0].get_legend().get_title().get_text())
    solid: test, dashed: train
    bars and bands: min–max of 3 repeats
    """
    sizes = _vector(train_sizes, "train_sizes")
    if spread is not None and spread not in SPREADS:
        raise ValueError(f"spread must be one of {sorted(SPREADS)} or None; got {spread!r}.")
    if not isinstance(scores, Mapping):
        raise TypeError(
            "scores must be a dict name -> (train_scores, test_scores); "
            f"got {type(scores).__name__}."
        )
    if not scores:
        raise ValueError("scores is empty; give at least one setting.")
    curves = {}
    for name, pair in scores.items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"scores[{name!r}] must be a pair (train_scores, test_scores).")
        curves[name] = (
            _score_curve(pair[1], f"scores[{name!r}] test_scores", sizes.size, spread),
            _score_curve(pair[0], f"scores[{name!r}] train_scores", sizes.size, spread),
        )

    fig, axes = new_figure(figsize=(7.5, 4.5))
    ax = axes[0, 0]
    repeats = set()
    for i, (name, parts) in enumerate(curves.items()):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        for (mean, low, high, n_repeats), part in zip(parts, ("test", "train"), strict=True):
            test = part == "test"
            ax.plot(sizes, mean, "-" if test else "--", marker="o", markersize=4, color=colour,
                    label=f"{name}: {part}")
            if spread is None or n_repeats < 2:
                continue
            repeats.add(n_repeats)
            ax.fill_between(sizes, low, high, color=colour, alpha=0.18 if test else 0.08,
                            linewidth=0, label="_nolegend_")
            if test:
                # Clipped at 0: the mean of equal scores can differ from them in the last bit.
                bars = np.clip(np.vstack([mean - low, high - mean]), 0.0, None)
                ax.errorbar(sizes, mean, yerr=bars, fmt="none",
                            ecolor=colour, elinewidth=1.2, capsize=4, capthick=1.2,
                            label="_nolegend_")
    legend_title = "solid: test, dashed: train"
    if repeats:
        count = f"{repeats.pop()} repeats" if len(repeats) == 1 else "the repeats"
        legend_title += f"\nbars and bands: {SPREADS[spread]} of {count}"
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0), title=legend_title)
    ax.grid(alpha=0.3)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


#: Axis names of the agreement scores of ``coursekit.cluster.evaluate_clustering``.
SCORE_NAMES = {"ari": "ARI", "ami": "AMI", "nmi": "NMI", "purity": "purity"}
_CHANCE_COLUMNS = ("mean", "p2.5", "p97.5")


def _score_table(scores, metrics):
    if isinstance(scores, pd.DataFrame):
        scores = {name: row for name, row in scores.to_dict("index").items()}
    if not isinstance(scores, Mapping) or not scores:
        raise TypeError(
            "scores must be a non-empty dict name -> {score: value} (e.g. "
            "{'diagnosis': evaluate_clustering(...)}) or a DataFrame with one row per name; "
            f"got {type(scores).__name__}."
        )
    for name, values in scores.items():
        if not isinstance(values, Mapping):
            raise TypeError(f"scores[{name!r}] must be a dict score -> value.")
    if metrics is None:
        metrics = [m for m in SCORE_NAMES if all(m in values for values in scores.values())]
        if not metrics:
            raise ValueError(
                f"scores has none of the scores {list(SCORE_NAMES)} for every name; "
                "pass metrics=[...] to choose which to draw."
            )
    metrics = list(metrics)
    table = np.empty((len(scores), len(metrics)))
    for i, (name, values) in enumerate(scores.items()):
        missing = [m for m in metrics if m not in values]
        if missing:
            raise ValueError(f"scores[{name!r}] has no value for {missing}.")
        row = _vector([values[m] for m in metrics], f"scores[{name!r}]")
        table[i] = row
    return list(scores), metrics, table


def _chance_table(chance, names, metrics):
    """``{name: (bands (3, n_metrics) of mean, p2.5, p97.5; n_repeats or None)}``."""
    if chance is None:
        return {}
    if not isinstance(chance, Mapping):
        raise TypeError(
            "chance must be a dict name -> random_baseline(...) result or its 'summary' "
            f"DataFrame; got {type(chance).__name__}."
        )
    unknown = [name for name in chance if name not in names]
    if unknown:
        raise ValueError(f"chance has names {unknown} that scores does not have ({names}).")
    bands = {}
    for name, value in chance.items():
        n_repeats = None
        if isinstance(value, Mapping) and "summary" in value:
            n_repeats = value.get("n_repeats")
            value = value["summary"]
        if not isinstance(value, pd.DataFrame):
            raise TypeError(
                f"chance[{name!r}] must be a DataFrame with one row per score and the columns "
                f"{list(_CHANCE_COLUMNS)} (random_baseline(...)['summary']), or the whole "
                f"random_baseline result; got {type(value).__name__}."
            )
        missing = [c for c in _CHANCE_COLUMNS if c not in value.columns]
        missing += [m for m in metrics if m not in value.index]
        if missing:
            raise ValueError(f"chance[{name!r}] lacks the rows or columns {missing}.")
        block = value.loc[metrics, list(_CHANCE_COLUMNS)].to_numpy(dtype=float).T
        if not np.all(np.isfinite(block)):
            raise ValueError(f"chance[{name!r}] contains NaN or infinite values.")
        bands[name] = (block, n_repeats)
    return bands


def scores_vs_chance(
    scores,
    chance=None,
    metrics=None,
    title="Agreement of the clusters with known labels, beside chance",
    xlabel="measure of agreement",
    ylabel="score (1 = perfect match)",
):
    """Bars of agreement scores, each with the band that random clusterings reach.

    Parameters
    ----------
    scores : dict or pandas.DataFrame
        ``name -> {score: value}``, e.g. ``{"diagnosis": evaluate_clustering(dx, labels),
        "site": evaluate_clustering(site, labels)}`` (other keys are ignored), or a
        DataFrame with one row per name and one column per score. One colour per name.
    chance : dict, optional
        ``name -> random_baseline(...)`` result, or just its ``"summary"`` DataFrame
        (index: scores; columns ``"mean"``, ``"p2.5"``, ``"p97.5"``), for some or all
        names of ``scores``. Over each bar a grey box spans the 2.5th to 97.5th
        percentile of the random clusterings, and a black line marks their mean (the
        chance level). A score above the box is better than chance; one inside it is not.
    metrics : sequence of str, optional
        Scores to draw, left to right; by default those of ``"ari"``, ``"ami"``,
        ``"nmi"``, ``"purity"`` that every name has. Drawn as "ARI", "AMI", "NMI",
        "purity"; other names as they are.
    title, xlabel, ylabel : str
        Axes title and axis labels.

    Returns
    -------
    matplotlib.figure.Figure
        Grouped bars, each with its value written above it (and above its chance box);
        a line at 0 (the chance level of ARI and AMI). The legend names the bars and
        explains the chance marks, with the number of random clusterings when ``chance``
        holds whole results.

    Raises
    ------
    TypeError
        If ``scores`` or ``chance`` are not of the forms above.
    ValueError
        If a name lacks a score, ``chance`` has a name that ``scores`` has not, or a
        value is not finite.

    Examples
    --------
    >>> import pandas as pd
    >>> from coursekit.plot import scores_vs_chance
    >>> scores = {"diagnosis": {"ari": 0.06, "ami": 0.09, "nmi": 0.12, "purity": 0.41},
    ...           "site": {"ari": 0.70, "ami": 0.68, "nmi": 0.69, "purity": 0.88}}
    >>> band = pd.DataFrame({"mean": [0.0, 0.0, 0.03, 0.34], "p2.5": [-0.02, -0.02, 0.01, 0.29],
    ...                      "p97.5": [0.02, 0.02, 0.05, 0.38]},
    ...                     index=["ari", "ami", "nmi", "purity"])
    >>> fig = scores_vs_chance(scores, {"diagnosis": band, "site": band})
    >>> ax = fig.axes[0]
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['ARI', 'AMI', 'NMI', 'purity']
    >>> [t.get_text() for t in ax.get_legend().get_texts()]  # doctest: +NORMALIZE_WHITESPACE
    ['diagnosis', 'site', 'chance: 2.5th–97.5th percentile', 'chance: mean']
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    names, metrics, table = _score_table(scores, metrics)
    bands = _chance_table(chance, names, metrics)

    n_names, n_metrics = table.shape
    fig, axes = new_figure(figsize=(max(7.0, 0.8 * n_metrics * max(n_names, 2) + 1.0), 5.0))
    ax = axes[0, 0]
    width = 0.8 / n_names
    x = np.arange(n_metrics)
    lows = [table.min(), 0.0]
    highs = [table.max(), 1.0]
    tops = []
    for i, name in enumerate(names):
        positions = x - 0.4 + width * (i + 0.5)
        ax.bar(positions, table[i], width * 0.92, color=OKABE_ITO[i % len(OKABE_ITO)],
               label=str(name))
        top = np.maximum(table[i], 0.0)
        if name in bands:
            (mean, low, high), _ = bands[name]
            ax.bar(positions, high - low, width * 0.55, bottom=low, color="0.2", alpha=0.45,
                   edgecolor="black", linewidth=0.6, label="_nolegend_")
            ax.hlines(mean, positions - width * 0.3, positions + width * 0.3, colors="black",
                      linewidth=2, label="_nolegend_")
            lows.append(low.min())
            highs.append(high.max())
            top = np.maximum(top, high)
        tops.append((positions, top, table[i]))
    span = max(highs) - min(lows)
    for positions, top, values in tops:  # the value above its bar and its chance box
        for position, y, value in zip(positions, top, values, strict=True):
            text = f"{value:.2f}" if round(value, 2) != 0 else "0.00"
            ax.text(position, y + 0.015 * span, text, ha="center", va="bottom", fontsize=8)
    ax.axhline(0, color="0.3", linewidth=0.8)
    handles, labels = ax.get_legend_handles_labels()
    if bands:
        counts = {n for _, n in bands.values() if n is not None}
        of = f" ({counts.pop()} random clusterings)" if len(counts) == 1 else ""
        handles += [Patch(facecolor="0.2", alpha=0.45, edgecolor="black", linewidth=0.6),
                    Line2D([], [], color="black", linewidth=2)]
        labels += [f"chance: 2.5th–97.5th percentile{of}", "chance: mean"]
    ax.legend(handles, labels, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14),
              ncols=2, fontsize=9)
    ax.set_ylim(min(lows) - 0.05 * span, max(highs) + 0.12 * span)
    ax.set_xticks(x, [SCORE_NAMES.get(m, str(m)) for m in metrics])
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig
