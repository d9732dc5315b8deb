"""Tests of coursekit.metrics: per-class sensitivity, its counts and its chance level."""

import doctest

import numpy as np
import pytest
from sklearn.metrics import balanced_accuracy_score, recall_score

import coursekit.metrics as metrics_module
from coursekit.metrics import Sensitivity, sensitivity, sensitivity_table, wilson_interval

TRUE = np.array(["mel"] * 5 + ["nv"] * 8 + ["bcc"] * 3)
PRED = np.array(["mel", "mel", "nv", "nv", "bcc"]          # 2 of 5 melanomas found
                + ["nv"] * 6 + ["mel", "bcc"]              # 6 of 8 naevi
                + ["bcc", "nv", "nv"])                     # 1 of 3 bcc


def test_sensitivity_table_counts_and_agrees_with_scikit_learn():
    table = sensitivity_table(TRUE, PRED)
    assert list(table.index) == ["bcc", "mel", "nv"] and table.index.name == "class"
    assert list(table.columns) == ["sensitivity", "found", "total", "predicted", "chance"]
    np.testing.assert_array_equal(table["found"], [1, 2, 6])
    np.testing.assert_array_equal(table["total"], [3, 5, 8])
    np.testing.assert_array_equal(table["predicted"], [3, 3, 10])
    np.testing.assert_allclose(table["chance"], np.array([3, 3, 10]) / 16)
    np.testing.assert_allclose(
        table["sensitivity"], recall_score(TRUE, PRED, labels=["bcc", "mel", "nv"], average=None)
    )
    assert table["sensitivity"].mean() == pytest.approx(balanced_accuracy_score(TRUE, PRED))


def test_sensitivity_for_melanoma():
    result = sensitivity(TRUE, PRED, positive="mel")
    assert isinstance(result, Sensitivity)
    assert result[:5] == ("mel", 0.4, 2, 5, 3 / 16)
    assert (result.low, result.high) == pytest.approx((0.1176, 0.7693), abs=1e-4)
    assert str(result) == ("mel: sensitivity 0.40 (2 of 5 found, 95 % interval 0.12 to 0.77; "
                           "chance level 0.19)")
    assert sensitivity(TRUE, PRED) == result  # melanoma by default


def test_chance_level_is_the_mean_sensitivity_of_shuffled_predictions():
    rng = np.random.default_rng(0)
    shuffled = [sensitivity(TRUE, rng.permutation(PRED)).sensitivity for _ in range(1000)]
    assert np.mean(shuffled) == pytest.approx(sensitivity(TRUE, PRED).chance, abs=0.02)


def test_calling_everything_melanoma_finds_all_at_chance_level_one():
    result = sensitivity(TRUE, ["mel"] * TRUE.size)
    assert (result.sensitivity, result.found, result.chance) == (1.0, 5, 1.0)
    table = sensitivity_table(TRUE, ["mel"] * TRUE.size)
    assert table.loc["nv", "sensitivity"] == 0 and table.loc["nv", "predicted"] == 0


def test_predicted_classes_absent_from_the_truth_and_numeric_labels():
    table = sensitivity_table([0, 0, 1, 1], [0, 2, 2, 1])
    assert list(table.index) == [0, 1]  # class 2 is never true: no row
    np.testing.assert_array_equal(table["found"], [1, 1])
    assert sensitivity([0, 0, 1, 1], [0, 2, 2, 1], positive=1).sensitivity == 0.5


@pytest.mark.parametrize(
    "true, pred, kwargs, message",
    [
        (TRUE, PRED, {"positive": "scc"}, r"positive='scc' does not occur.*\['bcc', 'mel', 'nv'\]"),
        (TRUE, PRED[:-1], {}, "labels_true has 16 labels but labels_pred has 15"),
        ([], [], {}, "empty"),
        (["mel", None], ["mel", "nv"], {}, "labels_true has 1 missing label"),
    ],
)
def test_validation(true, pred, kwargs, message):
    with pytest.raises(ValueError, match=message):
        sensitivity(true, pred, **kwargs)


