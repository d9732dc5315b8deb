"""Compiled bilinear rotation: scikit-image's ``_warp_fast(order=1)`` arithmetic, bit for bit.

For output pixel (row ``y``, column ``x``) scikit-image computes the source
position ``c = (M[0, 0] * x + M[0, 1] * y) + M[0, 2]``, ``r = (M[1, 0] * x +
M[1, 1] * y) + M[1, 2]`` (``_transform_affine``), reads the four neighbours at
rows ``floor(r)``, ``ceil(r)`` and columns ``floor(c)``, ``ceil(c)`` (mapped
into the image by ``coord_map`` in its mode, or ``cval`` outside it in
'constant' mode: ``get_pixel2d``), and returns ``(1 - dr) * ((1 - dc) * tl + dc
* tr) + dr * ((1 - dc) * bl + dc * br)`` with ``dc = c - floor(c)``, ``dr = r -
floor(r)`` (``bilinear_interpolation``), in float64 (a uint8 image is converted
to float64 first). :func:`rotate_pixels` does the same operations in the same
order (fastmath is off, so nothing is fused or reordered), hence the same bits.
Pixels whose four neighbours lie inside the image skip the mode mapping, which
returns them unchanged there; uint8 values become float64 through a table of
the 256 levels (the same numbers as the conversion, read faster).

The image is read through flat memory and steps (see
:mod:`coursekit.augment._jit_pixels`), so a quarter-turned or mirrored view is
rotated without being copied first.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload

from coursekit.augment._jit import U, jit

__all__ = ["rotate_pixels"]

#: ``float(v)`` for every uint8 value ``v`` (the kernel's conversion table).
LEVELS = np.arange(256, dtype=np.float64)
LEVELS.setflags(write=False)


def _read(flat, index, levels):
    """``float(flat[index])``: through ``levels`` for uint8 (compiled only, see the overload)."""
    raise NotImplementedError


@overload(_read, jit_options={"nogil": True})
def _read_overload(flat, index, levels):
    if flat.dtype == types.uint8:
        return lambda flat, index, levels: levels[flat[index]]
    return lambda flat, index, levels: np.float64(flat[index])


@jit
def _coord_map(dim, coord, mode):
    """scikit-image's ``coord_map`` (``skimage/_shared/interpolation.pxd``) for modes 1..4."""
    cmax = dim - 1
    if mode == 2:  # symmetric
        if coord < 0:
            coord = -coord - 1
        if coord > cmax:
            if (coord // dim) % 2 != 0:
                return cmax - coord % dim
            return coord % dim
    elif mode == 4:  # wrap
        if coord < 0:
            return cmax - (-coord - 1) % dim
        if coord > cmax:
            return coord % dim
    elif mode == 1:  # edge
        if coord < 0:
            return 0
        if coord > cmax:
            return cmax
    elif mode == 3:  # reflect
        if dim == 1:
            return 0
        if coord < 0:
            if (-coord // cmax) % 2 != 0:
                return cmax - (-coord) % cmax
            return (-coord) % cmax
        if coord > cmax:
            if (coord // cmax) % 2 != 0:
                return cmax - coord % cmax
            return coord % cmax
    return coord


@jit
def _mode_table(dim, m_x, m_y, m_1, out_rows, out_cols, mode):
    """Every row (or column) index the warp can read, mapped into 0..dim-1 by the mode.

    Returns ``(low, table)``: ``table[i - low]`` is where index ``i`` is read,
    -1 where 'constant' mode reads ``cval``. The source positions ``m_x * x +
    m_y * y + m_1`` of an affine map take their extremes at the output's
    corners; a margin of 2 covers their floor and ceiling.
    """
    low = high = m_1
    for x in (0.0, out_cols - 1.0):
        for y in (0.0, out_rows - 1.0):
            position = m_x * x + m_y * y + m_1
            low = min(low, position)
            high = max(high, position)
    first = int(np.floor(low)) - 2
    table = np.empty(int(np.floor(high)) + 3 - first + 1, dtype=np.int64)
    for i in range(table.size):
        coord = first + i
        if mode == 0:
            table[i] = coord if 0 <= coord < dim else -1
        else:
            table[i] = _coord_map(dim, coord, mode)
    return first, table


@jit
def _finish(value, rounding):
    """The value stored: ``rint`` kept in 0..255 for uint8 output, else unchanged."""
    if rounding:
        return min(max(np.rint(value), 0.0), 255.0)
    return value


@jit
def rotate_pixels(
    flat,
    offset,
    row_step,
    col_step,
    rows,
    cols,
    channels,
    matrix,
    mode,
    cval,
    out,
    out_cols,
    rounding,
):
    """Bilinear warp of the ``rows x cols`` image by ``matrix`` (output -> input) into ``out``.

    Parameters
    ----------
    flat, offset, row_step, col_step
        The image as flat memory, uint8 or float64 (see the module docstring).
    rows, cols, channels : int
        The image's shape.
    matrix : (3, 3) ndarray of float64
        Maps output (column, row, 1) to input (column, row, 1).
    mode : int
        0 'constant', 1 'edge', 2 'symmetric', 3 'reflect', 4 'wrap'
        (``coursekit.augment._warp.MODE_CODES``).
    cval : float
        The value outside the image in 'constant' mode.
    out : 1-d ndarray, C-ordered ``(out_rows, out_cols, channels)``
        Receives the values (uint8 or float64).
    out_cols : int
    rounding : bool
        True for a uint8 ``out``: each value is rounded with ``rint`` (and kept
        in 0..255). False: the float64 values as they are (unclipped).
    """
    levels = LEVELS
    m00, m01, m02 = matrix[0, 0], matrix[0, 1], matrix[0, 2]
    m10, m11, m12 = matrix[1, 0], matrix[1, 1], matrix[1, 2]
    out_rows = out.size // (out_cols * channels)
    row_lo, row_map = _mode_table(rows, m10, m11, m12, out_rows, out_cols, mode)
    col_lo, col_map = _mode_table(cols, m00, m01, m02, out_rows, out_cols, mode)
    for y in range(out_rows):
        fy = np.float64(y)
        c_y = m01 * fy
        r_y = m11 * fy
        target = y * out_cols * channels
        for x in range(out_cols):
            fx = np.float64(x)
            c = m00 * fx + c_y + m02
            r = m10 * fx + r_y + m12
            floor_c = np.floor(c)
            floor_r = np.floor(r)
            dc = c - floor_c
            dr = r - floor_r
            wc = 1.0 - dc
            wr = 1.0 - dr
            min_c = int(floor_c)
            min_r = int(floor_r)
            max_c = min_c + 1 if dc != 0.0 else min_c  # ceil(c)
            max_r = min_r + 1 if dr != 0.0 else min_r
            d = U(target + x * channels)
            if min_r >= 0 and max_r < rows and min_c >= 0 and max_c < cols:
                tl = U(offset + min_r * row_step + min_c * col_step)
                tr = U(offset + min_r * row_step + max_c * col_step)
                bl = U(offset + max_r * row_step + min_c * col_step)
                br = U(offset + max_r * row_step + max_c * col_step)
                for j in range(channels):
                    k = U(j)
                    value = wr * (
                        wc * _read(flat, tl + k, levels) + dc * _read(flat, tr + k, levels)
                    ) + dr * (wc * _read(flat, bl + k, levels) + dc * _read(flat, br + k, levels))
                    out[d + k] = _finish(value, rounding)
                continue
            # A neighbour lies outside: its row and column mapped in the mode (-1: cval).
            row0, row1 = row_map[U(min_r - row_lo)], row_map[U(max_r - row_lo)]
            col0, col1 = col_map[U(min_c - col_lo)], col_map[U(max_c - col_lo)]
            tl = U(offset + row0 * row_step + col0 * col_step)
            tr = U(offset + row0 * row_step + col1 * col_step)
            bl = U(offset + row1 * row_step + col0 * col_step)
            br = U(offset + row1 * row_step + col1 * col_step)
            for j in range(channels):
                k = U(j)
                v_tl = _read(flat, tl + k, levels) if row0 >= 0 and col0 >= 0 else cval
                v_tr = _read(flat, tr + k, levels) if row0 >= 0 and col1 >= 0 else cval
                v_bl = _read(flat, bl + k, levels) if row1 >= 0 and col0 >= 0 else cval
                v_br = _read(flat, br + k, levels) if row1 >= 0 and col1 >= 0 else cval
                value = wr * (wc * v_tl + dc * v_tr) + dr * (wc * v_bl + dc * v_br)
                out[d + k] = _finish(value, rounding)
