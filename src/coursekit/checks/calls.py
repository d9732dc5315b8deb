"""Calling a function under test and recording what the call did.

A check needs more than the returned value: whether the result is a *view* of
an input (sharing its memory, so that changing one changes the other) and
whether the function changed an input *in place*. :class:`Call` carries that;
:class:`LocalFunction` produces it for a function in this process (the quick
checks in a notebook). The grader's stand-in for a function in the student's
process (:class:`coursekit.grading.session.StudentFunction`) produces the same.
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Call", "LocalFunction", "describe_call_inputs"]


@dataclass
class Call:
    """What one call of a function under test did.

    Attributes
    ----------
    value : object
        The returned value.
    shares_memory : bool
        True if the returned array (or an array inside a returned tuple) shares
        memory with an argument: a view, not a new array.
    changed_inputs : list of str
        Names of the arguments the call changed in place.
    seconds : float
        Time the call took.
    """

    value: object
    shares_memory: bool = False
    changed_inputs: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _arrays_in(value, depth=0):
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, (tuple, list)) and depth < 3:
        for item in value[:50]:
            yield from _arrays_in(item, depth + 1)
    elif hasattr(value, "to_numpy") and depth < 3:
        try:
            yield value.to_numpy(copy=False)
        except Exception:  # noqa: BLE001 - not a usable pandas object
            return


def _snapshot(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if hasattr(value, "equals") and hasattr(value, "index") and hasattr(value, "copy"):
        return value.copy(deep=True)
    return None


def _unchanged(before, after) -> bool:
    if isinstance(before, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and before.shape == after.shape
            and before.dtype == after.dtype
            and np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")
        )
    try:
        return bool(before.equals(after)) and before.index.equals(after.index)
    except Exception:  # noqa: BLE001 - a pandas object the function broke
        return False


def _argument_names(function, args, kwargs):
    try:
        return list(inspect.signature(function).bind_partial(*args, **kwargs).arguments.items())
    except (TypeError, ValueError):
        return [(f"argument {i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())


def describe_call_inputs(args, kwargs) -> dict:
    """``{"argument 1": ..., name: ...}``: the inputs of a call, for feedback."""
    return {f"argument {i + 1}": a for i, a in enumerate(args)} | dict(kwargs)


class LocalFunction:
    """A function of this process, callable as itself or through :meth:`call`.

    Parameters
    ----------
    function : callable
        The function under test.
    """

    def __init__(self, function):
        self.function = function
        self.__name__ = getattr(function, "__name__", repr(function))

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)

    def call(self, *args, **kwargs) -> Call:
        """Call the function and record views and changes of its inputs."""
        arguments = _argument_names(self.function, args, kwargs)
        snapshots = [(name, value, _snapshot(value)) for name, value in arguments]
        start = time.perf_counter()
        value = self.function(*args, **kwargs)
        seconds = time.perf_counter() - start
        inputs = [a for _, argument in arguments for a in _arrays_in(argument)]
        shares = any(
            out.size and array.size and np.shares_memory(out, array, max_work=10**6)
            for out in _arrays_in(value)
            for array in inputs
        )
        changed = [
            name for name, current, before in snapshots
            if before is not None and not _unchanged(before, current)
        ]  # fmt: skip
        return Call(value, bool(shares), changed, seconds)

    def __repr__(self) -> str:
        return f"<function under test {self.__name__}>"
