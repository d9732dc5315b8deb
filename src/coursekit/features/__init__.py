"""Features of images: pixels, colour, texture and shape, and maps of feature vectors.

Every single-image function takes an ``(H, W)`` or ``(H, W, 3)`` image, ``uint8`` in
[0, 255] or float in [0, 1], and returns a float64 vector; :func:`extract_features` runs
them over a batch.

Modules
-------
colour     colour spaces, per-channel histograms (graded), colour moments
texture    local binary patterns, grey-level co-occurrence statistics, HOG
pixels     the image shrunk and flattened
batch      ``extract_features`` over a batch, in parallel chunks
embedding  ``standardise``, ``pca`` and ``reduce_dimensions`` (PCA, t-SNE)
"""

from coursekit.features.batch import FEATURE_KINDS, extract_features
from coursekit.features.colour import (
    CHANNEL_RANGES,
    COLOUR_SPACES,
    colour_histogram,
    colour_moments,
    convert_colour,
)
from coursekit.features.embedding import pca, reduce_dimensions, standardise
from coursekit.features.pixels import pixel_features
from coursekit.features.texture import (
    GLCM_PROPERTIES,
    glcm_features,
    grey,
    hog_features,
    lbp_histogram,
)

__all__ = [
    "CHANNEL_RANGES",
    "COLOUR_SPACES",
    "FEATURE_KINDS",
    "GLCM_PROPERTIES",
    "colour_histogram",
    "colour_moments",
    "convert_colour",
    "extract_features",
    "glcm_features",
    "grey",
    "hog_features",
    "lbp_histogram",
    "pca",
    "pixel_features",
    "reduce_dimensions",
    "standardise",
]
