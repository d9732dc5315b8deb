"""Expected answers computed once: memoised references for a warm grader.

A warm grader (:mod:`coursekit.grading.grader`, ``--serve``) runs each assignment's
hidden tests once against the references before grading; the checks' expected
answers for the fixed, derandomised generated inputs are then remembered here, and
every forked child (one per submission) inherits them. A student who passes meets
the same inputs and finds the answers computed; any other input is computed as
before. Only the grader process uses this, never the student's.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib

import numpy as np

__all__ = [
    "memoised",
    "install_reference_cache",
    "uninstall_reference_cache",
    "CACHED",
    "cache_info",
]

#: ``(module, attribute)`` of the expensive functions the checks call for expected answers.
CACHED = (
    ("coursekit.cluster", "cluster_pixels"),
    ("coursekit.cluster", "cluster_images"),
    ("coursekit.cluster", "quantise"),
    ("coursekit.features", "colour_histogram"),
    ("skimage.transform", "rotate"),
    ("skimage.transform", "resize"),
)
_MAX_ENTRIES = 50_000
_cache: dict = {}
_stats = {"hits": 0, "misses": 0}


class _Unhashable(Exception):
    pass


def _key(value, depth=0):
    if isinstance(value, np.ndarray):
        digest = hashlib.blake2b(np.ascontiguousarray(value).tobytes(), digest_size=16).digest()
        return ("ndarray", value.shape, value.dtype.str, digest)
    if value is None or isinstance(value, (bool, int, float, str, np.generic)):
        return (type(value).__name__, repr(value))
    if isinstance(value, (tuple, list)) and depth < 3:
        return (type(value).__name__, tuple(_key(v, depth + 1) for v in value))
    raise _Unhashable


def memoised(function):
    """``function`` remembering its results by the values of its arguments (copies returned)."""
    name = f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', function)}"

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            key = (name, _key(args), _key(sorted(kwargs.items())))
        except _Unhashable:
            return function(*args, **kwargs)
        if key in _cache:
            _stats["hits"] += 1
            return copy.deepcopy(_cache[key])
        _stats["misses"] += 1
        value = function(*args, **kwargs)
        if len(_cache) < _MAX_ENTRIES:
            _cache[key] = copy.deepcopy(value)
        return value

    wrapper.__wrapped_reference__ = function
    return wrapper


def install_reference_cache() -> None:
    """Replace each function of :data:`CACHED` by its memoised version (in this process)."""
    for module_name, attr in CACHED:
        module = importlib.import_module(module_name)
        function = getattr(module, attr)
        if not hasattr(function, "__wrapped_reference__"):
            setattr(module, attr, memoised(function))


def uninstall_reference_cache() -> None:
    """Put the original functions of :data:`CACHED` back and forget the answers."""
    for module_name, attr in CACHED:
        module = importlib.import_module(module_name)
        function = getattr(module, attr)
        original = getattr(function, "__wrapped_reference__", None)
        if original is not None:
            setattr(module, attr, original)
    _cache.clear()


def cache_info() -> dict:
    """``{"entries", "hits", "misses"}`` of this process's cache."""
    return {"entries": len(_cache), **_stats}
