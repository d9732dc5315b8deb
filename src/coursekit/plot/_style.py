"""Palettes, figure creation and the checks every plot function shares.

Colours
-------
Categories use the Okabe–Ito palette (distinguishable with the common
colour-vision deficiencies); beyond eight categories the marker shape
changes as well, so every category stays distinct. Continuous values use
``cividis``. Noise points (label ``-1`` from DBSCAN-style clustering) are
grey and called "noise".
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb

from coursekit._validation import check_image, check_images

#: Okabe & Ito (2008), ordered so that the weakest colour on white (yellow) comes last.
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#000000",  # black
    "#F0E442",  # yellow
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
NOISE_COLOUR = "#999999"
CONTINUOUS_CMAP = "cividis"
#: The colour of single-series charts (bars, one line).
MAIN_COLOUR = OKABE_ITO[0]

PANEL_TITLE_SIZE = 9


def new_figure(nrows=1, ncols=1, *, figsize, **kwargs):
    """``plt.subplots`` with constrained layout and a 2-D array of axes.

    pyplot figures display themselves in notebooks; the caller closes them
    (or passes them to :func:`coursekit.plot.save_figure`).
    """
    return plt.subplots(
        nrows, ncols, figsize=figsize, layout="constrained", squeeze=False, **kwargs
    )


def figure_of(ax):
    """The top-level Figure holding ``ax`` (also when ``ax`` lives in a SubFigure)."""
    fig = ax.figure
    while getattr(fig, "figure", fig) is not fig:
        fig = fig.figure
    return fig


# ---------------------------------------------------------------------------- images


def is_label_image(arr) -> bool:
    """True for a 2-D bool mask or integer label image (any integer dtype but uint8)."""
    return arr.ndim == 2 and (
        arr.dtype == bool or (np.issubdtype(arr.dtype, np.integer) and arr.dtype != np.uint8)
    )


def check_displayable(image, name="image"):
    """A course image (see :func:`check_image`), or a 2-D mask / label image to show as such."""
    arr = np.asarray(image)
    if is_label_image(arr):
        if arr.size == 0:
            raise ValueError(f"{name} is empty, shape {arr.shape}.")
        return arr
    return check_image(arr, name=name)


def label_colours(labels):
    """RGB float image painting each label with its Okabe–Ito colour (-1 grey)."""
    values, inverse = np.unique(labels, return_inverse=True)
    styles = category_styles(values.tolist())
    palette = np.array([to_rgb(styles[v][0]) for v in values.tolist()])
    return palette[inverse.reshape(labels.shape)]


def draw_image(ax, image, title, *, name="image", title_size=None):
    """Show one image on ``ax``: no ticks, a title, grey not auto-stretched.

    Grey images use ``cmap="gray"`` with the full range of their dtype
    (0–255 for uint8, 0–1 for float), so a dark image looks dark. Boolean
    masks are black (False) and white (True); integer label images other
    than uint8 (k-means labels, say) are painted with the categorical palette.
    """
    arr = check_displayable(image, name=name)
    if arr.dtype == bool:
        ax.imshow(arr, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    elif is_label_image(arr):
        ax.imshow(label_colours(arr), interpolation="nearest")
    elif arr.ndim == 2:
        vmax = 255 if arr.dtype == np.uint8 else 1.0
        ax.imshow(arr, cmap="gray", vmin=0, vmax=vmax)
    else:
        ax.imshow(arr)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=title_size)
    return ax


def image_list(images, name="images"):
    """Check a batch ``(n, H, W[, 3])`` or a list of images (sizes may differ).

    Returns a list of arrays.
    """
    if isinstance(images, np.ndarray):
        if images.ndim == 3 and images.shape[2] == 3:
            raise ValueError(
                f"{name} has shape {images.shape}, which looks like one RGB image; "
                "pass a batch (n, H, W, 3) or a list of images (use show_image for one image)."
            )
        return list(check_images(images, name=name))
    if isinstance(images, (str, bytes)) or not isinstance(images, Sequence):
        raise TypeError(
            f"{name} must be an array (n, H, W) / (n, H, W, 3) or a list of images; "
            f"got {type(images).__name__}."
        )
    if len(images) == 0:
        raise ValueError(f"{name} is empty; expected at least one image.")
    return [check_displayable(img, name=f"{name}[{i}]") for i, img in enumerate(images)]


def panel_height(images, panel_size):
    """Height of a panel, in inches, so that the tallest image (relative to its width) fits.

    ``panel_size`` is the panel width; landscape images get shorter rows,
    portrait ones taller (at most three times the width).
    """
    ratio = max(img.shape[0] / img.shape[1] for img in images)
    return panel_size * min(max(ratio, 0.3), 3.0)


def check_titles(titles, n, name="titles"):
    """A list of ``n`` strings, or a clear error."""
    if isinstance(titles, str) or not isinstance(titles, Sequence):
        raise TypeError(f"{name} must be a list of {n} strings; got {type(titles).__name__}.")
    if len(titles) != n:
        raise ValueError(f"{name} has {len(titles)} entries but there are {n} images.")
    return [str(t) for t in titles]


def hide_unused(axes, n_used):
    """Switch off the axes after the first ``n_used`` (the empty end of a grid)."""
    for ax in axes.flat[n_used:]:
        ax.axis("off")


# ---------------------------------------------------------------------------- categories


def check_labels(labels, n, name="labels", n_name="images"):
    """``labels`` as a 1-D array of length ``n``."""
    arr = np.asarray(labels)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} has shape {arr.shape}; expected one label per item, shape ({n},)."
        )
    if arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} entries but there are {n} {n_name}.")
    return arr


def is_noise(label) -> bool:
    """True for the integer label -1 (noise in DBSCAN/HDBSCAN)."""
    return isinstance(label, numbers.Integral) and not isinstance(label, bool) and label == -1


def categories(labels, name="labels"):
    """Distinct labels, sorted, with the noise label -1 last."""
    try:
        values = np.unique(labels).tolist()
    except TypeError as exc:
        raise TypeError(
            f"{name} mixes values that cannot be sorted (e.g. numbers and text): {exc}"
        ) from exc
    return sorted(values, key=is_noise)


def category_name(label) -> str:
    return "noise" if is_noise(label) else str(label)


def category_styles(cats):
    """Map each category to ``(colour, marker)``: Okabe–Ito, grey for noise."""
    styles = {}
    i = 0
    for cat in cats:
        if is_noise(cat):
            styles[cat] = (NOISE_COLOUR, "o")
            continue
        styles[cat] = (OKABE_ITO[i % len(OKABE_ITO)], MARKERS[(i // len(OKABE_ITO)) % len(MARKERS)])
        i += 1
    return styles


def check_class_names(class_names, cats):
    """Display names for ``cats`` from a dict label -> name or a list indexed by integer label."""
    if class_names is None:
        return {c: category_name(c) for c in cats}
    if isinstance(class_names, Mapping):
        missing = [c for c in cats if c not in class_names]
        if missing:
            raise ValueError(f"class_names has no entry for the labels {missing}.")
        return {c: str(class_names[c]) for c in cats}
    if isinstance(class_names, Sequence) and not isinstance(class_names, str):
        bad = [
            c
            for c in cats
            if not isinstance(c, numbers.Integral) or not 0 <= c < len(class_names)
        ]
        if bad:
            raise ValueError(
                f"class_names is a list of {len(class_names)} names, so labels must be integers "
                f"0..{len(class_names) - 1}; got the labels {bad}. "
                "Pass a dict label -> name instead."
            )
        return {c: str(class_names[c]) for c in cats}
    raise TypeError(
        "class_names must be None, a dict label -> name or a list; "
        f"got {type(class_names).__name__}."
    )


def check_positive_int(value, name):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    return int(value)
