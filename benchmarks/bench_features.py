"""Time the clustering notebook's steps on a notebook-sized set: 700 RGB images of 64 x 64.

The course notebooks must run in under 60 s on 2 cores; this prints the seconds each
coursekit.features / coursekit.cluster step takes, so that their sum can be read against
that budget. Images are random smooth colour fields (the timing does not depend on content).
"""

from __future__ import annotations

import sys
import time

import numpy as np
from scipy import ndimage

from coursekit import cluster, features

N_IMAGES = 700
SIZE = 64


def _images(n=N_IMAGES, size=SIZE, seed=0):
    rng = np.random.default_rng(seed)
    noise = rng.random((n, size, size, 3))
    smooth = ndimage.gaussian_filter(noise, sigma=(0, 3, 3, 0))
    smooth = (smooth - smooth.min()) / (smooth.max() - smooth.min())
    return np.rint(smooth * 255).astype(np.uint8)


def _time(label, function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label:<52} {seconds:7.2f} s", flush=True)
    return result, seconds


def main() -> int:
    images = _images()
    print(f"{N_IMAGES} images of {SIZE} x {SIZE} x 3, uint8\n")
    total = 0.0
    for kind in features.FEATURE_KINDS:
        _, seconds = _time(
            f"extract_features {kind}", features.extract_features, images, kind, progress=False
        )
        total += seconds
    _time(
        "extract_features all kinds, n_jobs=2 (cold workers)",
        features.extract_features,
        images,
        list(features.FEATURE_KINDS),
        n_jobs=2,
        progress=False,
    )
    _time(
        "extract_features all kinds, n_jobs=2 (warm workers)",
        features.extract_features,
        images,
        list(features.FEATURE_KINDS),
        n_jobs=2,
        progress=False,
    )
    colour = features.extract_features(images, progress=False)
    scaled, _ = features.standardise(colour)
    steps = [
        ("choose_k ks=2..10 (colour histograms)", cluster.choose_k, (scaled,), {}),
        ("cluster_images kmeans k=7", cluster.cluster_images, (scaled, 7, "kmeans"), {}),
        (
            "cluster_images agglomerative k=7",
            cluster.cluster_images,
            (scaled, 7, "agglomerative"),
            {},
        ),
        ("cluster_images gmm k=7", cluster.cluster_images, (scaled, 7, "gmm"), {}),
        ("cluster_images dbscan min_samples=5", cluster.cluster_images, (scaled, 5, "dbscan"), {}),
        ("reduce_dimensions pca", features.reduce_dimensions, (scaled,), {}),
        ("reduce_dimensions tsne", features.reduce_dimensions, (scaled,), {"method": "tsne"}),
        ("random_baseline 100 repeats", cluster.random_baseline, (np.arange(N_IMAGES) % 7, 7), {}),
    ]
    for label, function, args, kwargs in steps:
        total += _time(label, function, *args, **kwargs)[1]
    big = _images(n=1, size=512)[0][:450, :]
    for label, function in [
        ("cluster_pixels k=3 lab, 450 x 512 image", cluster.cluster_pixels),
        ("segment_lesion k=2 lab, 450 x 512 image", cluster.segment_lesion),
    ]:
        total += _time(label, function, big, *([3, "lab"] if "k=3" in label else []))[1]
    print(f"\n{'sum of single-process steps':<52} {total:7.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
