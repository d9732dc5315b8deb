"""Write grading results as text, JSON, nbgrader grades CSV, Gradescope or GitHub Classroom."""

from __future__ import annotations

import base64
import csv
import io
import json
import re

from coursekit.grading.results import SubmissionResult

__all__ = ["FORMATS", "format_results"]

# Columns of `nbgrader export` (nbgrader 0.9.6, CsvExportPlugin).
CSV_COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
]


def _text(results: list[SubmissionResult]) -> str:
    lines = []
    for r in results:
        who = f"{r.student_id}: " if r.student_id else ""
        lines.append(f"{who}{r.submission} ({r.assignment}): {r.score:g} / {r.max_score:g}")
        if r.error:
            lines.append(f"  grading problem: {r.error}")
        for q in r.questions:
            lines.append(f"  {q.name:<26} {q.points:>4g} / {q.max_points:<4g} {q.status}")
            for line in q.feedback.splitlines():
                lines.append(f"      {line}")
    return "\n".join(lines) + "\n"


def _json_one(r: SubmissionResult) -> dict:
    return {
        "submission": r.submission,
        "assignment": r.assignment,
        "score": r.score,
        "max_score": r.max_score,
        "questions": [
            {
                "name": q.name,
                "points": q.points,
                "max_points": q.max_points,
                "status": q.status,
                "feedback": q.feedback,
            }
            for q in r.questions
        ],
    }


def _json(results: list[SubmissionResult]) -> str:
    data = _json_one(results[0]) if len(results) == 1 else [_json_one(r) for r in results]
    return json.dumps(data, indent=2) + "\n"


def _csv(results: list[SubmissionResult]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in results:
        writer.writerow(
            {
                "assignment": r.assignment or "",
                "duedate": "",
                "timestamp": r.timestamp,
                "student_id": r.student_id,
                "last_name": "",
                "first_name": "",
                "email": "",
                "raw_score": r.score,
                "late_submission_penalty": 0.0,
                "score": r.score,
                "max_score": r.max_score,
            }
        )
    return buffer.getvalue()


def _gradescope(results: list[SubmissionResult]) -> str:
    if len(results) != 1:
        raise ValueError(f"the gradescope format holds one submission; got {len(results)}.")
    r = results[0]
    data = {
        "score": r.score,
        "output": f"{r.assignment}: {r.score:g} / {r.max_score:g}"
        + (f"\nGrading problem: {r.error}" if r.error else ""),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "score": q.points,
                "max_score": q.max_points,
                "name": q.name,
                "status": "passed" if q.status == "passed" else "failed",
                "output": q.feedback or "Passed.",
                "visibility": "visible",
            }
            for q in r.questions
        ],
    }
    return json.dumps(data, indent=2) + "\n"


def classroom_payloads(result: SubmissionResult) -> dict[str, str]:
    """Per-question runner payloads of GitHub Classroom's autograding reporter.

    The reporter (``classroom-resources/autograding-grading-reporter``) reads, for
    each runner id in its ``runners`` input, the environment variable
    ``<RUNNER>_RESULTS``: base64 of ``{"version": 1, "status", "max_score", "tests"}``.
    It scores a runner as (passed tests / tests) x max_score, so every question is
    its own runner with ``max_score`` = the question's points.
    """
    payloads = {}
    for q in result.questions:
        passed = q.status == "passed"
        data = {
            "version": 1,
            "status": "pass" if passed else ("error" if q.status == "error" else "fail"),
            "max_score": q.max_points,
            "tests": [
                {
                    "name": q.name,
                    "status": "pass" if passed else "fail",
                    "message": q.feedback or "Passed.",
                    "line_no": 0,
                    "execution_time": f"{q.duration:.2f}s",
                    "score": q.points,
                }
            ],
        }
        runner = re.sub(r"[^a-z0-9_]", "_", q.name.lower())  # also its env var: <RUNNER>_RESULTS
        payloads[runner] = base64.b64encode(json.dumps(data).encode()).decode("ascii")
    return payloads


def _classroom(results: list[SubmissionResult]) -> str:
    if len(results) != 1:
        raise ValueError(f"the classroom format holds one submission; got {len(results)}.")
    payloads = classroom_payloads(results[0])
    # $GITHUB_OUTPUT syntax: one `name=value` line per step output.
    lines = [f"runners={','.join(payloads)}"] + [f"{k}={v}" for k, v in payloads.items()]
    return "\n".join(lines) + "\n"


FORMATS = {
    "text": _text,
    "json": _json,
    "csv": _csv,
    "gradescope": _gradescope,
    "classroom": _classroom,
}


def format_results(results: list[SubmissionResult], fmt: str = "text") -> str:
    """Results in format ``fmt`` (one of :data:`FORMATS`)."""
    try:
        writer = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}.") from None
    return writer(results)
