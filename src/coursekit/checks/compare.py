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
]

#: How far a uint8 result may be from the exact (unrounded) value: rounding to the
#: nearest integer moves a value by at most 0.5; the rest allows for float error.
ROUNDING_SLACK = 0.5 + 1e-6

_SMALL = 24  # arrays with at most this many values (and 2 dimensions) are shown whole


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
    elif dtype == np.uint8:
        floor = np.floor(exact + 1e-9)
        truncated = compare & (np.abs(values - floor) <= 1e-9)
        if np.all(truncated[compare]) and np.any(bad):
            specific = (
                "your values are the exact ones cut down (truncated) instead of rounded: "
                "use np.rint(values) before .astype(np.uint8)"
            )
        elif np.all(values[compare] <= 1.0) and exact[compare].max() > 2.0:
            specific = (
                "your values are on the [0, 1] scale but the result is uint8 (0..255): "
                "multiply by 255 before rounding"
            )
    elif dtype.kind == "f" and exact[compare].size and np.abs(exact[compare]).max() <= 1.0:
        if values[compare].max() > 1.5:
            specific = "a float image stays on the [0, 1] scale: do not multiply by 255"
    fail(
        text,
        inputs,
        expected,
        got,
        hint=specific or hint,
        images=images,
        details=_where(bad, values, exact, rounded=rounded),
    )


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
