"""Input checks shared by every public function (validate once, at the boundary).

Images are ``(H, W)`` or ``(H, W, 3)`` numpy arrays, channel last, either
``uint8`` in [0, 255] or floating point in [0, 1].
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "check_image",
    "check_images",
    "check_random_state",
    "to_float",
    "from_float",
    "check_number",
    "check_integer",
    "check_choice",
    "check_size",
    "check_features",
    "sklearn_seed",
]


def check_random_state(random_state=None) -> np.random.Generator:
    """Turn ``random_state`` into a :class:`numpy.random.Generator`.

    Parameters
    ----------
    random_state : None, int or numpy.random.Generator
        ``None`` gives fresh entropy (not reproducible), an int seeds a new
        generator, a Generator is returned unchanged (so that a caller's
        stream continues).

    Returns
    -------
    numpy.random.Generator
    """
    if random_state is None or isinstance(random_state, np.random.Generator):
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**32 - 1))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be a non-negative integer; got {random_state}.")
        return np.random.default_rng(int(random_state))
    raise TypeError(
        "random_state must be None, a non-negative int or a numpy.random.Generator; "
        f"got {type(random_state).__name__}."
    )


def check_image(image, name: str = "image", *, allow_grey: bool = True) -> np.ndarray:
    """Check that ``image`` is a valid course image and return it as an array.

    Parameters
    ----------
    image : array_like
        ``(H, W)`` grey or ``(H, W, 3)`` RGB; ``uint8`` in [0, 255] or float in [0, 1].
    name : str
        Argument name used in error messages.
    allow_grey : bool
        If False, only ``(H, W, 3)`` RGB images are accepted.

    Returns
    -------
    numpy.ndarray
        The same data (no copy when ``image`` is already an array).

    Raises
    ------
    TypeError
        For bool, integer types other than uint8, complex or object arrays.
    ValueError
        For a wrong number of dimensions or channels, an empty image, or
        floats outside [0, 1] or not finite.
    """
    arr = np.asarray(image)
    expected = "(H, W) or (H, W, 3)" if allow_grey else "(H, W, 3)"
    if arr.dtype == bool:
        raise TypeError(
            f"{name} is a boolean array (a mask?); expected uint8 in [0, 255] or float in [0, 1]."
        )
    if arr.dtype != np.uint8 and not np.issubdtype(arr.dtype, np.floating):
        raise TypeError(
            f"{name} has dtype {arr.dtype}; expected uint8 in [0, 255] or float in [0, 1]."
        )
    if arr.ndim == 3:
        if arr.shape[2] != 3:
            raise ValueError(
                f"{name} has shape {arr.shape} with {arr.shape[2]} channels; expected {expected}"
                + (" (drop the alpha channel with image[..., :3])" if arr.shape[2] == 4 else "")
                + "."
            )
    elif arr.ndim == 2:
        if not allow_grey:
            raise ValueError(f"{name} has shape {arr.shape}; expected an RGB image {expected}.")
    else:
        raise ValueError(
            f"{name} has {arr.ndim} dimensions, shape {arr.shape}; expected {expected}."
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty, shape {arr.shape}.")
    if np.issubdtype(arr.dtype, np.floating):
        lo, hi = float(np.min(arr)), float(np.max(arr))
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise ValueError(f"{name} contains NaN or infinite values.")
        if lo < 0.0 or hi > 1.0:
            raise ValueError(
                f"{name} is float with values in [{lo:g}, {hi:g}]; float images must lie in [0, 1] "
                "(divide uint8 data by 255, or pass it as uint8)."
            )
    return arr


def check_images(images, name: str = "images") -> np.ndarray:
    """Check a batch ``(n, H, W)`` or ``(n, H, W, 3)`` of course images.

    Same dtype and range rules as :func:`check_image`; ``n`` may not be 0.
    """
    arr = np.asarray(images)
    if arr.ndim not in (3, 4):
        raise ValueError(
            f"{name} has shape {arr.shape}; expected a batch (n, H, W) or (n, H, W, 3)."
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is an empty batch (n = 0).")
    # Checking the whole batch as one image checks dtype, range and channels at once.
    check_image(arr.reshape((-1,) + arr.shape[2:]), name=name)
    return arr


def to_float(image: np.ndarray) -> np.ndarray:
    """Return ``image`` as float64 in [0, 1] (uint8 is divided by 255)."""
    if image.dtype == np.uint8:
        return image.astype(np.float64) / 255.0
    return image.astype(np.float64, copy=False)


def from_float(result: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Return float ``result`` (in [0, 1], clipped) in the dtype and range of ``like``.

    uint8 results are rounded to the nearest integer; float results keep
    ``like``'s float dtype.
    """
    result = np.clip(result, 0.0, 1.0)
    if like.dtype == np.uint8:
        return np.rint(result * 255.0).astype(np.uint8)
    return result.astype(like.dtype, copy=False)


# -- parameters -------------------------------------------------------------------------
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


def check_integer(
    value, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Return ``value`` as an int (a Python or numpy integer, not a bool or a float).

    Raises
    ------
    TypeError
        If ``value`` is not an integer (``64.0`` is refused: write ``64``).
    ValueError
        If it is below ``minimum`` or above ``maximum``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        hint = f" (write {int(value)})" if isinstance(value, float) and value.is_integer() else ""
        raise TypeError(
            f"{name} must be an integer; got {value!r} ({type(value).__name__}){hint}."
        )
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = " and ".join(
            part
            for part in (
                f">= {minimum}" if minimum is not None else "",
                f"<= {maximum}" if maximum is not None else "",
            )
            if part
        )
        raise ValueError(f"{name} must be an integer {bounds}; got {value}.")
    return value


def check_choice(value, name: str, choices) -> str:
    """Return ``value`` if it is one of the strings ``choices``; else list them in the error."""
    if not isinstance(value, str) or value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {valid}; got {value!r}.")
    return value


def check_size(size, name: str = "size") -> tuple[int, int]:
    """Return ``size`` as ``(height, width)``: two integers >= 1, in pixels.

    ``(64.0, 64.0)`` is refused with a TypeError (sizes count pixels: write ``(64, 64)``).
    """
    try:
        height, width = size
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a pair (height, width) of integers >= 1, in pixels; got {size!r}."
        ) from None
    try:
        return (
            check_integer(height, f"{name}[0] (height)", minimum=1),
            check_integer(width, f"{name}[1] (width)", minimum=1),
        )
    except (TypeError, ValueError) as exc:
        raise type(exc)(
            f"{name} must be (height, width) in pixels, two integers >= 1; got {size!r}: {exc}"
        ) from None


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
