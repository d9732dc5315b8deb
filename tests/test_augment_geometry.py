"""Tests of coursekit.augment.geometry: resize, quarter turns, rotations, flips, crops."""

import math

import numpy as np
import pytest
import skimage.transform
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from coursekit.augment import flip, random_crop, resize_image, rotate, rotate90


@st.composite
def images(draw, max_side=7, dtypes=("uint8", "float64", "float32")):
    """Small grey or RGB images, square or not, uint8 or float in [0, 1]."""
    height = draw(st.integers(1, max_side))
    width = draw(st.integers(1, max_side))
    shape = draw(st.sampled_from([(height, width), (height, width, 3)]))
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    if dtype == np.uint8:
        elements = st.integers(0, 255)
    else:
        elements = st.floats(0.0, 1.0, width=dtype.itemsize * 8)
    return draw(hnp.arrays(dtype, shape, elements=elements))


def _random_image(shape, dtype=np.uint8, seed=0):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 256, size=shape).astype(np.uint8)
    return values if dtype == np.uint8 else (values / 255.0).astype(dtype)


# --- rotate90 -------------------------------------------------------------------------------


@given(images())
def test_four_quarter_turns_give_back_the_image_exactly(image):
    turned = image
    for _ in range(4):
        turned = rotate90(turned)
    assert turned.dtype == image.dtype
    np.testing.assert_array_equal(turned, image)


@given(images(), st.integers(-9, 9))
def test_rotate90_is_numpy_rot90_in_the_image_plane(image, k):
    turned = rotate90(image, k)
    np.testing.assert_array_equal(turned, np.rot90(image, k, axes=(0, 1)))
    assert turned.dtype == image.dtype
    assert turned.flags.c_contiguous
    assert not np.shares_memory(turned, image)


def test_rotate90_turns_counter_clockwise_and_swaps_the_shape():
    image = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.uint8)
    # Counter-clockwise: the right-hand column becomes the top row.
    np.testing.assert_array_equal(rotate90(image), [[3, 6], [2, 5], [1, 4]])
    np.testing.assert_array_equal(rotate90(image, -1), [[4, 1], [5, 2], [6, 3]])
    assert rotate90(np.zeros((2, 5, 3)), 3).shape == (5, 2, 3)


@pytest.mark.parametrize("k", [1.0, 1.5, "1", True, None])
def test_rotate90_rejects_a_non_integer_k(k):
    with pytest.raises(TypeError, match="k must be an integer"):
        rotate90(np.zeros((2, 2)), k)


# --- rotate ---------------------------------------------------------------------------------


@given(images())
def test_rotate_by_90_degrees_equals_rot90(image):
    rotated = rotate(image, 90)
    assert rotated.dtype == image.dtype
    np.testing.assert_array_equal(rotated, np.rot90(image))


@given(images(), st.integers(-3, 3), st.integers(-4, 4), st.booleans())
def test_rotate_by_whole_turns_plus_quarter_turns_is_exact(image, turns, k, resize):
    rotated = rotate(image, 360 * turns + 90 * k, resize=resize)
    np.testing.assert_array_equal(rotated, np.rot90(image, k))


@pytest.mark.parametrize("angle", [90 + 1e-10, 90.0 - 5e-10, np.float32(-180.0), 270])
def test_rotate_within_tolerance_of_a_quarter_turn_is_exact(angle):
    image = _random_image((5, 8, 3))
    k = round(float(angle) / 90)
    np.testing.assert_array_equal(rotate(image, angle), np.rot90(image, k))


def test_rotate_just_outside_the_tolerance_interpolates():
    image = _random_image((6, 6), dtype=np.float64)
    rotated = rotate(image, 90 + 1e-3)
    expected = skimage.transform.rotate(image, 90 + 1e-3, mode="reflect", preserve_range=True)
    np.testing.assert_allclose(rotated, expected, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.uint8, np.float64])
@pytest.mark.parametrize("shape", [(40, 60), (33, 20, 3)])
@pytest.mark.parametrize("mode", ["constant", "edge", "symmetric", "reflect", "wrap"])
def test_rotate_other_angles_match_skimage(dtype, shape, mode):
    image = _random_image(shape, dtype)
    rotated = rotate(image, 30, mode=mode)
    expected = skimage.transform.rotate(image, 30, mode=mode, order=1, preserve_range=True)
    if dtype == np.uint8:
        expected = np.clip(np.rint(expected), 0, 255)
    assert rotated.dtype == image.dtype
    assert rotated.shape == image.shape
    np.testing.assert_allclose(rotated, expected, atol=1e-12)


