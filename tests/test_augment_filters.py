"""Tests of coursekit.augment.filters: Gaussian blur and additive noise."""

import numpy as np
import pytest
import scipy.ndimage
import skimage.filters
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from coursekit.augment import _accel, add_noise, filters, gaussian_blur


@st.composite
def images(draw, dtypes=("uint8", "float64", "float32")):
    """Small grey or RGB images, uint8 or float in [0, 1]."""
    height = draw(st.integers(1, 6))
    width = draw(st.integers(1, 6))
    shape = draw(st.sampled_from([(height, width), (height, width, 3)]))
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    if dtype == np.uint8:
        elements = st.integers(0, 255)
    else:
        elements = st.floats(0.0, 1.0, width=dtype.itemsize * 8)
    return draw(hnp.arrays(dtype, shape, elements=elements))


def _random_image(shape=(20, 25, 3), seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=shape).astype(np.uint8)


# --- gaussian_blur --------------------------------------------------------------------------


@given(images())
def test_blur_and_noise_with_sigma_zero_return_an_exact_copy(image):
    for result in (gaussian_blur(image, 0), gaussian_blur(image, (0, 0)), add_noise(image, 0)):
        assert result.dtype == image.dtype
        np.testing.assert_array_equal(result, image)
        assert not np.shares_memory(result, image)


@pytest.mark.parametrize("sigma", [0.5, 1.0, 3.0, (1.0, 2.5)])
@pytest.mark.parametrize("shape", [(20, 25), (20, 25, 3)])
def test_blur_matches_skimage_with_the_channel_axis_set(sigma, shape):
    image = _random_image(shape)
    channel_axis = -1 if len(shape) == 3 else None
    expected = skimage.filters.gaussian(image, sigma=sigma, channel_axis=channel_axis)
    blurred_float = gaussian_blur(image / 255.0, sigma)
    np.testing.assert_allclose(blurred_float, expected, atol=1e-12)
    blurred = gaussian_blur(image, sigma)
    assert blurred.dtype == np.uint8
    np.testing.assert_array_equal(blurred, np.rint(expected * 255))


def test_blur_never_mixes_colour_channels():
    image = np.zeros((25, 25, 3))
    image[10:15, 10:15, 0] = 1.0  # a red square on black, more than 4 sigma from the border
    blurred = gaussian_blur(image, 2.0)
    assert blurred[..., 0].max() > 0
    np.testing.assert_array_equal(blurred[..., 1:], 0.0)
    assert blurred[..., 0].sum() == pytest.approx(25.0)


@given(images(), st.floats(0.1, 5.0))
def test_blur_keeps_dtype_range_and_constant_images(image, sigma):
    blurred = gaussian_blur(image, sigma)
    assert blurred.dtype == image.dtype and blurred.shape == image.shape
    flat = np.full_like(image, image.flat[0])
    np.testing.assert_allclose(gaussian_blur(flat, sigma), flat, atol=1e-6)


def test_blur_channel_axis_may_be_given_for_rgb_but_not_for_grey():
    image = _random_image()
    np.testing.assert_array_equal(gaussian_blur(image, 1, channel_axis=-1), gaussian_blur(image, 1))
    np.testing.assert_array_equal(gaussian_blur(image, 1, channel_axis=2), gaussian_blur(image, 1))
    with pytest.raises(ValueError, match="channel_axis must be None, -1 or 2"):
        gaussian_blur(image, 1, channel_axis=0)
    with pytest.raises(ValueError, match=r"channel_axis must be None for a grey \(H, W\) image"):
        gaussian_blur(image[..., 0], 1, channel_axis=-1)


@pytest.mark.parametrize(
    ("sigma", "message"),
    [
        (-1.0, "sigma must be >= 0"),
        (float("inf"), "sigma must be a finite number"),
        ((1.0, -2.0), r"sigma\[1\] \(columns\) must be >= 0"),
        ((1.0, 2.0, 3.0), r"sigma must be a number >= 0 or a pair"),
        ("1", r"sigma must be a number >= 0 or a pair"),
    ],
)
def test_blur_explains_a_bad_sigma(sigma, message):
    with pytest.raises(ValueError, match=message):
        gaussian_blur(np.zeros((3, 3)), sigma)


# --- add_noise ------------------------------------------------------------------------------


def test_noise_has_the_requested_standard_deviation_in_float_units():
    for image in (np.full((200, 200), 0.5), np.full((200, 200), 128, dtype=np.uint8)):
        noisy = add_noise(image, 0.05, random_state=1)
        assert noisy.dtype == image.dtype
        difference = noisy / (255.0 if image.dtype == np.uint8 else 1.0) - 0.5
        assert difference.std() == pytest.approx(0.05, rel=0.05)
        assert abs(difference.mean()) < 0.005


def test_noise_is_clipped_to_the_range():
    noisy = add_noise(np.zeros((50, 50, 3), dtype=np.float32), 0.5, random_state=0)
    assert noisy.dtype == np.float32
    assert noisy.min() == 0.0 and noisy.max() <= 1.0


def test_noise_is_reproducible_from_the_seed_and_differs_between_seeds():
    image = _random_image()
    np.testing.assert_array_equal(
        add_noise(image, 0.1, random_state=3), add_noise(image, 0.1, random_state=3)
    )
    assert not np.array_equal(add_noise(image, 0.1, random_state=3), add_noise(image, 0.1, 4))


