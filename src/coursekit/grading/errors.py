"""Outcomes of calling student code, as exceptions the autograder tests let through.

Each class carries the ``status`` that the question gets when a check ends
with it, and a message written for the student.
"""

from __future__ import annotations

__all__ = [
    "StudentCodeProblem",
    "MissingFunction",
    "NotImplementedByStudent",
    "ForbiddenReference",
    "StudentException",
    "StudentCrashed",
    "QuestionTimeout",
    "status_of",
]


class StudentCodeProblem(Exception):
    """Base class: the student's code, not the check, stopped the question."""

    status = "error"


class MissingFunction(StudentCodeProblem):
    """The notebook defines no function of that name."""

    status = "missing"


class NotImplementedByStudent(StudentCodeProblem):
    """The function still raises ``NotImplementedError`` (the blank stub)."""

    status = "not-implemented"


class ForbiddenReference(StudentCodeProblem):
    """The function called the ``coursekit`` reference of its own question."""

    status = "forbidden"


class StudentException(StudentCodeProblem):
    """The function raised an exception (including ``SystemExit``)."""

    status = "error"


class StudentCrashed(StudentCodeProblem):
    """The student process ended (``os._exit``, a crash, a CPU limit)."""

    status = "error"


class QuestionTimeout(StudentCodeProblem):
    """The question's time limit ran out while student code was running."""

    status = "timeout"


def status_of(exc: BaseException | None) -> str:
    """Status of a question whose check ended with ``exc`` (``None``: passed).

    ``AssertionError`` means the student's answer was compared and found
    different: ``"failed"``; any other exception is an ``"error"``.
    """
    if exc is None:
        return "passed"
    if isinstance(exc, StudentCodeProblem):
        return exc.status
    if isinstance(exc, AssertionError):
        return "failed"
    return "error"
