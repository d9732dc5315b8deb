"""Points of written answers from nbgrader's gradebook, for reports made outside nbgrader."""

from __future__ import annotations

from pathlib import Path

from coursekit.grading.results import SubmissionResult
from coursekit.grading.status import Status

__all__ = ["apply_gradebook", "student_in_layout"]

#: nbgrader's folders of students' notebooks: ``<folder>/<student>/<assignment>/*.ipynb``.
_NBGRADER_FOLDERS = ("submitted", "autograded")


def student_in_layout(notebook) -> str:
    """The student of a notebook at ``submitted/<student>/<assignment>/`` (or ``autograded/``).

    Whatever part of that path was given to grade (one student's folder, one assignment's
    folder or the notebook itself), the student is known, so that the gradebook's hand-marked
    points of written answers apply. Elsewhere: ``""``.
    """
    parts = Path(notebook).resolve().parts
    return parts[-3] if len(parts) >= 4 and parts[-4] in _NBGRADER_FOLDERS else ""


def apply_gradebook(results: list[SubmissionResult], database) -> None:
    """Fill in the written answers of ``results`` graded by hand in an nbgrader gradebook.

    A written answer whose grade in the gradebook has a manual score gets those
    points and status ``GRADED``; the others stay pending. Results without a
    student id are left alone.

    Raises
    ------
    FileNotFoundError
        If ``database`` does not exist.
    """
    from nbgrader.api import Gradebook, MissingEntry

    path = Path(database)
    if not path.is_file():
        raise FileNotFoundError(f"no nbgrader gradebook at {path}")
    with Gradebook(f"sqlite:///{path.resolve()}") as gradebook:
        for result in results:
            if not result.student_id or not result.assignment:
                continue
            for question in result.questions:
                if question.kind != "written":
                    continue
                grade_id = f"{result.assignment}-{question.name}"
                try:
                    submission = gradebook.find_submission(result.assignment, result.student_id)
                except MissingEntry:
                    break
                grade = next(
                    (
                        g
                        for notebook in submission.notebooks
                        for g in notebook.grades
                        if g.name == grade_id
                    ),
                    None,
                )
                if grade is not None and grade.manual_score is not None:
                    question.points = float(grade.manual_score)
                    question.status = Status.GRADED
