"""Texture and shape features of the grey image: local binary patterns, GLCM statistics, HOG."""

from __future__ import annotations

import numbers

import numpy as np
from skimage import color, feature

from coursekit._validation import check_image, check_integer, check_size, to_float

__all__ = ["GLCM_PROPERTIES", "grey", "lbp_histogram", "glcm_features", "hog_features"]

GLCM_PROPERTIES = ("contrast", "dissimilarity", "homogeneity", "energy", "correlation", "ASM")


def grey(image) -> np.ndarray:
    """Return the grey (luminance) image as float64 in [0, 1].

    RGB images go through :func:`skimage.color.rgb2gray` (``0.2125 R + 0.7154 G + 0.0721 B``);
    grey images are only scaled to [0, 1].
    """
    image = to_float(check_image(image))
    return color.rgb2gray(image) if image.ndim == 3 else image


def _check_positive_number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"{name} must be a positive number; got {value!r}.")
    return float(value)


def lbp_histogram(image, P=8, R=1.0):
    """Normalised histogram of the uniform local binary patterns of the grey image.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        ``uint8`` in [0, 255] or float in [0, 1]; RGB is turned grey first (:func:`grey`).
    P : int, optional
        Number of circularly symmetric neighbours (>= 1).
    R : float, optional
        Radius of the circle of neighbours, in pixels (> 0).

    Returns
    -------
    (P + 2,) ndarray of float64
        Fraction of pixels with each uniform LBP code ``0 .. P + 1``; sums to 1. Codes
        ``0 .. P`` count the neighbours brighter than or equal to the centre pixel for the
        "uniform" patterns (edges, spots, flat areas); code ``P + 1`` collects all
        non-uniform patterns.

    Notes
    -----
    The grey image is rounded to ``uint8`` (``rint(grey * 255)``) before
    :func:`skimage.feature.local_binary_pattern` with ``method="uniform"``, because LBP
    compares neighbours with ``>=`` and float rounding noise would otherwise flip codes.
    Neighbours outside the image count as black (0), so edge pixels of a flat, non-black
    image get "spot" codes.

    Examples
    --------
    >>> import numpy as np
    >>> lbp_histogram(np.zeros((8, 8)), P=8, R=1)   # flat: every neighbour ties the centre
    array([0., 0., 0., 0., 0., 0., 0., 0., 1., 0.])
    """
    P = check_integer(P, "P", minimum=1)
    R = _check_positive_number(R, "R")
    grey_u8 = np.rint(grey(image) * 255.0).astype(np.uint8)
    codes = feature.local_binary_pattern(grey_u8, P, R, method="uniform")
    counts = np.bincount(codes.astype(np.intp).ravel(), minlength=P + 2)
    return counts / counts.sum()


