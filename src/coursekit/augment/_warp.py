"""Bilinear rotation that reproduces ``skimage.transform.rotate(order=1)`` bit for bit, faster.

:func:`coursekit.augment.rotate` is a graded reference: its result must stay
exactly ``skimage.transform.rotate(image, angle, resize=resize, mode=mode,
order=1, cval=cval, preserve_range=True)``, rounded with ``np.rint`` for uint8.
scikit-image computes that with a compiled loop over the output pixels
(``_warp_fast``), one colour channel at a time, on a float64 copy of the image.
This module performs the *same floating-point operations in the same order*,
vectorised with numpy over tiles of output rows:

1. the transform matrix is built exactly as ``skimage.transform.rotate`` builds
   it (the same products of the same 3 x 3 matrices);
2. for output pixel (row ``y``, column ``x``) the source position is
   ``c = (M[0, 0] * x + M[0, 1] * y) + M[0, 2]`` and
   ``r = (M[1, 0] * x + M[1, 1] * y) + M[1, 2]``, as in ``_transform_affine``;
3. the four neighbours ``floor(r), floor(r) + 1`` x ``floor(c), floor(c) + 1``
   are read from the image padded with :func:`numpy.pad` in the same mode
   (numpy's modes are scikit-image's ``coord_map``: the tests check this);
4. ``((1 - dr) * ((1 - dc) * tl + dc * tr)) + (dr * ((1 - dc) * bl + dc *
   br))`` with ``dc = c - floor(c)``, ``dr = r - floor(r)``, as in
   ``bilinear_interpolation``. (scikit-image reads ``ceil(c)`` rather than
   ``floor(c) + 1``; they differ only when ``dc == 0``, where that neighbour is
   multiplied by zero.)
5. the result is clipped to the input's range as ``_clip_warp_output`` does.

IEEE arithmetic then gives identical bits. For uint8 images the clip is skipped:
every value is a convex combination of pixel values, so after ``np.rint`` it
already lies in the input's range. uint8 RGB images are gathered as one 32-bit
word per pixel (R, G, B and a spare byte), one gather per neighbour for all
three channels.

When numba is in use (:mod:`coursekit.augment._accel`) the compiled kernel
:func:`coursekit.augment._jit_warp.rotate_pixels` does the same per pixel in one
pass, reading quarter-turned and mirrored views in place; this numpy code runs
otherwise, or if the compiled kernel's own probe finds a difference.

Where neither applies (interpolation order other than 1, float32 or float16
images, a constant fill value outside the image's range, or a platform whose
compiled scikit-image fuses multiply-adds so that the probe run once per
process finds a difference) :func:`rotate_exact` returns None and the caller
uses scikit-image itself.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from coursekit.augment import _accel
from coursekit.augment._kernels import flat_pixels, workspace

__all__ = ["rotation_matrix", "rotate_exact", "fast_path_available", "compiled_path_available"]

#: Output pixels per tile: the float64 work arrays of a tile stay in the CPU cache.
TILE_PIXELS = 8192

#: scikit-image's modes as the integers :func:`~coursekit.augment._jit_warp.rotate_pixels` takes.
MODE_CODES = {"constant": 0, "edge": 1, "symmetric": 2, "reflect": 3, "wrap": 4}

_NUMPY_PAD_MODES = {
    "reflect": "reflect",
    "symmetric": "symmetric",
    "edge": "edge",
    "wrap": "wrap",
    "constant": "constant",
}


def _similarity(rotation: float = 0.0, translation=(0.0, 0.0)) -> np.ndarray:
    """``SimilarityTransform(rotation=..., translation=...).params``: the same entries
    (``-sin(0)`` is ``-0.0`` there too)."""
    cos_r, sin_r = math.cos(rotation), math.sin(rotation)
    return np.array(
        [[cos_r, -sin_r, translation[0]], [sin_r, cos_r, translation[1]], [0.0, 0.0, 1.0]]
    )


def rotation_matrix(rows: int, cols: int, angle: float, resize: bool):
    """The inverse map and output shape that ``skimage.transform.rotate`` uses.

    Parameters
    ----------
    rows, cols : int
        Input image shape, in pixels.
    angle : float
        Degrees, counter-clockwise.
    resize : bool
        Whether the output is enlarged to hold the whole rotated image.

    Returns
    -------
    matrix : (3, 3) ndarray of float64
        Maps output (column, row, 1) to input (column, row, 1).
    output_shape : tuple of 2 int
        ``(rows, cols)`` of the output.
    """
    if resize:
        return _rotation_matrix_resized(rows, cols, angle)
    centre = (cols / 2.0 - 0.5, rows / 2.0 - 0.5)  # np.array((cols, rows)) / 2.0 - 0.5
    to_centre = _similarity(translation=(-centre[0], -centre[1]))
    turn = _similarity(rotation=math.radians(angle))
    back = _similarity(translation=centre)
    # skimage: tform3 + tform2 + tform1, and (a + b).params == b.params @ a.params.
    matrix = back @ (turn @ to_centre)
    matrix[2] = (0, 0, 1)
    return matrix, (rows, cols)


def _rotation_matrix_resized(rows: int, cols: int, angle: float):
    from skimage.transform import SimilarityTransform

    center = np.array((cols, rows)) / 2.0 - 0.5
    tform1 = SimilarityTransform(translation=center)
    tform2 = SimilarityTransform(rotation=np.deg2rad(angle))
    tform3 = SimilarityTransform(translation=-center)
    tform = tform3 + tform2 + tform1
    corners = np.array([[0, 0], [0, rows - 1], [cols - 1, rows - 1], [cols - 1, 0]])
    corners = tform.inverse(corners)
    minc, minr = corners[:, 0].min(), corners[:, 1].min()
    maxc, maxr = corners[:, 0].max(), corners[:, 1].max()
    output_shape = np.around((maxr - minr + 1, maxc - minc + 1))
    tform = SimilarityTransform(translation=(minc, minr)) + tform
    tform.params[2] = (0, 0, 1)
    out_rows, out_cols = (int(v) for v in output_shape)
    return tform.params.astype(np.float64), (out_rows, out_cols)


class _Geometry:
    """Source positions of the output pixels, and the padded source they are read from."""

    def __init__(self, matrix: np.ndarray, in_shape, out_shape):
        self.matrix = matrix
        rows, cols = in_shape
        out_rows, out_cols = out_shape
        # Per-column and per-row products, as in H[0] * x + H[1] * y (x: column, y: row).
        columns = np.arange(out_cols, dtype=np.float64)
        rows_ = np.arange(out_rows, dtype=np.float64)
        self.cx, self.cy = matrix[0, 0] * columns, matrix[0, 1] * rows_
        self.rx, self.ry = matrix[1, 0] * columns, matrix[1, 1] * rows_
        # An affine map takes its extremes at the corners; 2 pixels of margin absorb rounding
        # and the second neighbour (floor + 1).
        m = matrix.tolist()
        xs, ys = (0.0, out_cols - 1.0), (0.0, out_rows - 1.0)
        c_corners = [m[0][0] * x + m[0][1] * y + m[0][2] for x in xs for y in ys]
        r_corners = [m[1][0] * x + m[1][1] * y + m[1][2] for x in xs for y in ys]
        self.col_lo = math.floor(min(c_corners)) - 2
        self.row_lo = math.floor(min(r_corners)) - 2
        col_hi = math.floor(max(c_corners)) + 3
        row_hi = math.floor(max(r_corners)) + 3
        self.pad = (
            (max(0, -self.row_lo), max(0, row_hi - (rows - 1))),
            (max(0, -self.col_lo), max(0, col_hi - (cols - 1))),
        )
        self.crop = (
            slice(self.row_lo + self.pad[0][0], row_hi + self.pad[0][0] + 1),
            slice(self.col_lo + self.pad[1][0], col_hi + self.pad[1][0] + 1),
        )
        self.padded_cols = col_hi - self.col_lo + 1

    def padded(self, plane: np.ndarray, mode: str, cval: float) -> np.ndarray:
        """``plane`` extended in ``mode`` to cover every position read, C-contiguous."""
        kwargs = {"constant_values": cval} if mode == "constant" else {}
        padded = np.pad(plane, self.pad, mode=_NUMPY_PAD_MODES[mode], **kwargs)
        return np.ascontiguousarray(padded[self.crop])


def _tile(size: int, gather_dtype) -> _Tile:
    """This thread's work arrays for tiles of up to ``size`` pixels (kept between calls)."""
    dtype = np.dtype(gather_dtype)
    tile = workspace(("warp", dtype.str), lambda: _Tile(size, dtype))
    if tile.size < size:
        tile.__init__(size, dtype)
    return tile


