"""Outcomes of calling student code, as exceptions the autograder tests let through.

Each class carries the ``status`` that the question gets when a check ends
with it, and a message written for the student.
"""

from __future__ import annotations

from coursekit.grading.status import Status

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
    """Base class: the student's code, not the check, stopped the check."""

    status = Status.ERROR


class MissingFunction(StudentCodeProblem):
    """The notebook defines no function of that name."""

    status = Status.MISSING


class NotImplementedByStudent(StudentCodeProblem):
    """The function still raises ``NotImplementedError`` (the blank stub)."""

    status = Status.NOT_IMPLEMENTED


class ForbiddenReference(StudentCodeProblem):
    """The function called the ``coursekit`` reference of its own question."""

    status = Status.FORBIDDEN


class StudentException(StudentCodeProblem):
    """The function raised an exception (including ``SystemExit``).

    ``exception_types`` holds the names of the exception's class and its bases
    (``("ValueError", "Exception", ...)``), so a check can ask whether the
    student raised the documented error.
    """

    status = Status.ERROR

    def __init__(self, message: str = "", exception_types=()):
        super().__init__(message)
        self.exception_types = tuple(exception_types)


class StudentCrashed(StudentCodeProblem):
    """The student process ended (``os._exit``, a crash, a CPU limit)."""

    status = Status.ERROR


class QuestionTimeout(StudentCodeProblem):
    """The question's time limit ran out while student code was running."""

    status = Status.TIMEOUT


def status_of(exc: BaseException | None) -> Status:
    """Status of a check that ended with ``exc`` (``None``: passed).

    ``AssertionError`` means the student's answer was compared and found
    different: ``FAILED``; any other exception is an ``ERROR``.
    """
    if exc is None:
        return Status.PASSED
    if isinstance(exc, StudentCodeProblem):
        return exc.status
    if isinstance(exc, AssertionError):
        return Status.FAILED
    return Status.ERROR
