"""Geometric augmentations: resizing, rotations, flips and crops.

All functions take an ``(H, W)`` grey or ``(H, W, 3)`` RGB image, ``uint8`` in
[0, 255] or float in [0, 1], and return a new array of the same dtype and range.
Angles are in degrees, counter-clockwise, as in :func:`skimage.transform.rotate`
and :func:`numpy.rot90`. Sizes are ``(height, width)`` in pixels.
"""

from __future__ import annotations

import numpy as np
import skimage.transform

from coursekit._validation import check_image, check_random_state
from coursekit.augment._kernels import contiguous_copy
from coursekit.augment._params import check_choice, check_integer, check_number, check_size
from coursekit.augment._warp import rotate_exact

__all__ = ["resize_image", "rotate90", "rotate", "flip", "random_crop"]

ROTATE_MODES = ("constant", "edge", "symmetric", "reflect", "wrap")
FLIP_AXES = ("horizontal", "vertical")

# An angle this close to a multiple of 90 degrees is treated as exactly that multiple.
_QUARTER_TURN_TOLERANCE = 1e-9


def _back_to_dtype(result: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Return ``result`` (in the range of ``like``) in the dtype of ``like``: rounded, clipped."""
    if like.dtype == np.uint8:
        return np.clip(np.rint(result), 0, 255).astype(np.uint8)
    return np.clip(result, 0.0, 1.0).astype(like.dtype, copy=False)


def resize_image(image, size):
    """Resize an image to ``size`` pixels with bilinear interpolation.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        Grey or RGB image, ``uint8`` in [0, 255] or float in [0, 1].
    size : tuple of 2 int
        Output ``(height, width)`` in pixels, each >= 1. The aspect ratio is
        not kept unless you choose ``size`` to keep it.

    Returns
    -------
    resized : (height, width) or (height, width, 3) ndarray
        Same dtype and range as ``image``; ``uint8`` results are rounded to the
        nearest integer (``np.rint``; where the exact value lies within 1e-6 of .5
        either neighbour is accepted).

    Notes
    -----
    Equivalent to ``skimage.transform.resize(image, size, order=1,
    anti_aliasing=True, preserve_range=True)`` followed by rounding for
    ``uint8``: bilinear interpolation (order 1), and when shrinking the image is
    first smoothed with a Gaussian (sigma ``(scale - 1) / 2`` along each axis)
    so that fine detail does not alias into stripes. Channels are never mixed.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.zeros((4, 6), dtype=np.uint8)
    >>> resize_image(image, (2, 3)).shape
    (2, 3)
    >>> resize_image(np.ones((2, 2, 3)), (5, 4)).shape
    (5, 4, 3)
    """
    return _resize_image(check_image(image), size)


def _resize_image(image, size):
    """:func:`resize_image` of an image that has already been validated."""
    height, width = check_size(size)
    if (height, width) == image.shape[:2]:
        return image.copy()
    resized = skimage.transform.resize(
        image, (height, width), order=1, anti_aliasing=True, preserve_range=True
    )
    return _back_to_dtype(resized, image)


def rotate90(image, k=1):
    """Rotate an image by ``k`` quarter turns counter-clockwise, exactly.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        Grey or RGB image, ``uint8`` in [0, 255] or float in [0, 1]. It is
        not changed.
    k : int, optional
        Number of quarter turns (90 degrees each), counter-clockwise. Any
        integer: negative values turn clockwise, ``k`` and ``k + 4`` give the
        same result, and ``k = 0`` gives an unchanged copy.

    Returns
    -------
    rotated : (H, W) or (W, H) ndarray, with the channel axis kept
        The same pixel values, moved: no interpolation, so nothing is lost.
        The shape becomes ``(W, H[, 3])`` for odd ``k``; same dtype. A new
        array, never a view of ``image`` (a view shares the input's memory,
        so changing one would change the other).

    See Also
    --------
    numpy.rot90 : ``rotate90(image, k)`` equals ``np.rot90(image, k, axes=(0, 1))``.
    rotate : any angle, with interpolation.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.array([[1, 2],
    ...                   [3, 4]], dtype=np.uint8)
    >>> rotate90(image)
    array([[2, 4],
           [1, 3]], dtype=uint8)
    >>> rotate90(image, k=-1)
    array([[3, 1],
           [4, 2]], dtype=uint8)
    """
    return contiguous_copy(_rotate90_view(check_image(image), k))


def _rotate90_view(image, k=1):
    """``np.rot90(image, k, axes=(0, 1))`` after checking ``k``: a view, not a copy."""
    k = check_integer(k, "k")
    return np.rot90(image, k % 4, axes=(0, 1))


def _rotate90(image, k=1):
    """:func:`rotate90` of an image that has already been validated."""
    return contiguous_copy(_rotate90_view(image, k))


def rotate(image, angle, mode="reflect", resize=False, order=1, cval=0.0):
    """Rotate an image by ``angle`` degrees counter-clockwise about its centre.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        Grey or RGB image, ``uint8`` in [0, 255] or float in [0, 1].
    angle : float
        Rotation angle in degrees, counter-clockwise (negative: clockwise).
    mode : {'reflect', 'constant', 'edge', 'symmetric', 'wrap'}, optional
        How the corners uncovered by the rotation are filled, as in
        :func:`numpy.pad`: 'reflect' mirrors the image without repeating the
        edge pixel, 'symmetric' mirrors it with the edge repeated, 'edge'
        repeats the edge pixel, 'wrap' tiles the image, 'constant' fills with
        ``cval``.
    resize : bool, optional
        If True, the output is enlarged so that the whole rotated image fits
        (larger canvas, corners filled according to ``mode``). If False the
        output has the input's shape and the rotated corners are cut off.
    order : int, optional
        Spline interpolation order, 0 (nearest neighbour) to 5; 1 (bilinear)
        by default.
    cval : float, optional
        Fill value for ``mode='constant'``, in the image's own range: 0..255
        for ``uint8``, 0..1 for float.

    Returns
    -------
    rotated : ndarray
        Same dtype and range as ``image``; ``uint8`` results are rounded to the
        nearest integer and clipped. Shape: see Notes.

    Raises
    ------
    ValueError
        If ``angle`` is not finite, ``mode`` is unknown, ``order`` is not in
        0..5 or ``cval`` is outside the image's range.

    Notes
    -----
    If ``angle`` is a multiple of 90 (within 1e-9 degrees) the result is exact
    and lossless, identical to :func:`rotate90` with ``k = angle / 90``: pixels
    are moved, not interpolated, and for odd multiples the shape becomes
    ``(W, H[, 3])`` *whatever* ``resize`` is (a quarter turn of a non-square
    image does not fit its own canvas). ``mode``, ``order`` and ``cval`` then
    play no role.

    Any other angle is interpolated exactly like ``skimage.transform.rotate(
    image, angle, resize=resize, mode=mode, order=order, cval=cval,
    preserve_range=True)``; the output shape is ``(H, W[, 3])`` if ``resize``
    is False, else the rounded size of the rotated bounding box,
    ``round(H cos a + W sin a - (cos a + sin a) + 1)`` rows for an angle ``a``
    in [0, 90] degrees (likewise for the columns with H and W swapped).

    For ``order=1`` with ``uint8`` or float64 images the result is computed by
    a compiled copy of scikit-image's arithmetic (numba; without numba, a numpy
    one): the same operations in the same order, hence the same bits, several
    times faster. A probe run once per process checks that against
    scikit-image and otherwise scikit-image itself is called, as it is for
    other orders and float32 images.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.arange(6, dtype=np.uint8).reshape(2, 3)
    >>> rotate(image, 90)
    array([[2, 5],
           [1, 4],
           [0, 3]], dtype=uint8)
    >>> rotate(image, 450).shape
    (3, 2)
    >>> rotate(np.zeros((40, 60)), 30, resize=True).shape
    (64, 72)
    """
    return _rotate(check_image(image), angle, mode, resize, order, cval)


def _rotate(image, angle, mode="reflect", resize=False, order=1, cval=0.0):
    """:func:`rotate` of an image that has already been validated (views are fine)."""
    angle = check_number(angle, "angle")
    mode = check_choice(mode, "mode", ROTATE_MODES)
    if not isinstance(resize, (bool, np.bool_)):
        raise TypeError(f"resize must be True or False; got {resize!r}.")
    order = check_integer(order, "order", minimum=0)
    if order > 5:
        raise ValueError(f"order must be an integer in 0..5 (spline order); got {order}.")
    top = 255.0 if image.dtype == np.uint8 else 1.0
    cval = check_number(cval, "cval", minimum=0.0, maximum=top)

    quarter_turns = round(angle / 90.0)
    if abs(angle - 90.0 * quarter_turns) <= _QUARTER_TURN_TOLERANCE:
        return _rotate90(image, quarter_turns)
    if order == 1:
        # The same arithmetic as scikit-image, vectorised (coursekit.augment._warp).
        rotated = rotate_exact(image, angle, bool(resize), mode, cval)
        if rotated is not None:
            return rotated
    rotated = skimage.transform.rotate(
        image,
        angle,
        resize=bool(resize),
        mode=mode,
        order=order,
        cval=cval,
        preserve_range=True,
    )
    return _back_to_dtype(rotated, image)


def flip(image, axis):
    """Mirror an image left-right or upside down.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        Grey or RGB image, ``uint8`` in [0, 255] or float in [0, 1]. It is
        not changed.
    axis : {'horizontal', 'vertical'}
        'horizontal' mirrors left-right (the columns are reversed, as
        :func:`numpy.fliplr`); 'vertical' turns the image upside down (the rows
        are reversed, as :func:`numpy.flipud`). Integers are not accepted: say
        which flip you mean.

    Returns
    -------
    flipped : ndarray
        Same shape, dtype and values as ``image``, moved. A new array, never a
        view of ``image`` (a view shares the input's memory, so changing one
        would change the other).

    Raises
    ------
    ValueError
        If ``axis`` is anything but 'horizontal' or 'vertical'.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.array([[1, 2],
    ...                   [3, 4]], dtype=np.uint8)
    >>> flip(image, "horizontal")
    array([[2, 1],
           [4, 3]], dtype=uint8)
    >>> flip(image, "vertical")
    array([[3, 4],
           [1, 2]], dtype=uint8)
    """
    return contiguous_copy(_flip_view(check_image(image), axis))


def _flip_view(image, axis):
    """``np.fliplr`` or ``np.flipud`` of ``image`` after checking ``axis``: a view."""
    axis = check_choice(axis, "axis", FLIP_AXES)
    return image[:, ::-1] if axis == "horizontal" else image[::-1]


def _flip(image, axis):
    """:func:`flip` of an image that has already been validated."""
    return contiguous_copy(_flip_view(image, axis))


def random_crop(image, size, random_state=0):
    """Cut a ``size`` window out of an image at a random position.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        Grey or RGB image, ``uint8`` in [0, 255] or float in [0, 1].
    size : tuple of 2 int
        ``(height, width)`` of the window in pixels, at most ``(H, W)``.
    random_state : None, int or numpy.random.Generator, optional
        Seed or generator for the window's position; the same seed gives the
        same window.

    Returns
    -------
    crop : (height, width) or (height, width, 3) ndarray
        A copy of the window, same dtype and values. Every position (top-left
        corner) that keeps the window inside the image is equally likely.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.arange(16, dtype=np.uint8).reshape(4, 4)
    >>> random_crop(image, (2, 3), random_state=0).shape
    (2, 3)
    >>> random_crop(image, (4, 4), random_state=0) is image
    False
    """
    return _random_crop(check_image(image), size, random_state)


def _random_crop(image, size, random_state=0):
    """:func:`random_crop` of an image that has already been validated."""
    height, width = check_size(size)
    rows, cols = image.shape[:2]
    if height > rows or width > cols:
        raise ValueError(
            f"size {(height, width)} (height, width) is larger than the image "
            f"({rows}, {cols}); expected at most the image's size."
        )
    rng = check_random_state(random_state)
    top = int(rng.integers(0, rows - height + 1))
    left = int(rng.integers(0, cols - width + 1))
    return contiguous_copy(image[top : top + height, left : left + width])
