"""Scores between the submissions of a class, and between each submission and the kit.

Each function body becomes a set of fingerprints (:mod:`.normalise`). Each
fingerprint is weighed by how rare it is in the class: with ``N`` submissions of
a function (at least ``Settings.min_class``), one that ``df`` of them contain
weighs ``1 - (df - 1) / (N - 1)`` -- 1 when a single submission has it -- and
nothing when more than ``Settings.common`` of the others have it too: what most
of the class writes (``image = np.asarray(image)``, ``np.rot90(image, k).copy()``)
is how the task is solved, not a sign of copying.

Two submissions score ``shared / min(own_a, own_b)`` (the weights of the
fingerprints both have, over the smaller one's total); against the kit a
submission scores ``shared / own`` (how much of its code is in the kit's). A
pair is listed when its score reaches ``Settings.threshold`` *and* the shared
weight reaches ``Settings.min_shared`` (20 distinctive fingerprints, about five
lines of code few others wrote): a short function written alike by two students is
too little evidence, whatever its score.

Against the kit, the fingerprints the kit shares with the instructor's model
solution (``source/``) are left out: that code is what the task asks for.

A submission that calls or defines one of the kit's *private* helpers (a name of
the reference's call tree under a module or function whose name starts with
``_``, such as ``_flip_view``, ``check_image`` or ``contiguous_copy``) is listed
against the kit whatever its length: students have no reason to know those names.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from itertools import combinations

from coursekit.similarity.normalise import WINDOW, K, canonical_code, subtrees, tokens, winnow
from coursekit.similarity.sources import Submission, kit_fragments, model_solutions

__all__ = ["Settings", "Document", "Match", "document", "compare", "KIT"]

#: The name the kit's code goes by in matches.
KIT = "kit"


@dataclass(frozen=True)
class Settings:
    """How similar is suspicious.

    Attributes
    ----------
    threshold : float
        Lowest score listed (0..1).
    min_shared : float
        Lowest shared weight listed (in distinctive fingerprints).
    common : float
        Fingerprints in more than this share of the other submissions weigh nothing.
    min_class : int
        Below this many submissions of a function, nothing is down-weighted (too few
        to tell an idiom from a copy).
    k, window : int
        k-gram length and winnowing window, in tokens.
    """

    threshold: float = 0.6
    min_shared: float = 20.0
    common: float = 0.5
    min_class: int = 5
    k: int = K
    window: int = WINDOW

    def __post_init__(self):
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1]; got {self.threshold}")
        if self.min_shared < 0 or not 0.0 <= self.common <= 1.0:
            raise ValueError(
                f"min_shared must be >= 0 and common in [0, 1]; got {self.min_shared}, "
                f"{self.common}"
            )


@dataclass
class Document:
    """One function's code as compared: its source, canonical form and fingerprints."""

    owner: str
    source: str
    code: str
    prints: dict
    trees: set
    path: str = ""
    names: frozenset = frozenset()
    expected: frozenset = frozenset()


@dataclass
class Match:
    """A pair listed as similar.

    Attributes
    ----------
    assignment, function : str
    first, second : str
        Who: student names; ``second`` is ``"kit"`` for the kit's own code.
    score : float
        Shared weight over the smaller side's (over the submission's, against the kit).
    shared : float
        Weight of the fingerprints both sides have.
    ast : float
        Share of the smaller side's normalised AST subtrees found in the other.
    why : str
        The evidence, in a sentence.
    first_lines, second_lines : list of int
        Lines of each side's canonical code that the shared fingerprints cover.
    """

    assignment: str
    function: str
    first: str
    second: str
    score: float
    shared: float
    ast: float
    why: str
    first_lines: list = field(default_factory=list, repr=False)
    second_lines: list = field(default_factory=list, repr=False)
    documents: tuple = field(default=(), repr=False, compare=False)

    def to_dict(self) -> dict:
        """The match without its code, for JSON and CSV."""
        data = asdict(self)
        for key in ("first_lines", "second_lines", "documents"):
            data.pop(key)
        data["score"], data["shared"], data["ast"] = (
            round(self.score, 4), round(self.shared, 2), round(self.ast, 4)
        )
        return data


def document(owner: str, source: str, settings: Settings, path: str = "") -> Document | None:
    """The :class:`Document` of ``source``; None when it does not parse (nothing to compare)."""
    try:
        code = canonical_code(source)
    except (SyntaxError, ValueError, RecursionError):
        return None
    prints = winnow(tokens(code), settings.k, settings.window)
    return Document(owner, source, code, prints, subtrees(code), path, _names(source))


def _names(source: str) -> frozenset:
    """Every name the code uses or defines, as written (before normalising)."""
    import ast

    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.alias):
            found.add(node.name.rpartition(".")[2])
    return frozenset(found)


