"""The exception of a reference implementation left out of the grading sandbox.

While a submission is graded, the course kit it can import is a copy in which the
graded functions of that assignment, and the private helpers only they use, are
replaced by a stub raising :class:`WithheldReference`
(:mod:`coursekit.grading.withhold`).
"""

__all__ = ["WithheldReference"]


class WithheldReference(BaseException):
    """A reference implementation was called where it is withheld.

    A ``BaseException``, like ``KeyboardInterrupt``, so that ``except Exception``
    cannot hide it.
    """

    def __init__(self, reference: str):
        super().__init__(reference)
        self.reference = reference

    def __str__(self) -> str:
        return (
            f"{self.reference} is the course's reference implementation: it is not available "
            "while your notebook is graded (write the function yourself)"
        )