@pytest.mark.parametrize("shape", [(40, 60), (60, 40, 3), (11, 11)])
@pytest.mark.parametrize("angle", [30, -30, 135])
def test_rotate_with_resize_keeps_the_whole_rotated_image(shape, angle):
    rows, cols = shape[:2]
    cos, sin = abs(math.cos(math.radians(angle))), abs(math.sin(math.radians(angle)))
    expected_rows = round((rows - 1) * cos + (cols - 1) * sin + 1)
    expected_cols = round((cols - 1) * cos + (rows - 1) * sin + 1)
    rotated = rotate(np.zeros(shape, dtype=np.uint8), angle, resize=True)
    assert rotated.shape == (expected_rows, expected_cols) + shape[2:]
    assert rotate(np.zeros(shape, dtype=np.uint8), angle).shape == shape


def test_rotate_30_of_a_40_by_60_image_with_resize_has_shape_64_by_72():
    assert rotate(np.zeros((40, 60, 3)), 30, resize=True).shape == (64, 72, 3)


def test_rotate_constant_mode_fills_corners_with_cval_in_the_image_range():
    image = np.full((21, 21, 3), 10, dtype=np.uint8)
    rotated = rotate(image, 45, mode="constant", cval=200)
    np.testing.assert_array_equal(rotated[0, 0], [200, 200, 200])
    np.testing.assert_array_equal(rotated[10, 10], [10, 10, 10])


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_rotate_higher_order_results_stay_in_range(dtype):
    image = np.zeros((16, 16), dtype=dtype)
    image[::2] = 255 if dtype == np.uint8 else 1.0  # stripes make cubic splines overshoot
    rotated = rotate(image, 17, order=3)
    assert rotated.dtype == dtype
    top = 255 if dtype == np.uint8 else 1.0
    assert rotated.min() >= 0 and rotated.max() <= top


@pytest.mark.parametrize("angle", [float("nan"), float("inf"), -np.inf])
def test_rotate_rejects_an_angle_that_is_not_finite(angle):
    with pytest.raises(ValueError, match="angle must be a finite number"):
        rotate(np.zeros((3, 3)), angle)


def test_rotate_rejects_a_non_number_angle():
    with pytest.raises(TypeError, match="angle must be a real number"):
        rotate(np.zeros((3, 3)), "30")


def test_rotate_lists_the_valid_modes():
    with pytest.raises(ValueError, match="mode must be one of 'constant', 'edge', 'symmetric'"):
        rotate(np.zeros((3, 3)), 30, mode="mirror")


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"order": 6}, "order must be an integer in 0..5"),
        ({"order": -1}, "order must be an integer >= 0"),
        ({"cval": 300}, "cval must be <= 255"),
        ({"cval": -1}, "cval must be >= 0"),
        ({"resize": "yes"}, "resize must be True or False"),
    ],
)
def test_rotate_checks_its_other_arguments(keywords, message):
    with pytest.raises((ValueError, TypeError), match=message):
        rotate(np.zeros((3, 3), dtype=np.uint8), 30, **keywords)


def test_rotate_cval_for_float_images_is_in_0_1():
    with pytest.raises(ValueError, match="cval must be <= 1"):
        rotate(np.zeros((3, 3)), 30, mode="constant", cval=255)


# --- flip -----------------------------------------------------------------------------------


@given(images())
def test_flips_match_numpy_and_are_involutions(image):
    horizontal = flip(image, "horizontal")
    vertical = flip(image, "vertical")
    np.testing.assert_array_equal(horizontal, np.fliplr(image))
    np.testing.assert_array_equal(vertical, np.flipud(image))
    np.testing.assert_array_equal(flip(horizontal, "horizontal"), image)
    np.testing.assert_array_equal(flip(vertical, "vertical"), image)
    assert not np.shares_memory(horizontal, image)
    assert horizontal.dtype == image.dtype


