"""uint8 fast paths of the saturation and hue adjustments (not graded references).

For float images :mod:`coursekit.augment.colour` computes on the whole image
in float [0, 1]. For uint8 images these functions compute the same formulas on
the 0..255 scale, a tile of pixels at a time (the float64 work arrays of a tile
stay in the CPU cache), and round half up (``floor(x + 0.5)``, folded into the
formula) instead of ``np.rint``'s round half to even.

Tolerance: every result is within 0.5 grey level (plus 1e-9) of the float
computation's value times 255, i.e. it is that value rounded to the nearest
level; only a value exactly halfway between two levels may go to the other one
than ``np.rint`` would choose.
"""

from __future__ import annotations

import numpy as np

__all__ = ["saturation", "hue"]

#: Pixels per tile.
TILE_PIXELS = 8192

_HUE_OFFSETS = np.array([5.0, 3.0, 1.0])[:, np.newaxis]  # R, G, B in sixths of a turn


def _pixels(image: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(image).reshape(-1, 3)


def saturation(image: np.ndarray, factor: float, weights: np.ndarray) -> np.ndarray:
    """``grey + factor * (image - grey)`` of a uint8 RGB image, ``grey = image @ weights``.

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
    pixels = _pixels(image)
    n = len(pixels)
    out = np.empty((n, 3), dtype=np.uint8)
    size = min(n, TILE_PIXELS)
    values, grey = np.empty((size, 3)), np.empty(size)
    # factor * v + (1 - factor) * grey + 0.5, then truncated: rounded half up.
    grey_weights = weights * (1.0 - factor)
    for start in range(0, n, size):
        stop = min(n, start + size)
        v, g = values[: stop - start], grey[: stop - start]
        np.copyto(v, pixels[start:stop])
        np.matmul(v, grey_weights, out=g)
        g += 0.5
        v *= factor
        for channel in range(3):
            v[:, channel] += g
        np.clip(v, 0.0, 255.0, out=v)
        np.copyto(out[start:stop], v, casting="unsafe")
    return out.reshape(image.shape)


def hue(image: np.ndarray, shift: float) -> np.ndarray:
    """Turn the hue of a uint8 RGB image by ``shift`` turns (HSV hue; S and V kept).

    The formula of :func:`coursekit.augment.adjust_hue` on the 0..255 scale:
    each channel becomes ``V - C * clip(min(k, 4 - k), 0, 1)`` with ``V`` the
    pixel's largest channel, ``C`` its chroma and ``k`` its shifted hue in
    sixths of a turn plus the channel's offset, modulo 6.

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
    pixels = _pixels(image)
    n = len(pixels)
    out = np.empty((n, 3), dtype=np.uint8)
    size = min(n, TILE_PIXELS)
    planes = np.empty((3, size))
    value, chroma, hue6, scratch = (np.empty(size) for _ in range(4))
    red_max, green_max = np.empty(size, dtype=bool), np.empty(size, dtype=bool)
    weights = np.empty((3, size))
    for start in range(0, n, size):
        stop = min(n, start + size)
        m = stop - start
        p = planes[:, :m]
        np.copyto(p, pixels[start:stop].T)
        red, green, blue = p
        v, c, h, t = value[:m], chroma[:m], hue6[:m], scratch[:m]
        rmax, gmax = red_max[:m], green_max[:m]
        np.maximum(red, green, out=v)
        np.maximum(v, blue, out=v)
        np.minimum(red, green, out=c)
        np.minimum(c, blue, out=c)
        np.subtract(v, c, out=c)
        np.equal(v, red, out=rmax)
        np.equal(v, green, out=gmax)
        np.greater(gmax, rmax, out=gmax)  # green is largest and red is not
        # Hue in sixths (0 red, 2 green, 4 blue) from whichever channel is largest.
        np.subtract(red, green, out=h)
        np.subtract(blue, red, out=t)
        np.copyto(h, t, where=gmax)
        np.subtract(green, blue, out=t)
        np.copyto(h, t, where=rmax)
        np.divide(h, c, out=h, where=c > 0)  # grey pixels: red is largest and h is 0
        h += 4.0 + 6.0 * shift
        np.subtract(h, 2.0, out=h, where=gmax)
        np.subtract(h, 4.0, out=h, where=rmax)
        # Each channel: V - C * clip(min(k, 4 - k), 0, 1), k = (hue + offset) mod 6.
        k = weights[:, :m]
        np.add(h, _HUE_OFFSETS, out=k)
        np.mod(k, 6.0, out=k)
        np.subtract(4.0, k, out=p)
        np.minimum(k, p, out=k)
        np.clip(k, 0.0, 1.0, out=k)
        k *= c
        v += 0.5
        np.subtract(v, k, out=k)
        np.copyto(out[start:stop].T, k, casting="unsafe")
    return out.reshape(image.shape)
