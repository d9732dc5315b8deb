"""pytest side of grading: the ``--submission`` option, the ``student`` fixture, and the
collector that turns test outcomes into :class:`~coursekit.grading.results.QuestionResult`\\ s.

``autograder/conftest.py`` star-imports this module, so that ``pytest autograder
--submission nb.ipynb`` (an instructor at a terminal) and ``coursekit grade``
(which adds :class:`ResultCollector`) run the very same tests.

A test named ``test_<question>`` checks the student's function ``<question>``; its
``@pytest.mark.points(n)`` gives its points and its docstring tells the student what
was tried.
"""

from __future__ import annotations

import inspect
import os
import time

import pytest

from coursekit.grading.errors import status_of
from coursekit.grading.results import QuestionResult

__all__ = [
    "pytest_addoption",
    "pytest_configure",
    "pytest_collection_modifyitems",
    "student_session",
    "student",
    "ResultCollector",
    "question_of",
]


def pytest_addoption(parser):
    group = parser.getgroup("coursekit", "coursekit hidden tests")
    group.addoption("--submission", default=None, help="student notebook (.ipynb) to grade")
    group.addoption("--assignment", default=None, help="assignment name (default: inferred)")
    group.addoption(
        "--question-timeout",
        type=float,
        default=None,
        help="wall-clock seconds per question (default 20)",
    )
    group.addoption("--memory-mb", type=int, default=None, help="memory limit of student code")


def pytest_configure(config):
    config.addinivalue_line("markers", "points(n): points a hidden autograder test is worth")


def _submission_assignment(config) -> str | None:
    path = config.getoption("--submission") or os.environ.get("COURSEKIT_SUBMISSION")
    if config.getoption("--assignment") or not path:
        return config.getoption("--assignment")
    import nbformat

    from coursekit.grading.extract import infer_assignment

    try:
        return infer_assignment(nbformat.read(path, as_version=4), path)
    except (OSError, ValueError):
        return None


def pytest_collection_modifyitems(config, items):
    """With ``pytest autograder --submission nb.ipynb``, run only that notebook's assignment."""
    from coursekit.grading.questions import test_file_name

    assignment = _submission_assignment(config)
    if assignment is None:
        return
    keep = [item for item in items if item.path.name == test_file_name(assignment)]
    if keep and len(keep) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep


def question_of(item) -> str:
    """Question name checked by test ``item`` (``test_rotate90`` -> ``rotate90``)."""
    return getattr(item, "originalname", item.name).removeprefix("test_")


@pytest.fixture(scope="session")
def student_session(request):
    """One student process for the whole run, made from ``--submission``."""
    import nbformat

    from coursekit.grading.extract import infer_assignment, units_from_notebook
    from coursekit.grading.questions import questions_for
    from coursekit.grading.sandbox import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, StudentSession

    config = request.config
    path = config.getoption("--submission") or os.environ.get("COURSEKIT_SUBMISSION")
    if not path:
        pytest.fail(
            "no submission: run `pytest autograder --submission path/to/notebook.ipynb`",
            pytrace=False,
        )
    notebook = nbformat.read(path, as_version=4)
    assignment = config.getoption("--assignment") or infer_assignment(notebook, path)
    references = {q.name: q.reference for q in questions_for(assignment or "")}
    session = StudentSession(
        units_from_notebook(notebook),
        references,
        timeout=config.getoption("--question-timeout") or DEFAULT_TIMEOUT,
        memory_mb=config.getoption("--memory-mb") or DEFAULT_MEMORY_MB,
    )
    yield session
    session.close()


@pytest.fixture
def student(student_session, request):
    """The student session, with the time limit of this test's question running."""
    student_session.begin_question(question_of(request.node))
    try:
        yield student_session
    finally:
        student_session.end_question()


def _first_paragraph(text: str | None) -> str:
    return inspect.cleandoc(text or "").split("\n\n")[0].replace("\n", " ").strip()


class ResultCollector:
    """pytest plugin recording one :class:`QuestionResult` per test."""

    def __init__(self):
        self.results: dict[str, QuestionResult] = {}
        self._started: dict[str, float] = {}

    def pytest_runtest_setup(self, item):
        self._started[item.nodeid] = time.monotonic()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        if call.when == "call" or (call.when == "setup" and report.failed):
            self._record(item, call)
        return report

    def _record(self, item, call) -> None:
        marker = item.get_closest_marker("points")
        max_points = float(marker.args[0]) if marker and marker.args else 1.0
        exc = call.excinfo.value if call.excinfo is not None else None
        if call.excinfo is not None and call.excinfo.errisinstance(pytest.skip.Exception):
            exc = RuntimeError("the hidden test was skipped: " + str(exc))
        status = status_of(exc)
        feedback, images = "", {}
        if exc is not None:
            feedback = _feedback(item, exc, status)
            images = _images(exc)
        name = question_of(item)
        self.results[name] = QuestionResult(
            name=name,
            points=max_points if status == "passed" else 0.0,
            max_points=max_points,
            status=status,
            feedback=feedback,
            images=images,
            duration=round(time.monotonic() - self._started.get(item.nodeid, time.monotonic()), 3),
        )


def _feedback(item, exc: BaseException, status: str) -> str:
    tried = _first_paragraph(
        getattr(item, "function", None).__doc__ if hasattr(item, "function") else None
    )
    if status == "error" and not hasattr(exc, "status"):
        if isinstance(exc, RuntimeError) and "hidden test was skipped" in str(exc):
            return str(exc)
        # An exception from the check itself: say so plainly, without the hidden source.
        return (
            f"The grader could not check this question ({type(exc).__name__}: "
            f"{str(exc)[:500]}). Please tell your instructor."
        )
    parts = (
        [f"What was tried: {tried}"] if tried and status in ("failed", "error", "timeout") else []
    )
    parts.append(str(exc).strip() or type(exc).__name__)
    hint = getattr(exc, "hint", None)
    if hint:
        parts.append(f"Hint: {hint}")
    return "\n".join(parts)


def _images(exc: BaseException) -> dict:
    images = getattr(exc, "images", None)
    if not images:
        return {}
    from coursekit.grading.feedback import png_data_uri

    out = {}
    for key, value in images.items():
        uri = png_data_uri(value)
        if uri:
            out[key] = uri
    return out
