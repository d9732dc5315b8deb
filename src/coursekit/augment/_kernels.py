"""Array kernels shared by the augmentation modules: fast copies and uint8 look-up tables.

The inputs are images that have already been validated (``(H, W)`` or
``(H, W, 3)``, ``uint8`` or float), possibly non-contiguous views such as
``image[:, ::-1]``. Every function returns a new C-contiguous array and never
modifies its input. Nothing here changes a value: these are faster ways of
computing exactly what the plain numpy expression computes.

Why they exist: numpy copies a flipped ``(H, W, 3)`` view pixel by pixel, three
bytes at a time (about 1 ms for a 450 x 600 image), and ``table[image]``
converts every ``uint8`` index to a 64-bit integer first. The compiled kernels
(:mod:`coursekit.augment._jit_pixels`, used when :mod:`coursekit.augment._accel`
says so) copy and look up in one pass; without them, copying each colour plane
as one long strided run and :meth:`bytes.translate` (a 256-entry table applied
to a byte string in one C loop) are the fastest numpy ways.
"""

from __future__ import annotations

import threading

import numpy as np

from coursekit.augment import _accel

__all__ = [
    "flat_pixels",
    "contiguous_copy",
    "apply_lut",
    "uint8_levels",
    "as_float",
    "float_to_like",
    "workspace",
]

_THREAD = threading.local()

#: The 256 uint8 levels as floats in [0, 1]: ``np.arange(256) / 255.0`` (read-only).
_LEVELS = np.arange(256) / 255.0
_LEVELS.setflags(write=False)


def workspace(key, make):
    """A per-thread object made once by ``make()`` and reused by every later call.

    The tiled kernels keep their work arrays here. Allocating fresh arrays of a
    few hundred kilobytes on every call costs more than the arithmetic: the
    memory comes straight from the operating system and every page faults when
    first written. Each thread (``augment_dataset`` runs threads) has its own
    copy, and a kernel never calls another kernel while it holds its work arrays.

    Parameters
    ----------
    key : hashable
        Names the object, e.g. ``("warp", "uint32")``.
    make : callable
        ``make()`` builds it.
    """
    cache = getattr(_THREAD, "workspaces", None)
    if cache is None:
        cache = _THREAD.workspaces = {}
    found = cache.get(key)
    if found is None:
        found = cache[key] = make()
    return found


def uint8_levels() -> np.ndarray:
    """Return ``np.arange(256) / 255.0``: every uint8 value as a float in [0, 1] (read-only)."""
    return _LEVELS


#: dtypes the compiled kernels are built for (each dtype is compiled separately).
COMPILED_DTYPES = (np.dtype(np.uint8), np.dtype(np.float64))


def flat_pixels(image: np.ndarray):
    """Describe an image as flat memory: where each of its values lies in a 1-d array.

    Value ``image[i, j, k]`` (``image[i, j]`` for grey) is ``flat[offset + i *
    row_step + j * col_step + k]``. This works for any image whose values fill
    one C-contiguous block, seen in any of the 8 orientations that quarter turns
    and mirrors give (``np.rot90`` and flipped views of an image, or the image
    itself), so the compiled kernels read such views in place.

    Parameters
    ----------
    image : (H, W) or (H, W, C) ndarray

    Returns
    -------
    (flat, offset, row_step, col_step, channels) or None
        ``flat`` is a 1-d view of the block (no copy); steps in elements,
        negative along mirrored axes. None if ``image`` is not such a view (e.g.
        a crop of a larger image, or one channel of an RGB image).
    """
    item = image.itemsize
    strides = image.strides
    if image.ndim == 3:
        channels = image.shape[2]
        if strides[2] != item and channels > 1:
            return None
    elif image.ndim == 2:
        channels = 1
    else:
        return None
    row_stride, col_stride = strides[0], strides[1]
    if row_stride % item or col_stride % item:
        return None
    block = image
    if row_stride < 0:
        block = block[::-1]
    if col_stride < 0:
        block = block[:, ::-1]
    if block.strides[0] < block.strides[1]:
        block = block.swapaxes(0, 1)
    if not block.flags.c_contiguous:
        return None
    row_step, col_step = row_stride // item, col_stride // item
    offset = 0
    if row_step < 0:
        offset -= (image.shape[0] - 1) * row_step
    if col_step < 0:
        offset -= (image.shape[1] - 1) * col_step
    return block.reshape(-1), offset, row_step, col_step, channels


