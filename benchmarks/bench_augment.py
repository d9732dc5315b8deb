"""Augmentation throughput (images/s) of coursekit.augment beside plain numpy / scikit-image.

Each transform runs on uint8 RGB images of 64 x 64 (the course's thumbnails) and
450 x 600 (HAM10000's full size), beside the call a student would otherwise write.
The numpy baselines ``np.rot90`` and ``np.fliplr`` return views (no pixel is
copied); coursekit returns new arrays. The scikit-image baselines return float64
images; coursekit converts back to uint8 (rounded), which is included in its time.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import skimage.color
import skimage.filters
import skimage.transform
import skimage.util

from coursekit import augment

SIZES = {"64x64": (64, 64, 3), "450x600": (450, 600, 3)}


def _images_per_second(function, image, min_seconds=0.2, rounds=3) -> float:
    """Best of ``rounds`` timings, each of enough calls to last ``min_seconds``."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            function(image)
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            break
        calls *= 2
    best = elapsed
    for _ in range(rounds - 1):
        start = time.perf_counter()
        for _ in range(calls):
            function(image)
        best = min(best, time.perf_counter() - start)
    return calls / best


def _plain_colour_jitter(image):
    """Brightness, contrast, saturation and hue with numpy and skimage.color (HSV)."""
    values = skimage.util.img_as_float(image) * 1.1
    mean = skimage.color.rgb2gray(np.clip(values, 0, 1)).mean()
    values = np.clip(mean + 0.9 * (values - mean), 0, 1)
    hsv = skimage.color.rgb2hsv(values)
    hsv[..., 1] = np.clip(hsv[..., 1] * 1.1, 0, 1)
    hsv[..., 0] = (hsv[..., 0] + 0.02) % 1.0
    return skimage.util.img_as_ubyte(skimage.color.hsv2rgb(hsv))


def _coursekit_colour_jitter(image):
    image = augment.adjust_brightness(image, 1.1)
    image = augment.adjust_contrast(image, 0.9)
    image = augment.adjust_saturation(image, 1.1)
    return augment.adjust_hue(image, 0.02)


def _plain_pipeline(rng):
    """The default pipeline's steps and probabilities written with numpy and scikit-image."""

    def run(image):
        image = np.rot90(image, rng.integers(4))
        if rng.random() < 0.5:
            image = np.fliplr(image)
        if rng.random() < 0.5:
            image = skimage.transform.rotate(image, rng.uniform(-15, 15), mode="reflect")
        image = _plain_colour_jitter(image)
        if rng.random() < 0.2:
            image = skimage.filters.gaussian(image, rng.uniform(0, 1), channel_axis=-1)
        if rng.random() < 0.2:
            image = skimage.util.random_noise(image, var=rng.uniform(0, 0.02) ** 2, rng=rng)
        return skimage.util.img_as_ubyte(image)

    return run


def _coursekit_pipeline(rng):
    pipeline = augment.default_pipeline()
    return lambda image: pipeline(image, random_state=rng)


def _cases():
    """(name, coursekit function, baseline name, baseline function) for every row."""
    return [
        ("rotate 90", lambda im: augment.rotate(im, 90), "np.rot90 (view)", np.rot90),
        (
            "rotate 30",
            lambda im: augment.rotate(im, 30),
            "skimage rotate",
            lambda im: skimage.transform.rotate(im, 30, mode="reflect", preserve_range=True),
        ),
        (
            "flip",
            lambda im: augment.flip(im, "horizontal"),
            "np.fliplr (view)",
            np.fliplr,
        ),
        ("colour jitter", _coursekit_colour_jitter, "skimage HSV", _plain_colour_jitter),
        (
            "default pipeline",
            _coursekit_pipeline(np.random.default_rng(0)),
            "numpy+skimage chain",
            _plain_pipeline(np.random.default_rng(0)),
        ),
    ]


def _augment_dataset_rate(n_jobs, n_images=400):
    images = np.random.default_rng(0).integers(0, 256, size=(n_images, 64, 64, 3), dtype=np.uint8)
    labels = np.zeros(n_images)
    augment.augment_dataset(images[:8], labels[:8], n_jobs=n_jobs)  # start workers untimed
    start = time.perf_counter()
    augment.augment_dataset(images, labels, copies=1, n_jobs=n_jobs)
    return n_images / (time.perf_counter() - start)


def main() -> int:
    rng = np.random.default_rng(0)
    header = (
        f"{'transform':<17} {'size':<8} {'coursekit img/s':>16} {'baseline img/s':>15}  baseline"
    )
    print(header)
    print("-" * (len(header) + 12))
    for name, ours, baseline_name, baseline in _cases():
        for size_name, shape in SIZES.items():
            image = rng.integers(0, 256, size=shape, dtype=np.uint8)
            ours_rate = _images_per_second(ours, image)
            base_rate = _images_per_second(baseline, image)
            print(
                f"{name:<17} {size_name:<8} {ours_rate:16,.0f} {base_rate:15,.0f}  {baseline_name}"
            )
    print()
    for n_jobs in (1, 2):
        rate = _augment_dataset_rate(n_jobs)
        print(f"augment_dataset, default pipeline, 400 x 64x64, n_jobs={n_jobs}: {rate:,.0f} img/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
