"""Grading results: a :class:`QuestionResult` per question, a :class:`SubmissionResult` each."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

__all__ = ["QuestionResult", "SubmissionResult", "STATUSES"]

STATUSES = ("passed", "failed", "error", "timeout", "missing", "not-implemented", "forbidden")


@dataclass
class QuestionResult:
    """Outcome of one question.

    Attributes
    ----------
    name : str
        Question (= student function) name.
    points, max_points : float
        Points awarded (all or nothing) and available.
    status : str
        One of :data:`STATUSES`.
    feedback : str
        Student-facing text: what was tried, the smallest failing input,
        expected against got, and a hint. Empty when passed.
    images : dict
        For image-valued failures, PNG data URIs ``{"input", "expected", "got"}``
        used by the HTML feedback report (not part of the JSON format).
    duration : float
        Seconds spent on the question.
    """

    name: str
    points: float
    max_points: float
    status: str
    feedback: str = ""
    images: dict = field(default_factory=dict)
    duration: float = 0.0


@dataclass
class SubmissionResult:
    """Outcome of one submission notebook."""

    submission: str
    assignment: str | None
    questions: list[QuestionResult] = field(default_factory=list)
    student_id: str = ""
    timestamp: str = ""
    error: str = ""  # set when grading itself could not run (not the student's fault)

    @property
    def score(self) -> float:
        return float(sum(q.points for q in self.questions))

    @property
    def max_score(self) -> float:
        return float(sum(q.max_points for q in self.questions))

    def to_dict(self) -> dict:
        data = asdict(self)
        data["score"], data["max_score"] = self.score, self.max_score
        return data

    @classmethod
    def from_dict(cls, data: dict) -> SubmissionResult:
        questions = [QuestionResult(**q) for q in data.get("questions", [])]
        fields = {
            k: data[k]
            for k in ("submission", "assignment", "student_id", "timestamp", "error")
            if k in data
        }
        return cls(questions=questions, **fields)
