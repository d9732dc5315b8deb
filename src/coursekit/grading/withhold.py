"""The course kit as student code sees it while an assignment is graded: answers left out.

:func:`sandbox_kit` writes, once per assignment and per version of the kit, a copy
of the ``coursekit`` package in which

- each graded function of the assignment (its reference, :data:`QUESTIONS`) and
  every function of the kit that only they reach (private helpers, compiled
  kernels, in any module) keep their signature and docstring, but their body
  raises :class:`~coursekit._withheld.WithheldReference`; decorators are dropped;
- the helpers a graded function is told to use (:data:`ALLOWED`:
  ``default_pipeline`` for ``augment_dataset``, ``dbscan_eps`` for
  ``cluster_images``), what they reach and what the modules' top-level statements
  need stay; every other function the references reach is withheld too, public or
  private (a public function sharing a reference's helpers would compute its answer);
- ``coursekit.checks`` (the contracts, with their generators and the mistaken
  variants behind the hints) is replaced by a stub whose ``check`` does nothing
  and whose ``yours`` returns the kit's function, as under ``nbgrader autograde``;
- the grader's own modules (pytest plugin, reports, platforms), the demo and the
  command line are left out; ``__pycache__`` folders are not copied.

The student process's zygote imports this copy, not the installed kit (its
folder comes first on ``PYTHONPATH``; the installed kit is not in the sandbox's
filesystem view). So no frame, closure, ``gc.get_objects()``, ``importlib.reload``,
``exec`` of a module's source, subprocess or path trick finds a reference.

"Reach" is a static call graph over the kit's modules (:func:`call_graph`):
names and ``module.attribute`` chains resolved through each module's imports.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from coursekit.grading.questions import QUESTIONS, questions_for

__all__ = ["sandbox_kit", "withheld_functions", "call_graph", "ALLOWED"]

#: Kit functions a graded function is told to use, per question (they stay available).
ALLOWED = {
    "augment_dataset": ("coursekit.augment.default_pipeline",),
    "cluster_images": ("coursekit.cluster.dbscan_eps",),
}

#: Generic modules (input validation, progress bars, thread pools) that stay whole: they hold
#: no answer, and most of the kit needs them.
GENERIC = ("coursekit._validation", "coursekit._progress", "coursekit.features._threads",
           "coursekit.augment._accel", "coursekit.augment._kernels")  # fmt: skip

#: Modules left out of the sandbox altogether (instructor tools, the grader's side).
LEFT_OUT = ("coursekit.demo", "coursekit.cli", "coursekit.__main__", "coursekit.classroom",
            "coursekit.gradescope", "coursekit.similarity")  # fmt: skip
#: The only grading modules the student process needs.
GRADING_KEPT = ("__init__", "student", "messages", "settings", "sandbox", "questions", "status")

_STUB_CHECKS = '''"""Quick checks, as they are while a notebook is graded: they do nothing.

The contracts and their inputs are not part of the grading sandbox; the hidden
tests grade (see coursekit.grading.withhold).
"""

import importlib

from coursekit.checks.calls import Call, LocalFunction  # noqa: F401 - the student process


class QuickCheckFailed(AssertionError):
    """A graded function failed its quick check."""


def check(name, *args, **kwargs):
    """Does nothing while the notebook is graded."""
    return None


def run_quick_checks(*args, **kwargs):
    return None


def yours(name):
    """The course kit's function (withheld while its own assignment is graded)."""
    from coursekit.grading.questions import question

    module, _, attr = question(name).reference.rpartition(".")
    return getattr(importlib.import_module(module), attr)