def test_noise_continues_a_generator_stream():
    image = np.full((10, 10), 0.5)
    rng = np.random.default_rng(0)
    first, second = add_noise(image, 0.1, rng), add_noise(image, 0.1, rng)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(first, add_noise(image, 0.1, np.random.default_rng(0)))


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"sigma": -0.1}, ValueError, "sigma must be >= 0"),
        ({"sigma": float("nan")}, ValueError, "sigma must be a finite number"),
        ({"sigma": 0.1, "random_state": -1}, ValueError, "random_state must be a non-negative"),
        ({"sigma": 0.1, "random_state": "seed"}, TypeError, "random_state must be None"),
    ],
)
def test_noise_checks_its_arguments(arguments, error, message):
    with pytest.raises(error, match=message):
        add_noise(np.zeros((3, 3)), **arguments)


@pytest.mark.parametrize("call", [lambda im: gaussian_blur(im, 1.0), lambda im: add_noise(im, 0.1)])
@pytest.mark.parametrize(
    ("image", "error", "message"),
    [
        (np.zeros((4, 4, 4), dtype=np.uint8), ValueError, "4 channels"),
        (np.zeros((4, 4), dtype=bool), TypeError, "boolean"),
        (np.full((4, 4), -0.5), ValueError, "float images must lie in"),
    ],
)
def test_filters_reject_invalid_images(call, image, error, message):
    with pytest.raises(error, match=message):
        call(image)


# --- compiled kernels: scipy's and numpy's bits ------------------------------------------------


def _scipy_blur(image, sigma_rows, sigma_cols):
    """The documented blur: scipy's gaussian_filter of image / 255, clipped, np.rint(x * 255)."""
    sigmas = (sigma_rows, sigma_cols, 0.0)[: image.ndim]
    blurred = scipy.ndimage.gaussian_filter(image / 255.0, sigmas, mode="nearest", truncate=4.0)
    return np.rint(np.clip(blurred, 0.0, 1.0) * 255.0).astype(np.uint8)


sigmas = st.one_of(st.sampled_from([0.0, 1e-16, 0.1, 0.5, 1.0, 2.6]), st.floats(0.0, 3.0))


@given(
    images(dtypes=("uint8",)),
    sigmas,
    sigmas,
    st.sampled_from(["none", "flip", "turn"]),
)
def test_uint8_blur_is_scipys_result_bit_for_bit_both_ways(image, sigma_rows, sigma_cols, view):
    image = {"none": image, "flip": image[::-1, ::-1], "turn": np.rot90(image)}[view]
    expected = _scipy_blur(image, sigma_rows, sigma_cols)
    if sigma_rows == 0.0 and sigma_cols == 0.0:
        expected = image
    with _accel.numpy_only():
        np.testing.assert_array_equal(gaussian_blur(image, (sigma_rows, sigma_cols)), expected)
    if _accel.enabled():
        assert filters.compiled_blur_available()
        np.testing.assert_array_equal(gaussian_blur(image, (sigma_rows, sigma_cols)), expected)
        if sigma_rows or sigma_cols:
            compiled = filters._blur_compiled(image, sigma_rows, sigma_cols)
            np.testing.assert_array_equal(compiled, expected)


@pytest.mark.parametrize("shape", [(450, 600, 3), (64, 64, 3), (1, 1, 3), (9, 1)])
def test_uint8_blur_of_full_size_and_thin_images_is_scipys(shape):
    image = _random_image(shape, seed=shape[0])
    for sigma in (0.3, 1.0, 1.7):
        expected = _scipy_blur(image, sigma, sigma)
        np.testing.assert_array_equal(gaussian_blur(image, sigma), expected)


def test_the_blur_falls_back_to_scipy_when_the_compiled_probe_fails(monkeypatch):
    monkeypatch.setattr(filters, "_compiled_blur_probe", lambda: False)
    assert not filters.compiled_blur_available()
    image = _random_image((12, 9, 3), seed=4)
    np.testing.assert_array_equal(gaussian_blur(image, 1.1), _scipy_blur(image, 1.1, 1.1))


def test_the_blur_weights_are_scipys():
    for sigma in (0.2, 0.5, 1.0, 2.37):
        impulse = np.zeros(41)
        impulse[20] = 1.0
        response = scipy.ndimage.gaussian_filter1d(impulse, sigma, mode="nearest", truncate=4.0)
        weights = filters._gaussian_weights(sigma)
        radius = len(weights) // 2
        np.testing.assert_array_equal(response[20 - radius : 21 + radius], weights)
        assert not response[: 20 - radius].any() and not response[21 + radius :].any()
    np.testing.assert_array_equal(filters._gaussian_weights(1e-16), [1.0])


@given(images(dtypes=("uint8",)), st.floats(0.001, 0.5), st.integers(0, 2**32 - 1))
def test_uint8_noise_is_the_numpy_formula_bit_for_bit_both_ways(image, sigma, seed):
    noise = np.random.default_rng(seed).standard_normal(image.shape)
    values = noise * sigma + image / 255.0
    expected = np.rint(np.clip(values, 0.0, 1.0) * 255.0).astype(np.uint8)
    with _accel.numpy_only():
        np.testing.assert_array_equal(add_noise(image, sigma, random_state=seed), expected)
    np.testing.assert_array_equal(add_noise(image, sigma, random_state=seed), expected)
    flipped = image[:, ::-1]  # a view: the kernel reads a copy in C order
    values = noise * sigma + flipped / 255.0
    expected = np.rint(np.clip(values, 0.0, 1.0) * 255.0).astype(np.uint8)
    np.testing.assert_array_equal(add_noise(flipped, sigma, random_state=seed), expected)
