"""The GitHub Classroom template's workflow, run locally on a sample submission.

``coursekit classroom build`` writes the template of 02-augmentation into tmp; a student's push
is emulated by a copy of it whose notebook answers some questions, gets one wrong and leaves one
blank. The workflow's ``run:`` steps then run in order, in bash, in that copy, with the
environment the workflow sets (and ``GITHUB_OUTPUT``, ``GITHUB_WORKSPACE``). ``uses:`` steps
are emulated: the submission checkout is the copy itself; the instructor repository's checkout
is a copy of this repository's ``autograder/`` at the path the workflow names; Python and the
install step are this environment (nothing is downloaded); the autograding reporter is
emulated as ``classroom-resources/autograding-grading-reporter@v1`` does it (``src/main.js``,
``src/notify-classroom.js``): ``runners`` split on commas, ``<RUNNER>_RESULTS`` decoded from
base64 JSON, points = sum of the tests' ``score``, available = sum of ``max_score``.

Proves that Classroom would show, per question, the points ``coursekit grade`` gives the same
notebook, and that the template hands out no hidden test code.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from coursekit.grading import questions_for

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "02-augmentation"
NOTEBOOK = "augmentation.ipynb"
INSTRUCTOR_REPO = "bristol-course/coursekit-instructor"
STUB = "    # YOUR CODE HERE\n    raise NotImplementedError()"
FLIP_AXES_SWAPPED = (
    "    image = np.asarray(image)\n"
    '    return np.ascontiguousarray(np.flipud(image) if axis == "horizontal" '
    "else np.fliplr(image))"
)
#: The sample submission: the source notebook's answer, the stub left in place, or a mutant.
ANSWERS = {
    "rotate90": "solution",
    "rotate": "solution",
    "flip": FLIP_AXES_SWAPPED,
    "adjust_brightness": "solution",
    "adjust_gamma": "blank",
}
EXPECTED_POINTS = {q.name: float(q.points if ANSWERS[q.name] == "solution" else 0)
                   for q in questions_for(ASSIGNMENT)}
#: Strings only the hidden tests (or the source notebook) contain.
HIDDEN_MARKERS = ("_checks", "hypothesis", "@given", "def test_", "BEGIN HIDDEN TESTS",
                  "grade_in_notebook", "BEGIN SOLUTION")
EXPRESSION = re.compile(r"\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}")


# ----------------------------------------------------------------- helpers


def write_submission(template_notebook: Path, out: Path) -> None:
    """The template's notebook with its stubs replaced as :data:`ANSWERS` says."""
    source = nbformat.read(REPO / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    solutions = {}
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            body = cell.source.split("    ### BEGIN SOLUTION\n")[1]
            solutions[meta["grade_id"]] = body.split("\n    ### END SOLUTION")[0]
    nb = nbformat.read(template_notebook, as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    for name, how in ANSWERS.items():
        cell = cells[f"{ASSIGNMENT}-{name}"]
        assert cell.source.count(STUB) == 1, f"{template_notebook}: no stub in {name}'s cell"
        if how != "blank":
            answer = solutions[f"{ASSIGNMENT}-{name}"] if how == "solution" else how
            cell.source = cell.source.replace(STUB, answer)
    nbformat.write(nb, out)


def read_step_outputs(path: Path) -> dict[str, str]:
    """Parse ``$GITHUB_OUTPUT`` as the Actions runner does (``name=value`` lines only here).

    A line that is neither ``name=value`` nor a ``name<<DELIMITER`` block makes the runner
    fail the step, so it fails here too.
    """
    outputs = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Za-z_][\w-]*", name), (
            f"$GITHUB_OUTPUT line {number} is not name=value: {line[:80]!r}")
        outputs[name] = value
    return outputs


def expand(value: str, step_outputs: dict[str, dict[str, str]]) -> str:
    """Substitute ``${{ steps.<id>.outputs.<name> }}`` (the only expressions the steps use)."""
    return EXPRESSION.sub(lambda m: step_outputs.get(m[1], {}).get(m[2], ""), value)


