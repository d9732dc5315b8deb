"""Gradescope autograder: ``coursekit gradescope build`` and what runs inside Gradescope.

``coursekit gradescope build ASSIGNMENT --output DIR`` writes ``DIR/ASSIGNMENT-autograder.zip``
with, at its root (Gradescope's layout)::

    setup.sh          run once when Gradescope builds the image: a Python >= 3.11 virtual
                      environment in /autograder/venv with requirements.txt, then the kit
    run_autograder    run for every submission: ``python -m coursekit gradescope run``
    requirements.txt  every package grading needs, pinned as in constraints.txt
    coursekit/        the course kit (pyproject.toml and src/)
    autograder/       the assignment's hidden tests (and their conftest and helpers)
    config.json       the assignment and the visibility settings

``coursekit gradescope run`` finds the notebook in ``/autograder/submission`` (the only
``.ipynb``, else the one whose nbgrader grade ids name the assignment; otherwise every check
scores zero with a message saying why), grades it with the hidden tests and writes
``/autograder/results/results.json`` in Gradescope's format: one test per check with its
points and feedback, all visible at once by default (``--visibility`` otherwise). Written
answers are not in it: they are Gradescope *manual questions* graded by hand, so the
autograder's maximum is the automatic points. The root ``/autograder`` can be moved with
``$COURSEKIT_GRADESCOPE_ROOT`` (tests do), by ``setup.sh`` and ``run_autograder`` alike.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import zipfile
from pathlib import Path

from coursekit.grading.questions import ASSIGNMENTS, hidden_test_file

__all__ = ["register", "build_autograder", "pinned_requirements", "run_autograder", "VISIBILITY"]

#: Gradescope's visibility settings.
VISIBILITY = ("visible", "hidden", "after_due_date", "after_published")
#: Environment variable that moves Gradescope's ``/autograder`` (for tests).
ROOT_ENV = "COURSEKIT_GRADESCOPE_ROOT"
#: What grading needs besides the package's own dependencies.
_GRADING_PACKAGES = ("nbformat", "pytest", "hypothesis")

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu).
# COURSEKIT_GRADESCOPE_ROOT moves /autograder, as in run_autograder.
set -euo pipefail
ROOT="${COURSEKIT_GRADESCOPE_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="$ROOT/venv"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip
PYTHON=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    PYTHON=python3.11
fi
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
"$VENV/bin/python" -m pip install -r "$SOURCE/requirements.txt"
"$VENV/bin/python" -m pip install --no-deps "$SOURCE/coursekit"
# Compile the augmentation kernels now, not inside the first student's checks.
"$VENV/bin/python" -c "import coursekit.augment as a; a.warm_up(verbose=True)"
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission into
# /autograder/results/results.json. COURSEKIT_GRADESCOPE_ROOT moves /autograder (tests).
set -euo pipefail
ROOT="${COURSEKIT_GRADESCOPE_ROOT:-/autograder}"
PYTHON="${COURSEKIT_GRADESCOPE_PYTHON:-$ROOT/venv/bin/python}"
export COURSEKIT_GRADESCOPE_ROOT="$ROOT" MPLBACKEND=Agg
cd "$ROOT"
exec "$PYTHON" -m coursekit gradescope run
"""


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _constraints(path: Path) -> dict[str, list[str]]:
    """``{name: [pin line, ...]}``: a package pinned per Python version has several lines, each
    with its environment marker, kept as written so that pip on Gradescope picks its own."""
    pins: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name = line.split("==", 1)[0]
            pins.setdefault(_normal(name), []).append(line)
    return pins


def pinned_requirements(constraints: Path) -> list[str]:
    """``name==version`` of every package grading imports, and of their dependencies.

    The closure of the kit's dependencies and :data:`_GRADING_PACKAGES` over the
    installed distributions' metadata, each pinned as ``constraints`` pins it (else at
    the installed version).
    """
    from importlib import metadata

    from packaging.requirements import Requirement

    pins = _constraints(constraints)
    wanted = [Requirement(r) for r in metadata.requires("coursekit") or []]
    wanted = [r for r in wanted if r.marker is None or r.marker.evaluate({"extra": ""})]
    wanted += [Requirement(name) for name in _GRADING_PACKAGES]
    seen: dict[str, list[str]] = {}
    while wanted:
        requirement = wanted.pop()
        name = _normal(requirement.name)
        if name in seen or name == "coursekit":
            continue
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            continue
        seen[name] = pins.get(name, [f"{requirement.name}=={dist.version}"])
        for raw in dist.requires or []:
            sub = Requirement(raw)
            if sub.marker is None or sub.marker.evaluate({"extra": ""}):
                wanted.append(sub)
    return sorted((line for lines in seen.values() for line in lines), key=str.lower)


def _kit_root() -> Path:
    """The repository holding the kit's ``pyproject.toml`` and ``src/`` (editable install)."""
    import coursekit

    root = Path(coursekit.__file__).resolve().parents[2]
    if not (root / "pyproject.toml").is_file() or not (root / "src" / "coursekit").is_dir():
        raise FileNotFoundError(
            f"the course kit's sources were not found next to {coursekit.__file__}; run "
            "`coursekit gradescope build` from the repository (editable install, make install)"
        )
    return root


def _add_file(bundle: zipfile.ZipFile, name: str, data: bytes, executable: bool = False):
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, data)


