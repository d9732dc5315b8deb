"""End to end: notebooks -> coursekit grade -> points per check, for solutions, blanks, partly
right and hostile submissions (all built here, in tmp_path).

Everything is graded once, by a pool of two warm graders, in a module fixture; the tests
then read the results. Marked slow: each submission runs real processes. The catalogue of
wrong and correct implementations (tests/test_catalogue.py) covers the checks' power.
"""

import json
import shutil

import nbformat
import pytest
from fixtures.grading_notebooks import make_notebook, reference_cell

from coursekit.cli import main
from coursekit.grading import (
    ASSIGNMENTS,
    Settings,
    Status,
    grade_in_notebook,
    grade_notebook,
    grade_submissions,
    max_points,
    questions_for,
)

pytestmark = pytest.mark.slow
TIMEOUT = 30.0  # seconds per check: generous, so that a busy machine never changes a grade
HOSTILE = Settings(check_timeout=6.0, statement_timeout=4.0)  # the endless loop costs little

#: 02-augmentation, each function right but for one documented rule: partial credit.
PARTIAL = {
    "rotate90": "import numpy as np\ndef rotate90(image, k=1):\n    return np.rot90(image, k)\n",
    "flip": "import numpy as np\ndef flip(image, axis):\n"
    "    if axis == 'horizontal':\n        return np.fliplr(image).copy()\n"
    "    return np.flipud(image).copy()\n",
    "adjust_brightness": "import numpy as np\ndef adjust_brightness(image, factor):\n"
    "    x = image / 255.0 if image.dtype == np.uint8 else image\n"
    "    out = np.clip(x * factor, 0, 1)\n"
    "    return (out * 255).astype(np.uint8) if image.dtype == np.uint8 else out\n",
    "adjust_gamma": "import numpy as np\ndef adjust_gamma(image, gamma):\n"
    "    if image.dtype == np.uint8:\n"
    "        return np.rint(np.clip((image / 255.0) ** gamma, 0, 1) * 255).astype(np.uint8)\n"
    "    image **= gamma\n    return image\n",
}
#: points of PARTIAL's questions, and the check each loses
PARTIAL_POINTS = {"rotate90": 1.5, "rotate": 3.0, "flip": 1.5, "adjust_brightness": 1.5,
                  "adjust_gamma": 1.5}  # fmt: skip
PARTIAL_LOST = {"rotate90": "new_array", "flip": "unknown_axis", "adjust_brightness": "rounding",
                "adjust_gamma": "new_array"}  # fmt: skip

