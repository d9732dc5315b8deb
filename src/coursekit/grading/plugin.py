"""pytest side of grading: options, the ``@check`` decorator, the ``student`` fixture, and the
collector that turns test outcomes into checks, questions and a submission result.

``autograder/conftest.py`` star-imports this module, so that ``pytest autograder
--submission nb.ipynb`` (an instructor at a terminal) and ``coursekit grade``
(which adds :class:`ResultCollector`) run the very same tests.

A hidden test checks one named check of one question::

    @check("rotate90", "quarter_turns")
    def test_rotate90__quarter_turns(student):
        ...

Its points come from :data:`coursekit.grading.questions.QUESTIONS`; the test's
body calls the student's function through ``student.function(name)`` and
raises (usually a :class:`~coursekit.checks.compare.Mismatch`) when the check fails.
"""

from __future__ import annotations

import os
import time

import pytest

from coursekit.grading.errors import status_of
from coursekit.grading.questions import question as find_question
from coursekit.grading.questions import questions_for, written_for
from coursekit.grading.results import CheckResult, QuestionResult
from coursekit.grading.status import Status

__all__ = [
    "pytest_addoption",
    "pytest_configure",
    "pytest_collection_modifyitems",
    "student_session",
    "student",
    "check",
    "ResultCollector",
    "check_of",
    "check_of_function",
]

_MARK = "coursekit_check"


def pytest_addoption(parser):
    group = parser.getgroup("coursekit", "coursekit hidden tests")
    group.addoption("--submission", default=None, help="student notebook (.ipynb) to grade")
    group.addoption("--assignment", default=None, help="assignment name (default: inferred)")
    group.addoption(
        "--grading-settings",
        default=None,
        help="limits as JSON (coursekit.grading.settings.Settings); default: the defaults",
    )
    group.addoption(
        "--questions", default=None, help="comma-separated questions to grade (default: all)"
    )
    group.addoption(
        "--kit-cells",
        default=None,
        help="kit_cells.json listing the released notebooks' own cells "
        "(default: the one in the coursekit package)",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"{_MARK}(question, check): the named check of a graded question a test is"
    )


def check(question_name: str, check_name: str):
    """Mark a hidden test as the test of ``check_name`` of ``question_name``.

    Raises
    ------
    KeyError
        At import, when the questions table has no such question or check.
    """
    find_question(question_name).check(check_name)  # fail loudly on a typo
    return getattr(pytest.mark, _MARK)(question_name, check_name)


def check_of(item) -> tuple[str, str] | None:
    """``(question, check)`` of a collected test item, or None for another test."""
    marker = item.get_closest_marker(_MARK)
    return tuple(marker.args) if marker else None


def check_of_function(function) -> tuple[str, str] | None:
    """``(question, check)`` of a hidden test function (before collection), or None."""
    for mark in getattr(function, "pytestmark", []):
        if mark.name == _MARK:
            return tuple(mark.args)
    return None


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
    """Run only the checks of the submission's assignment (and of ``--questions``, if given)."""
    assignment = _submission_assignment(config)
    if assignment is None:
        return
    names = {q.name for q in questions_for(assignment)}
    only = set(filter(None, (config.getoption("--questions") or "").split(",")))
    keep = [
        item
        for item in items
        if (marked := check_of(item)) is not None
        and marked[0] in names
        and (not only or marked[0] in only)
    ]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep


def _settings(config):
    from coursekit.grading.settings import DEFAULT, Settings

    text = config.getoption("--grading-settings")
    return Settings.from_json(text) if text else DEFAULT


def _kit_cells(config) -> frozenset:
    from coursekit.grading.extract import KIT_CELLS, load_kit_cells

    return load_kit_cells(config.getoption("--kit-cells") or KIT_CELLS)


@pytest.fixture(scope="session")
def student_session(request):
    """One student process for the whole run, made from ``--submission``."""
    import nbformat

    from coursekit.grading.extract import infer_assignment, units_from_notebook
    from coursekit.grading.session import StudentSession

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
    units = units_from_notebook(notebook, _kit_cells(config))
    session = StudentSession(units, references, _settings(config), assignment=assignment)
    config.stash[_SESSION] = session
    yield session
    session.close()


