"""Regenerate ``release/`` and ``solutions/`` from ``source/`` (what ``make release`` runs).

* ``release/<assignment>/`` -- the student notebooks, made by ``nbgrader generate_assignment``
  (run from the repository root so that ``nbgrader_config.py`` applies, but with a temporary
  course root, so that no ``gradebook.db`` or log file is left in the repository).
* ``solutions/<assignment>/`` -- the source notebooks executed top to bottom with their
  outputs (solution regions and hidden tests included: they are the answers).

Both are written so that regenerating them gives the same bytes: fixed cell ids, no
execution timings, a fixed number of threads for the numerical libraries, one seed for
Python's hashing; progress bars dropped and the home folder written ``~`` in the outputs.
Source notebooks must be stored without outputs; when regenerating into the repository any
found are stripped (and reported) first.

Usage::

    python tools/release.py                      # everything, into the repository
    python tools/release.py 02-augmentation      # one assignment
    python tools/release.py --only release       # skip executing the solutions
    python tools/release.py --output /tmp/check  # write <output>/release and <output>/solutions
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "source"

#: Environment of every notebook kernel: same threads and hashing on every machine, so
#: that k-means and the printed numbers do not drift between regenerations.
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    # The same images on every machine: scikit-image's `skin` (downloaded when online) is
    # replaced by its bundled stand-in, whether or not this machine has it cached.
    "COURSEKIT_OFFLINE": "1",
    # The worked answers run their quick checks, not the hidden tests (tests/test_catalogue.py
    # proves that the source's solutions get full marks from them).
    "COURSEKIT_HIDDEN_TESTS": "off",
    "OMP_NUM_THREADS": "2",
    "OPENBLAS_NUM_THREADS": "2",
    "MKL_NUM_THREADS": "2",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "TQDM_DISABLE": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}

#: Seconds one notebook may take before the execution is abandoned.
EXECUTION_TIMEOUT = 600

#: A tqdm progress bar ("Loading images:  13%|█▎   | 88/700 [00:00<00:05, ...]").
_PROGRESS_BAR = re.compile(r"\d+%\|.*\| *\d+/\d+ \[")


def find_assignments(source: Path = SOURCE) -> list[str]:
    """Names of the assignment folders in ``source`` (those holding a notebook), sorted."""
    if not source.is_dir():
        raise FileNotFoundError(f"no source folder at {source}")
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def notebooks_of(assignment: str, source: Path = SOURCE) -> list[Path]:
    """The notebooks of one assignment, sorted (checkpoints excluded)."""
    folder = source / assignment
    if not folder.is_dir():
        raise FileNotFoundError(
            f"no assignment {assignment!r}: {folder} does not exist "
            f"(assignments: {', '.join(find_assignments(source))})"
        )
    return sorted(p for p in folder.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def strip_outputs(path: Path) -> bool:
    """Remove outputs and execution counts from a source notebook; True if it changed."""
    nb = nbformat.read(str(path), as_version=nbformat.NO_CONVERT)
    changed = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            cell.outputs = []
            cell.execution_count = None
            changed = True
        if "execution" in cell.metadata:
            del cell.metadata["execution"]
            changed = True
    if changed:
        nbformat.write(nb, str(path))
    return changed


def sync_points(path: Path) -> bool:
    """Set every graded cell's nbgrader points from the questions table; True if it changed.

    The table (``coursekit.grading.questions``) owns the points: a graded test cell gets its
    question's points, a written answer its own.
    """
    from coursekit.grading.questions import QUESTIONS, WRITTEN

    owned = {q.test_grade_id: q.points for q in QUESTIONS}
    owned.update({w.grade_id: w.points for w in WRITTEN})
    nb = nbformat.read(str(path), as_version=nbformat.NO_CONVERT)
    changed = False
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and meta.get("grade_id") in owned:
            points = owned[meta["grade_id"]]
            points = int(points) if float(points).is_integer() else points
            if meta.get("points") != points:
                meta["points"] = points
                changed = True
    if changed:
        nbformat.write(nb, str(path))
    return changed


def write_kit_cells(output: Path) -> Path:
    """Write ``kit_cells.json`` (the released notebooks' own cells, by hash) for grading.

    Into the package (``src/coursekit/grading/``) when regenerating the repository, else
    into ``output``.
    """
    import json

    from coursekit.grading.extract import KIT_CELLS, kit_cells_manifest

    release = output / "release"
    notebooks = {
        folder.name: sorted(folder.glob("*.ipynb"))
        for folder in sorted(release.iterdir())
        if folder.is_dir() and any(folder.glob("*.ipynb"))
    }
    target = KIT_CELLS if output == REPO else output / "kit_cells.json"
    target.write_text(json.dumps(kit_cells_manifest(notebooks), indent=1) + "\n")
    return target


def generate_release(assignment: str, output: Path) -> Path:
    """Run ``nbgrader generate_assignment`` for one assignment; return ``output/release/<a>``.

    nbgrader runs from the repository root (so ``nbgrader_config.py`` is read) with a
    temporary course root holding a copy of ``source/<assignment>``; its gradebook and log
    stay in that temporary folder.
    """
    target = output / "release" / assignment
    with tempfile.TemporaryDirectory(prefix="coursekit-release-") as tmp:
        course = Path(tmp)
        shutil.copytree(
            SOURCE / assignment,
            course / "source" / assignment,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
        command = [
            sys.executable, "-m", "nbgrader", "generate_assignment", assignment,
            "--force",
            f"--CourseDirectory.root={course}",
            "--CourseDirectory.source_directory=source",
            "--CourseDirectory.release_directory=release",
        ]
        # nbgrader runs the `alembic` command of its own environment: put it on the PATH even
        # when the venv is not activated (make calls .venv/bin/python directly).
        env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                                      os.environ.get("PATH", "")])}
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)
        generated = course / "release" / assignment
        if done.returncode != 0 or not generated.is_dir():
            raise RuntimeError(
                f"nbgrader generate_assignment {assignment} failed (exit {done.returncode}):\n"
                f"{done.stdout}\n{done.stderr}"
            )
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(generated, target)
    return target


def execute_notebook(path: Path, timeout: int = EXECUTION_TIMEOUT):
    """Execute a notebook top to bottom in a fresh ``python3`` kernel; return it with outputs.

    The kernel runs in the notebook's folder with :data:`KERNEL_ENV`; any error stops the
    execution and raises ``nbclient.exceptions.CellExecutionError`` naming the cell.
    """
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    env = {**os.environ, **KERNEL_ENV}
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        allow_errors=False,
    )
    client.execute(env=env)
    return nb


def _drop_progress_bars(text: str) -> str:
    """Remove tqdm progress bars (redrawn with carriage returns, closed by a newline)."""
    return "\n".join(line for line in text.split("\n") if not _PROGRESS_BAR.search(line))


def normalise_outputs(nb) -> None:
    """Make executed outputs independent of the machine and of timing, in place.

    Consecutive pieces of one stream are joined (how printed text is split into messages
    depends on timing); progress bars are dropped (they hold timings and rates, not
    results); the home folder in printed text is written ``~``, so that a cache path such
    as ``/home/me/.cache/coursekit/...`` reads the same on every machine.
    """
    home = str(Path.home())
    # A data cache elsewhere (the test suite's) is shown where it is by default.
    cache = os.environ.get("COURSEKIT_CACHE")
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.outputs:
            previous = kept[-1] if kept else None
            if output.output_type == "stream" and previous is not None and (
                previous.output_type == "stream" and previous.name == output.name
            ):
                previous.text += output.text
                continue
            kept.append(output)
        for output in kept:
            if output.output_type == "stream":
                output.text = _drop_progress_bars(output.text)
                if cache:
                    output.text = output.text.replace(cache.rstrip(os.sep), "~/.cache/coursekit")
                if home != os.sep:
                    output.text = output.text.replace(home, "~")
        cell.outputs = [o for o in kept if o.output_type != "stream" or o.text.strip()]


def make_solution(assignment: str, output: Path) -> list[Path]:
    """Execute every notebook of one assignment into ``output/solutions/<assignment>/``."""
    target = output / "solutions" / assignment
    written = []
    executed = {path: execute_notebook(path) for path in notebooks_of(assignment)}
    for nb in executed.values():
        normalise_outputs(nb)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for path, nb in executed.items():
        out = target / path.name
        nbformat.write(nb, str(out))
        written.append(out)
    return written


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="assignment folders (default: all)")
    parser.add_argument("--output", type=Path, default=REPO,
                        help="folder receiving release/ and solutions/ (default: the repository)")
    parser.add_argument("--only", choices=("release", "solutions"),
                        help="regenerate only one of the two")
    parser.add_argument("--jobs", type=int, default=1,
                        help="notebooks executed at the same time (default: 1)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    assignments = args.assignments or find_assignments()
    output = args.output.resolve()
    if output == REPO:  # a regeneration elsewhere (a test, a check) never touches source/
        for assignment in assignments:
            for path in notebooks_of(assignment):
                if strip_outputs(path):
                    print(f"stripped outputs from {path.relative_to(REPO)}")
                if sync_points(path):
                    print(f"points of {path.relative_to(REPO)} set from the questions table")
    if args.only != "solutions":
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            targets = pool.map(lambda a: generate_release(a, output), assignments)
            for assignment, target in zip(assignments, targets, strict=True):
                print(f"release   {assignment}: {target}")
        print(f"kit cells: {write_kit_cells(output)}")
    if args.only != "release":
        def one(assignment):
            start = time.perf_counter()
            make_solution(assignment, output)
            return assignment, time.perf_counter() - start

        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for assignment, seconds in pool.map(one, assignments):
                print(f"solutions {assignment}: executed in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
