"""Data augmentation for small imaging data sets: geometry, colour, blur, noise, pipelines.

Every function takes an ``(H, W)`` grey or ``(H, W, 3)`` RGB image, ``uint8``
in [0, 255] or float in [0, 1], and returns a new image of the same dtype and
range. Angles are degrees counter-clockwise; sizes are ``(height, width)`` in
pixels; every random function takes ``random_state``.

Modules
-------
geometry  resize_image, rotate90, rotate, flip, random_crop
colour    adjust_brightness, adjust_contrast, adjust_gamma, adjust_saturation,
          adjust_hue, colour_constancy
filters   gaussian_blur, add_noise
pipeline  Step, Pipeline, default_pipeline, augment_dataset
warmup    warm_up

The hot loops run as numba-compiled kernels when numba is installed (set
``COURSEKIT_NO_NUMBA=1`` for the numpy code, which gives the same results);
``warm_up()`` compiles or loads them all at once.
"""

from coursekit.augment.colour import (
    adjust_brightness,
    adjust_contrast,
    adjust_gamma,
    adjust_hue,
    adjust_saturation,
    colour_constancy,
)
from coursekit.augment.filters import add_noise, gaussian_blur
from coursekit.augment.geometry import flip, random_crop, resize_image, rotate, rotate90
from coursekit.augment.pipeline import (
    TRANSFORMS,
    AppliedStep,
    Pipeline,
    Step,
    augment_dataset,
    default_pipeline,
)
from coursekit.augment.warmup import warm_up

__all__ = [
    "resize_image",
    "rotate90",
    "rotate",
    "flip",
    "random_crop",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_gamma",
    "adjust_saturation",
    "adjust_hue",
    "colour_constancy",
    "gaussian_blur",
    "add_noise",
    "Step",
    "AppliedStep",
    "Pipeline",
    "default_pipeline",
    "augment_dataset",
    "TRANSFORMS",
    "warm_up",
]
