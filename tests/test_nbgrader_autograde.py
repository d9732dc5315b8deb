"""``coursekit nbgrader autograde``: nbgrader's gradebook filled with no kernel ever started.

A real nbgrader course (``tools/nbgrader_course.py``), two submissions, one of them hostile: its
top-level code, run in a Jupyter kernel (as ``nbgrader autograde``'s Execute step would), writes
a marker file, rewrites every grade in ``gradebook.db`` and kills the kernel. Proves: after
``coursekit nbgrader autograde`` none of it happened; the gradebook holds the engine's points
per graded cell (those of ``coursekit grade``, partial credit included); the written answers
wait for a grader; a grade given by hand (as formgrader stores it) reaches ``nbgrader export``;
``generate_feedback`` writes the pages. A course configuration that puts ``Execute`` back
changes nothing for ``coursekit nbgrader autograde``, while plain ``nbgrader autograde`` with it
does run the attack: the check can fail.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit.grading.questions import questions_for, written_for
from tests.fixtures import course_submissions as subs
from tests.fixtures.fresh_clone import shell_env

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "02-augmentation"
NOTEBOOK = "augmentation"
ANSWERS = {
    "honest": {},
    "mallory": {"flip": subs.FLIP_VIEW, "adjust_gamma": subs.GAMMA_INVERTED},
}
#: What ``coursekit grade`` gives them (``tests/test_nbgrader_roundtrip.py`` proves that
#: nbgrader's points equal ``coursekit grade``'s; here they must survive the attack).
EXPECTED = {
    "honest": {"rotate90": 2.0, "rotate": 3.0, "flip": 2.0, "adjust_brightness": 2.0,
               "adjust_gamma": 2.0},
    "mallory": {"rotate90": 2.0, "rotate": 3.0, "flip": 1.5, "adjust_brightness": 2.0,
                "adjust_gamma": 0.5},
}  # fmt: skip


def _attack(marker: Path, gradebook: Path) -> str:
    """Top-level code that harms only where a kernel runs it (Jupyter's ipykernel), then
    kills that kernel."""
    return (
        "import os, sys, sqlite3\n"
        "if 'ipykernel' in sys.modules:\n"
        f"    open({str(marker)!r}, 'w').write('a kernel ran my code')\n"
        f"    db = sqlite3.connect({str(gradebook)!r})\n"
        "    db.execute('UPDATE grade SET manual_score = 99')\n"
        "    db.commit()\n"
        "    os._exit(0)\n"
    )


def _run(*args, cwd: Path, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if check:
        assert done.returncode == 0, f"{args}:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    return done


def _gradebook(course: Path) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
        return {
            student: {g.name.removeprefix(f"{ASSIGNMENT}-"):
                      (g.auto_score, g.manual_score, g.needs_manual_grade)
                      for g in book.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student).grades}
            for student in ANSWERS
        }  # fmt: skip


@pytest.fixture(scope="module")
def course(tmp_path_factory, coursekit_cache):
    top = tmp_path_factory.mktemp("kernel-free")
    env = shell_env(top / "home", COURSEKIT_CACHE=str(coursekit_cache),
                    PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin")  # fmt: skip
    course = top / "course"
    _run(sys.executable, str(REPO / "tools" / "nbgrader_course.py"), str(course), cwd=REPO,
         env=env)  # fmt: skip
    _run(sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, cwd=course, env=env)
    marker = top / "kernel-ran.txt"
    released = course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    for student, answers in ANSWERS.items():
        folder = course / "submitted" / student / ASSIGNMENT
        path = subs.answer(released, ASSIGNMENT, answers, folder / f"{NOTEBOOK}.ipynb")
        (folder / "timestamp.txt").write_text("2026-03-01 10:00:00.000000 UTC")
        if student == "mallory":
            import nbformat

            nb = nbformat.read(path, as_version=4)
            nb.cells.insert(1, nbformat.v4.new_code_cell(_attack(marker, course / "gradebook.db")))
            nbformat.write(nb, path)
    graded = _run(sys.executable, "-m", "coursekit", "nbgrader", "autograde", ASSIGNMENT,
                  cwd=course, env=env)  # fmt: skip
    return {"top": top, "course": course, "env": env, "marker": marker, "log": graded.stderr}


def test_no_kernel_started_and_nothing_the_student_wrote_ran(course):
    assert not course["marker"].exists()
    book = _gradebook(course["course"])
    assert all(manual != 99 for grades in book.values() for _, manual, _ in grades.values())
    autograded = course["course"] / "autograded" / "mallory" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    import nbformat

    nb = nbformat.read(autograded, as_version=4)
    graded = {q.test_grade_id for q in questions_for(ASSIGNMENT)}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade_id") \
                not in graded:  # fmt: skip
            assert not cell.get("outputs") and cell.get("execution_count") is None


def test_the_gradebook_holds_the_engine_s_points(course):
    book = _gradebook(course["course"])
    for student in ANSWERS:
        for q in questions_for(ASSIGNMENT):
            auto, _, needs_manual = book[student][f"{q.name}-tests"]
            assert (auto, needs_manual) == (EXPECTED[student][q.name], False), (student, q.name)
        for w in written_for(ASSIGNMENT):
            assert book[student][w.name][2], (student, w.name)  # waits for formgrader


def test_manual_grades_feedback_and_export_work_as_after_nbgrader_autograde(course):
    from nbgrader.api import Gradebook

    where = course["course"]
    written = written_for(ASSIGNMENT)[0]
    with Gradebook(f"sqlite:///{where / 'gradebook.db'}") as book:  # what formgrader stores
        notebook = book.find_submission_notebook(NOTEBOOK, ASSIGNMENT, "mallory")
        grade = next(g for g in notebook.grades if g.name == written.grade_id)
        grade.manual_score = written.points
        book.db.commit()
    _run(sys.executable, "-m", "nbgrader", "generate_feedback", ASSIGNMENT, cwd=where,
         env=course["env"])  # fmt: skip
    page = (where / "feedback" / "mallory" / ASSIGNMENT / f"{NOTEBOOK}.html").read_text()
    assert "flip: 1.5 of 2 points" in page and "new_array" in page
    _run(sys.executable, "-m", "nbgrader", "export", cwd=where, env=course["env"])
    with open(where / "grades.csv", newline="") as stream:
        rows = {row["student_id"]: row for row in csv.DictReader(stream)}
    assert float(rows["mallory"]["score"]) == sum(EXPECTED["mallory"].values()) + written.points
    assert float(rows["honest"]["score"]) == sum(EXPECTED["honest"].values()) == 11.0


def test_execute_put_back_in_the_course_config_changes_nothing_for_coursekit(course):
    where, env, marker = course["course"], course["env"], course["marker"]
    config = where / "nbgrader_config.py"
    config.write_text(config.read_text() + (
        "\nfrom nbgrader.preprocessors import Execute, SaveAutoGrades\n"
        "c.Autograde.autograde_preprocessors = [Execute, SaveAutoGrades]\n"))  # fmt: skip
    _run(sys.executable, "-m", "coursekit", "nbgrader", "autograde", ASSIGNMENT,
         "--student", "mallory", "--force", cwd=where, env=env)  # fmt: skip
    assert not marker.exists()
    assert _gradebook(where)["mallory"]["flip-tests"][0] == EXPECTED["mallory"]["flip"]
    # The same configuration with nbgrader's own autograde: the kernel runs the attack.
    _run(sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--student", "mallory",
         "--force", cwd=where, env=env, check=False)  # fmt: skip
    assert marker.read_text() == "a kernel ran my code"


def test_a_graded_cell_the_kit_does_not_grade_gets_no_free_points(tmp_path):
    """Without a kernel, a graded test cell nobody writes would get nbgrader's full points."""
    import nbformat
    from nbgrader.utils import determine_grade

    from coursekit.grading.nbgrader import GradeOutsideKernel
    from tests.fixtures.grading_notebooks import make_notebook

    path = make_notebook(tmp_path / "n.ipynb", ASSIGNMENT, stub=True)
    nb = nbformat.read(path, as_version=4)
    extra = nbformat.v4.new_code_cell("assert True")
    extra.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                  "points": 3, "grade_id": "extra-test", "schema_version": 3}
    nb.cells.append(extra)
    nb, _ = GradeOutsideKernel().preprocess(nb, {"nbgrader": {"assignment": ASSIGNMENT}})
    assert determine_grade(nb.cells[-1]) == (0, 3.0)
    assert "formgrader" in nb.cells[-1].outputs[0].text
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id", "")
              .endswith("-tests")]  # fmt: skip
    assert len(graded) == len(questions_for(ASSIGNMENT))
    assert all(determine_grade(c)[0] == 0 for c in graded)  # stubs: nothing passes
