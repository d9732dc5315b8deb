"""Compiled uint8 brightness, saturation and hue.

The saturation and hue kernels (not graded references; see ``_colour_uint8``)
read a C-ordered uint8 RGB image as a 1-d array (three values per pixel),
compute the float formulas of :mod:`coursekit.augment.colour` on the 0..255
scale in float64 for each pixel, and round half up (``x + 0.5``, then
truncated, after clipping to 0..255).

The brightness kernel (a graded function: the same bits as its look-up table)
multiplies instead of looking up, and only after checking that the
multiplication gives the table's value for each of the 256 levels.
"""

from __future__ import annotations

import numpy as np

from coursekit.augment._jit import U, jit

__all__ = ["scale_uint8", "saturate_uint8", "turn_hue_uint8"]


@jit
def _scaled(value, factor):
    """``min(rint(value * factor), 255)`` in float32 (``factor`` float32 in [0, 255])."""
    return min(np.int32(np.rint(np.float32(value) * factor)), 255)


@jit
def scale_uint8(flat, factor, table, out):
    """``out = table[flat]`` for a table that multiplies by ``factor``, without looking up.

    A byte look-up cannot be vectorised; a multiplication in float32 can (eight
    or more values per instruction, about three times faster). The kernel first
    computes the multiplication for every level 0..255: only if each equals
    ``table[level]`` does it fill ``out``, so that ``out`` is exactly
    ``table[flat]``; else it writes nothing and returns False.

    Parameters
    ----------
    flat : 1-d ndarray of uint8
    factor : float
        In [0, 255] (the products then stay finite and within int32).
    table : (256,) ndarray of uint8
    out : 1-d ndarray of uint8, the size of ``flat``

    Returns
    -------
    bool
        True if ``out`` was filled.
    """
    f = np.float32(factor)
    for level in range(256):
        if _scaled(level, f) != table[level]:
            return False
    for i in range(flat.size):
        out[U(i)] = _scaled(flat[U(i)], f)
    return True


@jit
def saturate_uint8(flat, factor, w_red, w_green, w_blue, out):
    """``grey + factor * (v - grey)``, rounded half up, for every value of every pixel.

    ``w_red``, ``w_green``, ``w_blue`` are the luminance weights times ``1 -
    factor``, so that ``grey * (1 - factor) = w_red * R + w_green * G + w_blue * B``.
    """
    for p in range(flat.size // 3):
        i = U(3 * p)
        red = np.float64(flat[i])
        green = np.float64(flat[i + U(1)])
        blue = np.float64(flat[i + U(2)])
        grey = red * w_red + green * w_green + blue * w_blue + 0.5
        out[i] = min(max(factor * red + grey, 0.0), 255.0)
        out[i + U(1)] = min(max(factor * green + grey, 0.0), 255.0)
        out[i + U(2)] = min(max(factor * blue + grey, 0.0), 255.0)


@jit
def _channel(turned, offset, chroma, six_chroma, top):
    """``top - chroma * clip(min(k, 4 - k), 0, 1)`` with ``k = (hue + offset) mod 6``.

    In chroma units: ``turned`` is the turned hue times the chroma, in [0, 6 chroma).
    """
    k = turned + offset
    if k >= six_chroma:
        k -= six_chroma
    return top - min(max(min(k, 4.0 * chroma - k), 0.0), chroma)


@jit
def turn_hue_uint8(flat, shift_sixths, out):
    """Turn every pixel's HSV hue by ``shift_sixths`` sixths of a turn, rounded half up.

    With ``V`` the largest channel, ``C`` the chroma and ``h`` the hue in
    sixths, the hue times the chroma, ``C * h``, is an integer (``G - B``,
    ``B - R + 2C`` or ``R - G + 4C`` as red, green or blue is largest), so the
    turned hue needs no division: ``C * (h + shift)``, wrapped into [0, 6C).
    Each channel becomes ``V - C * clip(min(k, 4 - k), 0, 1)`` with ``k = (h +
    5, 3, 1) mod 6`` for red, green and blue, as in ``adjust_hue``.
    """
    for p in range(flat.size // 3):
        i = U(3 * p)
        red = np.int64(flat[i])
        green = np.int64(flat[i + U(1)])
        blue = np.int64(flat[i + U(2)])
        value = max(red, max(green, blue))
        chroma_int = value - min(red, min(green, blue))
        if red == value:
            hue_times_chroma = green - blue
        elif green == value:
            hue_times_chroma = blue - red + 2 * chroma_int
        else:
            hue_times_chroma = red - green + 4 * chroma_int
        chroma = np.float64(chroma_int)
        six_chroma = 6.0 * chroma
        turned = np.float64(hue_times_chroma) + chroma * shift_sixths
        if turned < 0.0:
            turned += six_chroma
        if turned >= six_chroma:
            turned -= six_chroma
        top = np.float64(value) + 0.5
        out[i] = _channel(turned, 5.0 * chroma, chroma, six_chroma, top)
        out[i + U(1)] = _channel(turned, 3.0 * chroma, chroma, six_chroma, top)
        out[i + U(2)] = _channel(turned, 1.0 * chroma, chroma, six_chroma, top)
