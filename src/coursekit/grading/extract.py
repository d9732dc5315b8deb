"""Load a submission notebook and decide which of its code the grader runs.

Code runs as it would in Jupyter, cell by cell and statement by statement, with
three kinds of cell:

* **graded test cells** (nbgrader ``grade: true`` without ``solution``, or any
  cell calling ``grade_in_notebook(``) are the grader's, not the student's:
  skipped;
* **kit cells** -- cells whose source is exactly that of a cell of the released
  notebook (the list in ``autograder/kit_cells.json``, made by ``make release``)
  -- keep only their definitions (imports, ``def``, ``class``, assignments of
  literals and names), so that loading data and drawing figures never slow
  grading down;
* **every other cell** (the student's solution cells, and cells the student
  added or changed) runs every top-level statement, in order: constants built
  with calls, lambdas, helper classes, imports. Each statement is bounded in
  time and memory by the student process; one that raises or hangs is skipped
  and named in the feedback.

Each cell stays a separate unit compiled on its own, so a syntax error in one
cell only loses what that cell defines.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.grading.questions import ASSIGNMENTS, QUESTIONS

__all__ = [
    "CodeUnit",
    "Statement",
    "units_from_notebook",
    "units_from_sources",
    "infer_assignment",
    "normalise_source",
    "source_hash",
    "load_kit_cells",
    "KIT_CELLS",
    "kit_cells_manifest",
]

#: The released notebooks' own cells (hashes), written by ``make release``.
KIT_CELLS = Path(__file__).with_name("kit_cells.json")

_DEFINES = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)", re.MULTILINE)
_GRADER_CALL = re.compile(r"\bgrade_in_notebook\s*\(")
_SAFE_VALUE_NODES = (
    ast.Constant,
    ast.Tuple,
    ast.List,
    ast.Set,
    ast.Dict,
    ast.Name,
    ast.Attribute,
    ast.UnaryOp,
    ast.BinOp,
    ast.Load,
    ast.operator,
    ast.unaryop,
)


@dataclass
class Statement:
    """One top-level statement of a cell.

    Attributes
    ----------
    line : int
        Line of the cell where it starts (1-based; decorators included).
    source : str
        Its code, preceded by blank lines so that compiled line numbers are the cell's.
    text : str
        Its first line, shortened, for feedback (``"X = np.arange(256) / 255"``).
    definition : bool
        True for imports, ``def``, ``class`` and assignments of literals and names.
    """

    line: int
    source: str
    text: str
    definition: bool = False


@dataclass
class CodeUnit:
    """The code the grader runs from one notebook cell.

    Attributes
    ----------
    label : str
        How feedback names the cell: ``"cell 7 (your rotate90 cell)"``.
    statements : list of Statement
        What runs, in order.
    defines : list of str
        Names of functions and classes the cell defines (found even when the
        cell has a syntax error).
    syntax_error : str or None
        ``"line N: message"`` when the cell does not parse.
    kind : {"student", "kit"}
        ``"kit"``: an unchanged cell of the released notebook (definitions only).
    """

    label: str
    statements: list[Statement] = field(default_factory=list)
    defines: list[str] = field(default_factory=list)
    syntax_error: str | None = None
    kind: str = "student"

    def as_message(self) -> tuple:
        """The unit as the student process receives it."""
        return (self.label, [(s.line, s.source) for s in self.statements], self.syntax_error)


def normalise_source(source: str) -> str:
    """Cell source compared for "unchanged": newlines unified, trailing blanks dropped."""
    lines = [line.rstrip() for line in source.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def source_hash(source: str) -> str:
    """SHA-256 of :func:`normalise_source` (the key of ``kit_cells.json``)."""
    return hashlib.sha256(normalise_source(source).encode("utf-8")).hexdigest()


def load_kit_cells(path=KIT_CELLS) -> frozenset[str]:
    """Hashes of the kit's own cells from ``kit_cells.json`` (empty if the file is absent)."""
    if not path:
        return frozenset()
    path = Path(path)
    if not path.is_file():
        return frozenset()
    data = json.loads(path.read_text(encoding="utf-8"))
    return frozenset(h for hashes in data.get("cells", {}).values() for h in hashes)


