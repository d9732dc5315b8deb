"""GitHub Classroom: student templates without secrets, and official marks on the instructor's side.

``coursekit classroom build``
    One template repository per assignment, made from the students' copy of the course
    (``make student-repo``): that assignment's notebook, the course kit, the student README,
    and ``.github/workflows/classroom.yml``. The workflow runs only the quick public checks
    (``coursekit classroom check``): no secret, no token, no private repository, no hidden
    test. Its environment is cached per repository, so only a first push installs anything.
    It shows every check's points and feedback in the job's log and summary and hands
    one runner per check to Classroom's reporter
    (``classroom-resources/autograding-grading-reporter``), so Classroom shows an estimate
    of the automatic points; written answers are named as pending.
``coursekit classroom check``
    What the workflow runs inside a student's repository: finds the notebook (renamed or
    moved ones too), runs the public checks once, and writes the text report to the log, the
    Markdown report to ``$GITHUB_STEP_SUMMARY`` and the reporter's payloads to
    ``$GITHUB_OUTPUT``. A missing or unreadable notebook is a zero with a message, never a
    failed step (a failed step gives the student no score at all).
``coursekit classroom grade``
    The official marks, on the instructor's machine, never in a student's repository: a
    folder of cloned student repositories (``gh classroom clone student-repos``) graded with
    the hidden tests, each at the last commit that reached GitHub before ``--deadline``
    (:mod:`coursekit.submission_commit`); the class CSV with the graded commit, its time and
    where that time comes from, one feedback page per student and, with ``--push``, a
    ``FEEDBACK.md`` committed and pushed to each repository (unchanged feedback is not
    pushed again).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from coursekit.grading.questions import ASSIGNMENTS, questions_for
from coursekit.submission_commit import (
    DEFAULT_API,
    GradedCommit,
    choose_commit,
    export_commit,
    parse_deadline,
    token_from_environment,
)

__all__ = [
    "register",
    "build_template",
    "workflow_yaml",
    "runners_of",
    "find_submission_notebook",
    "public_report",
    "grade_clones",
    "GradedRepository",
    "csv_with_commits",
    "push_feedback",
    "automatic_total",
    "student_of",
    "HAND_IN_CLASSROOM",
]

_REPORTER = "classroom-resources/autograding-grading-reporter@v1"
#: The file ``classroom grade --push`` commits to each student repository.
FEEDBACK_FILE = "FEEDBACK.md"
#: Folders never searched for a submission notebook.
_SKIPPED_PARTS = {".git", ".venv", ".ipynb_checkpoints", "node_modules", "src", "__pycache__"}


def runners_of(assignment: str) -> list[str]:
    """Runner ids of ``assignment`` for Classroom's reporter: one per check, table order.

    Raises
    ------
    ValueError
        For an unknown assignment, or two checks whose ids (or environment variables, which
        are upper case) would be the same.
    """
    from coursekit.grading.report import runner_name

    questions = questions_for(assignment)
    if not questions:
        raise ValueError(f"unknown assignment {assignment!r}; expected one of {ASSIGNMENTS}.")
    runners = [runner_name(q.name, c.name) for q in questions for c in q.checks]
    clashes = sorted({r for r in runners if [x.upper() for x in runners].count(r.upper()) > 1})
    if clashes:
        raise ValueError(f"checks of {assignment} share the runner id(s) {clashes}; rename one.")
    return runners


#: Classroom's reporter, and the versions of GitHub's own actions the workflow uses (current
#: majors on Node 24; actionlint flags the node20 ones as deprecated).
_CHECKOUT = "actions/checkout@v7"
_SETUP_PYTHON = "actions/setup-python@v7"
_CACHE = "actions/cache@v6"
_MISSING = (
    "the step 'Quick public checks' did not write the results of these checks (read its "
    "log), so Classroom gets no points from this run:"
)
_CACHE_KEY = (
    "checks-${{ runner.os }}-${{ steps.python.outputs.python-version }}-"
    "${{ hashFiles('constraints.txt', 'pyproject.toml') }}"
)
#: What ``pyproject.toml`` installs for the quick checks alone (no JupyterLab, no nbgrader).
CHECKS_EXTRA = "checks"


def workflow_yaml(assignment: str) -> str:
    """Text of the student template's ``.github/workflows/classroom.yml`` for ``assignment``.

    The job checks the repository out without keeping credentials, restores the course kit's
    environment (``.venv``, cached per repository and keyed on Python's version,
    ``constraints.txt`` and ``pyproject.toml``; built on the first push with only what the
    quick checks need), runs the quick public checks, makes sure every check left its
    payload, and hands one runner per check to Classroom's reporter. It uses no secret and
    reads no other repository; its token may only read the repository's contents.
    """
    runners = runners_of(assignment)
    env = "\n".join(
        f"          {name.upper()}_RESULTS: ${{{{ steps.checks.outputs.{name} }}}}"
        for name in runners
    )
    return f"""\
