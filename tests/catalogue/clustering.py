"""Catalogue of notebook 03 (clustering): colour_histogram, cluster_images, purity."""

from catalogue import Entry

HISTOGRAM = [
    # -- wrong ---------------------------------------------------------------------------------
    Entry("colour_histogram", "normalised_together", "histograms normalised over all channels "
          "together", False, """
import numpy as np
import skimage.color

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        x, ranges = skimage.color.rgb2hsv(rgb), [(0, 1)] * 3
    elif colour_space == "lab":
        x, ranges = skimage.color.rgb2lab(rgb), [(0, 100), (-128, 127), (-128, 127)]
    else:
        x, ranges = rgb, [(0, 1)] * 3
    counts = [np.histogram(x[..., c], bins=bins, range=ranges[c])[0] for c in range(3)]
    hist = np.concatenate(counts).astype(float)
    return hist / hist.sum()
"""),
    Entry("colour_histogram", "lab_unit_ranges", "wrong Lab ranges ((0, 1) for every channel)",
          False, """
import numpy as np
import skimage.color

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        x = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        x = skimage.color.rgb2lab(rgb)
    else:
        x = rgb
    parts = []
    for c in range(3):
        counts, _ = np.histogram(x[..., c], bins=bins, range=(0, 1))
        parts.append(counts / counts.sum())
    return np.concatenate(parts)
"""),
    Entry("colour_histogram", "lab_pm100", "wrong Lab ranges (a* and b* in -100..100)", False, """
import numpy as np
import skimage.color

RANGES = {"rgb": [(0, 1)] * 3, "hsv": [(0, 1)] * 3,
          "lab": [(0, 100), (-100, 100), (-100, 100)]}

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    x = {"rgb": rgb, "hsv": skimage.color.rgb2hsv(rgb), "lab": skimage.color.rgb2lab(rgb)}
    x = x[colour_space]
    parts = []
    for c, r in enumerate(RANGES[colour_space]):
        counts, _ = np.histogram(x[..., c], bins=bins, range=r)
        parts.append(counts / counts.sum())
    return np.concatenate(parts)
"""),
    Entry("colour_histogram", "int_times_bins", "int(value * bins) loses the top edge", False, """
import numpy as np
import skimage.color

RANGES = {"rgb": [(0, 1)] * 3, "hsv": [(0, 1)] * 3,
          "lab": [(0, 100), (-128, 127), (-128, 127)]}

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    parts = []
    for c, (lo, hi) in enumerate(RANGES[colour_space]):
        idx = ((rgb[..., c].ravel() - lo) / (hi - lo) * bins).astype(int)
        counts = np.bincount(idx, minlength=bins)[:bins]
        parts.append(counts / counts.sum())
    return np.concatenate(parts)
"""),
    Entry("colour_histogram", "no_division", "forgetting / 255 for uint8", False, """
import numpy as np
import skimage.color

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    if colour_space == "hsv":
        x, ranges = skimage.color.rgb2hsv(image), [(0, 1)] * 3
    elif colour_space == "lab":
        x, ranges = skimage.color.rgb2lab(image), [(0, 100), (-128, 127), (-128, 127)]
    else:
        x, ranges = image, [(0, 1)] * 3
    parts = []
    for c in range(3):
        counts, _ = np.histogram(x[..., c], bins=bins, range=ranges[c])
        parts.append(counts / max(counts.sum(), 1))
    return np.concatenate(parts)
"""),
    Entry("colour_histogram", "uint8_range_256", "uint8 binned over (0, 256) instead of / 255",
          False, """
import numpy as np
import skimage.color

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    if colour_space == "rgb" and image.dtype == np.uint8:
        x, ranges = image, [(0, 256)] * 3
    else:
        rgb = image / 255.0 if image.dtype == np.uint8 else image
        if colour_space == "rgb":
            x, ranges = rgb, [(0, 1)] * 3
        elif colour_space == "hsv":
            x, ranges = skimage.color.rgb2hsv(rgb), [(0, 1)] * 3
        else:
            x, ranges = skimage.color.rgb2lab(rgb), [(0, 100), (-128, 127), (-128, 127)]
    parts = []
    for c in range(3):
        counts, _ = np.histogram(x[..., c], bins=bins, range=ranges[c])
        parts.append(counts / counts.sum())
    return np.concatenate(parts)
"""),
    Entry("colour_histogram", "density", "np.histogram(density=True) instead of dividing by the "
          "sum", False, """
import numpy as np
import skimage.color

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        x, ranges = skimage.color.rgb2hsv(rgb), [(0, 1)] * 3
    elif colour_space == "lab":
        x, ranges = skimage.color.rgb2lab(rgb), [(0, 100), (-128, 127), (-128, 127)]
    else:
        x, ranges = rgb, [(0, 1)] * 3
    return np.concatenate([np.histogram(x[..., c], bins=bins, range=ranges[c], density=True)[0]
                           for c in range(3)])
"""),
    Entry("colour_histogram", "linspace_edges", "bins - 1 bins (bins used as the number of "
          "edges)", False, """
import numpy as np
from skimage import color

RANGES = {"rgb": [(0, 1)] * 3, "hsv": [(0, 1)] * 3,
          "lab": [(0, 100), (-128, 127), (-128, 127)]}

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    x = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        x = color.rgb2hsv(x)
    elif colour_space == "lab":
        x = color.rgb2lab(x)
    parts = []
    for c, (lo, hi) in enumerate(RANGES[colour_space]):
        counts, _ = np.histogram(x[..., c], bins=np.linspace(lo, hi, bins))
        parts.append(counts / max(counts.sum(), 1))
    return np.concatenate(parts)
"""),
    Entry("colour_histogram", "data_range", "range left out (bins span the data's min..max)",
          False, """
import numpy as np
import skimage.color

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    parts = []
    for c in range(3):
        counts, _ = np.histogram(rgb[..., c], bins=bins)
        parts.append(counts / counts.sum())
    return np.concatenate(parts)
"""),
    Entry("colour_histogram", "interleaved", "channels interleaved bin by bin (column_stack)",
          False, """
import numpy as np
import skimage.color

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        x, ranges = skimage.color.rgb2hsv(rgb), [(0, 1)] * 3
    elif colour_space == "lab":
        x, ranges = skimage.color.rgb2lab(rgb), [(0, 100), (-128, 127), (-128, 127)]
    else:
        x, ranges = rgb, [(0, 1)] * 3
    hists = []
    for c in range(3):
        counts, _ = np.histogram(x[..., c], bins=bins, range=ranges[c])
        hists.append(counts / counts.sum())
    return np.column_stack(hists).ravel()
"""),
    Entry("colour_histogram", "lab_of_255_floats", "rgb2lab of 0..255 floats (uint8 cast to "
          "float)", False, """
import numpy as np
import skimage.color

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    x = image.astype(np.float64)
    if colour_space == "rgb":
        x = x / 255 if image.dtype == np.uint8 else x
        ranges = [(0, 1)] * 3
    elif colour_space == "hsv":
        x = skimage.color.rgb2hsv(x / 255 if image.dtype == np.uint8 else x)
        ranges = [(0, 1)] * 3
    else:
        x = skimage.color.rgb2lab(x)
        ranges = [(0, 100), (-128, 127), (-128, 127)]
    parts = []
    for c in range(3):
        counts, _ = np.histogram(x[..., c], bins=bins, range=ranges[c])
        parts.append(counts / max(counts.sum(), 1))
    return np.concatenate(parts)
"""),
    Entry("colour_histogram", "space_ignored", "parameter ignored: colour_space", False, """
import numpy as np

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    parts = []
    for c in range(3):
        counts, _ = np.histogram(rgb[..., c], bins=bins, range=(0, 1))
        parts.append(counts / counts.sum())
    return np.concatenate(parts)
"""),
    Entry("colour_histogram", "hue_in_degrees", "wrong HSV ranges (hue in degrees, 0..360)",
          False, """
import numpy as np
import skimage.color

RANGES = {"rgb": [(0, 1)] * 3, "hsv": [(0, 360), (0, 1), (0, 1)],
          "lab": [(0, 100), (-128, 127), (-128, 127)]}

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    parts = []
    for c, r in enumerate(RANGES[colour_space]):
        counts, _ = np.histogram(rgb[..., c], bins=bins, range=r)
        parts.append(counts / counts.sum())
    return np.concatenate(parts)
"""),
    Entry("colour_histogram", "one_histogram", "one histogram of all channels together, "
          "repeated", False, """
import numpy as np
import skimage.color

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    lo, hi = (0, 100) if colour_space == "lab" else (0, 1)
    counts, _ = np.histogram(rgb, bins=bins, range=(lo, hi))
    return np.tile(counts / counts.sum(), 3)
"""),
    Entry("colour_histogram", "range_epsilon", "range stretched by a tiny amount to include the "
          "top edge (values on inner edges change bins)", False, """
import numpy as np
import skimage.color

RANGES = {"rgb": [(0, 1)] * 3, "hsv": [(0, 1)] * 3,
          "lab": [(0, 100), (-128, 127), (-128, 127)]}

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    x = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        x = skimage.color.rgb2hsv(x)
    elif colour_space == "lab":
        x = skimage.color.rgb2lab(x)
    parts = []
    for c, (lo, hi) in enumerate(RANGES[colour_space]):
        counts, _ = np.histogram(x[..., c], bins=bins, range=(lo, hi + 1e-9))  # keep 1.0 in
        parts.append(counts / counts.sum())
    return np.concatenate(parts)
"""),
    Entry("colour_histogram", "rescale_when_bright", "divides by 255 only when the maximum is "
          "above 1 (a dark uint8 image is not rescaled)", False, """
import numpy as np
import skimage.color

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    image = np.asarray(image, dtype=float)
    if image.max() > 1:
        image = image / 255
    if colour_space == "hsv":
        image = skimage.color.rgb2hsv(image)
    elif colour_space == "lab":
        image = skimage.color.rgb2lab(image)
    ranges = [(0, 100), (-128, 127), (-128, 127)] if colour_space == "lab" else [(0, 1)] * 3
    out = []
    for c in range(3):
        counts, _ = np.histogram(image[..., c], bins=bins, range=ranges[c])
        out.append(counts / counts.sum())
    return np.concatenate(out)
"""),
    Entry("colour_histogram", "floor_bins", "bin numbers from a floor, not np.histogram's edges "
          "(values on an edge land elsewhere)", False, """
import numpy as np
import skimage.color

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    image = np.asarray(image)
    if image.dtype == np.uint8:
        image = image / 255
    if colour_space == "hsv":
        image = skimage.color.rgb2hsv(image)
    elif colour_space == "lab":
        image = skimage.color.rgb2lab(image)
    ranges = [(0, 100), (-128, 127), (-128, 127)] if colour_space == "lab" else [(0, 1)] * 3
    out = []
    for c in range(3):
        lo, hi = ranges[c]
        idx = np.floor((image[..., c].ravel() - lo) / (hi - lo) * bins).astype(int)
        idx = np.clip(idx, 0, bins - 1)
        counts = np.bincount(idx, minlength=bins)
        out.append(counts / counts.sum())
    return np.concatenate(out)
"""),
    # -- correct -------------------------------------------------------------------------------
    Entry("colour_histogram", "digitize_bincount", "np.digitize on the inner edges + np.bincount",
          True, """
import numpy as np
import skimage.color

RANGES = {"rgb": [(0.0, 1.0)] * 3, "hsv": [(0.0, 1.0)] * 3,
          "lab": [(0.0, 100.0), (-128.0, 127.0), (-128.0, 127.0)]}

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    parts = []
    for c, (lo, hi) in enumerate(RANGES[colour_space]):
        edges = np.linspace(lo, hi, bins + 1)
        index = np.digitize(rgb[..., c].ravel(), edges[1:-1])   # the top edge: last bin
        counts = np.bincount(index, minlength=bins)
        parts.append(counts / counts.sum())
    return np.concatenate(parts)
"""),
    Entry("colour_histogram", "dict_of_lambdas_per_pixel", "module-level dict of lambdas, "
          "divided by the number of pixels", True, """
import numpy as np
from skimage import color

SPACES = {
    "rgb": (lambda x: x, [(0, 1), (0, 1), (0, 1)]),
    "hsv": (lambda x: color.rgb2hsv(x), [(0, 1), (0, 1), (0, 1)]),
    "lab": (lambda x: color.rgb2lab(x), [(0, 100), (-128, 127), (-128, 127)]),
}

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    convert, ranges = SPACES[colour_space]
    x = convert(image.astype(np.float64) / (255 if image.dtype == np.uint8 else 1))
    n = x.shape[0] * x.shape[1]
    return np.hstack([np.histogram(x[:, :, c], bins, ranges[c])[0] / n for c in range(3)])
"""),
    Entry("colour_histogram", "skimage_scales_uint8", "uint8 handed to skimage (img_as_float, "
          "rgb2lab of uint8)", True, """
import numpy as np
from skimage.color import rgb2hsv, rgb2lab
from skimage.util import img_as_float

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    if colour_space == "rgb":
        values, limits = img_as_float(image), ((0, 1),) * 3
    elif colour_space == "hsv":
        values, limits = rgb2hsv(image), ((0, 1),) * 3
    elif colour_space == "lab":
        values, limits = rgb2lab(image), ((0, 100), (-128, 127), (-128, 127))
    else:
        raise ValueError(colour_space)
    result = []
    for channel, limit in zip(np.moveaxis(values, -1, 0), limits):
        counts = np.histogram(channel, bins=bins, range=limit)[0].astype(float)
        result.extend(counts / counts.sum())
    return np.array(result)
"""),
]

