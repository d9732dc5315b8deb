"""GitHub Classroom end to end: the students' workflow run locally, and the README's flow.

**The workflow.** A template of 02-augmentation (built from the students' copy) is pushed to
by a student who renamed and moved the notebook and made two mistakes. The workflow's ``run:``
steps run in bash in that copy with ``GITHUB_OUTPUT`` and ``GITHUB_STEP_SUMMARY``; ``uses:``
steps are emulated: the checkout is the copy itself, Python is this one, the cache restores
this environment as ``.venv`` (a cache hit: the install step is skipped, as its ``if`` says;
nothing is downloaded), and the reporter is emulated as
``classroom-resources/autograding-grading-reporter@v1`` computes (``src/main.js``,
``src/helpers/test-helpers.js``, ``src/notify-classroom.js``): ``runners`` split on commas,
``<RUNNER>_RESULTS`` decoded from base64 JSON; a runner's points are passed tests / tests x
``max_score`` in the log table and the sum of its tests' ``score`` for Classroom.

**The README.** The "flow: classroom" block of README.md runs as written in a fresh clone:
student copy, templates, then, where the block's comment stands, three students push to
local bare repositories (``tests/fixtures/flow_hooks.py``); ``gh`` is stood in for by a
script that clones them as ``gh classroom clone student-repos`` lays them out; then
``coursekit classroom grade --push`` grades them with the hidden tests and pushes feedback.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from coursekit.grading.report import runner_name
from tests.fixtures import course_submissions as subs
from tests.fixtures.flow_hooks import CLASSROOM_EXPECTED, CLASSROOM_STUDENTS
from tests.fixtures.fresh_clone import fresh_clone, readme_block, run_block, shell_env

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "02-augmentation"
RENAMED = "drafts/rotations final (2).ipynb"
MISTAKES = {"rotate": subs.ROTATE_IGNORES_RESIZE, "flip": subs.FLIP_VIEW}
#: The README's deadline is 2026-06-30T23:59:00+02:00; the clones are taken a minute before.
CLONE_TIME = "2026-06-30T23:58:00+02:00"
EXPRESSION = re.compile(r"\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}")


def read_step_outputs(path: Path) -> dict[str, str]:
    """``$GITHUB_OUTPUT`` as the runner reads it; any other line would fail the step."""
    outputs = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        name, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Za-z_][\w-]*", name), f"line {number}: {line[:80]!r}"
        outputs[name] = value
    return outputs


def expand(value: str, step_outputs: dict) -> str:
    return EXPRESSION.sub(lambda m: step_outputs.get(m[1], {}).get(m[2], ""), value)


def emulate_reporter(runners_input: str, env: dict[str, str]) -> dict:
    runners = runners_input.split(",")
    results = {r: json.loads(base64.b64decode(env[f"{r.strip().upper()}_RESULTS"]))
               for r in runners}  # fmt: skip
    table = {r: sum(t["status"] == "pass" for t in p["tests"]) / len(p["tests"]) * p["max_score"]
             for r, p in results.items()}  # fmt: skip
    scored = [p for p in results.values() if p["max_score"]]
    return {
        "runners": results,
        "table": table,
        "points": {r: sum(t["score"] for t in p["tests"]) for r, p in results.items()},
        "total": sum(t["score"] for p in scored for t in p["tests"]),
        "available": sum(p["max_score"] for p in scored),
        "failed": any(p["status"] in ("fail", "error") for p in results.values()),
    }


def _student_repo():
    import importlib.util

    path = REPO / "tools" / "student_repo.py"
    spec = importlib.util.spec_from_file_location("student_repo", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Build the template, push a renamed partial submission, run the workflow."""
    top = tmp_path_factory.mktemp("classroom-run")
    copy = _student_repo().build_student_repo(top / "copy", [ASSIGNMENT])
    env = {**os.environ, "MPLBACKEND": "Agg", "HOME": str(top),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    env.pop("COURSEKIT_AUTOGRADER", None)  # fmt: skip
    built = subprocess.run([sys.executable, "-m", "coursekit", "classroom", "build",
                            "--assignment", ASSIGNMENT, "--student-copy", str(copy),
                            "--output", str(top / "templates")], env=env, capture_output=True,
                           text=True, timeout=120)  # fmt: skip
    assert built.returncode == 0, built.stderr
    template = top / "templates" / ASSIGNMENT
    workspace = top / "workspace"
    shutil.copytree(template, workspace)
    released = workspace / "notebooks" / ASSIGNMENT / "augmentation.ipynb"
    subs.answer(released, ASSIGNMENT, MISTAKES, workspace / RENAMED)
    released.unlink()
    # The public checks run directly on the same notebook, meanwhile (two cores).
    direct = subprocess.Popen([sys.executable, "-m", "coursekit", "check", str(workspace / RENAMED),
                               "--format", "json"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)  # fmt: skip

    workflow = yaml.safe_load((template / ".github" / "workflows" / "classroom.yml").read_text())
    (job,) = workflow["jobs"].values()
    runner_temp = top / "runner-temp"
    runner_temp.mkdir()
    summary = runner_temp / "step-summary.md"
    base_env = {**env, "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
                "RUNNER_TEMP": str(runner_temp), "GITHUB_STEP_SUMMARY": str(summary)}
    step_outputs, ran, emulated, logs, reporter = {}, [], [], {}, None
    for number, step in enumerate(job["steps"]):
        step_env = {k: expand(str(v), step_outputs) for k, v in step.get("env", {}).items()}
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout"):
            assert step["with"] == {"persist-credentials": False}
            emulated.append(uses)
        elif uses.startswith("actions/setup-python"):
            step_outputs[step["id"]] = {"python-version": "3.11"}
            emulated.append(uses)
        elif uses.startswith("actions/cache"):
            assert step["with"]["path"] == ".venv"
            (workspace / ".venv").symlink_to(Path(sys.prefix))  # the restored environment
            step_outputs[step["id"]] = {"cache-hit": "true"}
            emulated.append(uses)
        elif uses.startswith("classroom-resources/autograding-grading-reporter"):
            reporter = emulate_reporter(step["with"]["runners"], {**base_env, **step_env})
            emulated.append(uses)
        elif "pip install" in step.get("run", ""):
            hit = step_outputs["environment"]["cache-hit"] == "true"
            assert hit and step["if"].endswith("cache-hit != 'true'")  # skipped on a hit
            emulated.append(step["name"])
        else:
            output_file = runner_temp / f"output-{number}"
            output_file.touch()
            done = subprocess.run(["bash", "-e", "-c", expand(step["run"], step_outputs)],
                                  cwd=workspace, capture_output=True, text=True, timeout=600,
                                  env={**base_env, **step_env, "GITHUB_OUTPUT": str(output_file)})
            assert done.returncode == 0, f"{step['name']}:\n{done.stdout}{done.stderr}"
            step_outputs[step.get("id", str(number))] = read_step_outputs(output_file)
            logs[step["name"]] = done.stdout
            ran.append(step["name"])  # fmt: skip
    stdout, stderr = direct.communicate(timeout=600)
    assert direct.returncode == 0, stderr
    return {"job": job, "ran": ran, "emulated": emulated, "reporter": reporter, "logs": logs,
            "summary": summary.read_text(), "coursekit": json.loads(stdout)}  # fmt: skip


def test_every_step_ran_or_was_emulated(run):
    assert len(run["ran"]) + len(run["emulated"]) == len(run["job"]["steps"])
    assert run["ran"] == ["Quick public checks", "Every check has its result"]
    assert run["reporter"] is not None


def test_reporter_gets_coursekit_check_points_per_check(run):
    ours = run["coursekit"]
    expected = {runner_name(q["name"], c["name"]): c["points"]
                for q in ours["questions"] for c in q["checks"]}  # fmt: skip
    assert run["reporter"]["points"] == expected == run["reporter"]["table"]
    assert run["reporter"]["total"] == ours["auto_score"] == 10.0  # rotate 2.5, flip 1.5
    assert run["reporter"]["available"] == 11.0  # the automatic part; written answers by hand
    assert run["reporter"]["failed"]
    resize = run["reporter"]["runners"]["rotateResize"]["tests"][0]
    assert resize["status"] == "fail" and "resize" in resize["message"].lower()


def test_log_and_job_summary_show_points_and_feedback(run):
    log, summary = run["logs"]["Quick public checks"], run["summary"]
    assert RENAMED in log and "10 / 12" in log
    assert "| ✘ | `flip` | `new_array` | 0 / 0.5 |" in summary
    flip = next(q for q in run["coursekit"]["questions"] if q["name"] == "flip")
    for line in flip["feedback"].splitlines():
        if line.strip():
            assert line.strip() in summary and line.strip() in log
    assert "label-preserving" in summary and "pending / 1" in summary and "estimate" in summary
    # Classroom's total is the automatic points; the written answer is named as pending.
    total = "Automatic points: 10 / 11 (the total GitHub Classroom shows)."
    assert total in summary and total in log
    assert f"::notice title=Automatic points::{total}" in log
    assert "pending until your instructor grades them by hand: " in log
    assert "(1 point). The assignment is out of 12." in log


# ----------------------------------------------------------------- the README's flow


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    top = tmp_path_factory.mktemp("classroom-flow")
    clone = fresh_clone(top)
    bin_dir = top / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text("""#!/usr/bin/env bash
# Stands in for the GitHub CLI with the gh-classroom extension, offline.
set -euo pipefail
if [ "$1 $2" = "extension install" ]; then exit 0; fi
if [ "$1 $2 $3" = "classroom clone student-repos" ]; then
  folder="${FAKE_CLASSROOM_SLUG}-submissions"
  mkdir -p "$folder"
  for remote in "$FLOW_TOP"/remotes/*.git; do
    name=$(basename "$remote" .git)
    # Cloned at the deadline (a minute before): git's reflog records the clone's time.
    GIT_COMMITTER_DATE="$FAKE_CLONE_TIME" git clone --quiet "$remote" "$folder/$name"
  done
  exit 0
fi
echo "fake gh: unsupported: $*" >&2; exit 2
""")
    gh.chmod(0o755)
    hook = bin_dir / "hook"
    script = REPO / "tests" / "fixtures" / "flow_hooks.py"
    hook.write_text(f'#!/bin/sh\nexec {sys.executable} {script} classroom "$@"\n')
    hook.chmod(0o755)
    env = shell_env(top / "home", FLOW_TOP=str(top), FAKE_CLASSROOM_SLUG=ASSIGNMENT,
                    FAKE_CLONE_TIME=CLONE_TIME)  # fmt: skip
    for name in ("GH_TOKEN", "GITHUB_TOKEN"):  # push times from the clones, not an API
        env.pop(name, None)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    block = readme_block("<!-- flow: classroom -->")
    done = run_block(block, clone, env, hook)
    return {"top": top, "block": block, "done": done, "env": env}


def test_readme_classroom_commands_run_as_written(flow):
    assert flow["done"].returncode == 0, flow["done"].stdout[-5000:]
    commands = [line for line in flow["block"].splitlines() if line and not line.startswith("#")]
    assert commands[-1].startswith("coursekit classroom grade 02-augmentation-submissions")
    assert "--push" in commands[-1] and "--deadline 2026-06-30T23:59:00+02:00" in commands[-1]


def test_official_marks_for_three_student_repositories(flow):
    top = flow["top"]
    with open(top / "coursekit-grades.csv", newline="") as stream:
        rows = {row["student_id"]: row for row in csv.DictReader(stream)}
    assert {s: float(r["score"]) for s, r in rows.items()} == CLASSROOM_EXPECTED
    assert {float(r["max_score"]) for r in rows.values()} == {12.0}
    assert {float(r["pending_points"]) for r in rows.values()} == {1.0}
    # Graded at what the clone taken at the deadline held; the time is the clone's.
    assert {r["time_source"] for r in rows.values()} == {"clone time"}
    assert {r["timestamp"] for r in rows.values()} == {"2026-06-30T21:58:00Z"}
    assert {r["time_warning"] for r in rows.values()} == {""}
    assert all(len(r["graded_commit"]) == 40 for r in rows.values())
    assert float(rows["bob"]["rotate"]) == 2.5 and float(rows["bob"]["flip"]) == 1.5
    for student in CLASSROOM_STUDENTS:
        pages = list((top / "feedback" / student / ASSIGNMENT).glob("*.html"))
        assert len(pages) == 1, student
        page = pages[0].read_text()
        assert str(top) not in page and "BEGIN HIDDEN" not in page
    carol = (top / "feedback" / "carol" / ASSIGNMENT).glob("*.html")
    assert "not a readable notebook" in next(carol).read_text()


def test_feedback_md_is_pushed_to_every_student_repository(flow):
    for student, score in CLASSROOM_EXPECTED.items():
        remote = flow["top"] / "remotes" / f"{ASSIGNMENT}-{student}.git"
        shown = subprocess.run(["git", "--git-dir", str(remote), "show", "HEAD:FEEDBACK.md"],
                               capture_output=True, text=True)  # fmt: skip
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.startswith(f"## Feedback on {ASSIGNMENT}: {score:g} / 12")
        message = subprocess.run(["git", "--git-dir", str(remote), "log", "-1", "--format=%s"],
                                 capture_output=True, text=True).stdout  # fmt: skip
        assert message.strip() == f"Feedback on {ASSIGNMENT}: {score:g} / 12"
    bob = subprocess.run(["git", "--git-dir", str(flow["top"] / "remotes" /
                                                  f"{ASSIGNMENT}-bob.git"),
                          "show", "HEAD:FEEDBACK.md"], capture_output=True, text=True).stdout
    assert "`rotate`: 2.5 / 3" in bob and "resize" in bob  # fmt: skip


def test_grading_again_pushes_nothing_and_keeps_the_times(flow):
    top, command = flow["top"], commands_of(flow["block"])[-1]
    heads = {s: _head(top, s) for s in CLASSROOM_EXPECTED}
    before = (top / "coursekit-grades.csv").read_text()
    again = subprocess.run(["bash", "-c", f"source {top}/coursekit/.venv/bin/activate && "
                            f"{command}"], cwd=top, env=flow["env"], capture_output=True,
                           text=True, timeout=900)  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("feedback unchanged") == len(CLASSROOM_EXPECTED)
    assert {s: _head(top, s) for s in CLASSROOM_EXPECTED} == heads  # nothing pushed
    assert (top / "coursekit-grades.csv").read_text() == before  # same commits, same times


def _head(top: Path, student: str) -> str:
    remote = top / "remotes" / f"{ASSIGNMENT}-{student}.git"
    return subprocess.run(["git", "--git-dir", str(remote), "rev-parse", "main"],
                          capture_output=True, text=True, check=True).stdout.strip()


def commands_of(block: str) -> list[str]:
    return [line for line in block.splitlines() if line and not line.startswith("#")]
