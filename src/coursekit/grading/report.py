"""Write grading results as text, JSON, nbgrader grades CSV, Gradescope, Classroom or Markdown.

Every format carries the same facts: the points of every check (partial credit),
the feedback of every check that did not pass, and the written answers with their
maximum and "needs manual grading" (or the points a grader gave them), so that
every report's maximum equals nbgrader's. Two platforms score the automatic part
only and name the written answers instead: Gradescope (written answers are its
manual questions) and Classroom's reporter (one runner per check).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re

from coursekit.grading.results import SubmissionResult
from coursekit.grading.status import Status

__all__ = [
    "FORMATS",
    "format_results",
    "classroom_payloads",
    "gradescope_results",
    "markdown_summary",
    "CSV_COLUMNS",
]

# Columns of `nbgrader export` (nbgrader 0.9.6, CsvExportPlugin); ours follow them.
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
_EXTRA_COLUMNS = ["auto_score", "manual_score", "pending_points", "error", "isolation"]


def _score_line(r: SubmissionResult) -> str:
    text = f"{r.score:g} / {r.max_score:g}"
    if r.pending_points:
        plural = "" if r.pending_points == 1 else "s"
        text += (
            f" ({r.pending_points:g} point{plural} of written answers still to be graded by hand)"
        )
    return text


def _text(results: list[SubmissionResult]) -> str:
    lines = []
    for r in results:
        who = f"{r.student_id}: " if r.student_id else ""
        lines.append(f"{who}{r.submission} ({r.assignment}): {_score_line(r)}")
        if r.error:
            lines.append(f"  grading problem: {r.error}")
        if r.isolation:
            lines.append(f"  isolation: {r.isolation}")
        for q in r.questions:
            points = "  -" if q.points is None else f"{q.points:>4g}"
            lines.append(
                f"  {q.status.symbol} {q.name:<26} {points} / {q.max_points:<4g} {q.status}"
            )
            for c in q.checks:
                lines.append(
                    f"      {c.status.symbol} {c.name:<16} {c.points:>4g} / {c.max_points:<4g} "
                    f"{c.title}"
                )
            if q.status not in (Status.PASSED, Status.MANUAL):
                for line in q.feedback.splitlines():
                    lines.append(f"        {line}")
    return "\n".join(lines) + "\n"


def _json_one(r: SubmissionResult) -> dict:
    return {
        "submission": r.submission,
        "assignment": r.assignment,
        "student_id": r.student_id,
        "score": r.score,
        "max_score": r.max_score,
        "auto_score": r.auto_score,
        "pending_points": r.pending_points,
        "error": r.error,
        "isolation": r.isolation,
        "questions": [
            {
                "name": q.name,
                "kind": q.kind,
                "points": q.points,
                "max_points": q.max_points,
                "status": str(q.status),
                "notes": q.notes,
                "checks": [
                    {
                        "name": c.name,
                        "title": c.title,
                        "points": c.points,
                        "max_points": c.max_points,
                        "status": str(c.status),
                        "feedback": c.feedback,
                    }
                    for c in q.checks
                ],
                "feedback": q.feedback,
            }
            for q in r.questions
        ],
    }


def _json(results: list[SubmissionResult]) -> str:
    data = _json_one(results[0]) if len(results) == 1 else [_json_one(r) for r in results]
    return json.dumps(data, indent=2) + "\n"


def _csv(results: list[SubmissionResult]) -> str:
    names = list(dict.fromkeys(q.name for r in results for q in r.questions))
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=CSV_COLUMNS + _EXTRA_COLUMNS + names, lineterminator="\n"
    )
    writer.writeheader()
    for r in results:
        manual = sum(q.points or 0.0 for q in r.questions if q.kind == "written")
        row = {
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
            "auto_score": r.auto_score,
            "manual_score": manual,
            "pending_points": r.pending_points,
            "error": r.error,
            "isolation": r.isolation,
        }
        for q in r.questions:
            row[q.name] = "" if q.points is None else q.points
        writer.writerow(row)
    return buffer.getvalue()


def gradescope_results(r: SubmissionResult, *, visibility: str = "visible") -> dict:
    """Gradescope's ``results.json`` for one submission: the automatic checks only.

    Written answers are left out: on Gradescope they are manual questions of the same
    assignment, graded by hand, so the autograder's maximum is the automatic points (a
    written answer listed as a test would show as a failed 0 / 1).

    Parameters
    ----------
    visibility : {"visible", "hidden", "after_due_date", "after_published"}
        Visibility of every test, passed or failed, with its feedback. ``"visible"`` shows
        them at once; Gradescope does not show students their total while a test is hidden.
    """
    tests = []
    for q in r.questions:
        if q.kind == "written":
            continue
        for c in q.checks:
            passed = c.status is Status.PASSED
            output = "Passed." if passed else c.feedback
            if q.notes and not passed:
                output = "\n".join(q.notes) + "\n\n" + output
            tests.append(
                {
                    "name": f"{q.name}: {c.name}",
                    "number": f"{q.name}.{c.name}",
                    "score": c.points,
                    "max_score": c.max_points,
                    "status": "passed" if passed else "failed",
                    "output": f"{c.title}\n{output}",
                    "visibility": visibility,
                    "tags": [q.name],
                }
            )
    written = [q for q in r.questions if q.kind == "written"]
    summary = f"{r.assignment}: {r.auto_score:g} / {r.auto_max_score:g} automatic points"
    if written:
        names = ", ".join(f"{q.name} ({q.max_points:g})" for q in written)
        summary += f"; written answers, graded by hand as manual questions: {names}"
    return {
        "score": r.auto_score,
        "output": summary
        + (f"\nGrading problem: {r.error}" if r.error else "")
        + (f"\nIsolation of student code: {r.isolation}" if r.isolation else ""),
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def _gradescope(results: list[SubmissionResult]) -> str:
    if len(results) != 1:
        raise ValueError(f"the gradescope format holds one submission; got {len(results)}.")
    return json.dumps(gradescope_results(results[0]), indent=2) + "\n"


def runner_name(question: str, check: str) -> str:
    """Runner id of one check in Classroom's reporter (also its ``<RUNNER>_RESULTS`` variable).

    Letters and digits only, in camel case (``rotate90`` and ``quarter_turns`` give
    ``rotate90QuarterTurns``): the reporter v1 checks its ``runners`` input against
    ``^([a-zA-Z0-9]+,)*[a-zA-Z0-9]+$``.
    """
    words = [w for w in re.split(r"[^A-Za-z0-9]+", f"{question}_{check}") if w]
    return words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])


def classroom_payloads(result: SubmissionResult) -> dict[str, str]:
    """Per-check runner payloads of GitHub Classroom's autograding reporter.

    The reporter (``classroom-resources/autograding-grading-reporter``) reads, for
    each runner id in its ``runners`` input, the environment variable
    ``<RUNNER>_RESULTS``: base64 of ``{"version": 1, "status", "max_score", "tests"}``,
    and scores a runner as (passed tests / tests) x max_score. Each check is its own
    runner with ``max_score`` = the check's points, so the total is the sum of the
    passed checks' points (partial credit). Written answers are not in it.
    """
    payloads = {}
    for q in result.questions:
        for c in q.checks:
            passed = c.status is Status.PASSED
            data = {
                "version": 1,
                "status": "pass" if passed else ("error" if c.status is Status.ERROR else "fail"),
                "max_score": c.max_points,
                "tests": [
                    {
                        "name": f"{q.name}: {c.name}",
                        "status": "pass" if passed else "fail",
                        "message": "Passed." if passed else c.feedback,
                        "line_no": 0,
                        "execution_time": f"{c.duration:.2f}s",
                        "score": c.points,
                    }
                ],
            }
            payloads[runner_name(q.name, c.name)] = base64.b64encode(
                json.dumps(data).encode()
            ).decode("ascii")
    return payloads


def _classroom(results: list[SubmissionResult]) -> str:
    if len(results) != 1:
        raise ValueError(f"the classroom format holds one submission; got {len(results)}.")
    payloads = classroom_payloads(results[0])
    # $GITHUB_OUTPUT syntax: one `name=value` line per step output.
    lines = [f"runners={','.join(payloads)}"] + [f"{k}={v}" for k, v in payloads.items()]
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_summary(results: list[SubmissionResult], *, title: str | None = None) -> str:
    """A Markdown report (GitHub's job summary, ``FEEDBACK.md``): a table and the feedback."""
    lines = []
    for r in results:
        lines.append(f"## {title or r.assignment}: {_score_line(r)}")
        lines.append("")
        if r.error:
            lines += [f"**Grading problem:** {r.error}", ""]
        if r.isolation:
            lines += [f"Isolation of student code: {r.isolation}", ""]
        lines += ["| | question | check | points | |", "|---|---|---|---|---|"]
        for q in r.questions:
            if q.kind == "written":
                points = "pending" if q.points is None else f"{q.points:g}"
                lines.append(
                    f"| {q.status.symbol} | {q.name} | written answer | {points} / "
                    f"{q.max_points:g} | {q.status} |"
                )
                continue
            for c in q.checks:
                lines.append(
                    f"| {c.status.symbol} | `{q.name}` | `{c.name}` | {c.points:g} / "
                    f"{c.max_points:g} | {_md_escape(c.title)} |"
                )
        lines.append("")
        for q in r.questions:
            if q.kind == "function" and q.status is not Status.PASSED and q.feedback:
                lines += [
                    f"### `{q.name}`: {q.points or 0:g} / {q.max_points:g}",
                    "",
                    "```text",
                    q.feedback.replace("```", "'''"),
                    "```",
                    "",
                ]
    return "\n".join(lines) + "\n"


FORMATS = {
    "text": _text,
    "json": _json,
    "csv": _csv,
    "gradescope": _gradescope,
    "classroom": _classroom,
    "markdown": markdown_summary,
}


def format_results(results: list[SubmissionResult], fmt: str = "text") -> str:
    """Results in format ``fmt`` (one of :data:`FORMATS`)."""
    try:
        writer = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}.") from None
    return writer(results)