CLUSTER_IMAGES = [
    # -- wrong ---------------------------------------------------------------------------------
    Entry("cluster_images", "method_ignored", "parameter ignored: method (always k-means)", False,
          """
import numpy as np
from sklearn.cluster import KMeans

def cluster_images(features, k, method="kmeans", random_state=0):
    return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
"""),
    Entry("cluster_images", "dbscan_defaults", "DBSCAN with scikit-learn's defaults", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                             random_state=random_state)
        return gm.fit(features).predict(features)
    return DBSCAN().fit_predict(features)
"""),
    Entry("cluster_images", "dbscan_default_min_samples", "DBSCAN set up differently (default "
          "min_samples)", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                             random_state=random_state)
        return gm.fit(features).predict(features)
    return DBSCAN(eps=dbscan_eps(features, k)).fit_predict(features)
"""),
    Entry("cluster_images", "dbscan_default_eps", "DBSCAN set up differently (default eps)",
          False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                             random_state=random_state)
        return gm.fit(features).predict(features)
    return DBSCAN(min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "dbscan_noise_relabelled", "DBSCAN noise given a cluster number "
          "instead of -1", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                             random_state=random_state)
        return gm.fit(features).predict(features)
    labels = DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
    labels[labels == -1] = labels.max() + 1     # noise as one more cluster
    return labels
