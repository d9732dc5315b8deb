"""Comparing a function's answer with the expected one, and saying what differs.

Used by every check, in the grader (hidden tests) and in the notebook (quick
checks), so a student reads the same words in both. Each failure raises a
:class:`Mismatch` naming the input, the expected and the actual answer with
enough digits to see the difference, the positions that differ, and a hint
chosen from what actually went wrong (never a generic one that does not apply).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "Mismatch",
    "fail",
    "describe",
    "describe_inputs",
    "format_number",
    "array_problem",
    "check_image",
    "check_new_array",
    "expect_raises",
    "explain_arrangement",
    "same_partition",
    "label_mapping",
    "ROUNDING_SLACK",
    "FLOAT_RTOL",
    "FLOAT_ATOL",
    "HALF_SLACK",
    "CHAIN_SHARE",
    "computed_close",
    "first_difference",
    "confirmed_cause",
    "LEFT_OUT",
    "given",
    "or_default",
]

#: How far a uint8 result may be from the exact (unrounded) value: rounding to the
#: nearest integer moves a value by at most 0.5; the rest allows for float error.
ROUNDING_SLACK = 0.5 + 1e-6

# What is compared exactly and what with a tolerance, the same in the quick checks and the
# hidden tests, so that the grade does not depend on the machine (BLAS kernel, numba or not):
#
# * exact by construction: pixels moved, not computed (quarter turns, flips, the originals in an
#   augmented batch), integers (labels, positions, counts) and the student's own two calls
#   with the same arguments (same process, same machine);
# * float results of a computation: within FLOAT_RTOL relative plus FLOAT_ATOL absolute of the
#   grader's value (another BLAS kernel changes the last bits: about 3e-16), or within a
#   looser tolerance that the check's docstring states (1e-6 for images on the [0, 1] scale);
# * uint8 results: the exact value rounded to the nearest integer; a value may be one grey
#   level off only where the exact value lies within HALF_SLACK of .5 (ROUNDING_SLACK);
# * uint8 results of a chain of rounded steps (the augmentation pipeline), where the exact
#   value is not at hand: every value within one grey level, and at most CHAIN_SHARE of them
#   (at least one value) off by one.

#: Relative tolerance of float results that are computed, not moved.
FLOAT_RTOL = 1e-9
#: Absolute tolerance added to :data:`FLOAT_RTOL`.
FLOAT_ATOL = 1e-12
#: How close to .5 an exact value must be for either neighbour to count as its rounding.
HALF_SLACK = 1e-6
#: Share of the values of a chain of rounded uint8 steps that may be one grey level off.
CHAIN_SHARE = 0.01

_SMALL = 24  # arrays with at most this many values (and 2 dimensions) are shown whole


class _LeftOut:
    """An argument the check leaves out of the call, so that its default is tested."""

    def __repr__(self) -> str:
        return "left out (the default)"

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return "LEFT_OUT"


#: Marks an input that the contract leaves out of the call (the function's default applies).
LEFT_OUT = _LeftOut()


def given(**arguments) -> dict:
    """The keyword arguments that are not :data:`LEFT_OUT`."""
    return {name: value for name, value in arguments.items() if value is not LEFT_OUT}


def or_default(value, default):
    """``default`` for an argument :data:`LEFT_OUT`, else ``value``."""
    return default if value is LEFT_OUT else value


class Mismatch(AssertionError):
    """The answer differs from the expected one.

    Attributes
    ----------
    hint : str or None
        One sentence for the student, chosen from the failure.
    images : dict
        ``{"input", "expected", "got"}`` arrays for the HTML feedback pages.
    """

    def __init__(self, message: str, *, hint: str | None = None, images: dict | None = None):
        super().__init__(message)
        self.hint = hint
        self.images = images or {}


# -- describing values ---------------------------------------------------------------------------
def format_number(value, digits: int = 7) -> str:
    """A number with enough significant digits to tell it from its neighbours."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    if not np.isfinite(value):
        return str(value)
    return np.format_float_positional(value, precision=digits, unique=True, trim="-") if (
        value == 0 or 1e-4 <= abs(value) < 1e7
    ) else np.format_float_scientific(value, precision=digits - 1, unique=True, trim="-")


def _array_text(array: np.ndarray) -> str:
    if array.dtype.kind in "fc":
        formatter = {"float_kind": lambda x: format_number(x)}
    else:
        formatter = None
    return np.array2string(
        array, separator=", ", threshold=_SMALL + 1, max_line_width=100, formatter=formatter
    )


