"""The same grade under another numeric environment (issue 19, item 1).

A student's process may run with another BLAS kernel (``OPENBLAS_CORETYPE``) or without
numba (``COURSEKIT_NO_NUMBA``) than the grader: float results then differ in their last
bits. Every check must give the same grade anyway. Here the solution cells run in a
separate process started with ``OPENBLAS_CORETYPE`` set to another core type than this
machine's and ``COURSEKIT_NO_NUMBA=1``, and the hidden tests grade them from this process
(references and comparisons here, the student's function there: as the grader does).
A control test shows that this environment really changes results here, so that a check
comparing bit for bit would fail on any CI machine, not only on an AMD one.
"""

from __future__ import annotations

import contextlib
import copy
import multiprocessing
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import threadpoolctl

from coursekit.checks.calls import Call
from coursekit.grading.questions import QUESTIONS
from coursekit.grading.questions import question as find_question

TESTS = Path(__file__).resolve().parent

#: Core types OpenBLAS accepts in OPENBLAS_CORETYPE on x86-64 (checked with threadpoolctl).
CORE_TYPES = ("Nehalem", "Prescott", "Sandybridge", "Haswell")


def _native_core() -> str | None:
    for pool in threadpoolctl.threadpool_info():
        if pool.get("internal_api") == "openblas":
            return pool.get("architecture")
    return None


def other_numeric_environment() -> dict:
    """``OPENBLAS_CORETYPE`` other than this machine's kernel, and numba switched off."""
    native = (_native_core() or "").lower()
    core = next(c for c in CORE_TYPES if c.lower() != native)
    return {"OPENBLAS_CORETYPE": core, "COURSEKIT_NO_NUMBA": "1"}


@contextlib.contextmanager
def _environment(changes: dict):
    saved = {k: os.environ.get(k) for k in changes}
    os.environ.update(changes)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# -- the student's side, in the other process ------------------------------------------------
