"""``coursekit similarity``: similar graded functions in a class, and copies of the kit."""

from __future__ import annotations

import sys
from pathlib import Path

from coursekit.grading.questions import ASSIGNMENTS

__all__ = ["register", "run"]


def register(subparsers) -> None:
    """Add the ``similarity`` verb to the ``coursekit`` command line."""
    from coursekit.similarity.compare import Settings

    defaults = Settings()
    parser = subparsers.add_parser(
        "similarity",
        help="list graded functions copied between students or from the kit (instructors)",
        description="Compare every graded function of every submission with the same function "
        "of every other submission and with the kit's own code, on normalised code (names, "
        "comments, layout and the order of independent statements do not hide a copy), and "
        "list the pairs above the threshold. Exit status 0 whether or not pairs are found.",
    )
    parser.add_argument("submissions", nargs="+", metavar="SUBMITTED",
                        help="a folder such as nbgrader's submitted/, or notebooks")  # fmt: skip
    parser.add_argument("--assignment", choices=ASSIGNMENTS,
                        help="assignment (default: each notebook's own)")  # fmt: skip
    parser.add_argument("--threshold", type=float, default=defaults.threshold,
                        help=f"lowest score listed, 0..1 (default {defaults.threshold:g})")
    parser.add_argument("--min-shared", type=float, default=defaults.min_shared,
                        help="fewest distinctive fingerprints shared for a pair to be listed "
                        f"(default {defaults.min_shared:g})")  # fmt: skip
    parser.add_argument("--format", default="text", choices=["text", "json", "csv"],
                        help="report format (default: text)")  # fmt: skip
    parser.add_argument("--output", metavar="DIR",
                        help="also write side-by-side HTML pages to DIR/similarity/ "
                        "(e.g. the feedback folder; for instructors only)")  # fmt: skip
    parser.set_defaults(func=run)


def run(args) -> int:
    """List the similar pairs; write the HTML pages when asked."""
    from coursekit.similarity import find_similar
    from coursekit.similarity.compare import Settings
    from coursekit.similarity.report import format_matches, summary_line, write_pages

    try:
        settings = Settings(threshold=args.threshold, min_shared=args.min_shared)
        matches, submissions = find_similar(args.submissions, args.assignment, settings)
    except (FileNotFoundError, ValueError) as exc:
        print(f"coursekit similarity: {exc}", file=sys.stderr)
        return 2
    for sub in submissions:
        if sub.error:
            print(f"coursekit similarity: skipped {sub.error}", file=sys.stderr)
    summary = summary_line(matches, len(submissions), settings)
    sys.stdout.write(format_matches(matches, args.format, summary))
    sys.stdout.flush()
    if args.output:
        index = write_pages(matches, Path(args.output), summary)
        print(f"coursekit similarity: wrote {index}", file=sys.stderr)
    return 0
