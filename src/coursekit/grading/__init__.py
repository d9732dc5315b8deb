"""Grading engine: notebook -> student process -> hidden pytest checks -> report.

Modules, named after the process that runs them
-----------------------------------------------
parent      ``coursekit grade``'s side: grade notebooks and folders (``grade_notebook``,
            ``grade_submissions``), a warm pool of graders for a class (``GraderPool``)
grader      the grader process: pytest with the hidden tests and the references
student     the student process: runs the submission's code, never writes results
session     the grader's handle on the student process (limits, calls, call info)
messages    every message between the three, and their framing
settings    the one frozen ``Settings`` (timeouts, memory, output caps)
questions   the single table of questions, checks and points (``QUESTIONS``, ``WRITTEN``)
results     ``SubmissionResult`` > ``QuestionResult`` > ``CheckResult``; ``status``: ``Status``
extract     which statements of a notebook run, and how
plugin      the pytest plugin of the hidden tests (``@check``, ``student`` fixture, collector)
report      text, JSON, nbgrader CSV, Gradescope and Classroom formats
feedback    HTML feedback pages
notebook    ``grade_in_notebook``: the call in each graded cell
nbgrader    nbgrader preprocessors that grade outside the kernel

Public API
----------
grade_notebook(path, assignment=None, *, settings=Settings())
grade_submissions(paths, assignment=None, *, jobs=1, ...)
grade_in_notebook(assignment, question) -> float (points, nbgrader's partial credit)
format_results(results, fmt), write_feedback(results, directory)
"""

from importlib import import_module

_EXPORTS = {
    "ASSIGNMENTS": "coursekit.grading.questions",
    "QUESTIONS": "coursekit.grading.questions",
    "WRITTEN": "coursekit.grading.questions",
    "Check": "coursekit.grading.questions",
    "Question": "coursekit.grading.questions",
    "WrittenQuestion": "coursekit.grading.questions",
    "questions_for": "coursekit.grading.questions",
    "written_for": "coursekit.grading.questions",
    "max_points": "coursekit.grading.questions",
    "Status": "coursekit.grading.status",
    "Settings": "coursekit.grading.settings",
    "CheckResult": "coursekit.grading.results",
    "QuestionResult": "coursekit.grading.results",
    "SubmissionResult": "coursekit.grading.results",
    "AutograderNotFound": "coursekit.grading.locate",
    "find_autograder": "coursekit.grading.locate",
    "FORMATS": "coursekit.grading.report",
    "format_results": "coursekit.grading.report",
    "write_feedback": "coursekit.grading.feedback",
    "grade_in_notebook": "coursekit.grading.notebook",
    "find_submissions": "coursekit.grading.parent",
    "grade_notebook": "coursekit.grading.parent",
    "grade_submissions": "coursekit.grading.parent",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    # Lazy: the student process imports coursekit.grading.messages and must not pull in
    # pytest, nbformat or the report writers.
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'coursekit.grading' has no attribute {name!r}")


def __dir__():
    return __all__
