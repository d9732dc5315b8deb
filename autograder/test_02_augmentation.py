"""Hidden tests of assignment 02-augmentation: rotate90, rotate, flip, brightness, gamma."""

import numpy as np
import pytest
from _checks import GRADING, assert_image_close, images, run
from hypothesis import given
from hypothesis import strategies as st

from coursekit import augment


@pytest.mark.points(2)
def test_rotate90(student):
    """rotate90 was compared with np.rot90 on random grey and RGB images (uint8 and float,
    1x1 to 16x16, square and not) for k = -5 ... 5; results must be identical."""
    rotate90 = student.function("rotate90")

    @GRADING
    @given(image=images(), k=st.integers(-5, 5))
    def check(image, k):
        assert_image_close(
            rotate90(image, k),
            augment.rotate90(image, k),
            {"image": image, "k": k},
            uint8_levels=0,
            float_tol=0.0,
            input_image=image,
            hint="np.rot90(image, k) turns counter-clockwise (k > 0) and keeps the channel axis "
            "last; a quarter turn of an H x W image is W x H.",
        )

    run(check, student)


def _interior(shape_in, shape_out, angle, margin=1.0):
    """Output pixels whose source point lies at least ``margin`` pixels inside the input."""
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


@pytest.mark.points(3)
def test_rotate(student):
    """rotate was compared with the reference on random grey and RGB images (uint8 and float,
    1x1 to 16x16) for multiples of 90 degrees (must be exact, shape swapped) and other angles
    (compared away from the border, within 1 grey level for 99% of values and 2 for all), with
    every mode and with resize True and False."""
    rotate = student.function("rotate")
    quarter = st.sampled_from([-270.0, -180.0, -90.0, 0.0, 90.0, 180.0, 270.0, 360.0, 450.0])
    other = st.integers(-1800, 1800).map(lambda a: a / 10).filter(lambda a: a % 90 != 0)

    @GRADING
    @given(
        image=images(),
        angle=st.one_of(quarter, other),
        mode=st.sampled_from(["reflect", "constant", "edge", "symmetric", "wrap"]),
        resize=st.booleans(),
    )
    def check(image, angle, mode, resize):
        expected = augment.rotate(image, angle, mode=mode, resize=resize)
        got = rotate(image, angle, mode=mode, resize=resize)
        inputs = {"image": image, "angle": angle, "mode": mode, "resize": resize}
        hint = (
            "angles are degrees counter-clockwise (like skimage.transform.rotate and "
            "np.rot90); multiples of 90 must be exact quarter turns (np.rot90)."
        )
        if angle % 90 == 0:
            assert_image_close(
                got, expected, inputs, uint8_levels=0, float_tol=0.0, hint=hint, input_image=image
            )
        else:
            mask = _interior(image.shape, expected.shape, angle)
            assert_image_close(
                got,
                expected,
                inputs,
                uint8_levels=1,
                float_tol=None,
                within_share=0.99,
                loose_levels=2,
                mask=mask,
                hint=hint,
                input_image=image,
            )

    run(check, student)


@pytest.mark.points(2)
def test_flip(student):
    """flip was compared with np.fliplr ("horizontal") and np.flipud ("vertical") on random grey
    and RGB images (uint8 and float, 1x1 to 16x16); results must be identical."""
    flip = student.function("flip")

    @GRADING
    @given(image=images(), axis=st.sampled_from(["horizontal", "vertical"]))
    def check(image, axis):
        assert_image_close(
            flip(image, axis),
            augment.flip(image, axis),
            {"image": image, "axis": axis},
            uint8_levels=0,
            float_tol=0.0,
            input_image=image,
            hint='"horizontal" mirrors left-right (reverse the columns, np.fliplr); "vertical" '
            "turns the image upside down (reverse the rows, np.flipud).",
        )

    run(check, student)


@pytest.mark.points(2)
def test_adjust_brightness(student):
    """adjust_brightness was compared with the reference on random grey and RGB images (uint8
    and float) for factors 0 ... 3; uint8 within 1 grey level, float within 1e-6."""
    adjust_brightness = student.function("adjust_brightness")

    @GRADING
    @given(image=images(), factor=st.integers(0, 300).map(lambda f: f / 100))
    def check(image, factor):
        assert_image_close(
            adjust_brightness(image, factor),
            augment.adjust_brightness(image, factor),
            {"image": image, "factor": factor},
            input_image=image,
            hint="multiply every value by factor in float [0, 1] (uint8 / 255), clip to [0, 1], "
            "then convert back to the input's dtype (uint8: round).",
        )

    run(check, student)


@pytest.mark.points(2)
def test_adjust_gamma(student):
    """adjust_gamma was compared with the reference on random grey and RGB images (uint8 and
    float) for gamma 0.2 ... 5; uint8 within 1 grey level, float within 1e-6."""
    adjust_gamma = student.function("adjust_gamma")

    @GRADING
    @given(image=images(), gamma=st.integers(20, 500).map(lambda g: g / 100))
    def check(image, gamma):
        assert_image_close(
            adjust_gamma(image, gamma),
            augment.adjust_gamma(image, gamma),
            {"image": image, "gamma": gamma},
            input_image=image,
            hint="out = image ** gamma on float values in [0, 1] (uint8 / 255 first); gamma > 1 "
            "darkens the mid tones, gamma < 1 brightens them.",
        )

    run(check, student)
