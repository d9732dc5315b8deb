"""The notebooks of one edition of the course website (``make site``), made from the course's own.

Two editions come from the same notebooks:

- **students** (:func:`students_notebook`): the release notebook, cell for cell (no answer, no
  hidden test), with the outputs of the matching worked notebook (``solutions/``) on the cells
  whose output does not depend on an answer. A cell depends on an answer when it is an answer
  cell or a check cell, or when it reads a name that an answer cell (or a cell depending on one)
  defines; such cells keep no output, as in a blank notebook. The line ``yours(name)`` prints is
  written as a blank notebook prints it.
- **self-study** (:func:`self_study_notebook`): the worked notebook with its outputs, without
  hidden tests or nbgrader's markers; every answer is folded behind a "Show answer" toggle, after
  the exercise as released (the function's stub, or the empty written answer).

Nothing here executes a notebook: the outputs are those ``make release`` stored in
``solutions/``, made on the synthetic twin.
"""

from __future__ import annotations

import ast
import copy
import html
import re


def _block(name: str) -> re.Pattern:
    return re.compile(rf"^[ \t]*### BEGIN {name}.*?^[ \t]*### END {name}[ \t]*\n?",
                      re.MULTILINE | re.DOTALL)  # fmt: skip


#: nbgrader's markers, as ``make release`` leaves them in ``solutions/`` (and as in ``source/``).
SOLUTION_BLOCK = _block("SOLUTION")
HIDDEN_TESTS_BLOCK = _block("HIDDEN TESTS")
MARKER_LINE = re.compile(r"^[ \t]*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)[ \t]*\n?", re.MULTILINE)
#: What ``coursekit.checks.yours`` prints when the student's function passed its check, and what
#: it prints in a notebook whose check has not passed (see ``yours``).
YOURS_LINE = re.compile(r"^Using your (\w+)\.$", re.MULTILINE)
YOURS_BLANK = "Using the course kit's {name}: it has not passed its quick check yet."
#: Cell tags myst-nb reads: the answer's code folded, its label set in ``conf.py``.
ANSWER_TAG = "hide-input"
#: Where an answer is folded, the same markup as myst-nb's folded code cells (``<details>``
#: with the labels "Show answer" / "Hide answer"), so that every answer opens the same way.
ANSWER_OPEN = (
    '<details class="hide above-input coursekit-answer">\n'
    '<summary aria-label="Toggle hidden content"><span class="collapsed">Show answer</span>'
    '<span class="expanded">Hide answer</span></summary>\n'
    '<div class="coursekit-answer-body">\n'
)
ANSWER_CLOSE = "</div>\n</details>\n"


class NotebookMismatch(ValueError):
    """The release and worked notebooks of one assignment do not hold the same cells."""


def source(cell: dict) -> str:
    value = cell.get("source", "")
    return "".join(value) if isinstance(value, list) else value


def nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_answer(cell: dict) -> bool:
    """A cell the student writes in (nbgrader ``solution``)."""
    return bool(nbgrader(cell).get("solution"))


def is_check(cell: dict) -> bool:
    """An autograded code cell: the quick check (and, in ``source/``, the hidden tests)."""
    return cell["cell_type"] == "code" and bool(nbgrader(cell).get("grade"))


def pair_cells(release: dict, worked: dict, name: str) -> list[tuple[dict, dict]]:
    """The cells of the release and worked notebooks, side by side.

    Cells with an nbgrader id are paired by it, the others by position; a mismatch (the two
    notebooks made from different sources) is an error naming the first cell that differs.
    """
    r_cells, w_cells = release["cells"], worked["cells"]
    if len(r_cells) != len(w_cells):
        raise NotebookMismatch(
            f"{name}: the release notebook has {len(r_cells)} cells, the worked one "
            f"{len(w_cells)}: run `make release` to make both from source/."
        )
    pairs = []
    for index, (r, w) in enumerate(zip(r_cells, w_cells, strict=True)):
        r_id, w_id = nbgrader(r).get("grade_id"), nbgrader(w).get("grade_id")
        same = r["cell_type"] == w["cell_type"] and r_id == w_id
        if same and r_id is None:
            same = source(r) == source(w)
        if not same:
            raise NotebookMismatch(
                f"{name}: cell {index} differs between release and worked notebooks "
                f"({r['cell_type']} {r_id or source(r)[:40]!r} vs "
                f"{w['cell_type']} {w_id or source(w)[:40]!r}): run `make release`."
            )
        pairs.append((r, w))
    return pairs


