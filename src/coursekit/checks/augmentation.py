"""Contracts of notebook 02 (augmentation): rotate90, rotate, flip, adjust_brightness, adjust_gamma.

Each function checks one named part of one graded function's contract on one
input (see :data:`coursekit.grading.questions.QUESTIONS` for the names and
points) and raises :class:`~coursekit.checks.compare.Mismatch` with feedback
when the answer breaks it.
"""

from __future__ import annotations

import numpy as np
import skimage.transform

from coursekit.checks._registry import contract
from coursekit.checks.compare import (
    LEFT_OUT,
    check_image,
    check_new_array,
    expect_raises,
    given,
    or_default,
)
from coursekit.checks.inputs import random_image, value_scale

__all__ = [
    "rotate90_quarter_turns",
    "rotate90_new_array",
    "rotate_quarter_turns",
    "rotate_any_angle",
    "rotate_mode",
    "rotate_resize",
    "flip_mirrors",
    "flip_unknown_axis",
    "flip_new_array",
    "brightness_values",
    "brightness_rounding",
    "brightness_new_array",
    "gamma_values",
    "gamma_rounding",
    "gamma_new_array",
    "interior_mask",
    "MODES",
]

MODES = ("constant", "edge", "symmetric", "reflect", "wrap")


# -- rotate90 -------------------------------------------------------------------------------
_ROT90_HINT = (
    "np.rot90(image, k) turns counter-clockwise for k > 0 (clockwise for k < 0) and keeps the "
    "channel axis last; a quarter turn of an H x W image is W x H."
)


@contract(
    "rotate90",
    "quarter_turns",
    quick=[
        {"image": np.array([[1, 2], [3, 4]], dtype=np.uint8), "k": 1},
        {"image": random_image(1, (2, 3, 3), np.uint8), "k": -1},
        {"image": random_image(2, (3, 2), np.float64), "k": 2},
        {"image": random_image(3, (2, 3), np.uint8), "k": 7},
    ],
)
def rotate90_quarter_turns(rotate90, image, k=LEFT_OUT):
    """``rotate90(image, k)`` equals ``np.rot90(image, k)`` exactly (k left out: 1)."""
    got = rotate90(image, **given(k=k))
    check_image(
        got,
        np.rot90(image, or_default(k, 1), axes=(0, 1)).astype(np.float64),
        {"image": image, "k": k},
        dtype=image.dtype,
        float_tol=0.0,
        hint=_ROT90_HINT,
        input_image=image,
    )


@contract(
    "rotate90",
    "new_array",
    quick=[
        {"image": random_image(4, (3, 3), np.uint8), "k": 1},
        {"image": random_image(5, (2, 3, 3), np.float64), "k": 4},
    ],
)
def rotate90_new_array(rotate90, image, k):
    """The result of ``rotate90`` is a new array and the input is unchanged."""
    check_new_array(rotate90.call(image, k), {"image": image, "k": k})


# -- rotate ---------------------------------------------------------------------------------
_ROTATE_HINT = (
    "angles are degrees counter-clockwise (like skimage.transform.rotate and np.rot90); "
    "multiples of 90 must be exact quarter turns (your rotate90); any other angle: "
    "skimage.transform.rotate(image, angle, resize=resize, mode=mode, order=1, "
    "preserve_range=True), then the input's dtype back (np.rint for uint8)."
)


def _rotated(image, angle, mode, resize) -> np.ndarray:
    """The exact (unrounded) rotation, on the scale of the result."""
    rotated = skimage.transform.rotate(
        image.astype(np.float64), angle, resize=resize, mode=mode, order=1, preserve_range=True
    )
    return np.clip(rotated, 0.0, value_scale(image))


def interior_mask(shape_in, shape_out, angle, margin=1.0) -> np.ndarray:
    """Output pixels whose source point lies at least ``margin`` pixels inside the input.

    There the result does not depend on ``mode`` (no corner is filled).
    """
    rows, cols = np.indices(shape_out[:2], dtype=np.float64)
    ro, co = (shape_out[0] - 1) / 2, (shape_out[1] - 1) / 2
    ri, ci = (shape_in[0] - 1) / 2, (shape_in[1] - 1) / 2
    a = np.deg2rad(angle)
    # Counter-clockwise on screen (rows point down): invert the rotation for the source point.
    src_c = np.cos(a) * (cols - co) - np.sin(a) * (rows - ro) + ci
    src_r = np.sin(a) * (cols - co) + np.cos(a) * (rows - ro) + ri
    return (
        (src_r >= margin)
        & (src_r <= shape_in[0] - 1 - margin)
        & (src_c >= margin)
        & (src_c <= shape_in[1] - 1 - margin)
    )


