"""Quick public checks of the graded functions, and the contracts behind them.

In a notebook::

    from coursekit.checks import check, yours

    check("rotate90")            # a few of the graded checks, with the grader's feedback
    turn = yours("rotate90")     # your rotate90 once it passes, else the course kit's

``check`` runs, for every named check of the question (the table in
:mod:`coursekit.grading.questions`), the same contract as the hidden tests on a
few fixed inputs, in a second or two. It prints one line when everything
passes, and otherwise raises :class:`QuickCheckFailed` (an ``AssertionError``,
so nbgrader's **Validate** reports it) naming the failed check, the input, what
was expected and what came back, and a hint. The graded version tries many more
inputs. Under ``nbgrader autograde`` it does nothing: the hidden tests grade.

The contracts live in :mod:`coursekit.checks.images`, ``augmentation``,
``clustering`` and ``small_data``; comparisons and messages in
:mod:`coursekit.checks.compare`.
"""

from __future__ import annotations

import copy
import importlib
import linecache
import os
import signal
import sys
import textwrap
import threading
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ["check", "yours", "QuickCheckFailed", "run_quick_checks", "load_contracts", "TOPICS"]

#: Module of each assignment's contracts.
TOPICS = {
    "01-images": "coursekit.checks.images",
    "02-augmentation": "coursekit.checks.augmentation",
    "03-clustering": "coursekit.checks.clustering",
    "04-small-data": "coursekit.checks.small_data",
}

#: Seconds the quick checks of one function may take before they are stopped.
QUICK_TIME_LIMIT = 20.0


class QuickCheckFailed(AssertionError):
    """A graded function failed its quick check; the message says which check and why."""

    def _render_traceback_(self) -> list[str]:
        """IPython's hook for showing an exception: the feedback alone, first.

        Jupyter (and Validate's dialog) would otherwise open with a traceback through the
        kit's frames and push the feedback a student needs below the fold. Only the line
        Python ends a traceback with is kept, ``QuickCheckFailed: <feedback>``, so that it
        still reads as an error.
        """
        first, *rest = str(self).splitlines() or [""]
        return [f"{type(self).__name__}: {first}", *rest]


#: Width of the failure messages: nbgrader's Validate cuts longer lines.
MESSAGE_WIDTH = 80


def _wrap(text: str, width: int = MESSAGE_WIDTH) -> str:
    lines = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        lines.append(
            textwrap.fill(line, width, subsequent_indent=indent + "  ", break_long_words=False,
                          break_on_hyphens=False)
        )  # fmt: skip
    return "\n".join(lines)


# Raised from a function without source lines: a notebook's traceback shows one line of it
# ("File <quick check>:2, in _raise") above the message, not the kit's code.
_RAISER_SOURCE = "def _raise(message):\n    raise QuickCheckFailed(message)\n"
_RAISER: dict = {"QuickCheckFailed": QuickCheckFailed}
exec(compile(_RAISER_SOURCE, "<quick check>", "exec"), _RAISER)  # noqa: S102 - our two lines
linecache.cache["<quick check>"] = (
    len(_RAISER_SOURCE), None, _RAISER_SOURCE.splitlines(True), "<quick check>"
)


def _fail(message: str):
    __tracebackhide__ = True
    _RAISER["_raise"](_wrap(message))


class _QuickTimeout(Exception):
    pass


@dataclass
class _Record:
    function: object
    passed: bool
    failed_checks: list[str] = field(default_factory=list)


#: The latest quick-check result of each function, by name (this kernel only).
_RESULTS: dict[str, _Record] = {}


def load_contracts(assignment: str | None = None) -> None:
    """Import the contract modules (they register themselves), all or one assignment's."""
    for name, module in TOPICS.items():
        if assignment is None or name == assignment:
            importlib.import_module(module)


@contextmanager
def _time_limit(seconds: float):
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def _stop(signum, frame):
        raise _QuickTimeout

    previous = signal.signal(signal.SIGALRM, _stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _student_lines(exc: BaseException) -> str:
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if not os.path.abspath(f.filename).startswith(package)
    ]
    frames = [f for f in frames if "site-packages" not in f.filename][-3:]
    return "\n".join(f"  line {f.lineno} in {f.name}: {(f.line or '').strip()}" for f in frames)


