"""The fast paths of the graded reference functions give their documented results bit for bit.

rotate = skimage.transform.rotate(order=1, preserve_range=True), rounded with np.rint for
uint8; brightness and gamma = the float [0, 1] formula, clipped, np.rint(x * 255) for uint8;
flip and rotate90 = numpy's flips and turns as new C-contiguous arrays. Each is compared with
that plain formula on many inputs: uint8 and float64, grey and RGB, edge values, views; and
each both ways it can be computed: by the numba kernels and by the numpy code.
"""

import contextlib
import math

import numpy as np
import pytest
import skimage.transform
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from coursekit.augment import (
    _accel,
    _kernels,
    _warp,
    adjust_brightness,
    adjust_contrast,
    adjust_gamma,
    flip,
    rotate,
    rotate90,
)

MODES = ["constant", "edge", "symmetric", "reflect", "wrap"]


def both_ways():
    """Run the block with the compiled kernels, then with the numpy code (the two paths)."""
    ways = [contextlib.nullcontext()] if _accel.enabled() else []
    return ways + [_accel.numpy_only()]


@st.composite
def images(draw, max_side=12, dtypes=("uint8", "float64"), min_side=1):
    """Grey or RGB images with edge values (0, 255, 0.0, 1.0) likely, sometimes a view."""
    height = draw(st.integers(min_side, max_side))
    width = draw(st.integers(min_side, max_side))
    shape = draw(st.sampled_from([(height, width), (height, width, 3)]))
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    if dtype == np.uint8:
        elements = st.one_of(st.sampled_from([0, 1, 127, 128, 254, 255]), st.integers(0, 255))
    else:
        elements = st.one_of(
            st.sampled_from([0.0, 1.0, 0.5]), st.floats(0.0, 1.0, width=dtype.itemsize * 8)
        )
    image = draw(hnp.arrays(dtype, shape, elements=elements))
    view = draw(st.sampled_from(["none", "flip", "turn", "step"]))
    if view == "flip":
        image = image[::-1, ::-1]
    elif view == "turn":
        image = np.rot90(image)
    elif view == "step" and min(image.shape[:2]) >= 2:
        image = image[::2, 1:]
    return image


def skimage_rotate(image, angle, resize=False, mode="reflect", cval=0.0):
    """The documented result of coursekit.augment.rotate (any angle not a multiple of 90)."""
    rotated = skimage.transform.rotate(
        image, angle, resize=resize, mode=mode, order=1, cval=cval, preserve_range=True
    )
    if image.dtype == np.uint8:
        return np.clip(np.rint(rotated), 0, 255).astype(np.uint8)
    return np.clip(rotated, 0.0, 1.0).astype(image.dtype)


def _assert_identical(got, expected):
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    # Bitwise: float results must agree to the last bit, not only within a tolerance.
    as_bytes = [np.ascontiguousarray(a).view(np.uint8) for a in (got, expected)]
    np.testing.assert_array_equal(*as_bytes)


# --- rotate ---------------------------------------------------------------------------------


def test_the_probe_finds_the_fast_rotation_exact_on_this_machine():
    assert _warp.fast_path_available()
    assert _warp.compiled_path_available() == _accel.enabled()


angles = st.one_of(
    st.floats(-720.0, 720.0, allow_nan=False).filter(lambda a: abs(a - 90 * round(a / 90)) > 1e-6),
    st.sampled_from([30.0, -30.0, 45.0, 60.0, 135.0, 0.001, 89.999, 180.5, -359.0]),
)


