"""Code as a plagiarism detector compares it: normalised, tokenised, fingerprinted.

:func:`canonical_code` turns a function's source into code that is the same for
every copy made by renaming, re-commenting, reformatting or reordering
independent statements:

1. parse it (``ast``); drop docstrings and annotations;
2. in every block, sort each run of *independent* movable statements
   (assignments, imports, definitions; neither writes a name the other reads or
   writes; a method call on a name counts as writing it) by their normalised
   form, so the order a student chose for them no longer matters;
3. rename every variable, parameter, function and class to ``v``, every string
   (f-strings and error messages included) to ``"s"``;
4. print it back with :func:`ast.unparse`, which also drops comments and fixes
   the layout.

:func:`tokens` reads that text with :mod:`tokenize`; numbers become ``#``,
attribute names (``rot90``, ``astype``) and keywords stay, as they carry the
method. :func:`winnow` keeps the fingerprints of Schleimer, Wilkerson and Aiken
(2003), as MOSS does: the hashes of all k-grams of tokens, of which the
smallest in every window of ``window`` consecutive hashes is kept. Every
shared run of at least ``k + window - 1`` tokens is then found, and nothing
shorter than ``k`` tokens.

:func:`subtrees` is a second, independent view: the hashes of every normalised
AST subtree of some size (statements, expressions), as clone detectors that
compare syntax trees do.
"""

from __future__ import annotations

import ast
import hashlib
import io
import keyword
import tokenize
from dataclasses import dataclass

__all__ = ["Token", "canonical_code", "tokens", "winnow", "subtrees", "K", "WINDOW"]

#: Tokens per k-gram: shorter shared runs are noise (``v = v . copy ( )`` is 8).
K = 7
#: Winnowing window: any shared run of ``K + WINDOW - 1`` = 10 tokens is found.
WINDOW = 4
#: Smallest AST subtree (in nodes) that :func:`subtrees` keeps.
MIN_SUBTREE = 8

_MOVABLE = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Import, ast.ImportFrom,
            ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)  # fmt: skip
_BODIES = ("body", "orelse", "finalbody")
#: Methods that change the object they are called on (lists, dicts, sets, arrays, generators).
_MUTATING = frozenset({
    "append", "extend", "insert", "pop", "popitem", "remove", "clear", "update", "sort",
    "reverse", "setdefault", "add", "discard", "fill", "resize", "put", "itemset", "shuffle",
    "partition", "setflags", "send", "write", "seed",
})  # fmt: skip


@dataclass(frozen=True)
class Token:
    """One normalised token and the line of the canonical code where it is."""

    text: str
    line: int


def _reads_writes(stmt: ast.stmt) -> tuple[set[str], set[str]]:
    reads, writes = set(), set()
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        writes.add(stmt.name)
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name):
            (writes if isinstance(node.ctx, (ast.Store, ast.Del)) else reads).add(node.id)
        elif isinstance(node, ast.alias):
            writes.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(
            node.ctx, (ast.Store, ast.Del)
        ):
            base = node.value
            while isinstance(base, (ast.Attribute, ast.Subscript)):
                base = base.value
            if isinstance(base, ast.Name):
                writes.add(base.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            # x.append(...) changes x: moving it past a reader of x would change the code.
            if isinstance(node.func.value, ast.Name) and node.func.attr in _MUTATING:
                writes.add(node.func.value.id)
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
        reads.add(stmt.target.id)
    return reads, writes


def _independent(a, b) -> bool:
    (reads_a, writes_a), (reads_b, writes_b) = a, b
    return not (writes_a & (reads_b | writes_b) or writes_b & reads_a)


class _Rename(ast.NodeTransformer):
    """Every name to ``v``, every string to ``"s"``; no docstrings, no annotations."""

    def _strip_docstring(self, node):
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            if isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]

    def visit_FunctionDef(self, node):
        self._strip_docstring(node)
        node.name, node.returns, node.type_comment = "v", None, None
        return self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self._strip_docstring(node)
        node.name = "v"
        return self.generic_visit(node)

    def visit_Expr(self, node):
        # A bare string is a comment in disguise.
        if isinstance(node.value, (ast.Constant, ast.JoinedStr)) and not isinstance(
            getattr(node.value, "value", ""), (int, float, complex)
        ):
            return None
        return self.generic_visit(node)

    def visit_Name(self, node):
        node.id = "v"
        return node

    def visit_arg(self, node):
        node.arg, node.annotation, node.type_comment = "v", None, None
        return node

    def visit_alias(self, node):
        node.asname = "v" if node.asname else None
        return node

    def visit_AnnAssign(self, node):
        node.annotation = ast.Name("v", ast.Load())
        return self.generic_visit(node)

    def visit_Global(self, node):
        node.names = ["v"] * len(node.names)
        return node

    visit_Nonlocal = visit_Global

    def visit_ExceptHandler(self, node):
        node.name = "v" if node.name else None
        return self.generic_visit(node)

    def visit_JoinedStr(self, node):
        return ast.copy_location(ast.Constant("s"), node)

    def visit_Constant(self, node):
        if isinstance(node.value, (str, bytes)):
            node.value = "s"
        return node


