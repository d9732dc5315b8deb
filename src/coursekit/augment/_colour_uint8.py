"""uint8 fast paths of the saturation and hue adjustments (not graded references).

For float images :mod:`coursekit.augment.colour` computes on the whole image
in float [0, 1]. For uint8 images these functions compute the same formulas on
the 0..255 scale in float64 and round half up (``floor(x + 0.5)``, folded into
the formula) instead of ``np.rint``'s round half to even. The compiled kernels
of :mod:`coursekit.augment._jit_colour` do it pixel by pixel in one pass when
numba is in use (:mod:`coursekit.augment._accel`); otherwise the numpy code
below does the same operations in the same order, a tile of pixels at a time
(the work arrays of a tile stay in the CPU cache). Both give the same bits.

Tolerance: every result is within 0.5 grey level (plus 1e-9) of the float
computation's value times 255, i.e. it is that value rounded to the nearest
level; only a value exactly halfway between two levels may go to the other one
than ``np.rint`` would choose.
"""

from __future__ import annotations

import numpy as np

from coursekit.augment import _accel
from coursekit.augment._kernels import workspace

__all__ = ["saturation", "hue"]

#: Pixels per tile.
TILE_PIXELS = 16384

#: Offsets of the red, green and blue channels round the hue circle, in sixths of a turn.
_OFFSETS = (5.0, 3.0, 1.0)


