"""Hidden tests of assignment 02-augmentation: rotate90, rotate, flip, brightness, gamma.

One test per named check (``coursekit.grading.questions``); each runs the check's contract
(``coursekit.checks.augmentation``) on generated inputs.
"""

import numpy as np
from _checks import grade, images, inputs
from hypothesis import strategies as st

from coursekit.checks.augmentation import MODES
from coursekit.checks.compare import LEFT_OUT
from coursekit.grading.plugin import check

QUARTER_ANGLES = st.sampled_from([-270.0, -180.0, -90.0, 0.0, 90.0, 180.0, 270.0, 360.0, 450.0])
OTHER_ANGLES = st.integers(-1800, 1800).map(lambda a: a / 10).filter(lambda a: a % 90 != 0)


#: float32 and 1 x 1 images, k left out (one turn) and k a numpy integer.
ROT90_DOMAIN = [
    {"image": np.random.default_rng(1).random((2, 3, 3)).astype(np.float32), "k": np.int64(3)},
    {"image": np.array([[9]], dtype=np.uint8), "k": LEFT_OUT},
    {"image": np.random.default_rng(2).random((2, 4)), "k": LEFT_OUT},
    {"image": np.random.default_rng(3).random((3, 1)).astype(np.float32), "k": 5},
]  # fmt: skip


@check("rotate90", "quarter_turns")
def test_rotate90__quarter_turns(student):
    grade(student, "rotate90", "quarter_turns", fixed=ROT90_DOMAIN,
          cases=inputs(image=images(dtypes=("uint8", "float32", "float64")),
                       k=st.integers(-5, 5)))  # fmt: skip


#: Images one pixel wide or high: a turned or mirrored view of them is contiguous, so
#: np.ascontiguousarray hands the view back instead of a new array.
THIN = [np.arange(3, dtype=np.uint8).reshape(3, 1), np.arange(3, dtype=np.uint8).reshape(1, 3),
        np.linspace(0, 1, 9).reshape(3, 1, 3)]  # fmt: skip


@check("rotate90", "new_array")
def test_rotate90__new_array(student):
    fixed = [{"image": image, "k": k} for image in THIN for k in (0, 2)]
    grade(student, "rotate90", "new_array", max_examples=10, fixed=fixed,
          cases=inputs(image=images(min_side=2), k=st.integers(-4, 4)))  # fmt: skip


#: Angles within 1e-9 degrees of a quarter turn are quarter turns (the shape of a non-square
#: image swaps); an int angle; float32 and 1 x 1 images; mode and resize left out.
NEAR_QUARTERS = [
    {"image": np.arange(6, dtype=np.uint8).reshape(2, 3), "angle": 90 + 5e-10},
    {"image": np.random.default_rng(5).random((3, 5, 3)), "angle": -90 - 4e-10, "mode": "wrap",
     "resize": False},
    {"image": np.random.default_rng(6).random((2, 4)).astype(np.float32), "angle": 270 + 1e-10,
     "mode": "constant", "resize": True},
    {"image": np.array([[3]], dtype=np.uint8), "angle": 180, "resize": True},
    {"image": np.arange(12, dtype=np.uint8).reshape(3, 4), "angle": 450},
]  # fmt: skip


@check("rotate", "quarter_turns")
def test_rotate__quarter_turns(student):
    grade(student, "rotate", "quarter_turns", fixed=NEAR_QUARTERS, cases=inputs(
        image=images(), angle=QUARTER_ANGLES, mode=st.sampled_from(MODES),
        resize=st.booleans()))  # fmt: skip


#: Just outside the 1e-9 degrees of a quarter turn: interpolated, the shape kept (a test
#: such as np.isclose(angle % 90, 0) with its default tolerances takes these for quarter
#: turns); float32 images.
JUST_OFF = [
    {"image": np.random.default_rng(7).random((5, 8)), "angle": 90 + 2e-9, "mode": "reflect"},
    {"image": np.random.default_rng(8).integers(0, 256, (6, 9, 3), dtype=np.uint8),
     "angle": -180 + 1e-7, "mode": "edge"},
    {"image": np.random.default_rng(9).random((7, 5, 3)).astype(np.float32), "angle": 33.0,
     "mode": "symmetric"},
]  # fmt: skip