@contract(
    "rotate",
    "quarter_turns",
    quick=[
        {"image": np.arange(6, dtype=np.uint8).reshape(2, 3), "angle": 90, "mode": "reflect",
         "resize": False},
        {"image": random_image(6, (3, 4, 3), np.float64), "angle": -90, "mode": "constant",
         "resize": True},
        {"image": random_image(7, (2, 5), np.uint8), "angle": 540, "mode": "edge", "resize": False},
    ],
)  # fmt: skip
def rotate_quarter_turns(rotate, image, angle, mode=LEFT_OUT, resize=LEFT_OUT):
    """Multiples of 90 degrees are exact quarter turns, whatever ``mode`` and ``resize``.

    Whether the result is a new array is not checked here: a rotate that delegates quarter
    turns to the student's rotate90, as the notebook suggests, would pay twice for a rotate90
    that returns a view (rotate90's own new_array check charges it once).
    """
    got = rotate(image, angle, **given(mode=mode, resize=resize))
    check_image(
        got,
        np.rot90(image, int(round(angle / 90)), axes=(0, 1)).astype(np.float64),
        {"image": image, "angle": angle, "mode": mode, "resize": resize},
        dtype=image.dtype,
        float_tol=0.0,
        hint=_ROTATE_HINT,
        input_image=image,
    )


@contract(
    "rotate",
    "any_angle",
    quick=[
        {"image": random_image(8, (9, 11, 3), np.uint8), "angle": 30.0, "mode": "reflect"},
        {"image": random_image(9, (10, 10), np.float64), "angle": -45.0, "mode": "edge"},
        {"image": random_image(10, (8, 12), np.uint8), "angle": 12.5, "mode": "constant"},
    ],
)
def rotate_any_angle(rotate, image, angle, mode="reflect"):
    """Other angles: bilinear rotation about the centre; compared away from the corners."""
    inputs = {"image": image, "angle": angle, "mode": mode}
    got = rotate(image, angle, mode=mode)
    exact = _rotated(image, angle, mode, False)
    check_image(
        got,
        exact,
        inputs,
        dtype=image.dtype,
        mask=interior_mask(image.shape, exact.shape, angle),
        hint=_ROTATE_HINT,
        input_image=image,
        what="values away from the corners",
    )


@contract(
    "rotate",
    "mode",
    quick=[
        {"image": random_image(11, (8, 10), np.float64), "angle": 30.0, "mode": mode}
        for mode in MODES
    ],
)
def rotate_mode(rotate, image, angle, mode=LEFT_OUT):
    """The corners uncovered by the rotation are filled as ``mode`` says (left out: reflect)."""
    inputs = {"image": image, "angle": angle, "mode": mode}
    got = rotate(image, angle, **given(mode=mode))
    mode = or_default(mode, "reflect")
    check_image(
        got,
        _rotated(image, angle, mode, False),
        inputs,
        dtype=image.dtype,
        hint=(
            f"pass mode={mode!r} on to skimage.transform.rotate: 'constant' fills the corners "
            "with black (0), 'edge' repeats the border pixels, 'reflect' and 'symmetric' mirror "
            "the image, 'wrap' tiles it."
        ),
        input_image=image,
        what="values (corners included)",
    )


@contract(
    "rotate",
    "resize",
    quick=[
        {"image": random_image(12, (6, 10, 3), np.uint8), "angle": 30.0, "mode": "reflect"},
        {"image": random_image(13, (7, 7), np.float64), "angle": 45.0, "mode": "constant"},
    ],
)
def rotate_resize(rotate, image, angle, mode="reflect"):
    """``resize=True`` makes the canvas large enough for the whole rotated image."""
    inputs = {"image": image, "angle": angle, "mode": mode, "resize": True}
    got = rotate(image, angle, mode=mode, resize=True)
    check_image(
        got,
        _rotated(image, angle, mode, True),
        inputs,
        dtype=image.dtype,
        hint="pass resize on to skimage.transform.rotate: with resize=True the output is larger "
        "than the input, so that no corner of the image is cut off.",
        input_image=image,
    )


