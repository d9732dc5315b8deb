"""Lesion segmentation by colour clustering: pick the lesion's cluster by a stated rule."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from coursekit._validation import check_image, check_integer, sklearn_seed
from coursekit.cluster.pixels import cluster_colours
from coursekit.features.colour import convert_colour

__all__ = ["segment_lesion"]

#: Width of the outer band of the field of view, as a fraction of the image's shorter side
#: (at least 1 pixel).
BORDER_BAND = 0.1
#: A connected piece with more than this share of its pixels in the outer band is a border
#: artefact (dark vignette, corner shadow), not lesion.
BORDER_SHARE = 0.5
#: Clusters whose mean L* is within this many units of the darkest count as equally dark;
#: the more central one wins.
LIGHTNESS_TIE = 5.0
#: A cluster whose cleaned mask would cover more than this share of the field of view
#: surrounds everything else: it is the background (skin), not the lesion.
BACKGROUND_SHARE = 0.9
#: At most this many rounds of "cluster, set the darkest cluster's border pieces aside".
MAX_ROUNDS = 3

_EIGHT_NEIGHBOURS = np.ones((3, 3), dtype=bool)


def segment_lesion(image, k=2, colour_space="lab", random_state=0, clean=True):
    """Segment a skin lesion as the darkest colour cluster away from the image border.

    Parameters
    ----------
    image : (H, W, 3) ndarray
        RGB dermoscopy or skin image, ``uint8`` in [0, 255] or float in [0, 1].
    k : int, optional
        Number of colour clusters, 2 .. H * W. 2 separates lesion from skin; 3 can also
        give a second skin tone, or the dark and light parts of a varied lesion, a cluster
        of their own.
    colour_space : {"lab", "rgb", "hsv"}, optional
        Space the pixels are clustered in, see :func:`cluster_pixels`.
    random_state : None, int or numpy.random.Generator, optional
        Seeds k-means, as in :func:`cluster_pixels`; the same value gives the same mask.
        The chosen cluster never depends on k-means' label numbers.
    clean : bool, optional
        If True (default), return the cleaned lesion (Notes, step 3); if False, every pixel
        of the chosen cluster.

    Returns
    -------
    (H, W) ndarray of bool
        True on the lesion.

    Notes
    -----
    The *field of view* starts as the whole image; its *outer band* is the set of its
    pixels less than 10% of the image's shorter side from its edge. A *piece* is a
    connected part (8-connectivity) of one cluster, and a *border piece* one with more
    than half of its pixels in the outer band.

    1. Cluster the field of view's pixels by colour into ``k`` clusters (k-means as in
       :func:`cluster_pixels`).
    2. Set dark border artefacts aside: if the darkest cluster (lowest mean lightness L*
       of CIE Lab, whatever ``colour_space``) has border pieces, such as the black corners
       of a dermatoscope's round field of view, remove them from the field of view and go
       back to step 1 (at most 3 rounds). If they were the whole cluster, it had a cluster
       of its own, and the next round uses one cluster fewer (at least 2).
    3. Clean each cluster: of its pieces that are not border pieces keep the largest
       (ties: the most central), so that scattered dark pixels (hairs, pores, noise) drop
       out, and fill the holes inside it (:func:`scipy.ndimage.binary_fill_holes`), so
       that lighter regression areas inside a lesion still belong to it.
    4. Clusters with no piece left cannot be the lesion, nor can a cluster whose cleaned
       mask covers more than 90% of the field of view (it surrounds everything else: the
       skin), unless no other cluster is left.
    5. The lesion is the darkest remaining cluster, by the mean L* of its pixels outside
       border pieces. Clusters within 5 L* units of the darkest are a close call, won by
       the most central one (smallest mean distance of all its pixels from the image
       centre). The result is its cleaned mask (step 3).

    A lesion touching the edge is kept as long as most of it lies inside the outer band's
    inner edge. The rule assumes a lesion darker than the skin around it: a red vascular
    lesion on darker skin, or a pink one with dark vessels, gets the skin or the vessels.

    Examples
    --------
    >>> import numpy as np
    >>> image = np.full((32, 32, 3), 0.85)                          # light skin
    >>> yy, xx = np.mgrid[:32, :32]
    >>> image[(yy - 16) ** 2 + (xx - 16) ** 2 < 8**2] = [0.35, 0.2, 0.1]   # a brown disc
    >>> mask = segment_lesion(image)
    >>> bool(mask[16, 16]), bool(mask[0, 0]), int(mask.sum())
    (True, False, 193)
    """
    image = check_image(image, allow_grey=False)
    height, width = image.shape[:2]
    k = check_integer(k, "k", minimum=2, maximum=height * width)
    seed = sklearn_seed(random_state)
    colours = convert_colour(image, colour_space)
    lightness = convert_colour(image, "lab")[..., 0]
    distance = _distance_from_centre(height, width)
    band_width = max(1, round(BORDER_BAND * min(height, width)))

    field = np.ones((height, width), dtype=bool)
    n_clusters = k
    for _ in range(MAX_ROUNDS):
        labels = np.full((height, width), -1, dtype=np.int64)
        labels[field] = cluster_colours(
            colours[field], min(n_clusters, int(field.sum())), colour_space, seed
        )[0]
        band = _outer_band(field, band_width)
        clusters = np.unique(labels[field])
        darkest = min(clusters, key=lambda c: lightness[labels == c].mean())
        darkest_mask = labels == darkest
        artefacts = darkest_mask & ~_drop_border_pieces(darkest_mask, band)
        if not artefacts.any() or artefacts.sum() == field.sum():
            break
        field &= ~artefacts
        if artefacts.sum() == darkest_mask.sum():
            n_clusters = max(2, n_clusters - 1)

    candidates, background = [], []  # (mean L*, centrality, cluster, cleaned mask)
    for cluster in np.unique(labels[field]):
        whole = labels == cluster
        kept = _drop_border_pieces(whole, band)
        if not kept.any():
            continue
        cleaned = ndimage.binary_fill_holes(_largest_piece(kept, distance))
        candidate = (lightness[kept].mean(), distance[whole].mean(), cluster, cleaned)
        surrounds = cleaned.sum() > BACKGROUND_SHARE * field.sum()
        (background if surrounds else candidates).append(candidate)
    candidates = candidates or background
    if not candidates:  # every piece is a border piece: fall back to the whole clusters
        for cluster in np.unique(labels[field]):
            whole = labels == cluster
            candidates.append((lightness[whole].mean(), distance[whole].mean(), cluster, whole))
    darkest_lightness = min(candidate[0] for candidate in candidates)
    close_calls = [c for c in candidates if c[0] <= darkest_lightness + LIGHTNESS_TIE]
    _, _, cluster, cleaned = min(close_calls, key=lambda c: (c[1], c[0]))
    return cleaned if clean else labels == cluster


def _outer_band(field: np.ndarray, band_width: int) -> np.ndarray:
    """Pixels of ``field`` at most ``band_width`` pixels from its edge or the image's."""
    inside = ndimage.distance_transform_edt(np.pad(field, 1))[1:-1, 1:-1]
    return field & (inside <= band_width)


