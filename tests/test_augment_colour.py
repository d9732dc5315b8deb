"""Tests of coursekit.augment.colour: brightness, contrast, gamma, saturation, hue, constancy."""

import numpy as np
import pytest
import skimage.color
import skimage.exposure
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from coursekit.augment import (
    adjust_brightness,
    adjust_contrast,
    adjust_gamma,
    adjust_hue,
    adjust_saturation,
    colour_constancy,
)


@st.composite
def images(draw, rgb_only=False, dtypes=("uint8", "float64", "float32")):
    """Small grey or RGB images, uint8 or float in [0, 1]."""
    height = draw(st.integers(1, 6))
    width = draw(st.integers(1, 6))
    shapes = [(height, width, 3)] if rgb_only else [(height, width), (height, width, 3)]
    shape = draw(st.sampled_from(shapes))
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    if dtype == np.uint8:
        elements = st.integers(0, 255)
    else:
        elements = st.floats(0.0, 1.0, width=dtype.itemsize * 8)
    return draw(hnp.arrays(dtype, shape, elements=elements))


def _random_rgb(shape=(12, 17, 3), seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=shape).astype(np.uint8)


NEUTRAL = [
    (adjust_brightness, 1.0, False),
    (adjust_contrast, 1.0, False),
    (adjust_gamma, 1.0, False),
    (adjust_saturation, 1.0, True),
    (adjust_hue, 0.0, True),
]


@pytest.mark.parametrize(("function", "neutral", "rgb_only"), NEUTRAL)
@given(data=st.data())
def test_neutral_settings_return_an_exact_copy(function, neutral, rgb_only, data):
    image = data.draw(images(rgb_only=rgb_only))
    result = function(image, neutral)
    assert result.dtype == image.dtype
    np.testing.assert_array_equal(result, image)
    assert not np.shares_memory(result, image)


ADJUSTMENTS = [
    (adjust_brightness, st.floats(0.0, 3.0), False),
    (adjust_contrast, st.floats(0.0, 3.0), False),
    (adjust_gamma, st.floats(0.1, 5.0), False),
    (adjust_saturation, st.floats(0.0, 3.0), True),
    (adjust_hue, st.floats(-0.5, 0.5), True),
    (colour_constancy, st.floats(1.0, 12.0), True),
]


@pytest.mark.parametrize(("function", "parameters", "rgb_only"), ADJUSTMENTS)
@given(data=st.data())
def test_dtype_and_range_are_kept_and_uint8_agrees_with_float(
    function, parameters, rgb_only, data
):
    image = data.draw(images(rgb_only=rgb_only, dtypes=("uint8",)))
    parameter = data.draw(parameters)
    from_uint8 = function(image, parameter)
    from_float = function(image / 255.0, parameter)
    from_float32 = function((image / 255.0).astype(np.float32), parameter)
    assert from_uint8.dtype == np.uint8 and from_uint8.shape == image.shape
    assert from_float.dtype == np.float64 and from_float32.dtype == np.float32
    assert from_float.min() >= 0.0 and from_float.max() <= 1.0
    # uint8 results are the float results rounded to the nearest level.
    np.testing.assert_allclose(from_uint8 / 255.0, from_float, atol=0.5 / 255 + 1e-9)
    np.testing.assert_allclose(from_float32, from_float, atol=1e-5)


@pytest.mark.parametrize(("function", "parameters", "rgb_only"), ADJUSTMENTS)
def test_adjustments_never_modify_their_input(function, parameters, rgb_only):
    image = _random_rgb() / 255.0
    before = image.copy()
    parameter = {colour_constancy: 6.0, adjust_hue: 0.2, adjust_gamma: 0.5}.get(function, 1.5)
    assert not np.array_equal(function(image, parameter), before)
    np.testing.assert_array_equal(image, before)


# --- brightness -----------------------------------------------------------------------------


def test_brightness_multiplies_and_clips():
    image = np.array([[0.0, 0.25, 0.5, 0.9]])
    np.testing.assert_allclose(adjust_brightness(image, 1.2), [[0.0, 0.3, 0.6, 1.0]])
    np.testing.assert_array_equal(adjust_brightness(image, 0.0), np.zeros_like(image))


