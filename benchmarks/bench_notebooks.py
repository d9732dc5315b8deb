"""Course notebooks: wall time and peak memory of each solution notebook, run top to bottom.

Target (issue): each notebook under 60 s and 1.5 GB on 2 cores, on the embedded data set.

Two runs per notebook, each in a fresh process with its own kernel:

* ``solution``  -- the source notebook as ``make release`` executes it into ``solutions/``,
  hidden tests included (each hidden-test cell runs the grader on the student's function);
* ``student``   -- the same notebook with the hidden-test regions removed, i.e. what a student
  who solved every exercise runs from ``release/`` (no grading).

Peak memory is the summed resident size of the whole process tree (the notebook runner,
the kernel and any grader or joblib children), sampled every 20 ms.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from benchmarks._measure import run_and_measure

REPO = Path(__file__).resolve().parent.parent
_HIDDEN = re.compile(r"^### BEGIN HIDDEN TESTS$.*?^### END HIDDEN TESTS$\n?", re.M | re.S)


def _load_release_tool():
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import release
    finally:
        sys.path.pop(0)
    return release


def run_notebook(path: str) -> int:
    """Execute one notebook (the process that is measured); errors fail the run."""
    release = _load_release_tool()
    release.execute_notebook(Path(path))
    return 0


def _without_hidden_tests(source: Path, folder: Path) -> Path:
    nb = nbformat.read(str(source), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = _HIDDEN.sub("", cell.source)
    out = folder / source.name
    nbformat.write(nb, str(out))
    return out


def main() -> int:
    release = _load_release_tool()
    env = dict(os.environ, **release.KERNEL_ENV)
    rows, failed = [], False
    with tempfile.TemporaryDirectory() as tmp:
        for assignment in release.find_assignments():
            for source in release.notebooks_of(assignment):
                student_dir = Path(tmp) / assignment
                student_dir.mkdir(parents=True, exist_ok=True)
                variants = {
                    "solution": source,
                    "student": _without_hidden_tests(source, student_dir),
                }
                for variant, path in variants.items():
                    cmd = [sys.executable, "-m", "benchmarks.bench_notebooks", "--run", str(path)]
                    measured = run_and_measure(
                        cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    code, wall, peak = measured.returncode, measured.seconds, measured.peak_bytes
                    failed |= code != 0
                    status = "ok" if code == 0 else f"FAILED (exit {code})"
                    rows.append((f"{assignment}/{source.name}", variant, wall, peak, status))
    print(f"{'notebook':<42} {'run':<9} {'wall s':>7} {'peak MB':>8}  status")
    for name, variant, wall, peak, status in rows:
        print(f"{name:<42} {variant:<9} {wall:7.1f} {peak / 2**20:8.0f}  {status}")
    print("target: each < 60 s and < 1536 MB on 2 cores (embedded data set)")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--run":
        sys.exit(run_notebook(sys.argv[2]))
    sys.exit(main())
