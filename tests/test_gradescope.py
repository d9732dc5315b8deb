"""``coursekit gradescope build``: the zip, and ``run_autograder`` in a Gradescope-like root.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` once, then for each
submission puts the student's files in ``/autograder/submission`` and runs
``run_autograder``, which must write ``/autograder/results/results.json``. The tests lay out
that root in tmp (``$COURSEKIT_GRADESCOPE_ROOT``), with this environment's Python standing in
for the one ``setup.sh`` installs and the zip's own copy of the kit on ``PYTHONPATH``, and
check ``results.json`` against Gradescope's specification.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from coursekit.gradescope import VISIBILITY, build_autograder
from coursekit.grading.questions import max_points, questions_for, written_for
from tests.fixtures import course_submissions as subs
from tests.fixtures.fresh_clone import fresh_clone, readme_block, run_block, shell_env

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "02-augmentation"

#: Gradescope's results.json: allowed keys and their types (autograder specifications).
TOP_KEYS = {"score": (int, float), "execution_time": int, "output": str, "output_format": str,
            "test_output_format": str, "test_name_format": str, "visibility": str,
            "stdout_visibility": str, "extra_data": dict, "tests": list, "leaderboard": list}
TEST_KEYS = {"score": (int, float), "max_score": (int, float), "status": str, "name": str,
             "name_format": str, "number": str, "output": str, "output_format": str,
             "tags": list, "visibility": str, "extra_data": dict}  # fmt: skip
FORMATS = {"text", "html", "simple_format", "md", "ansi"}


def validate_results(data: dict) -> None:
    """Raise AssertionError where ``data`` departs from Gradescope's results.json format."""
    assert set(data) <= set(TOP_KEYS), set(data) - set(TOP_KEYS)
    for key, value in data.items():
        assert isinstance(value, TOP_KEYS[key]) and not isinstance(value, bool), key
    for key in ("visibility", "stdout_visibility"):
        assert data.get(key, "visible") in VISIBILITY, key
    for key in ("output_format", "test_output_format", "test_name_format"):
        assert data.get(key, "text") in FORMATS, key
    assert "score" in data or all("score" in t for t in data["tests"])
    for test in data["tests"]:
        assert set(test) <= set(TEST_KEYS), set(test) - set(TEST_KEYS)
        for key, value in test.items():
            assert isinstance(value, TEST_KEYS[key]) and not isinstance(value, bool), key
        assert test.get("status", "passed") in ("passed", "failed")
        assert test.get("visibility", "visible") in VISIBILITY
        assert all(isinstance(tag, str) for tag in test.get("tags", []))
        if "max_score" in test:
            assert 0 <= test["score"] <= test["max_score"]


def gradescope_root(top: Path, archive: Path, submission_files: dict[str, Path | str]) -> Path:
    """``top/autograder`` laid out as Gradescope does: source/ (the zip), submission/, results/."""
    root = top / "autograder"
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(root / "source")
        for info in bundle.infolist():  # zipfile drops permissions; Gradescope keeps them
            mode = info.external_attr >> 16
            if mode:
                (root / "source" / info.filename).chmod(stat.S_IMODE(mode))
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for name, content in submission_files.items():
        target = root / "submission" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            target.write_bytes(content.read_bytes())
        else:
            target.write_text(content)
    return root


def run_autograder(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COURSEKIT_GRADESCOPE_ROOT": str(root),
           "COURSEKIT_GRADESCOPE_PYTHON": sys.executable,
           "PYTHONPATH": str(root / "source" / "coursekit" / "src")}  # the zip's own kit
    env.pop("COURSEKIT_AUTOGRADER", None)
    return subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_autograder(ASSIGNMENT, tmp_path_factory.mktemp("gradescope"))


