"""Make an nbgrader course folder outside the repository (what ``make nbgrader-course`` runs).

``release/`` is committed in this repository (students and Classroom templates use it), so
nbgrader run here would skip ``generate_assignment`` ("Skipping existing assignment") and never
fill a gradebook. A course folder of its own avoids that and keeps the class's work (gradebook,
submissions, feedback) out of git:

* ``COURSE/nbgrader_config.py`` -- loads this repository's ``nbgrader_config.py`` (the kit's
  preprocessors, stubs and timeouts), then sets the course's root, gradebook
  (``COURSE/gradebook.db``), exchange (``COURSE/exchange``, not nbgrader's default
  ``/usr/local/share/nbgrader/exchange``), the hidden tests (``$COURSEKIT_AUTOGRADER``) and
  zip_collect's file names;
* ``COURSE/source/`` -- a copy of this repository's ``source/`` (refreshed on every run);
* ``COURSE/exchange/`` -- nbgrader's exchange, writable by every user, as nbgrader makes it;
* ``COURSE/students/nbgrader_config.py`` -- the students' settings (course id, exchange) for
  their own ``~/.jupyter/``.

Run it again after editing ``source/``: it refreshes ``source/`` and the configuration and
leaves the gradebook, submissions and feedback alone.

Usage::

    python tools/nbgrader_course.py ../course
"""

from __future__ import annotations

import argparse
import os
import shutil
import stat
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COURSE_ID = "coursekit"

#: zip_collect: ``<assignment>_<student>_attempt_<time>_<name>.ipynb``, as in nbgrader's
#: documentation of zip_collect (FileNameCollectorPlugin has no default pattern).
ZIP_REGEXP = r".*_(?P<student_id>\w+)_attempt_(?P<timestamp>[0-9\-]+)_(?P<file_id>\w+)"

CONFIG = '''\
"""nbgrader settings of this course (written by `make nbgrader-course`; run it again to refresh).

nbgrader commands run from this folder: `cd {course}`, then e.g. `coursekit nbgrader autograde
ASSIGNMENT` (nbgrader's autograde without a kernel).
"""

import os

c = get_config()  # noqa: F821  (provided by nbgrader)

# The course kit's settings: graders that work outside the kernel, stubs, timeouts.
load_subconfig({kit_config!r})  # noqa: F821

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {course!r}
c.CourseDirectory.db_url = {db_url!r}
c.Exchange.root = {exchange!r}
# zip_collect reads student and time from the names of files downloaded from an LMS.
c.FileNameCollectorPlugin.named_regexp = {zip_regexp!r}
# The hidden tests (in the instructors' repository only).
os.environ.setdefault("COURSEKIT_AUTOGRADER", {autograder!r})
'''

STUDENT_CONFIG = '''\
"""Students' nbgrader settings: put this file in ~/.jupyter/ (or merge it into yours)."""

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}
'''


def make_course(course, repo: Path = REPO) -> Path:
    """Create or refresh the course folder ``course``; return its absolute path.

    Raises
    ------
    FileNotFoundError
        When ``repo`` has no ``source/`` or ``nbgrader_config.py``.
    ValueError
        When ``course`` is inside ``repo`` (its gradebook and submissions would be in git).
    """
    course = Path(course).resolve()
    repo = repo.resolve()
    if course == repo or repo in course.parents:
        raise ValueError(f"{course} is inside the repository; choose a folder outside it")
    for needed in ("source", "nbgrader_config.py"):
        if not (repo / needed).exists():
            raise FileNotFoundError(f"no {needed} in {repo}")
    course.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        repo / "source",
        course / "source",
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
    )
    exchange = course / "exchange"
    exchange.mkdir(exist_ok=True)
    # As nbgrader makes its exchange: everyone may write, only owners may delete.
    exchange.chmod(stat.S_IRWXU | stat.S_IRWXG | stat.S_IRWXO | stat.S_ISVTX)
    values = {
        "course": str(course),
        "course_id": COURSE_ID,
        "kit_config": str(repo / "nbgrader_config.py"),
        "db_url": f"sqlite:///{course / 'gradebook.db'}",
        "exchange": str(exchange),
        "zip_regexp": ZIP_REGEXP,
        "autograder": str(repo / "autograder"),
    }
    (course / "nbgrader_config.py").write_text(CONFIG.format(**values))
    (course / "students").mkdir(exist_ok=True)
    (course / "students" / "nbgrader_config.py").write_text(STUDENT_CONFIG.format(**values))
    return course


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make an nbgrader course folder for the kit.")
    parser.add_argument("course", type=Path, help="the course folder (outside the repository)")
    args = parser.parse_args(argv)
    try:
        course = make_course(args.course)
    except (FileNotFoundError, ValueError) as exc:
        print(f"nbgrader-course: {exc}", file=sys.stderr)
        return 2
    assignments = sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
    print(f"nbgrader course: {course}")
    print(f"  gradebook {course / 'gradebook.db'}, exchange {course / 'exchange'}")
    print(f"  assignments: {', '.join(assignments)}")
    print(f"  students' settings: {course / 'students' / 'nbgrader_config.py'}")
    print(f"next: cd {os.path.relpath(course)} && nbgrader generate_assignment ASSIGNMENT")
    return 0


if __name__ == "__main__":
    sys.exit(main())
