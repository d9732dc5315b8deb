"""Load a submission notebook and pick the code the grader may run.

Only definitions are kept: top-level imports, function and class
definitions, and assignments whose value is built from literals and names
(no calls), so that data loading, plotting or a stray ``while True`` in a
notebook cell never runs during grading. Graded test cells (nbgrader
``grade: true`` without ``solution``) are skipped. Each cell stays a separate
unit, compiled on its own, so a syntax error in one cell only loses what
that cell defines.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from coursekit.grading.questions import ASSIGNMENTS, QUESTIONS

__all__ = ["CodeUnit", "units_from_notebook", "units_from_sources", "infer_assignment"]

_DEFINES = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)", re.MULTILINE)
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
class CodeUnit:
    """The kept code of one notebook cell.

    Attributes
    ----------
    label : str
        How feedback names the cell: ``"cell 7 (02-augmentation-rotate90)"``.
    source : str
        Kept statements, same line numbers as the cell (dropped lines are blank).
    defines : list of str
        Names of functions and classes the cell defines (found even when the
        cell has a syntax error).
    syntax_error : str or None
        ``"line N: message"`` when the cell does not parse.
    """

    label: str
    source: str
    defines: list[str] = field(default_factory=list)
    syntax_error: str | None = None


def _strip_magics(source: str) -> str:
    # IPython magics and shell escapes are not Python; blank them, keeping line numbers.
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )


def _is_safe_value(node: ast.AST) -> bool:
    return all(isinstance(n, _SAFE_VALUE_NODES + (ast.expr_context,)) for n in ast.walk(node))


def _keep(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return True
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(stmt, ast.Assign):
        return _is_safe_value(stmt.value)
    if isinstance(stmt, ast.AnnAssign):
        return stmt.value is None or _is_safe_value(stmt.value)
    return False


def filter_source(source: str) -> tuple[str, str | None]:
    """Keep the definitions of ``source``; return ``(kept_source, syntax_error)``.

    The kept source has the same line numbers as ``source`` so that
    tracebacks point at the student's own lines.
    """
    source = _strip_magics(source)
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return "", f"line {exc.lineno}: {exc.msg}"
    lines = source.splitlines()
    kept = [""] * len(lines)
    for stmt in tree.body:
        if _keep(stmt):
            first = min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
            for i in range(first - 1, stmt.end_lineno):
                kept[i] = lines[i]
    return "\n".join(kept), None


def _unit(label: str, source: str) -> CodeUnit:
    kept, error = filter_source(source)
    return CodeUnit(label, kept, _DEFINES.findall(source), error)


def units_from_sources(sources) -> list[CodeUnit]:
    """Units from plain cell sources, e.g. IPython's ``In`` history inside a kernel."""
    return [_unit(f"cell {i}", src) for i, src in enumerate(sources, start=1) if src.strip()]


def _is_graded_test(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def units_from_notebook(notebook) -> list[CodeUnit]:
    """Units of every code cell of ``notebook`` (an nbformat node), in notebook order.

    Graded test cells are skipped; their code is the grader's, not the student's.
    """
    units = []
    for index, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code" or _is_graded_test(cell):
            continue
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        label = f"cell {index}" + (f" ({grade_id})" if grade_id else "")
        source = cell.get("source", "")
        if isinstance(source, list):  # nbformat on disk may split sources into lines
            source = "".join(source)
        units.append(_unit(label, source))
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