"""),
    Entry("cluster_images", "single_linkage", "another linkage (single)", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="single").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                             random_state=random_state)
        return gm.fit(features).predict(features)
    return DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "average_linkage", "another linkage (average)", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="average").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                             random_state=random_state)
        return gm.fit(features).predict(features)
    return DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "gmm_full", "full-covariance Gaussian mixture", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, n_init=3, random_state=random_state)
        return gm.fit(features).predict(features)
    return DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "gmm_spherical", "Gaussian mixture set up differently (spherical)",
          False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="spherical", n_init=3,
                             random_state=random_state)
        return gm.fit(features).predict(features)
    return DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "gmm_n_init_1", "n_init=1 (Gaussian mixture)", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", random_state=random_state)
        return gm.fit(features).predict(features)
    return DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "kmeans_n_init_1", "n_init=1 (k-means)", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=1, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                             random_state=random_state)
        return gm.fit(features).predict(features)
    return DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "seed_ignored", "random_state ignored", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3)
        return gm.fit(features).predict(features)
    return DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "seed_fixed", "random_state hard-coded", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

SEED = 42

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=SEED).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3, random_state=SEED)
        return gm.fit(features).predict(features)
    return DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "shared_random_state", "one shared RandomState for every call "
          "(random_state ignored)", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

RNG = np.random.RandomState(0)

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=RNG).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3, random_state=RNG)
        return gm.fit(features).predict(features)
    return DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "standardises", "features standardised inside (not documented)",
          False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    x = StandardScaler().fit_transform(features)
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(x)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(x)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                             random_state=random_state)
        return gm.fit(x).predict(x)
    return DBSCAN(eps=dbscan_eps(x, k), min_samples=k).fit_predict(x)
"""),
    Entry("cluster_images", "gmm_is_kmeans", "parameter partly ignored: gmm done with k-means",
          False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if method in ("kmeans", "gmm"):
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    return DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "kmeans_n_init_4", "k-means set up differently (n_init=4 copied from "
          "cluster_pixels)", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=4, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                             random_state=random_state)
        return gm.fit(features).predict(features)
    return DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "gmm_tied", "Gaussian mixture set up differently (tied)", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="tied", n_init=3,
                             random_state=random_state)
        return gm.fit(features).predict(features)
    return DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "complete_linkage", "another linkage (complete)", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="complete").fit_predict(features)
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                             random_state=random_state)
        return gm.fit(features).predict(features)
    return DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "list_labels", "labels returned as a Python list", False, """
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if method == "kmeans":
        labels = KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
    elif method == "agglomerative":
        labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    elif method == "gmm":
        labels = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                                 random_state=random_state).fit(features).predict(features)
    elif method == "dbscan":
        labels = DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
    else:
        raise ValueError(f"unknown method {method!r}")
    return [int(v) for v in labels]
"""),
    # -- correct -------------------------------------------------------------------------------
    Entry("cluster_images", "dict_of_lambdas", "module-level dict holding lambdas, ward by "
          "default, fit_predict for the mixture", True, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from coursekit.cluster import dbscan_eps

METHODS = {
    "kmeans": lambda x, k, seed: KMeans(n_clusters=k, n_init=10, random_state=seed),
    "agglomerative": lambda x, k, seed: AgglomerativeClustering(n_clusters=k),
    "gmm": lambda x, k, seed: GaussianMixture(k, covariance_type="diag", n_init=3,
                                              random_state=seed),
    "dbscan": lambda x, k, seed: DBSCAN(eps=dbscan_eps(x, k), min_samples=k),
}

def cluster_images(features, k, method="kmeans", random_state=0):
    x = np.asarray(features, dtype=float)
    model = METHODS[method](x, k, random_state)
    return np.asarray(model.fit_predict(x), dtype=np.int64)
"""),
    Entry("cluster_images", "own_eps_randomstate", "eps computed by hand, a fresh RandomState "
          "per call, predict_proba argmax", True, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import NearestNeighbors

def _eps(x, k):
    distances, _ = NearestNeighbors(n_neighbors=k).fit(x).kneighbors(x)
    eps = np.percentile(distances[:, -1], 90)
    return eps if eps > 0 else np.finfo(float).eps * max(1.0, np.abs(x).max())

def cluster_images(features, k, method="kmeans", random_state=0):
    features = np.asarray(features, dtype=np.float64)
    if method == "kmeans":
        model = KMeans(n_clusters=k, n_init=10, random_state=np.random.RandomState(random_state))
        return model.fit(features).labels_
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit(features).labels_
    if method == "gmm":
        gm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                             random_state=random_state).fit(features)
        return gm.predict_proba(features).argmax(axis=1)
    if method == "dbscan":
        return DBSCAN(eps=_eps(features, k), min_samples=k).fit(features).labels_
    raise ValueError(f"unknown method {method!r}")
"""),
    Entry("cluster_images", "k_means_function", "sklearn.cluster.k_means and imports inside",
          True, """
def cluster_images(features, k, method="kmeans", random_state=0):
    import numpy as np
    from sklearn import cluster, mixture
    from coursekit.cluster import dbscan_eps

    if method == "kmeans":
        _, labels, _ = cluster.k_means(features, n_clusters=k, n_init=10,
                                       random_state=random_state)
    elif method == "agglomerative":
        labels = cluster.AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(
            features)
    elif method == "gmm":
        labels = mixture.GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                                         random_state=random_state).fit(features).predict(features)
    else:
        labels = cluster.DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
    return np.array(labels)
"""),
]