def _python(code: str) -> ast.Module | None:
    # IPython magics and shell escapes are not Python: blank them (line numbers stay).
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


class _Scopes(ast.NodeVisitor):
    """Global names a statement reads and binds; names local to its functions are neither."""

    def __init__(self):
        self.read: set[str] = set()
        self.bound: set[str] = set()
        self._locals: list[set[str]] = []

    def _local(self, name: str) -> bool:
        return any(name in scope for scope in self._locals)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            if not self._local(node.id):
                self.read.add(node.id)
        elif not self._locals:
            self.bound.add(node.id)

    def _function(self, node, body) -> None:
        args = node.args
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        local = {a.arg for a in params if a is not None}
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and not isinstance(child.ctx, ast.Load):
                local.add(child.id)
        for default in [*args.defaults, *args.kw_defaults]:
            if default is not None:
                self.visit(default)
        self._locals.append(local)
        for statement in body if isinstance(body, list) else [body]:
            self.visit(statement)
        self._locals.pop()

    def visit_FunctionDef(self, node) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        if not self._locals:
            self.bound.add(node.name)
        self._function(node, node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._function(node, node.body)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if not self._locals:
            self.bound.add(node.name)
        self._locals.append(set())
        self.generic_visit(node)
        self._locals.pop()

    def _comprehension(self, node) -> None:
        local = {t.id for g in node.generators for t in ast.walk(g.target)
                 if isinstance(t, ast.Name)}  # fmt: skip
        self._locals.append(local)
        self.generic_visit(node)
        self._locals.pop()

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def visit_Import(self, node) -> None:
        if not self._locals:
            self.bound.update((a.asname or a.name).split(".")[0] for a in node.names)

    visit_ImportFrom = visit_Import


def statements(code: str) -> list[tuple[set[str], set[str], bool]]:
    """(names read, names bound, whether an import) of each top-level statement of a cell."""
    tree = _python(code)
    if tree is None:  # not Python: read everything, as far as we can tell
        return [({"*"}, set(), False)]
    result = []
    for statement in tree.body:
        scopes = _Scopes()
        scopes.visit(statement)
        imports = isinstance(statement, ast.Import | ast.ImportFrom)
        result.append((scopes.read, scopes.bound, imports))
    return result


def answer_dependent(cells: list[dict]) -> list[bool]:
    """For each cell, whether its output may depend on the student's answers.

    A statement depends on an answer when it reads a name bound by a statement that does (or by
    an answer or check cell); a cell, when one of its statements does. An import binds the same
    module whoever writes it: it never depends on an answer.
    """
    tainted: set[str] = set()
    result = []
    for cell in cells:
        if cell["cell_type"] != "code":
            result.append(False)
            continue
        whole = is_answer(cell) or is_check(cell)
        depends = whole
        for read, bound, imports in statements(source(cell)):
            if not imports and (whole or read & tainted or "*" in read):
                depends = True
                tainted |= bound
            else:
                tainted -= bound  # bound again without an answer: clean again
        result.append(depends)
    return result


def _blank_outputs(outputs: list[dict]) -> list[dict]:
    outputs = copy.deepcopy(outputs)
    for output in outputs:
        if output.get("output_type") == "stream":
            text = source({"source": output.get("text", "")})
            output["text"] = YOURS_LINE.sub(lambda m: YOURS_BLANK.format(name=m[1]), text)
    return outputs


def students_notebook(release: dict, worked: dict, name: str) -> dict:
    """The students' edition of one notebook (see the module's docstring)."""
    pairs = pair_cells(release, worked, name)
    depends = answer_dependent([r for r, _ in pairs])
    notebook = copy.deepcopy(release)
    for cell, (_, w), dependent in zip(notebook["cells"], pairs, depends, strict=True):
        if cell["cell_type"] != "code":
            continue
        cell["outputs"] = [] if dependent else _blank_outputs(w.get("outputs", []))
        cell["execution_count"] = None if dependent else w.get("execution_count")
    return notebook


def _without_markers(text: str) -> str:
    return MARKER_LINE.sub("", HIDDEN_TESTS_BLOCK.sub("", text))


def _new_id(cell: dict, suffix: str) -> dict:
    # Cell ids are unique within a notebook (nbformat 4.5): an added cell gets its own.
    if "id" in cell:
        cell["id"] = f"{cell['id']}-{suffix}"[:64]
    return cell


def _tags(cell: dict, *tags: str) -> None:
    existing = cell.setdefault("metadata", {}).setdefault("tags", [])
    existing.extend(t for t in tags if t not in existing)


def self_study_notebook(release: dict, worked: dict, name: str) -> dict:
    """The self-study edition of one notebook (see the module's docstring)."""
    notebook = copy.deepcopy(worked)
    cells = []
    for r, w in pair_cells(release, worked, name):
        cell = copy.deepcopy(w)
        if is_check(w):
            # The check as released: the worked notebook's cell also holds the hidden tests.
            cell["source"] = source(r)
        elif is_answer(w) and w["cell_type"] == "code":
            stub = copy.deepcopy(r)
            stub["outputs"], stub["execution_count"] = [], None
            _new_id(stub, "exercise")
            _tags(stub, "coursekit-exercise")
            cells.append(stub)
            cell["source"] = _without_markers(source(w)).rstrip("\n")
            _tags(cell, ANSWER_TAG, "coursekit-answer")
        elif is_answer(w):
            cells.append(_new_id(copy.deepcopy(r), "exercise"))
            answer = _without_markers(source(w)).strip("\n")
            cell["source"] = f"{ANSWER_OPEN}\n{answer}\n\n{ANSWER_CLOSE}"
            cell["metadata"].pop("nbgrader", None)
            _tags(cell, "coursekit-answer")
        else:
            cell["source"] = _without_markers(source(w))
        cells.append(cell)
    notebook["cells"] = cells
    return notebook


def worked_download(worked: dict) -> dict:
    """The worked notebook to download in the self-study edition: no hidden test, no marker."""
    notebook = copy.deepcopy(worked)
    for cell in notebook["cells"]:
        cell["source"] = _without_markers(source(cell))
    return notebook


def insert_after_title(notebook: dict, markdown: str, tag: str) -> dict:
    """A copy of ``notebook`` with a markdown cell right under its ``# `` title.

    When the title cell goes on after the title line, it is split there, so that the new cell
    comes before the introduction.
    """
    notebook = copy.deepcopy(notebook)
    cells = notebook["cells"]
    cell = {"cell_type": "markdown", "metadata": {"tags": [tag]}, "source": markdown}
    if cells and "id" in cells[0]:
        cell["id"] = tag
    first = cells[0] if cells else None
    if not (first and first["cell_type"] == "markdown" and source(first).startswith("# ")):
        cells.insert(0, cell)
        return notebook
    title, _, rest = source(first).partition("\n")
    first["source"] = title + "\n"
    cells.insert(1, cell)
    if rest.strip():
        cells.insert(2, _new_id({**copy.deepcopy(first), "source": rest.lstrip("\n")}, "intro"))
    return notebook


def solution_lines(notebook: dict, min_length: int = 20) -> list[str]:
    """The lines inside nbgrader solution blocks (``source/`` notebooks), stripped, long ones.

    Written answers are markdown cells whose whole text is inside the block.
    """
    lines = []
    for cell in notebook["cells"]:
        for block in SOLUTION_BLOCK.findall(source(cell)):
            lines.extend(line.strip() for line in MARKER_LINE.sub("", block).splitlines())
    return [line for line in lines if len(line) >= min_length]


def hidden_test_lines(notebook: dict) -> list[str]:
    """The lines inside the hidden-test blocks of a ``source/`` notebook, stripped, non-empty."""
    lines = []
    for cell in notebook["cells"]:
        for block in HIDDEN_TESTS_BLOCK.findall(source(cell)):
            lines.extend(line.strip() for line in block.splitlines())
    return [line for line in lines if line]


def notebook_title(notebook: dict) -> str:
    """The text of the notebook's first ``# `` heading (its page title)."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for line in source(cell).splitlines():
                if line.startswith("# "):
                    return html.unescape(line[2:].strip())
    raise ValueError("the notebook has no '# ' title heading in a markdown cell")
