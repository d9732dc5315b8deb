"""The uint8 fast paths of saturation and hue stay within their documented tolerance.

Documented: a uint8 result is the float [0, 1] computation times 255 rounded to the nearest
level, within 0.5 grey level (plus 1e-9 for values exactly halfway, which may round up where
np.rint rounds to even). The float path itself is unchanged, so it is the reference here.
The numba kernels and the numpy code do the same operations in the same order: their uint8
results are also compared with each other, bit for bit.
"""


import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from coursekit.augment import _accel, _colour_uint8, adjust_hue, adjust_saturation

LEVEL_TOLERANCE = 0.5 + 1e-9


def both_ways(function, *args):
    """``function(*args)`` by the compiled kernels and by the numpy code: the same bits."""
    results = []
    if _accel.enabled():
        results.append(function(*args))
    with _accel.numpy_only():
        results.append(function(*args))
    for result in results[1:]:
        np.testing.assert_array_equal(result, results[0])
    return results[0]


@st.composite
def rgb_uint8(draw, max_side=14):
    height, width = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    elements = st.one_of(st.sampled_from([0, 1, 127, 128, 254, 255]), st.integers(0, 255))
    image = draw(hnp.arrays(np.uint8, (height, width, 3), elements=elements))
    kind = draw(st.sampled_from(["any", "grey", "two equal", "view"]))
    if kind == "grey":
        image[..., 1] = image[..., 2] = image[..., 0]  # chroma 0: hue undefined
    elif kind == "two equal":
        image[..., 1] = image[..., 0]  # ties for the largest or smallest channel
    elif kind == "view":
        image = image[::-1, ::-1]
    return image


def _levels_off(uint8_result, float_result):
    return np.abs(uint8_result.astype(np.float64) - float_result * 255.0).max()


@settings(max_examples=120)
@given(
    rgb_uint8(),
    st.one_of(st.sampled_from([0.0, 0.5, 0.9, 1.1, 2.0, 3.0, 10.0]), st.floats(0.0, 4.0)),
)
def test_uint8_saturation_is_the_float_result_rounded(image, factor):
    result = both_ways(adjust_saturation, image, factor)
    assert result.dtype == np.uint8 and result.shape == image.shape
    assert _levels_off(result, adjust_saturation(image / 255.0, factor)) <= LEVEL_TOLERANCE


@settings(max_examples=120)
@given(
    rgb_uint8(),
    st.one_of(
        st.sampled_from([-0.5, -1 / 3, -1 / 6, -0.02, 0.02, 0.05, 1 / 6, 1 / 3, 0.5]),
        st.floats(-0.5, 0.5),
    ),
)
def test_uint8_hue_is_the_float_result_rounded(image, shift):
    result = both_ways(adjust_hue, image, shift)
    assert result.dtype == np.uint8 and result.shape == image.shape
    assert _levels_off(result, adjust_hue(image / 255.0, shift)) <= LEVEL_TOLERANCE


@pytest.mark.parametrize("shape", [(450, 600, 3), (64, 64, 3), (1, 1, 3), (3, 8193 // 3, 3)])
def test_tiles_cover_every_pixel_of_large_and_odd_sized_images(shape):
    image = np.random.default_rng(shape[1]).integers(0, 256, size=shape, dtype=np.uint8)
    as_float = image / 255.0
    hue = both_ways(adjust_hue, image, 0.05)
    assert _levels_off(hue, adjust_hue(as_float, 0.05)) <= LEVEL_TOLERANCE
    saturated = both_ways(adjust_saturation, image, 1.2)
    assert _levels_off(saturated, adjust_saturation(as_float, 1.2)) <= LEVEL_TOLERANCE


def test_uint8_hue_and_saturation_keep_grey_pixels_and_primaries_exactly():
    grey = np.stack([np.arange(256, dtype=np.uint8)] * 3, axis=-1).reshape(16, 16, 3)
    np.testing.assert_array_equal(both_ways(adjust_hue, grey, 0.3), grey)
    np.testing.assert_array_equal(both_ways(adjust_saturation, grey, 2.5), grey)
    primaries = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]]], dtype=np.uint8)
    np.testing.assert_array_equal(
        both_ways(adjust_hue, primaries, 1 / 3), [[[0, 255, 0], [0, 0, 255], [255, 0, 0]]]
    )


def test_halfway_values_round_up_within_the_tolerance():
    # Factor 0.5 on a pixel whose grey level is 0.299 * 255: values land near halves.
    pixel = np.array([[[255, 0, 0]]], dtype=np.uint8)
    result = both_ways(adjust_saturation, pixel, 0.5)
    exact = adjust_saturation(pixel / 255.0, 0.5) * 255.0
    assert np.abs(result - exact).max() <= LEVEL_TOLERANCE


def test_the_tiled_kernels_use_the_same_work_arrays_across_calls():
    image = np.random.default_rng(0).integers(0, 256, size=(40, 50, 3), dtype=np.uint8)
    with _accel.numpy_only():
        first = _colour_uint8.hue(image, 0.1)
        _colour_uint8.hue(image[::-1], -0.3)  # the same per-thread work arrays, other data
        np.testing.assert_array_equal(_colour_uint8.hue(image, 0.1), first)
        saturated = _colour_uint8.saturation(image, 1.3, np.array([0.299, 0.587, 0.114]))
        _colour_uint8.saturation(image[::-1], 0.2, np.array([0.299, 0.587, 0.114]))
        again = _colour_uint8.saturation(image, 1.3, np.array([0.299, 0.587, 0.114]))
        np.testing.assert_array_equal(again, saturated)


@pytest.mark.parametrize("function", [adjust_hue, adjust_saturation])
def test_the_numpy_tiles_and_the_kernel_agree_across_tile_edges(function, monkeypatch):
    monkeypatch.setattr(_colour_uint8, "TILE_PIXELS", 7)  # many tiles, a short last one
    image = np.random.default_rng(5).integers(0, 256, size=(9, 11, 3), dtype=np.uint8)
    both_ways(function, image, 0.3)
