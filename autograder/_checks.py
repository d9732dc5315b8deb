"""Helpers of the hidden tests: generated inputs, tolerant comparisons, student-facing messages.

Every check compares the student's answer with the ``coursekit`` reference (computed
here, in the grader, never in the student's process) or with a property of the
contract, and fails with a :class:`Mismatch` that names the smallest failing input,
the expected and the actual result (shape, dtype, a few values) and a hint.
Tolerances are listed in ``README.md``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky

from coursekit.grading.errors import StudentCodeProblem

# Fixed seed (derandomize), bounded examples, no database: the same submission always
# gets the same examples, and failures shrink to a small one.
GRADING = settings(
    max_examples=30,
    derandomize=True,
    database=None,
    deadline=None,
    report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck),
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    print_blob=False,
)


class Mismatch(AssertionError):
    """The student's result differs from the expected one.

    Attributes ``hint`` (a sentence for the student) and ``images`` (input, expected
    and got, for the HTML feedback) are read by :mod:`coursekit.grading.plugin`.
    """

    def __init__(self, message: str, *, hint: str | None = None, images: dict | None = None):
        super().__init__(message)
        self.hint = hint
        self.images = images or {}


# -- describing values ----------------------------------------------------------------------
def describe(value, max_values: int = 12) -> str:
    """Short student-facing description: type/dtype, shape and a few values."""
    if isinstance(value, np.ndarray):
        text = np.array2string(
            value.ravel()[:max_values] if value.size > max_values else value,
            precision=4,
            separator=", ",
            threshold=max_values,
            max_line_width=100,
        )
        more = f" (first {max_values} of {value.size} values)" if value.size > max_values else ""
        return f"{value.dtype} array of shape {value.shape}: {text}{more}"
    if hasattr(value, "shape") and hasattr(value, "head"):  # a DataFrame
        return f"DataFrame with {len(value)} rows, columns {list(value.columns)}"
    if isinstance(value, (list, tuple)) and len(value) > max_values:
        return f"{type(value).__name__} of length {len(value)}: {list(value[:max_values])} ..."
    text = repr(value)
    return text if len(text) < 300 else text[:300] + " ..."


def describe_inputs(inputs: dict) -> str:
    return "; ".join(f"{name} = {describe(value)}" for name, value in inputs.items())


def fail(
    problem: str,
    inputs: dict,
    expected=None,
    got=None,
    *,
    hint=None,
    images=None,
    show_expected: bool = True,
):
    """Raise a :class:`Mismatch` with the student-facing message."""
    lines = [f"Smallest failing input: {describe_inputs(inputs)}"]
    if show_expected:
        lines.append(f"Expected: {describe(expected)}")
        lines.append(f"Got:      {describe(got)}")
    lines.append(f"Problem: {problem}")
    raise Mismatch("\n".join(lines), hint=hint, images=images)


# -- generated inputs -----------------------------------------------------------------------
@st.composite
def images(
    draw, min_side=1, max_side=16, grey=True, rgb=True, dtypes=("uint8", "float64"), square=False
):
    """Random course images: grey and/or RGB, uint8 and/or float, any shape in the bounds."""
    height = draw(st.integers(min_side, max_side))
    width = height if square else draw(st.integers(min_side, max_side))
    channels = draw(st.sampled_from([c for c, ok in ((None, grey), (3, rgb)) if ok]))
    dtype = draw(st.sampled_from(dtypes))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    shape = (height, width) if channels is None else (height, width, channels)
    if dtype == "uint8":
        return rng.integers(0, 256, size=shape, dtype=np.uint8)
    return rng.random(shape).astype(dtype)


# Well separated, saturated colours (no greys, no reds near the hue wrap-around), so that
# every correct k-means finds the same clusters in rgb, hsv and lab.
PALETTE = np.array(
    [[150, 75, 40], [40, 70, 180], [60, 160, 70], [120, 50, 140], [235, 200, 120]], dtype=np.uint8
)


@st.composite
def clustered_images(draw, max_side=10, max_k=4):
    """``(image, k)``: an RGB image made of ``k`` well separated colours plus slight noise."""
    k = draw(st.integers(1, max_k))
    height = draw(st.integers(1, max_side))
    width = draw(st.integers(max(1, -(-k // height)), max_side))
    dtype = draw(st.sampled_from(["uint8", "float64"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    labels = np.concatenate([np.arange(k), rng.integers(0, k, height * width - k)])
    rng.shuffle(labels)
    image = PALETTE[:k][labels].reshape(height, width, 3).astype(np.int16)
    image = np.clip(image + rng.integers(-3, 4, image.shape), 0, 255).astype(np.uint8)
    return (image if dtype == "uint8" else image / 255.0), k


# -- running a property with student functions ----------------------------------------------
def run(check, student) -> None:
    """Run hypothesis-decorated ``check``; explain student errors with their smallest input."""
    try:
        check()
    except Flaky:
        raise Mismatch(
            "your function gave different results when called again with the same input.",
            hint="every random step must use random_state (e.g. KMeans(..., random_state="
            "random_state)), so that the same input and seed always give the same answer.",
        ) from None
    except StudentCodeProblem as exc:
        if student.last_call is not None and exc.status in ("error", "timeout"):
            name, args, kwargs = student.last_call
            shown = {f"argument {i + 1}": a for i, a in enumerate(args)} | dict(kwargs)
            raise type(exc)(f"{exc}\nInput: {describe_inputs(shown)}") from None
        raise


# -- comparisons ----------------------------------------------------------------------------
# Mirrors first: on tiny inputs (1×2) a mirror can equal a half turn, and a swapped flip axis
# is the likelier mistake.
_ARRANGEMENTS = {
    "mirrored left-right": np.fliplr,
    "mirrored upside down": np.flipud,
    "turned 90 degrees counter-clockwise": lambda a: np.rot90(a, 1),
    "turned 180 degrees": lambda a: np.rot90(a, 2),
    "turned 90 degrees clockwise": lambda a: np.rot90(a, -1),
    "transposed (rows and columns swapped)": lambda a: np.swapaxes(a, 0, 1),
}


def explain_arrangement(got: np.ndarray, expected: np.ndarray) -> str | None:
    """Say how ``got`` relates to ``expected`` when it is the expected image moved.

    Every arrangement that fits is named, the likeliest first.
    """
    if got.ndim < 2 or expected.ndim < 2 or got.dtype != expected.dtype:
        return None
    if np.array_equal(expected, got) and expected.shape == got.shape:
        return None
    fits = [
        words
        for words, move in _ARRANGEMENTS.items()
        if (moved := move(expected)).shape == got.shape and np.array_equal(moved, got)
    ]
    if not fits:
        return None
    also = f" (on this input that is the same as: {', '.join(fits[1:])})" if fits[1:] else ""
    return f"your result is the expected image {fits[0]}{also}"


def array_problem(got, expected, *, check_dtype=True) -> str | None:
    """Type, shape and dtype problems of ``got`` (None when they match ``expected``)."""
    if not isinstance(got, np.ndarray):
        return f"expected a numpy array, got {type(got).__name__}"
    if got.shape != expected.shape:
        return f"the shape differs: expected {expected.shape}, got {got.shape}"
    if check_dtype and got.dtype != expected.dtype:
        if expected.dtype == np.uint8:
            return (
                f"the dtype differs: expected uint8 (like the input), got {got.dtype}; "
                "convert back with np.rint(result * 255).astype(np.uint8)"
            )
        return f"the dtype differs: expected {expected.dtype}, got {got.dtype}"
    return None


def assert_image_close(
    got,
    expected,
    inputs: dict,
    *,
    hint=None,
    uint8_levels=1.0,
    float_tol=1e-6,
    within_share=1.0,
    loose_levels=None,
    mask=None,
    input_image=None,
):
    """Compare an image result with the reference.

    uint8 results: at least ``within_share`` of the compared values within
    ``uint8_levels`` grey levels, and all within ``loose_levels`` (default: the same).
    Float results: the same in units of 1/255 when ``float_tol`` is None, else all
    within ``float_tol``. ``mask`` (H, W) restricts the comparison to some pixels.
    """
    problem = array_problem(got, expected)
    images = {"input": input_image, "expected": expected, "got": got}
    images = {k: v for k, v in images.items() if isinstance(v, np.ndarray)}
    if problem is None:
        diff = np.abs(got.astype(np.float64) - expected.astype(np.float64))
        if expected.dtype != np.uint8:
            if float_tol is not None:
                levels, loose, diff = float_tol, float_tol, diff
            else:
                levels, loose, diff = uint8_levels, loose_levels or uint8_levels, diff * 255.0
        else:
            levels, loose = uint8_levels, loose_levels or uint8_levels
        if mask is not None:
            diff = diff[mask]
        if not np.all(np.isfinite(diff)):
            problem = "the result contains NaN or infinite values"
        elif diff.size:
            share = float(np.mean(diff <= levels + 1e-9))
            worst = float(diff.max())
            if share < within_share or worst > loose + 1e-9:
                unit = (
                    "" if expected.dtype != np.uint8 and float_tol is not None else " grey levels"
                )
                problem = (
                    f"values differ by up to {worst:.4g}{unit}; "
                    f"{100 * (1 - share):.1f}% of the compared values are off by more "
                    f"than {levels:g}{unit}"
                )
                moved = explain_arrangement(got, expected)
                if moved:
                    problem += f" ({moved})"
    elif isinstance(got, np.ndarray):
        moved = explain_arrangement(got, expected)
        if moved:
            problem += f" ({moved})"
    if problem:
        fail(problem, inputs, expected, got, hint=hint, images=images)


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """True when labellings ``a`` and ``b`` group the samples identically (names aside)."""
    a, b = np.asarray(a).ravel(), np.asarray(b).ravel()
    if a.shape != b.shape:
        return False
    pairs = np.unique(np.stack([a, b]), axis=1)
    return len(np.unique(pairs[0])) == pairs.shape[1] == len(np.unique(pairs[1]))


def label_mapping(got: np.ndarray, expected: np.ndarray) -> dict:
    """``{expected label: got label}`` for two identical partitions."""
    return {int(e): int(g) for e, g in zip(expected.ravel(), got.ravel(), strict=True)}