def glcm_features(
    image,
    distances=(1,),
    angles=(0.0, np.pi / 4, np.pi / 2, 3 * np.pi / 4),
    levels=32,
):
    """Grey-level co-occurrence (Haralick) statistics, averaged over angles.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        ``uint8`` in [0, 255] or float in [0, 1]; RGB is turned grey first (:func:`grey`).
    distances : sequence of int, optional
        Pixel-pair offsets, in pixels (each >= 1).
    angles : sequence of float, optional
        Pixel-pair directions in radians, counter-clockwise from the x-axis (0 is "to the
        right", ``pi / 2`` "up").
    levels : int, optional
        Number of grey levels the image is quantised to, 2 .. 256.

    Returns
    -------
    (6 * len(distances),) ndarray of float64
        Property by property, each for every distance in order: contrast, dissimilarity,
        homogeneity, energy, correlation, ASM (see :data:`GLCM_PROPERTIES`), each averaged
        over ``angles``. Contrast and dissimilarity are in squared and plain grey-level
        steps of the quantised image; the others are unitless (correlation in [-1, 1],
        the rest in [0, 1]).

    Notes
    -----
    The grey image in [0, 1] is quantised to ``min(floor(grey * levels), levels - 1)``;
    the co-occurrence matrix is :func:`skimage.feature.graycomatrix` with
    ``symmetric=True, normed=True`` and the properties come from
    :func:`skimage.feature.graycoprops` (which gives correlation 1 for a flat image).

    Examples
    --------
    >>> import numpy as np
    >>> stripes = np.tile([0.0, 1.0], (8, 4))       # vertical stripes, 1 pixel wide
    >>> glcm_features(stripes, angles=(0,))[:2]    # contrast, dissimilarity across stripes
    array([961.,  31.])
    """
    levels = check_integer(levels, "levels", minimum=2, maximum=256)
    distances = np.atleast_1d(np.asarray(distances))
    if (
        distances.ndim != 1
        or distances.size == 0
        or not np.issubdtype(distances.dtype, np.integer)
        or np.any(distances < 1)
    ):
        raise ValueError(
            f"distances must be a non-empty sequence of integers >= 1; got {distances}."
        )
    angles = np.atleast_1d(np.asarray(angles, dtype=np.float64))
    if angles.ndim != 1 or angles.size == 0 or not np.all(np.isfinite(angles)):
        raise ValueError(f"angles must be a non-empty sequence of finite radians; got {angles}.")
    quantised = np.minimum(np.floor(grey(image) * levels), levels - 1).astype(np.uint8)
    matrix = feature.graycomatrix(
        quantised, distances, angles, levels=levels, symmetric=True, normed=True
    )
    return np.concatenate(
        [feature.graycoprops(matrix, prop).mean(axis=1) for prop in GLCM_PROPERTIES]
    ).astype(np.float64)


def hog_features(image, orientations=9, pixels_per_cell=(16, 16), cells_per_block=(2, 2)):
    """Histogram of oriented gradients (HOG) of the grey image.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        ``uint8`` in [0, 255] or float in [0, 1]; RGB is turned grey first (:func:`grey`).
        Must hold at least one block of cells.
    orientations : int, optional
        Number of gradient-direction bins over 0-180 degrees (unsigned gradients).
    pixels_per_cell : (int, int), optional
        Cell size in pixels (rows, columns). The default 16 x 16 gives 4 x 4 cells on a
        64 x 64 image.
    cells_per_block : (int, int), optional
        Block size in cells for the local contrast normalisation ("L2-Hys").

    Returns
    -------
    (d,) ndarray of float64
        The flattened, block-normalised HOG descriptor, values in [0, 1]. Its length is
        ``n_blocks_row * n_blocks_col * cells_per_block[0] * cells_per_block[1] *
        orientations`` with ``n_blocks = H // pixels_per_cell - cells_per_block + 1`` per axis:
        324 for a 64 x 64 image with the defaults, so images must share one size to be
        compared.

    Examples
    --------
    >>> import numpy as np
    >>> hog_features(np.zeros((64, 64))).shape
    (324,)
    """
    orientations = check_integer(orientations, "orientations", minimum=1)
    pixels_per_cell = check_size(pixels_per_cell, "pixels_per_cell")
    cells_per_block = check_size(cells_per_block, "cells_per_block")
    grey_image = grey(image)
    for axis, axis_name in enumerate(("height", "width")):
        needed = pixels_per_cell[axis] * cells_per_block[axis]
        if grey_image.shape[axis] < needed:
            raise ValueError(
                f"image {axis_name} {grey_image.shape[axis]} is smaller than one HOG block "
                f"({cells_per_block[axis]} cells x {pixels_per_cell[axis]} pixels = {needed}); "
                "use smaller pixels_per_cell or cells_per_block."
            )
    return feature.hog(
        grey_image,
        orientations=orientations,
        pixels_per_cell=pixels_per_cell,
        cells_per_block=cells_per_block,
        block_norm="L2-Hys",
        feature_vector=True,
    ).astype(np.float64)