def _feedback_of(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    hint = getattr(exc, "hint", None)
    return text + (f"\nHint: {hint}" if hint else "")


def run_quick_checks(name: str, function) -> list[tuple[str, str, str]]:
    """Run the quick checks of question ``name`` on ``function`` (in this process).

    Returns
    -------
    list of (check name, status, feedback)
        One entry per check of the question, in the table's order; status is
        ``"passed"``, ``"failed"``, ``"error"``, ``"not-implemented"`` or ``"timeout"``.
    """
    from coursekit.checks._registry import CONTRACTS, QUICK_INPUTS
    from coursekit.checks.calls import LocalFunction
    from coursekit.checks.compare import Mismatch, describe_inputs
    from coursekit.grading.questions import question

    q = question(name)
    load_contracts(q.assignment)
    local = LocalFunction(function)
    outcomes = []
    deadline = time.monotonic() + QUICK_TIME_LIMIT
    for c in q.checks:
        contract = CONTRACTS[(name, c.name)]
        status, feedback = "passed", ""
        remaining = deadline - time.monotonic()
        inputs = None
        try:
            if remaining <= 0:
                raise _QuickTimeout
            with _time_limit(remaining):
                for inputs in QUICK_INPUTS[(name, c.name)]:
                    # A copy: a function that changes its input must not change the next check's.
                    inputs = copy.deepcopy(inputs)
                    contract(local, **inputs)
        except Mismatch as exc:
            status, feedback = "failed", _feedback_of(exc)
        except NotImplementedError:
            status = "not-implemented"
            feedback = (
                f"`{name}` raises NotImplementedError: replace the `raise NotImplementedError()` "
                "line with your code."
            )
        except _QuickTimeout:
            status = "timeout"
            feedback = (
                f"the quick checks of `{name}` did not finish within {QUICK_TIME_LIMIT:g} s "
                "(an endless loop, or far too slow?)"
            )
        except Exception as exc:  # noqa: BLE001 - the student's code raised: report it
            status = "error"
            where = _student_lines(exc)
            feedback = (
                f"`{name}` raised {type(exc).__name__}: {exc}"
                + (f"\n{where}" if where else "")
                + (f"\nInput: {describe_inputs(inputs)}" if inputs else "")
            )
        outcomes.append((c.name, status, feedback))
    return outcomes


def _dependency_note(name: str, function) -> str:
    from coursekit.grading.questions import QUESTIONS

    code = getattr(function, "__code__", None)
    if code is None:
        return ""
    names, stack = set(), [code]
    while stack:
        current = stack.pop()
        names |= set(current.co_names)
        stack.extend(c for c in current.co_consts if hasattr(c, "co_names"))
    broken = [
        q.name
        for q in QUESTIONS
        if q.name != name and q.name in names and q.name in _RESULTS and not _RESULTS[q.name].passed
    ]
    if not broken:
        return ""
    listed = ", ".join(f"`{b}`" for b in broken)
    return (
        f"Note: your `{name}` calls your {listed}, which does not pass its own quick check yet: "
        f"fix {listed} first, then run this check again.\n"
    )


def check(name: str, *, function=None) -> None:
    """Run the quick public check of the graded function ``name``.

    Parameters
    ----------
    name : str
        The function's name, e.g. ``"rotate90"``; it is looked up in the notebook.
    function : callable, optional
        The function to check instead of the notebook's.

    Raises
    ------
    QuickCheckFailed
        With the failed check's name, the input, expected against got, and a hint.
    """
    __tracebackhide__ = True
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        return None  # the hidden tests grade this cell
    from coursekit.grading.questions import question

    try:
        q = question(name)
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None
    if function is None:
        function = sys._getframe(1).f_globals.get(name)
    if function is None:
        _fail(
            f"`{name}` is not defined yet: run the cell with your function (Shift + Enter), "
            "then run this cell again."
        )
    if not callable(function):
        _fail(f"`{name}` is a {type(function).__name__}, not a function.")
    outcomes = run_quick_checks(name, function)
    failed = [(c, s, f) for c, s, f in outcomes if s != "passed"]
    _RESULTS[name] = _Record(function, not failed, [c for c, _, _ in failed])
    if not failed:
        print(
            f"✔ {name}: all {len(outcomes)} quick checks passed "
            f"({', '.join(c for c, _, _ in outcomes)}). The graded version tries many more "
            f"inputs. From here on the notebook uses your {name}."
        )
        return None
    titles = {c.name: c.title for c in q.checks}
    points = {c.name: c.points for c in q.checks}
    parts = [
        f"✘ {name}: {len(failed)} of {len(outcomes)} quick checks failed.\n"
        f"(The failed checks carry {sum(points[c] for c, _, _ in failed):g} of the "
        f"{q.points:g} points of {name}: as it stands, they would not be earned.)",
        _dependency_note(name, function).rstrip(),
    ]
    for check_name, status, feedback in failed:
        parts.append(f"Check `{check_name}` ({titles[check_name]}): {status}.\n{feedback}")
    parts.append(
        f"Until it passes, the rest of this notebook uses the course kit's {name} instead of "
        "yours."
    )
    _fail("\n\n".join(p for p in parts if p))


def yours(name: str):
    """Your function ``name`` if it passed its latest quick check, else the course kit's.

    Prints which one is used, so that a figure drawn with the kit's version is
    never mistaken for yours.
    """
    from coursekit.grading.questions import question

    q = question(name)
    record = _RESULTS.get(name)
    if record is not None and record.passed:
        print(f"Using your {name}.")
        return record.function
    module, _, attr = q.reference.rpartition(".")
    reference = getattr(importlib.import_module(module), attr)
    reason = (
        "it has not passed its quick check yet"
        if record is not None
        else "its quick check has not run yet"
    )
    print(f"Using the course kit's {name}: {reason}.")
    return reference
