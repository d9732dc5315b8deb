"""Scatter plots: images in a 2-D embedding, pixels in a colour space."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import Normalize
from matplotlib.offsetbox import AnnotationBbox, OffsetImage
from skimage.color import rgb2hsv, rgb2lab

from coursekit._validation import check_image, check_images, check_random_state, to_float
from coursekit.plot._style import (
    MAIN_COLOUR,
    categories,
    category_name,
    category_styles,
    check_labels,
    check_positive_int,
    new_figure,
)

__all__ = ["embedding_scatter", "colour_scatter"]

#: Axis names and value ranges of each colour space (None: fit to the data).
COLOUR_SPACES = {
    "rgb": (("R (red)", "G (green)", "B (blue)"), ((0, 1), (0, 1), (0, 1))),
    "lab": (("L* (lightness)", "a* (green → red)", "b* (blue → yellow)"), ((0, 100), None, None)),
    "hsv": (("H (hue)", "S (saturation)", "V (value)"), ((0, 1), (0, 1), (0, 1))),
}


def _check_points(points, name, width):
    arr = np.asarray(points)
    if arr.ndim != 2 or arr.shape[1] != width or arr.shape[0] == 0:
        raise ValueError(
            f"{name} has shape {arr.shape}; expected (n, {width}) with n > 0"
            + (" (reduce it to 2 dimensions first, e.g. with PCA or t-SNE)." if width == 2 else ".")
        )
    if not np.issubdtype(arr.dtype, np.number) or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers; got dtype {arr.dtype} or NaN/inf.")
    return arr.astype(float, copy=False)


def _scatter_by_category(ax, xy, labels, label_name, size, zs=None):
    """One scatter call per category so that the legend lists each (with its count)."""
    cats = categories(labels)
    styles = category_styles(cats)
    for cat in cats:
        sel = labels == cat
        colour, marker = styles[cat]
        coords = (xy[sel, 0], xy[sel, 1]) if zs is None else (xy[sel, 0], xy[sel, 1], zs[sel])
        ax.scatter(
            *coords,
            s=size,
            color=colour,
            marker=marker,
            edgecolors="white",
            linewidths=0.3,
            label=f"{category_name(cat)} (n = {int(sel.sum())})",
        )
    ax.legend(
        title=label_name,
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        frameon=False,
        markerscale=1.5,
    )
    return styles


def embedding_scatter(
    embedding,
    labels=None,
    thumbnails=None,
    title="Images in a 2-D embedding",
    xlabel="component 1",
    ylabel="component 2",
    label_name="diagnosis",
    max_thumbnails=60,
    thumbnail_size=0.45,
    random_state=0,
):
    """Scatter images in two dimensions, coloured by category, optionally with thumbnails.

    Parameters
    ----------
    embedding : (n, 2) array_like
        One point per image, e.g. the first two principal components.
    labels : (n,) array_like, optional
        Category of each point (diagnosis, cluster, ...); each gets an
        Okabe–Ito colour and a legend entry with its count. Cluster ``-1``
        is grey "noise". Without labels all points share one colour.
    thumbnails : (n, H, W) or (n, H, W, 3) ndarray, optional
        The images, aligned with ``embedding``; a random subset of at most
        ``max_thumbnails`` is drawn at its points, framed in its category's colour.
    title, xlabel, ylabel : str
        Axes title and axis labels.
    label_name : str
        Legend title (what the labels are).
    max_thumbnails : int
        Upper bound on drawn thumbnails, so the plot stays readable.
    thumbnail_size : float
        Side of a thumbnail, in inches.
    random_state : None, int or numpy.random.Generator
        Chooses which thumbnails are drawn.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``embedding`` is not ``(n, 2)``, or ``labels`` or ``thumbnails``
        do not have ``n`` entries.

    Examples
    --------
    >>> import numpy as np
    >>> from coursekit.plot import embedding_scatter
    >>> xy = np.random.default_rng(0).normal(size=(30, 2))
    >>> fig = embedding_scatter(xy, ["nv"] * 20 + ["mel"] * 10, xlabel="PC 1", ylabel="PC 2")
    >>> ax = fig.axes[0]
    >>> ax.get_xlabel(), [t.get_text() for t in ax.get_legend().get_texts()]
    ('PC 1', ['mel (n = 10)', 'nv (n = 20)'])
    """
    xy = _check_points(embedding, "embedding", 2)
    n = xy.shape[0]
    fig, axes = new_figure(figsize=(7.5, 5.5))
    ax = axes[0, 0]
    size = 36 if n <= 200 else 12
    if labels is None:
        labels_arr = None
        ax.scatter(
            xy[:, 0], xy[:, 1], s=size, color=MAIN_COLOUR, edgecolors="white", linewidths=0.3
        )
        styles = None
    else:
        labels_arr = check_labels(labels, n, n_name="points in embedding")
        styles = _scatter_by_category(ax, xy, labels_arr, label_name, size)
    if thumbnails is not None:
        ax.margins(0.08)  # room for the thumbnails of the outermost points
        thumbs = check_images(thumbnails, name="thumbnails")
        if thumbs.shape[0] != n:
            raise ValueError(
                f"thumbnails has {thumbs.shape[0]} images but embedding has {n} points."
            )
        k = min(check_positive_int(max_thumbnails, "max_thumbnails"), n)
        chosen = np.sort(check_random_state(random_state).choice(n, size=k, replace=False))
        zoom = thumbnail_size * 72.0 / max(thumbs.shape[1:3])  # OffsetImage sizes are in points
        grey = thumbs.ndim == 3
        norm = Normalize(0, 255 if thumbs.dtype == np.uint8 else 1.0) if grey else None
        for i in chosen:
            edge = MAIN_COLOUR if styles is None else styles[labels_arr[i]][0]
            box = OffsetImage(thumbs[i], zoom=zoom, cmap="gray" if grey else None, norm=norm)
            ax.add_artist(
                AnnotationBbox(
                    box, tuple(xy[i]), frameon=True, pad=0.1,
                    bboxprops={"edgecolor": edge, "linewidth": 1.5},
                )
            )
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


def colour_scatter(
    image,
    labels=None,
    colour_space="rgb",
    n_samples=2000,
    random_state=0,
    kind="3d",
    title=None,
    label_name="cluster",
):
    """Scatter a random sample of an image's pixels in a colour space.

    Each pixel is one point at its colour coordinates, drawn in its own colour
    or, with ``labels``, in the colour of its cluster: the picture behind
    clustering pixels by colour.

    Parameters
    ----------
    image : (H, W, 3) ndarray
        RGB, uint8 in [0, 255] or float in [0, 1].
    labels : (H, W) or (H * W,) array_like, optional
        Cluster of each pixel (row-major order when flat).
    colour_space : {"rgb", "lab", "hsv"}
        Coordinates of the points: R, G, B in [0, 1]; CIE L* in [0, 100] with
        a*, b* (about -128 to 127); or H, S, V in [0, 1].
    n_samples : int
        Pixels drawn without replacement (all pixels if the image has fewer).
    random_state : None, int or numpy.random.Generator
        Chooses the pixels.
    kind : {"3d", "pairs"}
        One 3-D scatter, or three 2-D scatters of the channel pairs (easier
        to read on paper).
    title : str, optional
        By default ``"<n> sampled pixels in <SPACE> space"``.
    label_name : str
        Legend title when ``labels`` is given.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        For an unknown ``colour_space`` or ``kind``, a grey image, or labels
        that do not have one entry per pixel.

    Examples
    --------
    >>> import numpy as np
    >>> from coursekit.plot import colour_scatter
    >>> image = np.random.default_rng(0).integers(0, 256, (20, 20, 3), dtype=np.uint8)
    >>> ax = colour_scatter(image, colour_space="lab", n_samples=100).axes[0]
    >>> ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel()
    ('L* (lightness)', 'a* (green → red)', 'b* (blue → yellow)')
    """
    arr = check_image(image, allow_grey=False)
    space = str(colour_space).lower()
    if space not in COLOUR_SPACES:
        raise ValueError(
            f"colour_space must be one of {sorted(COLOUR_SPACES)}; got {colour_space!r}."
        )
    if kind not in ("3d", "pairs"):
        raise ValueError(f"kind must be '3d' or 'pairs'; got {kind!r}.")
    h, w = arr.shape[:2]
    rgb = to_float(arr).reshape(-1, 3)
    if labels is not None:
        labels_arr = np.asarray(labels)
        if labels_arr.shape not in ((h, w), (h * w,)):
            raise ValueError(
                f"labels has shape {labels_arr.shape}; expected one label per pixel, "
                f"({h}, {w}) or ({h * w},)."
            )
        labels_arr = labels_arr.reshape(-1)
    m = min(check_positive_int(n_samples, "n_samples"), h * w)
    chosen = check_random_state(random_state).choice(h * w, size=m, replace=False)
    rgb = rgb[chosen]
    if space == "lab":
        coords = rgb2lab(rgb[:, None, :])[:, 0, :]
    elif space == "hsv":
        coords = rgb2hsv(rgb[:, None, :])[:, 0, :]
    else:
        coords = rgb
    names, limits = COLOUR_SPACES[space]
    title = f"{m} sampled pixels in {space.upper()} space" if title is None else title
    size = 6 if m > 500 else 16

    if kind == "3d":
        fig, axes = new_figure(figsize=(7.0, 6.0), subplot_kw={"projection": "3d"})
        ax = axes[0, 0]
        if labels is None:
            ax.scatter(*coords.T, c=rgb, s=size, depthshade=False)
        else:
            _scatter_by_category(ax, coords, labels_arr[chosen], label_name, size, zs=coords[:, 2])
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        ax.set_zlabel(names[2])
        for setter, lim in zip((ax.set_xlim, ax.set_ylim, ax.set_zlim), limits, strict=True):
            if lim is not None:
                setter(*lim)
        ax.set_title(title)
        return fig

    fig, axes = new_figure(1, 3, figsize=(12.0, 4.2))
    for ax, (a, b) in zip(axes[0], ((0, 1), (0, 2), (1, 2)), strict=True):
        if labels is None:
            ax.scatter(coords[:, a], coords[:, b], c=rgb, s=size)
        else:
            _scatter_by_category(ax, coords[:, [a, b]], labels_arr[chosen], label_name, size)
            if ax is not axes[0, -1]:
                ax.get_legend().remove()
        ax.set_xlabel(names[a])
        ax.set_ylabel(names[b])
        for setter, lim in ((ax.set_xlim, limits[a]), (ax.set_ylim, limits[b])):
            if lim is not None:
                setter(*lim)
        ax.set_title(f"{names[a].split()[0]} vs {names[b].split()[0]}")
    fig.suptitle(title)
    return fig