def test_zip_holds_what_gradescope_runs_and_only_this_assignment_s_tests(archive):
    with zipfile.ZipFile(archive) as bundle:
        names = set(bundle.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in bundle.infolist()}
        requirements = bundle.read("requirements.txt").decode().splitlines()
        config = json.loads(bundle.read("config.json"))
        setup = bundle.read("setup.sh").decode()
    assert {"setup.sh", "run_autograder", "requirements.txt", "config.json",
            "coursekit/pyproject.toml", "coursekit/src/coursekit/__init__.py",
            "autograder/conftest.py", "autograder/_checks.py",
            "autograder/test_02_augmentation.py"} <= names  # fmt: skip
    assert not [n for n in names if n.startswith("autograder/test_") and ASSIGNMENT.replace(
        "-", "_") not in n]  # fmt: skip
    assert not [n for n in names if n.split("/")[0] in ("source", "solutions", "release")]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    for script in ("setup.sh", "run_autograder"):
        assert modes[script] & 0o111, f"{script} is not executable"
    pins = {line.split("==")[0].lower(): line for line in requirements}
    assert all("==" in line for line in requirements)
    for needed in ("numpy", "scikit-image", "scikit-learn", "pytest", "hypothesis", "nbformat"):
        assert needed in pins, needed
    constraints = (REPO / "constraints.txt").read_text().splitlines()
    assert all(line in constraints for line in requirements if line.split("==")[0].lower()
               in {c.split("==")[0].lower() for c in constraints})  # fmt: skip
    assert config == {"assignment": ASSIGNMENT, "visibility": "visible"}
    assert "requirements.txt" in setup
    assert 'ROOT="${COURSEKIT_GRADESCOPE_ROOT:-/autograder}"' in setup