'''


# -- the call graph ---------------------------------------------------------------------------
def _module_name(package_dir: Path, path: Path) -> str:
    parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


class _Module:
    def __init__(self, name: str, path: Path, is_package: bool):
        self.name, self.path, self.is_package = name, path, is_package
        self.source = path.read_text(encoding="utf-8")
        self.tree = ast.parse(self.source, filename=str(path))
        self.defs = {
            node.name: node
            for node in self.tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        }
        # Module-level variables (``TABLE = {...}``) are nodes too: a function that reads
        # a table reaches what the table holds.
        self.variables = {}
        for node in self.tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else (
                [node.target] if isinstance(node, ast.AnnAssign) and node.value else [])
            for target in targets:
                if isinstance(target, ast.Name):
                    self.variables[target.id] = node.value
        self.imports: dict[str, tuple[str, str | None]] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom):
                source = (
                    _resolve_relative(name, is_package, node.level, node.module)
                    if node.level
                    else node.module or ""
                )
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = (source, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.imports[alias.asname] = (alias.name, None)
                    else:
                        top = alias.name.split(".")[0]
                        self.imports[top] = (top, None)


def _load(package_dir: Path) -> dict[str, _Module]:
    modules = {}
    for path in sorted(package_dir.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        name = _module_name(package_dir, path)
        modules[name] = _Module(name, path, path.name == "__init__.py")
    return modules


def _resolve(modules, module: str, attr: str | None, depth: int = 0):
    """``(module, name)`` of the definition ``module.attr`` refers to, or a module, or None."""
    if depth > 20 or not module.startswith("coursekit"):
        return None
    if attr is None:
        return (module, None) if module in modules else None
    if module in modules:
        info = modules[module]
        if attr in info.defs or attr in info.variables:
            return (module, attr)
        if attr in info.imports:
            source, name = info.imports[attr]
            return _resolve(modules, source, name, depth + 1)
    submodule = f"{module}.{attr}"
    if submodule in modules:
        return (submodule, None)
    return None


def _references(modules, info: _Module, node: ast.AST) -> set[tuple[str, str]]:
    found = set()

    def lookup(name: str):
        if name in info.defs or name in info.variables:
            return (info.name, name)
        if name in info.imports:
            source, attr = info.imports[name]
            return _resolve(modules, source, attr)
        return None

    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            target = lookup(sub.id)
            if target and target[1] is not None:
                found.add(target)
        elif isinstance(sub, ast.Attribute):
            chain, base = [sub.attr], sub.value
            while isinstance(base, ast.Attribute):
                chain.append(base.attr)
                base = base.value
            if not isinstance(base, ast.Name):
                continue
            target = lookup(base.id)
            for attr in reversed(chain):
                if target is None or target[1] is not None:
                    break
                target = _resolve(modules, target[0], attr)
            if target and target[1] is not None:
                found.add(target)
    return found


def call_graph(package_dir: Path) -> tuple[dict, dict[tuple[str, str], set]]:
    """The kit's modules and, for each top-level definition, the definitions it refers to.

    Module-level variables are nodes too. The key ``(module, "<module>")`` holds what
    importing the module calls. Made once per process and kit version (about a second);
    callers must not change what it returns.
    """
    return _call_graph(Path(package_dir), _digest(Path(package_dir), ""))


@functools.lru_cache(maxsize=4)
def _call_graph(package_dir: Path, version: str) -> tuple[dict, dict[tuple[str, str], set]]:
    modules = _load(package_dir)
    graph: dict[tuple[str, str], set] = {}
    for info in modules.values():
        for name, node in info.defs.items():
            graph[(info.name, name)] = _references(modules, info, node)
        for name, value in info.variables.items():
            graph[(info.name, name)] = _references(modules, info, value)
        # What importing the module runs: the calls of its top-level statements and the
        # decorators of its definitions (references that are only stored need not work).
        called = set()
        for node in info.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                for decorator in node.decorator_list:
                    called |= _references(modules, info, decorator)
                continue
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call):
                    called |= _references(modules, info, sub.func)
        graph[(info.name, "<module>")] = called
    return modules, graph


def _closure(graph, roots, stop=frozenset()) -> set:
    seen, todo = set(), [r for r in roots]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if node in stop:
            continue
        todo.extend(graph.get(node, ()))
    return seen


def _kept_module(name: str) -> bool:
    if any(name == m or name.startswith(m + ".") for m in LEFT_OUT):
        return False
    if name.startswith("coursekit.checks"):
        return name == "coursekit.checks.calls"
    if name.startswith("coursekit.grading"):
        return name.rpartition(".")[2] in GRADING_KEPT or name == "coursekit.grading"
    return True


def withheld_functions(assignment: str, package_dir: Path | None = None) -> set[tuple[str, str]]:
    """``(module, name)`` of every definition left out of the sandbox kit of ``assignment``."""
    package_dir = Path(package_dir or Path(__file__).resolve().parents[1])
    modules, graph = call_graph(package_dir)
    references, allowed = set(), set()
    for q in questions_for(assignment):
        module, _, attr = q.reference.rpartition(".")
        target = _resolve(modules, module, attr)
        if target:
            references.add(target)
        for helper in ALLOWED.get(q.name, ()):
            module, _, attr = helper.rpartition(".")
            target = _resolve(modules, module, attr)
            if target:
                allowed.add(target)
    # What stays: the allowed helpers and what they reach, and what the modules' own top-level
    # statements need to import. Everything else the references reach is withheld, public
    # or private: a public function of the kit that shares a reference's helpers computes
    # its answer too.
    roots = set(allowed) | {(name, "<module>") for name in modules if _kept_module(name)}
    roots |= {(name, d) for name in GENERIC if name in modules for d in modules[name].defs}
    kept = _closure(graph, roots, stop=references)
    reached = _closure(graph, references)
    return {
        (module, name)
        for module, name in reached
        if ((module, name) not in kept or (module, name) in references)
        and name in modules[module].defs
        and _kept_module(module)
    }


#: The kit's compiled-kernel modules (numba), which a zygote warms up when its graded
#: functions can reach them.
KERNEL_MODULES = ("coursekit.augment._accel", "coursekit.augment._kernels")


def reaches_compiled_kernels(assignment: str, package_dir: Path | None = None) -> bool:
    """Whether a graded function of ``assignment`` (or a helper it may use) reaches the kit's
    compiled kernels: only then is warming them up in the zygote worth its second."""
    package_dir = Path(package_dir or Path(__file__).resolve().parents[1])
    modules, graph = call_graph(package_dir)
    roots = set()
    for q in questions_for(assignment):
        for dotted in (q.reference, *ALLOWED.get(q.name, ())):
            module, _, attr = dotted.rpartition(".")
            target = _resolve(modules, module, attr)
            if target:
                roots.add(target)
    return any(
        module in KERNEL_MODULES or module.startswith("coursekit.augment._jit")
        for module, _ in _closure(graph, roots)
    )


def kit_uses_kernels(kit: Path) -> bool:
    """What :func:`sandbox_kit` recorded: do the kit's graded functions reach the kernels?"""
    try:
        return (Path(kit) / "KERNELS.txt").read_text().strip() != "no"
    except OSError:
        return True  # not recorded: warm up, as before


def _stub_source(info: _Module, withheld: set[str]) -> str:
    """The module's source with the bodies of ``withheld`` definitions replaced."""
    lines = info.source.splitlines(keepends=True)
    edits = []
    for name in withheld:
        node = info.defs[name]
        if isinstance(node, ast.ClassDef):
            continue  # a class keeps its shape; its methods call withheld functions at most
        start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
        end = node.end_lineno
        indent = " " * node.col_offset
        first = node.body[0].lineno - 1
        if first > node.lineno - 1:  # the signature as written (it may span lines)
            header = "".join(lines[node.lineno - 1 : first]).rstrip("\n").split("\n")
        else:  # a one-line definition
            header = [f"def {node.name}({ast.unparse(node.args)}):"]
        header = [h.rstrip() for h in header]
        body = [line + "\n" for line in header]
        if ast.get_docstring(node, clean=False) is not None:  # the docstring as written
            docstring = node.body[0]
            body += lines[docstring.lineno - 1 : docstring.end_lineno]
        body.append(
            f"{indent}    from coursekit._withheld import WithheldReference\n"
            f"{indent}    raise WithheldReference({info.name + '.' + name!r})\n"
        )
        edits.append((start, end, body))
    for start, end, body in sorted(edits, reverse=True):
        lines[start:end] = body
    return "".join(lines)


def _digest(package_dir: Path, assignment: str) -> str:
    digest = hashlib.sha256(assignment.encode())
    for path in sorted(package_dir.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(str(path.relative_to(package_dir)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def default_cache() -> Path:
    """Instructor-side folder of the sandbox kits: ``$COURSEKIT_SANDBOX_CACHE`` or ~/.cache."""
    # Beside the data cache, never inside it: the data cache is readable in every sandbox,
    # and another assignment's kit holds this assignment's references.
    base = os.environ.get("COURSEKIT_SANDBOX_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "coursekit-sandbox"
    )
    return Path(base)


def sandbox_kit(assignment: str, cache: Path | None = None) -> Path:
    """The folder to put first on the student process's path for ``assignment``.

    Made once per assignment and kit version (a content hash names it), atomically.
    """
    if assignment not in {q.assignment for q in QUESTIONS}:
        raise ValueError(f"unknown assignment {assignment!r}")
    package_dir = Path(__file__).resolve().parents[1]
    cache = Path(cache or default_cache())
    target = cache / f"{assignment}-{_digest(package_dir, assignment)}"
    if (target / "coursekit" / "__init__.py").is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=cache))
    withheld = withheld_functions(assignment, package_dir)
    by_module: dict[str, set[str]] = {}
    for module, name in withheld:
        by_module.setdefault(module, set()).add(name)
    modules = _load(package_dir)
    for path in sorted(package_dir.rglob("*")):
        if "__pycache__" in path.parts or path.is_dir() or path.suffix in (".pyc", ".pyo"):
            continue
        relative = path.relative_to(package_dir)
        out = building / "coursekit" / relative
        if path.suffix == ".py":
            name = _module_name(package_dir, path)
            if not _kept_module(name):
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            if name in by_module:
                out.write_text(_stub_source(modules[name], by_module[name]), encoding="utf-8")
            else:
                shutil.copyfile(path, out)
        elif relative.parts[0] not in ("grading", "checks"):
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, out)
    checks = building / "coursekit" / "checks"
    checks.mkdir(parents=True, exist_ok=True)
    (checks / "__init__.py").write_text(_STUB_CHECKS, encoding="utf-8")
    (building / "WITHHELD.txt").write_text(
        "".join(f"{m}.{n}\n" for m, n in sorted(withheld)), encoding="utf-8"
    )
    uses = reaches_compiled_kernels(assignment, package_dir)
    (building / "KERNELS.txt").write_text("yes\n" if uses else "no\n", encoding="utf-8")
    for folder, _, files in os.walk(building):
        os.chmod(folder, 0o755)
        for file in files:
            os.chmod(os.path.join(folder, file), 0o644)
    try:
        os.replace(building, target)
    except OSError:  # another grader made it first
        shutil.rmtree(building, ignore_errors=True)
    return target