def kit_cells_manifest(notebooks: dict) -> dict:
    """The content of ``kit_cells.json`` for ``{assignment: [release notebook path, ...]}``.

    Every code cell of a released notebook that is neither a solution cell nor a
    graded test cell is the kit's own: grading keeps only its definitions.
    """
    import nbformat

    cells = {}
    for assignment, paths in sorted(notebooks.items()):
        hashes = set()
        for path in paths:
            notebook = nbformat.read(str(path), as_version=4)
            for cell in notebook.cells:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if cell.cell_type != "code" or meta.get("solution") or meta.get("grade"):
                    continue
                if _cell_source(cell).strip():
                    hashes.add(source_hash(_cell_source(cell)))
        cells[assignment] = sorted(hashes)
    return {"version": 1, "cells": cells}


def _strip_magics(source: str) -> str:
    # IPython magics and shell escapes are not Python; blank them, keeping line numbers.
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def _is_safe_value(node: ast.AST) -> bool:
    return all(isinstance(n, _SAFE_VALUE_NODES + (ast.expr_context,)) for n in ast.walk(node))


def _is_definition(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return True
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(stmt, ast.Assign):
        return _is_safe_value(stmt.value)
    if isinstance(stmt, ast.AnnAssign):
        return stmt.value is None or _is_safe_value(stmt.value)
    return False


def _shorten(text: str, limit: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def split_statements(source: str, *, definitions_only: bool = False):
    """``(statements, syntax_error)`` of one cell's ``source``.

    Each statement keeps the cell's line numbers, so tracebacks point at the
    student's own lines.
    """
    source = _strip_magics(source)
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return [], f"line {exc.lineno}: {exc.msg}"
    lines = source.splitlines()
    statements = []
    for stmt in tree.body:
        if definitions_only and not _is_definition(stmt):
            continue
        first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
        body = "\n".join(lines[first - 1 : stmt.end_lineno])
        statements.append(
            Statement(
                first,
                "\n" * (first - 1) + body,
                _shorten(lines[stmt.lineno - 1]),
                _is_definition(stmt),
            )
        )
    return statements, None


def _unit(label: str, source: str, kind: str) -> CodeUnit:
    statements, error = split_statements(source, definitions_only=kind == "kit")
    return CodeUnit(label, statements, _DEFINES.findall(source), error, kind)


def _is_graded_test(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def _cell_source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _label(index: int, grade_id: str | None) -> str:
    for q in QUESTIONS:
        if grade_id == q.grade_id:
            return f"cell {index} (your {q.name} cell)"
    return f"cell {index}"


def units_from_notebook(notebook, kit_cells: frozenset[str] = frozenset()) -> list[CodeUnit]:
    """Units of every code cell of ``notebook`` (an nbformat node), in notebook order.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
    kit_cells : frozenset of str
        :func:`source_hash` of the released notebook's own cells.
    """
    units = []
    for index, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code" or _is_graded_test(cell):
            continue
        source = _cell_source(cell)
        if not source.strip() or _GRADER_CALL.search(source):
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        solution = bool(meta.get("solution"))
        kind = "kit" if not solution and source_hash(source) in kit_cells else "student"
        units.append(_unit(_label(index, meta.get("grade_id")), source, kind))
    return units


def units_from_sources(sources, kit_cells: frozenset[str] = frozenset()) -> list[CodeUnit]:
    """Units from plain cell sources, e.g. IPython's ``In`` history inside a kernel."""
    units = []
    for index, source in enumerate(sources, start=1):
        if not source.strip() or _GRADER_CALL.search(source):
            continue
        kind = "kit" if source_hash(source) in kit_cells else "student"
        units.append(_unit(f"cell {index}", source, kind))
    return units


def infer_assignment(notebook, path: str | Path | None = None) -> str | None:
    """Assignment of a notebook from its nbgrader ``grade_id``\\ s, else from its path.

    Returns None when neither names one of the known assignments.
    """
    votes: dict[str, int] = {}
    for cell in notebook.get("cells", []):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        for assignment in ASSIGNMENTS:
            if grade_id.startswith(assignment + "-"):
                votes[assignment] = votes.get(assignment, 0) + 1
    if votes:
        return max(votes, key=votes.get)
    if path is not None:
        path = Path(path)
        for part in reversed(path.parts[:-1]):
            if part in ASSIGNMENTS:
                return part
        stem = path.stem.replace("-", "_").lower()
        for q_assignment in ASSIGNMENTS:
            topic = q_assignment.split("-", 1)[1].replace("-", "_")
            if stem == topic or stem.endswith(topic) or topic in stem:
                return q_assignment
    names = {name for unit in units_from_notebook(notebook) for name in unit.defines}
    for assignment in ASSIGNMENTS:
        if any(q.name in names for q in QUESTIONS if q.assignment == assignment):
            return assignment
    return None
