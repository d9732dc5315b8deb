"""``grade_in_notebook``: the call in each graded cell's hidden-test region.

It returns the question's points as a plain ``float``: nbgrader scores a graded
code cell whose output is one number with that number (partial credit), so
``nbgrader autograde`` gives the same points as ``coursekit grade``.

Where the score comes from, most trusted first:

0. ``COURSEKIT_HIDDEN_TESTS=off`` (``make release`` executing the worked answers): not
   graded here, it says so; the tests prove the answers get full marks.
1. nbgrader's ``autograde`` with this kit's ``nbgrader_config.py``: the
   :mod:`coursekit.grading.nbgrader` preprocessors grade the notebook outside
   the kernel and write each graded cell's output themselves; in the kernel this
   function only says so (``COURSEKIT_GRADED_OUTSIDE=1``).
2. Otherwise it grades the notebook itself, once per kernel, with the same engine
   as ``coursekit grade`` (a separate grader and student process; the kernel is
   never trusted), and answers every later graded cell from that result. The
   notebook is the file in the working folder holding this question's cells,
   else the cells the kernel has run (IPython's ``In``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
import warnings
from pathlib import Path

__all__ = ["grade_in_notebook", "find_notebook", "question_report"]

#: Results graded in this kernel, by (assignment, notebook content hash).
_CACHE: dict[tuple[str, str], object] = {}


def _executed_sources() -> list[str]:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with every Jupyter kernel
        get_ipython = None
    shell = get_ipython() if get_ipython else None
    if shell is None or "In" not in shell.user_ns:
        raise RuntimeError(
            "grade_in_notebook runs inside a Jupyter kernel (nbgrader autograde or validate); "
            "outside one, use `coursekit grade notebook.ipynb`."
        )
    return [src for src in shell.user_ns["In"] if isinstance(src, str) and src.strip()]


def find_notebook(assignment: str, question: str, folder=".") -> Path | None:
    """The notebook in ``folder`` whose cells carry ``question``'s nbgrader grade ids."""
    import nbformat

    wanted = {f"{assignment}-{question}", f"{assignment}-{question}-tests"}
    for path in sorted(Path(folder).glob("*.ipynb")):
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001 - not a readable notebook: not ours
            continue
        ids = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in notebook.cells}
        if wanted & ids:
            return path
    return None


def question_report(result, question: str) -> tuple[float, str]:
    """``(points, text)`` of one question of a SubmissionResult, for a graded cell's output."""
    outcome = next((q for q in result.questions if q.name == question), None)
    if outcome is None:
        return 0.0, f"`{question}` could not be graded: {result.error or 'no result'}"
    lines = [f"{question}: {outcome.points or 0:g} of {outcome.max_points:g} points"]
    for check in outcome.checks:
        lines.append(
            f"  {check.status.symbol} {check.name} ({check.points:g}/{check.max_points:g}): "
            f"{check.title}"
        )
    if outcome.feedback:
        lines += ["", outcome.feedback]
    if result.error:
        lines += ["", f"Grading problem: {result.error}"]
    return float(outcome.points or 0.0), "\n".join(lines)


def _grade(assignment: str, sources: list[str] | None):
    import nbformat

    from coursekit.grading.parent import grade_notebook

    path = None if sources is not None else find_notebook(assignment, _CURRENT[0])
    if path is not None:
        content = path.read_bytes()
        key = (assignment, hashlib.sha256(content).hexdigest())
        if key not in _CACHE:
            _CACHE[key] = grade_notebook(path, assignment)
        return _CACHE[key]
    sources = _executed_sources() if sources is None else list(sources)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    key = (assignment, hashlib.sha256("\0".join(sources).encode()).hexdigest())
    if key not in _CACHE:
        with tempfile.TemporaryDirectory(prefix="coursekit-kernel-") as tmp:
            path = Path(tmp) / f"{assignment}.ipynb"
            nbformat.write(notebook, path)
            _CACHE[key] = grade_notebook(path, assignment)
    return _CACHE[key]


_CURRENT = [""]


def grade_in_notebook(assignment: str, question: str, *, sources: list[str] | None = None):
    """Points of ``question`` of ``assignment`` from the hidden tests, as a float.

    Parameters
    ----------
    assignment : str
        Assignment name, e.g. ``"02-augmentation"``.
    question : str
        Question (student function) name, e.g. ``"rotate90"``.
    sources : list of str, optional
        Cell sources to grade instead of the notebook file (or the cells run so far).

    Returns
    -------
    float
        The points earned (partial credit: the sum of the passed checks' points).
        The per-check report is printed above it.
    """
    # IPython (and pytest) leave frames marked like this out of tracebacks.
    __tracebackhide__ = True
    if os.environ.get("COURSEKIT_GRADED_OUTSIDE") == "1":
        print(f"{question}: graded outside the notebook by the hidden tests.")
        return None
    if os.environ.get("COURSEKIT_HIDDEN_TESTS") == "off":  # make release's worked answers
        print(f"{question}: the hidden tests run when work is graded (`coursekit grade`).")
        return None
    _CURRENT[0] = question
    # nbgrader gives no points to a graded cell that writes to stderr: keep it silent.
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        result = _grade(assignment, sources)
    points, text = question_report(result, question)
    print(text)
    return points
