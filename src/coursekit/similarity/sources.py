"""The code compared: each graded function of a submission, and the kit's own.

A student's function is its last definition in the notebook's own cells (the
released notebook's cells are left out, as the grader leaves them out), together
with the functions of the notebook it calls, however deep: splitting a copied
function into helpers does not hide it. Other graded functions it calls are
compared as themselves, not inside it.

The kit's function is the reference (``Question.reference``) together with every
function of the module that defines it, public or private, and every function of
the ``coursekit`` package those call, however deep (``rotate90`` ->
``_rotate90_view``, ``contiguous_copy``, ``check_image``, ...): a student who
pastes the reference, or a private helper that does the work, matches it.

The model solutions (the instructor's ``source/`` notebooks, when the hidden tests'
repository is at hand) say what the task asks for: code they share with the kit
(``skimage.transform.resize(image, size, order=1, anti_aliasing=True, ...)``) is
expected of every correct answer, so it does not count as copied from the kit
(as MOSS's base file does for code handed out to everyone).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coursekit.grading.questions import questions_for

__all__ = [
    "Submission",
    "read_submission",
    "student_functions",
    "kit_fragments",
    "model_solutions",
]


@dataclass
class Submission:
    """The graded functions of one notebook.

    Attributes
    ----------
    name : str
        Who handed it in: the student id of nbgrader's layout, else the path.
    path : Path
    assignment : str or None
    functions : dict
        ``{question: source}``: the function and the notebook helpers it calls.
    error : str
        Why the notebook could not be read (then ``functions`` is empty).
    """

    name: str
    path: Path
    assignment: str | None
    functions: dict
    error: str = ""


def _definitions(notebook) -> dict[str, tuple[str, set[str]]]:
    """``{name: (source, names it uses)}`` of the functions the student's own cells define."""
    from coursekit.grading.extract import load_kit_cells, units_from_notebook

    found: dict[str, tuple[str, set[str]]] = {}
    for unit in units_from_notebook(notebook, load_kit_cells()):
        if unit.kind != "student":
            continue
        for statement in unit.statements:
            try:
                tree = ast.parse(statement.source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                    found[node.name] = (ast.get_source_segment(statement.source, node), used)
    return found


def student_functions(notebook, assignment: str) -> dict[str, str]:
    """``{question: source}`` of each graded function ``notebook`` defines, with its helpers."""
    definitions = _definitions(notebook)
    graded = {q.name for q in questions_for(assignment)}
    functions = {}
    for name in sorted(graded & set(definitions)):
        seen, todo = [name], [name]
        while todo:
            for used in sorted(definitions[todo.pop()][1]):
                if used in definitions and used not in seen and used not in graded:
                    seen.append(used)
                    todo.append(used)
        functions[name] = "\n\n".join(definitions[n][0] for n in seen)
    return functions


def read_submission(path, name: str, assignment: str | None = None) -> Submission:
    """Read the notebook at ``path``; an unreadable one gives a Submission with ``error``."""
    import nbformat

    from coursekit.grading.extract import infer_assignment

    path = Path(path)
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, not raised
        return Submission(name, path, assignment, {}, f"cannot read {path}: {exc}")
    assignment = assignment or infer_assignment(notebook, path)
    if assignment is None:
        return Submission(name, path, None, {}, f"{path}: cannot tell which assignment it is")
    return Submission(name, path, assignment, student_functions(notebook, assignment))


def _kit_function(obj):
    obj = inspect.unwrap(getattr(obj, "py_func", obj))  # numba's dispatchers keep it there
    if inspect.isfunction(obj) and (obj.__module__ or "").startswith("coursekit."):
        return obj
    return None


@cache
def kit_fragments(reference: str) -> tuple[tuple[str, str], ...]:
    """``((qualified name, source), ...)``: the reference, every function of the module that
    defines it (public and private), and every kit function those call, however deep."""
    module_name, _, attr = reference.rpartition(".")
    start = _kit_function(getattr(importlib.import_module(module_name), attr))
    home = inspect.getmodule(start)
    neighbours = sorted(
        (f for f in map(_kit_function, vars(home).values())
         if f is not None and f.__module__ == home.__name__ and f is not start),
        key=lambda f: f.__qualname__,
    )  # fmt: skip
    seen, todo, fragments = {start, *neighbours}, [start, *neighbours], []
    while todo:
        function = todo.pop(0)
        try:
            source = textwrap.dedent(inspect.getsource(function))
        except (OSError, TypeError):
            continue
        fragments.append((f"{function.__module__}.{function.__qualname__}", source))
        scope = vars(inspect.getmodule(function))
        names = set()
        for code in _code_objects(function.__code__):
            names |= set(code.co_names)
        for name in sorted(names):
            helper = _kit_function(scope.get(name))
            if helper is not None and helper not in seen:
                seen.add(helper)
                todo.append(helper)
    return tuple(fragments)


def _code_objects(code):
    yield code
    for const in code.co_consts:
        if inspect.iscode(const):
            yield from _code_objects(const)


@cache
def model_solutions(assignment: str) -> dict[str, str]:
    """``{question: source}`` of the instructor's solution cells of ``assignment``.

    Empty when the instructor's repository (``source/`` beside the hidden tests) is not here.
    """
    import nbformat

    from coursekit.grading.locate import AutograderNotFound, find_autograder

    try:
        folder = find_autograder().parent / "source" / assignment
    except AutograderNotFound:
        return {}
    graded = {q.grade_id: q.name for q in questions_for(assignment)}
    solutions = {}
    for path in sorted(folder.glob("*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            name = graded.get(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"))
            if name and cell.cell_type == "code":
                solutions[name] = cell.source
    return solutions
