"""Colour augmentations and colour constancy.

All functions take an image ``uint8`` in [0, 255] or float in [0, 1] and return
a new array of the same shape, dtype and range; results are computed in float
[0, 1], clipped to [0, 1], and ``uint8`` results are rounded to the nearest
integer. At the neutral setting (factor 1, gamma 1, shift 0) every function
returns an exact copy of its input.

Grey levels (luminance) use the ITU-R BT.601 weights ``0.299 R + 0.587 G +
0.114 B``, as PIL's ``ImageEnhance`` and torchvision do.
"""

from __future__ import annotations

import math

import numpy as np

from coursekit._validation import check_image, from_float, to_float
from coursekit.augment import _accel, _colour_uint8
from coursekit.augment._kernels import apply_lut, float_to_like, uint8_levels
from coursekit.augment._params import check_number

__all__ = [
    "LUMINANCE_WEIGHTS",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_gamma",
    "adjust_saturation",
    "adjust_hue",
    "colour_constancy",
]

#: ITU-R BT.601 luma weights for R, G, B (they sum to 1).
LUMINANCE_WEIGHTS = np.array([0.299, 0.587, 0.114])


def _apply_per_value(image: np.ndarray, function) -> np.ndarray:
    """Apply ``function`` (float [0, 1] -> float) to every value, returning ``image``'s dtype.

    For ``uint8`` the function is evaluated once per possible value (a look-up
    table of 256 entries, each computed with exactly the float formula), so the
    result is identical to converting the whole image, only faster.
    """
    if image.dtype == np.uint8:
        return apply_lut(image, _uint8_table(image, function))
    return float_to_like(function(to_float(image)), image)


def _uint8_table(image: np.ndarray, function) -> np.ndarray:
    """The 256-entry uint8 table of ``function`` (float [0, 1] -> float), as for ``image``."""
    return from_float(function(uint8_levels()), image)


def _require_rgb(image: np.ndarray) -> np.ndarray:
    """The check ``check_image(image, allow_grey=False)`` adds for a validated image."""
    if image.ndim != 3:
        raise ValueError(
            f"image has shape {image.shape}; expected an RGB image (H, W, 3)."
        )
    return image


def _channel_means(image: np.ndarray) -> np.ndarray:
    """Mean of each channel (or of the grey image), float64 in [0, 1].

    For uint8 the sums are exact integers (one compiled pass when numba is in
    use), so this equals ``np.mean(image, axis=(0, 1), dtype=np.float64) /
    255`` bit for bit, ten times faster.
    """
    if image.dtype != np.uint8:
        return np.mean(image, axis=(0, 1), dtype=np.float64)
    count = image.shape[0] * image.shape[1]
    compiled = _accel.kernels() if image.flags.c_contiguous else None
    if image.ndim == 2:
        if compiled is not None:
            total = compiled.channel_sums(image.reshape(-1), 1)[0]
        else:
            total = image.sum(dtype=np.int64)
        return np.float64(int(total) / count) / 255.0
    if compiled is not None:
        sums = compiled.channel_sums(image.reshape(-1), image.shape[2]).tolist()
    else:
        sums = [int(image[..., c].sum(dtype=np.int64)) for c in range(image.shape[2])]
    return np.array([total / count for total in sums]) / 255.0


def _luminance(image_float: np.ndarray) -> np.ndarray:
    """Grey level of a float RGB image, shape (H, W); grey images are returned unchanged."""
    if image_float.ndim == 2:
        return image_float
    return image_float @ LUMINANCE_WEIGHTS


def adjust_brightness(image, factor):
    """Scale the brightness of an image by ``factor``.

    Every value is multiplied by ``factor`` on the [0, 1] scale (``uint8``
    values are divided by 255 first) and clipped to [0, 1].

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        Grey or RGB image, ``uint8`` in [0, 255] or float in [0, 1]. It is
        not changed.
    factor : float
        Brightness factor, >= 0: 0 gives a black image, 1 the image unchanged,
        1.2 an image 20 % brighter (values that would exceed white are
        clipped). Like PIL's ``ImageEnhance.Brightness`` and torchvision's
        ``adjust_brightness``.

    Returns
    -------
    brightened : ndarray
        A new array with the shape and dtype of ``image``: floats stay floats
        in [0, 1]; ``uint8`` results are ``np.rint(out * 255)``, where ``out``
        is the result on the [0, 1] scale: rounded to the nearest integer, not
        truncated (where ``out * 255`` lies within 1e-6 of .5 either neighbour is
        accepted).

    Examples
    --------
    >>> import numpy as np
    >>> image = np.array([[0, 100, 200]], dtype=np.uint8)
    >>> adjust_brightness(image, 1.2)
    array([[  0, 120, 240]], dtype=uint8)
    >>> adjust_brightness(image, 2.0)
    array([[  0, 200, 255]], dtype=uint8)
    """
    return _adjust_brightness(check_image(image), factor)


