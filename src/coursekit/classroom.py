"""``coursekit classroom build``: GitHub Classroom template repositories, one per assignment.

Each template holds the student notebook from ``release/`` and a workflow,
``.github/workflows/classroom.yml``, that on every push checks out the instructor's
(private) repository for the hidden tests, runs ``coursekit grade --format classroom``,
and hands one result per question to GitHub Classroom's autograding reporter
(``classroom-resources/autograding-grading-reporter``), so that Classroom shows the
points of every question.

The hidden tests never enter the template: the workflow fetches them with the
repository secret ``COURSEKIT_AUTOGRADER_TOKEN`` (a read-only token for the
instructor repository, set once as an organisation secret).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from coursekit.grading.questions import ASSIGNMENTS, questions_for

__all__ = ["register", "build_template", "workflow_yaml"]

_REPORTER = "classroom-resources/autograding-grading-reporter@v1"


def workflow_yaml(assignment: str, notebook: str, instructor_repo: str, ref: str = "main") -> str:
    """Text of ``classroom.yml`` grading ``notebook`` of ``assignment``.

    Parameters
    ----------
    assignment : str
        Assignment name, e.g. ``"02-augmentation"``.
    notebook : str
        Notebook file name inside the student repository.
    instructor_repo : str
        ``owner/name`` of the instructor repository (with ``autograder/``).
    ref : str
        Branch or tag of the instructor repository to grade with.
    """
    runners = [q.name for q in questions_for(assignment)]
    if not runners:
        raise ValueError(f"unknown assignment {assignment!r}; expected one of {ASSIGNMENTS}.")
    env = "\n".join(
        f"          {name.upper()}_RESULTS: ${{{{ steps.grade.outputs.{name} }}}}"
        for name in runners
    )
    return f"""\
name: Autograding Tests
"on":
  - push
  - workflow_dispatch
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    name: Autograding Tests  # the check run the reporter looks up by this name
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - name: Checkout the submission
        uses: actions/checkout@v4
      - name: Checkout the hidden tests
        uses: actions/checkout@v4
        with:
          repository: {instructor_repo}
          ref: {ref}
          token: ${{{{ secrets.COURSEKIT_AUTOGRADER_TOKEN }}}}
          path: .instructor
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install coursekit
        run: python -m pip install -c .instructor/constraints.txt -e ".instructor[course,dev]"
      - name: Grade
        id: grade
        env:
          COURSEKIT_AUTOGRADER: .instructor/autograder
        run: >-
          coursekit grade {notebook} --assignment {assignment} --format classroom
          >> "$GITHUB_OUTPUT"
      - name: Autograding Reporter
        uses: {_REPORTER}
        env:
{env}
        with:
          runners: {",".join(runners)}
"""


def build_template(
    assignment: str, release_dir: Path, output_dir: Path, instructor_repo: str, ref: str = "main"
) -> Path:
    """Write the template repository of ``assignment`` into ``output_dir / assignment``.

    Raises
    ------
    FileNotFoundError
        When ``release_dir / assignment`` holds no notebook (run ``make release`` first).
    """
    source = Path(release_dir) / assignment
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(
            f"no student notebook in {source}; run `make release` to generate release/ first."
        )
    target = Path(output_dir) / assignment
    (target / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    for notebook in notebooks:
        shutil.copy2(notebook, target / notebook.name)
    workflow = workflow_yaml(assignment, notebooks[0].name, instructor_repo, ref)
    (target / ".github" / "workflows" / "classroom.yml").write_text(workflow)
    points = sum(q.points for q in questions_for(assignment))
    (target / "README.md").write_text(
        f"# {assignment}\n\nOpen `{notebooks[0].name}`, write the functions, run the "
        "self-checks, then commit and push. Every push is graded automatically "
        f"({points} points); the Actions tab shows the feedback for each question.\n"
    )
    return target


def register(subparsers) -> None:
    """Add ``classroom build`` to the ``coursekit`` command line."""
    parser = subparsers.add_parser(
        "classroom", help="GitHub Classroom: build template repositories with autograding"
    )
    verbs = parser.add_subparsers(dest="classroom_command", metavar="ACTION", required=True)
    build = verbs.add_parser("build", help="write one template repository per assignment")
    build.add_argument(
        "--assignment",
        action="append",
        choices=ASSIGNMENTS,
        help="assignment(s) to build (default: all)",
    )
    build.add_argument("--release", default="release", help="folder of student notebooks")
    build.add_argument("--output", default="classroom", help="where to write the templates")
    build.add_argument(
        "--instructor-repo",
        required=True,
        metavar="OWNER/NAME",
        help="private repository holding autograder/ (fetched by the workflow)",
    )
    build.add_argument("--ref", default="main", help="branch or tag of the instructor repository")
    build.set_defaults(func=_run_build)


def _run_build(args) -> int:
    if args.instructor_repo.count("/") != 1:
        print(
            f"coursekit classroom build: --instructor-repo must be OWNER/NAME; got "
            f"{args.instructor_repo!r}",
            file=sys.stderr,
        )
        return 2
    for assignment in args.assignment or ASSIGNMENTS:
        try:
            target = build_template(
                assignment, Path(args.release), Path(args.output), args.instructor_repo, args.ref
            )
        except FileNotFoundError as exc:
            print(f"coursekit classroom build: {exc}", file=sys.stderr)
            return 2
        print(f"{assignment}: {target}")
    return 0