HOSTILE_A = {  # one way of breaking the process per question; adjust_gamma stays correct
    "rotate90": "def rotate90(image, k=1):\n    while True:\n        pass\n",
    "rotate": "import numpy as np\ndef rotate(image, angle, mode='reflect', resize=False):\n"
    "    return np.ones((10**6, 10**6))\n",
    "flip": "import sys\ndef flip(image, axis):\n    sys.exit(0)\n",
    "adjust_brightness": "import os\ndef adjust_brightness(image, factor):\n    os._exit(1)\n",
}
HOSTILE_B = {
    # correct, but patches numpy and coursekit on the way (flip below uses np.fliplr)
    "rotate90": "import numpy as np\nimport coursekit.augment\n"
    "def rotate90(image, k=1):\n    out = np.rot90(image, k).copy()\n"
    "    np.fliplr = np.flipud = None\n"
    "    coursekit.augment.rotate90 = lambda image, k=1: image\n    return out\n",
    "rotate": "def rotate(image, angle, mode='reflect', resize=False):\n"
    "    return image[::-1\n",  # syntax error
    "flip": "import numpy as np\ndef flip(image, axis):\n"
    "    if axis not in ('horizontal', 'vertical'):\n        raise ValueError(axis)\n"
    "    return (np.fliplr(image) if axis == 'horizontal' else np.flipud(image)).copy()\n",
    "adjust_gamma": "from coursekit.augment import adjust_gamma as _gamma\n"
    "def adjust_gamma(image, gamma):\n    return _gamma(image, gamma)\n",
    # prints megabytes to stdout and stderr at top level and in every call, then answers
    "adjust_brightness": "import sys\nfor _ in range(5000):\n    print('z' * 200)\n"
    + reference_cell("coursekit.augment.adjust_brightness").replace(
        '    """\n',
        '    """\n    for _ in range(1000):\n        print("x" * 200)\n'
        '        print("y" * 200, file=sys.stderr)\n',
        1,
    ),
}
#: top-level code that hangs, raises and builds constants: every statement runs, bounded
TOP_LEVEL = (
    "import numpy as np\nLEVELS = np.arange(256) / 255.0\nwhile True:\n    pass\n"
    "def adjust_gamma(image, gamma):\n"
    "    values = LEVELS[image] if image.dtype == np.uint8 else image\n"
    "    out = np.clip(values ** gamma, 0, 1)\n"
    "    return np.rint(out * 255).astype(np.uint8) if image.dtype == np.uint8 else out.copy()\n"
)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("submissions")
    notebooks = {}
    for assignment in ASSIGNMENTS:
        notebooks["solution", assignment] = make_notebook(
            root / f"sol-{assignment}.ipynb", assignment
        )
        notebooks["blank", assignment] = make_notebook(
            root / f"blank-{assignment}.ipynb", assignment, stub=True
        )
    notebooks["partial"] = make_notebook(root / "partial.ipynb", "02-augmentation", PARTIAL)
    # The kit's code pasted, numba kernels and all: compiled in the student's own scratch.
    notebooks["pasted"] = make_notebook(root / "pasted.ipynb", "02-augmentation",
                                        paste_kit=True)  # fmt: skip
    again = root / "again" / "partial.ipynb"
    again.parent.mkdir()
    shutil.copy(notebooks["partial"], again)
    notebooks["again"] = again
    keys = list(notebooks)
    results = grade_submissions([notebooks[k] for k in keys], jobs=2, timeout=TIMEOUT)
    # The submissions that wait for a time limit run with the short limits of HOSTILE.
    notebooks["top"] = make_notebook(
        root / "top.ipynb", "02-augmentation", {"adjust_gamma": TOP_LEVEL}
    )
    notebooks["hostile A"] = make_notebook(root / "a.ipynb", "02-augmentation", HOSTILE_A)
    notebooks["hostile B"] = make_notebook(
        root / "b.ipynb", "02-augmentation", HOSTILE_B, drop_test_cells=True
    )
    hostile = ["top", "hostile A", "hostile B"]
    results += grade_submissions([notebooks[k] for k in hostile], jobs=2, settings=HOSTILE)
    return {"results": dict(zip(keys + hostile, results, strict=True)), "notebooks": notebooks}


def _by_name(result):
    return {q.name: q for q in result.questions}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_marks_and_lists_the_written_answers(graded, assignment):
    result = graded["results"]["solution", assignment]
    assert not result.error
    assert [q.name for q in result.questions if q.kind == "function"] == [
        q.name for q in questions_for(assignment)
    ]
    assert result.auto_score == result.auto_max_score
    assert result.max_score == max_points(assignment)
    assert all(q.status is Status.MANUAL for q in result.questions if q.kind == "written")


def test_the_kit_pasted_with_its_compiled_kernels_is_graded_like_the_kit(graded):
    """A notebook that pastes the kit (its numba kernels compile in the sandbox, cached in the
    student's scratch folder, never in the kit's) gets what the kit would: full marks. It is
    the similarity report (tests/test_similarity.py) that lists it."""
    result = graded["results"]["pasted"]
    assert not result.error and result.auto_score == result.auto_max_score, [
        (q.name, q.feedback) for q in result.questions if q.points != q.max_points]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_release_scores_zero_without_errors(graded, assignment):
    result = graded["results"]["blank", assignment]
    assert not result.error and result.score == 0
    functions = [q for q in result.questions if q.kind == "function"]
    assert {q.status for q in functions} == {Status.NOT_IMPLEMENTED}
    assert all("NotImplementedError" in q.feedback for q in functions)