def _annotate(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        for name in _BODIES:
            body = getattr(node, name, None)
            for stmt in body if isinstance(body, list) else []:
                if isinstance(stmt, ast.stmt):
                    stmt._reads_writes = _reads_writes(stmt)
        for handler in getattr(node, "handlers", []) or []:
            for stmt in handler.body:
                stmt._reads_writes = _reads_writes(stmt)


def _sorted_block(body: list) -> list:
    """``body`` with each run of independent movable statements in a canonical order."""
    out, run = [], []

    def flush():
        out.extend(sorted(run, key=ast.dump))
        run.clear()

    for stmt in body:
        deps = getattr(stmt, "_reads_writes", None)
        if not isinstance(stmt, _MOVABLE) or deps is None:
            flush()
            out.append(stmt)
        elif all(_independent(deps, other._reads_writes) for other in run):
            run.append(stmt)
        else:
            flush()
            run.append(stmt)
    flush()
    return out


def _reorder(tree: ast.AST) -> None:
    # Innermost blocks first, so a block's sort key sees its children already in order.
    for node in reversed(list(ast.walk(tree))):
        for name in _BODIES:
            body = getattr(node, name, None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                setattr(node, name, _sorted_block(body))
        for handler in getattr(node, "handlers", []) or []:
            handler.body = _sorted_block(handler.body)


def canonical_code(source: str) -> str:
    """The canonical form of ``source`` (Python code), as described in the module docstring.

    Raises
    ------
    SyntaxError
        If ``source`` is not valid Python.
    """
    tree = ast.parse(source)
    _annotate(tree)  # dependencies come from the real names, before renaming
    tree = _Rename().visit(tree)
    _reorder(tree)
    return ast.unparse(ast.fix_missing_locations(tree))


def tokens(code: str) -> list[Token]:
    """Normalised tokens of canonical ``code``: numbers as ``#``, strings as ``$``.

    ``def`` lines are left out: the assignment gives every student the same signature.
    """
    out, in_header = [], False
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        kind, text, line = tok.type, tok.string, tok.start[0]
        if kind in (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER):
            continue
        # A signature is given by the assignment (everyone's is the same): not evidence.
        if kind == tokenize.NAME and text == "def":
            in_header = True
        if in_header:
            in_header = kind != tokenize.NEWLINE
            continue
        if kind == tokenize.NUMBER:
            text = "#"
        elif kind == tokenize.STRING:
            text = "$"
        elif kind == tokenize.NEWLINE:
            text = ";"
        elif kind == tokenize.INDENT:
            text = "{"
        elif kind == tokenize.DEDENT:
            text = "}"
        elif kind == tokenize.NAME and not keyword.iskeyword(text) and text != "v":
            text = f".{text}"  # an attribute or keyword-argument name: kept, it is the method
        out.append(Token(text, line))
    return out


def _hash(text: str) -> int:
    # Not hash(): Python salts it per process, and scores must not change between runs.
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def winnow(toks: list[Token], k: int = K, window: int = WINDOW) -> dict[int, tuple[int, int]]:
    """Fingerprints of ``toks``: ``{hash: (first line, last line)}`` of the k-gram kept.

    Of every ``window`` consecutive k-gram hashes the smallest is kept (the
    rightmost of equal ones), as in Schleimer et al. (2003).
    """
    grams = [
        (_hash(" ".join(t.text for t in toks[i : i + k])), toks[i].line, toks[i + k - 1].line)
        for i in range(len(toks) - k + 1)
    ]
    kept: dict[int, tuple[int, int]] = {}
    if not grams:
        return kept
    for start in range(max(1, len(grams) - window + 1)):
        chunk = grams[start : start + window]
        smallest = min(range(len(chunk)), key=lambda i: (chunk[i][0], -i))
        value, first, last = chunk[smallest]
        kept.setdefault(value, (first, last))
    return kept


def subtrees(code: str, min_nodes: int = MIN_SUBTREE) -> set[int]:
    """Hashes of the canonical AST subtrees of ``code`` with at least ``min_nodes`` nodes."""
    found = set()
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, (ast.stmt, ast.expr)) or isinstance(node, ast.FunctionDef):
            continue
        if sum(1 for _ in ast.walk(node)) >= min_nodes:
            found.add(_hash(ast.dump(node, annotate_fields=False)))
    return found
