"""``coursekit grade``: grade notebooks or nbgrader ``submitted/`` folders with the hidden tests."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from coursekit.grading.locate import AutograderNotFound
from coursekit.grading.questions import ASSIGNMENTS
from coursekit.grading.report import FORMATS, format_results
from coursekit.grading.settings import DEFAULT

__all__ = ["register", "run"]


def register(subparsers) -> None:
    """Add the ``grade`` verb to the ``coursekit`` command line."""
    parser = subparsers.add_parser(
        "grade",
        help="grade submissions with the hidden autograder tests",
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
    parser.add_argument("--output", help="write the report here (default: standard output)")
    parser.add_argument("--feedback", metavar="DIR", help="write HTML feedback pages to DIR")
    parser.add_argument("--jobs", type=int, default=1, help="submissions graded at once")
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
    parser.add_argument(
        "--autograder",
        help="folder of the hidden tests (default: "
        "$COURSEKIT_AUTOGRADER or the repository's autograder/)",
    )
    parser.set_defaults(func=run)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(tmp, path)


def run(args) -> int:
    """Grade, then write the report (and feedback) only after every submission is done."""
    from coursekit.grading.feedback import write_feedback
    from coursekit.grading.parent import grade_submissions

    if args.jobs < 1:
        print(f"coursekit grade: --jobs must be at least 1; got {args.jobs}", file=sys.stderr)
        return 2
    if args.format in ("gradescope", "classroom") and (
        len(args.submissions) != 1 or Path(args.submissions[0]).is_dir()
    ):
        print(
            f"coursekit grade: --format {args.format} reports one notebook; "
            f"got {', '.join(args.submissions)}",
            file=sys.stderr,
        )
        return 2
    try:
        results = grade_submissions(
            args.submissions,
            args.assignment,
            jobs=args.jobs,
            timeout=args.timeout,
            memory_mb=args.memory_mb,
            autograder=args.autograder,
        )
    except (AutograderNotFound, FileNotFoundError) as exc:
        print(f"coursekit grade: {exc}", file=sys.stderr)
        return 2
    report = format_results(results, args.format)
    if args.output:
        _write_atomically(Path(args.output), report)
    else:
        sys.stdout.write(report)
    if args.feedback:
        write_feedback(results, args.feedback)
    failed = [r for r in results if r.error]
    for r in failed:
        print(f"coursekit grade: {r.submission}: {r.error}", file=sys.stderr)
    return 1 if failed else 0
