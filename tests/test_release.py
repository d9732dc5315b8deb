"""The notebook chain: ``source/`` -> ``release/`` (nbgrader) and ``solutions/`` (executed).

Proves that the committed student and solution notebooks are exactly what ``make release``
makes from ``source/``, that the student notebooks give nothing away, that ``nbgrader
validate`` passes every source notebook, and that on a blank submission every graded test
fails. The notebooks are regenerated once per session (``tools/release.py --output tmp``)
and every test reads that one regeneration.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
RELEASE_TOOL = REPO / "tools" / "release.py"

from coursekit.grading.questions import QUESTIONS as TABLE  # noqa: E402
from coursekit.grading.questions import WRITTEN  # noqa: E402

#: The graded questions (assignment, function, reference, points), from the one table.
QUESTIONS = [(q.assignment, q.name, q.reference, q.points) for q in TABLE]
NOTEBOOKS = {
    "01-images": "images.ipynb",
    "02-augmentation": "augmentation.ipynb",
    "03-clustering": "clustering.ipynb",
    "04-small-data": "small_data.ipynb",
}
#: Student functions whose reference takes extra keyword parameters after the student's.
EXTRA_REFERENCE_PARAMETERS = {"rotate": ["order", "cval"],
                              "augment_dataset": ["pipeline", "include_original", "n_jobs"]}

VISIBLE_TEST_CELL = (
    "# Quick check of `{name}`: a few of the graded checks, with the grader's feedback\n"
    "# (Validate runs it too). When your work is graded, hidden tests try many more inputs.\n"
    'check("{name}")'
)
HIDDEN_TESTS = (
    "### BEGIN HIDDEN TESTS\n"
    "from coursekit.grading import grade_in_notebook\n"
    'grade_in_notebook("{assignment}", "{name}")\n'
    "### END HIDDEN TESTS"
)
ANSWER_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                  "grade_in_notebook", "Model answer")


def notebook_path(kind: str, assignment: str, root: Path = REPO) -> Path:
    return root / kind / assignment / NOTEBOOKS[assignment]


def read(path: Path):
    return nbformat.read(str(path), as_version=4)


def nbgrader_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def cells_by_grade_id(nb) -> dict:
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if nbgrader_meta(c).get("grade_id")}


def nbgrader(*args, cwd=REPO, timeout=900, env=None):
    """Run the real nbgrader command line of this environment (its ``alembic`` on the PATH)."""
    env = {**os.environ, **(env or {}),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def blank_submission(assignment: str, release_root: Path, folder: Path) -> Path:
    """The release notebook, unanswered, with the hidden tests put back as autograde does."""
    hidden = {gid: cell.source
              for gid, cell in cells_by_grade_id(read(notebook_path("source", assignment))).items()
              if gid.endswith("-tests")}
    nb = read(notebook_path("release", assignment, release_root))
    for gid, cell in cells_by_grade_id(nb).items():
        if gid in hidden:
            cell.source = hidden[gid]
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / NOTEBOOKS[assignment]
    nbformat.write(nb, str(out))
    return out


@pytest.fixture(scope="session")
def regenerated(tmp_path_factory):
    """``release/`` and ``solutions/`` regenerated from ``source/`` into a temporary folder."""
    out = tmp_path_factory.mktemp("regenerated")
    done = subprocess.run([sys.executable, str(RELEASE_TOOL), "--output", str(out), "--jobs", "2"],
                          cwd=REPO, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"tools/release.py failed:\n{done.stdout}\n{done.stderr}"
    return out


#: One student's mistake per assignment, which the quick check in Validate must catch.
MISTAKES = {
    "01-images": ("resize_image", "import numpy as np\nimport skimage.transform\n"
                  "def resize_image(image, size):\n"
                  "    out = skimage.transform.resize(image, size[::-1], order=1,\n"
                  "                                   anti_aliasing=True, preserve_range=True)\n"
                  "    return np.rint(out).astype(np.uint8) if image.dtype == np.uint8 else out\n",
                  "shape"),
    "02-augmentation": ("rotate90", "import numpy as np\ndef rotate90(image, k=1):\n"
                        "    return np.rot90(image, -k).copy()\n", "quarter_turns"),
    "03-clustering": ("purity", "import pandas as pd\ndef purity(labels_true, labels_pred):\n"
                      "    table = pd.crosstab(labels_true, labels_pred)\n"
                      "    return float(table.max(axis=1).sum() / len(labels_true))\n", "values"),
    "04-small-data": ("lesion_train_test_split",
                      "import numpy as np\n"
                      "def lesion_train_test_split(metadata, test_size=0.2, random_state=0):\n"
                      "    order = np.random.default_rng(random_state).permutation(len(metadata))\n"
                      "    n_test = int(round(test_size * len(metadata)))\n"
                      "    return np.sort(order[n_test:]), np.sort(order[:n_test])\n", "grouped"),
}


#: The assignment whose finished notebook Validate must pass.
RIGHT = "02-augmentation"


@pytest.fixture(scope="session")
def partial_copy(tmp_path_factory):
    """A partial real-layout HAM10000 copy: metadata for 420 images, 60 % of the JPEGs."""
    from fixtures.data_layouts import make_partial_copy

    return make_partial_copy(tmp_path_factory.mktemp("partial") / "ham10000", n_images=420,
                             present=0.6, images="twin", size=(90, 120), seed=3)  # fmt: skip


@pytest.fixture(scope="session")
def validations(partial_copy, tmp_path_factory):
    """``nbgrader validate`` of finished release notebooks, one with a mistake per assignment.

    They run on a partial real-layout copy (``COURSEKIT_DATA``), so they also prove that
    every notebook runs top to bottom where some images are missing (issue 11).
    """
    from fixtures.filled import filled_notebook

    root = tmp_path_factory.mktemp("validate")
    jobs = {}
    for assignment, notebook in NOTEBOOKS.items():
        name, code, _ = MISTAKES[assignment]
        wrong = filled_notebook(assignment, notebook, root / "wrong" / assignment / notebook,
                                {name: code})
        jobs[("wrong", assignment)] = ["validate", str(wrong)]
    # One finished notebook is enough for the success message: the solutions' own check cells
    # pass in every assignment (test_solutions_are_the_source_executed_without_errors).
    right = filled_notebook(RIGHT, NOTEBOOKS[RIGHT], root / "right" / RIGHT / NOTEBOOKS[RIGHT])
    jobs[("right", RIGHT)] = ["validate", str(right)]
    env = {"COURSEKIT_DATA": str(partial_copy.root)}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(nbgrader, *args, cwd=root, env=env)
                   for key, args in jobs.items()}  # fmt: skip
        return {key: future.result() for key, future in futures.items()}


# ----------------------------------------------------------------- source notebooks


def test_every_assignment_has_its_notebook():
    found = sorted(p.relative_to(REPO / "source").as_posix()
                   for p in (REPO / "source").glob("*/*.ipynb"))
    assert found == sorted(f"{a}/{nb}" for a, nb in NOTEBOOKS.items())


def test_points_in_the_notebooks_come_from_the_questions_table():
    owned = {q.test_grade_id: q.points for q in TABLE} | {w.grade_id: w.points for w in WRITTEN}
    for assignment in NOTEBOOKS:
        for kind in ("source", "release"):
            cells = cells_by_grade_id(read(notebook_path(kind, assignment)))
            graded = {gid: nbgrader_meta(c)["points"] for gid, c in cells.items()
                      if nbgrader_meta(c).get("grade")}
            assert graded == {gid: p for gid, p in owned.items()
                              if gid.startswith(assignment + "-")}, (kind, assignment)


def test_autograder_readme_table_is_the_questions_table():
    from coursekit.grading.questions import markdown_table

    assert markdown_table() in (REPO / "autograder" / "README.md").read_text()


def test_kit_cells_list_is_up_to_date():
    from coursekit.grading.extract import KIT_CELLS, kit_cells_manifest

    notebooks = {a: [notebook_path("release", a)] for a in NOTEBOOKS}
    assert json.loads(KIT_CELLS.read_text()) == kit_cells_manifest(notebooks), "run `make release`"


@pytest.mark.parametrize("kind", ["source", "release"])
@pytest.mark.parametrize("assignment", list(NOTEBOOKS))
def test_stored_without_outputs(kind, assignment):
    nb = read(notebook_path(kind, assignment))
    executed = [i for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not executed, f"{kind}/{assignment}: cells {executed} have outputs or counts"
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("assignment, name, reference, points", QUESTIONS)
def test_graded_question_cells(assignment, name, reference, points):
    nb = read(notebook_path("source", assignment))
    cells = cells_by_grade_id(nb)
    solution = cells[f"{assignment}-{name}"]
    assert nbgrader_meta(solution) == {
        "grade": False, "grade_id": f"{assignment}-{name}", "locked": False,
        "schema_version": 3, "solution": True, "task": False,
    }
    assert "### BEGIN SOLUTION" in solution.source and "### END SOLUTION" in solution.source
    tests = cells[f"{assignment}-{name}-tests"]
    assert tests.source == (VISIBLE_TEST_CELL.format(name=name) + "\n"
                            + HIDDEN_TESTS.format(assignment=assignment, name=name))
    assert nbgrader_meta(tests) == {
        "grade": True, "grade_id": f"{assignment}-{name}-tests", "locked": True,
        "points": points, "schema_version": 3, "solution": False, "task": False,
    }


@pytest.mark.parametrize("assignment, name, reference, points", QUESTIONS)
def test_student_function_mirrors_its_reference(assignment, name, reference, points):
    """Same name, signature (a prefix, where the reference has extras) and docstring."""
    solution = cells_by_grade_id(read(notebook_path("source", assignment)))[f"{assignment}-{name}"]
    tree = ast.parse(solution.source)
    (function,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    namespace: dict = {}
    exec(f"def signature({ast.unparse(function.args)}): pass", namespace)  # the bare signature
    mine = inspect.signature(namespace["signature"])
    module, _, attr = reference.rpartition(".")
    ref_function = getattr(importlib.import_module(module), attr)
    ref = inspect.signature(ref_function)
    extras = EXTRA_REFERENCE_PARAMETERS.get(name, [])
    ref_params = [p for p in ref.parameters.values() if p.name not in extras]
    assert [(p.name, p.default) for p in mine.parameters.values()] == [
        (p.name, p.default) for p in ref_params]
    doc, ref_doc = ast.get_docstring(function), inspect.getdoc(ref_function)
    if "\nRaises\n" not in doc:  # the reference may document errors students need not raise
        ref_doc = re.sub(r"\nRaises\n------\n.*?\n\n(?=[A-Z])", "\n", ref_doc, flags=re.S)
    if not extras:
        assert doc == ref_doc
    else:  # the reference's docstring minus the parameters the student version lacks
        assert doc.splitlines()[0] == ref_doc.splitlines()[0]
        assert not any(line.startswith(f"{extra} : ") for extra in extras
                       for line in doc.splitlines())


@pytest.mark.parametrize("assignment", list(NOTEBOOKS))
def test_written_answers_are_manually_graded(assignment):
    nb = read(notebook_path("source", assignment))
    answers = [c for c in nb.cells if c.cell_type == "markdown" and nbgrader_meta(c)]
    assert answers, f"{assignment} has no written question"
    for cell in answers:
        meta = nbgrader_meta(cell)
        assert meta["solution"] and meta["grade"] and meta["points"] > 0
        assert meta["grade_id"].startswith(f"{assignment}-")
        assert cell.source.startswith("### BEGIN SOLUTION\n")
        assert cell.source.endswith("\n### END SOLUTION")


@pytest.mark.parametrize("assignment", list(NOTEBOOKS))
def test_top_cell_names_the_data_and_references_close(assignment):
    nb = read(notebook_path("source", assignment))
    first_code = [c.source for c in nb.cells if c.cell_type == "code"][:3]
    assert any("data.load_dataset(" in src for src in first_code)
    assert "Learning objectives" in nb.cells[0].source
    last = nb.cells[-1].source
    for needle in ("10.1038/sdata.2018.161", "10.7910/DVN/DBW86T", "skimage.data.skin",
                   "Applied Data Analysis in Python"):
        assert needle in last
    # No licence version that could not be confirmed: the terms are on the Dataverse page.
    assert "CC BY-NC-SA 4.0" not in "".join(c.source for c in nb.cells)


@pytest.mark.parametrize("assignment", list(NOTEBOOKS))
def test_no_deprecated_or_unseeded_calls(assignment):
    code = "\n".join(c.source for c in read(notebook_path("source", assignment)).cells
                     if c.cell_type == "code")
    assert "io.imshow" not in code
    for line in code.splitlines():
        if "filters.gaussian(" in line and "# no channel_axis" not in line:
            assert "channel_axis=" in line, line
        if "KMeans(" in line:
            assert "random_state" in line, line


# ----------------------------------------------------------------- release


@pytest.mark.parametrize("assignment", list(NOTEBOOKS))
def test_release_is_what_nbgrader_makes(regenerated, assignment):
    committed = notebook_path("release", assignment)
    fresh = notebook_path("release", assignment, regenerated)
    assert json.loads(committed.read_text()) == json.loads(fresh.read_text()), (
        f"release/{assignment} is out of date: run `make release`")
    assert sorted(p.name for p in committed.parent.iterdir()) == sorted(
        p.name for p in fresh.parent.iterdir())


@pytest.mark.parametrize("assignment", list(NOTEBOOKS))
def test_release_gives_no_answers_away(assignment):
    source = read(notebook_path("source", assignment))
    release = read(notebook_path("release", assignment))
    text = notebook_path("release", assignment).read_text()
    for marker in ANSWER_MARKERS:
        assert marker not in text, f"release/{assignment} contains {marker!r}"
    released = cells_by_grade_id(release)
    for gid, cell in cells_by_grade_id(source).items():
        meta = nbgrader_meta(cell)
        student = released[gid]
        if meta["solution"] and cell.cell_type == "code":
            body = cell.source.split("### BEGIN SOLUTION\n")[1].split("### END SOLUTION")[0]
            assert body.strip() and body not in student.source
            # Everything above the solution region (imports, signature, docstring) stays.
            head = cell.source.split("    ### BEGIN SOLUTION")[0]
            assert student.source == head + "    # YOUR CODE HERE\n    raise NotImplementedError()"
        elif meta["solution"]:
            assert student.source == "YOUR ANSWER HERE"
        elif meta["grade"]:  # the graded test cell keeps its quick check, not the hidden tests
            assert student.source == cell.source.split("\n### BEGIN HIDDEN TESTS")[0]
            assert nbgrader_meta(student)["locked"] and nbgrader_meta(student)["points"] == meta[
                "points"]


def test_release_leaves_no_junk(regenerated):
    for name in ("gradebook.db", ".nbgrader.log"):
        assert not (REPO / name).exists(), f"{name} left in the repository"
    for kind in ("release", "solutions"):
        files = sorted(p.relative_to(REPO / kind).as_posix()
                       for p in (REPO / kind).rglob("*") if p.is_file())
        expected = sorted(["README.md"] + [f"{a}/{nb}" for a, nb in NOTEBOOKS.items()])
        assert files == expected


# ----------------------------------------------------------------- solutions


def _text_outputs(cell):
    texts, images = [], 0
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            texts.append((output.name, output.text))
        elif output.output_type == "error":
            texts.append(("error", output.ename, output.evalue))
        else:
            data = output.get("data", {})
            images += "image/png" in data
            if "image/png" not in data:
                texts.append(("data", data.get("text/plain"), data.get("text/html")))
    return texts, images


_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.(\d+))?(?:[eE][-+]?\d+)?")


def _numbers_apart(old: str, new: str) -> str | None:
    """Where two printouts differ by more than one unit in a number's last printed digit.

    Float results may differ in their last bits between machines (BLAS kernel, numba or
    not), which can move a printed figure by one in its last digit (0.89 and 0.90): text must
    be the same, and every number within one unit of its last printed digit.
    """
    if _NUMBER.sub("#", old) != _NUMBER.sub("#", new):
        return "the text differs"
    for a, b in zip(_NUMBER.finditer(old), _NUMBER.finditer(new), strict=True):
        if a.group(0) == b.group(0):
            continue
        digits = max(len(a.group(1) or ""), len(b.group(1) or ""))
        if "e" in a.group(0).lower() or "e" in b.group(0).lower():
            close = abs(float(a.group(0)) - float(b.group(0))) <= 1e-6 * abs(float(a.group(0)))
        else:
            close = abs(float(a.group(0)) - float(b.group(0))) <= 10.0**-digits * 1.000001
        if not close:
            return f"{a.group(0)} became {b.group(0)}"
    return None


def test_printouts_may_differ_by_one_in_the_last_digit_only():
    assert _numbers_apart("training 0.89, test 0.5", "training 0.90, test 0.5") is None
    assert _numbers_apart("n = 120", "n = 121") is None
    assert _numbers_apart("training 0.89", "training 0.91") == "0.89 became 0.91"
    assert _numbers_apart("training 0.89", "testing 0.89") == "the text differs"
    assert _numbers_apart("3 images", "3 images, 1 more") == "the text differs"


def _same_outputs(old, new) -> str | None:
    (old_texts, old_images), (new_texts, new_images) = _text_outputs(old), _text_outputs(new)
    if old_images != new_images or len(old_texts) != len(new_texts):
        return "other outputs"
    for a, b in zip(old_texts, new_texts, strict=True):
        if a[0] != b[0]:
            return "other outputs"
        for x, y in zip(a[1:], b[1:], strict=True):
            if x != y and (x is None or y is None or _numbers_apart(x, y)):
                return _numbers_apart(x, y) if x and y else "other outputs"
    return None


@pytest.mark.parametrize("assignment", list(NOTEBOOKS))
def test_solutions_do_not_drift(regenerated, assignment):
    committed = read(notebook_path("solutions", assignment))
    fresh = read(notebook_path("solutions", assignment, regenerated))
    assert len(committed.cells) == len(fresh.cells), "run `make release`"
    for i, (old, new) in enumerate(zip(committed.cells, fresh.cells, strict=True)):
        assert old.source == new.source, f"solutions/{assignment} cell {i}: run `make release`"
        drift = _same_outputs(old, new)
        assert drift is None, f"solutions/{assignment} cell {i} drifted: {drift}"


@pytest.mark.parametrize("assignment", list(NOTEBOOKS))
def test_solutions_are_the_source_executed_without_errors(regenerated, assignment):
    source = read(notebook_path("source", assignment))
    solution = read(notebook_path("solutions", assignment, regenerated))
    assert [c.source for c in source.cells] == [c.source for c in solution.cells]
    code = [c for c in solution.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    for i, cell in enumerate(code):
        kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
        assert ("error", None) not in kinds, f"code cell {i} raised"
        if nbgrader_meta(cell).get("grade"):  # the quick check passes: a ✔ line, no stderr
            assert ("stream", "stderr") not in kinds, f"graded cell {i} wrote stderr"
            printed = "".join(o.get("text", "") for o in cell.outputs)
            assert "✔" in printed and "quick checks passed" in printed, (i, printed)
    figures = sum(_text_outputs(c)[1] for c in code)
    assert figures >= 6, f"{assignment}: only {figures} figures"


# ----------------------------------------------------------------- nbgrader validate


def test_validate_passes_a_finished_notebook_on_a_partial_copy(validations, partial_copy):
    assert partial_copy.missing  # some images really are missing
    done = validations[("right", RIGHT)]
    assert done.returncode == 0, done.stderr
    assert "Success! Your notebook passes all the tests." in done.stdout, done.stdout


@pytest.mark.parametrize("assignment", list(NOTEBOOKS))
def test_validate_catches_a_mistake_with_a_readable_message(validations, assignment):
    done = validations[("wrong", assignment)]
    name, _, check = MISTAKES[assignment]
    # One cell, or more where another function calls the wrong one (rotate calls rotate90).
    assert "VALIDATION FAILED ON" in done.stdout, done.stdout
    assert f'check("{name}")' in done.stdout
    assert f"QuickCheckFailed: ✘ {name}" in done.stdout and check in done.stdout
    assert "Hint:" in done.stdout
    # the message's lines fit nbgrader's width (it cuts longer lines with "...")
    message = done.stdout.split(f"QuickCheckFailed: ✘ {name}")[1]
    assert "..." not in message.split("Until it passes")[0], message
