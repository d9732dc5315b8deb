"""The ``coursekit`` command line.

Each verb lives beside the code it drives: a module listed in ``_VERBS``
provides ``register(subparsers)``, which adds its sub-command and sets
``func`` on the parser to a callable taking the parsed arguments and
returning an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys

_VERBS = (
    "coursekit.data.cli",
    "coursekit.demo",
    "coursekit.grading.cli",
    "coursekit.grading.nbgrader_cli",
    "coursekit.classroom",
    "coursekit.gradescope",
    "coursekit.similarity.cli",
)


def build_parser() -> argparse.ArgumentParser:
    from coursekit import __version__

    parser = argparse.ArgumentParser(
        prog="coursekit",
        description="Course kit: cluster medical images and augment small imaging data sets.",
    )
    parser.add_argument("--version", action="version", version=f"coursekit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in _VERBS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if not exc.name or not module_name.startswith(exc.name):
                raise
            continue  # verb not built yet
        module.register(subparsers)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0 if args.command is None else 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("coursekit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