def _pixels(image: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(image).reshape(-1, 3)


def saturation(image: np.ndarray, factor: float, weights: np.ndarray) -> np.ndarray:
    """``grey + factor * (image - grey)`` of a uint8 RGB image, ``grey = image @ weights``.

    Each value is ``factor * v + (((R * a + G * b) + B * c) + 0.5)``, with ``(a,
    b, c) = weights * (1 - factor)``, clipped to [0, 255] and truncated: the
    formula rounded half up.

    Parameters
    ----------
    image : (H, W, 3) ndarray of uint8
    factor : float
        >= 0.
    weights : (3,) ndarray
        Luminance weights (sum 1).

    Returns
    -------
    (H, W, 3) ndarray of uint8
        Rounded half up and clipped to [0, 255].
    """
    w_red, w_green, w_blue = (weights * (1.0 - factor)).tolist()
    compiled = _accel.kernels()
    if compiled is not None:
        out = np.empty(image.shape, dtype=np.uint8)
        compiled.saturate_uint8(
            np.ascontiguousarray(image).reshape(-1), factor, w_red, w_green, w_blue,
            out.reshape(-1),
        )  # fmt: skip
        return out
    pixels = _pixels(image)
    n = len(pixels)
    out = np.empty((n, 3), dtype=np.uint8)
    size = min(n, TILE_PIXELS)
    values, grey, scratch = workspace(
        ("saturation", TILE_PIXELS),
        lambda: (np.empty((TILE_PIXELS, 3)), np.empty(TILE_PIXELS), np.empty(TILE_PIXELS)),
    )
    for start in range(0, n, size):
        stop = min(n, start + size)
        m = stop - start
        v, g, t = values[:m], grey[:m], scratch[:m]
        np.copyto(v, pixels[start:stop])
        np.multiply(v[:, 0], w_red, out=g)
        np.multiply(v[:, 1], w_green, out=t)
        g += t
        np.multiply(v[:, 2], w_blue, out=t)
        g += t
        g += 0.5
        v *= factor
        v += g[:, np.newaxis]
        np.clip(v, 0.0, 255.0, out=v)
        np.copyto(out[start:stop], v, casting="unsafe")
    return out.reshape(image.shape)


class _HueWork:
    """Work arrays of :func:`hue` for one tile (kept per thread, see ``workspace``)."""

    def __init__(self, size: int):
        self.channels = np.empty((3, size), dtype=np.int16)
        self.integers = [np.empty(size, dtype=np.int16) for _ in range(5)]
        self.masks = [np.empty(size, dtype=bool) for _ in range(2)]
        self.floats = [np.empty(size) for _ in range(7)]


def hue(image: np.ndarray, shift: float) -> np.ndarray:
    """Turn the hue of a uint8 RGB image by ``shift`` turns (HSV hue; S and V kept).

    The formula of :func:`coursekit.augment.adjust_hue` on the 0..255 scale,
    without a division: with ``V`` the pixel's largest channel, ``C`` its
    chroma and ``h`` its hue in sixths of a turn, ``C * h`` is the integer ``G
    - B``, ``B - R + 2C`` or ``R - G + 4C`` (red, green or blue largest); the
    turned hue times the chroma, ``x = C * h + C * 6 * shift``, is wrapped
    into [0, 6C), and each channel becomes ``V - clip(min(k, 4C - k), 0, C)``
    with ``k = x + (5, 3, 1) * C`` wrapped likewise: ``V - C * clip(min(k', 4 -
    k'), 0, 1)`` with ``k' = (h + shift + (5, 3, 1)) mod 6`` in sixths, as in
    ``adjust_hue``.

    Parameters
    ----------
    image : (H, W, 3) ndarray of uint8
    shift : float
        In [-0.5, 0.5].

    Returns
    -------
    (H, W, 3) ndarray of uint8
        Rounded half up.
    """
    shift_sixths = 6.0 * shift
    compiled = _accel.kernels()
    if compiled is not None:
        out = np.empty(image.shape, dtype=np.uint8)
        compiled.turn_hue_uint8(
            np.ascontiguousarray(image).reshape(-1), shift_sixths, out.reshape(-1)
        )
        return out
    pixels = _pixels(image)
    n = len(pixels)
    out = np.empty((n, 3), dtype=np.uint8)
    size = min(n, TILE_PIXELS)
    work = workspace(("hue", TILE_PIXELS), lambda: _HueWork(TILE_PIXELS))
    for start in range(0, n, size):
        stop = min(n, start + size)
        _hue_tile(pixels[start:stop], shift_sixths, work, out[start:stop])
    return out.reshape(image.shape)


def _hue_tile(pixels, shift_sixths, work, out):
    """:func:`hue` of ``m`` pixels (``(m, 3)`` uint8) into ``out``; the kernel's operations."""
    m = len(pixels)
    rgb = work.channels[:, :m]
    np.copyto(rgb, pixels.T)
    red, green, blue = rgb
    value, low, chroma, num, t = (a[:m] for a in work.integers)
    red_max, green_max = (a[:m] for a in work.masks)
    turned, chroma_f, six, top, k, weight, four = (a[:m] for a in work.floats)
    np.maximum(red, green, out=value)
    np.maximum(value, blue, out=value)
    np.minimum(red, green, out=low)
    np.minimum(low, blue, out=low)
    np.subtract(value, low, out=chroma)
    np.equal(value, red, out=red_max)
    np.equal(value, green, out=green_max)
    np.greater(green_max, red_max, out=green_max)  # green is largest and red is not
    # Hue times chroma, in sixths: red largest (g - b), green (b - r + 2c), blue (r - g + 4c);
    # selected arithmetically (masked copies are slow): num = blue's + green_max * (green's -
    # blue's) + red_max * (red's - blue's).
    np.subtract(red, green, out=num)
    num += chroma
    num += chroma
    num += chroma
    num += chroma
    np.subtract(blue, red, out=t)
    t += chroma
    t += chroma
    t -= num
    t *= green_max
    num += t
    np.subtract(green, blue, out=t)
    t -= num
    t *= red_max
    num += t
    # x = num + C * shift, wrapped into [0, 6C).
    np.copyto(chroma_f, chroma)
    np.copyto(turned, num)
    np.multiply(chroma_f, shift_sixths, out=k)
    turned += k
    np.multiply(6.0, chroma_f, out=six)
    np.add(turned, six, out=turned, where=turned < 0.0)
    np.subtract(turned, six, out=turned, where=turned >= six)
    np.copyto(top, value)
    top += 0.5  # then truncation: rounded half up
    np.multiply(4.0, chroma_f, out=four)
    for channel, offset in enumerate(_OFFSETS):
        np.multiply(offset, chroma_f, out=weight)
        np.add(turned, weight, out=k)
        np.subtract(k, six, out=k, where=k >= six)
        # top - clip(min(k, 4C - k), 0, C)
        np.subtract(four, k, out=weight)
        np.minimum(k, weight, out=weight)
        np.maximum(weight, 0.0, out=weight)
        np.minimum(weight, chroma_f, out=weight)
        np.subtract(top, weight, out=weight)
        np.copyto(out[:, channel], weight, casting="unsafe")
