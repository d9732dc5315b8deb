"""The compiled uint8 brightness multiplies instead of looking up, and gives the table's bits.

``adjust_brightness`` of a uint8 image is ``table[image]`` for the 256-entry
table of its float formula. With numba, ``_jit_colour.scale_uint8`` multiplies
in float32 (vectorised) after checking the product against the table at every
level; where a level differs it writes nothing and the look-up runs instead.
"""

import contextlib

import numpy as np
import pytest

from coursekit.augment import _accel, adjust_brightness

LEVELS = np.arange(256, dtype=np.uint8)


def _documented(image, factor):
    """The docstring's formula: np.rint(clip(image / 255 * factor, 0, 1) * 255)."""
    return np.rint(np.clip(image / 255.0 * factor, 0.0, 1.0) * 255.0).astype(np.uint8)


def _table(factor):
    return _documented(LEVELS, factor)


@pytest.fixture
def kernels():
    if not _accel.enabled():
        pytest.skip("numba is not in use")
    return _accel.kernels()


def test_the_kernel_fills_the_output_only_when_it_gives_the_tables_bits(kernels):
    image = np.random.default_rng(0).integers(0, 256, size=(45, 61, 3), dtype=np.uint8)
    out = np.zeros_like(image)
    assert kernels.scale_uint8(image.reshape(-1), 1.2, _table(1.2), out.reshape(-1))
    np.testing.assert_array_equal(out, _table(1.2)[image])
    wrong = _table(1.2)
    wrong[77] += 1  # one level differs: the multiplication must not be used
    out[...] = 7
    assert not kernels.scale_uint8(image.reshape(-1), 1.2, wrong, out.reshape(-1))
    assert (out == 7).all()


def test_the_multiplication_serves_nearly_every_factor(kernels):
    # Random factors (the default pipeline's) nearly always pass the check; round ones
    # often sit exactly half-way between two levels, where the table decides.
    out = np.empty_like(LEVELS)
    factors = np.random.default_rng(1).uniform(0.0, 3.0, 200)
    served = [kernels.scale_uint8(LEVELS, f, _table(f), out) for f in factors]
    assert sum(served) >= 190
    assert kernels.scale_uint8(LEVELS, 0.0, _table(0.0), out)
    assert kernels.scale_uint8(LEVELS, 255.0, _table(255.0), out)


@pytest.mark.parametrize("numpy_only", [False, True])
def test_brightness_is_the_formula_for_every_level_and_many_factors(numpy_only):
    # Factors in steps of 0.01 include many ties (x.5 exactly) that the check sends to the
    # table; 23 x 31 x 3 values leave a tail after any vector width.
    image = np.resize(LEVELS, (23, 31, 3))
    with _accel.numpy_only() if numpy_only else contextlib.nullcontext():
        for factor in np.round(np.arange(0.0, 4.0, 0.01), 2).tolist() + [1e3, 1e6]:
            np.testing.assert_array_equal(
                adjust_brightness(image, factor), _documented(image, factor), err_msg=str(factor)
            )
            np.testing.assert_array_equal(
                adjust_brightness(image[:, ::-1], factor), _documented(image[:, ::-1], factor)
            )