def _kit_document(question, settings: Settings) -> Document | None:
    fragments = kit_fragments(question.reference)
    source = "\n\n".join(f"# {name}\n{code}" for name, code in fragments)
    doc = document(KIT, source, settings, question.reference)
    model = model_solutions(question.assignment).get(question.name)
    expected = model and document("model", model, settings)
    if doc is not None and expected:
        # What the model solution shares with the kit is what the task asks for.
        doc.prints = {v: lines for v, lines in doc.prints.items() if v not in expected.prints}
        doc.trees = doc.trees - expected.trees
        doc.expected = frozenset(expected.prints)
    if doc is not None:
        private = {name.rpartition(".")[2] for name, _ in fragments
                   if any(part.startswith("_") for part in name.split("."))}  # fmt: skip
        doc.names = frozenset(private)
    return doc


def _lines(prints: dict, shared: set) -> list[int]:
    lines = set()
    for value in shared:
        first, last = prints[value]
        lines.update(range(first, last + 1))
    return sorted(lines)


def _weights(documents: list[Document], settings: Settings) -> dict[int, float]:
    frequency: dict[int, int] = {}
    for doc in documents:
        for value in doc.prints:
            frequency[value] = frequency.get(value, 0) + 1
    n = len(documents)
    if n < max(settings.min_class, 2):
        return dict.fromkeys(frequency, 1.0)
    weights = {}
    for value, df in frequency.items():
        share = (df - 1) / (n - 1)
        weights[value] = 0.0 if share > settings.common else 1.0 - share
    return weights


def _pair(a: Document, b: Document, weights, settings, assignment, function) -> Match | None:
    shared = {v for v in a.prints.keys() & b.prints.keys() if weights.get(v, 0.0) > 0}
    mass = sum(weights[v] for v in shared)
    # Against the kit, what the model solution has too is neither shared nor the student's own.
    own_a = sum(weights.get(v, 0.0) for v in a.prints if v not in b.expected)
    if b.owner == KIT:
        base, whose = own_a, f"{a.owner}'s"
        ast_score = len(a.trees & b.trees) / len(a.trees) if a.trees else 0.0
    else:
        own_b = sum(weights.get(v, 0.0) for v in b.prints)
        base, whose = min(own_a, own_b), "the shorter one's"
        smaller = min(len(a.trees), len(b.trees))
        ast_score = len(a.trees & b.trees) / smaller if smaller else 0.0
    score = mass / base if base else 0.0
    private = sorted(a.names & b.names) if b.owner == KIT else []
    if not private and (score < settings.threshold or mass < settings.min_shared):
        return None
    ignored = sum(1 for v in a.prints.keys() & b.prints.keys() if weights.get(v, 0.0) == 0)
    why = (
        f"{mass:.1f} of {base:.1f} distinctive fingerprints shared ({score:.0%} of {whose} code, "
        f"after renaming, re-commenting, reformatting and reordering); "
        f"{ast_score:.0%} of normalised syntax subtrees equal"
    )
    if ignored:
        why += f"; {ignored} fingerprint(s) common in the class left out"
    if private:
        why += f"; uses the kit's private helpers {', '.join(private)}"
    return Match(
        assignment, function, a.owner, b.owner, score, mass, ast_score, why,
        _lines(a.prints, shared), _lines(b.prints, shared), (a, b),
    )  # fmt: skip


def compare(
    submissions: list[Submission], settings: Settings | None = None, *, kit: bool = True
) -> list[Match]:
    """Every pair above the thresholds, most similar first.

    Parameters
    ----------
    submissions : list of Submission
        The class (any assignments; each function is compared within its assignment).
    settings : Settings, optional
    kit : bool
        Also compare each submission with the kit's reference and its helpers.
    """
    from coursekit.grading.questions import questions_for

    settings = settings or Settings()
    matches = []
    for assignment in sorted({s.assignment for s in submissions if s.assignment}):
        for question in questions_for(assignment):
            documents = []
            for sub in sorted(submissions, key=lambda s: s.name):
                source = sub.functions.get(question.name) if sub.assignment == assignment else None
                doc = source and document(sub.name, source, settings, str(sub.path))
                if doc is not None and doc.prints:
                    documents.append(doc)
            weights = _weights(documents, settings)
            found = []
            if kit:
                reference = _kit_document(question, settings)
                if reference is not None:
                    found += [_pair(d, reference, weights, settings, assignment, question.name)
                              for d in documents]  # fmt: skip
            found += [_pair(a, b, weights, settings, assignment, question.name)
                      for a, b in combinations(documents, 2)]  # fmt: skip
            matches += [m for m in found if m is not None]
    return sorted(matches, key=lambda m: (-round(m.score, 9), m.assignment, m.function,
                                          m.first, m.second))  # fmt: skip
