"""Galleries: a row of sampled examples per class or per cluster."""

from __future__ import annotations

import numpy as np

from coursekit._validation import check_random_state
from coursekit.plot._style import (
    PANEL_TITLE_SIZE,
    categories,
    category_name,
    check_class_names,
    check_labels,
    check_positive_int,
    draw_image,
    image_list,
    is_noise,
    new_figure,
    panel_height,
)

__all__ = ["montage_by_class", "cluster_gallery"]


def _sample_rows(labels, cats, n_per_row, random_state):
    """For each category, up to ``n_per_row`` indices drawn without replacement, sorted."""
    rng = check_random_state(random_state)
    rows = []
    for cat in cats:
        members = np.flatnonzero(labels == cat)
        chosen = rng.choice(members, size=min(n_per_row, members.size), replace=False)
        rows.append((cat, members.size, np.sort(chosen)))
    return rows


def _row_gallery(imgs, rows, row_names, suptitle, panel_size):
    ncols = max(chosen.size for _, _, chosen in rows)
    nrows = len(rows)
    fig, axes = new_figure(
        nrows,
        ncols,
        figsize=(ncols * panel_size + 1.8, nrows * (panel_height(imgs, panel_size) + 0.3) + 0.5),
    )
    for r, (cat, count, chosen) in enumerate(rows):
        for c in range(ncols):
            ax = axes[r, c]
            if c >= chosen.size:
                ax.axis("off")
                continue
            i = int(chosen[c])
            draw_image(ax, imgs[i], f"#{i}", name=f"images[{i}]", title_size=PANEL_TITLE_SIZE)
        axes[r, 0].set_ylabel(
            f"{row_names[cat]}\n(n = {count})", rotation=0, ha="right", va="center", labelpad=8
        )
    fig.suptitle(suptitle)
    return fig


def montage_by_class(
    images,
    labels,
    n_per_class=4,
    random_state=0,
    class_names=None,
    suptitle="Examples of each class",
    panel_size=1.6,
):
    """Show a row of randomly chosen examples for each class.

    Parameters
    ----------
    images : (n, H, W) or (n, H, W, 3) ndarray, or list of images
        uint8 in [0, 255] or float in [0, 1].
    labels : (n,) array_like
        Class of each image, e.g. ``metadata["dx"]``.
    n_per_class : int
        Examples per row; classes with fewer images show all of them.
    random_state : None, int or numpy.random.Generator
        Chooses the examples; the same value gives the same figure.
    class_names : dict or list, optional
        Display names: a dict ``label -> name``, or a list indexed by integer
        label. By default the labels themselves.
    suptitle : str
        Figure title.
    panel_size : float
        Width and height of one panel, in inches.

    Returns
    -------
    matplotlib.figure.Figure
        One row per class, sorted by label; the row label gives the class and
        its number of images, each panel's title the image's index in ``images``.

    Raises
    ------
    ValueError
        If ``labels`` does not have one entry per image, ``n_per_class`` is
        not a positive integer, or ``class_names`` misses a label.

    Examples
    --------
    >>> import numpy as np
    >>> from coursekit.plot import montage_by_class
    >>> images = np.zeros((6, 8, 8), dtype=np.uint8)
    >>> fig = montage_by_class(images, ["nv", "nv", "nv", "mel", "mel", "bcc"], n_per_class=2)
    >>> [ax.get_ylabel() for ax in fig.axes[::2]]
    ['bcc\\n(n = 1)', 'mel\\n(n = 2)', 'nv\\n(n = 3)']
    """
    imgs = image_list(images)
    labels = check_labels(labels, len(imgs))
    n_per_class = check_positive_int(n_per_class, "n_per_class")
    cats = categories(labels)
    names = check_class_names(class_names, cats)
    rows = _sample_rows(labels, cats, n_per_class, random_state)
    return _row_gallery(imgs, rows, names, suptitle, panel_size)


def cluster_gallery(
    images, labels, n_per_cluster=6, random_state=0, suptitle=None, panel_size=1.6
):
    """Show a row of randomly chosen members of each cluster.

    Parameters
    ----------
    images : (n, H, W) or (n, H, W, 3) ndarray, or list of images
        uint8 in [0, 255] or float in [0, 1].
    labels : (n,) array_like of int
        Cluster of each image; ``-1`` (noise in DBSCAN) is shown last as "noise".
    n_per_cluster : int
        Examples per row; smaller clusters show all their members.
    random_state : None, int or numpy.random.Generator
        Chooses the examples; the same value gives the same figure.
    suptitle : str, optional
        Figure title; ``"Examples from each cluster"`` by default.
    panel_size : float
        Width and height of one panel, in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Rows labelled ``"cluster c (n = size)"``; panel titles are indices into ``images``.

    Notes
    -----
    Cluster numbers are arbitrary: k-means run with another ``random_state``
    may number the same groups differently.

    Examples
    --------
    >>> import numpy as np
    >>> from coursekit.plot import cluster_gallery
    >>> images = np.zeros((5, 8, 8, 3), dtype=np.uint8)
    >>> fig = cluster_gallery(images, [0, 1, 1, -1, 0], n_per_cluster=2)
    >>> [ax.get_ylabel() for ax in fig.axes[::2]]
    ['cluster 0\\n(n = 2)', 'cluster 1\\n(n = 2)', 'noise\\n(n = 1)']
    """
    imgs = image_list(images)
    labels = check_labels(labels, len(imgs))
    n_per_cluster = check_positive_int(n_per_cluster, "n_per_cluster")
    cats = categories(labels)
    names = {c: category_name(c) if is_noise(c) else f"cluster {c}" for c in cats}
    rows = _sample_rows(labels, cats, n_per_cluster, random_state)
    title = "Examples from each cluster" if suptitle is None else suptitle
    return _row_gallery(imgs, rows, names, title, panel_size)
