"""coursekit's modules import one another without circles, so each package reads bottom-up.

The graph is read from the source with :mod:`ast`, not by importing it: an edge
``a -> b`` for every import of module ``b`` anywhere in ``a`` -- at module level,
inside a function (a deferred import still makes ``a`` depend on ``b``, and a
circle of them is what a reader cannot untangle), and ``importlib.import_module``
or ``__import__`` of a literal name. ``from package import name`` is an edge to
``package.name`` when that is a module, else to ``package`` (its ``__init__``).
The implicit import of a module's parent packages is not an edge: a package's
``__init__`` importing its own modules is the normal layering.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import coursekit

SOURCE = Path(coursekit.__file__).parent


def module_files(package_dir: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` file under ``package_dir``."""
    top = package_dir.name
    modules = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = [top, *path.relative_to(package_dir).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _literal_import(node: ast.Call) -> str | None:
    """The module named by ``importlib.import_module("x")`` or ``__import__("x")``, if literal."""
    function = node.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
    if name not in ("import_module", "__import__") or not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def import_edges(modules: dict[str, Path]) -> dict[str, dict[str, str]]:
    """``{module: {imported module: "file:line"}}`` between the modules of ``modules``."""
    edges = {name: {} for name in modules}
    root = modules[min(modules, key=len)].parent  # the top package's folder
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        package = name if is_package else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    targets.append(submodule if submodule in modules else source)
            elif isinstance(node, ast.Call):
                literal = _literal_import(node)
                targets = [literal] if literal else []
            for target in targets:
                # ``import a.b.c`` where c is a name, not a module: the deepest module named.
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    where = path.relative_to(root).as_posix()
                    edges[name].setdefault(target, f"{where}:{node.lineno}")
    return edges


def find_cycles(graph: dict[str, dict | set]) -> list[list[str]]:
    """One circle per strongly connected group of ``graph`` (Tarjan), as ``[a, b, ..., a]``.

    Parameters
    ----------
    graph : dict
        Node -> its successors (any iterable of nodes; nodes absent as keys have none).

    Returns
    -------
    list of list of str
        Each circle starts and ends at its group's smallest node; sorted; empty when the
        graph has no circle (a node importing itself counts as one).
    """
    index, low, on_stack, stack, groups = {}, {}, set(), [], []

    def visit(node):  # recursion depth is bounded by the number of modules (~100)
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in graph.get(node, ()):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(_circle_through(graph, group) for group in groups)


def _circle_through(graph, group: set) -> list[str]:
    """A shortest circle from the group's smallest node back to it, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for successor in sorted(graph.get(node, ())):
                if successor == start:
                    return paths[node] + [start]
                if successor in group and successor not in paths:
                    paths[successor] = paths[node] + [successor]
                    following.append(successor)
        frontier = following
    raise AssertionError(f"{sorted(group)} is not strongly connected")  # pragma: no cover


def describe(circle: list[str], edges: dict[str, dict[str, str]]) -> str:
    """``a -> b (a.py:3) -> a (b.py:9)``."""
    steps = [circle[0]]
    for source, target in zip(circle, circle[1:], strict=False):
        steps.append(f"{target} ({edges[source][target]})")
    return " -> ".join(steps)


# --- the cycle finder can fail --------------------------------------------------------------


def test_find_cycles_names_each_circle_and_passes_a_layered_graph():
    layered = {"top": {"middle", "bottom"}, "middle": {"bottom"}, "bottom": set()}
    assert find_cycles(layered) == []
    graph = {
        "a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(),  # a -> b -> c -> a
        "e": {"f"}, "f": {"e"},  # a second, separate circle
        "g": {"g"},  # a module importing itself
        "h": {"a"},  # above a circle, not in it
    }  # fmt: skip
    assert find_cycles(graph) == [["a", "b", "c", "a"], ["e", "f", "e"], ["g", "g"]]


def _write_package(root: Path, files: dict[str, str]) -> Path:
    package = root / "pkg"
    for relative, text in files.items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


def test_import_edges_see_function_level_relative_and_literal_imports(tmp_path):
    package = _write_package(tmp_path, {
        "__init__.py": "from pkg.sub import low\n",
        "sub/__init__.py": "",
        "sub/low.py": "import numpy\n\ndef late():\n    from . import high\n",
        "sub/high.py": "from .low import late\nfrom pkg.sub import low\n",
        "other.py": "import importlib\nimportlib.import_module('pkg.sub.high')\n"
                    "import pkg.sub.low as alias\n",
    })  # fmt: skip
    edges = import_edges(module_files(package))
    assert {name: set(targets) for name, targets in edges.items()} == {
        "pkg": {"pkg.sub.low"},
        "pkg.sub": set(),
        "pkg.sub.low": {"pkg.sub.high"},  # the function-level import
        "pkg.sub.high": {"pkg.sub.low"},
        "pkg.other": {"pkg.sub.high", "pkg.sub.low"},
    }
    assert edges["pkg.sub.low"]["pkg.sub.high"] == "sub/low.py:4"
    [circle] = find_cycles(edges)
    assert describe(circle, edges) == (
        "pkg.sub.high -> pkg.sub.low (sub/high.py:1) -> pkg.sub.high (sub/low.py:4)"
    )


# --- coursekit --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def coursekit_edges():
    return import_edges(module_files(SOURCE))


def test_the_graph_is_read_from_every_module(coursekit_edges):
    # Known edges, at module and at function level: a graph that lost them would pass anything.
    assert "coursekit.augment._accel" in coursekit_edges["coursekit.augment.colour"]
    assert "coursekit.data.loader" in coursekit_edges["coursekit.data.dataset"]
    assert "coursekit.data.loader" in coursekit_edges["coursekit.data.reference"]  # in a function
    assert len(coursekit_edges) == len(list(SOURCE.rglob("*.py")))


def test_coursekit_has_no_import_circles(coursekit_edges):
    circles = "\n".join(describe(c, coursekit_edges) for c in find_cycles(coursekit_edges))
    assert not circles, f"import circles (module -> imported module (file:line)):\n{circles}"
