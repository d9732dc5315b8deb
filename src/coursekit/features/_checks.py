"""Checks shared by ``coursekit.features`` and ``coursekit.cluster`` (validate at the boundary)."""

from __future__ import annotations

import numbers

import numpy as np

from coursekit._validation import check_random_state


def check_int(value, name: str, *, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an int after checking that it is an integer in [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} ({type(value).__name__}).")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        upper = "" if maximum is None else f" and <= {maximum}"
        raise ValueError(f"{name} must be >= {minimum}{upper}; got {value}.")
    return value


def check_pair(value, name: str) -> tuple[int, int]:
    """Return ``value`` as a pair of positive ints, e.g. a size ``(rows, columns)``."""
    try:
        first, second = value
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair of positive integers; got {value!r}.") from None
    return check_int(first, name, minimum=1), check_int(second, name, minimum=1)


def check_choice(value, name: str, choices) -> str:
    """Check that ``value`` is one of ``choices`` (strings) and return it."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}.")
    return value


def check_features(features, name: str = "features") -> np.ndarray:
    """Return ``features`` as a finite float64 ``(n_samples, n_features)`` array with n >= 1."""
    arr = np.asarray(features)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be numeric; got dtype {arr.dtype}.")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real; got dtype {arr.dtype}.")
    if arr.ndim != 2:
        hint = " (use features.reshape(-1, 1) for a single feature)" if arr.ndim == 1 else ""
        raise ValueError(
            f"{name} has shape {arr.shape}; expected 2-D (n_samples, n_features){hint}."
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(
            f"{name} is empty, shape {arr.shape}; expected n_samples, n_features >= 1."
        )
    arr = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"{name} contains NaN or infinite values (first at row {bad[0]}, column {bad[1]})."
        )
    return arr


def sklearn_seed(random_state) -> int:
    """Turn ``random_state`` into the int seed handed to a scikit-learn estimator.

    An int up to 2**32 - 1 passes through unchanged (so ``random_state=0`` here is
    ``random_state=0`` in scikit-learn); ``None``, a Generator or a larger int gives an int
    drawn from :func:`coursekit._validation.check_random_state`.
    """
    rng = check_random_state(random_state)  # validates every accepted form
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state <= 2**32 - 1:
            return int(random_state)
    return int(rng.integers(2**31 - 1))
