"""Comparisons and messages shared by the hidden tests and the quick public checks."""

import numpy as np
import pytest

from coursekit.checks.calls import Call, LocalFunction
from coursekit.checks.compare import (
    Mismatch,
    check_image,
    check_new_array,
    describe,
    expect_raises,
    explain_arrangement,
    format_number,
    same_partition,
)


@pytest.mark.parametrize(
    "move, words",
    [
        (np.fliplr, "mirrored left-right"),
        (np.flipud, "mirrored upside down"),
        (lambda a: np.rot90(a, -1), "turned 90 degrees clockwise"),
        (lambda a: np.rot90(a, 2), "turned 180 degrees"),
    ],
)
def test_names_the_move_on_a_generic_image(move, words):
    expected = np.arange(12, dtype=np.uint8).reshape(3, 4)
    assert explain_arrangement(move(expected), expected) == (
        f"your result is the expected image {words}"
    )


def test_tiny_image_names_the_mirror_first_and_the_equivalent_too():
    expected = np.array([[1, 2]], dtype=np.uint8)
    text = explain_arrangement(np.fliplr(expected), expected)
    assert text.startswith("your result is the expected image mirrored left-right")
    assert "turned 180 degrees" in text


def test_no_move_for_equal_or_unrelated_images():
    image = np.arange(6, dtype=np.uint8).reshape(2, 3)
    assert explain_arrangement(image, image) is None
    assert explain_arrangement(image + 1, image) is None


def _mismatch(**kwargs) -> Mismatch:
    with pytest.raises(Mismatch) as raised:
        check_image(**kwargs)
    return raised.value


def test_rounding_allows_half_a_level_and_names_truncation():
    exact = np.array([[1.4, 2.6, 200.5]])
    check_image(np.array([[1, 3, 200]], np.uint8), exact, {}, dtype=np.uint8)
    check_image(np.array([[1, 3, 201]], np.uint8), exact, {}, dtype=np.uint8)
    error = _mismatch(got=np.array([[1, 2, 200]], np.uint8), exact=exact, inputs={}, dtype=np.uint8)
    assert "truncated" in error.hint and "np.rint" in error.hint
    assert "at [0, 1]: expected 2.6 (rounds to 3), got 2 (off by 0.6)" in str(error)


def test_float_results_show_enough_digits_to_see_the_difference():
    error = _mismatch(got=np.array([[1.0]]), exact=np.array([[1.0 - 2.985e-05]]), inputs={},
                      dtype=np.float64)  # fmt: skip
    assert "expected 0.9999702, got 1 (off by 2.985e-05)" in str(error)


def test_hints_follow_the_actual_failure():
    on_unit_scale = _mismatch(got=np.array([[0.2, 0.4]]), exact=np.array([[51.0, 102.0]]),
                              inputs={}, dtype=np.uint8)  # fmt: skip
    assert "multiply by 255" in on_unit_scale.hint
    wrong_values = _mismatch(got=np.array([[10, 250]], np.uint8), exact=np.array([[51.0, 102.0]]),
                             inputs={}, dtype=np.uint8, hint="the generic hint")  # fmt: skip
    assert wrong_values.hint == "the generic hint"  # no 255 or truncation hint that does not apply


def test_the_shape_message_says_height_and_width_are_swapped():
    error = _mismatch(got=np.zeros((3, 2), np.uint8), exact=np.zeros((2, 3)), inputs={},
                      dtype=np.uint8)  # fmt: skip
    assert "swapped" in error.hint


def test_small_arrays_are_shown_whole():
    assert describe(np.arange(24.0).reshape(4, 6)).endswith("23]]")
    assert "first 8" in describe(np.arange(100.0))


def test_new_array_and_in_place_changes_are_named():
    image = np.arange(4.0)
    check_new_array(LocalFunction(lambda a: a * 2).call(image), {})
    with pytest.raises(Mismatch, match="view of the input"):
        check_new_array(LocalFunction(lambda a: a[::-1]).call(image), {})

    def in_place(a):
        a *= 2
        return a.copy()

    with pytest.raises(Mismatch, match="changed its input `a` in place"):
        check_new_array(LocalFunction(in_place).call(image.copy()), {})


def test_expect_raises_accepts_the_class_and_its_subclasses_only():
    def raises(error):
        def function(x):
            raise error("no")

        return function

    expect_raises(raises(ValueError), "ValueError", {}, 1)
    expect_raises(raises(type("AxisError", (ValueError,), {})), "ValueError", {}, 1)
    with pytest.raises(Mismatch, match="raised TypeError"):
        expect_raises(raises(TypeError), "ValueError", {}, 1)
    with pytest.raises(Mismatch, match="returned 1"):
        expect_raises(lambda x: x, "ValueError", {}, 1)


def test_partitions_ignore_label_names():
    assert same_partition([0, 0, 1], ["b", "b", "a"])
    assert not same_partition([0, 0, 1], [0, 1, 1])
    assert not same_partition([0, 1], [0, 1, 2])


def test_format_number_keeps_the_digits_that_matter():
    assert format_number(0.1 + 0.2) == "0.3"
    assert format_number(1 / 3) == "0.3333333"
    assert format_number(2.985e-05) == "2.985e-05"
    assert format_number(np.int64(7)) == "7"
    assert isinstance(Call(1), Call)
