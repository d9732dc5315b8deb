"""Catalogue of notebook 01 (images): resize_image, cluster_pixels, quantise."""

from catalogue import Entry

RESIZE = [
    # -- wrong ---------------------------------------------------------------------------------
    Entry("resize_image", "width_height", "size read as (width, height)", False, """
import numpy as np
import skimage.transform

def resize_image(image, size):
    width, height = size
    out = skimage.transform.resize(image, (height, width), order=1, anti_aliasing=True,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("resize_image", "truncates", "truncation instead of rounding", False, """
import numpy as np
import skimage.transform

def resize_image(image, size):
    out = skimage.transform.resize(image, size, order=1, anti_aliasing=True, preserve_range=True)
    return out.astype(image.dtype)
"""),
    Entry("resize_image", "float_for_uint8", "floats returned for uint8 input", False, """
import skimage.transform

def resize_image(image, size):
    return skimage.transform.resize(image, size, order=1, anti_aliasing=True,
                                    preserve_range=True)
"""),
    Entry("resize_image", "no_preserve_range", "forgetting * 255 (values on the [0, 1] scale)",
          False, """
import numpy as np
from skimage.transform import resize

def resize_image(image, size):
    out = resize(image, size, order=1, anti_aliasing=True)
    if image.dtype == np.uint8:
        out = np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("resize_image", "no_anti_aliasing", "anti-aliasing left out", False, """
import numpy as np
import skimage.transform

def resize_image(image, size):
    out = skimage.transform.resize(image, size, order=1, anti_aliasing=False,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("resize_image", "nearest", "another interpolation (nearest neighbour)", False, """
import numpy as np
import skimage.transform

def resize_image(image, size):
    out = skimage.transform.resize(image, size, order=0, preserve_range=True)
    return np.rint(out).astype(image.dtype) if image.dtype == np.uint8 else out
"""),
    Entry("resize_image", "bicubic", "another interpolation (cubic)", False, """
import numpy as np
import skimage.transform

def resize_image(image, size):
    out = skimage.transform.resize(image, size, order=3, anti_aliasing=True,
                                   preserve_range=True)
    out = np.clip(out, 0, 255 if image.dtype == np.uint8 else 1)
    return np.rint(out).astype(np.uint8) if image.dtype == np.uint8 else out
"""),
    Entry("resize_image", "always_three_channels", "channel axis not kept (grey made RGB)",
          False, """
import numpy as np
import skimage.transform

def resize_image(image, size):
    h, w = size
    out = skimage.transform.resize(image, (h, w, 3), order=1, anti_aliasing=True,
                                   preserve_range=True)
    return np.rint(out).astype(np.uint8) if image.dtype == np.uint8 else out
"""),
    Entry("resize_image", "rounds_floats", "rounding float images too", False, """
import numpy as np
import skimage.transform

def resize_image(image, size):
    out = skimage.transform.resize(image, size, order=1, anti_aliasing=True, preserve_range=True)
    return np.rint(out).astype(image.dtype)
"""),
    Entry("resize_image", "divides_floats", "dividing by 255 whatever the dtype", False, """
import numpy as np
import skimage.transform

def resize_image(image, size):
    x = image / 255
    out = skimage.transform.resize(x, size, order=1, anti_aliasing=True)
    if image.dtype == np.uint8:
        return np.rint(out * 255).astype(np.uint8)
    return out
"""),
    Entry("resize_image", "float32", "float results in another float dtype", False, """
import numpy as np
import skimage.transform

def resize_image(image, size):
    out = skimage.transform.resize(image.astype(np.float32), size, order=1,
                                   anti_aliasing=True, preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    # -- correct -------------------------------------------------------------------------------
    Entry("resize_image", "skimage_defaults", "skimage's defaults (order 1, anti-aliasing when "
          "shrinking)", True, """
import numpy as np
from skimage.transform import resize

def resize_image(image, size):
    out = resize(image, size, preserve_range=True)
    if image.dtype == np.uint8:
        return np.round(out).astype(np.uint8)
    return out
"""),
    Entry("resize_image", "img_as_ubyte", "skimage's own float scale and img_as_ubyte", True, """
import numpy as np
from skimage.transform import resize
from skimage.util import img_as_ubyte

def resize_image(image, size):
    resized = resize(image, size, order=1, anti_aliasing=True)   # floats in [0, 1]
    return img_as_ubyte(resized) if image.dtype == np.uint8 else resized
"""),
    Entry("resize_image", "plus_half", "rounding by adding 0.5 before the cast", True, """
import numpy as np
import skimage.transform

def resize_image(image, size):
    h, w = size
    out = skimage.transform.resize(image.astype(float), (h, w) + image.shape[2:], order=1,
                                   anti_aliasing=True, preserve_range=True)
    if image.dtype == np.uint8:
        return (np.clip(out, 0, 255) + 0.5).astype(np.uint8)
    return out.astype(image.dtype)
"""),
]

CLUSTER_PIXELS = [
    # -- wrong ---------------------------------------------------------------------------------
    Entry("cluster_pixels", "rgb_always", "parameter ignored: colour_space", False, """
import numpy as np
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    pixels = image.reshape(-1, 3) / (255.0 if image.dtype == np.uint8 else 1.0)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(pixels)
    order = np.argsort(km.cluster_centers_.sum(axis=1))
    new = np.empty(k, dtype=int)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), km.cluster_centers_[order]
"""),
    Entry("cluster_pixels", "no_scaling", "forgetting / 255 (centres in 0..255)", False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    if colour_space == "hsv":
        pixels = skimage.color.rgb2hsv(image)
    elif colour_space == "lab":
        pixels = skimage.color.rgb2lab(image)
    else:
        pixels = image.astype(float)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(pixels.reshape(-1, 3))
    bright = {"rgb": 0, "hsv": 2, "lab": 0}
    if colour_space == "rgb":
        key = km.cluster_centers_.sum(axis=1)
    else:
        key = km.cluster_centers_[:, bright[colour_space]]
    order = np.argsort(key)
    new = np.empty(k, dtype=int)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), km.cluster_centers_[order]
"""),
    Entry("cluster_pixels", "lab_of_255_floats", "rgb2lab of 0..255 floats (uint8 cast to float)",
          False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    x = image.astype(np.float64)
    if colour_space == "hsv":
        x = skimage.color.rgb2hsv(x)
    elif colour_space == "lab":
        x = skimage.color.rgb2lab(x)
    elif image.dtype == np.uint8:
        x = x / 255
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state).fit(x.reshape(-1, 3))
    c = km.cluster_centers_
    key = c.sum(axis=1) if colour_space == "rgb" else c[:, 2 if colour_space == "hsv" else 0]
    order = np.argsort(key)
    rank = np.argsort(order)
    return rank[km.labels_].reshape(image.shape[:2]), c[order]
"""),
    Entry("cluster_pixels", "n_init_default", "k-means set up differently (n_init default)",
          False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    if colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = KMeans(n_clusters=k, random_state=random_state)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    centres = km.cluster_centers_
    channel = {"rgb": None, "hsv": 2, "lab": 0}[colour_space]
    brightness = centres.sum(axis=1) if channel is None else centres[:, channel]
    order = np.argsort(brightness)
    relabel = np.zeros(k, dtype=int)
    relabel[order] = np.arange(k)
    return relabel[labels].reshape(image.shape[:2]), centres[order]
"""),
    Entry("cluster_pixels", "seed_fixed", "random_state hard-coded", False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    pixels = {"rgb": rgb, "hsv": skimage.color.rgb2hsv(rgb),
              "lab": skimage.color.rgb2lab(rgb)}[colour_space].reshape(-1, 3)
    km = KMeans(n_clusters=k, n_init=4, random_state=0)
    labels = km.fit_predict(pixels)
    c = km.cluster_centers_
    order = np.argsort(c.sum(axis=1) if colour_space == "rgb"
                       else c[:, 2] if colour_space == "hsv" else c[:, 0])
    new = np.empty(k, dtype=int)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), c[order]
"""),
    Entry("cluster_pixels", "seed_ignored", "random_state ignored", False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = KMeans(n_clusters=k, n_init=4)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    c = km.cluster_centers_
    key = c.sum(axis=1) if colour_space == "rgb" else c[:, 2] if colour_space == "hsv" else c[:, 0]
    order = np.argsort(key)
    new = np.empty(k, dtype=int)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), c[order]
"""),
    Entry("cluster_pixels", "not_renumbered", "labels not numbered dark to bright", False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    return labels.reshape(image.shape[:2]), km.cluster_centers_
"""),
    Entry("cluster_pixels", "inverse_permutation", "renumbering with the sort order itself "
          "(order[labels], not its inverse)", False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    c = km.cluster_centers_
    key = c.sum(axis=1) if colour_space == "rgb" else c[:, 2] if colour_space == "hsv" else c[:, 0]
    order = np.argsort(key)
    return order[labels].reshape(image.shape[:2]), c[order]
"""),
    Entry("cluster_pixels", "red_first", "brightness read from the first channel in every space",
          False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    order = np.argsort(km.cluster_centers_[:, 0])
    new = np.empty(k, dtype=int)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), km.cluster_centers_[order]
"""),
    Entry("cluster_pixels", "sum_in_every_space", "brightness as the channel sum in hsv and lab",
          False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    order = np.argsort(km.cluster_centers_.sum(axis=1))
    new = np.empty(k, dtype=int)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), km.cluster_centers_[order]
"""),
    Entry("cluster_pixels", "brightest_first", "labels numbered bright to dark", False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    c = km.cluster_centers_
    key = c.sum(axis=1) if colour_space == "rgb" else c[:, 2] if colour_space == "hsv" else c[:, 0]
    order = np.argsort(-key)
    new = np.empty(k, dtype=int)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), c[order]
"""),
    Entry("cluster_pixels", "flat_labels", "labels not reshaped to (H, W)", False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    c = km.cluster_centers_
    key = c.sum(axis=1) if colour_space == "rgb" else c[:, 2] if colour_space == "hsv" else c[:, 0]
    order = np.argsort(key)
    new = np.empty(k, dtype=int)
    new[order] = np.arange(k)
    return new[labels], c[order]
"""),
    Entry("cluster_pixels", "centres_in_rgb", "centres given in RGB whatever the colour space",
          False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = (image / 255.0 if image.dtype == np.uint8 else image).reshape(-1, 3)
    if colour_space == "hsv":
        space = skimage.color.rgb2hsv(rgb[np.newaxis])[0]
    elif colour_space == "lab":
        space = skimage.color.rgb2lab(rgb[np.newaxis])[0]
    else:
        space = rgb
    labels = KMeans(n_clusters=k, n_init=4, random_state=random_state).fit_predict(space)
    # the mean colour of each cluster, as a colour we can show
    centres = np.array([rgb[labels == j].mean(axis=0) for j in range(k)])
    key = {"rgb": space, "hsv": space[:, 2], "lab": space[:, 0]}
    bright = np.array([key[colour_space][labels == j].mean(axis=0) for j in range(k)])
    if colour_space == "rgb":
        bright = bright.sum(axis=1)
    order = np.argsort(bright)
    new = np.empty(k, dtype=int)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), centres[order]
"""),
    Entry("cluster_pixels", "minibatch", "k-means set up differently (MiniBatchKMeans)", False, """
import numpy as np
import skimage.color
from sklearn.cluster import MiniBatchKMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = MiniBatchKMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    c = km.cluster_centers_
    key = c.sum(axis=1) if colour_space == "rgb" else c[:, 2] if colour_space == "hsv" else c[:, 0]
    order = np.argsort(key)
    new = np.empty(k, dtype=int)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), c[order]
"""),
    Entry("cluster_pixels", "n_init_10", "k-means set up differently (n_init=10 as for images)",
          False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = KMeans(n_clusters=k, n_init=10, random_state=random_state)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    c = km.cluster_centers_
    key = c.sum(axis=1) if colour_space == "rgb" else c[:, 2 if colour_space == "hsv" else 0]
    order = np.argsort(key)
    new = np.empty(k, dtype=int)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), c[order]
"""),
    Entry("cluster_pixels", "largest_first", "labels numbered by cluster size, not brightness",
          False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    order = np.argsort(-np.bincount(labels, minlength=k), kind="stable")   # biggest first
    new = np.empty(k, dtype=int)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), km.cluster_centers_[order]
"""),
    # -- correct -------------------------------------------------------------------------------
    Entry("cluster_pixels", "dict_of_lambdas", "module-level dicts holding lambdas", True, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

CONVERT = {
    "rgb": lambda rgb: rgb,
    "hsv": skimage.color.rgb2hsv,
    "lab": skimage.color.rgb2lab,
}
BRIGHTNESS = {
    "rgb": lambda c: c.sum(axis=1),
    "hsv": lambda c: c[:, 2],
    "lab": lambda c: c[:, 0],
}

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    pixels = CONVERT[colour_space](rgb).reshape(-1, 3)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(pixels)
    c = km.cluster_centers_
    order = np.lexsort((c[:, 2], c[:, 1], c[:, 0], BRIGHTNESS[colour_space](c)))
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    return rank[labels].reshape(image.shape[:2]), km.cluster_centers_[order]
"""),
    Entry("cluster_pixels", "skimage_scales_uint8", "uint8 handed to skimage's converters, "
          "img_as_float, ranks by double argsort", True, """
import numpy as np
from skimage import color
from skimage.util import img_as_float
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    if colour_space == "rgb":
        values = img_as_float(image)
    elif colour_space == "hsv":
        values = color.rgb2hsv(image)      # skimage scales uint8 to [0, 1] itself
    elif colour_space == "lab":
        values = color.rgb2lab(image)
    else:
        raise ValueError("colour_space must be rgb, hsv or lab")
    model = KMeans(n_clusters=k, n_init=4, random_state=random_state).fit(values.reshape(-1, 3))
    centres = model.cluster_centers_
    if colour_space == "rgb":
        brightness = centres[:, 0] + centres[:, 1] + centres[:, 2]
    elif colour_space == "hsv":
        brightness = centres[:, 2]
    else:
        brightness = centres[:, 0]
    # equal brightness: channel 0, then 1, then 2 decide (lexsort: last key first)
    by = np.lexsort((centres[:, 2], centres[:, 1], centres[:, 0], brightness))
    rank = np.argsort(by)
    labels = rank[model.labels_].reshape(image.shape[0], image.shape[1])
    return labels, centres[by]
"""),
    Entry("cluster_pixels", "means_recomputed", "centres recomputed as the pixels' means, "
          "matplotlib's rgb_to_hsv", True, """
import numpy as np
from matplotlib.colors import rgb_to_hsv
from skimage.color import rgb2lab
from sklearn.cluster import KMeans

def _to_space(rgb, colour_space):
    if colour_space == "hsv":
        return rgb_to_hsv(rgb)
    if colour_space == "lab":
        return rgb2lab(rgb)
    return rgb

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image.astype(np.float64)
    if image.dtype == np.uint8:
        rgb /= 255
    pixels = _to_space(rgb, colour_space).reshape(-1, 3)
    raw = KMeans(n_clusters=k, n_init=4, random_state=random_state).fit_predict(pixels)
    means = np.array([pixels[raw == j].mean(axis=0) for j in range(k)])
    light = {"rgb": means.sum(axis=1), "hsv": means[:, 2], "lab": means[:, 0]}[colour_space]
    order = sorted(range(k), key=lambda j: (light[j], *means[j]))
    labels = np.zeros_like(raw)
    for new, old in enumerate(order):
        labels[raw == old] = new
    return labels.reshape(image.shape[:2]), means[order]
"""),
]

QUANTISE = [
    # -- wrong ---------------------------------------------------------------------------------
    Entry("quantise", "float64_out", "float32 images come back as float64", False, """
import numpy as np
import skimage.color

def quantise(image, k, colour_space="rgb", random_state=0):
    labels, centres = cluster_pixels(image, k, colour_space, random_state)
    if colour_space == "hsv":
        centres = skimage.color.hsv2rgb(centres[np.newaxis])[0]
    elif colour_space == "lab":
        centres = skimage.color.lab2rgb(centres[np.newaxis])[0]
    out = np.clip(centres, 0, 1)[labels]
    if image.dtype == np.uint8:
        return np.rint(out * 255).astype(np.uint8)
    return out
"""),
    Entry("quantise", "scale_from_values", "uint8 told apart by image.max() > 1 (a dark uint8 "
          "image is returned on the [0, 1] scale)", False, """
import numpy as np
import skimage.color

def quantise(image, k, colour_space="rgb", random_state=0):
    labels, centres = cluster_pixels(image, k, colour_space, random_state)
    if colour_space == "hsv":
        centres = skimage.color.hsv2rgb(centres[np.newaxis])[0]
    elif colour_space == "lab":
        centres = skimage.color.lab2rgb(centres[np.newaxis])[0]
    out = np.clip(centres, 0, 1)[labels]
    if image.max() > 1:
        return np.rint(out * 255).astype(image.dtype)
    return out.astype(image.dtype)
"""),
    Entry("quantise", "truncates", "truncation instead of rounding", False, """
import numpy as np
import skimage.color

def quantise(image, k, colour_space="rgb", random_state=0):
    labels, centres = cluster_pixels(image, k, colour_space, random_state)
    if colour_space == "hsv":
        centres = skimage.color.hsv2rgb(centres[np.newaxis])[0]
    elif colour_space == "lab":
        centres = skimage.color.lab2rgb(centres[np.newaxis])[0]
    out = np.clip(centres[labels], 0, 1)
    if image.dtype == np.uint8:
        return (out * 255).astype(np.uint8)
    return out
"""),
    Entry("quantise", "not_converted_back", "centres painted in their colour space (not back "
          "to RGB)", False, """
import numpy as np

def quantise(image, k, colour_space="rgb", random_state=0):
    labels, centres = cluster_pixels(image, k, colour_space, random_state)
    out = np.clip(centres[labels], 0, 1)
    if image.dtype == np.uint8:
        return np.rint(out * 255).astype(np.uint8)
    return out
"""),
    Entry("quantise", "float_for_uint8", "floats returned for uint8 input", False, """
import numpy as np
import skimage.color

def quantise(image, k, colour_space="rgb", random_state=0):
    labels, centres = cluster_pixels(image, k, colour_space, random_state)
    if colour_space == "hsv":
        centres = skimage.color.hsv2rgb(centres[np.newaxis])[0]
    elif colour_space == "lab":
        centres = skimage.color.lab2rgb(centres[np.newaxis])[0]
    return np.clip(centres[labels], 0, 1)
"""),
    Entry("quantise", "forgets_255", "forgetting * 255 for uint8", False, """
import numpy as np
import skimage.color

def quantise(image, k, colour_space="rgb", random_state=0):
    labels, centres = cluster_pixels(image, k, colour_space, random_state)
    if colour_space == "hsv":
        centres = skimage.color.hsv2rgb(centres[np.newaxis])[0]
    elif colour_space == "lab":
        centres = skimage.color.lab2rgb(centres[np.newaxis])[0]
    out = np.clip(centres[labels], 0, 1)
    return np.rint(out).astype(image.dtype)
"""),
    Entry("quantise", "rgb_means", "clusters painted with their mean RGB pixel, not the centre "
          "converted back", False, """
import numpy as np

def quantise(image, k, colour_space="rgb", random_state=0):
    labels, _ = cluster_pixels(image, k, colour_space, random_state)
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    out = np.zeros_like(rgb, dtype=float)
    for j in range(k):
        if np.any(labels == j):
            out[labels == j] = rgb[labels == j].mean(axis=0)
    if image.dtype == np.uint8:
        return np.rint(out * 255).astype(np.uint8)
    return out
"""),
    Entry("quantise", "rgb_always", "parameter ignored: colour_space", False, """
import numpy as np

def quantise(image, k, colour_space="rgb", random_state=0):
    labels, centres = cluster_pixels(image, k, random_state=random_state)
    out = centres[labels]
    if image.dtype == np.uint8:
        return np.rint(out * 255).astype(np.uint8)
    return out
"""),
    Entry("quantise", "seed_ignored", "random_state ignored", False, """
import numpy as np
import skimage.color

def quantise(image, k, colour_space="rgb", random_state=0):
    labels, centres = cluster_pixels(image, k, colour_space)
    if colour_space == "hsv":
        centres = skimage.color.hsv2rgb(centres[np.newaxis])[0]
    elif colour_space == "lab":
        centres = skimage.color.lab2rgb(centres[np.newaxis])[0]
    out = np.clip(centres[labels], 0, 1)
    if image.dtype == np.uint8:
        return np.rint(out * 255).astype(np.uint8)
    return out
"""),
    Entry("quantise", "palette_not_unpacked", "converted palette left as a (1, k, 3) image",
          False, """
import numpy as np
import skimage.color

def quantise(image, k, colour_space="rgb", random_state=0):
    labels, centres = cluster_pixels(image, k, colour_space, random_state)
    palette = centres
    if colour_space == "hsv":
        palette = skimage.color.hsv2rgb(centres[np.newaxis])
    elif colour_space == "lab":
        palette = skimage.color.lab2rgb(centres[np.newaxis])
    out = np.clip(palette[labels], 0, 1)
    if image.dtype == np.uint8:
        return np.rint(out * 255).astype(np.uint8)
    return out
"""),
    Entry("quantise", "own_kmeans", "k-means set up differently (own KMeans, n_init default)",
          False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def quantise(image, k, colour_space="rgb", random_state=0):
    rgb = image / 255.0 if image.dtype == np.uint8 else image
    to_space = {"rgb": lambda x: x, "hsv": skimage.color.rgb2hsv, "lab": skimage.color.rgb2lab}
    back = {"rgb": lambda x: x, "hsv": skimage.color.hsv2rgb, "lab": skimage.color.lab2rgb}
    pixels = to_space[colour_space](rgb).reshape(-1, 3)
    km = KMeans(n_clusters=k, random_state=random_state).fit(pixels)
    palette = np.clip(back[colour_space](km.cluster_centers_[np.newaxis])[0], 0, 1)
    out = palette[km.labels_].reshape(image.shape)
    if image.dtype == np.uint8:
        return np.rint(out * 255).astype(np.uint8)
    return out
"""),
    # -- correct -------------------------------------------------------------------------------
    Entry("quantise", "loop_over_clusters", "one cluster at a time, img_as_ubyte", True, """
import numpy as np
from skimage import color
from skimage.util import img_as_ubyte

def quantise(image, k, colour_space="rgb", random_state=0):
    labels, centres = cluster_pixels(image, k, colour_space=colour_space,
                                     random_state=random_state)
    if colour_space == "hsv":
        colours = color.hsv2rgb(centres.reshape(1, -1, 3)).reshape(-1, 3)
    elif colour_space == "lab":
        colours = color.lab2rgb(centres.reshape(1, -1, 3)).reshape(-1, 3)
    else:
        colours = centres
    colours = np.clip(colours, 0.0, 1.0)
    out = np.zeros(image.shape, dtype=np.float64)
    for j in range(k):
        out[labels == j] = colours[j]
    return img_as_ubyte(out) if image.dtype == np.uint8 else out.astype(image.dtype)
"""),
    Entry("quantise", "take_and_lut", "np.take of a uint8 palette (rounded once per colour)",
          True, """
import numpy as np
import skimage.color

BACK = {"rgb": lambda c: c, "hsv": skimage.color.hsv2rgb, "lab": skimage.color.lab2rgb}

def quantise(image, k, colour_space="rgb", random_state=0):
    labels, centres = cluster_pixels(image, k, colour_space, random_state)
    palette = np.clip(BACK[colour_space](centres[None]), 0, 1)[0]
    if image.dtype == np.uint8:
        palette = np.round(palette * 255).astype(np.uint8)
    return np.take(palette, labels, axis=0).astype(image.dtype)
"""),
    Entry("quantise", "converters_on_rows", "colour converters applied to the (k, 3) centres "
          "directly", True, """
import numpy as np
from skimage.color import hsv2rgb, lab2rgb

def quantise(image, k, colour_space="rgb", random_state=0):
    labels, centres = cluster_pixels(image, k, colour_space=colour_space,
                                     random_state=random_state)
    if colour_space == "hsv":
        centres = hsv2rgb(centres)
    elif colour_space == "lab":
        centres = lab2rgb(centres)
    painted = np.clip(centres, 0, 1)[labels]
    if image.dtype == np.uint8:
        return np.rint(painted * 255).astype(np.uint8)
    return painted.astype(image.dtype)
"""),
]

