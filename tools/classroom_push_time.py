"""How long a student's push keeps GitHub Actions busy: the Classroom job, simulated locally.

The template's own workflow (``coursekit classroom build``) is read and its ``run:`` steps are
run in bash, as the runner would, in a clean folder at a fixed path (a runner's workspace):

* ``actions/checkout``: the template with the solution notebook copied in (every check runs
  in full: the slowest case);
* ``actions/setup-python``: this machine's Python 3.11 (the runner's tool cache);
* ``actions/cache``: a tar archive of ``.venv`` kept between pushes, saved after the first
  (a miss) and extracted before the others (a hit); GitHub's download of it is not simulated;
* the install step, on a miss only: pip with no index, from a folder of wheels downloaded once
  beforehand (what a pip cache holds), so that no time goes to the network;
* the checks step and the step that checks every payload is there; the reporter (a Node
  action) is not run.

Usage::

    python tools/classroom_push_time.py --pushes 3 [--wheels DIR]

It prints the seconds of every step, of the first push (cache miss) and of the cached pushes,
and the Actions minutes of a term (students x assignments x pushes), each job billed in whole
minutes as GitHub does.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import tomllib
import yaml

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "02-augmentation"


def _student_repo():
    import importlib.util

    path = REPO / "tools" / "student_repo.py"
    spec = importlib.util.spec_from_file_location("student_repo", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def download_wheels(folder: Path, extra: str) -> None:
    """Every wheel the install step needs, once (network: the package registry only)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    requirements = list(project["project"]["dependencies"])
    requirements += project["project"]["optional-dependencies"][extra]
    requirements += project["build-system"]["requires"]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary", ":all:",
         "-c", str(REPO / "constraints.txt"), "-d", str(folder), *requirements],
        check=True,
    )  # fmt: skip


def base_python() -> str:
    """The Python this environment was made from (a runner's ``setup-python``)."""
    return getattr(sys, "_base_executable", sys.executable)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (user and system)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_job(template: Path, workspace: Path, cache: Path, wheels: Path) -> dict[str, tuple]:
    """One push: every step of the workflow, timed.

    Returns ``{step name: (wall-clock seconds, CPU seconds)}``; on a machine shared with
    other work the CPU seconds are the steadier measure.
    """
    workflow = yaml.safe_load((template / ".github" / "workflows" / "classroom.yml").read_text())
    (job,) = workflow["jobs"].values()
    times: dict[str, float] = {}
    outputs: dict[str, dict[str, str]] = {}
    bin_dir = workspace.parent / "setup-python-bin"
    bin_dir.mkdir(exist_ok=True)
    if not (bin_dir / "python").exists():
        (bin_dir / "python").symlink_to(base_python())
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels), "MPLBACKEND": "Agg",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}  # fmt: skip
    env.pop("VIRTUAL_ENV", None)
    env.pop("COURSEKIT_AUTOGRADER", None)
    hit = False
    if workspace.exists():  # a new runner starts with an empty workspace
        shutil.rmtree(workspace)
    for number, step in enumerate(job["steps"]):
        name, uses = step["name"], step.get("uses", "")
        start, cpu = time.perf_counter(), _cpu()
        if uses.startswith("actions/checkout"):
            shutil.copytree(template, workspace)
            solution = REPO / "solutions" / ASSIGNMENT / "augmentation.ipynb"
            shutil.copy2(solution, workspace / "notebooks" / ASSIGNMENT / "augmentation.ipynb")
        elif uses.startswith("actions/setup-python"):
            outputs[step["id"]] = {"python-version": "3.11"}
        elif uses.startswith("actions/cache"):
            hit = cache.is_file()
            if hit:
                with tarfile.open(cache) as archive:
                    archive.extractall(workspace, filter="tar")
            outputs[step["id"]] = {"cache-hit": "true" if hit else ""}
        elif uses:
            continue  # the reporter: not run
        else:
            if "cache-hit != 'true'" in step.get("if", "") and hit:
                continue
            output_file = workspace.parent / f"output-{number}"
            output_file.write_text("")
            step_env = {k: _expand(str(v), outputs) for k, v in step.get("env", {}).items()}
            done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=workspace,
                                  env={**env, **step_env, "GITHUB_OUTPUT": str(output_file),
                                       "GITHUB_STEP_SUMMARY": os.devnull},
                                  capture_output=True, text=True)  # fmt: skip
            if done.returncode != 0:
                raise RuntimeError(f"step {name!r} failed:\n{done.stdout}\n{done.stderr}")
            if "id" in step:
                outputs[step["id"]] = dict(
                    line.split("=", 1) for line in output_file.read_text().splitlines() if line
                )
        times[name] = (time.perf_counter() - start, _cpu() - cpu)
    if not hit:
        start, cpu = time.perf_counter(), _cpu()
        with tarfile.open(cache, "w") as archive:
            archive.add(workspace / ".venv", arcname=".venv")
        times["(post) save the cache"] = (time.perf_counter() - start, _cpu() - cpu)
    return times


