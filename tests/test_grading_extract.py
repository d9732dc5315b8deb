"""What of a notebook runs during grading: every statement of the student's cells, in order;
definitions only of the kit's own cells; nothing of the graded test cells."""

import nbformat
import pytest

from coursekit.grading.extract import (
    infer_assignment,
    kit_cells_manifest,
    source_hash,
    split_statements,
    units_from_notebook,
    units_from_sources,
)

CELL = (
    "import numpy as np\n"
    "from math import pi\n"
    "SIZE = (64, 64)\n"
    "LEVELS = np.arange(256) / 255.0\n"
    "OPS = {'half': lambda x: x / 2}\n"
    "@staticmethod\n"
    "def f(x):\n"
    "    return x\n"
    "class C:\n"
    "    pass\n"
    "plt.show()\n"
)


def test_every_statement_of_a_student_cell_runs_in_order_with_its_line_numbers():
    statements, error = split_statements(CELL)
    assert error is None
    assert [s.line for s in statements] == [1, 2, 3, 4, 5, 6, 9, 11]
    assert [s.text for s in statements][3] == "LEVELS = np.arange(256) / 255.0"
    # Each statement compiles with the cell's own line numbers.
    assert statements[4].source.splitlines()[4] == "OPS = {'half': lambda x: x / 2}"
    assert [s.definition for s in statements] == [True, True, True, False, False, True, True,
                                                  False]  # fmt: skip


def test_kit_cells_keep_definitions_and_literal_assignments_only():
    statements, _ = split_statements(CELL + "images = np.load('big.npy')\nwhile True:\n    pass\n",
                                     definitions_only=True)  # fmt: skip
    texts = [s.text for s in statements]
    assert texts == ["import numpy as np", "from math import pi", "SIZE = (64, 64)",
                     "def f(x):", "class C:"]  # fmt: skip


def test_magics_do_not_break_a_cell():
    statements, error = split_statements("%matplotlib inline\n!pip list\ndef f():\n    return 1\n")
    assert error is None and [s.text for s in statements] == ["def f():"]


def test_syntax_error_names_the_line_and_the_definitions():
    (unit,) = units_from_sources(["import numpy as np\n\ndef rotate90(image, k=1:\n    pass\n"])
    assert unit.syntax_error.startswith("line 3")
    assert unit.defines == ["rotate90"]
    assert unit.statements == []


def _notebook(cells):
    nb = nbformat.v4.new_notebook()
    for source, meta in cells:
        cell = nbformat.v4.new_code_cell(source)
        if meta:
            cell.metadata["nbgrader"] = meta
        nb.cells.append(cell)
    return nb


KIT = "import numpy as np\nimages = np.ones((3, 4))\nprint(images.shape)\n"


def test_graded_cells_are_skipped_kit_cells_keep_definitions_student_cells_run():
    nb = _notebook(
        [
            (KIT, None),
            ("def flip(image, axis):\n    return image",
             {"solution": True, "grade": False, "grade_id": "02-augmentation-flip"}),
            ("check('flip')\n### BEGIN HIDDEN TESTS\ngrade_in_notebook('02-augmentation', 'flip')",
             {"solution": False, "grade": True, "grade_id": "02-augmentation-flip-tests"}),
            ("x = 1\nprint(x)", None),
            ("grade_in_notebook('02-augmentation', 'flip')", None),  # In-history: never run
        ]
    )  # fmt: skip
    units = units_from_notebook(nb, frozenset({source_hash(KIT)}))
    assert [u.label for u in units] == ["cell 1", "cell 2 (your flip cell)", "cell 4"]
    assert [u.kind for u in units] == ["kit", "student", "student"]
    assert [s.text for s in units[0].statements] == ["import numpy as np"]
    assert [s.text for s in units[2].statements] == ["x = 1", "print(x)"]


def test_a_kit_cell_the_student_changed_runs_in_full():
    changed = KIT.replace("(3, 4)", "(5, 6)")
    (unit,) = units_from_sources([changed], frozenset({source_hash(KIT)}))
    assert unit.kind == "student" and len(unit.statements) == 3


def test_source_hash_ignores_trailing_blanks_and_newline_style():
    assert source_hash("a = 1  \r\nb = 2\n\n") == source_hash("a = 1\nb = 2")


def test_kit_cells_manifest_lists_the_released_notebooks_own_cells(tmp_path):
    nb = _notebook([(KIT, None), ("def f():\n    pass", {"solution": True, "grade_id": "g"})])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    manifest = kit_cells_manifest({"02-augmentation": [path]})
    assert manifest == {"version": 1, "cells": {"02-augmentation": [source_hash(KIT)]}}


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
def test_assignments_with_calls_are_left_out_of_kit_cells(source):
    statements, _ = split_statements(source, definitions_only=True)
    assert statements == []
