"""End to end: notebooks -> coursekit grade -> points, for solutions, blanks, mutants,
alternative implementations and hostile submissions (all built here, in tmp_path).

Everything is graded once, two submissions at a time, in a module fixture; the tests
then read the results. Marked slow: each submission starts real processes.
"""

import json
import shutil

import nbformat
import pytest
from fixtures.grading_mutants import ALTERNATIVES, MUTANTS
from fixtures.grading_notebooks import make_notebook, reference_cell

from coursekit.cli import main
from coursekit.grading import ASSIGNMENTS, grade_in_notebook, grade_submissions, questions_for

pytestmark = pytest.mark.slow
TIMEOUT = 30.0  # seconds per question: generous, so that a busy machine never changes a grade
HOSTILE_TIMEOUT = 6.0  # short, so that the endless loop costs little

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
    "def rotate90(image, k=1):\n    out = np.ascontiguousarray(np.rot90(image, k))\n"
    "    np.fliplr = np.flipud = None\n"
    "    coursekit.augment.rotate90 = lambda image, k=1: image\n    return out\n",
    "rotate": "def rotate(image, angle, mode='reflect', resize=False):\n"
    "    return image[::-1\n",  # syntax error
    "flip": "import numpy as np\ndef flip(image, axis):\n"
    "    return (np.fliplr(image) if axis == 'horizontal' else np.flipud(image)).copy()\n",
    "adjust_gamma": "from coursekit.augment import adjust_gamma as _gamma\n"
    "def adjust_gamma(image, gamma):\n    return _gamma(image, gamma)\n",
}
FLOOD = (  # prints megabytes to stdout and stderr, then answers correctly
    "import sys\n"
    + reference_cell("coursekit.augment.adjust_brightness").replace(
        '    """\n',
        '    """\n    for _ in range(10000):\n        print("x" * 200)\n'
        '        print("y" * 200, file=sys.stderr)\n',
        1,
    )
)
HOSTILE_B["adjust_brightness"] = FLOOD


def _mutant_groups():
    # One notebook per assignment with every mutant of that assignment, except that
    # 04-small-data's two mutants get a notebook each (so that each has a correct neighbour).
    groups = {}
    for (assignment, question), source in MUTANTS.items():
        key = assignment if assignment != "04-small-data" else f"{assignment}:{question}"
        groups.setdefault(key, (assignment, {}))[1][question] = source
    groups["01-images"] = (
        "01-images",
        {
            "resize_image": (
                "import skimage.transform\nimport numpy as np\ndef resize_image(image, size):\n"
                "    out = skimage.transform.resize(image, size[::-1], order=1,\n"
                "                                   anti_aliasing=True, preserve_range=True)\n"
                "    return np.rint(out).astype(image.dtype) if image.dtype == np.uint8 else out\n"
            )
        },
    )  # (width, height) instead of (height, width)
    return groups


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
        notebooks["alternative", assignment] = make_notebook(
            root / f"alt-{assignment}.ipynb", assignment, ALTERNATIVES[assignment]
        )
    for key, (assignment, overrides) in _mutant_groups().items():
        notebooks["mutant", key] = make_notebook(
            root / f"mut-{key.replace(':', '-')}.ipynb", assignment, overrides
        )
    notebooks["hostile", "A"] = make_notebook(
        root / "hostile-a.ipynb", "02-augmentation", HOSTILE_A
    )
    notebooks["hostile", "B"] = make_notebook(
        root / "hostile-b.ipynb", "02-augmentation", HOSTILE_B, drop_test_cells=True
    )
    again = root / "again" / "mut-02-augmentation.ipynb"
    again.parent.mkdir()
    shutil.copy(notebooks["mutant", "02-augmentation"], again)
    notebooks["again", "02-augmentation"] = again
    keys = [k for k in notebooks if k[0] != "hostile"]
    results = grade_submissions([notebooks[k] for k in keys], jobs=2, timeout=TIMEOUT)
    hostile = [k for k in notebooks if k[0] == "hostile"]
    results += grade_submissions([notebooks[k] for k in hostile], jobs=2, timeout=HOSTILE_TIMEOUT)
    return {"results": dict(zip(keys + hostile, results, strict=True)), "notebooks": notebooks}


def _by_name(result):
    return {q.name: q for q in result.questions}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_marks(graded, assignment):
    result = graded["results"]["solution", assignment]
    assert not result.error
    assert [q.name for q in result.questions] == [q.name for q in questions_for(assignment)]
    assert result.score == result.max_score == sum(q.points for q in questions_for(assignment))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_release_scores_zero_without_errors(graded, assignment):
    result = graded["results"]["blank", assignment]
    assert not result.error and result.score == 0
    assert {q.status for q in result.questions} == {"not-implemented"}
    assert all("NotImplementedError" in q.feedback for q in result.questions)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_alternative_implementations_score_full_marks(graded, assignment):
    result = graded["results"]["alternative", assignment]
    failing = {q.name: q.feedback for q in result.questions if q.status != "passed"}
    assert not failing


@pytest.mark.parametrize("key", list(_mutant_groups()))
def test_each_mutant_loses_points_on_its_question_only(graded, key):
    assignment, overrides = _mutant_groups()[key]
    result = graded["results"]["mutant", key]
    statuses = {q.name: q.status for q in result.questions}
    lost = {name for name, status in statuses.items() if status != "passed"}
    assert lost == set(overrides), statuses
    for name in overrides:
        question = _by_name(result)[name]
        assert question.points == 0 and question.feedback
        assert "Hint:" in question.feedback or question.status == "error"
        # Student-facing: no hidden test source in the feedback.
        assert "def test_" not in question.feedback and "_checks" not in question.feedback


