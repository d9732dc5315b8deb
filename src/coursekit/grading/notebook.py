"""``grade_in_notebook``: the call inside each hidden-test cell, for ``nbgrader autograde``.

It grades the code the kernel has run so far exactly as ``coursekit grade`` does
(same extraction, same student process, same hidden test), never trusting the
kernel itself: the student's code has run there and may have changed numpy or
``coursekit``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from coursekit.grading.runner import grade_notebook
from coursekit.grading.sandbox import DEFAULT_TIMEOUT

__all__ = ["grade_in_notebook"]


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


def grade_in_notebook(
    assignment: str,
    question: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    sources: list[str] | None = None,
) -> None:
    """Grade ``question`` of ``assignment`` against the hidden tests; all or nothing.

    Parameters
    ----------
    assignment : str
        Assignment name, e.g. ``"02-augmentation"``.
    question : str
        Question (student function) name, e.g. ``"rotate90"``.
    timeout : float
        Wall-clock seconds for the question.
    sources : list of str, optional
        Cell sources to grade; default: every cell the kernel has executed
        (IPython's ``In``), in order.

    Returns
    -------
    None
        When the question earns full marks.

    Raises
    ------
    AssertionError
        With the student-facing feedback, when it does not.
    """
    # IPython (and pytest) leave frames marked like this out of tracebacks, so the student
    # sees the feedback, not the grader's file paths.
    __tracebackhide__ = True
    import nbformat

    sources = _executed_sources() if sources is None else list(sources)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    with tempfile.TemporaryDirectory(prefix="coursekit-kernel-") as tmp:
        path = Path(tmp) / f"{assignment}.ipynb"
        nbformat.write(notebook, path)
        result = grade_notebook(path, assignment, questions=[question], timeout=timeout)
    outcome = next((q for q in result.questions if q.name == question), None)
    if outcome is None or result.error:
        raise AssertionError(f"`{question}` could not be graded: {result.error or 'no result'}")
    if outcome.status != "passed":
        raise AssertionError(f"`{question}`: {outcome.status}\n{outcome.feedback}")
