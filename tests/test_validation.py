import numpy as np
import pytest

from coursekit._validation import (
    check_image,
    check_images,
    check_random_state,
    from_float,
    to_float,
)


def test_random_state_int_is_reproducible():
    a = check_random_state(3).random(4)
    b = check_random_state(3).random(4)
    np.testing.assert_array_equal(a, b)


def test_random_state_generator_is_passed_through():
    rng = np.random.default_rng(0)
    assert check_random_state(rng) is rng


@pytest.mark.parametrize("bad", [-1, 1.5, "seed", True])
def test_random_state_rejects_bad_values(bad):
    with pytest.raises((TypeError, ValueError), match="random_state"):
        check_random_state(bad)


@pytest.mark.parametrize(
    "image, message",
    [
        (np.zeros((4, 4), dtype=bool), "boolean"),
        (np.zeros((4, 4, 4), dtype=np.uint8), "4 channels"),
        (np.zeros((4,), dtype=np.uint8), "1 dimensions"),
        (np.zeros((0, 4), dtype=np.uint8), "empty"),
        (np.full((2, 2), 1.5), r"\[1.5, 1.5\]"),
        (np.full((2, 2), np.nan), "NaN"),
        (np.zeros((2, 2), dtype=np.int64), "int64"),
    ],
)
def test_check_image_names_the_problem(image, message):
    with pytest.raises((TypeError, ValueError), match=message):
        check_image(image)


def test_check_image_rgb_only():
    with pytest.raises(ValueError, match="RGB"):
        check_image(np.zeros((3, 3), dtype=np.uint8), allow_grey=False)


def test_check_images_batch():
    batch = np.zeros((2, 3, 3, 3), dtype=np.uint8)
    assert check_images(batch) is batch
    with pytest.raises(ValueError, match="empty batch"):
        check_images(np.zeros((0, 3, 3, 3), dtype=np.uint8))


def test_float_round_trip_keeps_uint8_exactly():
    image = np.arange(256, dtype=np.uint8).reshape(16, 16)
    np.testing.assert_array_equal(from_float(to_float(image), image), image)


def test_from_float_keeps_float_dtype_and_clips():
    like = np.zeros((2, 2), dtype=np.float32)
    out = from_float(np.array([[-0.5, 0.5], [1.0, 2.0]]), like)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0, 0.5], [1, 1]])


def test_one_size_rule_everywhere():
    """data and augment check sizes with the one function, so they agree on (64.0, 64.0)."""
    from coursekit import augment
    from coursekit._validation import check_size
    from coursekit.data import images

    assert check_size((64, 64)) == (64, 64) and check_size(np.array([3, 4])) == (3, 4)
    for bad in ((64.0, 64.0), (64, 64.5)):
        with pytest.raises(TypeError, match=r"\(height, width\).*write 64|\(height, width\)"):
            check_size(bad)
        with pytest.raises(TypeError, match=r"\(height, width\)"):
            augment.resize_image(np.zeros((4, 4)), bad)
    assert images.check_size is check_size
