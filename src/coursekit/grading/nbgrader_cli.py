"""``coursekit nbgrader autograde``: nbgrader's autograde, with no kernel ever started.

Student code runs only in the kit's grader (as for ``coursekit grade``); nbgrader
records the points and comments in its gradebook as ``nbgrader autograde`` would,
so formgrader, ``generate_feedback``, ``release_feedback`` and ``export`` follow
as usual (:mod:`coursekit.grading.nbgrader`).
"""

from __future__ import annotations

import sys

__all__ = ["register", "run_autograde"]


def register(subparsers) -> None:
    """Add the ``nbgrader`` verb (``coursekit nbgrader autograde``)."""
    parser = subparsers.add_parser(
        "nbgrader",
        help="nbgrader steps done by the kit (autograde without a kernel)",
        description="nbgrader steps that must not run student code in a Jupyter kernel.",
    )
    verbs = parser.add_subparsers(dest="nbgrader_command", metavar="STEP")
    autograde = verbs.add_parser(
        "autograde",
        help="grade submitted/ into the gradebook, as `nbgrader autograde` does, without a kernel",
        description="Grade the submissions of ASSIGNMENT in the course folder with the kit's "
        "engine and record scores and comments in nbgrader's gradebook, as `nbgrader "
        "autograde` does, but with no Jupyter kernel: no student code runs outside the "
        "grader's sandbox. Written answers stay for manual grading in formgrader.",
    )
    autograde.add_argument("assignment", metavar="ASSIGNMENT", help="e.g. 02-augmentation")
    autograde.add_argument("--student", metavar="ID", help="only this student")
    autograde.add_argument("--course", metavar="DIR", default=".",
                           help="the course folder (its nbgrader_config.py; default: here)")
    autograde.add_argument("--force", action="store_true",
                           help="grade again submissions already autograded")  # fmt: skip
    autograde.set_defaults(func=run_autograde)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def run_autograde(args) -> int:
    """Run the kernel-free autograde; nbgrader's log goes to standard error."""
    from coursekit.grading.nbgrader import autograde

    try:
        return autograde(args.assignment, args.student, args.course, args.force)
    except FileNotFoundError as exc:
        print(f"coursekit nbgrader autograde: {exc}", file=sys.stderr)
        return 2