PURITY = [
    # -- wrong ---------------------------------------------------------------------------------
    Entry("purity", "per_class", "purity per class instead of per cluster", False, """
import pandas as pd

def purity(labels_true, labels_pred):
    table = pd.crosstab(labels_true, labels_pred)
    return float(table.max(axis=1).sum() / len(labels_true))
"""),
    Entry("purity", "per_class_contingency", "purity per class instead of per cluster "
          "(contingency matrix rows)", False, """
import numpy as np
from sklearn.metrics.cluster import contingency_matrix

def purity(labels_true, labels_pred):
    table = contingency_matrix(labels_true, labels_pred)
    return table.max(axis=1).sum() / table.sum()
"""),
    Entry("purity", "mean_of_clusters", "mean of the clusters' purities (unweighted)", False, """
import numpy as np
import pandas as pd

def purity(labels_true, labels_pred):
    table = pd.crosstab(labels_pred, labels_true)
    return float((table.max(axis=1) / table.sum(axis=1)).mean())
"""),
    Entry("purity", "bincount", "numbers only (np.bincount of the classes)", False, """
import numpy as np

def purity(labels_true, labels_pred):
    labels_true = np.asarray(labels_true)
    labels_pred = np.asarray(labels_pred)
    total = 0
    for cluster in np.unique(labels_pred):
        total += np.bincount(labels_true[labels_pred == cluster]).max()
    return total / len(labels_true)
"""),
    Entry("purity", "range_of_clusters", "clusters assumed to be 0 .. k - 1", False, """
import numpy as np
from collections import Counter

def purity(labels_true, labels_pred):
    labels_true = np.asarray(labels_true)
    labels_pred = np.asarray(labels_pred)
    total = 0
    for cluster in range(int(labels_pred.max()) + 1):
        members = labels_true[labels_pred == cluster]
        if len(members):
            total += Counter(members).most_common(1)[0][1]
    return total / len(labels_true)
"""),
    Entry("purity", "count_not_share", "count returned, not divided by n", False, """
import pandas as pd

def purity(labels_true, labels_pred):
    return int(pd.crosstab(labels_pred, labels_true).max(axis=1).sum())
"""),
    Entry("purity", "over_clusters", "divided by the number of clusters", False, """
import pandas as pd

def purity(labels_true, labels_pred):
    table = pd.crosstab(labels_pred, labels_true)
    return table.max(axis=1).sum() / len(table)
"""),
    Entry("purity", "lists_not_converted", "lists not converted to arrays", False, """
import numpy as np
from collections import Counter

def purity(labels_true, labels_pred):
    total = 0
    for cluster in set(labels_pred):
        members = labels_true[labels_pred == cluster]
        total += Counter(np.atleast_1d(members)).most_common(1)[0][1]
    return total / len(labels_true)
"""),
    Entry("purity", "scipy_mode", "numbers only (scipy.stats.mode)", False, """
import numpy as np
from scipy import stats

def purity(labels_true, labels_pred):
    labels_true = np.asarray(labels_true)
    labels_pred = np.asarray(labels_pred)
    total = 0
    for c in np.unique(labels_pred):
        total += stats.mode(labels_true[labels_pred == c], keepdims=False).count
    return float(total / labels_true.size)
"""),
    Entry("purity", "clusters_cast_to_int", "cluster names cast to int (0.2 and 0.7 merge)",
          False, """
import numpy as np
import pandas as pd

def purity(labels_true, labels_pred):
    clusters = np.asarray(labels_pred).astype(int)
    table = pd.crosstab(clusters, np.asarray(labels_true))
    return float(table.max(axis=1).sum() / len(clusters))
"""),
    # -- correct -------------------------------------------------------------------------------
    Entry("purity", "counter", "pure Python with collections.Counter", True, """
from collections import Counter, defaultdict

def purity(labels_true, labels_pred):
    members = defaultdict(list)
    for cls, cluster in zip(labels_true, labels_pred):
        members[cluster].append(cls)
    majority = sum(Counter(classes).most_common(1)[0][1] for classes in members.values())
    return majority / len(labels_true)
"""),
    Entry("purity", "numpy_unique", "pure numpy: np.unique(return_inverse) and np.add.at", True,
          """
import numpy as np

def purity(labels_true, labels_pred):
    _, t = np.unique(np.asarray(labels_true), return_inverse=True)
    _, p = np.unique(np.asarray(labels_pred), return_inverse=True)
    table = np.zeros((p.max() + 1, t.max() + 1), dtype=int)
    np.add.at(table, (p.ravel(), t.ravel()), 1)
    return float(table.max(axis=1).sum() / t.size)
"""),
    Entry("purity", "contingency_columns", "sklearn's contingency matrix, column maxima", True,
          """
import numpy as np
from sklearn.metrics.cluster import contingency_matrix

def purity(labels_true, labels_pred):
    table = contingency_matrix(labels_true, labels_pred)   # rows: classes, columns: clusters
    return float(np.amax(table, axis=0).sum() / np.sum(table))
"""),
    Entry("purity", "groupby", "pandas groupby + value_counts", True, """
import pandas as pd

def purity(labels_true, labels_pred):
    frame = pd.DataFrame({"cls": list(labels_true), "cluster": list(labels_pred)})
    largest = frame.groupby("cluster")["cls"].agg(lambda s: s.value_counts().iloc[0])
    return largest.sum() / len(frame)
"""),
]

