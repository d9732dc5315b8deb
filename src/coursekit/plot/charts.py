"""Charts of numbers: class counts, choosing k, contingency tables, learning curves."""

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

__all__ = ["class_counts", "elbow_plot", "contingency_heatmap", "learning_curve_plot"]


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
    ax.set_xticks(range(ncols), [category_name(c) for c in table.columns])
    ax.set_yticks(range(nrows), [category_name(r) for r in table.index])
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    fig.colorbar(image, ax=ax, label=cbar_label, shrink=0.9)
    ax.set_title(title)
    ax.set_xlabel(xlabel if xlabel is not None else (table.columns.name or "cluster"))
    ax.set_ylabel(ylabel if ylabel is not None else (table.index.name or "true class"))
    return fig


def _score_curve(values, name, n_sizes):
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] != n_sizes:
        raise ValueError(
            f"{name} has shape {np.shape(values)}; expected ({n_sizes},) or ({n_sizes}, n_folds), "
            "one row per training-set size."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite scores.")
    return arr.mean(axis=1), arr.std(axis=1)


def learning_curve_plot(
    train_sizes,
    scores,
    title="Learning curves",
    xlabel="number of training images",
    ylabel="accuracy",
):
    """Training and test score against training-set size, for several settings.

    Parameters
    ----------
    train_sizes : (m,) array_like
        Training-set sizes (numbers of images).
    scores : dict
        ``setting name -> (train_scores, test_scores)``, each of shape ``(m,)``
        or ``(m, n_folds)`` as returned by ``sklearn.model_selection.learning_curve``.
        With several folds the mean is drawn with a band of ± one standard deviation.
    title, xlabel, ylabel : str
        Axes title and axis labels.

    Returns
    -------
    matplotlib.figure.Figure
        One colour per setting; test scores solid, training scores dashed.

    Raises
    ------
    TypeError
        If ``scores`` is not a dict of pairs.
    ValueError
        If ``scores`` is empty or a curve does not have one row per size.

    Examples
    --------
    >>> from coursekit.plot import learning_curve_plot
    >>> fig = learning_curve_plot(
    ...     [20, 50, 100],
    ...     {"no augmentation": ([1.0, 0.98, 0.95], [0.55, 0.62, 0.70]),
    ...      "flips + rotations": ([0.9, 0.88, 0.86], [0.60, 0.70, 0.76])})
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:2]
    ['no augmentation: test', 'no augmentation: train']
    """
    sizes = _vector(train_sizes, "train_sizes")
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
            _score_curve(pair[0], f"scores[{name!r}] train_scores", sizes.size),
            _score_curve(pair[1], f"scores[{name!r}] test_scores", sizes.size),
        )

    fig, axes = new_figure(figsize=(7.5, 4.5))
    ax = axes[0, 0]
    for i, (name, ((tr_mean, tr_std), (te_mean, te_std))) in enumerate(curves.items()):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        for (mean, std), style, part in (((te_mean, te_std), "-", "test"),
                                         ((tr_mean, tr_std), "--", "train")):
            ax.plot(sizes, mean, style, marker="o", markersize=4, color=colour,
                    label=f"{name}: {part}")
            if np.any(std > 0):
                ax.fill_between(sizes, mean - std, mean + std, color=colour, alpha=0.15,
                                linewidth=0)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0),
              title="solid: test, dashed: train")
    ax.grid(alpha=0.3)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig
