"""The decorator of the compiled kernels: ``numba.njit`` with the cache on, fastmath off.

Importing this module imports numba (:mod:`coursekit.augment._accel` does so
only when the kernels are first needed). fastmath stays off, so that every
float operation is the IEEE operation written, in the order written: the
kernels of graded functions reproduce scikit-image's and numpy's arithmetic bit
for bit. ``nogil`` lets ``augment_dataset``'s threads run kernels side by side.

Indices are cast to unsigned integers (``U(i)``) where the kernels read and
write arrays: numba then knows they are not negative and leaves out Python's
wrap-around of negative indices, which would otherwise cost a compare and a
select per access and stop LLVM from vectorising the loops.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["jit", "U"]

#: Cast of an index known to be >= 0 (no wrap-around of negative indices).
U = np.uint64


def jit(function):
    """``numba.njit(cache=True, nogil=True)(function)``, without the cache if it cannot be kept.

    numba refuses ``cache=True`` when neither the package's ``__pycache__`` nor
    the user's cache folder is writable; the kernel is then compiled in every
    process instead.
    """
    try:
        return numba.njit(cache=True, nogil=True)(function)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(nogil=True)(function)