_SESSION = pytest.StashKey()


@pytest.fixture
def student(student_session, request):
    """The student session, with a fresh worker and the time limit of this test's check."""
    marked = check_of(request.node)
    name = marked[0] if marked else request.node.name.removeprefix("test_").split("__")[0]
    student_session.begin_check(name)
    try:
        yield student_session
    finally:
        student_session.end_check()


def _feedback(exc: BaseException, status: Status) -> str:
    if status is Status.ERROR and not hasattr(exc, "status"):
        if isinstance(exc, RuntimeError) and "hidden test was skipped" in str(exc):
            return str(exc)
        # An exception from the check itself, not the student's: say so, without its source.
        return (
            f"The grader could not run this check ({type(exc).__name__}: {str(exc)[:500]}). "
            "Please tell your instructor."
        )
    text = str(exc).strip() or type(exc).__name__
    hint = getattr(exc, "hint", None)
    return text + (f"\nHint: {hint}" if hint else "")


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


class ResultCollector:
    """pytest plugin recording one :class:`CheckResult` per hidden test."""

    def __init__(self):
        self.checks: dict[tuple[str, str], CheckResult] = {}
        self._started: dict[str, float] = {}
        self.config = None

    def pytest_configure(self, config):
        self.config = config

    def pytest_runtest_setup(self, item):
        self._started[item.nodeid] = time.monotonic()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        if call.when == "call" or (call.when == "setup" and report.failed):
            self._record(item, call)
        return report

    def _record(self, item, call) -> None:
        marked = check_of(item)
        if marked is None:
            return
        question_name, check_name = marked
        spec = find_question(question_name).check(check_name)
        exc = call.excinfo.value if call.excinfo is not None else None
        if call.excinfo is not None and call.excinfo.errisinstance(pytest.skip.Exception):
            exc = RuntimeError("the hidden test was skipped: " + str(exc))
        status = status_of(exc)
        self.checks[marked] = CheckResult(
            name=check_name,
            title=spec.title,
            points=spec.points if status is Status.PASSED else 0.0,
            max_points=spec.points,
            status=status,
            feedback=_feedback(exc, status) if exc is not None else "",
            images=_images(exc) if exc is not None else {},
            duration=round(time.monotonic() - self._started.get(item.nodeid, time.monotonic()), 3),
        )

    def questions(self, assignment: str, only: list[str] | None = None) -> list[QuestionResult]:
        """Results of ``assignment``'s questions in the table's order, written ones included.

        A check whose test did not run is an error (never a silent pass).
        """
        session = self.config.stash.get(_SESSION, None) if self.config is not None else None
        results = []
        graded = [q for q in questions_for(assignment) if not only or q.name in only]
        for q in graded:
            checks = [
                self.checks.get(
                    (q.name, c.name),
                    CheckResult(c.name, c.title, 0.0, c.points, Status.ERROR,
                                "The hidden test of this check did not run. Please tell your "
                                "instructor."),
                )  # fmt: skip
                for c in q.checks
            ]
            status = Status.of_question([c.status for c in checks])
            results.append(
                QuestionResult(
                    q.name,
                    float(sum(c.points for c in checks)),
                    q.points,
                    status,
                    checks,
                    notes=[],
                )
            )
        if session is not None:
            _add_notes(results, session, assignment)
        if not only:
            results += [
                QuestionResult(w.name, None, w.points, Status.MANUAL, kind="written", title=w.title)
                for w in written_for(assignment)
            ]
        return results


def _add_notes(results: list[QuestionResult], session, assignment: str) -> None:
    lost = {r.name for r in results if r.points < r.max_points}
    names = {q.name for q in questions_for(assignment)}
    for result in results:
        if result.name not in lost:
            continue
        notes = [n[0].upper() + n[1:] + "." for n in session.notes_for(result.name)]
        notes += [
            n[0].upper() + n[1:] + " (this may be why)." for n in session.other_notes(names)
        ]
        for other in session.uses.get(result.name, []):
            if other in lost and other in names and other != result.name:
                notes.append(
                    f"Note: your `{result.name}` calls your `{other}`, which lost points too: "
                    f"fix `{other}` first, it may fix this question as well."
                )
        result.notes = list(dict.fromkeys(notes))
