"""The student process: limits, crashes and tricks never hang grading or reach another question."""

import time

import numpy as np
import pytest

from coursekit.grading.errors import (
    ForbiddenReference,
    MissingFunction,
    NotImplementedByStudent,
    QuestionTimeout,
    StudentCrashed,
    StudentException,
)
from coursekit.grading.extract import units_from_sources
from coursekit.grading.sandbox import StudentSession

CELLS = [
    "import os, sys\nimport numpy as np\nfrom coursekit.augment import rotate90 as ref_rotate90\n",
    "print('loading data...')\nwhile True:\n    pass\n",  # top-level loop: never runs
    "def double(x):\n    return np.asarray(x) * 2\n",
    "def spin(x):\n    while True:\n        pass\n",
    "def bomb(x):\n    return np.ones((10**6, 10**6))\n",
    "def bytes_bomb(x):\n    return bytearray(10**11)\n",
    "def leave(x):\n    sys.exit(0)\n",
    "def vanish(x):\n    os._exit(3)\n",
    "def shout(x):\n    for _ in range(200_000):\n        print('x' * 100, file=sys.stderr)\n"
    "    return x\n",
    "def patch_numpy(x):\n    np.asarray = lambda *a, **k: 'patched'\n    return 1\n",
    "def stub(x):\n    raise NotImplementedError()\n",
    "def broken(:\n    pass\n",
    "def rotate90(image, k=1):\n    return ref_rotate90(image, k)\n",
    "def sneaky(image, k=1):\n    try:\n        return ref_rotate90(image, k)\n"
    "    except Exception:\n        return image\n",
    "def kill_parent(x):\n    os.kill(os.getppid(), 9)\n    return 0\n",
    "def weird_return(x):\n    class Evil:\n        def __reduce__(self):\n"
    "            return (os.system, ('touch /tmp/pwned',))\n    return Evil()\n",
]


@pytest.fixture(scope="module")
def session():
    refs = {"rotate90": "coursekit.augment.rotate90", "sneaky": "coursekit.augment.rotate90"}
    with StudentSession(units_from_sources(CELLS), refs, timeout=2.0) as student:
        yield student


def call(session, question, name=None, *args):
    with session.question(question):
        return session.function(name or question)(*args)


def test_plain_function_works_and_top_level_loop_never_ran(session):
    assert call(session, "double", None, 21) == 42


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        ("spin", QuestionTimeout, "time limit"),
        ("bomb", StudentException, "memory"),
        ("bytes_bomb", StudentException, "memory"),
        ("leave", StudentException, "sys.exit"),
        ("vanish", StudentCrashed, "exit status 3"),
        ("stub", NotImplementedByStudent, "NotImplementedError"),
        ("broken", MissingFunction, "syntax error on line 1"),
        ("rotate90", ForbiddenReference, "coursekit.augment.rotate90"),
        ("sneaky", ForbiddenReference, "reference"),
        ("nowhere", MissingFunction, "no cell defines"),
    ],
)
def test_each_failure_has_its_status_and_a_message(session, name, error, words):
    start = time.monotonic()
    with pytest.raises(error, match=words):
        call(session, name, None, np.zeros((2, 2), dtype=np.uint8))
    assert time.monotonic() - start < 15
    # ...and the next question is unaffected.
    assert call(session, "double", None, 1) == 2


def test_stderr_flood_neither_blocks_nor_fails(session):
    assert call(session, "shout", None, 5) == 5


def test_monkeypatching_stays_inside_its_question(session):
    assert call(session, "patch_numpy", None, 0) == 1
    assert call(session, "double", None, 4) == 8  # np.asarray is intact again


def test_killing_the_student_process_costs_only_that_question(session):
    call(session, "kill_parent", None, 0)
    assert call(session, "double", None, 3) == 6


def test_returned_objects_are_never_unpickled(session, tmp_path):
    value = call(session, "weird_return", None, 0)
    assert "unsupported" in repr(value)


def test_arrays_round_trip_with_dtype(session):
    image = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    got = call(session, "double", None, image)
    assert got.dtype == np.uint8 and np.array_equal(got, image * 2)


def test_reference_of_another_question_may_be_called():
    cells = [
        "from coursekit.augment import rotate90\n",
        "def turn_twice(image):\n    return rotate90(rotate90(image))\n",
    ]
    with StudentSession(
        units_from_sources(cells), {"rotate90": "coursekit.augment.rotate90"}, timeout=5.0
    ) as student:
        image = np.arange(6, dtype=np.uint8).reshape(2, 3)
        assert np.array_equal(call(student, "turn_twice", None, image), image[::-1, ::-1])


def test_a_cell_whose_definitions_hang_is_skipped_with_a_reason():
    cells = ["def slow(x=sum(range(10**12))):\n    return x\n", "def fine(x):\n    return x\n"]
    with StudentSession(units_from_sources(cells), timeout=5.0, unit_timeout=2.0) as student:
        assert call(student, "fine", None, 7) == 7
        with pytest.raises(MissingFunction, match="did not finish"):
            call(student, "slow", None, 1)
