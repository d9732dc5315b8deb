"""Blur and noise: augmentations that imitate focus and sensor differences.

Both functions take an ``(H, W)`` grey or ``(H, W, 3)`` RGB image, ``uint8`` in
[0, 255] or float in [0, 1], and return a new array of the same shape, dtype and
range (computed in float [0, 1], clipped, ``uint8`` rounded to the nearest
integer). Sigmas of 0 return an exact copy.

For uint8 images both are computed by compiled kernels when numba is in use
(:mod:`coursekit.augment._jit_filters`): the same arithmetic in one pass, hence
the same bits (the blur is compared with scipy once per process, and scipy
computes it if they differ).
"""

from __future__ import annotations

import functools
import numbers

import numpy as np
import scipy.ndimage

from coursekit._validation import check_image, check_random_state
from coursekit.augment import _accel
from coursekit.augment._kernels import as_float, float_to_like
from coursekit.augment._params import check_number

__all__ = ["gaussian_blur", "add_noise"]


def _check_sigma_pair(sigma) -> tuple[float, float]:
    if isinstance(sigma, numbers.Real) and not isinstance(sigma, bool):
        value = check_number(sigma, "sigma", minimum=0.0)
        return value, value
    try:
        rows, cols = sigma
    except (TypeError, ValueError):
        raise ValueError(
            "sigma must be a number >= 0 or a pair (sigma_rows, sigma_cols) of numbers >= 0, "
            f"in pixels; got {sigma!r}."
        ) from None
    return (
        check_number(rows, "sigma[0] (rows)", minimum=0.0),
        check_number(cols, "sigma[1] (columns)", minimum=0.0),
    )


def gaussian_blur(image, sigma, channel_axis=None):
    """Blur an image with a Gaussian filter, each colour channel separately.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        Grey or RGB image, ``uint8`` in [0, 255] or float in [0, 1].
    sigma : float or tuple of 2 float
        Standard deviation of the Gaussian in pixels, >= 0; a pair gives
        ``(sigma_rows, sigma_cols)``. 0 returns the image unchanged; about 1
        softens fine texture, 3 or more blurs visibly.
    channel_axis : None or int, optional
        Axis holding the colour channels, which are never blurred into each
        other. None (default) infers it from the shape: the last axis of an
        ``(H, W, 3)`` image, none for an ``(H, W)`` image. ``-1`` or ``2`` may
        be given for RGB images to say so explicitly; any other value is an
        error, since course images are always channel-last.

    Returns
    -------
    blurred : ndarray
        Same shape, dtype and range as ``image``.

    Notes
    -----
    Equivalent to ``skimage.filters.gaussian(image, sigma, mode='nearest',
    truncate=4.0, channel_axis=-1)`` for RGB (``channel_axis=None`` for grey)
    on the float [0, 1] image, then converted back to ``image``'s dtype. The
    kernel is cut at 4 sigma; beyond the border the edge pixels are repeated.
    Calling ``skimage.filters.gaussian`` on an RGB image *without*
    ``channel_axis`` would also blur across the three channels, mixing the
    colours: this function never does.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.zeros((9, 9))
    >>> image[4, 4] = 1.0  # one bright dot is spread out, its total kept
    >>> blurred = gaussian_blur(image, 1.0)
    >>> round(float(blurred[4, 4]), 3), round(float(blurred.sum()), 6)
    (0.159, 1.0)
    """
    return _gaussian_blur(check_image(image), sigma, channel_axis)


def _gaussian_blur(image, sigma, channel_axis=None):
    """:func:`gaussian_blur` of an image that has already been validated."""
    sigma_rows, sigma_cols = _check_sigma_pair(sigma)
    if image.ndim == 3:
        if channel_axis is not None and channel_axis not in (-1, 2):
            raise ValueError(
                f"channel_axis must be None, -1 or 2 for an (H, W, 3) image (channels last); "
                f"got {channel_axis!r}."
            )
        sigmas = (sigma_rows, sigma_cols, 0.0)
    else:
        if channel_axis is not None:
            raise ValueError(
                f"channel_axis must be None for a grey (H, W) image; got {channel_axis!r}."
            )
        sigmas = (sigma_rows, sigma_cols)
    if sigma_rows == 0.0 and sigma_cols == 0.0:
        return image.copy()
    if image.dtype == np.uint8 and compiled_blur_available():
        return _blur_compiled(image, sigma_rows, sigma_cols)
    return _blur_scipy(image, sigmas)


