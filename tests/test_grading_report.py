"""Report formats: text, json, nbgrader grades.csv, Gradescope results.json, GitHub Classroom."""

import base64
import csv
import inspect
import io
import json
import re

import pytest

from coursekit.grading.feedback import feedback_html, png_data_uri, write_feedback
from coursekit.grading.report import CSV_COLUMNS, classroom_payloads, format_results
from coursekit.grading.results import QuestionResult, SubmissionResult


def _result(student="s001"):
    return SubmissionResult(
        submission="submitted/s001/02-augmentation/augmentation.ipynb",
        assignment="02-augmentation",
        student_id=student,
        timestamp="2026-01-10 12:00:00",
        questions=[
            QuestionResult("rotate90", 2.0, 2.0, "passed", duration=0.5),
            QuestionResult(
                "flip",
                0.0,
                2.0,
                "failed",
                "Smallest failing input: ...",
                images={"got": png_data_uri(__import__("numpy").zeros((2, 2)))},
            ),
            QuestionResult("rotate", 0.0, 3.0, "timeout", "did not finish"),
        ],
    )


def test_json_format_has_the_documented_keys():
    data = json.loads(format_results([_result()], "json"))
    assert set(data) == {"submission", "assignment", "score", "max_score", "questions"}
    assert data["score"] == 2.0 and data["max_score"] == 7.0
    assert data["questions"][1] == {
        "name": "flip",
        "points": 0.0,
        "max_points": 2.0,
        "status": "failed",
        "feedback": "Smallest failing input: ...",
    }
    several = json.loads(format_results([_result(), _result("s002")], "json"))
    assert isinstance(several, list) and len(several) == 2


def test_csv_columns_are_nbgraders():
    from nbgrader.plugins.export import CsvExportPlugin

    source = inspect.getsource(CsvExportPlugin.export)
    keys_block = source[source.index("keys = [") : source.index("]", source.index("keys = ["))]
    assert re.findall(r'"(\w+)"', keys_block) == CSV_COLUMNS
    rows = list(csv.DictReader(io.StringIO(format_results([_result()], "csv"))))
    assert list(rows[0]) == CSV_COLUMNS
    assert rows[0]["student_id"] == "s001" and float(rows[0]["score"]) == 2.0
    assert float(rows[0]["max_score"]) == 7.0 and rows[0]["assignment"] == "02-augmentation"


def test_gradescope_results_json():
    data = json.loads(format_results([_result()], "gradescope"))
    assert data["score"] == 2.0
    assert [t["name"] for t in data["tests"]] == ["rotate90", "flip", "rotate"]
    for test in data["tests"]:
        assert set(test) >= {"score", "max_score", "name", "output", "visibility"}
    with pytest.raises(ValueError, match="one submission"):
        format_results([_result(), _result()], "gradescope")


def test_classroom_runner_payloads_carry_points_per_question():
    text = format_results([_result()], "classroom")
    lines = dict(line.split("=", 1) for line in text.strip().splitlines())
    assert lines["runners"] == "rotate90,flip,rotate"
    payloads = classroom_payloads(_result())
    flip = json.loads(base64.b64decode(payloads["flip"]))
    assert flip["version"] == 1 and flip["status"] == "fail" and flip["max_score"] == 2.0
    assert flip["tests"][0]["score"] == 0.0 and flip["tests"][0]["status"] == "fail"
    rot = json.loads(base64.b64decode(lines["rotate90"]))
    assert rot["status"] == "pass" and rot["tests"][0]["score"] == 2.0


def test_text_format_and_unknown_format():
    text = format_results([_result()], "text")
    assert "2 / 7" in text and "timeout" in text
    with pytest.raises(ValueError, match="unknown format"):
        format_results([_result()], "xml")


def test_html_feedback_shows_images_and_escapes_text(tmp_path):
    result = _result()
    result.questions[1].feedback = "<script>alert(1)</script>"
    page = feedback_html(result)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "data:image/png;base64," in page
    (path,) = write_feedback([result], tmp_path / "fb")
    assert path.name == "s001-02-augmentation.html" and path.read_text().startswith("<!DOCTYPE")
    assert png_data_uri(__import__("numpy").zeros((2, 2, 4))) is None
