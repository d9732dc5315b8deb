"""The instructor's nbgrader flow, for real, on assignment 02-augmentation.

A temporary course (the repository's ``nbgrader_config.py``, one assignment in ``source/``, its
own exchange, gradebook, home and Jupyter folders) goes through the real nbgrader commands:
``generate_assignment`` -> ``release_assignment`` -> ``fetch_assignment`` (a student, in the
student's own folder) -> the student answers some questions, gets one wrong and leaves one
blank -> ``submit`` -> ``collect``; a second student's notebook arrives as a zip downloaded
from an LMS -> ``zip_collect``; then ``autograde`` -> ``generate_feedback`` -> ``export``.

Proves that nbgrader's points per question (gradebook) and per student (``grades.csv``) are
``coursekit grade``'s on the same submitted notebooks, and that the feedback students get
names their failing question without showing the hidden tests. Everything runs once, in a
module fixture; the tests read its results.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from coursekit.grading import questions_for

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "02-augmentation"
NOTEBOOK = "augmentation.ipynb"
COURSE_ID = "coursekit"
STUB = "    # YOUR CODE HERE\n    raise NotImplementedError()"

#: Student answers: "solution" (the source notebook's), "blank" (the stub stays), or code.
FLIP_AXES_SWAPPED = (
    "    image = np.asarray(image)\n"
    '    return np.ascontiguousarray(np.flipud(image) if axis == "horizontal" '
    "else np.fliplr(image))"
)
GAMMA_INVERTED = (
    "    image = np.asarray(image)\n"
    "    values = image / 255.0 if image.dtype == np.uint8 else image\n"
    "    result = np.clip(values ** (1.0 / gamma), 0.0, 1.0)\n"
    "    if image.dtype == np.uint8:\n"
    "        return np.rint(result * 255.0).astype(np.uint8)\n"
    "    return result.astype(image.dtype)"
)
#: Handed in through the exchange (fetch, submit, collect).
EXCHANGE_STUDENT = "bitdiddle"
EXCHANGE_ANSWERS = {
    "rotate90": "solution",
    "rotate": "solution",
    "flip": FLIP_AXES_SWAPPED,
    "adjust_brightness": "solution",
    "adjust_gamma": "blank",
}
#: Downloaded from an LMS as a zip (zip_collect).
ZIP_STUDENT = "hacker"
ZIP_ANSWERS = {**{q.name: "solution" for q in questions_for(ASSIGNMENT)},
               "adjust_gamma": GAMMA_INVERTED}
#: The LMS names files as in nbgrader's zip_collect documentation; FileNameCollectorPlugin has
#: no default pattern (``named_regexp`` must be given), so the course config sets this one.
ZIP_FILE_NAME = f"{ASSIGNMENT}_{ZIP_STUDENT}_attempt_2024-05-06-10-00-00_augmentation.ipynb"
ZIP_REGEXP = r".*_(?P<student_id>\w+)_attempt_(?P<timestamp>[0-9\-]+)_(?P<file_id>\w+)"
STUDENT_ANSWER_TEXT = "Flips and small rotations keep the diagnosis; strong hue shifts may not."

#: Strings that only the hidden tests contain; none may reach a student's feedback.
HIDDEN_TEST_MARKERS = ("_checks", "hypothesis", "@given", "def test_", "autograder/",
                       "assert_image_close", "import pytest", "pytest.mark")


# ----------------------------------------------------------------- helpers


def nbgrader(*args: str, cwd: Path, env: dict, timeout: float = 600) -> str:
    """Run the real ``nbgrader`` command line; its log (stderr) when it succeeds."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (
        f"`nbgrader {' '.join(args)}` failed in {cwd} (exit {done.returncode}):\n"
        f"{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def grade_id(name: str) -> str:
    return f"{ASSIGNMENT}-{name}"