def _serve(connection, paths, sources):
    sys.path[:0] = paths
    from fixtures.local_student import LocalStudent

    from coursekit.checks.calls import LocalFunction

    with threadpoolctl.threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        students = {}
        student = students.setdefault(next(iter(sources)), LocalStudent(*next(iter(
            sources.items()))))  # fmt: skip
        while True:
            request = connection.recv()
            if request is None:
                return
            if isinstance(request, tuple) and request[0] == "fresh":
                question = request[1]
                if question not in students:
                    students[question] = LocalStudent(question, sources[question])
                student = students[question]
                student.begin_check(question)
                connection.send(("ok", None))
                continue
            if request == "core":
                connection.send(("ok", _native_core()))
                continue
            name, args, kwargs = request
            try:
                call = LocalFunction(student.namespace[name]).call(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - sent back, raised in the grader
                types = tuple(c.__name__ for c in type(exc).__mro__)
                connection.send(("raised", (types, str(exc))))
            else:
                connection.send(("ok", (call.value, call.shares_memory, call.changed_inputs)))


class RemoteException(Exception):
    """The student's exception, with its class names as the grader sees them."""

    def __init__(self, types, text):
        super().__init__(text)
        self.exception_types = types


class RemoteStudent:
    """Solution cells run in a process of their own, started under ``environment``.

    ``sources`` maps each question to its solution cells (one process serves every question
    of an assignment: the scientific stack is imported once); the first is current until
    :meth:`begin_check` names another.
    """

    def __init__(self, sources: dict, environment: dict):
        self.last_call = None
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        paths = [str(TESTS), *sys.path]
        with _environment(environment):
            self._process = context.Process(
                target=_serve, args=(child, paths, dict(sources)), daemon=True
            )
            self._process.start()

    def _ask(self, request):
        self._connection.send(request)
        status, value = self._connection.recv()
        if status == "raised":
            raise RemoteException(*value)
        return value

    def core(self):
        return self._ask("core")

    def begin_check(self, question: str) -> None:
        self.last_call = None
        self._ask(("fresh", question))

    def end_check(self) -> None:
        pass

    def function(self, name: str):
        student = self

        class _Function:
            __name__ = name

            def __call__(self, *args, **kwargs):
                return self.call(*args, **kwargs).value

            def call(self, *args, **kwargs):
                student.last_call = (name, args, kwargs)
                value, shares, changed = student._ask((name, copy.deepcopy(args),
                                                       copy.deepcopy(kwargs)))  # fmt: skip
                return Call(value, shares, changed)

        return _Function()

    def close(self):
        with contextlib.suppress(Exception):
            self._connection.send(None)
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()


def _solution_source(name: str) -> str:
    from test_catalogue import _solution_cells

    cells = _solution_cells(find_question(name).assignment)
    upto = [n for n, _ in cells].index(name) + 1
    return "\n\n".join(text for _, text in cells[:upto])


@pytest.fixture(scope="module", autouse=True)
def _salt():
    with _environment({"COURSEKIT_SALT": os.environ.get("COURSEKIT_SALT") or "coursekit-tests"}):
        yield


def test_the_other_environment_changes_float_results_here():
    """Control: under the other environment the pipeline's float output differs in its last
    bits, so a bit-for-bit comparison would fail and the tolerance is what passes it."""
    from coursekit.checks.compare import computed_close
    from coursekit.checks.small_data import expected_copy, image_batch

    environment = other_numeric_environment()
    source = "from coursekit.checks.small_data import expected_copy as copy_of\n"
    student = RemoteStudent({"augment_dataset": source}, environment)
    try:
        assert student.core().lower() == environment["OPENBLAS_CORETYPE"].lower() or (
            environment["OPENBLAS_CORETYPE"] == "Prescott"  # OpenBLAS names it Katmai
        )
        copy_of = student.function("copy_of")
        differ = 0
        for seed in range(6):
            images = image_batch(seed, n=3, side=8, dtype="float64")[0]
            for c, i in ((1, 0), (2, 1), (3, 2)):
                there, here = copy_of(images, c, i, seed), expected_copy(images, c, i, seed)
                differ += not np.array_equal(there, here)
                assert computed_close(there, here)
    finally:
        student.close()
    assert differ, "the other numeric environment gave the same bits: choose another core type"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", sorted({q.assignment for q in QUESTIONS}))
def test_solution_gets_full_marks_in_another_numeric_environment(assignment):
    """Every hidden test of every question passes the notebook's solution when the student's
    side runs with another OPENBLAS_CORETYPE and without numba (one student process per
    assignment, a fresh namespace per check)."""
    from fixtures.local_student import hidden_tests

    names = [q.name for q in QUESTIONS if q.assignment == assignment]
    student = RemoteStudent({n: _solution_source(n) for n in names}, other_numeric_environment())
    failed = []
    try:
        with threadpoolctl.threadpool_limits(limits=1):
            for name in names:
                for check_name, test in hidden_tests(name):
                    student.begin_check(name)
                    try:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            test(student)
                    except Exception as exc:  # noqa: BLE001 - every failure is reported
                        failed.append(f"{name}/{check_name}: {exc}")
    finally:
        student.close()
    assert not failed, "\n\n".join(failed)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ["04-small-data", "02-augmentation"])
def test_engine_gives_the_solution_full_marks_in_another_numeric_environment(
    tmp_path, assignment
):
    """The real engine, with the other numeric environment in the grader's environment: the
    grader passes the numeric variables on to the student process (grading/session.py), so
    the student's side computes with another kernel than the grader's references."""
    from fixtures.grading_notebooks import make_notebook

    from coursekit.grading import grade_submissions

    notebook = make_notebook(tmp_path / f"{assignment}.ipynb", assignment)
    with _environment(other_numeric_environment()):
        (result,) = grade_submissions([notebook], jobs=1)
    assert not result.error, result.error
    lost = [
        f"{q.name}/{c.name}: {c.feedback}"
        for q in result.questions
        if q.kind == "function"
        for c in q.checks
        if c.status.value != "passed"
    ]
    assert result.auto_score == result.auto_max_score, "\n".join(lost)
