"""Find the hidden autograder tests (in the instructor's repository, not in the package)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["find_autograder", "AutograderNotFound"]


class AutograderNotFound(FileNotFoundError):
    """The hidden tests are not available (they are only given to the grader)."""


def find_autograder(path: str | os.PathLike | None = None) -> Path:
    """Folder of the hidden tests: ``path``, else ``$COURSEKIT_AUTOGRADER``, else the repository's.

    Raises
    ------
    AutograderNotFound
        When no folder with a ``conftest.py`` is found.
    """
    candidates = []
    if path is not None:
        candidates.append(Path(path))
    if os.environ.get("COURSEKIT_AUTOGRADER"):
        candidates.append(Path(os.environ["COURSEKIT_AUTOGRADER"]))
    # Editable install: <repo>/src/coursekit/grading/locate.py -> <repo>/autograder
    candidates.append(Path(__file__).resolve().parents[3] / "autograder")
    for candidate in candidates:
        if (candidate / "conftest.py").is_file():
            return candidate.resolve()
    raise AutograderNotFound(
        "the hidden autograder tests were not found (looked in: "
        + ", ".join(str(c) for c in candidates)
        + "). They are only available to the grader: set COURSEKIT_AUTOGRADER to the "
        "instructor repository's autograder/ folder."
    )
