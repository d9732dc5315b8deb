"""Hidden tests of assignment 02-augmentation: rotate90, rotate, flip, brightness, gamma.

One test per named check (``coursekit.grading.questions``); each runs the check's contract
(``coursekit.checks.augmentation``) on generated inputs.
"""

import numpy as np
from _checks import grade, images, inputs
from hypothesis import strategies as st

from coursekit.checks.augmentation import MODES
from coursekit.grading.plugin import check

QUARTER_ANGLES = st.sampled_from([-270.0, -180.0, -90.0, 0.0, 90.0, 180.0, 270.0, 360.0, 450.0])
OTHER_ANGLES = st.integers(-1800, 1800).map(lambda a: a / 10).filter(lambda a: a % 90 != 0)


@check("rotate90", "quarter_turns")
def test_rotate90__quarter_turns(student):
    grade(student, "rotate90", "quarter_turns", cases=inputs(image=images(), k=st.integers(-5, 5)))


#: Images one pixel wide or high: a turned or mirrored view of them is contiguous, so
#: np.ascontiguousarray hands the view back instead of a new array.
THIN = [np.arange(3, dtype=np.uint8).reshape(3, 1), np.arange(3, dtype=np.uint8).reshape(1, 3),
        np.linspace(0, 1, 9).reshape(3, 1, 3)]  # fmt: skip


@check("rotate90", "new_array")
def test_rotate90__new_array(student):
    fixed = [{"image": image, "k": k} for image in THIN for k in (0, 2)]
    grade(student, "rotate90", "new_array", max_examples=10, fixed=fixed,
          cases=inputs(image=images(min_side=2), k=st.integers(-4, 4)))  # fmt: skip


@check("rotate", "quarter_turns")
def test_rotate__quarter_turns(student):
    grade(student, "rotate", "quarter_turns", cases=inputs(
        image=images(), angle=QUARTER_ANGLES, mode=st.sampled_from(MODES),
        resize=st.booleans()))  # fmt: skip


@check("rotate", "any_angle")
def test_rotate__any_angle(student):
    grade(student, "rotate", "any_angle", cases=inputs(
        image=images(min_side=4), angle=OTHER_ANGLES, mode=st.sampled_from(MODES)))  # fmt: skip


@check("rotate", "mode")
def test_rotate__mode(student):
    grade(student, "rotate", "mode", max_examples=15, cases=inputs(
        image=images(min_side=5), angle=OTHER_ANGLES.filter(lambda a: abs(a % 90 - 45) < 40),
        mode=st.sampled_from(MODES)))  # fmt: skip


@check("rotate", "resize")
def test_rotate__resize(student):
    grade(student, "rotate", "resize", max_examples=15, cases=inputs(
        image=images(min_side=3), angle=OTHER_ANGLES, mode=st.sampled_from(MODES)))  # fmt: skip


@check("flip", "mirrors")
def test_flip__mirrors(student):
    grade(student, "flip", "mirrors", cases=inputs(
        image=images(), axis=st.sampled_from(["horizontal", "vertical"])))  # fmt: skip


@check("flip", "unknown_axis")
def test_flip__unknown_axis(student):
    grade(student, "flip", "unknown_axis", max_examples=10, cases=inputs(
        image=images(max_side=4),
        axis=st.sampled_from(["diagonal", "Horizontal", "left-right", "h", "", 0, 1, None])))


@check("flip", "new_array")
def test_flip__new_array(student):
    fixed = [{"image": image, "axis": axis} for image in THIN
             for axis in ("horizontal", "vertical")]  # fmt: skip
    grade(student, "flip", "new_array", max_examples=10, fixed=fixed, cases=inputs(
        image=images(min_side=2), axis=st.sampled_from(["horizontal", "vertical"])))


FACTORS = st.integers(0, 300).map(lambda f: f / 100)
GAMMAS = st.integers(20, 500).map(lambda g: g / 100)
#: Dark uint8 images (every value 0 or 1): their scale must come from the dtype, not from
#: the values (a test like image.max() > 1 takes them for floats in [0, 1]).
DARK = [np.array([[0, 1], [1, 0]], dtype=np.uint8), np.ones((2, 2, 3), dtype=np.uint8)]


#: float32 images: the result keeps the input's dtype (float32 in, float32 out).
FLOAT32 = [np.random.default_rng(s).random((3, 4, 3)).astype(np.float32) for s in (1, 2)]


@check("adjust_brightness", "values")
def test_adjust_brightness__values(student):
    grade(student, "adjust_brightness", "values",
          fixed=[{"image": image, "factor": 1.3} for image in FLOAT32],
          cases=inputs(image=images(dtypes=("float64",)), factor=FACTORS))  # fmt: skip


@check("adjust_brightness", "rounding")
def test_adjust_brightness__rounding(student):
    grade(student, "adjust_brightness", "rounding",
          fixed=[{"image": image, "factor": f} for image in DARK for f in (1.5, 40.0)],
          cases=inputs(image=images(dtypes=("uint8",), min_side=3), factor=FACTORS))  # fmt: skip


@check("adjust_brightness", "new_array")
def test_adjust_brightness__new_array(student):
    grade(student, "adjust_brightness", "new_array", max_examples=10,
          cases=inputs(image=images(), factor=st.sampled_from([0.5, 1.0, 1.5, 2.0])))


@check("adjust_gamma", "values")
def test_adjust_gamma__values(student):
    grade(student, "adjust_gamma", "values",
          fixed=[{"image": image, "gamma": 0.7} for image in FLOAT32],
          cases=inputs(image=images(dtypes=("float64",)), gamma=GAMMAS))  # fmt: skip


@check("adjust_gamma", "rounding")
def test_adjust_gamma__rounding(student):
    grade(student, "adjust_gamma", "rounding",
          fixed=[{"image": image, "gamma": g} for image in DARK for g in (0.5, 0.25)],
          cases=inputs(image=images(dtypes=("uint8",), min_side=3), gamma=GAMMAS))  # fmt: skip


@check("adjust_gamma", "new_array")
def test_adjust_gamma__new_array(student):
    grade(student, "adjust_gamma", "new_array", max_examples=10,
          cases=inputs(image=images(), gamma=st.sampled_from([0.5, 1.0, 2.0])))
