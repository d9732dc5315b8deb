"""Every report counts the written answers, so its maximum is nbgrader's; a gradebook fills them.

nbgrader's maximum of an assignment is the sum of the points of its graded cells (the source
notebooks' metadata): the functions' graded test cells and the written answers. Each report
format, for a submission of each assignment, must show that maximum (Classroom's reporter
excepted: it scores the automatic checks only, and its job summary shows the full maximum).
``--gradebook`` takes the written answers' points from a real nbgrader gradebook, and the
command line never overwrites nbgrader's ``grades.csv`` unless told to.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest

from coursekit.cli import main
from coursekit.grading.feedback import feedback_html
from coursekit.grading.gradebook import apply_gradebook
from coursekit.grading.questions import ASSIGNMENTS, max_points, questions_for, written_for
from coursekit.grading.report import format_results
from coursekit.grading.results import CheckResult, QuestionResult, SubmissionResult
from coursekit.grading.status import Status

REPO = Path(__file__).resolve().parent.parent


def nbgrader_maximum(assignment: str) -> float:
    """Sum of the graded cells' points in the assignment's source notebooks."""
    total = 0.0
    for path in (REPO / "source" / assignment).glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                total += float(meta["points"])
    return total


def some_result(assignment: str, student: str = "carol") -> SubmissionResult:
    """Every check of the assignment present, every other one failed; written answers pending."""
    questions = []
    for q in questions_for(assignment):
        checks = [CheckResult(c.name, c.title, c.points if i % 2 == 0 else 0.0, c.points,
                              Status.PASSED if i % 2 == 0 else Status.FAILED,
                              feedback="" if i % 2 == 0 else "Expected 1, got 2.")
                  for i, c in enumerate(q.checks)]  # fmt: skip
        points = sum(c.points for c in checks)
        status = Status.PASSED if points == q.points else Status.PARTIAL
        questions.append(QuestionResult(q.name, points, q.points, status, checks))
    questions += [QuestionResult(w.name, None, w.points, Status.MANUAL, kind="written",
                                 title=w.title) for w in written_for(assignment)]  # fmt: skip
    return SubmissionResult(f"submitted/{student}/{assignment}/nb.ipynb", assignment, questions,
                            student_id=student)  # fmt: skip


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_format_s_maximum_is_nbgrader_s(assignment):
    expected = nbgrader_maximum(assignment)
    assert expected == max_points(assignment) and written_for(assignment)
    result = some_result(assignment)
    written = sum(w.points for w in written_for(assignment))

    text = format_results([result], "text").splitlines()[0]
    assert re.search(rf" / {expected:g} \(", text), text
    assert json.loads(format_results([result], "json"))["max_score"] == expected
    (row,) = csv.DictReader(io.StringIO(format_results([result], "csv")))
    assert float(row["max_score"]) == expected and float(row["pending_points"]) == written
    gradescope = json.loads(format_results([result], "gradescope"))  # written: manual questions
    assert sum(t["max_score"] for t in gradescope["tests"]) == expected - written
    assert gradescope["score"] == sum(t["score"] for t in gradescope["tests"])
    markdown = format_results([result], "markdown")
    assert re.search(rf"^## {assignment}: [\d.]+ / {expected:g}\b", markdown), markdown[:200]
    assert f" / {expected:g}" in feedback_html(result)
    # Classroom's reporter scores the automatic checks; the job summary (markdown) the rest.
    lines = dict(line.split("=", 1) for line in format_results([result], "classroom").split())
    runners = lines.pop("runners").split(",")
    payloads = [json.loads(base64.b64decode(lines[r])) for r in runners]
    assert sum(p["max_score"] for p in payloads) == expected - written


@pytest.fixture
def venv_path(monkeypatch):
    """nbgrader makes a new gradebook with the ``alembic`` command: this environment's."""
    bin_dir = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", bin_dir + os.pathsep + os.environ.get("PATH", ""))