# Quick public checks of your notebook on every push: an estimate of your points, with the
# feedback of every check, in the Actions tab (job summary and log). Your instructor's
# grading, with many more inputs, gives the official marks.
name: Autograding Tests
"on":
  push:
    paths-ignore:
      - {FEEDBACK_FILE}
  workflow_dispatch:
  repository_dispatch:
# Nothing at the workflow level; the job may only read the repository (Classroom's reporter
# v1 writes annotations, which need no permission).
permissions: {{}}
concurrency:
  group: autograding-${{{{ github.ref }}}}
  cancel-in-progress: true
jobs:
  run-autograding-tests:
    name: Autograding Tests  # the name of GitHub Classroom's own autograding job
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    timeout-minutes: 15
    permissions:
      contents: read
    steps:
      - name: Check out your work
        uses: {_CHECKOUT}
        with:
          persist-credentials: false
      - name: Set up Python
        id: python
        uses: {_SETUP_PYTHON}
        with:
          python-version: "3.11"
      - name: Restore the course kit's environment
        id: environment
        uses: {_CACHE}
        with:
          path: .venv
          key: {_CACHE_KEY}
      - name: Install what the checks need (first push only)
        if: steps.environment.outputs.cache-hit != 'true'
        run: |
          python -m venv .venv
          .venv/bin/python -m pip install --quiet -c constraints.txt -e ".[{CHECKS_EXTRA}]"
      - name: Quick public checks
        id: checks
        env:
          # numpy's code, bit for bit the same for graded functions: no compiling on a new runner
          COURSEKIT_NO_NUMBA: "1"
        run: .venv/bin/coursekit classroom check --assignment {assignment}
      - name: Every check has its result
        if: ${{{{ !cancelled() }}}}
        env:
{env}
        run: |
          missing=""
          for runner in {" ".join(runners)}; do
            variable="$(echo "$runner" | tr '[:lower:]' '[:upper:]')_RESULTS"
            [ -n "${{!variable:-}}" ] || missing="$missing $runner"
          done
          if [ -n "$missing" ]; then
            echo "::error title=Missing results::{_MISSING}$missing"
            exit 1
          fi
      - name: Autograding Reporter
        uses: {_REPORTER}
        env:
{env}
        with:
          runners: {",".join(runners)}