def test_horizontal_flip_reverses_columns_and_vertical_flip_reverses_rows():
    image = np.array([[1, 2], [3, 4]], dtype=np.uint8)
    np.testing.assert_array_equal(flip(image, "horizontal"), [[2, 1], [4, 3]])
    np.testing.assert_array_equal(flip(image, "vertical"), [[3, 4], [1, 2]])


@pytest.mark.parametrize("axis", [0, 1, "x", "Horizontal", "lr", None])
def test_flip_accepts_only_the_two_names_and_lists_them(axis):
    with pytest.raises(ValueError, match="axis must be one of 'horizontal', 'vertical'; got"):
        flip(np.zeros((2, 2)), axis)


# --- resize_image ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.uint8, np.float64, np.float32])
@pytest.mark.parametrize("size", [(20, 15), (90, 100), (30, 45), (1, 1)])
def test_resize_image_matches_skimage_with_anti_aliasing(dtype, size):
    image = _random_image((30, 45, 3), dtype)
    resized = resize_image(image, size)
    expected = skimage.transform.resize(
        image, size, order=1, anti_aliasing=True, preserve_range=True
    )
    if dtype == np.uint8:
        expected = np.rint(expected)
    assert resized.dtype == image.dtype
    assert resized.shape == size + (3,)
    np.testing.assert_allclose(resized, expected, atol=1e-6)


def test_resize_image_keeps_a_constant_image_constant():
    image = np.full((7, 9), 77, dtype=np.uint8)
    np.testing.assert_array_equal(resize_image(image, (20, 3)), np.full((20, 3), 77))


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((0, 5), r"size\[0\] \(height\) must be an integer >= 1"),
        ((5, 2.5), r"size\[1\] \(width\) must be an integer"),
        (5, r"size must be a pair \(height, width\)"),
        ((1, 2, 3), r"size must be a pair \(height, width\)"),
    ],
)
def test_resize_image_explains_a_bad_size(size, message):
    with pytest.raises((ValueError, TypeError), match=message):
        resize_image(np.zeros((4, 4)), size)


# --- random_crop ----------------------------------------------------------------------------


def test_random_crop_is_a_window_of_the_image_chosen_by_the_seed():
    image = np.arange(100, dtype=np.uint8).reshape(10, 10)
    crop = random_crop(image, (3, 4), random_state=5)
    top, left = divmod(int(crop[0, 0]), 10)
    np.testing.assert_array_equal(crop, image[top : top + 3, left : left + 4])
    np.testing.assert_array_equal(crop, random_crop(image, (3, 4), random_state=5))
    corners = {int(random_crop(image, (3, 4), random_state=seed)[0, 0]) for seed in range(30)}
    assert len(corners) > 5


def test_random_crop_reaches_every_position():
    image = np.arange(12, dtype=np.uint8).reshape(3, 4)
    rng = np.random.default_rng(0)
    corners = {int(random_crop(image, (2, 2), random_state=rng)[0, 0]) for _ in range(200)}
    assert corners == {0, 1, 2, 4, 5, 6}


def test_random_crop_rejects_a_window_larger_than_the_image():
    with pytest.raises(ValueError, match=r"size \(5, 2\) .* larger than the image \(4, 4\)"):
        random_crop(np.zeros((4, 4)), (5, 2))


# --- image validation, shared by every geometric function ------------------------------------

GEOMETRY_CALLS = [
    lambda image: resize_image(image, (2, 2)),
    lambda image: rotate90(image),
    lambda image: rotate(image, 30),
    lambda image: flip(image, "vertical"),
    lambda image: random_crop(image, (1, 1)),
]


@pytest.mark.parametrize("call", GEOMETRY_CALLS)
@pytest.mark.parametrize(
    ("image", "error", "message"),
    [
        (np.zeros((4, 4, 4), dtype=np.uint8), ValueError, "4 channels"),
        (np.zeros((4, 4), dtype=bool), TypeError, "boolean"),
        (np.full((4, 4), 2.0), ValueError, "float images must lie in"),
        (np.zeros((2, 4, 4, 3), dtype=np.uint8), ValueError, "4 dimensions"),
        (np.zeros((4, 4), dtype=np.int64), TypeError, "dtype int64"),
    ],
)
def test_geometry_functions_reject_invalid_images(call, image, error, message):
    with pytest.raises(error, match=message):
        call(image)
