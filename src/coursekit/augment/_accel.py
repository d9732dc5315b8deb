"""Whether the augmentation functions run numba-compiled kernels, and loading them.

When numba can be imported and the environment variable ``COURSEKIT_NO_NUMBA``
is not ``1``, the hot loops of :mod:`coursekit.augment` (rotation, flips and
quarter turns, look-up tables, uint8 saturation and hue, uint8 blur and noise)
run as compiled kernels (:mod:`coursekit.augment._jit_pixels`,
:mod:`~coursekit.augment._jit_warp`, :mod:`~coursekit.augment._jit_colour`,
:mod:`~coursekit.augment._jit_filters`);
otherwise the numpy code computes them. Both give the results the docstrings
promise: the same bits for the graded functions, the documented tolerance for
the others (the tests run both).

Cost of compiling. The kernels are compiled for this machine's CPU on first use
(about a second each, up to two for the rotation; once per machine) and stored
by numba's cache: in the package's ``__pycache__`` folders, or the user's cache
folder when those are read-only, or ``$NUMBA_CACHE_DIR``. A new Python process
then loads them from the cache (milliseconds each) after numba's own start-up
(about half a second of CPU, once per process). :func:`coursekit.augment.warm_up`
does all of it at once, e.g. before forking workers.

Layers. This module sits at the bottom of :mod:`coursekit.augment`: the public
modules (``geometry``, ``colour``, ``filters``) import it for the kernels, and it
imports none of them. The warm-up, which runs those public functions once, lives
above them all in :mod:`coursekit.augment.warmup`.
"""

from __future__ import annotations

import contextlib
import os
import threading
import warnings

__all__ = ["ENV_VARIABLE", "disabled_by_environment", "kernels", "enabled", "numpy_only"]

#: Set this environment variable to ``1`` to use the numpy code instead of numba's.
ENV_VARIABLE = "COURSEKIT_NO_NUMBA"

_UNSET = object()
_kernels = _UNSET
_lock = threading.Lock()


class Kernels:
    """The compiled kernels, as attributes (one namespace for the four kernel modules)."""

    def __init__(self, *modules):
        for module in modules:
            for name in module.__all__:
                setattr(self, name, getattr(module, name))


def disabled_by_environment() -> bool:
    """True if ``COURSEKIT_NO_NUMBA=1`` asks for the numpy code."""
    return os.environ.get(ENV_VARIABLE, "").strip() == "1"


def _load():
    if disabled_by_environment():
        return None
    try:
        import numba  # noqa: F401
    except ImportError:  # numba (or llvmlite) missing or unusable: the numpy code runs
        return None
    try:
        from coursekit.augment import _jit_colour, _jit_filters, _jit_pixels, _jit_warp
    except Exception as error:  # noqa: BLE001 - e.g. a numba release that changed its API
        warnings.warn(
            f"coursekit.augment could not set up its numba kernels ({error!r}); the numpy "
            f"code runs instead (the same results, slower). Set {ENV_VARIABLE}=1 to silence "
            "this warning.",
            RuntimeWarning,
            stacklevel=3,
        )
        return None
    return Kernels(_jit_pixels, _jit_warp, _jit_colour, _jit_filters)


def kernels():
    """The compiled kernels, or None when the numpy code runs (read once per process).

    Returns
    -------
    Kernels or None
        None if numba cannot be imported or ``COURSEKIT_NO_NUMBA=1``.
    """
    global _kernels
    found = _kernels
    if found is _UNSET:
        with _lock:
            if _kernels is _UNSET:
                _kernels = _load()
            found = _kernels
    return found


def enabled() -> bool:
    """True if the compiled kernels are used in this process.

    Examples
    --------
    >>> from coursekit.augment import _accel
    >>> with _accel.numpy_only():
    ...     _accel.enabled()
    False
    """
    return kernels() is not None


@contextlib.contextmanager
def numpy_only():
    """Run the numpy code instead of the compiled kernels inside the ``with`` block.

    For comparing the two (the tests run both). It changes a process-wide
    setting: do not use it while other threads augment images.
    """
    global _kernels
    kernels()
    saved = _kernels
    _kernels = None
    try:
        yield
    finally:
        _kernels = saved