def test_partial_credit_per_check(graded):
    questions = _by_name(graded["results"]["partial"])
    for name, points in PARTIAL_POINTS.items():
        question = questions[name]
        assert question.points == points, (name, question.feedback)
        lost = [c.name for c in question.checks if c.status is not Status.PASSED]
        assert lost == ([PARTIAL_LOST[name]] if name in PARTIAL_LOST else [])


def test_feedback_names_the_check_the_input_and_a_fitting_hint(graded):
    questions = _by_name(graded["results"]["partial"])
    brightness = questions["adjust_brightness"].feedback
    assert "Check `rounding`" in brightness and "Input: image = uint8" in brightness
    assert "truncated" in brightness and "multiply by 255" not in brightness
    assert "view of the input" in questions["rotate90"].feedback
    assert "changed its input `image` in place" in questions["adjust_gamma"].feedback
    assert "expected ValueError" in questions["flip"].feedback
    for question in questions.values():
        assert "def test_" not in question.feedback and "_checks" not in question.feedback


def test_grading_is_deterministic(graded):
    first, second = graded["results"]["partial"], graded["results"]["again"]
    assert [(q.name, q.points, q.feedback) for q in first.questions] == [
        (q.name, q.points, q.feedback) for q in second.questions
    ]


def test_every_top_level_statement_runs_and_a_hanging_one_is_named(graded):
    gamma = _by_name(graded["results"]["top"])["adjust_gamma"]
    assert gamma.status is Status.PASSED  # LEVELS, built with a call, was defined


def test_hostile_submission_a_every_breakage_is_contained(graded):
    result = graded["results"]["hostile A"]
    questions = _by_name(result)
    first = {name: questions[name].checks[0] for name in HOSTILE_A}
    assert first["rotate90"].status is Status.TIMEOUT and "time limit" in first["rotate90"].feedback
    assert first["rotate"].status is Status.ERROR and "memory" in first["rotate"].feedback
    assert first["flip"].status is Status.ERROR and "sys.exit" in first["flip"].feedback
    assert "ended the Python process" in first["adjust_brightness"].feedback
    assert questions["adjust_gamma"].status is Status.PASSED
    assert result.auto_score == 2


def test_hostile_submission_b_patches_syntax_errors_floods_and_references(graded):
    questions = _by_name(graded["results"]["hostile B"])
    assert questions["rotate90"].status is Status.PASSED
    assert questions["flip"].status is Status.PASSED  # the patched np.fliplr never reached it
    brightness = questions["adjust_brightness"]
    assert brightness.status is Status.PASSED, brightness.feedback  # floods are harmless
    assert questions["rotate"].status is Status.MISSING
    assert "syntax error on line" in questions["rotate"].feedback
    assert questions["adjust_gamma"].status is Status.FORBIDDEN
    assert "coursekit.augment.adjust_gamma" in questions["adjust_gamma"].feedback


def _sources(path):
    cells = nbformat.read(path, as_version=4).cells
    return [c.source for c in cells if c.cell_type == "code"]


def test_grade_in_notebook_returns_the_same_partial_points(graded, capsys):
    notebook = graded["notebooks"]["partial"]
    expected = _by_name(graded["results"]["partial"])
    points = grade_in_notebook("02-augmentation", "flip", sources=_sources(notebook))
    assert points == expected["flip"].points == 1.5 and isinstance(points, float)
    assert "unknown_axis" in capsys.readouterr().out
    assert grade_in_notebook("02-augmentation", "rotate", sources=_sources(notebook)) == 3.0


def test_grade_in_notebook_outside_a_kernel_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RuntimeError, match="coursekit grade"):
        grade_in_notebook("02-augmentation", "flip")


def test_nbgrader_scores_the_written_outputs_as_partial_credit(graded):
    """The preprocessors write each graded cell's output; nbgrader reads the points from it."""
    from nbgrader.utils import determine_grade

    from coursekit.grading.nbgrader import StartGrading, WriteGrades

    nb = nbformat.read(graded["notebooks"]["partial"], as_version=4)
    nb, resources = StartGrading().preprocess(nb, {"nbgrader": {"assignment": "02-augmentation"}})
    nb, resources = WriteGrades().preprocess(nb, resources)
    expected = _by_name(graded["results"]["partial"])
    tests = {q.test_grade_id: q.name for q in questions_for("02-augmentation")}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in tests:
            points, _ = determine_grade(cell)
            assert points == expected[tests[grade_id]].points