def _adjust_brightness(image, factor):
    """:func:`adjust_brightness` of an image that has already been validated."""
    factor = check_number(factor, "factor", minimum=0.0)
    if factor == 1.0:
        return image.copy()
    if image.dtype != np.uint8:
        return _apply_per_value(image, lambda values: values * factor)
    table = _uint8_table(image, lambda values: values * factor)
    compiled = _accel.kernels()
    if compiled is not None and factor <= 255.0 and image.flags.c_contiguous:
        # A multiplication, vectorised, instead of a look-up: used only when it gives
        # the table's value for every level (it nearly always does).
        out = np.empty(image.shape, dtype=np.uint8)
        if compiled.scale_uint8(image.reshape(-1), factor, table, out.reshape(-1)):
            return out
    return apply_lut(image, table)


def adjust_contrast(image, factor):
    """Scale the contrast of an image about its mean grey level.

    Computes ``mean + factor * (image - mean)`` in float [0, 1] and clips,
    where ``mean`` is one number: the mean luminance over all pixels.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        Grey or RGB image, ``uint8`` in [0, 255] or float in [0, 1].
    factor : float
        Contrast factor, >= 0: 0 gives a uniform grey image at the mean level,
        1 the image unchanged, 2 doubles every value's distance from the mean.

    Returns
    -------
    adjusted : ndarray
        Same shape, dtype and range as ``image``.

    Notes
    -----
    The mean is taken over the luminance ``0.299 R + 0.587 G + 0.114 B``
    (ITU-R BT.601, as PIL's ``ImageEnhance.Contrast``) for RGB images and over
    the values for grey images. The same ``mean`` is used for all three
    channels, so a factor below 1 also pulls colours towards grey.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.array([[0.2, 0.4, 0.6]])
    >>> adjust_contrast(image, 0.5)
    array([[0.3, 0.4, 0.5]])
    >>> adjust_contrast(image, 0.0)
    array([[0.4, 0.4, 0.4]])
    """
    return _adjust_contrast(check_image(image), factor)


def _adjust_contrast(image, factor):
    """:func:`adjust_contrast` of an image that has already been validated."""
    factor = check_number(factor, "factor", minimum=0.0)
    if factor == 1.0:
        return image.copy()
    channel_means = _channel_means(image)
    # The mean luminance is the luminance of the channel means (it is linear).
    mean = float(channel_means @ LUMINANCE_WEIGHTS) if image.ndim == 3 else float(channel_means)
    return _apply_per_value(image, lambda values: mean + factor * (values - mean))


def adjust_gamma(image, gamma):
    """Apply the power law ``out = image ** gamma`` (gamma correction).

    Parameters
    ----------
    image : (H, W) or (H, W, 3) ndarray
        Grey or RGB image, ``uint8`` in [0, 255] or float in [0, 1]. It is
        not changed.
    gamma : float
        Exponent, > 0, applied on the [0, 1] scale (``uint8`` values are
        divided by 255 first): below 1 brightens the mid tones, above 1
        darkens them, 1 leaves the image unchanged. Black (0) and white (1)
        never move.

    Returns
    -------
    corrected : ndarray
        A new array with the shape and dtype of ``image``: floats stay floats
        in [0, 1]; ``uint8`` results are ``np.rint(out * 255)``: rounded to
        the nearest integer, not truncated (where ``out * 255`` lies within 1e-6
        of .5 either neighbour is accepted).

    See Also
    --------
    skimage.exposure.adjust_gamma : the same with ``gain=1``.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.array([[0.0, 0.25, 1.0]])
    >>> adjust_gamma(image, 0.5)
    array([[0. , 0.5, 1. ]])
    >>> adjust_gamma(np.array([[0, 64, 255]], dtype=np.uint8), 2.0)
    array([[  0,  16, 255]], dtype=uint8)
    """
    return _adjust_gamma(check_image(image), gamma)


def _adjust_gamma(image, gamma):
    """:func:`adjust_gamma` of an image that has already been validated."""
    gamma = check_number(gamma, "gamma", minimum=0.0, exclusive_minimum=True)
    if gamma == 1.0:
        return image.copy()
    return _apply_per_value(image, lambda values: values**gamma)


