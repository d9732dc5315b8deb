"""Extraction of student code from notebooks: what runs during grading and what does not."""

import nbformat
import pytest

from coursekit.grading.extract import (
    filter_source,
    infer_assignment,
    units_from_notebook,
    units_from_sources,
)


def test_filter_keeps_definitions_and_literal_assignments_only():
    source = (
        "import numpy as np\n"
        "from math import pi\n"
        "SIZE = (64, 64)\n"
        "SCALE = 2 * np.pi\n"
        "images = np.load('big.npy')\n"
        "while True:\n"
        "    pass\n"
        "@staticmethod\n"
        "def f(x):\n"
        "    return x\n"
        "class C:\n"
        "    pass\n"
        "plt.show()\n"
    )
    kept, error = filter_source(source)
    assert error is None
    kept_lines = kept.splitlines()
    assert len(kept_lines) == len(source.splitlines()) - 1 or len(kept_lines) <= 13
    assert "np.load" not in kept and "while True" not in kept and "plt.show" not in kept
    for line in (
        "import numpy as np",
        "SIZE = (64, 64)",
        "SCALE = 2 * np.pi",
        "@staticmethod",
        "def f(x):",
        "class C:",
    ):
        assert line in kept
    # Line numbers are kept so that tracebacks point at the student's own lines.
    assert kept_lines[8] == "def f(x):"


def test_magics_do_not_break_a_cell():
    kept, error = filter_source("%matplotlib inline\n!pip list\ndef f():\n    return 1\n")
    assert error is None and "def f" in kept and "%" not in kept


def test_syntax_error_names_the_line_and_the_definitions():
    (unit,) = units_from_sources(["import numpy as np\n\ndef rotate90(image, k=1:\n    pass\n"])
    assert unit.syntax_error.startswith("line 3")
    assert unit.defines == ["rotate90"]
    assert unit.source == ""


def _notebook(cells):
    nb = nbformat.v4.new_notebook()
    for source, meta in cells:
        cell = nbformat.v4.new_code_cell(source)
        if meta:
            cell.metadata["nbgrader"] = meta
        nb.cells.append(cell)
    return nb


def test_graded_test_cells_are_skipped_and_solution_cells_kept():
    nb = _notebook(
        [
            (
                "def flip(image, axis):\n    return image",
                {"solution": True, "grade": False, "grade_id": "02-augmentation-flip"},
            ),
            (
                "def flip(image, axis):\n    return None",
                {"solution": False, "grade": True, "grade_id": "02-augmentation-flip-tests"},
            ),
            ("x = 1", None),
        ]
    )
    units = units_from_notebook(nb)
    assert [u.label for u in units] == ["cell 1 (02-augmentation-flip)", "cell 3"]
    assert "return image" in units[0].source


def test_infer_assignment_from_grade_ids_then_file_name(tmp_path):
    nb = _notebook([("def f(): pass", {"grade_id": "03-clustering-purity", "solution": True})])
    assert infer_assignment(nb) == "03-clustering"
    plain = _notebook([("x = 1", None)])
    assert infer_assignment(plain, tmp_path / "augmentation.ipynb") == "02-augmentation"
    assert infer_assignment(plain, tmp_path / "04-small-data" / "work.ipynb") == "04-small-data"
    assert infer_assignment(plain, tmp_path / "notes.ipynb") is None
    defines = _notebook([("def lesion_train_test_split(m):\n    pass", None)])
    assert infer_assignment(defines, tmp_path / "notes.ipynb") == "04-small-data"


@pytest.mark.parametrize("source", ["x = f()", "y = [g(1)]", "z = np.ones(10**12)"])
def test_assignments_with_calls_never_run(source):
    kept, _ = filter_source(source)
    assert kept.strip() == ""
