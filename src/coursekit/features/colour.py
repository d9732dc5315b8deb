"""Colour features: colour spaces, per-channel histograms and colour moments."""

from __future__ import annotations

import numpy as np
from skimage import color

from coursekit._validation import check_choice, check_image, check_integer, to_float

__all__ = [
    "COLOUR_SPACES",
    "CHANNEL_RANGES",
    "convert_colour",
    "colour_histogram",
    "colour_moments",
]

COLOUR_SPACES = ("rgb", "hsv", "lab")

#: Value range of each channel in each colour space, as used for histogram bins.
CHANNEL_RANGES = {
    "rgb": ((0.0, 1.0), (0.0, 1.0), (0.0, 1.0)),
    "hsv": ((0.0, 1.0), (0.0, 1.0), (0.0, 1.0)),
    "lab": ((0.0, 100.0), (-128.0, 127.0), (-128.0, 127.0)),
}


def convert_colour(image, colour_space: str = "rgb") -> np.ndarray:
    """Convert an RGB image to float64 in the given colour space.

    Parameters
    ----------
    image : (H, W, 3) ndarray
        RGB image, ``uint8`` in [0, 255] or float in [0, 1].
    colour_space : {"rgb", "hsv", "lab"}
        ``"rgb"``: the channels as they are, scaled to [0, 1] (uint8 divided by 255).
        ``"hsv"``: :func:`skimage.color.rgb2hsv`; hue, saturation and value all in [0, 1]
        (hue 0 and 1 are both red).
        ``"lab"``: :func:`skimage.color.rgb2lab` (CIE L*a*b*, D65 illuminant); L* in [0, 100],
        a* and b* roughly in [-128, 127].

    Returns
    -------
    (H, W, 3) ndarray of float64
        The image in ``colour_space``'s units.

    Examples
    --------
    >>> import numpy as np
    >>> white = np.full((1, 1, 3), 255, dtype=np.uint8)
    >>> convert_colour(white, "lab").round(2)[0, 0]
    array([100.,  -0.,   0.])
    """
    check_choice(colour_space, "colour_space", COLOUR_SPACES)
    rgb = to_float(check_image(image, allow_grey=False))
    if colour_space == "hsv":
        return color.rgb2hsv(rgb)
    if colour_space == "lab":
        return color.rgb2lab(rgb)
    return rgb


def colour_histogram(image, bins=8, colour_space="rgb"):
    """Per-channel colour histogram of an RGB image, each channel normalised to sum to 1.

    Parameters
    ----------
    image : (H, W, 3) ndarray
        RGB image, ``uint8`` in [0, 255] or float in [0, 1]. Grey images are refused.
    bins : int, optional
        Number of equal-width bins per channel (>= 1).
    colour_space : {"rgb", "hsv", "lab"}, optional
        Colour space in which the histograms are taken (see Notes).

    Returns
    -------
    (3 * bins,) ndarray of float64
        The three channel histograms concatenated channel by channel:
        ``[channel 0 bins..., channel 1 bins..., channel 2 bins...]``. Every block of ``bins``
        values is non-negative and sums to 1.

    Raises
    ------
    ValueError
        If ``image`` is not an (H, W, 3) array: a grey (H, W) image, or another number
        of channels.

    Notes
    -----
    The exact recipe, step by step:

    1. Convert the image to float in [0, 1] (``uint8`` values are divided by 255), so a
       ``uint8`` image and the same image divided by 255 give the same histogram.
    2. Convert to the colour space:

       - ``"rgb"``: channels red, green, blue as they are, each with range (0, 1);
       - ``"hsv"``: ``skimage.color.rgb2hsv``, hue, saturation, value, each with range (0, 1);
       - ``"lab"``: ``skimage.color.rgb2lab``, L* with range (0, 100), a* and b* each with
         range (-128, 127).

    3. For each channel ``c``: ``counts, _ = np.histogram(channel, bins=bins, range=r)``
       with ``r`` that channel's range above (the last bin includes its right edge).
    4. Divide each channel's counts by their sum, so that each channel's histogram sums
       to 1 (every converted value lies inside its range, so the sum is the number of pixels).
    5. Concatenate the three normalised histograms in channel order.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.zeros((2, 2, 3), dtype=np.uint8)
    >>> image[0, 0] = 255                       # one white pixel, three black ones
    >>> colour_histogram(image, bins=2)
    array([0.75, 0.25, 0.75, 0.25, 0.75, 0.25])
    """
    bins = check_integer(bins, "bins", minimum=1)
    converted = convert_colour(image, colour_space)
    parts = []
    for channel, value_range in enumerate(CHANNEL_RANGES[colour_space]):
        counts, _ = np.histogram(converted[..., channel], bins=bins, range=value_range)
        parts.append(counts / counts.sum())
    return np.concatenate(parts).astype(np.float64)


def colour_moments(image, colour_space="rgb"):
    """Mean, standard deviation and skewness of each colour channel (9 values).

    Parameters
    ----------
    image : (H, W, 3) ndarray
        RGB image, ``uint8`` in [0, 255] or float in [0, 1]. Grey images are refused.
    colour_space : {"rgb", "hsv", "lab"}, optional
        Colour space of the channels, as in :func:`convert_colour`; the moments are in its
        units (RGB and HSV in [0, 1], L* in [0, 100], a* and b* in about [-128, 127]).

    Returns
    -------
    (9,) ndarray of float64
        Channel by channel: ``[mean_0, std_0, skew_0, mean_1, std_1, skew_1, mean_2, std_2,
        skew_2]``.

    Notes
    -----
    The standard deviation is the population one (``ddof=0``); the skewness is the
    Fisher-Pearson coefficient ``mean((x - mean)**3) / std**3`` (``scipy.stats.skew`` with
    ``bias=True``), set to 0 for a flat channel. Hue is an angle: its mean here is the plain
    arithmetic mean, so reds near hue 0 and hue 1 average to cyan-ish 0.5.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.zeros((2, 2, 3))
    >>> image[0, :, 0] = 1.0                    # top row red
    >>> colour_moments(image)[:3]               # red channel: mean, std, skewness
    array([0.5, 0.5, 0. ])
    """
    converted = convert_colour(image, colour_space).reshape(-1, 3)
    mean = converted.mean(axis=0)
    centred = converted - mean
    std = np.sqrt(np.mean(centred**2, axis=0))
    third = np.mean(centred**3, axis=0)
    # A channel whose spread is only rounding noise is flat: its skewness is 0, not noise/noise.
    flat = std <= 1e-12 * np.maximum(1.0, np.abs(mean))
    skew = np.where(flat, 0.0, third / np.where(flat, 1.0, std) ** 3)
    std = np.where(flat, 0.0, std)
    return np.column_stack([mean, std, skew]).ravel()
