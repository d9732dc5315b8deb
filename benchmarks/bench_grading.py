"""Grading speed: one submission per assignment, and a class of 20 with --jobs 1 and 2.

Submissions are the reference solutions written into notebooks (as in the tests), so every
question runs all its examples. Target: under 15 s per submission on 2 cores.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

CLASS_SIZE = 20


def _make(root: Path, assignment: str, name: str) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from fixtures.grading_notebooks import make_notebook

    return make_notebook(root / name, assignment)


def main() -> int:
    from coursekit.grading import ASSIGNMENTS, grade_notebook, grade_submissions

    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    print(f"{'case':<40} {'seconds':>8} {'score':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for assignment in ASSIGNMENTS:
            notebook = _make(root, assignment, f"{assignment}.ipynb")
            start = time.perf_counter()
            result = grade_notebook(notebook)
            seconds = time.perf_counter() - start
            print(
                f"{'one submission ' + assignment:<40} {seconds:8.1f} "
                f"{result.score:g}/{result.max_score:g}"
            )
        submitted = root / "submitted"
        for i in range(CLASS_SIZE):
            _make(
                submitted / f"s{i:02d}" / "02-augmentation", "02-augmentation", "augmentation.ipynb"
            )
        for jobs in (1, 2):
            start = time.perf_counter()
            results = grade_submissions([submitted], jobs=jobs)
            seconds = time.perf_counter() - start
            full = sum(r.score == r.max_score for r in results)
            print(
                f"{f'class of {CLASS_SIZE} (02-augmentation), --jobs {jobs}':<40} {seconds:8.1f} "
                f"{full}/{len(results)} full"
            )
            print(f"{'  per submission':<40} {seconds / CLASS_SIZE:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
