"""Raw pixels as features: the image shrunk and flattened."""

from __future__ import annotations

import numpy as np
from skimage import transform

from coursekit._validation import check_image, check_size, to_float

__all__ = ["pixel_features"]


def pixel_features(image, size=(16, 16)):
    """Shrink the image (anti-aliased) and flatten it into a feature vector.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        ``uint8`` in [0, 255] or float in [0, 1].
    size : (int, int), optional
        Output size (rows, columns) in pixels before flattening.

    Returns
    -------
    (size[0] * size[1] * C,) ndarray of float64
        Values in [0, 1], in row-major order with channels last (``C`` is 1 for grey and
        3 for RGB images): ``resized.ravel()``.

    Notes
    -----
    Resizing uses :func:`skimage.transform.resize` with ``anti_aliasing=True`` (a Gaussian
    blur before sampling, so that fine texture does not alias) and linear interpolation.

    Examples
    --------
    >>> import numpy as np
    >>> pixel_features(np.ones((64, 64, 3)), size=(8, 8)).shape
    (192,)
    """
    size = check_size(size, "size")
    image = to_float(check_image(image))
    resized = transform.resize(image, size + image.shape[2:], order=1, anti_aliasing=True)
    return np.clip(resized, 0.0, 1.0).ravel()