ENTRIES = RESIZE + CLUSTER_PIXELS + QUANTISE

#: Issue 19: one wrong entry per new domain row (float32, ties, k above the distinct
#: colours, defaults, k = 1, empty clusters) and correct alternatives of the exact docstrings.
DOMAIN_ROWS = [
    Entry("resize_image", "float32_to_float64", "float32 input returned as float64", False, """
import numpy as np
import skimage.transform

def resize_image(image, size):
    out = skimage.transform.resize(image.astype(np.float64), size, order=1, anti_aliasing=True,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("resize_image", "floor_half_up", "floor(x + 0.5) instead of np.rint (either "
          "neighbour is documented within 1e-6 of .5)", True, """
import numpy as np
import skimage.transform

def resize_image(image, size):
    out = skimage.transform.resize(image, size, order=1, anti_aliasing=True,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.floor(out + 0.5).astype(np.uint8)
    return out.astype(image.dtype)
"""),
    Entry("cluster_pixels", "ties_unbroken", "centres of equal brightness left in k-means' order",
          False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    c = km.cluster_centers_
    light = {"rgb": c.sum(axis=1), "hsv": c[:, 2], "lab": c[:, 0]}[colour_space]
    order = np.argsort(light, kind="stable")
    new = np.empty(k, dtype=np.int64)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), c[order]
"""),
    Entry("cluster_pixels", "k_capped_at_colours", "k lowered to the number of distinct colours "
          "(fewer than k centres)", False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    pixels = rgb.reshape(-1, 3)
    k = min(k, len(np.unique(pixels, axis=0)))
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(pixels)
    c = km.cluster_centers_
    light = {"rgb": c.sum(axis=1), "hsv": c[:, 2], "lab": c[:, 0]}[colour_space]
    order = np.lexsort((c[:, 2], c[:, 1], c[:, 0], light))
    new = np.empty(k, dtype=np.int64)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), c[order]
"""),
    Entry("cluster_pixels", "default_hsv", "a default colour_space other than the signature's",
          False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space=None, random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    colour_space = colour_space or "hsv"
    rgb = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    c = km.cluster_centers_
    light = {"rgb": c.sum(axis=1), "hsv": c[:, 2], "lab": c[:, 0]}[colour_space]
    order = np.lexsort((c[:, 2], c[:, 1], c[:, 0], light))
    new = np.empty(k, dtype=np.int64)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), c[order]
"""),
    Entry("cluster_pixels", "default_seed_none", "random_state defaults to None, not 0", False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=None):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    c = km.cluster_centers_
    light = {"rgb": c.sum(axis=1), "hsv": c[:, 2], "lab": c[:, 0]}[colour_space]
    order = np.lexsort((c[:, 2], c[:, 1], c[:, 0], light))
    new = np.empty(k, dtype=np.int64)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), c[order]