"""


HAND_IN_CLASSROOM = """\
Commit your notebook and push it (`git add`, `git commit`, `git push`, or the Source Control
panel of Codespaces). Every push runs the quick public checks in GitHub Actions: open the
*Actions* tab, then the latest run, to see every check's points and feedback (the job summary)
and the estimate that GitHub Classroom shows. Keep the notebook's name and folder if you can;
a renamed notebook is still found as long as it is the only one of this assignment. Your
instructor grades the last version you pushed before the deadline with many more inputs and
adds a `FEEDBACK.md` file to your repository with the official marks."""


def build_template(assignment: str, student_copy, output_dir) -> Path:
    """Write the template repository of ``assignment`` into ``output_dir / assignment``.

    Parameters
    ----------
    assignment : str
        Assignment name, e.g. ``"02-augmentation"``.
    student_copy : path-like
        The students' copy of the course (``make student-repo OUT=DIR``).
    output_dir : path-like
        Folder of the templates; ``output_dir / assignment`` is replaced.

    Raises
    ------
    FileNotFoundError
        When ``student_copy`` is not a student copy or lacks ``assignment``'s notebook.
    """
    runners_of(assignment)  # validates the name
    copy = Path(student_copy)
    notebooks = copy / "notebooks"
    if not (copy / "Makefile").is_file() or not notebooks.is_dir():
        raise FileNotFoundError(
            f"{copy} is not a students' copy of the course; make one with "
            f"`make student-repo OUT={copy}`."
        )
    if not any((notebooks / assignment).glob("*.ipynb")):
        raise FileNotFoundError(
            f"no notebook of {assignment} in {notebooks / assignment}; rebuild the copy with "
            f"`make student-repo OUT={copy}` (after `make release`)."
        )
    target = Path(output_dir) / assignment
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(
        copy,
        target,
        ignore=shutil.ignore_patterns(".venv", "__pycache__", "*.egg-info", ".git"),
    )
    for other in (target / "notebooks").iterdir():
        if other.name != assignment:
            shutil.rmtree(other)
    workflows = target / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "classroom.yml").write_text(workflow_yaml(assignment))
    readme = target / "README.md"
    text = readme.read_text()
    head, found, _ = text.partition("## Handing in")
    section = "## Handing in\n\n" + HAND_IN_CLASSROOM + "\n"
    readme.write_text((head if found else text + "\n") + section)
    return target


# ----------------------------------------------------------------- finding the notebook


def _readable_assignment(path: Path) -> tuple[str | None, str]:
    """``(assignment, "")`` of a notebook file, or ``(None, why it cannot be read)``."""
    import nbformat

    from coursekit.grading.extract import infer_assignment

    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is reported as such
        return None, f"{type(exc).__name__}: {str(exc)[:200]}"
    return infer_assignment(notebook, path), ""


def _notebooks_in(folder: Path):
    """``.ipynb`` files under ``folder``, never entering the skipped folders (a cached
    ``.venv`` holds tens of thousands of files)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in _SKIPPED_PARTS]
        yield from (Path(root) / f for f in files if f.endswith(".ipynb"))


def find_submission_notebook(folder, assignment: str) -> tuple[Path | None, str]:
    """The notebook of ``assignment`` in a student's ``folder``, or None and why not.

    The only ``.ipynb`` of the folder (outside ``.git``, ``.venv``, ``src`` and checkpoints)
    is taken whatever its name; among several, the one whose nbgrader grade ids name
    ``assignment``; among several of those, the one at the template's own path
    (``notebooks/<assignment>/``).

    Returns
    -------
    path : pathlib.Path or None
    message : str
        Empty when found; otherwise a sentence for the student.
    """
    folder = Path(folder)
    candidates = sorted(_notebooks_in(folder))
    if not candidates:
        return None, (
            f"no notebook (.ipynb file) was found in the repository: commit and push your "
            f"notebook of {assignment}."
        )
    if len(candidates) == 1:
        return candidates[0], ""
    ours = [p for p in candidates if _readable_assignment(p)[0] == assignment]
    if len(ours) == 1:
        return ours[0], ""
    at_home = [p for p in ours if p.parent == folder / "notebooks" / assignment]
    if len(at_home) == 1:
        return at_home[0], ""
    names = ", ".join(p.relative_to(folder).as_posix() for p in (ours or candidates))
    return None, (
        f"several notebooks could be your {assignment} ({names}) and none is clearly the one "
        f"to grade: keep one notebook of this assignment in the repository."
    )


def _complete(result, assignment: str, message: str):
    """``result`` with every check of the table present (missing ones: zero with ``message``).

    Classroom's reporter needs a payload for every runner; a notebook that could not be
    graded still gets one per check, each a zero that says why.
    """
    from coursekit.grading.results import CheckResult
    from coursekit.grading.status import Status

    by_name = {q.name: q for q in result.questions}
    for question in questions_for(assignment):
        outcome = by_name.get(question.name)
        if outcome is None:
            continue
        present = {c.name for c in outcome.checks}
        for check in question.checks:
            if check.name not in present:
                outcome.checks.append(
                    CheckResult(check.name, check.title, 0.0, check.points, Status.ERROR,
                                feedback=message or result.error or "not graded")
                )  # fmt: skip
    return result