def test_brightness_rounds_uint8_to_the_nearest_level():
    image = np.array([[1, 3, 5, 255]], dtype=np.uint8)
    # 1.5, 4.5, 7.5 become 2, 4 (round half to even), 8; 382.5 is clipped to 255.
    np.testing.assert_array_equal(adjust_brightness(image, 1.5), [[2, 4, 8, 255]])


@pytest.mark.parametrize("factor", [-0.1, float("nan"), float("inf")])
def test_brightness_rejects_negative_or_non_finite_factors(factor):
    with pytest.raises(ValueError, match="factor must be"):
        adjust_brightness(np.zeros((2, 2)), factor)


# --- contrast -------------------------------------------------------------------------------


def test_contrast_zero_gives_the_mean_luminance_with_bt601_weights():
    image = np.zeros((2, 2, 3))
    image[0, 0] = [1.0, 0.0, 0.0]
    image[0, 1] = [0.0, 1.0, 0.0]
    image[1, 0] = [0.0, 0.0, 1.0]
    mean = (0.299 + 0.587 + 0.114) / 4
    np.testing.assert_allclose(adjust_contrast(image, 0.0), np.full((2, 2, 3), mean))


def test_contrast_scales_distances_from_the_mean_and_clips():
    image = np.array([[0.2, 0.4, 0.6]])
    np.testing.assert_allclose(adjust_contrast(image, 2.0), [[0.0, 0.4, 0.8]])
    np.testing.assert_allclose(adjust_contrast(image, 4.0), [[0.0, 0.4, 1.0]])


def test_contrast_keeps_the_mean_luminance_when_nothing_is_clipped():
    image = (_random_rgb() / 255.0) * 0.5 + 0.25
    adjusted = adjust_contrast(image, 0.5)
    weights = np.array([0.299, 0.587, 0.114])
    assert (adjusted @ weights).mean() == pytest.approx((image @ weights).mean())
    assert adjusted.std() < image.std()


# --- gamma ----------------------------------------------------------------------------------


@pytest.mark.parametrize("gamma", [0.3, 0.5, 1.7, 2.2, 4.0])
def test_gamma_matches_skimage(gamma):
    image = _random_rgb()
    np.testing.assert_array_equal(
        adjust_gamma(image, gamma), skimage.exposure.adjust_gamma(image, gamma)
    )
    as_float = image / 255.0
    np.testing.assert_allclose(
        adjust_gamma(as_float, gamma), skimage.exposure.adjust_gamma(as_float, gamma)
    )


def test_gamma_below_one_brightens_and_keeps_black_and_white():
    image = np.array([[0.0, 0.25, 0.5, 1.0]])
    brighter = adjust_gamma(image, 0.5)
    np.testing.assert_allclose(brighter, [[0.0, 0.5, np.sqrt(0.5), 1.0]])
    assert np.all(adjust_gamma(image, 2.0) <= image)


@pytest.mark.parametrize("gamma", [0.0, -1.0])
def test_gamma_must_be_positive(gamma):
    with pytest.raises(ValueError, match="gamma must be > 0"):
        adjust_gamma(np.zeros((2, 2)), gamma)


# --- saturation -----------------------------------------------------------------------------


def test_saturation_zero_gives_the_grey_version_in_three_channels():
    image = _random_rgb() / 255.0
    grey = image @ np.array([0.299, 0.587, 0.114])
    np.testing.assert_allclose(adjust_saturation(image, 0.0), np.stack([grey] * 3, axis=-1))


@given(st.floats(0.0, 3.0))
def test_saturation_never_changes_grey_pixels(factor):
    image = np.linspace(0, 1, 12).reshape(4, 3, 1).repeat(3, axis=-1)
    np.testing.assert_allclose(adjust_saturation(image, factor), image, atol=1e-12)


def test_saturation_above_one_moves_colours_away_from_grey():
    image = np.array([[[0.6, 0.4, 0.3]]])
    grey = 0.6 * 0.299 + 0.4 * 0.587 + 0.3 * 0.114
    np.testing.assert_allclose(adjust_saturation(image, 2.0), grey + 2 * (image - grey))


# --- hue ------------------------------------------------------------------------------------


@pytest.mark.parametrize("shift", [-0.5, -0.3, -0.02, 0.1, 1 / 3, 0.5])
def test_hue_matches_an_hsv_round_trip(shift):
    image = _random_rgb((9, 11, 3)) / 255.0
    hsv = skimage.color.rgb2hsv(image)
    hsv[..., 0] = (hsv[..., 0] + shift) % 1.0
    np.testing.assert_allclose(adjust_hue(image, shift), skimage.color.hsv2rgb(hsv), atol=1e-12)


