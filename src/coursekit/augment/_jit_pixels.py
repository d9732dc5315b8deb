"""Compiled kernels that move or look up pixel values: copies of turned and flipped views,
uint8 look-up tables, channel sums.

Images reach these kernels as flat memory: a 1-d C-contiguous array ``flat``
and the position of pixel (row ``i``, column ``j``), channel ``k``, in it,
``offset + i * row_step + j * col_step + k`` (steps in array elements, negative
for mirrored axes, swapped for quarter turns; see
:func:`coursekit.augment._kernels.flat_pixels`). Nothing here changes a value.
"""

from __future__ import annotations

import numpy as np

from coursekit.augment._jit import U, jit

__all__ = ["gather_pixels", "apply_table", "channel_sums"]

#: Pixels per side of the square tiles in which quarter turns are copied.
_TILE = 16


@jit
def gather_pixels(flat, offset, row_step, col_step, rows, cols, channels, out):
    """Copy the ``rows x cols`` pixels described by the steps into C-ordered ``out`` (1-d).

    Rows that run forwards in memory are copied as runs, rows that run
    backwards (mirrored) pixel by pixel, anything else (quarter turns) in
    square tiles so that both sides stay in the CPU cache.
    """
    run = cols * channels
    if col_step == channels:
        for i in range(rows):
            source = offset + i * row_step
            target = i * run
            for k in range(run):
                out[U(target + k)] = flat[U(source + k)]
    elif col_step == -channels and channels == 3:
        for i in range(rows):
            source = offset + i * row_step
            target = i * run
            for j in range(cols):
                s = U(source - 3 * j)
                d = U(target + 3 * j)
                out[d] = flat[s]
                out[d + U(1)] = flat[s + U(1)]
                out[d + U(2)] = flat[s + U(2)]
    else:
        for i0 in range(0, rows, _TILE):
            i1 = min(rows, i0 + _TILE)
            for j0 in range(0, cols, _TILE):
                j1 = min(cols, j0 + _TILE)
                for i in range(i0, i1):
                    source = offset + i * row_step
                    target = i * run
                    for j in range(j0, j1):
                        s = source + j * col_step
                        d = target + j * channels
                        for k in range(channels):
                            out[U(d + k)] = flat[U(s + k)]


@jit
def apply_table(flat, table, out):
    """``out[i] = table[flat[i]]`` for 1-d uint8 arrays of equal length, ``table`` of 256.

    The input is read 8 values at a time (one 64-bit word, split into bytes):
    a fifth faster than reading byte by byte.
    """
    n_words = flat.size // 8
    words = flat[: n_words * 8].view(np.uint64)
    for w in range(n_words):
        word = words[U(w)]
        start = U(8 * w)
        for b in range(8):
            out[start + U(b)] = table[np.uint8(word >> U(8 * b))]
    for i in range(n_words * 8, flat.size):
        out[U(i)] = table[flat[U(i)]]


@jit
def channel_sums(flat, channels):
    """Exact int64 sum of each channel of a C-ordered image (1-d, ``channels`` interleaved)."""
    sums = np.zeros(channels, dtype=np.int64)
    pixels = flat.size // channels
    if channels == 3:
        red = green = blue = 0
        for p in range(pixels):
            i = U(3 * p)
            red += flat[i]
            green += flat[i + U(1)]
            blue += flat[i + U(2)]
        sums[0], sums[1], sums[2] = red, green, blue
    else:
        for i in range(flat.size):
            sums[U(i % channels)] += flat[U(i)]
    return sums