def describe(value) -> str:
    """Student-facing description: type/dtype, shape and the values (all, if few)."""
    if isinstance(value, np.ndarray):
        head = f"{value.dtype} array of shape {value.shape}"
        if value.size == 0:
            return f"{head} (empty)"
        if value.size <= _SMALL and value.ndim <= 2:
            return f"{head}: {_array_text(value)}"
        flat = value.ravel()
        return (
            f"{head}, values from {format_number(flat.min())} to {format_number(flat.max())} "
            f"(first 8: {_array_text(flat[:8])})"
            if value.dtype.kind in "biuf"
            else f"{head} (first 8: {_array_text(flat[:8])})"
        )
    if hasattr(value, "columns") and hasattr(value, "index"):  # a DataFrame
        shown = list(value.index[:8])
        more = f" (the first 8 of {len(value)})" if len(value) > 8 else ""
        columns = list(value.columns)
        return f"DataFrame with {len(value)} rows, columns {columns}, index {shown}{more}"
    if isinstance(value, (float, np.floating)):
        return format_number(value)
    if isinstance(value, (list, tuple)) and len(value) > _SMALL:
        return f"{type(value).__name__} of length {len(value)}: {list(value[:8])} ..."
    text = repr(value)
    return text if len(text) < 400 else text[:400] + " ..."


def describe_inputs(inputs: dict) -> str:
    return "; ".join(f"{name} = {describe(value)}" for name, value in inputs.items())


def fail(
    problem: str,
    inputs: dict,
    expected=None,
    got=None,
    *,
    hint: str | None = None,
    images: dict | None = None,
    show_expected: bool = True,
    details: str | None = None,
):
    """Raise a :class:`Mismatch` with the student-facing message."""
    lines = [f"Input: {describe_inputs(inputs)}"]
    if show_expected:
        lines.append(f"Expected: {describe(expected)}")
        lines.append(f"Got:      {describe(got)}")
    if details:
        lines.append(details)
    lines.append(f"Problem: {problem}")
    raise Mismatch("\n".join(lines), hint=hint, images=images)


# -- moved images -------------------------------------------------------------------------------
# Mirrors first: on tiny inputs (1x2) a mirror can equal a half turn, and a swapped flip axis
# is the likelier mistake.
_ARRANGEMENTS = {
    "mirrored left-right": np.fliplr,
    "mirrored upside down": np.flipud,
    "turned 90 degrees counter-clockwise": lambda a: np.rot90(a, 1),
    "turned 180 degrees": lambda a: np.rot90(a, 2),
    "turned 90 degrees clockwise": lambda a: np.rot90(a, -1),
    "transposed (rows and columns swapped)": lambda a: np.swapaxes(a, 0, 1),
}


def explain_arrangement(got, expected) -> str | None:
    """Say how ``got`` relates to ``expected`` when it is the expected image moved.

    Every arrangement that fits is named, the likeliest first.
    """
    if not isinstance(got, np.ndarray) or not isinstance(expected, np.ndarray):
        return None
    if got.ndim < 2 or expected.ndim < 2 or got.dtype != expected.dtype:
        return None
    if got.shape == expected.shape and np.array_equal(expected, got):
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


# -- arrays -------------------------------------------------------------------------------------
def array_problem(got, expected_shape, expected_dtype=None) -> tuple[str, str | None] | None:
    """``(problem, hint)`` about the type, shape or dtype of ``got``; None when they match."""
    if not isinstance(got, np.ndarray):
        return f"expected a numpy array, got {type(got).__name__}", (
            "return a numpy array (np.asarray(...) turns a list into one)"
        )
    if got.shape != tuple(expected_shape):
        hint = None
        if got.shape[:2] == tuple(expected_shape)[1::-1] and got.shape[2:] == tuple(
            expected_shape
        )[2:]:
            hint = "height and width are swapped: shapes are (height, width[, 3])"
        elif len(got.shape) != len(expected_shape):
            hint = "keep the channel axis: a grey (H, W) image stays 2-D, a colour one (H, W, 3)"
        return f"the shape differs: expected {tuple(expected_shape)}, got {got.shape}", hint
    if expected_dtype is not None and got.dtype != np.dtype(expected_dtype):
        expected_dtype = np.dtype(expected_dtype)
        if expected_dtype == np.uint8 and got.dtype.kind == "f":
            finite = got[np.isfinite(got)]
            if finite.size and finite.max() <= 1.0 + 1e-9:
                hint = (
                    "uint8 in, uint8 out: your values are on the [0, 1] scale; multiply by 255, "
                    "round with np.rint and convert with .astype(np.uint8)"
                )
            else:
                hint = "uint8 in, uint8 out: round (np.rint), then convert (.astype(np.uint8))"
        elif expected_dtype.kind == "f" and got.dtype == np.uint8:
            hint = "a float image in [0, 1] stays float: convert back only a uint8 input"
        else:
            hint = f"return the dtype of the input ({expected_dtype})"
        return f"the dtype differs: expected {expected_dtype}, got {got.dtype}", hint
    return None


