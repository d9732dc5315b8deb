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

from coursekit.augment._kernels import workspace

__all__ = ["saturation", "hue"]

#: Pixels per tile.
TILE_PIXELS = 16384

# Weight of chroma taken off V, per channel: clip(slope * |h - centre| + intercept, 0, 1).
_CENTRES = np.array([3.0, 2.0, 4.0])[:, np.newaxis]  # red, green, blue
_SLOPES = np.array([-1.0, 1.0, 1.0])[:, np.newaxis]
_INTERCEPTS = np.array([2.0, -1.0, -1.0])[:, np.newaxis]


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
    values, grey = workspace(
        ("saturation", TILE_PIXELS), lambda: (np.empty((TILE_PIXELS, 3)), np.empty(TILE_PIXELS))
    )
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


class _HueWork:
    """Work arrays of :func:`hue` for one tile (kept per thread, see ``workspace``)."""

    def __init__(self, size: int):
        self.channels = np.empty((3, size), dtype=np.int16)
        self.integers = [np.empty(size, dtype=np.int16) for _ in range(5)]
        self.masks = [np.empty(size, dtype=bool) for _ in range(2)]
        self.floats = [np.empty(size) for _ in range(4)]
        self.weights = np.empty((3, size))


def hue(image: np.ndarray, shift: float) -> np.ndarray:
    """Turn the hue of a uint8 RGB image by ``shift`` turns (HSV hue; S and V kept).

    The formula of :func:`coursekit.augment.adjust_hue` on the 0..255 scale:
    with ``V`` the pixel's largest channel, ``C`` its chroma and ``h`` its
    hue turned by ``shift``, in sixths of a turn in [0, 6), each channel
    becomes ``V - C * w`` where ``w`` (0 for the largest channel, 1 for the
    smallest) is ``clip(2 - |h - 3|, 0, 1)`` for red, ``clip(|h - 2| - 1, 0,
    1)`` for green and ``clip(|h - 4| - 1, 0, 1)`` for blue: the same as
    ``clip(min(k, 4 - k), 0, 1)`` with ``k = (h + 5, 3, 1) mod 6``.

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
    work = workspace(("hue", TILE_PIXELS), lambda: _HueWork(TILE_PIXELS))
    channels, weights = work.channels, work.weights
    value, low, chroma, numerator, scratch = work.integers
    red_max, green_max = work.masks
    hue6, turns, chroma_f, top = work.floats
    for start in range(0, n, size):
        stop = min(n, start + size)
        m = stop - start
        rgb = channels[:, :m]
        for channel in range(3):
            np.copyto(rgb[channel], pixels[start:stop, channel])
        red, green, blue = rgb
        v, lo, c, num, t = value[:m], low[:m], chroma[:m], numerator[:m], scratch[:m]
        rmax, gmax = red_max[:m], green_max[:m]
        np.maximum(red, green, out=v)
        np.maximum(v, blue, out=v)
        np.minimum(red, green, out=lo)
        np.minimum(lo, blue, out=lo)
        np.subtract(v, lo, out=c)
        np.equal(v, red, out=rmax)
        np.equal(v, green, out=gmax)
        np.greater(gmax, rmax, out=gmax)  # green is largest and red is not
        # Hue times chroma, in sixths: red largest (g - b), green (b - r + 2c), blue (r - g + 4c);
        # selected arithmetically (masked copies are slow): num = blue's + gmax * (green's -
        # blue's) + rmax * (red's - blue's).
        np.subtract(red, green, out=num)
        num += c
        num += c
        num += c
        num += c
        np.subtract(blue, red, out=t)
        t += c
        t += c
        t -= num
        t *= gmax
        num += t
        np.subtract(green, blue, out=t)
        t -= num
        t *= rmax
        num += t
        h, k = hue6[:m], turns[:m]
        np.maximum(c, 1, out=t)  # grey pixels (c = 0) have num = 0 and any hue
        np.divide(num, t, out=h)
        h += 6.0 * shift
        # Wrap into [0, 6).
        np.multiply(h, 1.0 / 6.0, out=k)
        np.floor(k, out=k)
        k *= 6.0
        h -= k
        w = weights[:, :m]
        np.subtract(h, _CENTRES, out=w)
        np.abs(w, out=w)
        w *= _SLOPES
        w += _INTERCEPTS
        np.maximum(w, 0.0, out=w)
        np.minimum(w, 1.0, out=w)
        cf, vf = chroma_f[:m], top[:m]
        np.copyto(cf, c)
        w *= cf
        np.copyto(vf, v)
        vf += 0.5  # then truncation: rounded half up
        np.subtract(vf, w, out=w)
        for channel in range(3):
            np.copyto(out[start:stop, channel], w[channel], casting="unsafe")
    return out.reshape(image.shape)
