"""Input checks shared by every public function (validate once, at the boundary).

Images are ``(H, W)`` or ``(H, W, 3)`` numpy arrays, channel last, either
``uint8`` in [0, 255] or floating point in [0, 1].
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "check_image",
    "check_images",
    "check_random_state",
    "to_float",
    "from_float",
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
