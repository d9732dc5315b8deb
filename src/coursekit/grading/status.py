"""How a check, a question or a written answer ended: :class:`Status`."""

from __future__ import annotations

from enum import Enum

__all__ = ["Status"]


class Status(str, Enum):
    """Outcome of a check or a question (a ``str``, so it prints and serialises as its value).

    Checks end ``PASSED``, ``FAILED`` (the answer was compared and found different),
    ``ERROR`` (the function raised, called ``sys.exit``, ran out of memory or ended its
    process), ``TIMEOUT``, ``MISSING`` (not defined), ``NOT_IMPLEMENTED`` (still the blank
    stub) or ``FORBIDDEN`` (it called the course's reference of its own question).
    A question is ``PASSED`` when all its checks pass, ``PARTIAL`` when some do, else the
    status of its first failed check. A written answer is ``MANUAL`` until graded by
    hand, then ``GRADED``.
    """

    PASSED = "passed"
    PARTIAL = "partial"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    MISSING = "missing"
    NOT_IMPLEMENTED = "not-implemented"
    FORBIDDEN = "forbidden"
    MANUAL = "needs manual grading"
    GRADED = "graded by hand"

    def __str__(self) -> str:
        return self.value

    @property
    def symbol(self) -> str:
        """A one-character mark for text reports."""
        return {
            Status.PASSED: "✔",
            Status.PARTIAL: "◐",
            Status.MANUAL: "✎",
            Status.GRADED: "✎",
        }.get(self, "✘")

    @classmethod
    def of_question(cls, checks: list[Status]) -> Status:
        """Status of a question whose checks ended with ``checks`` (in order)."""
        if not checks:
            return cls.ERROR
        passed = [s is cls.PASSED for s in checks]
        if all(passed):
            return cls.PASSED
        if any(passed):
            return cls.PARTIAL
        return next(s for s in checks if s is not cls.PASSED)
