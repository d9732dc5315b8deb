"""``coursekit grade`` (hidden tests, for instructors) and ``coursekit check`` (public checks).

``coursekit check NOTEBOOK`` is the students' command: the quick public checks of
every graded function, run in the same sandbox as grading, with points per check
and the grader's feedback. The points are an estimate (the hidden tests try many
more inputs), and no hidden test is needed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from coursekit.grading.locate import AutograderNotFound
from coursekit.grading.questions import ASSIGNMENTS
from coursekit.grading.report import FORMATS, format_results
from coursekit.grading.settings import DEFAULT

__all__ = ["register", "run", "run_check", "NBGRADER_CSV"]

#: The file nbgrader's ``export`` writes; coursekit never writes it by default.
NBGRADER_CSV = "grades.csv"
#: Where ``coursekit grade --format csv`` writes when no ``--output`` is given.
DEFAULT_CSV = "coursekit-grades.csv"


def _add_limits(parser) -> None:
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT.check_timeout,
        help=f"seconds per check (default {DEFAULT.check_timeout:g})",
    )
    parser.add_argument(
        "--memory-mb",
        type=int,
        default=DEFAULT.memory_mb,
        help=f"memory limit of student code, MiB (default {DEFAULT.memory_mb})",
    )


def register(subparsers) -> None:
    """Add the ``grade`` and ``check`` verbs to the ``coursekit`` command line."""
    parser = subparsers.add_parser(
        "grade",
        help="grade submissions with the hidden autograder tests (instructors)",
        description="Grade student notebooks with the hidden tests in autograder/. Student code "
        "runs in a child process with time and memory limits; results are written only here.",
    )
    parser.add_argument(
        "submissions",
        nargs="+",
        metavar="SUBMISSION",
        help="a notebook, or a folder such as nbgrader's submitted/ "
        "(<student>/<assignment>/*.ipynb)",
    )
    parser.add_argument(
        "--assignment",
        choices=ASSIGNMENTS,
        help="assignment name (default: from the notebook's nbgrader metadata or file name)",
    )
    parser.add_argument(
        "--format", default="text", choices=sorted(FORMATS), help="report format (default: text)"
    )
    parser.add_argument(
        "--output",
        help=f"write the report here (default: standard output; {DEFAULT_CSV} for csv). "
        f"{NBGRADER_CSV} is refused unless --force: it is nbgrader export's file",
    )
    parser.add_argument("--force", action="store_true", help=f"allow --output {NBGRADER_CSV}")
    parser.add_argument(
        "--feedback",
        metavar="DIR",
        help="write HTML feedback pages to DIR/<student>/<assignment>/ (nbgrader's layout)",
    )
    parser.add_argument(
        "--gradebook",
        metavar="DB",
        help="nbgrader gradebook (gradebook.db): take the written answers' points from it",
    )
    parser.add_argument("--jobs", type=int, default=1, help="submissions graded at once")
    parser.add_argument(
        "--trust-submissions",
        action="store_true",
        help="grade even where the machine cannot isolate student code (namespaces or "
        "Landlock, and no network); only for code you trust. Reports say what was in force.",
    )
    parser.add_argument(
        "--continue-on-error",
        action="store_true",
        help="exit 0 even when a submission could not be graded (its error is in the report)",
    )
    parser.add_argument(
        "--similarity",
        action="store_true",
        help="add the pairs of similar graded functions (`coursekit similarity`) to the "
        "text, markdown or json report (and their pages to --feedback DIR/similarity/)",
    )
    _add_limits(parser)
    parser.add_argument(
        "--autograder",
        help="folder of the hidden tests (default: "
        "$COURSEKIT_AUTOGRADER or the repository's autograder/)",
    )
    parser.set_defaults(func=run)

    check = subparsers.add_parser(
        "check",
        help="run the quick public checks on your notebook (students)",
        description="Run the quick public checks of every graded function of a notebook, in the "
        "same sandbox as grading: points per check and the grader's feedback. An estimate: "
        "the graded version tries many more inputs.",
    )
    check.add_argument("notebook", metavar="NOTEBOOK", help="your notebook (.ipynb)")
    check.add_argument("--assignment", choices=ASSIGNMENTS, help="assignment (default: inferred)")
    check.add_argument(
        "--format",
        default="text",
        choices=["text", "json", "markdown", "classroom"],
        help="report format (default: text)",
    )
    check.add_argument("--output", help="write the report here (default: standard output)")
    _add_limits(check)
    check.set_defaults(func=run_check)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(tmp, path)


def _error(verb: str, message: str) -> int:
    print(f"coursekit {verb}: {message}", file=sys.stderr)
    return 2


def run(args) -> int:
    """Grade, then write the report (and feedback) only after every submission is done."""
    from coursekit.grading.feedback import write_feedback
    from coursekit.grading.parent import grade_submissions

    if args.jobs < 1:
        return _error("grade", f"--jobs must be at least 1; got {args.jobs}")
    if args.format in ("gradescope", "classroom") and (
        len(args.submissions) != 1 or Path(args.submissions[0]).is_dir()
    ):
        return _error(
            "grade",
            f"--format {args.format} reports one notebook; got {', '.join(args.submissions)} "
            "(for a Gradescope autograder use `coursekit gradescope build`)",
        )
    if getattr(args, "similarity", False) and args.format not in ("text", "markdown", "json"):
        return _error("grade", f"--similarity adds to text, markdown or json; got {args.format}")
    output = args.output or (DEFAULT_CSV if args.format == "csv" else None)
    if output and Path(output).name == NBGRADER_CSV and not args.force:
        return _error(
            "grade",
            f"refusing to write {output}: that is the file `nbgrader export` writes. "
            f"Choose another name (e.g. {DEFAULT_CSV}) or add --force.",
        )
    try:
        from coursekit.grading.settings import DEFAULT

        results = grade_submissions(
            args.submissions,
            args.assignment,
            jobs=args.jobs,
            timeout=args.timeout,
            memory_mb=args.memory_mb,
            autograder=args.autograder,
            settings=DEFAULT.with_(
                isolation="available" if args.trust_submissions else "enforce"
            ),
        )
        if args.gradebook:
            from coursekit.grading.gradebook import apply_gradebook

            apply_gradebook(results, args.gradebook)
    except (AutograderNotFound, FileNotFoundError, ValueError) as exc:
        return _error("grade", str(exc))
    report = format_results(results, args.format)
    if getattr(args, "similarity", False):
        from coursekit.similarity import with_section

        report = with_section(report, results, args.format, pages=args.feedback)
    if output:
        _write_atomically(Path(output), report)
        print(f"coursekit grade: wrote {output} ({len(results)} submission(s))", file=sys.stderr)
    else:
        sys.stdout.write(report)
    if args.feedback:
        write_feedback(results, args.feedback)
    failed = [r for r in results if r.error]
    for r in failed:
        print(f"coursekit grade: {r.submission}: {r.error}", file=sys.stderr)
    return 1 if failed and not args.continue_on_error else 0


def run_check(args) -> int:
    """Run the public checks of one notebook and print (or write) the report."""
    from coursekit.grading.parent import grade_notebook

    path = Path(args.notebook)
    if not path.is_file():
        return _error("check", f"{path} does not exist (give the path of your .ipynb file)")
    result = grade_notebook(
        path, args.assignment, public=True, timeout=args.timeout, memory_mb=args.memory_mb
    )
    report = format_results([result], args.format)
    if args.format == "text":
        report += (
            "\nThese are the quick public checks: a few inputs per check. The graded version "
            "tries many more, so a passing check here can still fail there.\n"
        )
    if args.output:
        _write_atomically(Path(args.output), report)
    else:
        sys.stdout.write(report)
    if result.error:
        print(f"coursekit check: {result.error}", file=sys.stderr)
        return 1
    return 0
