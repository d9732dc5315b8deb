"""Clustering the pixels of one image by colour: k-means labels, centres, quantised images."""

from __future__ import annotations

import warnings

import numpy as np
from skimage import color
from sklearn.cluster import KMeans

from coursekit._validation import check_image, check_integer, from_float, sklearn_seed
from coursekit.features._threads import one_openmp_thread
from coursekit.features.colour import convert_colour

__all__ = ["cluster_pixels", "quantise"]

#: k-means restarts for pixel clustering; the best of these (lowest inertia) is kept.
PIXEL_N_INIT = 4

# Channel giving a centre's brightness in each colour space: R+G+B (as a 3-vector dot),
# V of HSV, L* of Lab. Used only to number the clusters reproducibly.
_BRIGHTNESS = {
    "rgb": np.array([1.0, 1.0, 1.0]),
    "hsv": np.array([0.0, 0.0, 1.0]),
    "lab": np.array([1.0, 0.0, 0.0]),
}


def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    """Group the pixels of an RGB image into ``k`` colour clusters with k-means.

    Every pixel is one sample with three coordinates, its colour in ``colour_space``; its
    position in the image plays no part.

    Parameters
    ----------
    image : (H, W, 3) ndarray
        RGB image, ``uint8`` in [0, 255] or float in [0, 1]. Grey images are refused.
    k : int
        Number of clusters, 1 .. H * W.
    colour_space : {"rgb", "hsv", "lab"}, optional
        Space the pixels are clustered in: ``"rgb"`` scaled to [0, 1], ``"hsv"`` through
        :func:`skimage.color.rgb2hsv` (all in [0, 1]), ``"lab"`` through
        :func:`skimage.color.rgb2lab` (L* in [0, 100], a* and b* in about [-128, 127]; its
        distances follow perceived colour differences more closely).
    random_state : None or int, optional
        Seeds k-means' initial centres: passed to :class:`sklearn.cluster.KMeans` unchanged
        (a numpy integer counts as that int), and the same int gives the same labels; None
        gives a new seed every call.

    Returns
    -------
    labels : (H, W) ndarray of integers
        Cluster of each pixel, values in 0 .. k - 1 (any integer dtype: KMeans gives int32).
    centres : (k, 3) ndarray of float64
        Mean colour of each cluster, in ``colour_space``'s units; ``centres[j]`` belongs to
        label ``j``.

    Raises
    ------
    ValueError
        If ``image`` is not an (H, W, 3) array: a grey (H, W) image, or another number
        of channels.

    Notes
    -----
    :class:`sklearn.cluster.KMeans` runs with ``n_init=4`` restarts. Its cluster numbers
    are arbitrary, so clusters are renumbered by increasing brightness of their centre
    (R + G + B for "rgb", V for "hsv", L* for "lab"; centres of equal brightness by channel
    0, then channel 1, then channel 2, smallest first): label 0 is the darkest. This makes
    the numbers reproducible, not meaningful; compare clusterings with
    :func:`sklearn.metrics.adjusted_rand_score`, not label by label.
    With fewer distinct colours than ``k``, scikit-learn warns and some labels stay empty:
    there are still ``k`` centres.
    In "hsv", hue is an angle (0 and 1 are both red) but k-means measures it along a line,
    so reds may split into two clusters.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.zeros((2, 4, 3))
    >>> image[:, 2:] = [1.0, 0.0, 0.0]              # right half red, left half black
    >>> labels, centres = cluster_pixels(image, k=2)
    >>> labels
    array([[0, 0, 1, 1],
           [0, 0, 1, 1]])
    >>> centres
    array([[0., 0., 0.],
           [1., 0., 0.]])
    """
    image = check_image(image, allow_grey=False)
    height, width = image.shape[:2]
    k = check_integer(k, "k", minimum=1, maximum=height * width)
    pixels = convert_colour(image, colour_space).reshape(-1, 3)
    labels, centres = cluster_colours(pixels, k, colour_space, sklearn_seed(random_state))
    return labels.reshape(height, width), centres


def cluster_colours(colours, k, colour_space, seed):
    """k-means on ``(n, 3)`` colours, clusters numbered by increasing brightness.

    The unchecked core of :func:`cluster_pixels`, for callers that cluster a subset of the
    pixels; ``seed`` is the int handed to scikit-learn.
    """
    kmeans = KMeans(n_clusters=k, n_init=PIXEL_N_INIT, random_state=seed)
    with one_openmp_thread():
        labels = kmeans.fit_predict(colours)
    centres = kmeans.cluster_centers_
    brightness = centres @ _BRIGHTNESS[colour_space]
    # np.lexsort sorts by its last key first: brightness, then channel 0, 1, 2.
    order = np.lexsort((centres[:, 2], centres[:, 1], centres[:, 0], brightness))
    new_label = np.empty(k, dtype=np.int64)
    new_label[order] = np.arange(k)
    return new_label[labels], centres[order].astype(np.float64)


def quantise(image, k, colour_space="rgb", random_state=0):
    """Paint every pixel with the mean colour of its k-means colour cluster.

    Parameters
    ----------
    image : (H, W, 3) ndarray
        RGB image, ``uint8`` in [0, 255] or float in [0, 1].
    k : int
        Number of colours, 1 .. H * W.
    colour_space : {"rgb", "hsv", "lab"}, optional
        Space the pixels are clustered (and the cluster means taken) in; see
        :func:`cluster_pixels`.
    random_state : None or int, optional
        Seeds k-means, as in :func:`cluster_pixels`.

    Returns
    -------
    (H, W, 3) ndarray
        The image drawn with at most ``k`` colours, in the input's dtype and range
        (``uint8`` rounded to the nearest level with ``np.rint``; where the exact value lies
        within 1e-6 of .5 either neighbour is accepted).

    Notes
    -----
    Centres are converted back to RGB (``hsv2rgb`` or ``lab2rgb``) and clipped to [0, 1]: a
    mean of Lab colours may fall just outside the RGB gamut.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.array([[[0, 0, 0], [10, 10, 10], [250, 250, 250]]], dtype=np.uint8)
    >>> quantise(image, k=2)[0, :, 0]
    array([  5,   5, 250], dtype=uint8)
    """
    image = check_image(image, allow_grey=False)
    labels, centres = cluster_pixels(image, k, colour_space, random_state)
    palette = centres[np.newaxis]  # (1, k, 3): the converters want an image
    if colour_space == "hsv":
        palette = color.hsv2rgb(palette)
    elif colour_space == "lab":
        with warnings.catch_warnings():
            # Out-of-gamut means are clipped just below; skimage's warning would only alarm.
            warnings.simplefilter("ignore", UserWarning)
            palette = color.lab2rgb(palette)
    return from_float(palette[0][labels], image)
