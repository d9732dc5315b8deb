"""Checks for the numeric and named parameters of the augmentation functions.

Image arguments are checked by :mod:`coursekit._validation`; this module checks
the rest (angles, factors, sizes, names) with messages that name the argument,
say what was expected and show what arrived.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["check_number", "check_integer", "check_choice", "check_size"]


def check_number(
    value,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
) -> float:
    """Return ``value`` as a finite float, checked against the given bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} ({type(value).__name__}).")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value}.")
    if minimum is not None:
        too_small = value <= minimum if exclusive_minimum else value < minimum
        if too_small:
            relation = ">" if exclusive_minimum else ">="
            raise ValueError(f"{name} must be {relation} {minimum:g}; got {value:g}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum:g}; got {value:g}.")
    return value


def check_integer(value, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int (Python or numpy integer, not bool), at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} ({type(value).__name__}).")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}.")
    return value


def check_choice(value, name: str, choices) -> str:
    """Return ``value`` if it is one of the strings ``choices``; else list them in the error."""
    if not isinstance(value, str) or value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {valid}; got {value!r}.")
    return value


def check_size(size, name: str = "size") -> tuple[int, int]:
    """Return ``size`` as ``(height, width)``: two integers >= 1, in pixels."""
    try:
        height, width = size
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a pair (height, width) of integers >= 1, in pixels; got {size!r}."
        ) from None
    return (
        check_integer(height, f"{name}[0] (height)", minimum=1),
        check_integer(width, f"{name}[1] (width)", minimum=1),
    )