@settings(max_examples=150)
@given(
    image=images(),
    angle=angles,
    mode=st.sampled_from(MODES),
    resize=st.booleans(),
    tile=st.integers(1, 70),
    data=st.data(),
)
def test_fast_rotation_is_skimage_rotate_bit_for_bit(image, angle, mode, resize, tile, data):
    top = 255 if image.dtype == np.uint8 else 1.0
    cval = data.draw(
        st.sampled_from([0.0, float(image.min()), float(image.max()), top * 0.37])
        if mode == "constant"
        else st.just(0.0)
    )
    expected = skimage_rotate(image, angle, resize, mode, cval)
    fast = [_warp._rotate_exact(image, angle, resize, mode, cval, tile_pixels=tile)]
    if _accel.enabled():
        fast.append(_warp._rotate_compiled(image, angle, resize, mode, cval))
    in_range = image.dtype != np.uint8 or image.min() <= cval <= image.max()
    for got in fast:
        if mode == "constant" and not in_range:
            assert got is None  # scikit-image's clip then depends on where cval lands
        else:
            assert got is not None
            _assert_identical(got, expected)
    for way in both_ways():
        with way:
            _assert_identical(rotate(image, angle, mode=mode, resize=resize, cval=cval), expected)


@pytest.mark.parametrize("dtype", [np.uint8, np.float64])
@pytest.mark.parametrize("shape", [(450, 600, 3), (64, 64, 3), (37, 53)])
@pytest.mark.parametrize("angle", [30.0, -12.345])
def test_fast_rotation_of_full_size_images_is_skimage_rotate(dtype, shape, angle):
    rng = np.random.default_rng(shape[0])
    image = rng.integers(0, 256, size=shape).astype(np.uint8)
    if dtype == np.float64:
        image = image / 255.0
    expected = skimage_rotate(image, angle)
    for way in both_ways():
        with way:
            _assert_identical(rotate(image, angle), expected)
    # The pipeline rotates turned and mirrored views in place.
    view = np.rot90(image)[::-1]
    for way in both_ways():
        with way:
            _assert_identical(rotate(view, angle), skimage_rotate(view, angle))


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_other_float_types_and_orders_still_follow_skimage(dtype):
    image = np.random.default_rng(0).random((9, 14, 3)).astype(dtype)
    for way in both_ways():
        with way:
            assert _warp.rotate_exact(image, 30.0, False, "reflect", 0.0) is None
    expected = skimage.transform.rotate(image, 30, mode="reflect", preserve_range=True)
    np.testing.assert_array_equal(rotate(image, 30), np.clip(expected, 0, 1).astype(dtype))
    uint8 = (image * 255).astype(np.uint8)
    cubic = skimage.transform.rotate(uint8, 30, order=3, mode="reflect", preserve_range=True)
    expected_cubic = np.clip(np.rint(cubic), 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(rotate(uint8, 30, order=3), expected_cubic)


@given(
    rows=st.integers(1, 40), cols=st.integers(1, 40), angle=angles, resize=st.booleans()
)
def test_rotation_matrix_is_the_one_skimage_builds(rows, cols, angle, resize):
    matrix, shape = _warp.rotation_matrix(rows, cols, angle, resize)
    # skimage.transform.rotate's own construction (v0.26).
    center = np.array((cols, rows)) / 2.0 - 0.5
    tform = (
        skimage.transform.SimilarityTransform(translation=-center)
        + skimage.transform.SimilarityTransform(rotation=np.deg2rad(angle))
        + skimage.transform.SimilarityTransform(translation=center)
    )
    expected_shape = (rows, cols)
    if resize:
        corners = np.array([[0, 0], [0, rows - 1], [cols - 1, rows - 1], [cols - 1, 0]])
        corners = tform.inverse(corners)
        minc, minr = corners[:, 0].min(), corners[:, 1].min()
        maxc, maxr = corners[:, 0].max(), corners[:, 1].max()
        expected_shape = tuple(int(v) for v in np.around((maxr - minr + 1, maxc - minc + 1)))
        tform = skimage.transform.SimilarityTransform(translation=(minc, minr)) + tform
    tform.params[2] = (0, 0, 1)
    np.testing.assert_array_equal(matrix.view(np.int64), tform.params.view(np.int64))
    assert shape == expected_shape


def _skimage_coord_map(dim, coord, mode):
    """scikit-image's coord_map (skimage/_shared/interpolation.pxd), in Python."""
    cmax = dim - 1
    if mode == "symmetric":
        if coord < 0:
            coord = -coord - 1
        if coord > cmax:
            return cmax - coord % dim if (coord // dim) % 2 != 0 else coord % dim
    elif mode == "wrap":
        if coord < 0:
            return cmax - ((-coord - 1) % dim)
        if coord > cmax:
            return coord % dim
    elif mode == "edge":
        return min(max(coord, 0), cmax)
    elif mode == "reflect":
        if dim == 1:
            return 0
        if coord < 0:
            return cmax - (-coord % cmax) if (-coord // cmax) % 2 != 0 else -coord % cmax
        if coord > cmax:
            return cmax - coord % cmax if (coord // cmax) % 2 != 0 else coord % cmax
    return coord


@pytest.mark.parametrize("mode", ["edge", "symmetric", "reflect", "wrap"])
@pytest.mark.parametrize("dim", [1, 2, 3, 5, 8])
def test_numpy_pad_modes_are_skimage_coordinate_modes_even_for_wide_pads(mode, dim):
    before, after = 3 * dim + 2, 4 * dim + 1  # several reflections or periods
    padded = np.pad(np.arange(dim), (before, after), mode=mode)
    expected = [_skimage_coord_map(dim, c, mode) for c in range(-before, dim + after)]
    np.testing.assert_array_equal(padded, expected)


def test_the_fast_path_is_used_for_uint8_and_float64_images():
    image = np.random.default_rng(1).integers(0, 256, size=(20, 30, 3), dtype=np.uint8)
    for candidate in (image, image[..., 0], image / 255.0):
        for way in both_ways():
            with way:
                assert _warp.rotate_exact(candidate, 21.0, False, "reflect", 0.0) is not None


def test_the_rotation_falls_back_to_numpy_when_the_compiled_probe_fails(monkeypatch):
    monkeypatch.setattr(_warp, "_compiled_probe", lambda dtype: False)
    assert not _warp.compiled_path_available(np.uint8)
    image = np.random.default_rng(2).integers(0, 256, size=(15, 11, 3), dtype=np.uint8)
    _assert_identical(rotate(image[:, ::-1], 33.3), skimage_rotate(image[:, ::-1], 33.3))


def test_a_wrong_kernel_makes_the_compiled_probe_fail(monkeypatch):
    if not _accel.enabled():
        pytest.skip("numba is not in use")

    def off_by_one_column(image, angle, resize, mode, cval):
        return _warp._rotate_compiled(image[:, ::-1], angle, resize, mode, cval)

    assert _warp._probe(_warp._rotate_compiled)
    assert not _warp._probe(off_by_one_column)


# --- flips and quarter turns ----------------------------------------------------------------


@given(images(dtypes=("uint8", "float64", "float32")), st.integers(-5, 5))
def test_flips_and_turns_are_numpy_copies(image, k):
    before = image.copy()
    for way in both_ways():
        with way:
            for got, expected in [
                (flip(image, "horizontal"), image[:, ::-1]),
                (flip(image, "vertical"), image[::-1]),
                (rotate90(image, k), np.rot90(image, k, axes=(0, 1))),
            ]:
                _assert_identical(got, np.ascontiguousarray(expected))
                assert got.flags.c_contiguous and got.flags.writeable
                assert not np.shares_memory(got, image)
    np.testing.assert_array_equal(image, before)


@given(images(dtypes=("uint8", "float64")))
def test_contiguous_copy_equals_numpy_copy_for_any_view(image):
    for way in both_ways():
        with way:
            copy = _kernels.contiguous_copy(image)
            _assert_identical(copy, np.array(image, order="C"))
            assert copy.flags.c_contiguous and not np.shares_memory(copy, image)


@pytest.mark.parametrize("shape", [(450, 600, 3), (64, 64, 3), (37, 53), (1, 9, 3), (7, 1)])
def test_full_size_flips_and_turns_of_every_orientation_are_numpy_copies(shape):
    image = np.random.default_rng(sum(shape)).integers(0, 256, size=shape, dtype=np.uint8)
    for way in both_ways():
        with way:
            for k in range(4):
                for view in (np.rot90(image, k), np.rot90(image, k)[:, ::-1]):
                    _assert_identical(_kernels.contiguous_copy(view), np.array(view, order="C"))


# --- brightness, gamma and contrast ---------------------------------------------------------


def _documented(image, formula):
    """The documented result: formula on float [0, 1], clipped, np.rint(x * 255) for uint8."""
    values = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    result = np.clip(formula(values), 0.0, 1.0)
    if image.dtype == np.uint8:
        return np.rint(result * 255.0).astype(np.uint8)
    return result.astype(image.dtype)


factors = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0 - 1e-12, 1.2, 1.5, 2.0, 1e6]), st.floats(0.0, 4.0)
)


@given(images(), factors)
def test_brightness_is_the_float_formula_bit_for_bit(image, factor):
    before = image.copy()
    expected = _documented(image, lambda values: values * factor)
    for way in both_ways():
        with way:
            _assert_identical(adjust_brightness(image, factor), expected)
    np.testing.assert_array_equal(image, before)


@given(images(), st.one_of(st.sampled_from([0.2, 0.5, 2.0, 5.0]), st.floats(0.05, 6.0)))
def test_gamma_is_the_float_formula_bit_for_bit(image, gamma):
    if gamma == 1.0:
        return
    expected = _documented(image, lambda values: values**gamma)
    for way in both_ways():
        with way:
            _assert_identical(adjust_gamma(image, gamma), expected)


@pytest.mark.parametrize("factor", [0.0, 0.37, 1.2, 1.5, 255.0])
def test_every_uint8_level_goes_through_the_brightness_table_like_the_formula(factor):
    # 23 x 31 x 3 values: the compiled table reads 8 at a time, and 2139 leaves a tail of 3.
    levels = np.resize(np.arange(256, dtype=np.uint8), (23, 31, 3))
    expected = np.rint(np.clip(levels / 255.0 * factor, 0.0, 1.0) * 255.0).astype(np.uint8)
    for way in both_ways():
        with way:
            np.testing.assert_array_equal(adjust_brightness(levels, factor), expected)


@given(images(), st.floats(0.0, 3.0))
def test_contrast_keeps_its_formula_bit_for_bit(image, factor):
    if factor == 1.0:
        return
    channel_means = np.mean(image, axis=(0, 1), dtype=np.float64)
    if image.dtype == np.uint8:
        channel_means = channel_means / 255.0
    weights = np.array([0.299, 0.587, 0.114])
    mean = float(channel_means @ weights) if image.ndim == 3 else float(channel_means)
    expected = _documented(image, lambda values: mean + factor * (values - mean))
    for way in both_ways():
        with way:
            _assert_identical(adjust_contrast(image, factor), expected)


@given(
    hnp.arrays(np.uint8, hnp.array_shapes(min_dims=1, max_dims=3, max_side=9)),
    hnp.arrays(np.uint8, 256),
)
def test_lookup_tables_apply_like_fancy_indexing(image, table):
    for way in both_ways():
        with way:
            for source in (image, image[::-1]):
                result = _kernels.apply_lut(source, table)
                np.testing.assert_array_equal(result, table[source])
                result[...] = 0  # a new, writable array
                assert not np.shares_memory(result, image)


@given(images(dtypes=("uint8", "float64", "float32")))
def test_float_helpers_are_the_validation_helpers_bit_for_bit(image):
    from coursekit._validation import from_float, to_float

    _assert_identical(_kernels.as_float(image), to_float(image))
    values = to_float(image) * 1.3 - 0.1
    _assert_identical(_kernels.float_to_like(values.copy(), image), from_float(values, image))


def test_rotation_keeps_the_quarter_turn_shortcut_exact():
    image = np.arange(12, dtype=np.uint8).reshape(3, 4)
    for turns in range(-3, 4):
        np.testing.assert_array_equal(rotate(image, 90 * turns), np.rot90(image, turns))
    assert math.isclose(float(rotate(image / 255.0, 0.0).sum()), float(image.sum() / 255.0))
