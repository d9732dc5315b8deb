"""Hints the hidden checks give when an image is the expected one moved."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

_spec = importlib.util.spec_from_file_location(
    "autograder_checks", Path(__file__).parents[1] / "autograder" / "_checks.py"
)
checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checks)


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
    assert checks.explain_arrangement(move(expected), expected) == (
        f"your result is the expected image {words}"
    )


def test_tiny_image_names_the_mirror_first_and_the_equivalent_too():
    expected = np.array([[1, 2]], dtype=np.uint8)
    hint = checks.explain_arrangement(np.fliplr(expected), expected)
    assert hint.startswith("your result is the expected image mirrored left-right")
    assert "turned 180 degrees" in hint


def test_no_hint_for_equal_or_unrelated_images():
    expected = np.arange(6, dtype=np.uint8).reshape(2, 3)
    assert checks.explain_arrangement(expected.copy(), expected) is None
    assert checks.explain_arrangement(expected + 1, expected) is None