def _blur_scipy(image, sigmas):
    blurred = scipy.ndimage.gaussian_filter(as_float(image), sigmas, mode="nearest", truncate=4.0)
    return float_to_like(blurred, image)


def _gaussian_weights(sigma: float) -> np.ndarray:
    """The weights ``scipy.ndimage.gaussian_filter1d(sigma, truncate=4.0)`` correlates with.

    scipy's ``_gaussian_kernel1d(sigma, 0, radius)[::-1]``; ``[1.0]`` for an
    axis scipy leaves alone (sigma <= 1e-15).
    """
    if sigma <= 1e-15:
        return np.ones(1)
    radius = int(4.0 * sigma + 0.5)
    x = np.arange(-radius, radius + 1)
    phi = np.exp(-0.5 / (sigma * sigma) * x**2)
    return (phi / phi.sum())[::-1].copy()


def _blur_compiled(image, sigma_rows, sigma_cols):
    """:func:`gaussian_blur` of a uint8 image by the compiled kernel (same bits as scipy)."""
    source = np.ascontiguousarray(image)
    out = np.empty(image.shape, dtype=np.uint8)
    channels = image.shape[2] if image.ndim == 3 else 1
    _accel.kernels().blur_uint8(
        source.reshape(-1), image.shape[0], image.shape[1], channels,
        _gaussian_weights(sigma_rows), _gaussian_weights(sigma_cols), out.reshape(-1),
    )  # fmt: skip
    return out


def compiled_blur_available() -> bool:
    """True if the compiled blur is in use and gives scipy's bits here (probed once)."""
    return _accel.kernels() is not None and _compiled_blur_probe()


@functools.cache
def _compiled_blur_probe() -> bool:
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, size=(11, 13, 3), dtype=np.uint8)
    cases = [(rgb, 0.8, 1.3), (rgb[:, ::-1], 0.0, 2.0), (rgb[..., 1], 0.37, 0.0), (rgb, 3.0, 3.0)]
    for image, sigma_rows, sigma_cols in cases:
        sigmas = (sigma_rows, sigma_cols, 0.0)[: image.ndim]
        expected = _blur_scipy(image, sigmas)
        if not np.array_equal(_blur_compiled(image, sigma_rows, sigma_cols), expected):
            return False
    return True


def add_noise(image, sigma, random_state=0):
    """Add Gaussian noise of standard deviation ``sigma`` to every value.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        Grey or RGB image, ``uint8`` in [0, 255] or float in [0, 1].
    sigma : float
        Standard deviation of the noise, >= 0, in float units: a fraction of
        the full range [0, 1] whatever the dtype (0.02 is about 5 grey levels
        of a ``uint8`` image). 0 returns the image unchanged.
    random_state : None, int or numpy.random.Generator, optional
        Seed or generator for the noise; the same seed gives the same noise.

    Returns
    -------
    noisy : ndarray
        Same shape, dtype and range as ``image``. The noise is independent
        for every pixel and channel; results are clipped to [0, 1] (so near
        black and white the noise is not zero-mean).

    Examples
    --------
    >>> import numpy as np
    >>> image = np.full((100, 100), 0.5)
    >>> noisy = add_noise(image, 0.1, random_state=0)
    >>> round(float(noisy.std()), 1)
    0.1
    >>> np.array_equal(noisy, add_noise(image, 0.1, random_state=0))
    True
    """
    return _add_noise(check_image(image), sigma, random_state)


def _add_noise(image, sigma, random_state=0):
    """:func:`add_noise` of an image that has already been validated."""
    sigma = check_number(sigma, "sigma", minimum=0.0)
    rng = check_random_state(random_state)
    if sigma == 0.0:
        return image.copy()
    noise = rng.standard_normal(image.shape)
    compiled = _accel.kernels() if image.dtype == np.uint8 else None
    if compiled is not None:
        out = np.empty(image.shape, dtype=np.uint8)
        source = np.ascontiguousarray(image).reshape(-1)
        compiled.noise_uint8(noise.reshape(-1), sigma, source, out.reshape(-1))
        return out
    noise *= sigma
    noise += as_float(image)
    return float_to_like(noise, image)