def adjust_saturation(image, factor):
    """Scale the colourfulness of an RGB image by blending it with its grey version.

    Computes ``grey + factor * (image - grey)`` per pixel in float [0, 1] and
    clips, where ``grey`` is the pixel's luminance ``0.299 R + 0.587 G +
    0.114 B``. (This is PIL's ``ImageEnhance.Color`` and torchvision's
    ``adjust_saturation``; it is not a scaling of S in HSV.)

    Parameters
    ----------
    image : (H, W, 3) ndarray
        RGB image, ``uint8`` in [0, 255] or float in [0, 1].
    factor : float
        Saturation factor, >= 0: 0 gives the grey version (still 3 channels),
        1 the image unchanged, 2 colours twice as far from grey (clipped).

    Returns
    -------
    adjusted : (H, W, 3) ndarray
        Same dtype and range as ``image``. Grey pixels never change.

    Notes
    -----
    ``uint8`` images are computed on the 0..255 scale, pixel by pixel, and
    rounded half up: each value is within 0.5 grey level of the float
    computation (times 255), i.e. that value rounded to the nearest level,
    except that a value exactly halfway may go up where ``np.rint`` goes to
    the even level.

    Examples
    --------
    >>> import numpy as np
    >>> pixel = np.array([[[1.0, 0.0, 0.0]]])
    >>> adjust_saturation(pixel, 0.0)
    array([[[0.299, 0.299, 0.299]]])
    >>> adjust_saturation(pixel, 0.5)
    array([[[0.6495, 0.1495, 0.1495]]])
    """
    return _adjust_saturation(check_image(image, allow_grey=False), factor)


def _adjust_saturation(image, factor):
    """:func:`adjust_saturation` of an image that has already been validated."""
    _require_rgb(image)
    factor = check_number(factor, "factor", minimum=0.0)
    if factor == 1.0:
        return image.copy()
    if image.dtype == np.uint8:
        return _colour_uint8.saturation(image, factor, LUMINANCE_WEIGHTS)
    values = to_float(image)
    if np.shares_memory(values, image):  # float64 input: modified in place below, so copy
        values = values.copy()
    grey = _luminance(values)[..., np.newaxis]
    values -= grey
    values *= factor
    values += grey
    return from_float(values, image)


def adjust_hue(image, shift):
    """Turn the hue of every pixel of an RGB image by ``shift`` round the colour wheel.

    Parameters
    ----------
    image : (H, W, 3) ndarray
        RGB image, ``uint8`` in [0, 255] or float in [0, 1].
    shift : float
        Hue shift in turns (fractions of the colour wheel), in [-0.5, 0.5]:
        1/3 turns red into green, -1/3 red into blue; the hue wraps round
        (0.5 and -0.5 give the same result). 0 leaves the image unchanged.

    Returns
    -------
    adjusted : (H, W, 3) ndarray
        Same dtype and range as ``image``. Saturation and value (HSV) are kept;
        grey pixels never change.

    Notes
    -----
    The same as converting to HSV (:func:`skimage.color.rgb2hsv`), adding
    ``shift`` to H modulo 1 and converting back, computed without building the
    HSV image: the largest and smallest channel of a pixel (V and V - chroma)
    are kept and only the channels between them move.

    ``uint8`` images are computed on the 0..255 scale, pixel by pixel, and
    rounded half up: each value is within 0.5 grey level of the float
    computation (times 255), i.e. that value rounded to the nearest level,
    except that a value exactly halfway may go up where ``np.rint`` goes to
    the even level.

    Examples
    --------
    >>> import numpy as np
    >>> red = np.array([[[255, 0, 0]]], dtype=np.uint8)
    >>> adjust_hue(red, 1 / 3)
    array([[[  0, 255,   0]]], dtype=uint8)
    >>> adjust_hue(red, -1 / 6)
    array([[[255,   0, 255]]], dtype=uint8)
    """
    return _adjust_hue(check_image(image, allow_grey=False), shift)