def _positions(mask: np.ndarray, limit: int = 4) -> list[tuple]:
    return [tuple(int(i) for i in p) for p in np.argwhere(mask)[:limit]]


def _where(bad: np.ndarray, got: np.ndarray, exact: np.ndarray, *, rounded: bool) -> str:
    lines = []
    for position in _positions(bad):
        want = exact[position]
        shown = format_number(want)
        if rounded and want != np.rint(want):
            shown += f" (rounds to {int(np.rint(np.clip(want, 0, 255)))})"
        off = format_number(abs(float(got[position]) - float(want)))
        lines.append(
            f"  at {list(position)}: expected {shown}, got {format_number(got[position])} "
            f"(off by {off})"
        )
    more = int(bad.sum()) - len(lines)
    if more > 0:
        lines.append(f"  ... and {more} more value(s)")
    return "Differences (position [row, column(, channel)]):\n" + "\n".join(lines)


def check_image(
    got,
    exact,
    inputs: dict,
    *,
    dtype,
    float_tol: float = 1e-6,
    mask=None,
    hint: str | None = None,
    input_image=None,
    what: str = "values",
    variants: dict | None = None,
):
    """Compare an image (or any array) answer with the exact expected values.

    Parameters
    ----------
    got : object
        The answer.
    exact : ndarray of float64
        The expected values *before* any rounding, on the scale of the result
        (0..255 for ``uint8`` results, 0..1 for float results).
    inputs : dict
        The inputs, named as in the function's signature, for the message.
    dtype : numpy dtype
        The expected dtype. For ``uint8`` every value must be within
        :data:`ROUNDING_SLACK` of ``exact`` (rounded to the nearest integer);
        for floats within ``float_tol``.
    mask : (H, W) bool ndarray, optional
        Compare only these pixels.
    hint : str, optional
        Said when the values differ and no more specific hint applies.
    input_image : ndarray, optional
        Shown in the HTML feedback beside the expected and the actual image.
    what : str
        What the values are, for the message ("values", "the interior").
    variants : dict, optional
        ``{hint: exact values}`` of mistaken variants of the reference on the same input
        (e.g. ``1 / gamma``), on the result's scale. Besides truncation and the [0, 1]
        scale (tried for every uint8 result) and * 255 (every float result), a hint naming a
        cause is given only when exactly one variant reproduces the answer; otherwise the
        message shows where the values differ, and ``hint`` (the recipe) is said.
    """
    exact = np.asarray(exact, dtype=np.float64)
    dtype = np.dtype(dtype)
    expected = np.clip(np.rint(exact), 0, 255).astype(np.uint8) if dtype == np.uint8 else exact
    images = {"input": input_image, "expected": expected, "got": got}
    images = {k: v for k, v in images.items() if isinstance(v, np.ndarray) and v.ndim in (2, 3)}
    problem = array_problem(got, exact.shape, dtype)
    if problem is not None:
        text, specific = problem
        moved = explain_arrangement(got, expected)
        if moved:
            text += f" ({moved})"
        fail(text, inputs, expected, got, hint=specific or hint, images=images)
    values = got.astype(np.float64)
    compare = np.ones(exact.shape[:2], dtype=bool) if mask is None else np.asarray(mask, bool)
    if exact.ndim == 3:
        compare = np.repeat(compare[..., None], exact.shape[2], axis=2)
    if not np.all(np.isfinite(values[compare])):
        fail("the result contains NaN or infinite values", inputs, expected, got, hint=hint,
             images=images)  # fmt: skip
    deviation = np.abs(values - exact)
    slack = ROUNDING_SLACK if dtype == np.uint8 else float_tol
    bad = compare & (deviation > slack)
    if not bad.any():
        return
    # Rounding only matters when the exact values are not whole numbers already.
    rounded = dtype == np.uint8 and not np.array_equal(exact[compare], np.rint(exact[compare]))
    worst = format_number(float(deviation[compare].max()))
    count = f"{int(bad.sum())} of {int(compare.sum())} compared {what}"
    if rounded:
        text = (
            f"{count} are not the exact values rounded to the nearest integer "
            f"(off by up to {worst} grey levels)"
        )
    elif slack == 0 or dtype == np.uint8:
        text = f"{count} differ (by up to {worst})"
    else:
        text = f"{count} differ by more than {format_number(slack)} (by up to {worst})"
    specific = None
    moved = explain_arrangement(got, expected)
    if moved:
        text += f"; {moved}"
    else:
        specific = _confirmed_variant(values, exact, compare, dtype, slack, variants or {})
    fail(
        text,
        inputs,
        expected,
        got,
        hint=specific or hint,
        images=images,
        details=_where(bad, values, exact, rounded=rounded),
    )


