"""nbgrader autograde against ``coursekit grade``: seconds per student on the same notebooks.

A course folder (``tools/nbgrader_course.py``, as ``make nbgrader-course`` makes it) with one
assignment generated and released; N students' notebooks (the release notebook answered,
each with a different pair of mistakes, as in the flow tests) put in ``submitted/``. Then,
one after the other on the same notebooks: ``coursekit grade submitted/ --jobs 1`` and
``nbgrader autograde ASSIGNMENT`` (one notebook at a time, as nbgrader does). The issue's
target: autograde at most 2x ``coursekit grade`` per student. The load average is printed:
on a shared machine both figures grow, their ratio much less.

Usage: ``python -m benchmarks nbgrader [--students N] [--assignment A]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _course_tools():
    sys.path.insert(0, str(REPO / "tools"))
    sys.path.insert(0, str(REPO))
    import nbgrader_course

    from tests.fixtures import course_submissions as subs

    return nbgrader_course, subs


def _answers(subs, index: int) -> dict:
    variants = [
        {"rotate": subs.ROTATE_IGNORES_RESIZE, "flip": subs.FLIP_VIEW},
        {"rotate90": subs.ROTATE90_CLOCKWISE, "adjust_gamma": subs.GAMMA_INVERTED},
        {"rotate90": subs.ROTATE90_VIEW, "adjust_brightness": subs.BRIGHTNESS_TRUNCATES},
        {},
    ]
    return variants[index % len(variants)]


def _timed(command: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        log = done.stdout[-2000:] + done.stderr[-3000:]
        raise RuntimeError(f"{' '.join(command)} failed:\n{log}")
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=3)
    parser.add_argument("--assignment", default="02-augmentation")
    args = parser.parse_args(argv)
    if args.assignment != "02-augmentation":
        print("the mistakes used here are of 02-augmentation", file=sys.stderr)
        return 2
    nbgrader_course, subs = _course_tools()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="bench-nbgrader-") as tmp:
        top = Path(tmp)
        course = nbgrader_course.make_course(top / "course")
        env = {**os.environ, "HOME": str(top / "home"), "MPLBACKEND": "Agg",
               "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
               "JUPYTER_CONFIG_DIR": str(top / "home" / ".jupyter"),
               "JUPYTER_DATA_DIR": str(top / "home" / ".local" / "share" / "jupyter"),
               "COURSEKIT_CACHE": str(top / "cache")}  # fmt: skip
        (top / "home").mkdir()
        nbgrader = [str(bin_dir / "nbgrader")]
        for verb in ("generate_assignment", "release_assignment"):
            _timed([*nbgrader, verb, args.assignment], course, env)
        released = course / "release" / args.assignment / "augmentation.ipynb"
        for i in range(args.students):
            folder = course / "submitted" / f"student{i:02d}" / args.assignment
            subs.answer(released, args.assignment, _answers(subs, i), folder / released.name)
            (folder / "timestamp.txt").write_text("2024-05-06 10:00:00.000000 UTC")

        print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
        print(f"{'case':<52} {'seconds':>8}")
        coursekit = _timed([str(bin_dir / "coursekit"), "grade", "submitted/", "--jobs", "1",
                            "--format", "json", "--output", "coursekit.json"], course, env)
        autograde = _timed([str(bin_dir / "coursekit"), "nbgrader", "autograde", args.assignment],
                           course, env)  # fmt: skip
        feedback = _timed([*nbgrader, "generate_feedback", args.assignment], course, env)
        n = args.students
        print(f"{f'coursekit grade, {n} students, --jobs 1':<52} {coursekit:8.1f}")
        print(f"{f'coursekit nbgrader autograde, {n} students':<52} {autograde:8.1f}")
        print(f"{'  coursekit grade per student':<52} {coursekit / n:8.1f}")
        print(f"{'  nbgrader autograde per student':<52} {autograde / n:8.1f}")
        print(f"{'  ratio autograde / coursekit grade (target <= 2)':<52} "
              f"{autograde / coursekit:8.2f}")  # fmt: skip
        print(f"{'nbgrader generate_feedback, per student':<52} {feedback / n:8.1f}")
        pages = list((course / "feedback").rglob("*.html"))
        largest = max(p.stat().st_size for p in pages) / 1000
        print(f"{'largest feedback page (kB, target < 500)':<52} {largest:8.0f}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        shutil.rmtree(course, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