def test_hue_turns_primaries_round_the_wheel():
    red = np.array([[[255, 0, 0]]], dtype=np.uint8)
    np.testing.assert_array_equal(adjust_hue(red, 1 / 3), [[[0, 255, 0]]])
    np.testing.assert_array_equal(adjust_hue(red, -1 / 3), [[[0, 0, 255]]])
    np.testing.assert_array_equal(adjust_hue(red, 0.5), [[[0, 255, 255]]])
    np.testing.assert_array_equal(adjust_hue(red, -0.5), adjust_hue(red, 0.5))


@given(images(rgb_only=True, dtypes=("float64",)), st.floats(-0.5, 0.5))
def test_hue_shift_and_back_restores_the_image(image, shift):
    restored = adjust_hue(adjust_hue(image, shift), -shift)
    np.testing.assert_allclose(restored, image, atol=1e-9)


@pytest.mark.parametrize("shift", [0.6, -0.51, float("nan")])
def test_hue_shift_must_be_within_half_a_turn(shift):
    with pytest.raises(ValueError, match="shift must be"):
        adjust_hue(np.zeros((2, 2, 3)), shift)


@pytest.mark.parametrize(
    "call",
    [
        lambda image: adjust_saturation(image, 0.5),
        lambda image: adjust_hue(image, 0.1),
        lambda image: colour_constancy(image),
    ],
)
def test_rgb_only_adjustments_reject_grey_images(call):
    with pytest.raises(ValueError, match=r"expected an RGB image \(H, W, 3\)"):
        call(np.zeros((4, 4)))


# --- colour constancy -----------------------------------------------------------------------


def _cast_image(cast=(1.0, 0.6, 0.35), seed=0):
    """A grey scene (varied texture) lit by coloured light: channel means are unequal."""
    scene = np.random.default_rng(seed).uniform(0.05, 0.8, size=(40, 50, 1))
    return (scene * np.array(cast)).astype(np.float64)


@pytest.mark.parametrize("power", [1, 2, 6, np.inf])
def test_colour_constancy_neutralises_a_colour_cast(power):
    image = _cast_image()
    before = image.mean(axis=(0, 1))
    assert before.max() / before.min() > 2.5
    corrected = colour_constancy(image, power=power)
    after = corrected.mean(axis=(0, 1))
    np.testing.assert_allclose(after, after.mean(), rtol=1e-3)
    # The overall brightness is kept (nothing is clipped here).
    assert corrected.mean() == pytest.approx(image.mean(), rel=1e-9)


def test_colour_constancy_works_on_uint8_and_is_nearly_idempotent():
    image = np.rint(_cast_image() * 255).astype(np.uint8)
    once = colour_constancy(image)
    twice = colour_constancy(once)
    assert once.dtype == np.uint8
    means = once.mean(axis=(0, 1))
    assert means.max() - means.min() < 1.0
    assert np.abs(twice.astype(int) - once.astype(int)).max() <= 1


def test_colour_constancy_power_one_is_grey_world():
    image = _random_rgb() / 255.0
    means = image.mean(axis=(0, 1))
    expected = image * (means.sum() / 3) / means
    np.testing.assert_allclose(colour_constancy(image, power=1), np.clip(expected, 0, 1))


def test_colour_constancy_gamma_corrects_first():
    image = _cast_image()
    np.testing.assert_allclose(
        colour_constancy(image, gamma=2.2), colour_constancy(image ** (1 / 2.2)), atol=1e-12
    )


def test_colour_constancy_leaves_a_black_image_black_and_an_empty_channel_empty():
    np.testing.assert_array_equal(colour_constancy(np.zeros((3, 3, 3))), np.zeros((3, 3, 3)))
    image = _cast_image()
    image[..., 2] = 0.0
    corrected = colour_constancy(image)
    assert np.all(corrected[..., 2] == 0.0)
    assert np.all(np.isfinite(corrected))


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"power": 0.5}, "power must be >= 1"),
        ({"power": float("nan")}, "power must be a finite number"),
        ({"gamma": 0}, "gamma must be > 0"),
    ],
)
def test_colour_constancy_checks_its_parameters(keywords, message):
    with pytest.raises(ValueError, match=message):
        colour_constancy(np.zeros((2, 2, 3)), **keywords)