def _confirmed_variant(values, exact, compare, dtype, slack, variants) -> str | None:
    """The hint of the one mistaken variant that reproduces ``values``, else None.

    A variant is one or more arrays: each value must match one of them at its position (a
    truncation of 119.99999999999999 or of 120.00000000000001 is either neighbour).
    """
    candidates: list[tuple[str, list[np.ndarray], float]] = []
    if dtype == np.uint8:
        truncated = (
            "your values are the exact ones cut down (truncated) instead of rounded: "
            "use np.rint(values) before .astype(np.uint8)"
        )
        candidates.append((truncated, [np.floor(exact + 1e-9), np.floor(exact - 1e-9)], 1e-9))
        if exact[compare].max(initial=0) > 2.0:
            unit = exact / 255.0
            candidates.append((
                "your values are on the [0, 1] scale but the result is uint8 (0..255): "
                "multiply by 255 before rounding",
                [np.rint(unit), np.floor(unit + 1e-9), np.floor(unit - 1e-9)], 1e-9))
    elif exact[compare].size and np.abs(exact[compare]).max() <= 1.0:
        candidates.append(
            ("a float image stays on the [0, 1] scale: do not multiply by 255", [exact * 255.0],
             max(slack, 1e-9) * 255.0)
        )  # fmt: skip
    for hint, variant in variants.items():
        candidates.append((hint, [np.asarray(variant, dtype=np.float64)], slack))
    fits = set()
    for hint, arrays, tolerance in candidates:
        if any(a.shape != values.shape for a in arrays):
            continue
        close = np.zeros(values.shape, dtype=bool)
        right = np.zeros(values.shape, dtype=bool)
        for a in arrays:
            close |= np.abs(values - a) <= tolerance
            right |= np.abs(a - exact) <= slack
        # It must reproduce the answer, and differ from the right one on this input.
        if np.all(close[compare]) and not np.all(right[compare]):
            fits.add(hint)
    return fits.pop() if len(fits) == 1 else None


def check_new_array(call, inputs: dict, *, hint: str | None = None, result_name="result"):
    """Fail if the call's result is a view of an input, or an input was changed in place."""
    if call.changed_inputs:
        names = ", ".join(f"`{n}`" for n in call.changed_inputs)
        fail(
            f"your function changed its input {names} in place",
            inputs,
            show_expected=False,
            hint=hint
            or "work on a new array (e.g. image / 255.0, or image.copy()) instead of modifying "
            "the one you were given (operators like *=, np.clip(..., out=image) change it)",
        )
    if call.shares_memory:
        fail(
            f"your {result_name} is a view of the input (it shares its memory: changing one "
            "would change the other), not a new array",
            inputs,
            show_expected=False,
            hint=hint
            or "np.rot90, np.fliplr, np.flipud, slicing like image[::-1] and reshape return "
            "views; view.copy() makes a new array (np.ascontiguousarray does not always: it "
            "returns the view itself when the view is already contiguous, i.e. when its values "
            "already lie in memory in one unbroken block, row after row)",
        )