"""),
    Entry("cluster_pixels", "int32_labels_lexsort", "KMeans's int32 labels kept, ties by "
          "np.lexsort", True, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    if np.ndim(image) != 3 or np.shape(image)[2] != 3:
        raise ValueError(f"image must be (H, W, 3); got {np.shape(image)}")
    rgb = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    if colour_space == "hsv":
        rgb = skimage.color.rgb2hsv(rgb)
    elif colour_space == "lab":
        rgb = skimage.color.rgb2lab(rgb)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(rgb.reshape(-1, 3))
    c = km.cluster_centers_
    light = {"rgb": c.sum(axis=1), "hsv": c[:, 2], "lab": c[:, 0]}[colour_space]
    order = np.lexsort((c[:, 2], c[:, 1], c[:, 0], light))
    new = np.empty(k, dtype=np.int32)
    new[order] = np.arange(k, dtype=np.int32)
    return new[labels].reshape(image.shape[:2]), c[order]
"""),
    Entry("quantise", "k1_rgb_mean", "k = 1 answered with the RGB mean whatever the colour space",
          False, """
import numpy as np
import skimage.color

def quantise(image, k, colour_space="rgb", random_state=0):
    rgb = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    if k == 1:
        painted = np.broadcast_to(rgb.reshape(-1, 3).mean(axis=0), rgb.shape)
    else:
        labels, centres = cluster_pixels(image, k, colour_space, random_state)
        palette = centres[np.newaxis]
        if colour_space == "hsv":
            palette = skimage.color.hsv2rgb(palette)
        elif colour_space == "lab":
            palette = skimage.color.lab2rgb(palette)
        painted = np.clip(palette[0], 0, 1)[labels]
    if image.dtype == np.uint8:
        return np.rint(painted * 255).astype(np.uint8)
    return painted.astype(image.dtype)
"""),
    Entry("quantise", "palette_of_used_labels", "palette built from the labels in use (an empty "
          "cluster shifts the colours)", False, """
import numpy as np
import skimage.color

def quantise(image, k, colour_space="rgb", random_state=0):
    labels, centres = cluster_pixels(image, k, colour_space, random_state)
    _, ranks = np.unique(labels, return_inverse=True)   # 0, 1, ... over the labels in use
    palette = centres[np.newaxis]
    if colour_space == "hsv":
        palette = skimage.color.hsv2rgb(palette)
    elif colour_space == "lab":
        palette = skimage.color.lab2rgb(palette)
    painted = np.clip(palette[0], 0, 1)[ranks.reshape(labels.shape)]
    if image.dtype == np.uint8:
        return np.rint(painted * 255).astype(np.uint8)
    return painted.astype(image.dtype)
"""),
    Entry("cluster_pixels", "grey_reshaped", "a grey image accepted: reshape(-1, 3) makes up "
          "colours from neighbouring pixels", False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    image = np.asarray(image)
    rgb = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    values = {"rgb": lambda v: v, "hsv": skimage.color.rgb2hsv,
              "lab": skimage.color.rgb2lab}[colour_space](rgb.reshape(-1, 1, 3))
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(values.reshape(-1, 3))
    c = km.cluster_centers_
    light = {"rgb": c.sum(axis=1), "hsv": c[:, 2], "lab": c[:, 0]}[colour_space]
    order = np.lexsort((c[:, 2], c[:, 1], c[:, 0], light))
    new = np.empty(k, dtype=np.int64)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[0], -1), c[order]
"""),
    Entry("cluster_pixels", "grey_stacked", "a grey image accepted as RGB (np.dstack of three "
          "copies)", False, """
import numpy as np
import skimage.color
from sklearn.cluster import KMeans

def cluster_pixels(image, k, colour_space="rgb", random_state=0):
    image = np.asarray(image)
    if image.ndim == 2:
        image = np.dstack([image] * 3)
    rgb = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    values = {"rgb": lambda v: v, "hsv": skimage.color.rgb2hsv,
              "lab": skimage.color.rgb2lab}[colour_space](rgb)
    km = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    labels = km.fit_predict(values.reshape(-1, 3))
    c = km.cluster_centers_
    light = {"rgb": c.sum(axis=1), "hsv": c[:, 2], "lab": c[:, 0]}[colour_space]
    order = np.lexsort((c[:, 2], c[:, 1], c[:, 0], light))
    new = np.empty(k, dtype=np.int64)
    new[order] = np.arange(k)
    return new[labels].reshape(image.shape[:2]), c[order]
"""),
]

ENTRIES = ENTRIES + DOMAIN_ROWS