# -- flip -----------------------------------------------------------------------------------
_FLIP_HINT = (
    '"horizontal" mirrors left-right (reverse the columns, np.fliplr); "vertical" turns the '
    "image upside down (reverse the rows, np.flipud)."
)


@contract(
    "flip",
    "mirrors",
    quick=[
        {"image": np.array([[1, 2], [3, 4]], dtype=np.uint8), "axis": "horizontal"},
        {"image": np.array([[1, 2], [3, 4]], dtype=np.uint8), "axis": "vertical"},
        {"image": random_image(14, (2, 3, 3), np.float64), "axis": "horizontal"},
    ],
)
def flip_mirrors(flip, image, axis):
    """``"horizontal"`` equals ``np.fliplr``, ``"vertical"`` equals ``np.flipud``, exactly."""
    expected = np.fliplr(image) if axis == "horizontal" else np.flipud(image)
    check_image(
        flip(image, axis),
        expected.astype(np.float64),
        {"image": image, "axis": axis},
        dtype=image.dtype,
        float_tol=0.0,
        hint=_FLIP_HINT,
        input_image=image,
    )


@contract(
    "flip",
    "unknown_axis",
    quick=[
        {"image": np.zeros((2, 2), np.uint8), "axis": axis}
        for axis in ("diagonal", 1, "Horizontal")
    ],
)
def flip_unknown_axis(flip, image, axis):
    """Any other ``axis`` raises ``ValueError``."""
    expect_raises(
        flip,
        "ValueError",
        {"image": image, "axis": axis},
        image,
        axis,
        hint='end with raise ValueError(f"axis must be \'horizontal\' or \'vertical\'; got '
        '{axis!r}"), so that a typo is reported instead of silently doing the other flip.',
    )


@contract(
    "flip",
    "new_array",
    quick=[
        {"image": random_image(15, (3, 4), np.uint8), "axis": a}
        for a in ("horizontal", "vertical")
    ]
    + [{"image": random_image(18, (3, 1), np.uint8), "axis": "horizontal"}],
)
def flip_new_array(flip, image, axis):
    """The result of ``flip`` is a new array and the input is unchanged."""
    check_new_array(flip.call(image, axis), {"image": image, "axis": axis})


# -- brightness and gamma ---------------------------------------------------------------------
def _on_unit_scale(image) -> np.ndarray:
    return image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)


def _check_pointwise(function, image, parameter, value, exact_unit, hint, variants=None):
    inputs = {"image": image, parameter: value}
    got = function(image, value)
    scale = value_scale(image)
    check_image(
        got,
        exact_unit * scale,
        inputs,
        dtype=image.dtype,
        hint=hint,
        input_image=image,
        variants={h: v * scale for h, v in (variants or {}).items()},
    )


def _gamma_variants(image, gamma) -> dict:
    """Mistaken gammas, each named only when it alone reproduces the answer."""
    unit = np.clip(_on_unit_scale(image), 0.0, 1.0)
    return {
        "you used 1 / gamma: the power law is out = value ** gamma (gamma > 1 darkens)":
            unit ** (1.0 / gamma),
        "you applied the power to the 0..255 values: divide a uint8 image by 255 first, then "
        "out = value ** gamma, then * 255": np.clip(
            (unit * 255.0) ** gamma / 255.0, 0.0, 1.0),
    }  # fmt: skip


def _brightness_variants(image, factor) -> dict:
    unit = _on_unit_scale(image)
    variants = {
        "values above 1 (white) must be clipped: np.clip(value * factor, 0, 1)": unit * factor,
    }
    if factor:
        variants["you divided by factor: the result is value * factor"] = np.clip(
            unit / factor, 0.0, 1.0
        )
    return variants


