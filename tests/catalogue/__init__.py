"""A catalogue of student solutions of the graded functions: wrong ones and correct ones.

Each :class:`Entry` is one solution cell as a student might write it from the notebook's
words: the wrong ones with a typical misunderstanding (its ``klass`` names the kind of
mistake, so that a report can say which kinds the hidden tests miss), the correct ones
written differently from the course kit's reference. ``tests/test_catalogue.py`` grades
every entry with the real hidden tests (:mod:`fixtures.local_student`): every wrong entry
must lose points on its question and every correct one must get full marks.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Entry", "all_entries"]


@dataclass(frozen=True)
class Entry:
    """One student solution cell.

    Attributes
    ----------
    question : str
        The graded function the cell defines (a name in ``QUESTIONS``).
    name : str
        Short identifier, unique within the question.
    klass : str
        For a wrong entry, the kind of mistake ("truncation instead of rounding"); for a
        correct one, what makes it different ("slicing and .copy()").
    correct : bool
        True when the cell honours the whole contract (every check's title).
    source : str
        The cell's source; it may define helpers and constants at module level.
    """

    question: str
    name: str
    klass: str
    correct: bool
    source: str

    @property
    def id(self) -> str:
        return f"{self.question}:{'ok' if self.correct else 'bug'}:{self.name}"


def all_entries() -> list[Entry]:
    """Every entry of the four assignments, in notebook order."""
    from catalogue import augmentation, clustering, images, small_data

    entries = [*images.ENTRIES, *augmentation.ENTRIES, *clustering.ENTRIES, *small_data.ENTRIES]
    ids = [e.id for e in entries]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ValueError(f"duplicated catalogue entries: {duplicated}")
    return entries