def test_docstring_examples_run():
    result = doctest.testmod(metrics_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_wilson_interval_matches_the_published_values_and_stays_in_0_1():
    # Brown, Cai & DasGupta (2001) and the issue: 10 of 20 -> 0.30 to 0.70.
    assert wilson_interval(10, 20) == pytest.approx((0.2993, 0.7007), abs=1e-4)
    assert wilson_interval(5, 14) == pytest.approx((0.1634, 0.6124), abs=1e-4)
    low, high = wilson_interval(0, 7)
    assert low == 0 and 0.3 < high < 0.45
    assert wilson_interval(7, 7)[1] == 1
    # A wider interval for a higher confidence, narrower for more trials.
    assert np.subtract(*wilson_interval(10, 20, 0.99)) < np.subtract(*wilson_interval(10, 20))
    assert np.subtract(*wilson_interval(100, 200)) > np.subtract(*wilson_interval(10, 20))


@pytest.mark.parametrize("found, total", [(3, 2), (-1, 4), (1, 0), (1.5, 4), (True, 3)])
def test_wilson_interval_refuses_impossible_counts(found, total):
    with pytest.raises(ValueError, match="found <= total"):
        wilson_interval(found, total)


def test_paired_difference_is_a_paired_t_interval_widened_for_overlapping_splits():
    from scipy import stats

    from coursekit.metrics import paired_difference

    rng = np.random.default_rng(0)
    b = rng.normal(0.5, 0.05, 20)  # repeats differ a lot (hard and easy test sets) ...
    a = b + 0.01 + rng.normal(0, 0.005, 20)  # ... but a beats b in (nearly) every one
    plain = paired_difference(a, b)
    d = a - b
    half = stats.t.ppf(0.975, 19) * d.std(ddof=1) / np.sqrt(20)
    assert (plain.low, plain.high) == pytest.approx((d.mean() - half, d.mean() + half))
    assert plain.low > 0 and plain.wins >= 18 and plain.n == 20
    # The spread of b alone (about 0.2 wide) would hide this gain: pairing is the point.
    assert b.max() - b.min() > 10 * plain.mean
    corrected = paired_difference(a, b, test_train_ratio=0.43)
    assert corrected.low < plain.low and corrected.high > plain.high
    bonferroni = paired_difference(a, b, confidence=1 - 0.05 / 8)
    assert bonferroni.low < plain.low
    with pytest.raises(ValueError, match="same length >= 2"):
        paired_difference([0.1, 0.2], [0.1])
    with pytest.raises(ValueError, match="NaN"):
        paired_difference([0.1, np.nan], [0.1, 0.2])


def test_sensitivity_counts_each_lesion_once():
    true = ["mel"] * 6 + ["nv"] * 4
    pred = ["mel", "mel", "nv", "nv", "mel", "nv", "nv", "nv", "mel", "mel"]
    lesions = ["A", "A", "B", "B", "C", "C", "D", "D", "E", "E"]
    by_image = sensitivity(true, pred)
    assert (by_image.found, by_image.total) == (3, 6)
    by_lesion = sensitivity(true, pred, groups=lesions)
    # A: 2 of 2 called mel (found); B: 0 of 2; C: 1 of 2, at least half (found); D, E: nv.
    assert (by_lesion.found, by_lesion.total) == (2, 3)
    assert by_lesion.chance == pytest.approx(3 / 5)  # A, C and E called melanoma
    assert (by_lesion.low, by_lesion.high) == pytest.approx(wilson_interval(2, 3))
    with pytest.raises(ValueError, match="group 'A' holds samples of several classes"):
        sensitivity(["mel", "nv"], ["mel", "mel"], groups=["A", "A"])
    with pytest.raises(ValueError, match="one group per sample"):
        sensitivity(true, pred, groups=lesions[:-1])
