"""Compiled Gaussian blur and noise of uint8 images, with numpy's and scipy's arithmetic.

:func:`coursekit.augment.gaussian_blur` of a uint8 image is
``scipy.ndimage.gaussian_filter`` (mode 'nearest') of ``image / 255``, then
clipped, times 255 and rounded with ``np.rint``. scipy filters one axis after
the other (rows, then columns) into a float64 array; along a line, with the
symmetric weights ``w`` of radius ``r`` (``w[r]`` the centre), each value is
``x[i] * w[r]`` plus, for ``j = -r .. -1`` in that order, ``(x[i + j] + x[i -
j]) * w[r + j]`` (``NI_Correlate1D``), indices beyond the ends clamped.
:func:`blur_uint8` does exactly that, a row at a time, and the finishing steps
in the same pass. :func:`noise_uint8` is ``add_noise``'s ``noise * sigma +
image / 255``, clipped, times 255, rounded, in one pass. fastmath is off, so
the results are the same bits (the blur's probe checks this against scipy once
per process).
"""

from __future__ import annotations

import numpy as np

from coursekit.augment._jit import U, jit

__all__ = ["blur_uint8", "noise_uint8"]

#: ``v / 255`` for every uint8 value ``v``, as ``image / 255.0`` computes it.
SCALED_LEVELS = np.arange(256) / 255.0
SCALED_LEVELS.setflags(write=False)


@jit
def _to_uint8(value):
    """``np.rint(np.clip(value, 0, 1) * 255)`` as uint8 (``float_to_like``)."""
    return np.uint8(np.rint(min(max(value, 0.0), 1.0) * 255.0))


@jit
def _along_columns(line, weights, channels, out):
    """One row filtered along its columns: ``line`` is the row padded by ``r`` edge pixels."""
    radius = weights.size // 2
    centre = weights[radius]
    n = out.size
    shift = radius * channels
    for k in range(n):
        out[U(k)] = line[U(k + shift)] * centre
    for j in range(-radius, 0):
        w = weights[radius + j]
        left = shift + j * channels
        right = shift - j * channels
        for k in range(n):
            out[U(k)] += (line[U(k + left)] + line[U(k + right)]) * w


@jit
def blur_uint8(flat, rows, cols, channels, row_weights, col_weights, out):
    """``gaussian_filter(flat / 255, (rows, cols, 0) weights, mode='nearest')``, as uint8.

    Parameters
    ----------
    flat : 1-d uint8, C-ordered ``(rows, cols, channels)``
    row_weights, col_weights : 1-d float64, odd length
        The symmetric weights along the rows (axis 0) and the columns (axis 1),
        scipy's ``_gaussian_kernel1d(sigma, 0, radius)[::-1]``; ``[1.0]`` for an
        axis that is not blurred (multiplying by 1 changes no value).
    out : 1-d uint8, like ``flat``
    """
    levels = SCALED_LEVELS
    run = cols * channels
    values = np.empty(flat.size)
    for i in range(flat.size):
        values[U(i)] = levels[flat[U(i)]]
    radius_r = row_weights.size // 2
    radius_c = col_weights.size // 2
    centre = row_weights[radius_r]
    pad = radius_c * channels
    line = np.empty(run + 2 * pad)
    filtered = np.empty(run)
    for i in range(rows):
        # Along the rows (axis 0): into the middle of the padded line.
        start = U(i * run)
        for k in range(run):
            line[U(pad + k)] = values[start + U(k)] * centre
        for j in range(-radius_r, 0):
            w = row_weights[radius_r + j]
            above = U(min(max(i + j, 0), rows - 1) * run)
            below = U(min(max(i - j, 0), rows - 1) * run)
            for k in range(run):
                line[U(pad + k)] += (values[above + U(k)] + values[below + U(k)]) * w
        # 'nearest' edges for the second axis.
        for p in range(radius_c):
            for c in range(channels):
                line[U(p * channels + c)] = line[U(pad + c)]
                line[U(pad + run + p * channels + c)] = line[U(pad + run - channels + c)]
        _along_columns(line, col_weights, channels, filtered)
        for k in range(run):
            out[start + U(k)] = _to_uint8(filtered[U(k)])


@jit
def noise_uint8(noise, sigma, flat, out):
    """``rint(clip(noise * sigma + flat / 255, 0, 1) * 255)`` element by element, as uint8."""
    levels = SCALED_LEVELS
    for i in range(flat.size):
        out[U(i)] = _to_uint8(noise[U(i)] * sigma + levels[flat[U(i)]])