def expect_raises(function, error: str, inputs: dict, *args, hint: str | None = None, **kwargs):
    """Fail unless ``function(*args, **kwargs)`` raises the exception class named ``error``.

    Works for functions in this process and in the grader's student process (whose
    exceptions arrive as :class:`coursekit.grading.errors.StudentException`).
    """
    try:
        value = function(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - the student's exception is what is checked
        names = getattr(exc, "exception_types", None)
        if names is None:
            if hasattr(exc, "status"):
                raise  # the grader's word for a timeout, crash or forbidden call: not an answer
            names = tuple(c.__name__ for c in type(exc).__mro__)
        if "NotImplementedError" in names:
            raise
        if error in names:
            return
        raised = names[0] if names else "an exception"
        fail(
            f"expected {error}, but your function raised {raised}",
            inputs,
            show_expected=False,
            hint=hint,
        )
    fail(
        f"expected {error}, but your function returned {describe(value)}",
        inputs,
        show_expected=False,
        hint=hint,
    )


# -- clusterings -------------------------------------------------------------------------------
def same_partition(a, b) -> bool:
    """True when labellings ``a`` and ``b`` group the samples identically (names aside)."""
    a, b = np.asarray(a).ravel(), np.asarray(b).ravel()
    if a.shape != b.shape:
        return False
    if a.size == 0:
        return True
    _, a_codes = np.unique(a, return_inverse=True)
    _, b_codes = np.unique(b, return_inverse=True)
    pairs = np.unique(np.stack([a_codes, b_codes]), axis=1)
    return len(np.unique(pairs[0])) == pairs.shape[1] == len(np.unique(pairs[1]))


def label_mapping(got, expected) -> dict:
    """``{expected label: got label}`` for two identical partitions."""
    return {
        e.item(): g.item()
        for e, g in zip(np.asarray(expected).ravel(), np.asarray(got).ravel(), strict=True)
    }


# -- computed values on any machine ----------------------------------------------------------
def computed_close(got, expected) -> bool:
    """True when ``got`` equals ``expected`` up to the machine's last bits.

    Floats within :data:`FLOAT_RTOL` relative plus :data:`FLOAT_ATOL` absolute (NaN where
    NaN); integers (uint8 images from a chain of rounded steps) within one, and at most
    :data:`CHAIN_SHARE` of the values (at least one) off by one; shape and dtype the same.
    """
    if not isinstance(got, np.ndarray) or not isinstance(expected, np.ndarray):
        return False
    if got.shape != expected.shape or got.dtype != expected.dtype:
        return False
    if expected.dtype.kind in "fc":
        return bool(np.allclose(got, expected, rtol=FLOAT_RTOL, atol=FLOAT_ATOL, equal_nan=True))
    if expected.dtype.kind not in "iu":
        return bool(np.array_equal(got, expected))
    off = np.abs(got.astype(np.int64) - expected.astype(np.int64))
    return bool(off.max(initial=0) <= 1 and (off > 0).sum() <= max(1, CHAIN_SHARE * off.size))


def first_difference(got, expected) -> str | None:
    """Where two arrays first differ and both values there, or None when they are equal."""
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape:
        return f"the shapes differ: expected {expected.shape}, got {got.shape}"
    if expected.dtype.kind in "fc" and got.dtype.kind in "fc":
        differ = ~np.isclose(got, expected, rtol=FLOAT_RTOL, atol=FLOAT_ATOL, equal_nan=True)
    else:
        differ = got != expected
    if not differ.any():
        return None
    position = tuple(int(i) for i in np.argwhere(differ)[0])
    return (
        f"first difference at {list(position)}: expected {format_number(expected[position])}, "
        f"got {format_number(got[position])} ({int(differ.sum())} of {differ.size} values "
        "differ)"
    )


def confirmed_cause(got, variants: dict, matches) -> str | None:
    """The one mistaken variant that reproduces ``got``, or None.

    Parameters
    ----------
    got : object
        The student's answer.
    variants : dict
        ``{hint: thunk}``: each thunk computes what one mistaken variant of the reference
        returns on the same input (it may raise: then it does not match).
    matches : callable
        ``matches(got, variant_value) -> bool``.

    Returns
    -------
    str or None
        The hint of the only variant whose answer matches ``got``; None when none or more
        than one match (a hint names a cause only when the input tells it apart).
    """
    fits = []
    for hint, thunk in variants.items():
        try:
            value = thunk()
        except Exception:  # noqa: BLE001 - a variant that cannot run on this input
            continue
        try:
            if matches(got, value):
                fits.append(hint)
        except Exception:  # noqa: BLE001 - an answer of another shape
            continue
    return fits[0] if len(fits) == 1 else None