def test_setup_sh_honours_the_root_override(tmp_path, archive):
    """setup.sh run with stand-ins for apt-get and python3 that record what they are asked."""
    root = gradescope_root(tmp_path, archive, {})
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    recorder = f'#!/bin/sh\necho "$(basename "$0") $*" >> {log}\n'
    (bin_dir / "apt-get").write_text(recorder)
    # python3 -m venv DIR makes DIR/bin/python, itself a recorder.
    (bin_dir / "python3").write_text(recorder + 'if [ "$1 $2" = "-m venv" ]; then\n'
                                     '  mkdir -p "$3/bin"; cp "$0" "$3/bin/python"\nfi\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    env = {**os.environ, "COURSEKIT_GRADESCOPE_ROOT": str(root),
           "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}  # fmt: skip
    done = subprocess.run([str(root / "source" / "setup.sh")], env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    calls = log.read_text()
    assert f"python3 -m venv {root}/venv" in calls
    assert f"python -m pip install -r {root}/source/requirements.txt" in calls
    assert f"python -m pip install --no-deps {root}/source/coursekit" in calls
    assert (root / "venv" / "bin" / "python").is_file()
    assert "/autograder" not in calls.replace(str(root), "ROOT")


def test_build_refuses_unknown_settings(tmp_path):
    with pytest.raises(ValueError, match="unknown assignment"):
        build_autograder("05-nothing", tmp_path)
    with pytest.raises(ValueError, match="visibility"):
        build_autograder(ASSIGNMENT, tmp_path, visibility="sometimes")


@pytest.mark.parametrize("files", [{}, {"notes.txt": "my answers are in my head"},
                                   {"augmentation.ipynb": '{"cells": ['}])  # fmt: skip
def test_no_gradable_notebook_is_a_zero_with_a_message(tmp_path, archive, files):
    root = gradescope_root(tmp_path, archive, files)
    done = run_autograder(root)
    assert done.returncode == 0, done.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    validate_results(data)
    assert data["score"] == 0
    checks = data["tests"]  # every check, failed and visible at once; no written answer
    assert len(checks) == sum(len(q.checks) for q in questions_for(ASSIGNMENT))
    assert {(t["status"], t["visibility"]) for t in checks} == {("failed", "visible")}
    assert data["visibility"] == "visible"
    why = "not a readable notebook" if files.get("augmentation.ipynb") else "no notebook"
    assert all(why in t["output"] for t in checks)
    written = sum(w.points for w in written_for(ASSIGNMENT))
    assert sum(t["max_score"] for t in data["tests"]) == max_points(ASSIGNMENT) - written
    assert not [t for t in checks if "written" in t["name"] or "written" in t.get("tags", [])]


@pytest.mark.slow
def test_readme_build_then_run_autograder_on_a_renamed_partial_submission(tmp_path):
    clone = fresh_clone(tmp_path)
    hook = tmp_path / "no-hook"
    done = run_block(readme_block("<!-- flow: gradescope -->"), clone, shell_env(tmp_path / "h"),
                     hook)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    archive = tmp_path / "gradescope" / f"{ASSIGNMENT}-autograder.zip"
    assert archive.is_file()
    notebook = subs.answer(subs.release_notebook(ASSIGNMENT), ASSIGNMENT,
                           {"rotate": subs.ROTATE_IGNORES_RESIZE, "flip": subs.FLIP_VIEW},
                           tmp_path / "work" / "Copy of augmentation.ipynb")  # fmt: skip
    root = gradescope_root(tmp_path, archive, {"Copy of augmentation.ipynb": notebook,
                                               "README.txt": "submitted by me"})  # fmt: skip
    ran = run_autograder(root)
    assert ran.returncode == 0, ran.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    validate_results(data)
    assert data["score"] == 10.0  # rotate 2.5 of 3, flip 1.5 of 2; written: manual question
    assert sum(t["max_score"] for t in data["tests"]) == 11 and max_points(ASSIGNMENT) == 12
    by_name = {t["name"]: t for t in data["tests"]}
    resize, new_array = by_name["rotate: resize"], by_name["flip: new_array"]
    assert (resize["score"], resize["status"], resize["visibility"]) == (0, "failed", "visible")
    assert new_array["status"] == "failed" and "view" in new_array["output"]
    passed = by_name["rotate: any_angle"]
    assert (passed["score"], passed["status"], passed["visibility"]) == (1.0, "passed",
                                                                        "visible")  # fmt: skip
    assert not [t for t in data["tests"] if "written" in t.get("tags", [])]
    assert "written answers, graded by hand as manual questions" in data["output"]
    assert str(tmp_path) not in json.dumps(data)  # no paths of the grading machine


@pytest.mark.slow
def test_run_autograder_isolates_a_hostile_submission(tmp_path, archive):
    """Gradescope's route shuts student code in like `coursekit grade`: nothing outside changes."""
    from coursekit.grading.sandbox import probe
    from tests.fixtures.grading_notebooks import make_notebook

    if not probe().sufficient:
        pytest.skip("this kernel cannot isolate student code: " + "; ".join(probe().missing()))
    canary = tmp_path / "canary.txt"
    canary.write_text("untouched\n")
    attack = f"""
import glob, os
targets = [{str(canary)!r}] + glob.glob("/autograder/**/*", recursive=True)
targets += glob.glob({str(tmp_path)!r} + "/**/*.py", recursive=True)
for path in targets:
    try:
        with open(path, "a") as handle:
            handle.write("# owned")
    except OSError:
        pass
os.makedirs("results", exist_ok=True)
"""
    notebook = make_notebook(tmp_path / "nb" / "augmentation.ipynb", ASSIGNMENT, stub=True,
                             extra_cells=[attack])  # fmt: skip
    root = gradescope_root(tmp_path, archive, {"augmentation.ipynb": notebook})
    hidden = {p: p.read_bytes() for p in (root / "source" / "autograder").glob("*")}
    done = run_autograder(root)
    assert done.returncode == 0, done.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["score"] == 0
    assert "Isolation of student code: namespaces" in data["output"] or "landlock" in data["output"]
    assert canary.read_text() == "untouched\n"
    assert {p: p.read_bytes() for p in hidden} == hidden