_BRIGHTNESS_HINT = (
    "multiply every value by factor on the [0, 1] scale (uint8 / 255 first), clip to [0, 1], "
    "then give the result the input's dtype back (uint8: np.rint(x * 255).astype(np.uint8))."
)
_GAMMA_HINT = (
    "out = image ** gamma on the [0, 1] scale (uint8 / 255 first); gamma > 1 darkens the mid "
    "tones, gamma < 1 brightens them; then give the result the input's dtype back."
)


@contract(
    "adjust_brightness",
    "values",
    quick=[
        {"image": np.array([[0.0, 0.25, 0.5, 1.0]]), "factor": 1.2},
        {"image": random_image(16, (3, 3, 3), np.float64), "factor": 0.5},
    ],
)
def brightness_values(adjust_brightness, image, factor):
    """Values multiplied by ``factor`` on the [0, 1] scale and clipped."""
    exact = np.clip(_on_unit_scale(image) * factor, 0.0, 1.0)
    _check_pointwise(adjust_brightness, image, "factor", factor, exact, _BRIGHTNESS_HINT,
                     _brightness_variants(image, factor))


@contract(
    "adjust_brightness",
    "rounding",
    quick=[
        {"image": np.array([[0, 100, 200]], dtype=np.uint8), "factor": 1.2},
        {"image": np.array([[3, 7, 101, 254]], dtype=np.uint8), "factor": 0.55},
        {"image": np.array([[0, 1], [1, 0]], dtype=np.uint8), "factor": 40.0},
    ],
)
def brightness_rounding(adjust_brightness, image, factor):
    """uint8 results are rounded to the nearest integer."""
    exact = np.clip(_on_unit_scale(image) * factor, 0.0, 1.0)
    _check_pointwise(adjust_brightness, image, "factor", factor, exact, _BRIGHTNESS_HINT,
                     _brightness_variants(image, factor))


@contract(
    "adjust_brightness",
    "new_array",
    quick=[
        {"image": np.array([[0.2, 0.4], [0.6, 0.8]]), "factor": 1.5},
        {"image": np.array([[0.2, 0.4]]), "factor": 1.0},
        {"image": np.array([[20, 40]], dtype=np.uint8), "factor": 2.0},
    ],
)
def brightness_new_array(adjust_brightness, image, factor):
    """A new array; the input is not changed in place."""
    check_new_array(adjust_brightness.call(image, factor), {"image": image, "factor": factor})


@contract(
    "adjust_gamma",
    "values",
    quick=[
        {"image": np.array([[0.0, 0.25, 1.0]]), "gamma": 0.5},
        {"image": random_image(17, (3, 3, 3), np.float64), "gamma": 2.2},
    ],
)
def gamma_values(adjust_gamma, image, gamma):
    """``value ** gamma`` on the [0, 1] scale."""
    exact = np.clip(_on_unit_scale(image) ** gamma, 0.0, 1.0)
    _check_pointwise(adjust_gamma, image, "gamma", gamma, exact, _GAMMA_HINT,
                     _gamma_variants(image, gamma))


@contract(
    "adjust_gamma",
    "rounding",
    quick=[
        {"image": np.array([[0, 64, 255]], dtype=np.uint8), "gamma": 2.0},
        {"image": np.array([[5, 50, 100, 200]], dtype=np.uint8), "gamma": 0.45},
        {"image": np.array([[0, 1], [1, 0]], dtype=np.uint8), "gamma": 0.5},
    ],
)
def gamma_rounding(adjust_gamma, image, gamma):
    """uint8 results are rounded to the nearest integer."""
    exact = np.clip(_on_unit_scale(image) ** gamma, 0.0, 1.0)
    _check_pointwise(adjust_gamma, image, "gamma", gamma, exact, _GAMMA_HINT,
                     _gamma_variants(image, gamma))


@contract(
    "adjust_gamma",
    "new_array",
    quick=[
        {"image": np.array([[0.2, 0.4], [0.6, 0.8]]), "gamma": 2.0},
        {"image": np.array([[0.2, 0.4]]), "gamma": 1.0},
        {"image": np.array([[20, 40]], dtype=np.uint8), "gamma": 0.5},
    ],
)
def gamma_new_array(adjust_gamma, image, gamma):
    """A new array; the input is not changed in place."""
    check_new_array(adjust_gamma.call(image, gamma), {"image": image, "gamma": gamma})