@check("rotate", "any_angle")
def test_rotate__any_angle(student):
    grade(student, "rotate", "any_angle", fixed=JUST_OFF, cases=inputs(
        image=images(min_side=4), angle=OTHER_ANGLES, mode=st.sampled_from(MODES)))  # fmt: skip


#: mode left out: the corners are filled as 'reflect' fills them.
DEFAULT_MODE = [{"image": np.random.default_rng(s).random((8, 10)), "angle": a, "mode": LEFT_OUT}
                for s, a in ((10, 30.0), (11, -52.5))]  # fmt: skip


@check("rotate", "mode")
def test_rotate__mode(student):
    grade(student, "rotate", "mode", max_examples=15, fixed=DEFAULT_MODE, cases=inputs(
        image=images(min_side=5), angle=OTHER_ANGLES.filter(lambda a: abs(a % 90 - 45) < 40),
        mode=st.sampled_from(MODES)))  # fmt: skip


@check("rotate", "resize")
def test_rotate__resize(student):
    grade(student, "rotate", "resize", max_examples=15, cases=inputs(
        image=images(min_side=3), angle=OTHER_ANGLES, mode=st.sampled_from(MODES)))  # fmt: skip


@check("flip", "mirrors")
def test_flip__mirrors(student):
    grade(student, "flip", "mirrors", fixed=[
        {"image": np.random.default_rng(12).random((2, 3, 3)).astype(np.float32),
         "axis": "vertical"},
        {"image": np.array([[5]], dtype=np.uint8), "axis": "horizontal"}],
          cases=inputs(image=images(dtypes=("uint8", "float32", "float64")),
                       axis=st.sampled_from(["horizontal", "vertical"])))  # fmt: skip


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
#: Exact results on .5 (1 * 0.5, 3 * 0.5, 5 * 0.5 grey levels): either neighbour is accepted.
HALF_WAY = np.array([[1, 3], [5, 200]], dtype=np.uint8)


@check("adjust_brightness", "values")
def test_adjust_brightness__values(student):
    grade(student, "adjust_brightness", "values",
          fixed=[{"image": image, "factor": 1.3} for image in FLOAT32]
          + [{"image": FLOAT32[0], "factor": f} for f in (0, 1, 2)],
          cases=inputs(image=images(dtypes=("float64",)), factor=FACTORS))  # fmt: skip


@check("adjust_brightness", "rounding")
def test_adjust_brightness__rounding(student):
    grade(student, "adjust_brightness", "rounding",
          fixed=[{"image": image, "factor": f} for image in DARK for f in (1.5, 40.0)]
          + [{"image": HALF_WAY, "factor": 0.5}, {"image": np.array([[7]], np.uint8),
                                                   "factor": 3}],
          cases=inputs(image=images(dtypes=("uint8",), min_side=3), factor=FACTORS))  # fmt: skip


@check("adjust_brightness", "new_array")
def test_adjust_brightness__new_array(student):
    grade(student, "adjust_brightness", "new_array", max_examples=10,
          cases=inputs(image=images(), factor=st.sampled_from([0.5, 1.0, 1.5, 2.0])))


@check("adjust_gamma", "values")
def test_adjust_gamma__values(student):
    grade(student, "adjust_gamma", "values",
          fixed=[{"image": image, "gamma": 0.7} for image in FLOAT32]
          + [{"image": np.array([[0.0, 0.3, 1.0]]), "gamma": g} for g in (1, 2, 3)],
          cases=inputs(image=images(dtypes=("float64",)), gamma=GAMMAS))  # fmt: skip


@check("adjust_gamma", "rounding")
def test_adjust_gamma__rounding(student):
    grade(student, "adjust_gamma", "rounding",
          fixed=[{"image": image, "gamma": g} for image in DARK for g in (0.5, 0.25)]
          + [{"image": np.array([[0, 90, 255]], np.uint8), "gamma": 2},
             {"image": np.array([[200]], np.uint8), "gamma": 1}],
          cases=inputs(image=images(dtypes=("uint8",), min_side=3), gamma=GAMMAS))  # fmt: skip


@check("adjust_gamma", "new_array")
def test_adjust_gamma__new_array(student):
    grade(student, "adjust_gamma", "new_array", max_examples=10,
          cases=inputs(image=images(), gamma=st.sampled_from([0.5, 1.0, 2.0])))