class _Tile:
    """Work arrays of one tile, reused from tile to tile."""

    def __init__(self, size: int, gather_dtype):
        self.size = size
        self.c = np.empty(size)
        self.r = np.empty(size)
        self.floor_c = np.empty(size)
        self.floor_r = np.empty(size)
        self.index = np.empty(size, dtype=np.intp)
        self.weight_c = np.empty(size)
        self.weight_r = np.empty(size)
        self.corners = [np.empty(size, dtype=gather_dtype) for _ in range(4)]
        self.top = np.empty(size)
        self.bottom = np.empty(size)
        self.scratch = np.empty(size)
        # uint8 RGB: the 3 channels of the 4 neighbours, as float64.
        self.planes = np.empty((4, 3, size)) if self.corners[0].dtype == np.uint32 else None

    def positions(self, geometry: _Geometry, rows: slice, n: int, width: int):
        """Fill ``index`` (top-left neighbour in the padded source), ``dc``, ``dr`` and
        ``1 - dc``, ``1 - dr`` for output rows ``rows``; return the ``n``-long views."""
        m = geometry.matrix
        c, r = self.c[:n], self.r[:n]
        np.add(geometry.cx[None, :], geometry.cy[rows, None], out=c.reshape(-1, width))
        c += m[0, 2]
        np.add(geometry.rx[None, :], geometry.ry[rows, None], out=r.reshape(-1, width))
        r += m[1, 2]
        floor_c, floor_r = self.floor_c[:n], self.floor_r[:n]
        np.floor(c, out=floor_c)
        np.floor(r, out=floor_r)
        np.subtract(c, floor_c, out=c)  # dc
        np.subtract(r, floor_r, out=r)  # dr
        # Linear index in the padded source; exact in float64 (integers far below 2**53).
        floor_r *= geometry.padded_cols
        floor_r += floor_c
        floor_r -= geometry.row_lo * geometry.padded_cols + geometry.col_lo
        index = self.index[:n]
        index[...] = floor_r
        weight_c, weight_r = self.weight_c[:n], self.weight_r[:n]
        np.subtract(1.0, c, out=weight_c)
        np.subtract(1.0, r, out=weight_r)
        return index, c, r, weight_c, weight_r

    def gather(self, source: np.ndarray, width: int, index: np.ndarray, n: int):
        """The four neighbours (tl, tr, bl, br) of every position, from flat ``source``."""
        corners = [corner[:n] for corner in self.corners]
        for corner, offset in zip(corners, (0, 1, width, width + 1), strict=True):
            np.take(source[offset:], index, out=corner, mode="wrap")
        return corners

    def interpolate(self, tl, tr, bl, br, dc, dr, weight_c, weight_r, out: np.ndarray):
        """``out = (1 - dr) * ((1 - dc) * tl + dc * tr) + dr * ((1 - dc) * bl + dc * br)``."""
        n = out.size
        top, bottom, scratch = self.top[:n], self.bottom[:n], self.scratch[:n]
        np.multiply(weight_c, tl, out=top)
        np.multiply(dc, tr, out=scratch)
        top += scratch
        np.multiply(weight_c, bl, out=bottom)
        np.multiply(dc, br, out=scratch)
        bottom += scratch
        top *= weight_r
        bottom *= dr
        np.add(top, bottom, out=out)
        return out