def test_feedback_names_the_smallest_failing_input_and_the_mistake(graded):
    result = _by_name(graded["results"]["mutant", "02-augmentation"])
    rotate90 = result["rotate90"].feedback
    assert "What was tried:" in rotate90 and "Smallest failing input:" in rotate90
    assert "Expected:" in rotate90 and "Got:" in rotate90
    assert "clockwise" in rotate90
    assert result["rotate90"].images.get("expected", "").startswith("data:image/png")
    split = _by_name(graded["results"]["mutant", "04-small-data:lesion_train_test_split"])
    assert "both train and test" in split["lesion_train_test_split"].feedback
    augment = _by_name(graded["results"]["mutant", "04-small-data:augment_dataset"])
    assert "labels must be repeated" in augment["augment_dataset"].feedback
    clusters = _by_name(graded["results"]["mutant", "03-clustering"])["cluster_images"]
    assert "random_state" in clusters.feedback


def test_hostile_submission_a_every_breakage_is_contained(graded):
    result = graded["results"]["hostile", "A"]
    statuses = {q.name: q.status for q in result.questions}
    assert statuses == {
        "rotate90": "timeout",
        "rotate": "error",
        "flip": "error",
        "adjust_brightness": "error",
        "adjust_gamma": "passed",
    }
    feedback = {q.name: q.feedback for q in result.questions}
    assert "time limit" in feedback["rotate90"]
    assert "memory" in feedback["rotate"]
    assert "sys.exit" in feedback["flip"]
    assert "ended the Python process" in feedback["adjust_brightness"]
    assert _by_name(result)["rotate90"].duration < HOSTILE_TIMEOUT + 30
    assert result.score == 2


def test_hostile_submission_b_patches_syntax_errors_floods_and_references(graded):
    result = graded["results"]["hostile", "B"]
    questions = _by_name(result)
    assert questions["rotate90"].status == "passed"
    assert questions["flip"].status == "passed"  # the patched np.fliplr never reached it
    assert questions["adjust_brightness"].status == "passed"  # flooding output is harmless
    assert questions["rotate"].status == "missing"
    assert "syntax error on line" in questions["rotate"].feedback
    assert questions["adjust_gamma"].status == "forbidden"
    assert "coursekit.augment.adjust_gamma" in questions["adjust_gamma"].feedback


def test_grading_is_deterministic(graded):
    first = graded["results"]["mutant", "02-augmentation"]
    second = graded["results"]["again", "02-augmentation"]
    assert [(q.name, q.points, q.status, q.feedback) for q in first.questions] == [
        (q.name, q.points, q.status, q.feedback) for q in second.questions
    ]


def _sources(path):
    return [
        cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"
    ]


def test_grade_in_notebook_agrees_with_coursekit_grade(graded):
    notebook = graded["notebooks"]["mutant", "02-augmentation"]
    expected = _by_name(graded["results"]["mutant", "02-augmentation"])
    with pytest.raises(AssertionError) as info:
        grade_in_notebook("02-augmentation", "flip", sources=_sources(notebook), timeout=TIMEOUT)
    assert expected["flip"].feedback in str(info.value)
    assert (
        grade_in_notebook("02-augmentation", "rotate", sources=_sources(notebook), timeout=TIMEOUT)
        is None
    )
    assert expected["rotate"].status == "passed"


def test_grade_in_notebook_outside_a_kernel_says_what_to_do():
    with pytest.raises(RuntimeError, match="coursekit grade"):
        grade_in_notebook("02-augmentation", "flip")


def test_cli_grades_a_submitted_folder_and_the_parent_alone_writes(tmp_path, graded):
    out = tmp_path / "grades.csv"
    submitted = tmp_path / "submitted"
    sneaky = dict(MUTANTS.items())[("02-augmentation", "flip")].replace(
        "def flip(image, axis):\n",
        f"def flip(image, axis):\n    open({str(out)!r}, 'w').write('student,100\\n')\n",
        1,
    )
    make_notebook(
        submitted / "s1" / "02-augmentation" / "augmentation.ipynb",
        "02-augmentation",
        {"flip": sneaky},
    )
    (submitted / "s1" / "02-augmentation" / "timestamp.txt").write_text("2026-03-01 10:00:00")
    shutil.copy(
        graded["notebooks"]["solution", "02-augmentation"],
        (submitted / "s2" / "02-augmentation").mkdir(parents=True)
        or submitted / "s2" / "02-augmentation" / "augmentation.ipynb",
    )
    code = main(
        [
            "grade",
            str(submitted),
            "--format",
            "csv",
            "--output",
            str(out),
            "--feedback",
            str(tmp_path / "fb"),
            "--jobs",
            "2",
            "--timeout",
            str(TIMEOUT),
        ]
    )
    assert code == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("assignment,duedate,timestamp,student_id")
    rows = {line.split(",")[3]: line.split(",") for line in lines[1:]}
    assert set(rows) == {"s1", "s2"}
    assert rows["s1"][2] == "2026-03-01 10:00:00" and float(rows["s1"][9]) == 9.0
    assert float(rows["s2"][9]) == 11.0
    assert sorted(p.name for p in (tmp_path / "fb").iterdir()) == [
        "s1-02-augmentation.html",
        "s2-02-augmentation.html",
    ]
    assert "your result" in (tmp_path / "fb" / "s1-02-augmentation.html").read_text()


def test_cli_json_for_one_notebook(tmp_path, graded, capsys):
    notebook = graded["notebooks"]["blank", "04-small-data"]
    assert main(["grade", str(notebook), "--format", "json", "--timeout", str(TIMEOUT)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["assignment"] == "04-small-data" and data["score"] == 0 and data["max_score"] == 6
    assert main(["grade", str(tmp_path / "missing.ipynb")]) == 2