def solution_bodies() -> dict[str, str]:
    """The source notebook's answer of each question (its ``### BEGIN/END SOLUTION`` body)."""
    source = nbformat.read(REPO / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    bodies = {}
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            gid = meta["grade_id"]
            body = cell.source.split("    ### BEGIN SOLUTION\n")[1]
            bodies[gid.removeprefix(f"{ASSIGNMENT}-")] = body.split("\n    ### END SOLUTION")[0]
    return bodies


def answer(released: Path, answers: dict[str, str], out: Path) -> Path:
    """The released notebook with its stubs replaced as ``answers`` says (a student's work)."""
    bodies = solution_bodies()
    nb = nbformat.read(released, as_version=4)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    for name, how in answers.items():
        cell = by_id[grade_id(name)]
        assert cell.source.count(STUB) == 1, f"{released}: no stub in the cell of {name}"
        if how != "blank":
            cell.source = cell.source.replace(STUB, bodies[name] if how == "solution" else how)
    for cell in nb.cells:  # the written (manually graded) answers
        if cell.cell_type == "markdown" and cell.source == "YOUR ANSWER HERE":
            cell.source = STUDENT_ANSWER_TEXT
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return out


def expected_points(answers: dict[str, str]) -> dict[str, float]:
    """Points each answer deserves: full for the reference solution, nothing otherwise."""
    return {q.name: float(q.points if answers[q.name] == "solution" else 0)
            for q in questions_for(ASSIGNMENT)}


def visible_text(page: str) -> str:
    """The text a reader sees in an HTML page: tags dropped, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


# ----------------------------------------------------------------- the flow, once


@pytest.fixture(scope="module")
def course(tmp_path_factory, coursekit_cache):
    """A course taken through every nbgrader step; returns paths, logs and timings."""
    top = tmp_path_factory.mktemp("nbgrader-course")
    root, exchange, home, student_dir = (top / "course", top / "exchange", top / "home",
                                         top / "student")
    for folder in (root / "source" / ASSIGNMENT, exchange, home, student_dir):
        folder.mkdir(parents=True)
    shutil.copy2(REPO / "source" / ASSIGNMENT / NOTEBOOK, root / "source" / ASSIGNMENT)
    # The repository's configuration, then what a course on this machine adds.
    config = (REPO / "nbgrader_config.py").read_text() + (
        "\n# Added by tests/test_nbgrader_roundtrip.py\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        "c.ExchangeCollect.check_owner = False  # every 'student' here is the same OS user\n"
        f"c.FileNameCollectorPlugin.named_regexp = {ZIP_REGEXP!r}\n"
    )
    (root / "nbgrader_config.py").write_text(config)
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(home / ".local" / "share" / "jupyter" / "runtime"),
        "IPYTHONDIR": str(home / ".ipython"),
        "MPLCONFIGDIR": str(home / ".config" / "matplotlib"),
        "MPLBACKEND": "Agg",
        "COURSEKIT_CACHE": str(coursekit_cache),
        "COURSEKIT_AUTOGRADER": str(REPO / "autograder"),
    }
    student_options = [f"--CourseDirectory.course_id={COURSE_ID}", f"--Exchange.root={exchange}"]
    timings, logs = {}, {}

    def step(name, *args, cwd=root):
        start = time.perf_counter()
        logs[name] = nbgrader(*args, cwd=cwd, env=env)
        timings[name] = time.perf_counter() - start

    step("generate_assignment", "generate_assignment", ASSIGNMENT)
    step("release_assignment", "release_assignment", ASSIGNMENT)
    step("fetch_assignment", "fetch_assignment", ASSIGNMENT, *student_options, cwd=student_dir)
    fetched = student_dir / ASSIGNMENT / NOTEBOOK
    answer(fetched, EXCHANGE_ANSWERS, fetched)  # the student works in the fetched copy
    step("submit", "submit", ASSIGNMENT, *student_options,
         f"--CourseDirectory.student_id={EXCHANGE_STUDENT}", cwd=student_dir)
    step("collect", "collect", ASSIGNMENT)
    # The second student's notebook, downloaded from the LMS as a zip.
    archive = root / "downloaded" / ASSIGNMENT / "archive"
    archive.mkdir(parents=True)
    work = answer(root / "release" / ASSIGNMENT / NOTEBOOK, ZIP_ANSWERS, top / "lms" / NOTEBOOK)
    with zipfile.ZipFile(archive / "submissions.zip", "w") as bundle:
        bundle.write(work, ZIP_FILE_NAME)
    step("zip_collect", "zip_collect", ASSIGNMENT)
    step("autograde", "autograde", ASSIGNMENT, "--create")
    step("generate_feedback", "generate_feedback", ASSIGNMENT)
    step("export", "export", "--to", str(top / "grades.csv"))

    start = time.perf_counter()
    graded = subprocess.run(
        [sys.executable, "-m", "coursekit", "grade", str(root / "submitted"), "--format", "json",
         "--jobs", "2"], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    timings["coursekit grade"] = time.perf_counter() - start
    assert graded.returncode == 0, graded.stderr
    by_student = {Path(r["submission"]).parts[-3]: r for r in json.loads(graded.stdout)}
    return {"root": root, "top": top, "fetched": fetched, "logs": logs, "timings": timings,
            "coursekit": by_student, "db_url": f"sqlite:///{root / 'gradebook.db'}"}


@pytest.fixture(scope="module")
def gradebook_points(course):
    """``{student: {question: (score, max_score)}}`` of the graded test cells, from nbgrader."""
    from nbgrader.api import Gradebook

    points = {}
    with Gradebook(course["db_url"]) as gradebook:
        for student in (EXCHANGE_STUDENT, ZIP_STUDENT):
            notebook = gradebook.find_submission_notebook(NOTEBOOK[: -len(".ipynb")], ASSIGNMENT,
                                                          student)
            points[student] = {
                grade.name.removeprefix(f"{ASSIGNMENT}-").removesuffix("-tests"):
                    (grade.score, grade.max_score)
                for grade in notebook.grades if grade.name.endswith("-tests")
            }
    return points


# ----------------------------------------------------------------- the steps happened


def test_every_step_left_its_files(course):
    root = course["root"]
    assert (root / "release" / ASSIGNMENT / NOTEBOOK).is_file()
    assert course["fetched"].is_file()
    for student in (EXCHANGE_STUDENT, ZIP_STUDENT):
        for kind, suffix in (("submitted", ".ipynb"), ("autograded", ".ipynb"),
                             ("feedback", ".html")):
            path = root / kind / student / ASSIGNMENT / NOTEBOOK.replace(".ipynb", suffix)
            assert path.is_file(), f"{kind} missing for {student}: {path}"
    # Nothing leaked into the repository or the real home.
    assert not (REPO / "gradebook.db").exists() and not (REPO / "submitted").exists()
    print("nbgrader step timings (s):", {k: round(v, 1) for k, v in course["timings"].items()})


def test_zip_collect_files_the_lms_download_under_its_student(course):
    submitted = course["root"] / "submitted" / ZIP_STUDENT / ASSIGNMENT
    assert sorted(p.name for p in submitted.iterdir()) == [NOTEBOOK, "timestamp.txt"]
    assert (submitted / "timestamp.txt").read_text().startswith("2024-05-06 10:00:00")
    lms = nbformat.read(course["top"] / "lms" / NOTEBOOK, as_version=4)
    assert nbformat.read(submitted / NOTEBOOK, as_version=4).cells == lms.cells


def test_submission_is_the_students_work(course):
    submitted = course["root"] / "submitted" / EXCHANGE_STUDENT / ASSIGNMENT / NOTEBOOK
    sources = [c.source for c in nbformat.read(submitted, as_version=4).cells]
    assert sources == [c.source for c in nbformat.read(course["fetched"], as_version=4).cells]
    assert any("np.flipud(image) if axis == \"horizontal\"" in s for s in sources)


# ----------------------------------------------------------------- points agree


@pytest.mark.parametrize("student, answers", [(EXCHANGE_STUDENT, EXCHANGE_ANSWERS),
                                              (ZIP_STUDENT, ZIP_ANSWERS)])
def test_nbgrader_points_per_question_are_coursekit_grades(course, gradebook_points, student,
                                                           answers):
    ours = {q["name"]: (q["points"], q["max_points"])
            for q in course["coursekit"][student]["questions"]}
    assert gradebook_points[student] == ours
    # ... and both are what the answers deserve (so neither grader is trivially agreeing).
    assert {name: score for name, (score, _) in ours.items()} == expected_points(answers)


def test_exported_grades_csv_totals_are_coursekit_totals(course):
    with open(course["top"] / "grades.csv", newline="") as stream:
        rows = {row["student_id"]: row for row in csv.DictReader(stream)}
    assert set(rows) == {EXCHANGE_STUDENT, ZIP_STUDENT}
    source = nbformat.read(REPO / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    written = sum(c.metadata["nbgrader"]["points"] for c in source.cells
                  if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade"))
    assert written > 0
    for student, row in rows.items():
        ours = course["coursekit"][student]
        assert row["assignment"] == ASSIGNMENT
        # Written answers wait for a human: nbgrader counts their points as available only.
        assert float(row["raw_score"]) == float(row["score"]) == ours["score"]
        assert float(row["max_score"]) == ours["max_score"] + written
    assert float(rows[EXCHANGE_STUDENT]["score"]) == 7.0  # rotate90 + rotate + brightness
    assert float(rows[ZIP_STUDENT]["score"]) == 9.0  # all but gamma


# ----------------------------------------------------------------- feedback


@pytest.fixture(scope="module")
def feedback_page(course):
    path = course["root"] / "feedback" / EXCHANGE_STUDENT / ASSIGNMENT / "augmentation.html"
    return visible_text(path.read_text())


def test_feedback_names_each_failing_question_with_its_feedback(course, feedback_page):
    for q in course["coursekit"][EXCHANGE_STUDENT]["questions"]:
        if q["status"] == "passed":
            continue
        # coursekit's feedback, line by line: what was tried, the smallest failing input,
        # expected against got, the hint.
        assert f"`{q['name']}`: {q['status']}" in feedback_page, q["name"]
        for line in q["feedback"].splitlines():
            assert line.strip() in feedback_page, (q["name"], line)
    flip = next(q for q in course["coursekit"][EXCHANGE_STUDENT]["questions"]
                if q["name"] == "flip")
    assert flip["status"] == "failed" and "Smallest failing input" in flip["feedback"]


def test_feedback_shows_no_hidden_test_code(course, feedback_page):
    for marker in HIDDEN_TEST_MARKERS:
        assert marker not in feedback_page, f"feedback shows {marker!r}"
    # No line of the hidden test files reaches the page (short lines like `)` aside).
    for test_file in (REPO / "autograder").glob("*.py"):
        for line in test_file.read_text().splitlines():
            line = line.strip()
            if len(line) > 30 and not line.startswith(("#", '"""', "from coursekit import")):
                assert line not in feedback_page, f"{test_file.name}: {line!r} in feedback"
    # The graded cells show the call only; passing ones print nothing (no reference outputs).
    autograded = course["root"] / "autograded" / EXCHANGE_STUDENT / ASSIGNMENT / NOTEBOOK
    cells = nbformat.read(autograded, as_version=4).cells
    passed = {q["name"] for q in course["coursekit"][EXCHANGE_STUDENT]["questions"]
              if q["status"] == "passed"}
    for cell in cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type != "code" or not gid.endswith("-tests"):
            continue
        name = gid.removeprefix(f"{ASSIGNMENT}-").removesuffix("-tests")
        code = [line for line in cell.source.splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
        assert code == ["from coursekit.grading import grade_in_notebook",
                        f'grade_in_notebook("{ASSIGNMENT}", "{name}")'], gid
        if name in passed:
            assert cell.outputs == [], f"{gid} passed but printed {cell.outputs}"