def build_autograder(
    assignment: str,
    output,
    *,
    autograder=None,
    visibility: str = "visible",
) -> Path:
    """Write ``output/<assignment>-autograder.zip`` for Gradescope and return its path.

    Parameters
    ----------
    assignment : str
        One of :data:`coursekit.grading.questions.ASSIGNMENTS`.
    output : path-like
        Folder of the zip (created if missing).
    autograder : path-like, optional
        Folder of the hidden tests (default: the repository's ``autograder/``).
    visibility : {"visible", "hidden", "after_due_date", "after_published"}
        When students see every test, failed checks and their feedback included (default:
        at once; Gradescope hides a student's total while any test is hidden from them).

    Raises
    ------
    ValueError
        For an unknown assignment or visibility.
    FileNotFoundError
        When the hidden tests or the kit's sources are missing.
    """
    from coursekit.grading.locate import find_autograder

    if assignment not in ASSIGNMENTS:
        raise ValueError(f"unknown assignment {assignment!r}; expected one of {ASSIGNMENTS}.")
    if visibility not in VISIBILITY:
        raise ValueError(f"visibility must be one of {VISIBILITY}; got {visibility!r}.")
    tests = find_autograder(autograder)
    test_file = tests / hidden_test_file(assignment)
    if not test_file.is_file():
        raise FileNotFoundError(f"no hidden tests for {assignment} in {tests}")
    kit = _kit_root()
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    target = output / f"{assignment}-autograder.zip"
    config = {"assignment": assignment, "visibility": visibility}
    requirements = "\n".join(pinned_requirements(kit / "constraints.txt")) + "\n"
    with zipfile.ZipFile(target, "w") as bundle:
        _add_file(bundle, "setup.sh", SETUP_SH.encode(), executable=True)
        _add_file(bundle, "run_autograder", RUN_AUTOGRADER.encode(), executable=True)
        _add_file(bundle, "requirements.txt", requirements.encode())
        _add_file(bundle, "config.json", (json.dumps(config, indent=2) + "\n").encode())
        for path in sorted(tests.glob("*.py")):
            if not path.name.startswith("test_") or path == test_file:
                _add_file(bundle, f"autograder/{path.name}", path.read_bytes())
        # The course's salt travels with the hidden tests: a resubmission meets the same inputs.
        from coursekit.checks.salt import SALT_FILE_NAME, course_salt

        _add_file(bundle, f"autograder/{SALT_FILE_NAME}", (course_salt(tests) + "\n").encode())
        _add_file(bundle, "coursekit/pyproject.toml", (kit / "pyproject.toml").read_bytes())
        _add_file(bundle, "coursekit/README.md", b"The course kit, for Gradescope's grading.\n")
        for path in sorted((kit / "src" / "coursekit").rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                relative = path.relative_to(kit).as_posix()
                _add_file(bundle, f"coursekit/{relative}", path.read_bytes())
    return target


def run_autograder(root=None) -> dict:
    """Grade the submission in ``root/submission`` into ``root/results/results.json``.

    Parameters
    ----------
    root : path-like, optional
        Gradescope's ``/autograder`` (default: ``$COURSEKIT_GRADESCOPE_ROOT``, else
        ``/autograder``).

    Returns
    -------
    dict
        The results written.
    """
    from coursekit.classroom import _grade_found
    from coursekit.grading.report import gradescope_results

    root = Path(root or os.environ.get(ROOT_ENV) or "/autograder")
    config = json.loads((root / "source" / "config.json").read_text())
    start = time.monotonic()
    result = _grade_found(
        root / "submission",
        config["assignment"],
        public=False,
        autograder=root / "source" / "autograder",
    )
    results = gradescope_results(result, visibility=config.get("visibility", "visible"))
    results["execution_time"] = int(round(time.monotonic() - start))
    (root / "results").mkdir(parents=True, exist_ok=True)
    (root / "results" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(results["output"])
    return results


def register(subparsers) -> None:
    """Add ``gradescope build`` and ``gradescope run``."""
    parser = subparsers.add_parser("gradescope", help="Gradescope: build the autograder zip")
    verbs = parser.add_subparsers(dest="gradescope_command", metavar="ACTION", required=True)
    build = verbs.add_parser("build", help="write ASSIGNMENT-autograder.zip for Gradescope")
    build.add_argument("assignment", choices=ASSIGNMENTS, metavar="ASSIGNMENT")
    build.add_argument("--output", default="gradescope", help="folder of the zip")
    build.add_argument("--autograder", help="folder of the hidden tests")
    build.add_argument(
        "--visibility",
        default="visible",
        choices=VISIBILITY,
        help="when students see the tests, failed checks and their feedback included "
        "(default visible: at once)",
    )
    build.set_defaults(func=_run_build)
    run = verbs.add_parser("run", help="(inside Gradescope) grade the submission")
    run.set_defaults(func=lambda args: (run_autograder(), 0)[1])


def _run_build(args) -> int:
    try:
        path = build_autograder(
            args.assignment,
            args.output,
            autograder=args.autograder,
            visibility=args.visibility,
        )
    except (ValueError, FileNotFoundError) as exc:
        print(f"coursekit gradescope build: {exc}", file=sys.stderr)
        return 2
    print(f"{args.assignment}: {path} (upload it as the assignment's autograder)")
    return 0
