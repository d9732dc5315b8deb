"""Every report format carries the checks' points, their feedback and the written answers."""

import base64
import csv
import io
import json

import pytest

from coursekit.grading.feedback import feedback_path, write_feedback
from coursekit.grading.questions import ASSIGNMENTS, max_points, questions_for, written_for
from coursekit.grading.report import FORMATS, classroom_payloads, format_results, gradescope_results
from coursekit.grading.results import CheckResult, QuestionResult, SubmissionResult
from coursekit.grading.status import Status


def _result(assignment="02-augmentation", failing=("rotate", "any_angle"), student="carol"):
    questions = []
    for q in questions_for(assignment):
        checks = []
        for c in q.checks:
            bad = (q.name, c.name) == failing
            checks.append(
                CheckResult(c.name, c.title, 0.0 if bad else c.points, c.points,
                            Status.FAILED if bad else Status.PASSED,
                            "Input: image = ...\nProblem: values differ" if bad else "")
            )  # fmt: skip
        status = Status.of_question([c.status for c in checks])
        questions.append(
            QuestionResult(q.name, sum(c.points for c in checks), q.points, status, checks)
        )
    questions += [
        QuestionResult(w.name, None, w.points, Status.MANUAL, kind="written", title=w.title)
        for w in written_for(assignment)
    ]
    return SubmissionResult(f"/home/grader/{student}/augmentation.ipynb", assignment, questions,
                            student_id=student)  # fmt: skip


def test_partial_credit_is_the_sum_of_the_passed_checks():
    result = _result()
    rotate = next(q for q in result.questions if q.name == "rotate")
    assert rotate.status is Status.PARTIAL and rotate.points == 2.0 and rotate.max_points == 3.0
    assert "Check `any_angle`" in rotate.feedback and "Problem: values differ" in rotate.feedback


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_format_has_nbgraders_maximum(assignment):
    result = _result(assignment, failing=("none", "none"))
    assert result.max_score == max_points(assignment)
    assert result.pending_points == sum(w.points for w in written_for(assignment))
    data = json.loads(format_results([result], "json"))
    assert data["max_score"] == max_points(assignment)
    (row,) = csv.DictReader(io.StringIO(format_results([result], "csv")))
    assert float(row["max_score"]) == max_points(assignment)
    assert float(row["pending_points"]) == result.pending_points
    gradescope = json.loads(format_results([result], "gradescope"))  # written: manual questions
    written = sum(w.points for w in written_for(assignment))
    assert sum(t["max_score"] for t in gradescope["tests"]) == max_points(assignment) - written
    assert f"/ {max_points(assignment):g}" in format_results([result], "text")
    assert f"/ {max_points(assignment):g}" in format_results([result], "markdown")


def test_json_has_checks_and_written_answers():
    data = json.loads(format_results([_result()], "json"))
    rotate = next(q for q in data["questions"] if q["name"] == "rotate")
    assert [c["name"] for c in rotate["checks"]] == ["quarter_turns", "any_angle", "mode", "resize"]
    assert rotate["checks"][1] | {"title": ""} == {
        "name": "any_angle", "title": "", "points": 0.0, "max_points": 1.0,
        "status": "failed", "feedback": "Input: image = ...\nProblem: values differ",
    }  # fmt: skip
    written = [q for q in data["questions"] if q["kind"] == "written"]
    assert written[0]["points"] is None and written[0]["status"] == "needs manual grading"


def test_csv_columns_are_nbgraders_then_ours():
    text = format_results([_result()], "csv")
    header = text.splitlines()[0].split(",")
    assert header[:11] == ["assignment", "duedate", "timestamp", "student_id", "last_name",
                           "first_name", "email", "raw_score", "late_submission_penalty",
                           "score", "max_score"]  # fmt: skip
    assert header[11:14] == ["auto_score", "manual_score", "pending_points"]
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["rotate"] == "2.0" and row["label-preserving"] == ""


def test_gradescope_tests_per_check_with_visibility():
    data = json.loads(format_results([_result()], "gradescope"))
    names = [t["name"] for t in data["tests"]]
    assert "rotate: any_angle" in names and not [n for n in names if "label-preserving" in n]
    failed = next(t for t in data["tests"] if t["name"] == "rotate: any_angle")
    assert failed["status"] == "failed" and failed["visibility"] == "visible"  # at once
    assert "values differ" in failed["output"]
    assert data["score"] == 10.0 and "10 / 11 automatic points" in data["output"]
    assert "manual questions: label-preserving (1)" in data["output"]
    later = gradescope_results(_result(), visibility="after_published")
    assert {t["visibility"] for t in later["tests"]} == {"after_published"}


def test_classroom_payloads_one_runner_per_check():
    payloads = classroom_payloads(_result())
    assert "rotateAnyAngle" in payloads and "labelpreserving" not in " ".join(payloads).lower()
    data = json.loads(base64.b64decode(payloads["rotateAnyAngle"]))
    assert data["max_score"] == 1.0 and data["tests"][0]["score"] == 0.0
    assert data["status"] == "fail" and "values differ" in data["tests"][0]["message"]
    total = sum(json.loads(base64.b64decode(p))["max_score"] for p in payloads.values())
    assert total == sum(q.points for q in questions_for("02-augmentation"))
    lines = dict(line.split("=", 1) for line in format_results([_result()], "classroom").split())
    assert lines["runners"].split(",")[0] == "rotate90QuarterTurns"


def test_text_format_and_unknown_format():
    text = format_results([_result()], "text")
    assert "carol:" in text and "any_angle" in text and "values differ" in text
    assert "1 point of written answers still to be graded by hand" in text
    with pytest.raises(ValueError, match="unknown format"):
        format_results([_result()], "xml")
    assert set(FORMATS) == {"text", "json", "csv", "gradescope", "classroom", "markdown"}


def test_html_feedback_in_nbgraders_layout_escapes_text_and_hides_paths(tmp_path):
    result = _result()
    result.questions[0].checks[0].feedback = "<script>alert(1)</script>"
    result.questions[0].checks[0].status = Status.FAILED
    result.questions[0].checks[0].images = {"got": "data:image/png;base64,AAAA"}
    (page,) = write_feedback([result], tmp_path / "feedback")
    assert page == feedback_path(result, tmp_path / "feedback")
    assert page.relative_to(tmp_path) .as_posix() == (
        "feedback/carol/02-augmentation/augmentation.html"
    )
    text = page.read_text()
    assert "<script>alert" not in text and "&lt;script&gt;" in text
    assert "/home/grader" not in text and "data:image/png;base64,AAAA" in text
    assert "graded by hand" in text