def emulate_reporter(runners_input: str, env: dict[str, str]) -> dict:
    """What autograding-grading-reporter@v1 reads and reports (``src/main.js``)."""
    runners = [r for r in re.split(r"[\s,]", runners_input) if r]
    results = {}
    for runner in runners:
        encoded = env[f"{runner.strip().upper()}_RESULTS"]
        results[runner] = json.loads(base64.b64decode(encoded, validate=True).decode("utf-8"))
    scored = [r for r in results.values() if r["max_score"]]  # notify-classroom.js
    return {
        "runners": results,
        "points": {runner: sum(t["score"] for t in r["tests"]) for runner, r in results.items()},
        "total": sum(t["score"] for r in scored for t in r["tests"]),
        "available": sum(r["max_score"] for r in scored),
        "failed": any(r["status"] == "fail" for r in results.values()),  # core.setFailed
    }


# ----------------------------------------------------------------- the workflow, once


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Build the template, push a sample submission, run the workflow; return what happened."""
    top = tmp_path_factory.mktemp("classroom")
    home = top / "home"
    home.mkdir()
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "HOME": str(home),
        "MPLBACKEND": "Agg",
    }
    env.pop("COURSEKIT_AUTOGRADER", None)  # only the workflow's own setting may count
    built = subprocess.run(
        [sys.executable, "-m", "coursekit", "classroom", "build", "--assignment", ASSIGNMENT,
         "--release", str(REPO / "release"), "--output", str(top / "templates"),
         "--instructor-repo", INSTRUCTOR_REPO], cwd=top, env=env, capture_output=True,
        text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    template = top / "templates" / ASSIGNMENT

    # The student's repository after a push: the template with the answered notebook.
    workspace = top / "workspace"
    shutil.copytree(template, workspace)
    write_submission(template / NOTEBOOK, workspace / NOTEBOOK)
    # Graded directly, at the same time as the workflow runs (two cores).
    direct = subprocess.Popen(
        [sys.executable, "-m", "coursekit", "grade", str(workspace / NOTEBOOK), "--format", "json",
         "--autograder", str(REPO / "autograder")], cwd=top, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)

    workflow = yaml.safe_load((template / ".github" / "workflows" / "classroom.yml").read_text())
    (job,) = workflow["jobs"].values()
    runner_temp = top / "runner-temp"
    runner_temp.mkdir()
    base_env = {**env, **workflow.get("env", {}), **job.get("env", {}), "CI": "true",
                "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
                "RUNNER_TEMP": str(runner_temp)}
    step_outputs: dict[str, dict[str, str]] = {}
    ran, emulated, reporter = [], [], None
    for number, step in enumerate(job["steps"]):
        step_env = {k: expand(str(v), step_outputs) for k, v in step.get("env", {}).items()}
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout"):
            target = workspace / step.get("with", {}).get("path", ".")
            if step.get("with", {}).get("repository"):  # the instructor's private repository
                assert step["with"]["repository"] == INSTRUCTOR_REPO
                shutil.copytree(REPO / "autograder", target / "autograder")
            emulated.append(step.get("name", uses))
        elif uses.startswith("actions/setup-python"):
            emulated.append(uses)  # this environment's Python is first on PATH
        elif uses.startswith("classroom-resources/autograding-grading-reporter"):
            reporter = emulate_reporter(step["with"]["runners"], {**base_env, **step_env})
            emulated.append(uses)
        elif "pip install" in step.get("run", ""):
            # Installs coursekit from the instructor checkout; here it is already installed.
            assert re.search(r"-e \"?\.instructor\[", step["run"]), step["run"]
            emulated.append(step["name"])
        else:
            assert "run" in step, f"step {number} neither runs nor uses a known action: {step}"
            output_file = runner_temp / f"output-{number}"
            output_file.touch()
            script = runner_temp / f"step-{number}.sh"
            script.write_text(expand(step["run"], step_outputs))
            done = subprocess.run(
                ["bash", "-e", str(script)], cwd=workspace, capture_output=True, text=True,
                env={**base_env, **step_env, "GITHUB_OUTPUT": str(output_file)}, timeout=600)
            assert done.returncode == 0, f"step {step.get('name')!r}:\n{done.stdout}{done.stderr}"
            if "id" in step:
                step_outputs[step["id"]] = read_step_outputs(output_file)
            ran.append(step.get("name", step["run"]))
    stdout, stderr = direct.communicate(timeout=600)
    assert direct.returncode == 0, stderr
    return {"template": template, "workspace": workspace, "workflow": workflow, "job": job,
            "ran": ran, "emulated": emulated, "reporter": reporter,
            "coursekit": json.loads(stdout)}


# ----------------------------------------------------------------- tests


def test_every_step_ran_or_was_emulated(run):
    names = [s.get("name", s.get("uses")) for s in run["job"]["steps"]]
    assert len(run["ran"]) + len(run["emulated"]) == len(names)
    assert run["ran"] == ["Grade"]
    assert run["reporter"] is not None
    # Hidden tests were fetched to where the grade step's COURSEKIT_AUTOGRADER points.
    grade = next(s for s in run["job"]["steps"] if s.get("id") == "grade")
    assert (run["workspace"] / grade["env"]["COURSEKIT_AUTOGRADER"] / "conftest.py").is_file()


def test_classroom_finds_the_workflow_and_its_check_run(run):
    # The reporter looks up the check run named "Autograding Tests"; Classroom wants the
    # workflow of that name with the single job run-autograding-tests.
    assert run["workflow"]["name"] == "Autograding Tests"
    assert list(run["workflow"]["jobs"]) == ["run-autograding-tests"]
    assert run["job"]["name"] == "Autograding Tests"
    assert run["workflow"]["permissions"]["checks"] == "write"


def test_reporter_shows_coursekit_points_per_question(run):
    reporter, ours = run["reporter"], run["coursekit"]
    expected = {q["name"]: q["points"] for q in ours["questions"]}
    assert reporter["points"] == expected == EXPECTED_POINTS
    assert {r: p["max_score"] for r, p in reporter["runners"].items()} == {
        q["name"]: q["max_points"] for q in ours["questions"]}
    assert (reporter["total"], reporter["available"]) == (ours["score"], ours["max_score"])
    assert (reporter["total"], reporter["available"]) == (7.0, 11.0)
    assert reporter["failed"]  # the check goes red: flip fails, adjust_gamma is blank


def test_reporter_messages_carry_the_student_feedback(run):
    for q in run["coursekit"]["questions"]:
        (test,) = run["reporter"]["runners"][q["name"]]["tests"]
        assert test["status"] == ("pass" if q["status"] == "passed" else "fail")
        if q["status"] != "passed":
            assert test["message"] == q["feedback"] and q["feedback"]
    flip = run["reporter"]["runners"]["flip"]["tests"][0]["message"]
    assert "Smallest failing input" in flip and "np.fliplr" in flip


def test_template_hands_out_no_hidden_test_code(run):
    template = run["template"]
    files = sorted(p.relative_to(template).as_posix() for p in template.rglob("*") if p.is_file())
    assert files == [".github/workflows/classroom.yml", "README.md", NOTEBOOK]
    assert (template / NOTEBOOK).read_bytes() == (REPO / "release" / ASSIGNMENT / NOTEBOOK
                                                  ).read_bytes()
    hidden_lines = {line.strip() for f in (REPO / "autograder").glob("*.py")
                    for line in f.read_text().splitlines() if len(line.strip()) > 30}
    for name in files:
        text = (template / name).read_text()
        for marker in HIDDEN_MARKERS:
            assert marker not in text, f"{name} contains {marker!r}"
        leaked = [line for line in hidden_lines if line in text]
        assert not leaked, f"{name} contains hidden test lines: {leaked[:3]}"