def _distance_from_centre(height: int, width: int) -> np.ndarray:
    """Distance of each pixel from the image centre: 0 at the centre, 1 at the corners."""
    rows, cols = np.mgrid[:height, :width].astype(np.float64)
    rows -= (height - 1) / 2
    cols -= (width - 1) / 2
    return np.hypot(rows, cols) / max(np.hypot((height - 1) / 2, (width - 1) / 2), 1.0)


def _drop_border_pieces(mask: np.ndarray, band: np.ndarray) -> np.ndarray:
    pieces, n_pieces = ndimage.label(mask, structure=_EIGHT_NEIGHBOURS)
    if n_pieces == 0:
        return mask
    size = np.bincount(pieces.ravel(), minlength=n_pieces + 1)
    in_band = np.bincount(pieces[band], minlength=n_pieces + 1)
    artefact = in_band > BORDER_SHARE * size
    artefact[0] = True  # background of the labelling
    return ~artefact[pieces]


def _largest_piece(mask: np.ndarray, distance: np.ndarray) -> np.ndarray:
    pieces, n_pieces = ndimage.label(mask, structure=_EIGHT_NEIGHBOURS)
    if n_pieces <= 1:
        return mask
    index = np.arange(1, n_pieces + 1)
    size = ndimage.sum_labels(mask, pieces, index)
    centrality = ndimage.mean(distance, pieces, index)
    best = np.lexsort((centrality, -size))[0]
    return pieces == index[best]
