"""Small generated inputs shared by the contracts: random images and their value scale."""

from __future__ import annotations

import numpy as np

__all__ = ["random_image", "value_scale"]


def random_image(seed: int, shape, dtype="float64") -> np.ndarray:
    """A reproducible random image: uint8 in [0, 255] or float in [0, 1).

    Parameters
    ----------
    seed : int
        Seed of the generator; the same seed gives the same image.
    shape : tuple of int
        ``(H, W)`` or ``(H, W, 3)``.
    dtype : {"uint8", "float64"}, optional
        uint8 draws whole grey levels; any other dtype draws floats in [0, 1).
    """
    rng = np.random.default_rng(seed)
    if np.dtype(dtype) == np.uint8:
        return rng.integers(0, 256, size=shape, dtype=np.uint8)
    return rng.random(shape)


def value_scale(image: np.ndarray) -> float:
    """The largest value of ``image``'s range: 255 for uint8, 1 for float images."""
    return 255.0 if image.dtype == np.uint8 else 1.0
