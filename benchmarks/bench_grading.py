"""Grading speed: one submission per assignment, and a class of 40 with warm graders.

Submissions are the reference solutions written into notebooks (as in the tests), so every
check runs all its examples; in a class, every fourth student makes a typical mistake in one
or two functions (their failing checks shrink to a small input, which costs more). Every
assignment is graded as a class of ``--class-size`` students. Targets: one submission of one
assignment in 5-9 s on 2 cores (``coursekit grade notebook.ipynb``), and a class of 300
students x 4 assignments (1,200 submissions) in under 30 minutes with ``--jobs 2``.

Usage: ``python -m benchmarks grading [--class-size N] [--jobs J]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

WRONG = {  # typical mistakes, for every fourth student
    "02-augmentation": {
        "rotate90": "import numpy as np\ndef rotate90(image, k=1):\n"
        "    return np.rot90(image, -k).copy()\n",
        "adjust_gamma": "import numpy as np\ndef adjust_gamma(image, gamma):\n"
        "    x = image / 255.0 if image.dtype == np.uint8 else image\n"
        "    out = np.clip(x ** gamma, 0, 1)\n"
        "    return (out * 255).astype(np.uint8) if image.dtype == np.uint8 else out\n",
    },
    "01-images": {
        "resize_image": "import numpy as np\nimport skimage.transform\n"
        "def resize_image(image, size):\n"
        "    out = skimage.transform.resize(image, size, order=1, anti_aliasing=True,\n"
        "                                   preserve_range=True)\n"
        "    return out.astype(image.dtype)\n",
    },
    "03-clustering": {
        "purity": "import pandas as pd\ndef purity(labels_true, labels_pred):\n"
        "    t = pd.crosstab(labels_true, labels_pred)\n"
        "    return float(t.max(axis=1).sum() / len(labels_true))\n",
    },
    "04-small-data": {
        "lesion_train_test_split": "import numpy as np\n"
        "def lesion_train_test_split(metadata, test_size=0.2, random_state=0):\n"
        "    order = np.random.default_rng(random_state).permutation(len(metadata))\n"
        "    n_test = int(round(test_size * len(metadata)))\n"
        "    return np.sort(order[n_test:]), np.sort(order[:n_test])\n",
    },
}


def _make(path: Path, assignment: str, overrides=None) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from fixtures.grading_notebooks import make_notebook

    return make_notebook(path, assignment, overrides)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class-size", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--assignments", nargs="*", default=None,
                        help="assignments graded as a class (default: all four)")
    args = parser.parse_args(argv)

    from coursekit.grading import ASSIGNMENTS, grade_notebook, grade_submissions

    args.assignments = args.assignments or list(ASSIGNMENTS)

    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    print(f"{'case':<46} {'seconds':>8} {'score':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        singles = []
        for assignment in ASSIGNMENTS:
            notebook = _make(root / "one" / f"{assignment}.ipynb", assignment)
            start = time.perf_counter()
            result = grade_notebook(notebook)
            seconds = time.perf_counter() - start
            singles.append(seconds)
            print(f"{'one submission ' + assignment:<46} {seconds:8.1f} "
                  f"{result.auto_score:g}/{result.auto_max_score:g}")  # fmt: skip
        per_assignment = {}
        for assignment in args.assignments:
            submitted = root / "class" / assignment
            for i in range(args.class_size):
                overrides = WRONG.get(assignment) if i % 4 == 3 else None
                _make(submitted / f"s{i:03d}" / assignment / f"{assignment}.ipynb", assignment,
                      overrides)  # fmt: skip
            start = time.perf_counter()
            results = grade_submissions([submitted], jobs=args.jobs)
            seconds = time.perf_counter() - start
            full = sum(r.auto_score == r.auto_max_score for r in results)
            errors = sum(bool(r.error) for r in results)
            per = seconds / args.class_size
            per_assignment[assignment] = per
            print(f"{f'class of {args.class_size} ({assignment}), --jobs {args.jobs}':<46} "
                  f"{seconds:8.1f} {full:>4}/{len(results)} full, {errors} errors")  # fmt: skip
            print(f"{'  seconds per submission (wall)':<46} {per:8.2f}")
        mean = sum(per_assignment.values()) / len(per_assignment)
        minutes = mean * 1200 / 60
        print(f"{'300 students x 4 assignments (extrapolated)':<46} {minutes * 60:8.0f} "
              f"= {minutes:.1f} min (target < 30)")  # fmt: skip
        print(f"{'one submission, mean over assignments':<46} {sum(singles) / len(singles):8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