def _grade_found(folder: Path, assignment: str, *, public: bool, **kwargs):
    """Find the notebook in ``folder`` and grade it; a zero with a message when it cannot be."""
    from coursekit.grading.parent import grade_notebook, unreadable

    path, message = find_submission_notebook(folder, assignment)
    if path is None:
        return _complete(unreadable(folder, assignment, message), assignment, message)
    from coursekit.grading.parent import symlink_in

    link = symlink_in(path, root=folder)
    if link is not None:
        message = (
            f"{link.relative_to(folder).as_posix()} is a symbolic link: submissions must be "
            "plain files and folders, never links; replace it by the notebook itself."
        )
        return _complete(unreadable(path, assignment, message), assignment, message)
    found, why = _readable_assignment(path)
    if why:
        message = (
            f"{path.relative_to(folder).as_posix()} is not a readable notebook ({why}); "
            "open it in JupyterLab, save it, and push it again."
        )
        return _complete(unreadable(path, assignment, message), assignment, message)
    if found is not None and found != assignment:
        message = (
            f"{path.relative_to(folder).as_posix()} is the notebook of {found}, "
            f"not of {assignment}: push your {assignment} notebook."
        )
        return _complete(unreadable(path, assignment, message), assignment, message)
    result = grade_notebook(path, assignment, public=public, **kwargs)
    return _complete(result, assignment, result.error)


_ESTIMATE = (
    "> Quick public checks: a few inputs per check, so these points are an estimate. Your "
    "instructor's grading tries many more inputs; written answers are graded by hand."
)


def automatic_total(result) -> str:
    """One sentence: the automatic points (what Classroom shows) and the written answers
    still to be graded by hand, named, so that Classroom's ``/11`` is not read as the mark."""
    written = [q for q in result.questions if q.kind == "written"]
    text = (
        f"Automatic points: {result.auto_score:g} / {result.auto_max_score:g} "
        "(the total GitHub Classroom shows)."
    )
    if written:
        names = ", ".join(
            f"{q.name} ({q.max_points:g} point{'' if q.max_points == 1 else 's'})" for q in written
        )
        text += (
            f" Written answers, pending until your instructor grades them by hand: {names}."
            f" The assignment is out of {result.max_score:g}."
        )
    return text


def public_report(folder, assignment: str, **kwargs) -> dict[str, str]:
    """Grade the notebook in ``folder`` with the public checks; every report the workflow writes.

    Returns
    -------
    dict
        ``"text"`` (the log), ``"markdown"`` (the job summary), ``"outputs"``
        (``$GITHUB_OUTPUT`` lines: ``runners`` and one base64 payload per runner),
        ``"total"`` (:func:`automatic_total`) and ``"result"``.
    """
    from coursekit.grading.report import format_results, markdown_summary

    result = _grade_found(Path(folder), assignment, public=True, **kwargs)
    total = automatic_total(result)
    return {
        "text": format_results([result], "text") + total + "\n",
        "markdown": markdown_summary([result]) + "\n" + f"**{total}**\n\n" + _ESTIMATE + "\n",
        "outputs": format_results([result], "classroom"),
        "total": total,
        "result": result,
    }


# ----------------------------------------------------------------- official marks


def student_of(clone: Path, folder: Path) -> str:
    """The student's login from a clone's folder name.

    ``gh classroom clone student-repos`` writes ``<slug>-submissions/<slug>-<login>``; the
    ``<slug>-`` prefix is dropped when the folder is named so, else the name is kept.
    """
    name = clone.name
    if folder.name.endswith("-submissions"):
        prefix = folder.name.removesuffix("-submissions") + "-"
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
    return name