def _pack_rgb(image: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 -> (H, W) uint32 holding R, G, B in its first three bytes (in memory)."""
    packed = np.zeros(image.shape[:2], dtype=np.uint32)
    as_bytes = packed.view(np.uint8).reshape(image.shape[0], image.shape[1], 4)
    for channel in range(3):
        np.copyto(as_bytes[..., channel], image[..., channel])
    return packed


def _warp_uint8_rgb(image, geometry, out_shape, mode, tile_pixels):
    """Rotated uint8 RGB image, rounded with np.rint: one 32-bit gather per neighbour."""
    out_rows, out_cols = out_shape
    source = geometry.padded(_pack_rgb(image), mode, 0).reshape(-1)
    width = geometry.padded_cols
    out = np.empty((out_rows, out_cols, 3), dtype=np.uint8)
    rows_per_tile = max(1, tile_pixels // out_cols)
    tile = _tile(rows_per_tile * out_cols, np.uint32)
    for row in range(0, out_rows, rows_per_tile):
        rows = slice(row, min(out_rows, row + rows_per_tile))
        n = (rows.stop - rows.start) * out_cols
        index, dc, dr, weight_c, weight_r = tile.positions(geometry, rows, n, out_cols)
        words = tile.gather(source, width, index, n)
        # The three channels of the four neighbours as float64 planes (4, 3, n).
        tl, tr, bl, br = tile.planes[:, :, :n]
        for plane, word in zip((tl, tr, bl, br), words, strict=True):
            np.copyto(plane, word.view(np.uint8).reshape(n, 4)[:, :3].T)
        # (1 - dr) * ((1 - dc) * tl + dc * tr) + dr * ((1 - dc) * bl + dc * br), channel-wise.
        tl *= weight_c
        tr *= dc
        tl += tr
        bl *= weight_c
        br *= dc
        bl += br
        tl *= weight_r
        bl *= dr
        tl += bl
        np.rint(tl, out=tl)
        pixels = out[rows].reshape(n, 3)
        for channel in range(3):  # one strided run per channel beats a transposing copy
            np.copyto(pixels[:, channel], tl[channel], casting="unsafe")
    return out


def _warp_planes(planes, geometry, out_shape, mode, cval, tile_pixels):
    """Rotated float64 values (k, out_rows, out_cols) of each plane, unrounded."""
    out_rows, out_cols = out_shape
    sources = [geometry.padded(plane, mode, cval).reshape(-1) for plane in planes]
    width = geometry.padded_cols
    out = np.empty((len(planes), out_rows, out_cols))
    rows_per_tile = max(1, tile_pixels // out_cols)
    tile = _tile(rows_per_tile * out_cols, sources[0].dtype)
    for row in range(0, out_rows, rows_per_tile):
        rows = slice(row, min(out_rows, row + rows_per_tile))
        n = (rows.stop - rows.start) * out_cols
        index, dc, dr, weight_c, weight_r = tile.positions(geometry, rows, n, out_cols)
        for plane, source in enumerate(sources):
            tl, tr, bl, br = tile.gather(source, width, index, n)
            tile.interpolate(
                tl, tr, bl, br, dc, dr, weight_c, weight_r, out[plane, rows].reshape(-1)
            )
    return out


def _clip_like_skimage(image, warped, mode, cval):
    """``skimage.transform._warps._clip_warp_output(image, warped, mode, cval, clip=True)``."""
    min_val, max_val = np.min(image), np.max(image)
    preserve_cval = (
        mode == "constant"
        and not min_val <= cval <= max_val
        and np.min(warped) <= cval <= np.max(warped)
    )
    if preserve_cval:
        cval = image.dtype.type(cval)
        min_val, max_val = min(min_val, cval), max(max_val, cval)
    np.clip(warped, np.asarray(min_val), np.asarray(max_val), out=warped)
    return warped


def rotate_exact(image, angle, resize, mode, cval, tile_pixels=TILE_PIXELS):
    """``skimage.transform.rotate`` (order 1, preserve_range) then coursekit's rounding.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray, uint8 or float64
        A validated image (views are fine; it is not modified).
    angle : float
        Degrees counter-clockwise, not a multiple of 90.
    resize : bool
    mode : {'constant', 'edge', 'symmetric', 'reflect', 'wrap'}
    cval : float
        In the image's range.
    tile_pixels : int, optional
        Output pixels per tile (tests use small tiles to cover tile edges).

    Returns
    -------
    ndarray or None
        What :func:`coursekit.augment.rotate` returns for these arguments, bit for
        bit; None when the fast path does not apply (see the module docstring).
    """
    if image.dtype not in (np.uint8, np.float64):
        return None
    if compiled_path_available(image.dtype):
        return _rotate_compiled(image, angle, resize, mode, cval)
    if not fast_path_available():
        return None
    return _rotate_exact(image, angle, resize, mode, cval, tile_pixels)


def _fast_path_applies(image, matrix, mode, cval) -> bool:
    """False where scikit-image computes otherwise than the fast paths do."""
    if matrix[0, 1] == 0 and matrix[1, 0] == 0:
        return False  # scikit-image evaluates an axis-aligned map with another formula
    if image.dtype == np.uint8 and mode == "constant":
        # scikit-image's clip then depends on where cval was used.
        return int(image.min()) <= cval <= int(image.max())
    return True


def _rotate_compiled(image, angle, resize, mode, cval):
    """:func:`rotate_exact` by the compiled kernel (see the module docstring)."""
    rows, cols = image.shape[:2]
    matrix, out_shape = rotation_matrix(rows, cols, angle, resize)
    if not _fast_path_applies(image, matrix, mode, cval):
        return None
    described = flat_pixels(image)
    if described is None:  # e.g. a crop or a single channel: one copy, then in place
        described = flat_pixels(np.ascontiguousarray(image))
    flat, offset, row_step, col_step, channels = described
    out = np.empty(out_shape + image.shape[2:], dtype=image.dtype)
    rounding = image.dtype == np.uint8
    _accel.kernels().rotate_pixels(
        flat, offset, row_step, col_step, rows, cols, channels, matrix,
        MODE_CODES[mode], float(cval), out.reshape(-1), out_shape[1], rounding,
    )  # fmt: skip
    if rounding:
        return out
    _clip_like_skimage(image, out, mode, cval)
    return np.clip(out, 0.0, 1.0, out=out)


def _rotate_exact(image, angle, resize, mode, cval, tile_pixels=TILE_PIXELS):
    rows, cols = image.shape[:2]
    matrix, out_shape = rotation_matrix(rows, cols, angle, resize)
    if not _fast_path_applies(image, matrix, mode, cval):
        return None
    geometry = _Geometry(matrix, (rows, cols), out_shape)
    planes = [image] if image.ndim == 2 else [image[..., c] for c in range(3)]
    if image.dtype == np.uint8:
        if mode == "constant":
            planes = [plane.astype(np.float64) for plane in planes]  # room for any cval
        elif image.ndim == 3:
            return _warp_uint8_rgb(image, geometry, out_shape, mode, tile_pixels)
        # Convex combinations of pixel values (and of cval, within their range): after
        # rounding they lie in the input's range, so scikit-image's clip changes nothing.
        warped = _warp_planes(planes, geometry, out_shape, mode, cval, tile_pixels)
        np.rint(warped, out=warped)
        result = warped[0] if image.ndim == 2 else np.moveaxis(warped, 0, -1)
        return np.clip(result, 0, 255).astype(np.uint8)
    warped = _warp_planes(planes, geometry, out_shape, mode, cval, tile_pixels)
    result = warped[0] if image.ndim == 2 else np.ascontiguousarray(np.moveaxis(warped, 0, -1))
    _clip_like_skimage(image, result, mode, cval)
    return np.clip(result, 0.0, 1.0).astype(image.dtype, copy=False)


def _probe(rotate_function, dtype=None) -> bool:
    """True if ``rotate_function`` gives scikit-image's results on a few small rotations.

    uint8 RGB and float64 grey images (only those of ``dtype`` if given),
    straight and through quarter-turned and mirrored views, every mode, with
    and without ``resize``.
    """
    import skimage.transform

    rng = np.random.default_rng(13)
    rgb = rng.integers(0, 256, size=(13, 17, 3), dtype=np.uint8)
    grey = rng.random((11, 9))
    cases = [
        (rgb, 30.0, False, "reflect", 0.0),
        (rgb[:, ::-1], -17.25, True, "wrap", 0.0),
        (np.rot90(rgb), 123.4, False, "constant", float(rgb.max())),
        (grey, 7.5, True, "symmetric", 0.0),
        (np.rot90(grey, 3)[::-1], -200.0, False, "edge", 0.0),
        (grey, 45.0, False, "constant", 0.25),
    ]
    if dtype is not None:
        cases = [case for case in cases if case[0].dtype == dtype]
    for image, angle, resize, mode, cval in cases:
        expected = skimage.transform.rotate(
            image, angle, resize=resize, mode=mode, order=1, cval=cval, preserve_range=True
        )
        if image.dtype == np.uint8:
            expected = np.clip(np.rint(expected), 0, 255).astype(np.uint8)
        else:
            expected = np.clip(expected, 0.0, 1.0)
        got = rotate_function(image, angle, resize, mode, cval)
        if got is None or got.shape != expected.shape or not np.array_equal(got, expected):
            return False
    return True


@functools.cache
def fast_path_available() -> bool:
    """True if the numpy code of this module reproduces scikit-image here (checked once).

    A few small rotations are compared with ``skimage.transform.rotate``
    (:func:`_probe`). A compiled scikit-image that fuses multiply-adds
    (possible on some CPUs) or a future change of its formula makes them
    differ, and :func:`rotate_exact` then steps aside.
    """
    return _probe(
        lambda image, angle, resize, mode, cval: _rotate_exact(
            image, angle, resize, mode, cval, tile_pixels=37
        )
    )


def compiled_path_available(dtype=None) -> bool:
    """True if the compiled kernel is in use and reproduces scikit-image here.

    False without numba (or with ``COURSEKIT_NO_NUMBA=1``); otherwise the
    probe of :func:`fast_path_available` is run on the compiled kernel, once
    per process and dtype (uint8, float64, or both if ``dtype`` is None):
    each dtype is compiled, or loaded, only when an image of it is rotated.
    """
    if _accel.kernels() is None:
        return False
    if dtype is None:
        return all(_compiled_probe(d) for d in ("uint8", "float64"))
    return _compiled_probe(np.dtype(dtype).name)


@functools.cache
def _compiled_probe(dtype: str) -> bool:
    return _probe(_rotate_compiled, np.dtype(dtype))