ENTRIES = HISTOGRAM + CLUSTER_IMAGES + PURITY

#: Issue 19: one wrong entry per new domain row (defaults, float32 and list features, DBSCAN
#: with k > 2, noise in a large cluster, Series matched by index, tuples) and per
#: misdiagnosed hint (a wrong Lab range, labels shifted by one).
DOMAIN_ROWS = [
    Entry("colour_histogram", "default_bins_10", "a default bins other than the signature's",
          False, """
import numpy as np
import skimage.color

RANGES = {"rgb": [(0, 1)] * 3, "hsv": [(0, 1)] * 3, "lab": [(0, 100), (-128, 127), (-128, 127)]}

def colour_histogram(image, bins=10, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    parts = []
    for c, r in enumerate(RANGES[colour_space]):
        counts, _ = np.histogram(rgb[..., c], bins=bins, range=r)
        parts.append(counts / counts.sum())
    return np.concatenate(parts)
"""),
    Entry("colour_histogram", "lab_range_100", "a* and b* over (-100, 100) (the hint must name "
          "the range, not the dtype)", False, """
import numpy as np
import skimage.color

RANGES = {"rgb": [(0, 1)] * 3, "hsv": [(0, 1)] * 3, "lab": [(0, 100), (-100, 100), (-100, 100)]}

def colour_histogram(image, bins=8, colour_space="rgb"):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    parts = []
    for c, r in enumerate(RANGES[colour_space]):
        counts, _ = np.histogram(rgb[..., c], bins=bins, range=r)
        parts.append(counts / counts.sum())
    return np.concatenate(parts)
"""),
    Entry("cluster_images", "default_seed_42", "a default random_state other than the "
          "signature's", False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture

from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=42):
    x = np.asarray(features, dtype=float)
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(x)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(x)
    if method == "gmm":
        gmm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                              random_state=random_state)
        return gmm.fit(x).predict(x)
    return DBSCAN(eps=dbscan_eps(x, k), min_samples=k).fit_predict(x)