def _clones(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder of cloned student repositories")
    clones = sorted(p for p in folder.iterdir() if p.is_dir() and (p / ".git").exists())
    if not clones:
        raise FileNotFoundError(
            f"no git repositories in {folder}; clone them with "
            "`gh classroom clone student-repos -a ASSIGNMENT_ID`"
        )
    return clones


def _git(clone: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", "-C", str(clone), *args], capture_output=True, text=True, check=check, timeout=120
    )


class GradedRepository(NamedTuple):
    """One student repository graded: its clone, the result and the commit graded."""

    clone: Path
    result: object
    commit: GradedCommit


def grade_clones(
    folder,
    assignment: str,
    *,
    jobs: int = 1,
    deadline: datetime | None = None,
    token: str | None = None,
    api: str = DEFAULT_API,
    **kwargs,
) -> list[GradedRepository]:
    """Grade every student repository in ``folder`` with the hidden tests.

    Each repository is graded at the last commit that reached GitHub before ``deadline``
    (:func:`coursekit.submission_commit.choose_commit`; without a deadline, its newest
    commit), never at a ``FEEDBACK.md`` commit of the grader. The files of that commit are
    graded from a temporary copy, so the clone's working tree is left as it is. Each result
    carries the student's login (:func:`student_of`) and, as ``timestamp``, the time the
    graded commit reached GitHub. Results follow the clones' (sorted) order.
    """
    folder = Path(folder)
    clones = _clones(folder)

    def one(clone: Path) -> GradedRepository:
        commit = choose_commit(clone, deadline, token=token, api=api, feedback_file=FEEDBACK_FILE)
        with tempfile.TemporaryDirectory(prefix="coursekit-commit-") as tmp:
            files = Path(tmp) / clone.name
            if commit.sha:
                export_commit(clone, commit.sha, files)
            else:
                files.mkdir()
            result = _grade_found(files, assignment, public=False, **kwargs)
            if result.submission.startswith(str(files)):
                result.submission = str(clone) + result.submission[len(str(files)) :]
        result.student_id = student_of(clone, folder)
        result.timestamp = commit.time
        return GradedRepository(clone, result, commit)

    with ThreadPoolExecutor(max_workers=max(1, int(jobs))) as pool:
        return list(pool.map(one, clones))


#: Columns ``classroom grade`` adds to the class CSV, after ``timestamp``.
COMMIT_COLUMNS = ["graded_commit", "time_source", "time_warning", "commit_date_flags"]


def csv_with_commits(text: str, graded: list[GradedRepository]) -> str:
    """The class CSV ``text`` with the graded commit, its time's source and warnings added."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(text)))
    columns = list(rows[0]) if rows else []
    at = columns.index("timestamp") + 1 if "timestamp" in columns else len(columns)
    columns[at:at] = COMMIT_COLUMNS
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row, entry in zip(rows, graded, strict=True):
        commit = entry.commit
        row.update(
            graded_commit=commit.sha,
            time_source=commit.source,
            time_warning=commit.warning,
            commit_date_flags="; ".join(commit.flags),
        )
        writer.writerow(row)
    return buffer.getvalue()


def push_feedback(clone: Path, result, assignment: str, commit: GradedCommit | None = None) -> str:
    """Commit ``FEEDBACK.md`` to ``clone`` and push it (naming the graded ``commit``, if given).

    Returns
    -------
    str
        ``"pushed"``, ``"unchanged"`` (the same feedback is already committed and pushed:
        nothing is done, so re-grading is idempotent) or ``"failed: ..."`` with git's message.
    """
    from coursekit.grading.report import markdown_summary

    text = markdown_summary([result], title=f"Feedback on {assignment}")
    if commit is not None and commit.sha:
        text += (
            f"\nGraded version: commit `{commit.sha[:7]}`, on GitHub at {commit.time} "
            f"({commit.source}).\n"
        )
    target = clone / FEEDBACK_FILE
    if target.is_symlink() or (target.exists() and not target.is_file()):
        # A student's FEEDBACK.md that is a link would make the grader write through it
        # (into the instructor's files): refused, never followed.
        return (
            f"failed: {FEEDBACK_FILE} in the student's repository is a symbolic link or not a "
            "file; refused (remove it from the repository to receive feedback)"
        )
    target.write_text(text, encoding="utf-8")
    changed = _git(clone, "status", "--porcelain", "--", FEEDBACK_FILE, check=False).stdout
    ahead = _git(clone, "rev-list", "--count", "@{upstream}..HEAD", check=False)
    unpushed = ahead.returncode == 0 and ahead.stdout.strip() not in ("", "0")
    if not changed.strip() and not unpushed:
        return "unchanged"
    identity = []
    if not _git(clone, "config", "user.email", check=False).stdout.strip():
        identity = ["-c", "user.name=coursekit grader", "-c", "user.email=coursekit@localhost"]
    steps = [["push", "--quiet"]]
    if changed.strip():
        steps[:0] = [
            ["add", FEEDBACK_FILE],
            [*identity, "commit", "--quiet", "-m",
             f"Feedback on {assignment}: {result.score:g} / {result.max_score:g}"],
        ]  # fmt: skip
    for args in steps:
        done = _git(clone, *args, check=False)
        if done.returncode != 0:
            why = (done.stderr or done.stdout).strip()[:300]
            return f"failed: git {' '.join(args[-3:])}: {why}"
    return "pushed"


# ----------------------------------------------------------------- command line


def register(subparsers) -> None:
    """Add ``classroom build``, ``classroom check`` and ``classroom grade``."""
    from coursekit.grading.cli import DEFAULT_CSV, NBGRADER_CSV
    from coursekit.grading.settings import DEFAULT

    parser = subparsers.add_parser(
        "classroom", help="GitHub Classroom: templates, the students' checks, official marks"
    )
    verbs = parser.add_subparsers(dest="classroom_command", metavar="ACTION", required=True)

    build = verbs.add_parser("build", help="write one template repository per assignment")
    build.add_argument(
        "--assignment", action="append", choices=ASSIGNMENTS, help="assignment(s) (default: all)"
    )
    build.add_argument(
        "--student-copy",
        required=True,
        metavar="DIR",
        help="the students' copy of the course (make student-repo OUT=DIR)",
    )
    build.add_argument("--output", default="classroom", help="where to write the templates")
    build.set_defaults(func=_run_build)

    check = verbs.add_parser(
        "check", help="(in a student's repository) the quick public checks, for Actions"
    )
    check.add_argument("--assignment", required=True, choices=ASSIGNMENTS)
    check.add_argument("--folder", default=".", help="the student's repository (default: .)")
    check.add_argument(
        "--output",
        default=os.environ.get("GITHUB_OUTPUT"),
        help="append the reporter's payloads here (default: $GITHUB_OUTPUT, else stdout)",
    )
    check.add_argument(
        "--summary",
        default=os.environ.get("GITHUB_STEP_SUMMARY"),
        help="append the Markdown report here (default: $GITHUB_STEP_SUMMARY)",
    )
    check.set_defaults(func=_run_check)

    grade = verbs.add_parser(
        "grade", help="(instructors) grade cloned student repositories with the hidden tests"
    )
    grade.add_argument(
        "folder", metavar="FOLDER", help="folder of clones (gh classroom clone student-repos)"
    )
    grade.add_argument("--assignment", required=True, choices=ASSIGNMENTS)
    grade.add_argument("--jobs", type=int, default=1, help="repositories graded at once")
    grade.add_argument(
        "--output",
        default=DEFAULT_CSV,
        help=f"class CSV (default {DEFAULT_CSV}; {NBGRADER_CSV} is refused unless --force)",
    )
    grade.add_argument("--force", action="store_true", help=f"allow --output {NBGRADER_CSV}")
    grade.add_argument(
        "--feedback",
        default="feedback",
        metavar="DIR",
        help="feedback pages, DIR/<student>/<assignment>/<notebook>.html (default feedback)",
    )
    grade.add_argument(
        "--push",
        action="store_true",
        help=f"commit {FEEDBACK_FILE} to each repository and push it",
    )
    grade.add_argument(
        "--deadline",
        metavar="ISO-8601",
        help="grade the last commit that reached GitHub before this time, with its time zone "
        "(e.g. 2026-12-01T23:59:00+01:00): from the push events when $GH_TOKEN or "
        "$GITHUB_TOKEN is set, else from when the clone was taken, else (with a warning) "
        "from commit dates",
    )
    grade.add_argument(
        "--api-url",
        default=os.environ.get("GITHUB_API_URL", DEFAULT_API),
        help=f"GitHub's REST API (default $GITHUB_API_URL, else {DEFAULT_API})",
    )
    grade.add_argument("--timeout", type=float, default=DEFAULT.check_timeout)
    grade.add_argument("--memory-mb", type=int, default=DEFAULT.memory_mb)
    grade.add_argument("--autograder", help="folder of the hidden tests")
    grade.set_defaults(func=_run_grade)


def _fail(verb: str, message: str) -> int:
    print(f"coursekit classroom {verb}: {message}", file=sys.stderr)
    return 2


def _run_build(args) -> int:
    for assignment in args.assignment or ASSIGNMENTS:
        try:
            target = build_template(assignment, args.student_copy, args.output)
        except FileNotFoundError as exc:
            return _fail("build", str(exc))
        print(f"{assignment}: {target}")
    return 0


def _append(path: str | None, text: str) -> bool:
    if not path:
        return False
    with open(path, "a", encoding="utf-8") as stream:
        stream.write(text)
    return True


def _run_check(args) -> int:
    report = public_report(args.folder, args.assignment)
    sys.stdout.write(report["text"])
    # A workflow command: the run's page shows it as a notice, beside the reporter's total.
    print(f"::notice title=Automatic points::{report['total']}")
    _append(args.summary, report["markdown"])
    if not _append(args.output, report["outputs"]):
        sys.stdout.write(report["outputs"])
    # The student's mistakes are scores, not a failed step: the reporter must still run.
    return 0


def _run_grade(args) -> int:
    from coursekit.grading.cli import NBGRADER_CSV
    from coursekit.grading.feedback import write_feedback
    from coursekit.grading.locate import AutograderNotFound, find_autograder
    from coursekit.grading.report import format_results

    if args.jobs < 1:
        return _fail("grade", f"--jobs must be at least 1; got {args.jobs}")
    if Path(args.output).name == NBGRADER_CSV and not args.force:
        return _fail("grade", f"refusing to write {args.output} (nbgrader export's file) "
                     "without --force")  # fmt: skip
    try:
        deadline = parse_deadline(args.deadline) if args.deadline else None
    except ValueError as exc:
        return _fail("grade", str(exc))
    try:
        autograder = find_autograder(args.autograder)
        graded = grade_clones(
            args.folder,
            args.assignment,
            jobs=args.jobs,
            deadline=deadline,
            token=token_from_environment(),
            api=args.api_url,
            timeout=args.timeout,
            memory_mb=args.memory_mb,
            autograder=autograder,
        )
    except (AutograderNotFound, FileNotFoundError, RuntimeError) as exc:
        return _fail("grade", str(exc))
    results = [entry.result for entry in graded]
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(csv_with_commits(format_results(results, "csv"), graded), encoding="utf-8")
    pages = write_feedback(results, args.feedback)
    problems = 0
    for clone, result, commit in graded:
        line = f"{result.student_id}: {result.score:g} / {result.max_score:g}"
        if result.error:
            line += f" ({result.error})"
        line += f"; commit {commit.sha[:7] or 'none'} at {commit.time or '-'} ({commit.source})"
        if commit.warning:
            line += f"; WARNING: {commit.warning}"
        for flag in commit.flags:
            line += f"; FLAG: {flag}"
        if args.push:
            outcome = push_feedback(clone, result, args.assignment, commit)
            if outcome.startswith("failed"):
                line += f"; {FEEDBACK_FILE} not pushed: {outcome.removeprefix('failed: ')}"
                problems += 1
            else:
                line += f"; feedback {outcome}"
        print(line)
    print(f"wrote {output} ({len(results)} students) and {len(pages)} pages in {args.feedback}")
    return 1 if problems else 0
