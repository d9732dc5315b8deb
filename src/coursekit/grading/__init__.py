"""Grading engine: notebook -> extracted code -> student process -> hidden pytest tests -> report.

Public API
----------
grade_notebook(path, assignment=None, *, questions=None, timeout=20, memory_mb=2048)
    Grade one notebook; returns a :class:`SubmissionResult`.
grade_submissions(paths, assignment=None, *, jobs=1, **kwargs)
    Grade notebooks and nbgrader ``submitted/`` folders, ``jobs`` at a time.
grade_in_notebook(assignment, question)
    Inside a kernel (nbgrader autograde): None for full marks, else AssertionError(feedback).
format_results(results, fmt)
    ``text``, ``json``, ``csv`` (nbgrader grades.csv), ``gradescope``, ``classroom``.
write_feedback(results, directory)
    HTML feedback pages.
"""

from coursekit.grading.feedback import write_feedback
from coursekit.grading.locate import AutograderNotFound, find_autograder
from coursekit.grading.notebook import grade_in_notebook
from coursekit.grading.questions import ASSIGNMENTS, QUESTIONS, Question, questions_for
from coursekit.grading.report import FORMATS, format_results
from coursekit.grading.results import STATUSES, QuestionResult, SubmissionResult
from coursekit.grading.runner import find_submissions, grade_notebook, grade_submissions

__all__ = [
    "ASSIGNMENTS",
    "AutograderNotFound",
    "FORMATS",
    "QUESTIONS",
    "Question",
    "QuestionResult",
    "STATUSES",
    "SubmissionResult",
    "find_autograder",
    "find_submissions",
    "format_results",
    "grade_in_notebook",
    "grade_notebook",
    "grade_submissions",
    "questions_for",
    "write_feedback",
]
