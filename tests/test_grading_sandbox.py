"""The student process: code runs as in Jupyter, limits hold, tricks never reach another check."""

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
from coursekit.grading.extract import source_hash, units_from_sources
from coursekit.grading.session import StudentSession
from coursekit.grading.settings import Settings

FAST = Settings(check_timeout=2.0, statement_timeout=1.5, max_skipped_statements=4)

CELLS = [
    "import os, sys\nimport numpy as np\nfrom coursekit.augment import rotate90 as ref_rotate90\n",
    # Top-level statements of the student's own cells run, as in Jupyter:
    "LEVELS = np.arange(256) / 255.0\nOPS = {'double': lambda x: np.asarray(x) * 2}\n"
    "class Scaler:\n    factor = 3\n",
    "print('exploring...')\nwhile True:\n    pass\n",  # hangs: skipped after its time limit
    "first = 1\nraise RuntimeError('oops in a cell')\nsecond = 2\n",
    "sys.exit(0)\nafter_exit = 'ran'\n",
    "def double(x):\n    return OPS['double'](x)\n",
    "def level(i):\n    return float(LEVELS[i]) * Scaler.factor\n",
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
    "def view(image):\n    return image[::-1]\n",
    "def in_place(image):\n    image *= 2\n    return image\n",
    "def copy_of(image):\n    return image[::-1].copy()\n",
    "def raises_value_error(x):\n    raise ValueError('axis must be horizontal or vertical')\n",
]


@pytest.fixture(scope="module")
def session():
    refs = {"rotate90": "coursekit.augment.rotate90", "sneaky": "coursekit.augment.rotate90"}
    with StudentSession(units_from_sources(CELLS), refs, FAST) as student:
        yield student


def call(session, name, *args, question=None):
    with session.check(question or name):
        return session.function(name)(*args)


def test_constants_lambdas_and_classes_built_at_top_level_are_defined(session):
    assert np.array_equal(call(session, "double", 21), 42)
    assert call(session, "level", 255) == 3.0


def test_a_hanging_statement_is_skipped_and_named(session):
    notes = " ".join(session.statement_notes(2))
    assert "line 2 of your cell 3, `while True:`" in notes
    assert "did not finish within 1.5 s" in notes and "skipped" in notes
    # every later cell still ran
    assert "double" in session.defined and "copy_of" in session.defined


def test_a_statement_that_raises_is_named_and_the_cell_goes_on(session):
    notes = " ".join(session.statement_notes(3))
    assert "line 2 of your cell 4, `raise RuntimeError('oops in a cell')`" in notes
    assert "RuntimeError: oops in a cell" in notes
    notes = " ".join(session.statement_notes(4))
    assert "SystemExit" in notes


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
        call(session, name, np.zeros((2, 2), dtype=np.uint8))
    assert time.monotonic() - start < 15
    # ...and the next check is unaffected.
    assert np.array_equal(call(session, "double", 1), 2)


def test_the_exception_type_of_the_student_reaches_the_check(session):
    with pytest.raises(StudentException) as raised:
        call(session, "raises_value_error", 0)
    assert raised.value.exception_types[:2] == ("ValueError", "Exception")


def test_stderr_flood_neither_blocks_nor_fails(session):
    assert call(session, "shout", 5) == 5


def test_monkeypatching_stays_inside_its_check(session):
    assert call(session, "patch_numpy", 0) == 1
    assert np.array_equal(call(session, "double", 4), 8)  # np.asarray is intact again


def test_killing_the_student_process_costs_only_that_check(session):
    call(session, "kill_parent", 0)
    assert np.array_equal(call(session, "double", 3), 6)


def test_returned_objects_are_never_unpickled(session):
    value = call(session, "weird_return", 0)
    assert "unsupported" in repr(value)


def test_arrays_round_trip_with_dtype(session):
    image = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    got = call(session, "double", image)
    assert got.dtype == np.uint8 and np.array_equal(got, image * 2)


@pytest.mark.parametrize(
    ("name", "shares", "changed"),
    [("view", True, []), ("in_place", True, ["image"]), ("copy_of", False, [])],
)
def test_views_and_changes_in_place_are_seen_in_the_student_process(session, name, shares, changed):
    image = np.arange(6, dtype=np.float64).reshape(2, 3)
    with session.check(name):
        result = session.function(name).call(image)
    assert result.shares_memory is shares
    assert result.changed_inputs == changed
    assert np.array_equal(image, np.arange(6).reshape(2, 3))  # the grader's copy never changes


def test_reference_of_another_question_may_be_called():
    cells = [
        "from coursekit.augment import rotate90\n",
        "def turn_twice(image):\n    return rotate90(rotate90(image))\n",
    ]
    # Generous: the first augmentation call of a fresh process loads compiled kernels.
    patient = Settings(check_timeout=30.0, statement_timeout=30.0)
    with StudentSession(
        units_from_sources(cells), {"rotate90": "coursekit.augment.rotate90"}, patient
    ) as student:
        image = np.arange(6, dtype=np.uint8).reshape(2, 3)
        assert np.array_equal(call(student, "turn_twice", image, question="x"), image[::-1, ::-1])


def test_kit_cells_keep_only_their_definitions():
    kit = (
        "import numpy as np\nimages = np.ones(3)\nwhile True:\n    pass\n"
        "def helper():\n    return 1\n"
    )
    cells = [kit, "def uses_helper(x):\n    return helper() + x\n"]
    units = units_from_sources(cells, frozenset({source_hash(kit)}))
    assert units[0].kind == "kit" and units[1].kind == "student"
    with StudentSession(units, {}, FAST) as student:
        assert call(student, "uses_helper", 1) == 2
        assert "images" not in student.defined and student.statement_notes(0) == []


def test_too_many_hanging_statements_skip_the_rest_quickly():
    cells = [f"x{i} = 0\nwhile True:\n    pass\n" for i in range(6)]
    cells.append("def fine(x):\n    return x\n")
    settings = Settings(check_timeout=2.0, statement_timeout=0.5, max_skipped_statements=2)
    start = time.monotonic()
    with StudentSession(units_from_sources(cells), {}, settings) as student:
        assert call(student, "fine", 7) == 7
    assert time.monotonic() - start < 12


def test_the_order_of_sets_of_strings_is_the_same_in_every_student_process():
    cells = ["def order(x):\n    return ','.join(sorted({'a', 'bb', 'ccc'}, key=hash))\n"]
    seen = set()
    for _ in range(2):
        with StudentSession(units_from_sources(cells), {}, FAST) as student:
            seen.add(call(student, "order", 0))
    assert len(seen) == 1


def test_the_reference_cache_returns_copies_and_can_be_removed():
    from coursekit import cluster
    from coursekit.grading.cache import (
        cache_info,
        install_reference_cache,
        uninstall_reference_cache,
    )

    original = cluster.cluster_pixels
    install_reference_cache()
    try:
        image = np.zeros((2, 2, 3))
        first = cluster.cluster_pixels(image, 1)
        first[0][0, 0] = 7  # a caller changing its answer must not change the cache
        again = cluster.cluster_pixels(image, 1)
        assert again[0][0, 0] == 0 and cache_info()["hits"] >= 1
    finally:
        uninstall_reference_cache()
    assert cluster.cluster_pixels is original