"""),
    Entry("cluster_images", "shape_of_array_only", "features.shape used: a list of lists fails",
          False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture

from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    if features.shape[0] < k:
        raise ValueError("k is larger than the number of samples")
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(features)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    if method == "gmm":
        gmm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                              random_state=random_state)
        return gmm.fit(features).predict(features)
    return DBSCAN(eps=dbscan_eps(features, k), min_samples=k).fit_predict(features)
"""),
    Entry("cluster_images", "dbscan_min_samples_2", "DBSCAN with min_samples=2 whatever k is",
          False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture

from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    x = np.asarray(features, dtype=float)
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(x)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(x)
    if method == "gmm":
        gmm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                              random_state=random_state)
        return gmm.fit(x).predict(x)
    return DBSCAN(eps=dbscan_eps(x, 2), min_samples=2).fit_predict(x)
"""),
    Entry("cluster_images", "dbscan_shifted", "DBSCAN's labels plus one (noise becomes 0)",
          False, """
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture

from coursekit.cluster import dbscan_eps

def cluster_images(features, k, method="kmeans", random_state=0):
    x = np.asarray(features, dtype=float)
    if method == "kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(x)
    if method == "agglomerative":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(x)
    if method == "gmm":
        gmm = GaussianMixture(n_components=k, covariance_type="diag", n_init=3,
                              random_state=random_state)
        return gmm.fit(x).predict(x)
    return DBSCAN(eps=dbscan_eps(x, k), min_samples=k).fit_predict(x) + 1