def _adjust_hue(image, shift):
    """:func:`adjust_hue` of an image that has already been validated."""
    _require_rgb(image)
    shift = check_number(shift, "shift", minimum=-0.5, maximum=0.5)
    if shift == 0.0:
        return image.copy()
    if image.dtype == np.uint8:
        return _colour_uint8.hue(image, shift)
    # Work on contiguous colour planes (3, H, W): much faster than strided channel views.
    planes = np.moveaxis(to_float(image), -1, 0).copy()
    red, green, blue = planes
    value = np.maximum(np.maximum(red, green), blue)
    chroma = value - np.minimum(np.minimum(red, green), blue)
    # Hue in sixths of a turn (0 red, 2 green, 4 blue), from whichever channel is largest.
    red_max = value == red
    green_max = ~red_max & (value == green)
    hue = np.where(red_max, green - blue, np.where(green_max, blue - red, red - green))
    np.divide(hue, chroma, out=hue, where=chroma > 0)  # grey pixels: hue 0, chroma 0
    hue += np.where(red_max, 0.0, np.where(green_max, 2.0, 4.0)) + 6.0 * shift
    # Back to RGB: each channel is V minus a fraction (0..1, set by the hue) of the chroma.
    for offset, plane in zip((5.0, 3.0, 1.0), planes, strict=True):
        k = (hue + offset) % 6.0
        np.subtract(value, chroma * np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0), out=plane)
    return np.ascontiguousarray(from_float(np.moveaxis(planes, 0, -1), image))


def colour_constancy(image, power=6, gamma=None):
    """Remove a colour cast with the shades-of-grey algorithm.

    Estimates the colour of the light per channel as the Minkowski ``power``
    mean of the pixel values and rescales the channels so that this estimate
    becomes neutral grey (Finlayson & Trezzi 2004) [1]_. This is the usual
    pre-processing of dermoscopy images (e.g. Barata et al. 2015 [2]_, and
    winning ISIC challenge entries), which come from many cameras and lights.

    Parameters
    ----------
    image : (H, W, 3) ndarray
        RGB image, ``uint8`` in [0, 255] or float in [0, 1].
    power : float, optional
        Minkowski norm ``p`` >= 1 of the illuminant estimate ``e_c = (mean over
        pixels of x_c ** p) ** (1 / p)``. ``p = 1`` is grey-world (channel
        means), larger ``p`` weights bright pixels more and ``numpy.inf`` is
        max-RGB (white patch). 6 is the usual choice for dermoscopy.
    gamma : float, optional
        If given (> 0, e.g. 2.2), the image is first gamma-corrected to
        ``image ** (1 / gamma)`` in float [0, 1], and the result stays in that
        corrected space, as in common ISIC pre-processing code. None (default)
        works on the values as they are.

    Returns
    -------
    corrected : (H, W, 3) ndarray
        Same dtype and range as ``image``, clipped.

    Notes
    -----
    Channel ``c`` is multiplied by ``s / e_c``, with one scale ``s`` chosen so
    that the mean over all values of the image is unchanged (before
    clipping). Applying the function twice changes little: after the first
    call the illuminant estimate is already grey (up to clipping and
    rounding). A channel that is zero everywhere is left at zero.

    References
    ----------
    .. [1] G. D. Finlayson and E. Trezzi, "Shades of gray and colour
           constancy", Color and Imaging Conference, 2004, pp. 37-41.
    .. [2] C. Barata, M. E. Celebi and J. S. Marques, "Improving dermoscopy
           image classification using color constancy", IEEE Journal of
           Biomedical and Health Informatics 19(3), 2015, pp. 1146-1152.

    Examples
    --------
    >>> import numpy as np
    >>> cast = np.array([[[0.8, 0.4, 0.2], [0.4, 0.2, 0.1]]])
    >>> colour_constancy(cast, power=1).round(4)
    array([[[0.4667, 0.4667, 0.4667],
            [0.2333, 0.2333, 0.2333]]])
    """
    return _colour_constancy(check_image(image, allow_grey=False), power, gamma)


def _colour_constancy(image, power=6, gamma=None):
    """:func:`colour_constancy` of an image that has already been validated."""
    _require_rgb(image)
    if isinstance(power, (int, float, np.number)) and not isinstance(power, bool) and (
        power == math.inf
    ):
        power = math.inf
    else:
        power = check_number(power, "power", minimum=1.0)
    if gamma is not None:
        gamma = check_number(gamma, "gamma", minimum=0.0, exclusive_minimum=True)

    values = to_float(image).reshape(-1, 3)
    if gamma is not None:
        values = values ** (1.0 / gamma)
    brightest = values.max(axis=0)
    lit = brightest > 0
    if not np.any(lit):
        return from_float(values.reshape(image.shape), image)
    illuminant = np.ones(3)
    if power == math.inf:
        illuminant[lit] = brightest[lit]
    else:
        # Dividing by the channel maximum first keeps x ** p from underflowing for large p.
        scaled = values[:, lit] / brightest[lit]
        illuminant[lit] = brightest[lit] * np.mean(scaled**power, axis=0) ** (1.0 / power)
    channel_means = values.mean(axis=0)
    scale = channel_means.sum() / np.sum(channel_means / illuminant)
    corrected = values * (scale / illuminant)
    return from_float(corrected.reshape(image.shape), image)
