"""The quick public checks as pytest tests, run by ``coursekit check`` like the hidden tests.

Every named check of every question runs its contract on the check's fixed quick
inputs (:data:`coursekit.checks._registry.QUICK_INPUTS`) in the same sandboxed
student process as grading, so a student (or their repository's Actions run)
gets per-check points and the grader's feedback without any hidden test. The
points are an estimate: the graded version tries many more inputs.
"""

import pytest

from coursekit.checks import load_contracts
from coursekit.checks._registry import CONTRACTS, QUICK_INPUTS
from coursekit.grading.plugin import check
from coursekit.grading.questions import QUESTIONS

load_contracts()


@pytest.mark.parametrize(
    "question, check_name",
    [
        pytest.param(q.name, c.name, marks=check(q.name, c.name), id=f"{q.name}__{c.name}")
        for q in QUESTIONS
        for c in q.checks
    ],
)
def test_public(student, question, check_name):
    function = student.function(question)
    for inputs in QUICK_INPUTS[(question, check_name)]:
        CONTRACTS[(question, check_name)](function, **inputs)