"""),
    Entry("purity", "noise_left_out", "samples labelled -1 left out of the counts", False, """
import numpy as np

def purity(labels_true, labels_pred):
    true, pred = np.asarray(labels_true), np.asarray(labels_pred)
    total = 0
    for cluster in np.unique(pred):
        if cluster == -1:
            continue
        _, counts = np.unique(true[pred == cluster], return_counts=True)
        total += counts.max()
    return total / len(true)
"""),
    Entry("purity", "crosstab_by_index", "pd.crosstab of Series, matched by their index",
          False, """
import pandas as pd

def purity(labels_true, labels_pred):
    true = labels_true if isinstance(labels_true, pd.Series) else pd.Series(list(labels_true))
    pred = labels_pred if isinstance(labels_pred, pd.Series) else pd.Series(list(labels_pred))
    table = pd.crosstab(pred, true)
    return float(table.max(axis=1).sum() / len(true))
"""),
    Entry("purity", "crosstab_positional", "pd.crosstab of plain arrays (pairs by position)",
          True, """
import numpy as np
import pandas as pd

def purity(labels_true, labels_pred):
    true = np.asarray(labels_true)
    pred = np.asarray(labels_pred)
    table = pd.crosstab(pred, true)
    return float(table.max(axis=1).sum() / len(true))
"""),
    Entry("colour_histogram", "grey_columns", "a grey image accepted: image[..., c] takes its "
          "first three columns as channels", False, """
import numpy as np

def colour_histogram(image, bins=8, colour_space="rgb"):
    image = np.asarray(image)
    rgb = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    if colour_space != "rgb":
        import skimage.color
        rgb = {"hsv": skimage.color.rgb2hsv, "lab": skimage.color.rgb2lab}[colour_space](
            rgb.reshape(-1, 1, 3) if rgb.ndim == 3 else np.dstack([rgb] * 3))
    ranges = [(0.0, 100.0), (-128.0, 127.0), (-128.0, 127.0)] if colour_space == "lab" else [
        (0.0, 1.0)] * 3
    parts = []
    for c, r in enumerate(ranges):
        counts, _ = np.histogram(rgb[..., c], bins=bins, range=r)
        parts.append(counts / counts.sum())
    return np.concatenate(parts)
"""),
]

ENTRIES = ENTRIES + DOMAIN_ROWS