def _gradebook(db: Path, assignment: str, student: str, manual: dict[str, float]) -> None:
    """A real nbgrader gradebook: the assignment's graded cells, one submission, hand grades."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as book:
        book.update_or_create_assignment(assignment)
        book.update_or_create_notebook("nb", assignment)
        for q in questions_for(assignment):
            book.update_or_create_grade_cell(q.test_grade_id, "nb", assignment,
                                             max_score=q.points, cell_type="code")
        for w in written_for(assignment):
            book.update_or_create_grade_cell(w.grade_id, "nb", assignment, max_score=w.points,
                                             cell_type="markdown")  # fmt: skip
        book.update_or_create_student(student)
        book.add_submission(assignment, student)
        for grade_id, points in manual.items():
            grade = book.find_grade(grade_id, "nb", assignment, student)
            grade.manual_score = points
        book.db.commit()


def test_gradebook_fills_in_hand_graded_written_answers(tmp_path, venv_path):
    assignment = "03-clustering"
    first, second = written_for(assignment)
    _gradebook(tmp_path / "gradebook.db", assignment, "carol", {first.grade_id: 1.5})
    results = [some_result(assignment), some_result(assignment, "dave")]
    apply_gradebook(results, tmp_path / "gradebook.db")
    carol = {q.name: q for q in results[0].questions}
    assert (carol[first.name].points, carol[first.name].status) == (1.5, Status.GRADED)
    assert carol[second.name].points is None and carol[second.name].status is Status.MANUAL
    assert results[0].pending_points == second.points
    assert all(q.points is None for q in results[1].questions if q.kind == "written")  # no entry
    rows = list(csv.DictReader(io.StringIO(format_results(results, "csv"))))
    assert rows[0][first.name] == "1.5" and rows[0][second.name] == ""
    assert float(rows[0]["manual_score"]) == 1.5
    assert float(rows[0]["score"]) == results[0].auto_score + 1.5
    assert float(rows[0]["max_score"]) == max_points(assignment)
    with pytest.raises(FileNotFoundError, match="gradebook"):
        apply_gradebook(results, tmp_path / "missing.db")


def test_grades_csv_of_nbgrader_is_never_overwritten_by_default(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "grades.csv").write_text("nbgrader's\n")
    notebook = tmp_path / "x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    code = main(["grade", str(notebook), "--format", "csv", "--output", "grades.csv"])
    assert code == 2 and "nbgrader export" in capsys.readouterr().err
    code = main(["grade", str(notebook), "--format", "csv", "--output", "sub/grades.csv"])
    assert code == 2 and not (tmp_path / "sub").exists()
    assert (tmp_path / "grades.csv").read_text() == "nbgrader's\n"
    # Without --output, csv goes to coursekit-grades.csv (this notebook names no assignment:
    # a zero with the reason, and exit 1).
    code = main(["grade", str(notebook), "--format", "csv"])
    assert code == 1
    (row,) = csv.DictReader((tmp_path / "coursekit-grades.csv").open())
    assert row["score"] == "0.0" and (tmp_path / "grades.csv").read_text() == "nbgrader's\n"


def test_cli_gradebook_option_reaches_the_csv(tmp_path, monkeypatch, venv_path):
    assignment = "02-augmentation"
    (written,) = written_for(assignment)
    _gradebook(tmp_path / "gradebook.db", assignment, "carol", {written.grade_id: 1.0})
    submitted = tmp_path / "submitted" / "carol" / assignment
    submitted.mkdir(parents=True)
    (submitted / "nb.ipynb").write_text('{"cells": [')  # unreadable: no grader needed
    monkeypatch.chdir(tmp_path)
    # One student's folder (the whole class would do too): the student is known, so the
    # hand-marked points are used.
    code = main(["grade", "submitted/carol", "--assignment", assignment, "--format", "csv",
                 "--gradebook", "gradebook.db"])  # fmt: skip
    assert code in (0, 1)  # the notebook cannot be graded: zeros, with the reason
    (row,) = csv.DictReader((tmp_path / "coursekit-grades.csv").open())
    assert row["student_id"] == "carol" and row[written.name] == "1.0"
    assert float(row["max_score"]) == max_points(assignment)


def test_the_student_is_known_whatever_part_of_nbgrader_s_layout_is_given(tmp_path):
    from coursekit.grading.parent import find_submissions

    notebook = tmp_path / "submitted" / "carol" / "02-augmentation" / "nb.ipynb"
    notebook.parent.mkdir(parents=True)
    notebook.write_text("{}")
    for given in ("submitted", "submitted/carol", "submitted/carol/02-augmentation",
                  "submitted/carol/02-augmentation/nb.ipynb"):  # fmt: skip
        ((found, student, _),) = find_submissions([tmp_path / given])
        assert (found.name, student) == ("nb.ipynb", "carol"), given
    elsewhere = tmp_path / "downloads" / "carol" / "02-augmentation" / "nb.ipynb"
    elsewhere.parent.mkdir(parents=True)
    elsewhere.write_text("{}")
    assert find_submissions([elsewhere.parent.parent])[0][1] == ""  # no student guessed