def contiguous_copy(view: np.ndarray) -> np.ndarray:
    """Return a new C-contiguous array equal to ``view``, whatever its strides.

    Parameters
    ----------
    view : (H, W) or (H, W, C) ndarray
        Any array, e.g. a flipped or transposed view of an image.

    Returns
    -------
    ndarray
        Same shape, dtype and values, in new memory (never ``view`` itself).
    """
    out = np.empty(view.shape, dtype=view.dtype)
    if not view.flags.c_contiguous and view.dtype in COMPILED_DTYPES and view.ndim in (2, 3):
        compiled = _accel.kernels()
        described = None if compiled is None else flat_pixels(view)
        if described is not None:
            flat, offset, row_step, col_step, channels = described
            compiled.gather_pixels(
                flat, offset, row_step, col_step, view.shape[0], view.shape[1], channels,
                out.reshape(-1),
            )  # fmt: skip
            return out
    rows_are_runs = view.ndim != 3 or (
        view.strides[2] == view.itemsize and view.strides[1] == view.shape[2] * view.itemsize
    )
    if rows_are_runs:
        # Grey images, views whose rows are contiguous runs (vertical flips, crops), and
        # anything that is not (H, W, C): numpy's own copy.
        np.copyto(out, view)
    else:
        # Channel-last views whose pixels are reordered within rows: one long strided
        # run per channel instead of numpy's per-pixel copy of 3 values.
        for channel in range(view.shape[2]):
            np.copyto(out[..., channel], view[..., channel])
    return out


def apply_lut(image: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Return ``table[image]`` for a uint8 image and a table of 256 uint8 values.

    Parameters
    ----------
    image : ndarray of uint8
        Any shape; a non-contiguous view is read in C order.
    table : (256,) ndarray of uint8
        ``table[v]`` is the output for input value ``v``.

    Returns
    -------
    ndarray of uint8
        A new, writable, C-contiguous array of ``image``'s shape: exactly
        ``table[image]``.
    """
    compiled = _accel.kernels()
    if compiled is not None:
        out = np.empty(image.shape, dtype=np.uint8)
        source = image if image.flags.c_contiguous else contiguous_copy(image)
        table = np.ascontiguousarray(table, dtype=np.uint8)
        compiled.apply_table(source.reshape(-1), table, out.reshape(-1))
        return out
    data = bytearray(np.ascontiguousarray(image))
    translated = data.translate(np.ascontiguousarray(table, dtype=np.uint8).tobytes())
    return np.frombuffer(translated, dtype=np.uint8).reshape(image.shape)


def as_float(image: np.ndarray) -> np.ndarray:
    """``coursekit._validation.to_float(image)`` in one pass: float64 in [0, 1].

    A new array for uint8 (``image / 255.0``); a float64 image is returned as it
    is, so callers must not modify the result in place.
    """
    if image.dtype == np.uint8:
        return np.divide(image, 255.0)
    return image.astype(np.float64, copy=False)


def float_to_like(result: np.ndarray, like: np.ndarray) -> np.ndarray:
    """``coursekit._validation.from_float(result, like)``, reusing ``result``'s memory.

    ``result`` (float64, owned by the caller) is clipped to [0, 1] in place; for
    a uint8 ``like`` it is scaled by 255 and rounded with ``np.rint`` in place.
    The values are exactly those of ``from_float``.
    """
    np.clip(result, 0.0, 1.0, out=result)
    if like.dtype == np.uint8:
        result *= 255.0
        np.rint(result, out=result)
        return result.astype(np.uint8)
    return result.astype(like.dtype, copy=False)