def _expand(value: str, outputs: dict) -> str:
    import re

    pattern = r"\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}"
    return re.sub(pattern, lambda m: outputs.get(m[1], {}).get(m[2], ""), value)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pushes", type=int, default=3, help="cached pushes to time")
    parser.add_argument("--wheels", type=Path, help="folder of wheels to reuse (else downloaded)")
    parser.add_argument("--students", type=int, default=150)
    parser.add_argument("--assignments", type=int, default=4)
    parser.add_argument("--pushes-per-assignment", type=int, default=10)
    args = parser.parse_args(argv)
    from coursekit.classroom import CHECKS_EXTRA, build_template

    with tempfile.TemporaryDirectory(prefix="classroom-push-") as tmp:
        top = Path(tmp)
        copy = _student_repo().build_student_repo(top / "copy", [ASSIGNMENT])
        template = build_template(ASSIGNMENT, copy, top / "templates")
        wheels = args.wheels or top / "wheels"
        if not wheels.is_dir():
            download_wheels(wheels, CHECKS_EXTRA)
        cache, workspace = top / "cache.tar", top / "runner" / "work" / "repo"
        workspace.parent.mkdir(parents=True)
        first = run_job(template, workspace, cache, wheels)
        cached = [run_job(template, workspace, cache, wheels) for _ in range(args.pushes)]
        size = cache.stat().st_size / 2**20
    print("first push (cache miss): wall-clock s, CPU s")
    for name, (wall, cpu) in first.items():
        print(f"  {wall:6.1f} {cpu:6.1f}  {name}")
    cold = sum(c for _, c in first.values())
    print(f"  {sum(w for w, _ in first.values()):6.1f} {cold:6.1f}  in all; "
          f"the cached environment: {size:.0f} MiB")  # fmt: skip
    print(f"cached pushes ({args.pushes}), medians: wall-clock s, CPU s")
    for name in cached[0]:
        wall = statistics.median(t[name][0] for t in cached)
        cpu = statistics.median(t[name][1] for t in cached)
        print(f"  {wall:6.1f} {cpu:6.1f}  {name}")
    walls = [sum(w for w, _ in t.values()) for t in cached]
    warm = statistics.median(sum(c for _, c in t.values()) for t in cached)
    print(f"  {statistics.median(walls):6.1f} {warm:6.1f}  in all "
          f"(wall-clock per push: {', '.join(f'{w:.1f}' for w in walls)})")  # fmt: skip
    repositories = args.students * args.assignments
    runs = repositories * args.pushes_per_assignment
    minutes = repositories * math.ceil(cold / 60) + (runs - repositories) * math.ceil(warm / 60)
    print(f"term: {runs} runs in {repositories} repositories, each job billed in whole "
          f"minutes (from the CPU seconds): about {minutes} minutes (a runner's start-up and "
          "downloads come on top)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
