"""Compiled uint8 saturation and hue (not graded references; see ``_colour_uint8``).

Both kernels read a C-ordered uint8 RGB image as a 1-d array (three values per
pixel), compute the float formulas of :mod:`coursekit.augment.colour` on the
0..255 scale in float64 for each pixel, and round half up (``x + 0.5``, then
truncated, after clipping to 0..255).
"""

from __future__ import annotations

import numpy as np

from coursekit.augment._jit import U, jit

__all__ = ["saturate_uint8", "turn_hue_uint8"]


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
