"""Grading results: checks within questions within a submission.

These are the only records that cross from the grader process to the parent
(as JSON) and from the parent to every report format.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from coursekit.grading.status import Status

__all__ = ["CheckResult", "QuestionResult", "SubmissionResult", "clean_text", "held_to_table"]

# ANSI escape sequences (CSI, OSC, single-character escapes) and every other control
# character but tab and newline: nothing a student's code prints may move a terminal's
# cursor, recolour it or forge a line of a report.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean_text(text) -> str:
    """``text`` without escape sequences and control characters (tabs and newlines kept)."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


@dataclass
class CheckResult:
    """Outcome of one named check of a question.

    Attributes
    ----------
    name, title : str
        The check's identifier and its description (from the questions table).
    points, max_points : float
        Points awarded (all or nothing per check) and available.
    status : Status
    feedback : str
        Student-facing text when the check did not pass: what was tried, the
        smallest failing input, expected against got, and a hint chosen from
        the failure. Empty when passed.
    images : dict
        PNG data URIs ``{"input", "expected", "got"}`` for image-valued
        failures, used by the HTML pages (not by the text formats).
    duration : float
        Seconds spent on the check.
    """

    name: str
    title: str
    points: float
    max_points: float
    status: Status
    feedback: str = ""
    images: dict = field(default_factory=dict)
    duration: float = 0.0

    def __post_init__(self):
        self.status = Status(self.status)


@dataclass
class QuestionResult:
    """Outcome of one question: a graded function (its checks) or a written answer.

    Attributes
    ----------
    name : str
        The function's name (``"rotate90"``) or, for a written answer, its
        ``grade_id`` without the assignment prefix.
    points : float or None
        Points awarded; None for a written answer not graded yet.
    max_points : float
    status : Status
    checks : list of CheckResult
        Empty for written answers.
    notes : list of str
        Sentences that apply to the whole question (a cell of the submission
        that was skipped, another graded function this one depends on that
        lost points).
    kind : {"function", "written"}
    title : str
        For written answers, their title; for functions, empty.
    """

    name: str
    points: float | None
    max_points: float
    status: Status
    checks: list[CheckResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kind: str = "function"
    title: str = ""

    def __post_init__(self):
        self.status = Status(self.status)
        self.checks = [c if isinstance(c, CheckResult) else CheckResult(**c) for c in self.checks]

    @property
    def feedback(self) -> str:
        """Everything a student should read about this question, as plain text."""
        parts = list(self.notes)
        for check in self.checks:
            if check.status is not Status.PASSED and check.feedback:
                parts.append(
                    f"Check `{check.name}` ({check.title}): {check.status}, "
                    f"{check.points:g} of {check.max_points:g} points.\n{check.feedback}"
                )
        if self.kind == "written" and self.status is Status.MANUAL:
            parts.append("This written answer is graded by hand by your instructor.")
        return "\n\n".join(parts)

    @property
    def duration(self) -> float:
        return float(sum(c.duration for c in self.checks))

    @property
    def pending(self) -> bool:
        """True for a written answer whose points are not known yet."""
        return self.points is None


@dataclass
class SubmissionResult:
    """Outcome of one submission notebook."""

    submission: str
    assignment: str | None
    questions: list[QuestionResult] = field(default_factory=list)
    student_id: str = ""
    timestamp: str = ""
    error: str = ""  # set when grading itself could not run (not the student's fault)
    isolation: str = ""  # the layers that shut student code in (coursekit.grading.sandbox)

    def __post_init__(self):
        self.questions = [
            q if isinstance(q, QuestionResult) else QuestionResult(**q) for q in self.questions
        ]

    @property
    def score(self) -> float:
        """Points known so far (written answers not graded yet count as 0)."""
        return float(sum(q.points or 0.0 for q in self.questions))

    @property
    def max_score(self) -> float:
        """Maximum of the assignment, written answers included (nbgrader's maximum)."""
        return float(sum(q.max_points for q in self.questions))

    @property
    def auto_score(self) -> float:
        return float(sum(q.points or 0.0 for q in self.questions if q.kind == "function"))

    @property
    def auto_max_score(self) -> float:
        return float(sum(q.max_points for q in self.questions if q.kind == "function"))

    @property
    def pending_points(self) -> float:
        """Maximum points of the written answers still to be graded by hand."""
        return float(sum(q.max_points for q in self.questions if q.pending))

    def to_dict(self) -> dict:
        data = asdict(self)
        for q in data["questions"]:
            q["status"] = str(q["status"])
            for c in q["checks"]:
                c["status"] = str(c["status"])
        data["score"], data["max_score"] = self.score, self.max_score
        data["pending_points"] = self.pending_points
        return data

    @classmethod
    def from_dict(cls, data: dict) -> SubmissionResult:
        fields = {
            k: data[k]
            for k in ("submission", "assignment", "student_id", "timestamp", "error", "isolation")
            if k in data
        }
        return cls(questions=list(data.get("questions", [])), **fields)


def held_to_table(result: SubmissionResult) -> SubmissionResult:
    """``result`` as the question table allows it: what the parent reports.

    Questions and checks the table does not list are dropped; every check's points
    are clamped to ``[0, its maximum]`` (and to 0 unless it passed), each question's
    points are the sum of its checks' and its maximum the table's; every text is
    stripped of control characters (:func:`clean_text`). A result can therefore never
    give more than the table's points, whatever produced it.
    """
    from coursekit.grading.questions import questions_for, written_for

    table = {q.name: q for q in questions_for(result.assignment or "")}
    written = {w.name: w for w in written_for(result.assignment or "")}
    questions = []
    for q in result.questions:
        q.notes = [clean_text(n) for n in q.notes]
        q.title = clean_text(q.title)
        if q.kind == "written" and q.name in written:
            maximum = float(written[q.name].points)
            q.max_points = maximum
            if q.points is not None:
                q.points = min(max(float(q.points), 0.0), maximum)
            questions.append(q)
            continue
        spec = table.get(q.name)
        if spec is None or q.kind != "function":
            continue
        checks_spec = {c.name: c for c in spec.checks}
        checks = []
        for c in q.checks:
            limit = checks_spec.get(c.name)
            if limit is None:
                continue
            c.max_points = float(limit.points)
            passed = Status(c.status) is Status.PASSED
            c.points = min(max(float(c.points), 0.0), c.max_points) if passed else 0.0
            c.feedback, c.title = clean_text(c.feedback), clean_text(limit.title)
            checks.append(c)
        q.checks = checks
        q.points = float(sum(c.points for c in checks))
        q.max_points = spec.points
        questions.append(q)
    result.questions = questions
    result.error = clean_text(result.error)
    result.isolation = clean_text(result.isolation)
    return result
