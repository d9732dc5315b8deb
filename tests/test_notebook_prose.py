"""No figure in a notebook's prose that the notebook does not compute (issue 11).

Every decimal number and percentage in a markdown cell must appear in a code cell (a
parameter such as ``test_size=0.2``), in the printed outputs of the executed solution
notebook (a result, computed from the data in use). The measurements on real HAM10000
images (``coursekit.data.synthetic.REAL_REFERENCE``) are printed by a code cell too, never
typed. Citations (DOIs, journal volumes) are in the references cell, which is left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "source").glob("*/*.ipynb"))
_NUMBER = re.compile(r"(?<![\w.])[−-]?\d+\.\d+(?![\w.])|\d+(?:\.\d+)?\s?%")
#: Numbers that define something rather than report a result: the chance band is the middle
#: 95 % of random clusterings (2.5th to 97.5th percentile); "more than 50 % of lesions are
#: confirmed by histopathology" is the data set's own description (Tschandl et al. 2018).
DEFINITIONS = {"95", "2.5", "97.5", "50"}


def _numbers(text: str) -> set[str]:
    found = set()
    text = re.sub(r"`[^`]*`", "", text)  # inline code is code, e.g. `np.rint(2.7)`
    for match in _NUMBER.findall(text):
        value = match.replace("−", "-").replace(" ", "")
        found.add(value.rstrip("%") if value.endswith("%") else value)
    return found


def _computed(path: Path) -> set[str]:
    source = nbformat.read(str(path), as_version=4)
    solution = nbformat.read(str(REPO / "solutions" / path.parent.name / path.name), as_version=4)
    texts = [c.source for c in source.cells if c.cell_type == "code"]
    for cell in solution.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            data = output.get("data", {})
            texts += [data.get("text/plain", ""), data.get("text/html", "")]
    numbers = set()
    for text in texts:
        numbers |= {n.rstrip("%") for n in re.findall(r"[−-]?\d+(?:\.\d+)?", str(text))}
    return numbers


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_every_figure_in_the_prose_is_printed_by_a_code_cell(path):
    notebook = nbformat.read(str(path), as_version=4)
    markdown = [c for c in notebook.cells if c.cell_type == "markdown"][:-1]  # not references
    # a worked example in inline code (`np.rint(2.7)`) may be repeated in words
    examples = {n for c in markdown for code in re.findall(r"`[^`]*`", c.source)
                for n in re.findall(r"\d+(?:\.\d+)?", code)}  # fmt: skip
    allowed = _computed(path) | DEFINITIONS | examples
    typed = {}
    for index, cell in enumerate(markdown):
        for number in _numbers(cell.source):
            if number not in allowed and number.lstrip("-") not in allowed:
                typed.setdefault(number, index)
    assert not typed, f"{path.parent.name}: figures typed in markdown: {typed}"


def _solution(path: Path):
    return nbformat.read(str(REPO / "solutions" / path.parent.name / path.name), as_version=4)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_no_twin_record_shows_a_real_id(path):
    # The solutions run on the synthetic twin: its ids are SYN_/SYNL_, never a real ISIC/HAM one
    # (issue 20), so that no printed record or screenshot can pass for a real patient's.
    for cell in _solution(path).cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "") + output.get("data", {}).get("text/plain", "")
            assert not re.search(r"\b(ISIC|HAM)_\d{7}\b", text), text[:300]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_chance_bands_use_1000_shuffles_and_make_check_works_in_both_copies(path):
    notebook = nbformat.read(str(path), as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    for call in re.findall(r"random_baseline\([^)]*\)", code):
        assert "n_repeats=1000" in call, call
    markdown = " ".join(" ".join(c.source.split()) for c in notebook.cells
                        if c.cell_type == "markdown")  # fmt: skip
    name = f"{path.parent.name}/{path.name}"
    assert f"make check NOTEBOOK=notebooks/{name}" in markdown  # the students' copy
    assert f"make check NOTEBOOK=release/{name}" in markdown  # this repository


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_an_adjusted_rand_index_is_never_called_a_share(path):
    notebook = nbformat.read(str(path), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        rows = [line for line in cell.source.splitlines() if line.startswith("|")]
        prose = " ".join(line for line in cell.source.splitlines() if not line.startswith("|"))
        for sentence in rows + re.split(r"(?<=[.!?])\s+", " ".join(prose.split())):
            if re.search(r"\bARI\b|Rand index", sentence):
                assert not re.search(r"\bshare\b", sentence), sentence
