"""A hint names only a cause it has confirmed (issue 19, item 3).

Each test grades a wrong catalogue entry (or a small cell) with the real hidden tests and
asserts that the hint names the mistake only where the mistaken variant of the reference
reproduces the answer, that a different mistake on the same check is not given that hint,
that "Expected"/"Got" show where the values differ, that disagreeing calls and state kept
between calls are told, and that one mistake costs one check.
"""

from __future__ import annotations

import os

import pytest
from catalogue import all_entries
from fixtures.local_student import grade_source

os.environ.setdefault("COURSEKIT_SALT", "coursekit-tests")

BY_ID = {e.id: e for e in all_entries()}


def _outcomes(entry_id=None, *, question=None, source=None):
    if entry_id is not None:
        entry = BY_ID[entry_id]
        question, source = entry.question, entry.source
    return {o.check: o for o in grade_source(question, source)}


def _feedback(outcome) -> str:
    error = outcome.error
    return f"{error}\nHint: {getattr(error, 'hint', None)}"


def _failed(outcomes) -> list[str]:
    return [c for c, o in outcomes.items() if not o.passed]


def test_inverse_gamma_is_named_where_it_alone_fits():
    outcomes = _outcomes("adjust_gamma:bug:inverse_gamma")
    assert not outcomes["values"].passed
    assert "1 / gamma" in _feedback(outcomes["values"])
    assert "multiply by 255" not in _feedback(outcomes["values"])


def test_a_scale_slip_is_not_called_inverse_gamma():
    source = (
        "import numpy as np\n"
        "def adjust_gamma(image, gamma):\n"
        "    unit = image / 255.0 if image.dtype == np.uint8 else image\n"
        "    out = unit ** gamma\n"
        "    return np.rint(out).astype(np.uint8) if image.dtype == np.uint8 else out\n"
    )
    outcomes = _outcomes(question="adjust_gamma", source=source)
    assert _failed(outcomes) == ["rounding"]
    text = _feedback(outcomes["rounding"])
    assert "1 / gamma" not in text and "truncated" not in text
    assert "at [" in text  # where the values differ, with both values


def test_a_table_kept_between_calls_is_told():
    outcomes = _outcomes("adjust_gamma:bug:table_cached_by_dtype")
    assert not outcomes["rounding"].passed
    assert "depends on what it was called with before" in _feedback(outcomes["rounding"])


def test_two_calls_that_disagree_are_told():
    source = (
        "import numpy as np\n"
        "CALLS = [0]\n"
        "def flip(image, axis):\n"
        "    CALLS[0] += 1\n"
        "    if axis not in ('horizontal', 'vertical'):\n"
        "        raise ValueError(axis)\n"
        "    out = image[:, ::-1] if axis == 'horizontal' else image[::-1]\n"
        "    return (out if CALLS[0] % 3 else out[::-1, ::-1]).copy()\n"
    )
    outcomes = _outcomes(question="flip", source=source)
    assert not outcomes["mirrors"].passed
    assert "two calls with the same arguments disagree" in _feedback(outcomes["mirrors"])


def test_a_wrong_lab_range_is_named_and_costs_one_check():
    outcomes = _outcomes("colour_histogram:bug:lab_range_100")
    assert _failed(outcomes) == ["colour_spaces"]
    text = _feedback(outcomes["colour_spaces"])
    assert "Lab ranges" in text and "divide a uint8 image by 255" not in text


def test_a_uint8_image_not_divided_by_255_is_named_in_the_dtypes_check():
    source = (
        "import numpy as np\n"
        "import skimage.color\n"
        "RANGES = {'rgb': [(0, 1)] * 3, 'hsv': [(0, 1)] * 3,\n"
        "          'lab': [(0, 100), (-128, 127), (-128, 127)]}\n"
        "def colour_histogram(image, bins=8, colour_space='rgb'):\n"
        "    x = image.astype(np.float64)\n"
        "    if colour_space == 'hsv':\n"
        "        x = skimage.color.rgb2hsv(x)\n"
        "    elif colour_space == 'lab':\n"
        "        x = skimage.color.rgb2lab(x)\n"
        "    parts = []\n"
        "    for c, r in enumerate(RANGES[colour_space]):\n"
        "        counts, _ = np.histogram(x[..., c], bins=bins, range=r)\n"
        "        total = counts.sum()\n"
        "        parts.append(counts / total if total else counts * 0.0)\n"
        "    return np.concatenate(parts)\n"
    )
    outcomes = _outcomes(question="colour_histogram", source=source)
    assert not outcomes["dtypes"].passed
    text = _feedback(outcomes["dtypes"])
    assert "differs from your histogram of the same image divided by 255" in text


def test_dbscan_labels_shifted_by_one_are_not_blamed_on_the_defaults():
    outcomes = _outcomes("cluster_images:bug:dbscan_shifted")
    assert _failed(outcomes) == ["dbscan"]
    text = _feedback(outcomes["dbscan"])
    assert "plus one" in text and "defaults" not in text


def test_dbscan_defaults_are_named_when_they_reproduce_the_labels():
    text = _feedback(_outcomes("cluster_images:bug:dbscan_defaults")["dbscan"])
    assert "defaults (eps=0.5, min_samples=5) give these labels" in text


def test_truncation_is_named_only_for_truncation():
    truncated = _outcomes("resize_image:bug:truncates")
    assert "truncated" in _feedback(truncated["rounding"])
    scale = _outcomes("resize_image:bug:no_preserve_range")
    failed = [c for c in scale if not scale[c].passed]
    assert failed
    assert all("truncated" not in _feedback(scale[c]) for c in failed)


def test_originals_augmented_are_not_blamed_on_the_seed():
    outcomes = _outcomes("augment_dataset:bug:originals_augmented")
    assert not outcomes["layout"].passed
    assert outcomes["random_state"].passed


def test_float_positions_cost_only_the_positions_check():
    outcomes = _outcomes("lesion_train_test_split:bug:float_positions")
    assert _failed(outcomes) == ["positions"]


def test_noise_left_out_of_purity_is_named():
    text = _feedback(_outcomes("purity:bug:noise_left_out")["values"])
    assert "-1" in text and "one more cluster" in text


@pytest.mark.parametrize("entry_id, check", [("augment_dataset:bug:seed_sum", "streams"),
                                             ("rotate:bug:exact_modulo", "quarter_turns")])
def test_expected_and_got_show_where_they_differ(entry_id, check):
    text = _feedback(_outcomes(entry_id)[check])
    assert "Expected:" in text and "Got:" in text
    assert "first difference at" in text or "differs: expected" in text or "at [" in text