def test_public_check_runs_the_quick_checks_in_the_sandbox(graded):
    result = grade_notebook(graded["notebooks"]["partial"], public=True)
    questions = _by_name(result)
    assert questions["flip"].points == 1.5 and questions["rotate"].points == 3.0
    assert not result.error


def test_cli_grades_a_submitted_folder_and_the_parent_alone_writes(tmp_path, graded):
    out = tmp_path / "class.csv"
    submitted = tmp_path / "submitted"
    sneaky = PARTIAL["flip"].replace(
        "def flip(image, axis):\n",
        f"def flip(image, axis):\n    open({str(out)!r}, 'w').write('student,100\\n')\n",
        1,
    )
    make_notebook(submitted / "s1" / "02-augmentation" / "augmentation.ipynb",
                  "02-augmentation", {"flip": sneaky})  # fmt: skip
    (submitted / "s1" / "02-augmentation" / "timestamp.txt").write_text("2026-03-01 10:00:00")
    (submitted / "s2" / "02-augmentation").mkdir(parents=True)
    shutil.copy(graded["notebooks"]["solution", "02-augmentation"],
                submitted / "s2" / "02-augmentation" / "augmentation.ipynb")  # fmt: skip
    code = main(["grade", str(submitted), "--format", "csv", "--output", str(out),
                 "--feedback", str(tmp_path / "fb"), "--jobs", "2", "--timeout", str(TIMEOUT)])
    assert code == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("assignment,duedate,timestamp,student_id")
    rows = {line.split(",")[3]: line.split(",") for line in lines[1:]}
    assert set(rows) == {"s1", "s2"}
    # The sneaky flip's write outside its sandbox raises (read-only view): flip scores 0 of 2,
    # and the parent's CSV is intact.
    assert rows["s1"][2] == "2026-03-01 10:00:00" and float(rows["s1"][9]) == 9.0
    assert float(rows["s2"][9]) == 11.0 and float(rows["s2"][10]) == 12.0
    pages = sorted(p.relative_to(tmp_path / "fb").as_posix()
                   for p in (tmp_path / "fb").rglob("*.html"))  # fmt: skip
    assert pages == ["s1/02-augmentation/augmentation.html", "s2/02-augmentation/augmentation.html"]


def test_cli_refuses_nbgraders_grades_csv_and_reports_json(tmp_path, graded, capsys):
    notebook = graded["notebooks"]["blank", "04-small-data"]
    assert main(["grade", str(notebook), "--format", "csv", "--output",
                 str(tmp_path / "grades.csv")]) == 2  # fmt: skip
    assert "nbgrader export" in capsys.readouterr().err
    assert main(["grade", str(notebook), "--format", "json", "--timeout", str(TIMEOUT)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["assignment"] == "04-small-data" and data["score"] == 0
    assert data["max_score"] == max_points("04-small-data")
    assert main(["grade", str(tmp_path / "missing.ipynb")]) == 2


def test_pytest_plugins_installed_on_the_machine_cannot_change_a_grade(tmp_path, graded,
                                                                       monkeypatch):
    """A pytest plugin found through its entry point (here one that drops every test) is not
    loaded by the grader: only the grading plugin runs the hidden tests."""
    site = tmp_path / "site"
    info = site / "coursekit_meddler-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: coursekit-meddler\nVersion: 0\n")
    (info / "entry_points.txt").write_text("[pytest11]\nmeddler = coursekit_meddler\n")
    (site / "coursekit_meddler.py").write_text(
        "def pytest_collection_modifyitems(items):\n    items.clear()\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(site))
    result = grade_notebook(graded["notebooks"]["solution", "02-augmentation"],
                            questions=["flip"])  # fmt: skip
    assert not result.error
    assert _by_name(result)["flip"].points == 2.0
