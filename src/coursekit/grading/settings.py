"""Limits and caps of a grading run: one frozen :class:`Settings`, serialised once per boundary.

The parent (``coursekit grade``, nbgrader's preprocessor, Gradescope's ``run_autograder``)
makes one ``Settings``; it travels to the grader process as JSON on stdin and from the
grader to the student process inside the ``init`` message, never as loose arguments.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace

__all__ = ["Settings", "DEFAULT", "ISOLATION_LEVELS"]

#: Values of :attr:`Settings.isolation`.
ISOLATION_LEVELS = ("enforce", "available", "none")


@dataclass(frozen=True)
class Settings:
    """Time, memory and output limits of grading.

    Attributes
    ----------
    check_timeout : float
        Wall-clock seconds for one check (every call of the student's function in it).
    statement_timeout : float
        Wall-clock seconds for one top-level statement of the submission (e.g. a constant
        built with a call); a statement that takes longer is skipped and named in the
        feedback.
    start_timeout : float
        Seconds for the student process to start and import its libraries.
    memory_mb : int
        Address-space limit of the student's code, in MiB.
    output_cap : int
        Bytes of the student's printed output kept (the rest is read and dropped).
    max_skipped_statements : int
        After this many statements that hang or end the process, the remaining
        statements of the submission's own cells are skipped too (each skip costs a restart).
    file_size_mb : int
        Largest file the student's code may write, in MiB.
    max_processes : int
        Processes and threads the student's code may have at once (its whole tree).
    scratch_mb : int
        Size of the student's writable scratch folder, in MiB.
    isolation : {"enforce", "available", "none"}
        How student code is shut in (:mod:`coursekit.grading.sandbox`): ``"enforce"``
        applies every layer the machine offers and refuses to grade with less than
        (namespaces or Landlock) plus no network; ``"available"`` applies what there is
        and never refuses (``--trust-submissions``); ``"none"`` applies nothing (a
        student's own quick checks on their own machine).
    """

    check_timeout: float = 15.0
    statement_timeout: float = 10.0
    start_timeout: float = 60.0
    memory_mb: int = 2048
    output_cap: int = 20_000
    max_skipped_statements: int = 4
    file_size_mb: int = 64
    max_processes: int = 64
    scratch_mb: int = 256
    isolation: str = "enforce"

    def __post_init__(self):
        if self.isolation not in ISOLATION_LEVELS:
            raise ValueError(
                f"Settings.isolation must be one of {', '.join(ISOLATION_LEVELS)}; "
                f"got {self.isolation!r}."
            )
        for field in fields(self):
            if field.name == "isolation":
                continue
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(
                    f"Settings.{field.name} must be a positive number; got {value!r}."
                )

    def with_(self, **changes) -> Settings:
        """A copy with ``changes`` (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_json(self) -> str:
        """The settings as one JSON object."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | dict) -> Settings:
        """Inverse of :meth:`to_json` (unknown keys are refused, naming them)."""
        data = json.loads(text) if isinstance(text, str) else dict(text)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown grading settings: {', '.join(unknown)}")
        return cls(**data)


#: The defaults used by ``coursekit grade``, nbgrader and the Gradescope autograder.
DEFAULT = Settings()
