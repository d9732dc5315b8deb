"""The graded questions: one row per student function (the table in ``autograder/README.md``)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Question", "QUESTIONS", "ASSIGNMENTS", "questions_for", "test_file_name"]


@dataclass(frozen=True)
class Question:
    """One graded student function.

    Attributes
    ----------
    assignment : str
        nbgrader assignment name (the folder name, e.g. ``"02-augmentation"``).
    name : str
        Name of the student function, also the question name (``"rotate90"``).
    reference : str
        Dotted path of the ``coursekit`` reference with the same signature.
    points : int
        Points awarded, all or nothing.
    """

    assignment: str
    name: str
    reference: str
    points: int

    @property
    def grade_id(self) -> str:
        """nbgrader ``grade_id`` of the student's solution cell."""
        return f"{self.assignment}-{self.name}"

    @property
    def test_grade_id(self) -> str:
        """nbgrader ``grade_id`` of the graded (hidden) test cell."""
        return f"{self.assignment}-{self.name}-tests"


QUESTIONS: tuple[Question, ...] = (
    Question("01-images", "resize_image", "coursekit.augment.resize_image", 2),
    Question("01-images", "cluster_pixels", "coursekit.cluster.cluster_pixels", 3),
    Question("01-images", "quantise", "coursekit.cluster.quantise", 2),
    Question("02-augmentation", "rotate90", "coursekit.augment.rotate90", 2),
    Question("02-augmentation", "rotate", "coursekit.augment.rotate", 3),
    Question("02-augmentation", "flip", "coursekit.augment.flip", 2),
    Question("02-augmentation", "adjust_brightness", "coursekit.augment.adjust_brightness", 2),
    Question("02-augmentation", "adjust_gamma", "coursekit.augment.adjust_gamma", 2),
    Question("03-clustering", "colour_histogram", "coursekit.features.colour_histogram", 3),
    Question("03-clustering", "cluster_images", "coursekit.cluster.cluster_images", 3),
    Question("03-clustering", "purity", "coursekit.cluster.purity", 2),
    Question(
        "04-small-data", "lesion_train_test_split", "coursekit.data.lesion_train_test_split", 3
    ),
    Question("04-small-data", "augment_dataset", "coursekit.augment.augment_dataset", 3),
)

ASSIGNMENTS: tuple[str, ...] = tuple(dict.fromkeys(q.assignment for q in QUESTIONS))


def questions_for(assignment: str) -> tuple[Question, ...]:
    """Questions of ``assignment`` in notebook order (empty for an unknown assignment)."""
    return tuple(q for q in QUESTIONS if q.assignment == assignment)


def test_file_name(assignment: str) -> str:
    """Hidden test file of ``assignment``: ``"02-augmentation"`` -> ``test_02_augmentation.py``."""
    return "test_" + assignment.replace("-", "_") + ".py"
