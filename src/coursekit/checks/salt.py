"""The per-course secret salt of the hidden tests' generated inputs.

The hidden tests draw their generated inputs with hypothesis from a seed made of this
salt and the check's name, so that the same course (same salt) always meets a submission
with the same inputs (the same grade every run), while the students' copy of the kit,
which has the generators but not the salt, cannot reproduce them. The quick checks keep
their public fixed inputs and never read the salt.

The salt is the environment variable ``COURSEKIT_SALT`` if set, else the first line of the
file ``.course-salt`` beside the hidden tests (``autograder/.course-salt``), which is
created with :func:`secrets.token_hex` at first use. It is kept out of git
(``.gitignore``) and out of the students' copy; the Gradescope zip carries it along with
``autograder/``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

__all__ = ["SALT_VARIABLE", "SALT_FILE_NAME", "course_salt", "check_seed"]

#: Environment variable that sets the salt (it wins over the file).
SALT_VARIABLE = "COURSEKIT_SALT"
#: Name of the salt file in the hidden tests' folder.
SALT_FILE_NAME = ".course-salt"


def course_salt(folder: str | os.PathLike) -> str:
    """The course's salt: ``$COURSEKIT_SALT``, else ``folder/.course-salt`` (made if missing).

    Parameters
    ----------
    folder : path
        The hidden tests' folder (``autograder/``).

    Raises
    ------
    OSError
        When the file is missing and cannot be created; the message names the file and
        the variable that can be set instead.
    """
    given = os.environ.get(SALT_VARIABLE, "").strip()
    if given:
        return given
    path = Path(folder) / SALT_FILE_NAME
    if not path.exists():
        try:
            # O_EXCL: two graders starting at once keep the first one's salt.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        except OSError as exc:
            raise OSError(
                f"cannot create the hidden tests' salt file {path} ({exc.strerror}); "
                f"create it once (python -c \"import secrets; print(secrets.token_hex(16))\" "
                f"> {path}) or set {SALT_VARIABLE}"
            ) from exc
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_hex(16) + "\n")
    salt = path.read_text(encoding="utf-8").strip()
    if not salt:
        raise OSError(f"the hidden tests' salt file {path} is empty: delete it or fill it")
    return salt


def check_seed(salt: str, question: str, check: str) -> int:
    """The hypothesis seed of one check: a hash of the salt and the check's name."""
    digest = hashlib.sha256(f"{salt}\0{question}\0{check}".encode()).digest()
    return int.from_bytes(digest[:16], "big")
