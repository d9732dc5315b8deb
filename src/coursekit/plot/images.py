"""Figures of images: one image, a montage, augmentations, a segmentation overlay."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from matplotlib.colors import to_rgb
from skimage.segmentation import find_boundaries

from coursekit._validation import check_image, to_float
from coursekit.plot._style import (
    OKABE_ITO,
    PANEL_TITLE_SIZE,
    check_displayable,
    check_positive_int,
    check_titles,
    draw_image,
    figure_of,
    hide_unused,
    image_list,
    is_label_image,
    new_figure,
    panel_height,
)

__all__ = ["show_image", "image_grid", "augmentation_grid", "segmentation_overlay"]


def _describe(image) -> str:
    h, w = image.shape[:2]
    if image.dtype == bool:
        return f"{h} × {w} mask"
    if is_label_image(image):
        return f"{h} × {w} label image ({len(np.unique(image))} labels)"
    kind = "RGB" if image.ndim == 3 else "grey"
    return f"{h} × {w} {kind} image ({image.dtype})"


def show_image(image, title=None, ax=None):
    """Show one image without ticks, grey images without contrast stretching.

    The course's replacement for the deprecated ``skimage.io.imshow``.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        uint8 in [0, 255] or float in [0, 1]. Grey images are drawn with
        ``cmap="gray"`` over the dtype's whole range (0–255 or 0–1), so
        their brightness is not rescaled. A boolean ``(H, W)`` mask is drawn
        black and white, an ``(H, W)`` integer label image (any integer
        dtype but uint8, e.g. k-means pixel labels) one Okabe–Ito colour per
        label (colours repeat after eight labels; -1 is grey).
    title : str, optional
        Panel title. By default the image's size, kind and dtype, e.g.
        ``"450 × 600 RGB image (uint8)"`` (height × width, in pixels).
    ax : matplotlib.axes.Axes, optional
        Draw on this axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the image (``ax``'s figure when ``ax`` is given).

    Examples
    --------
    >>> import numpy as np
    >>> from coursekit.plot import show_image
    >>> fig = show_image(np.zeros((32, 48), dtype=np.uint8), title="a black image")
    >>> fig.axes[0].get_title()
    'a black image'
    """
    arr = check_displayable(image)
    if ax is None:
        fig, ax = _single_image_figure(arr.shape)
    else:
        fig = figure_of(ax)
    draw_image(ax, arr, _describe(arr) if title is None else title)
    return fig


def image_grid(images, titles=None, ncols=None, suptitle=None, panel_size=2.0):
    """Show several images in a grid (a montage), each panel titled.

    Parameters
    ----------
    images : (n, H, W) or (n, H, W, 3) ndarray, or list of images
        uint8 in [0, 255] or float in [0, 1]; in a list the sizes may differ
        and masks or label images may appear (drawn as in :func:`show_image`).
    titles : list of str, optional
        One title per image; by default the image's position, ``"#0"``, ``"#1"``, ...
    ncols : int, optional
        Panels per row; by default about the square root of ``n``, at most 8.
    suptitle : str, optional
        Title above the whole grid; none by default.
    panel_size : float
        Width of one panel, in inches; the height follows the images' shape
        (the tallest image sets it).

    Returns
    -------
    matplotlib.figure.Figure
        A pyplot figure about ``ncols * panel_size`` inches wide.

    Raises
    ------
    ValueError
        If ``titles`` does not have one entry per image, or ``ncols`` or
        ``panel_size`` is not positive.

    Examples
    --------
    >>> import numpy as np
    >>> from coursekit.plot import image_grid
    >>> images = np.zeros((5, 16, 16, 3), dtype=np.uint8)
    >>> fig = image_grid(images, suptitle="five black squares")
    >>> len(fig.axes)  # 3 columns x 2 rows, the last panel switched off
    6
    """
    imgs = image_list(images)
    n = len(imgs)
    titles = [f"#{i}" for i in range(n)] if titles is None else check_titles(titles, n)
    ncols = min(n, 8, math.ceil(math.sqrt(n))) if ncols is None else check_positive_int(
        ncols, "ncols"
    )
    ncols = min(ncols, n)
    if not panel_size > 0:
        raise ValueError(f"panel_size must be a positive number of inches; got {panel_size!r}.")
    nrows = math.ceil(n / ncols)
    extra = 0.4 if suptitle else 0.0
    row_height = panel_height(imgs, panel_size) + 0.3  # room for the panel titles
    fig, axes = new_figure(nrows, ncols, figsize=(ncols * panel_size, nrows * row_height + extra))
    for i, (ax, img, title) in enumerate(zip(axes.flat, imgs, titles, strict=False)):
        draw_image(ax, img, title, name=f"images[{i}]", title_size=PANEL_TITLE_SIZE)
    hide_unused(axes, n)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def augmentation_grid(image, transforms, suptitle=None, ncols=4, panel_size=2.2):
    """Show an image beside its augmented versions, one titled panel each.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        The original, uint8 in [0, 255] or float in [0, 1].
    transforms : dict
        ``name -> callable(image) -> image`` or ``name -> already transformed
        image``; both may be mixed. Panels follow the dict's order.
    suptitle : str, optional
        Figure title; ``"Original and augmented versions"`` by default.
    ncols : int
        Panels per row (the original counts as one panel).
    panel_size : float
        Width and height of one panel, in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``transforms`` is not a dict.
    ValueError
        If ``transforms`` is empty, or a transform returns something that is
        not a valid image (the message names the transform).

    Examples
    --------
    >>> import numpy as np
    >>> from coursekit.plot import augmentation_grid
    >>> image = np.arange(64, dtype=np.uint8).reshape(8, 8)
    >>> fig = augmentation_grid(image, {"flip left-right": np.fliplr, "rotate 90°": np.rot90})
    >>> [ax.get_title() for ax in fig.axes]
    ['original', 'flip left-right', 'rotate 90°']
    """
    original = check_image(image)
    if not isinstance(transforms, Mapping):
        raise TypeError(
            "transforms must be a dict name -> callable(image) or name -> transformed image; "
            f"got {type(transforms).__name__}."
        )
    if not transforms:
        raise ValueError("transforms is empty; give at least one name -> transform.")
    panels, titles = [original], ["original"]
    for name, transform in transforms.items():
        result = transform(original.copy()) if callable(transform) else transform
        panels.append(check_image(result, name=f"transforms[{name!r}] result"))
        titles.append(str(name))
    fig = image_grid(
        panels,
        titles=titles,
        ncols=min(len(panels), check_positive_int(ncols, "ncols")),
        suptitle="Original and augmented versions" if suptitle is None else suptitle,
        panel_size=panel_size,
    )
    return fig


def segmentation_overlay(image, mask, title=None, colour=OKABE_ITO[7], alpha=0.4, ax=None):
    """Show an image with a mask's boundary drawn on it and its inside tinted.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        uint8 in [0, 255] or float in [0, 1].
    mask : (H, W) ndarray of bool or int
        Non-zero pixels are the segmented region (a label image works too:
        boundaries between labels are drawn as well).
    title : str, optional
        By default the share of pixels inside the mask, e.g.
        ``"segmentation: 23% of pixels"``.
    colour : matplotlib colour
        Colour of the boundary and of the tint; Okabe–Ito yellow by default,
        which stands out on skin and on dark lesions.
    alpha : float
        Opacity of the tint inside the mask, in [0, 1]; 0 draws the boundary only.
    ax : matplotlib.axes.Axes, optional
        Draw on this axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``mask`` does not have the image's height and width, or ``alpha``
        is outside [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from coursekit.plot import segmentation_overlay
    >>> image = np.full((40, 40), 0.5)
    >>> mask = np.zeros((40, 40), dtype=bool)
    >>> mask[10:30, 10:30] = True
    >>> segmentation_overlay(image, mask).axes[0].get_title()
    'segmentation: 25% of pixels'
    """
    arr = check_image(image)
    mask = np.asarray(mask)
    if mask.shape != arr.shape[:2]:
        raise ValueError(
            f"mask has shape {mask.shape}; expected the image's height and width {arr.shape[:2]}."
        )
    if not (mask.dtype == bool or np.issubdtype(mask.dtype, np.integer)):
        raise TypeError(f"mask has dtype {mask.dtype}; expected bool or integer labels.")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1]; got {alpha!r}.")
    rgb = np.asarray(to_rgb(colour))
    shown = to_float(arr)
    if shown.ndim == 2:
        shown = np.repeat(shown[..., None], 3, axis=2)
    else:
        shown = shown.copy()
    inside = mask != 0
    shown[inside] = (1 - alpha) * shown[inside] + alpha * rgb
    shown[find_boundaries(mask, mode="inner")] = rgb
    if title is None:
        title = f"segmentation: {inside.mean():.0%} of pixels"
    if ax is None:
        fig, ax = _single_image_figure(arr.shape)
    else:
        fig = figure_of(ax)
    draw_image(ax, shown, title)
    return fig


def _single_image_figure(shape):
    """A one-panel figure about 4 inches on its long side, shaped like the image."""
    h, w = shape[:2]
    scale = 4.0 / max(h, w)
    fig, axes = new_figure(figsize=(max(2.5, w * scale + 0.4), max(2.5, h * scale + 0.6)))
    return fig, axes[0, 0]
