"""The pages of the course website made from the repository (``make site``, ``site_build.py``).

Each function returns the MyST Markdown of one page, made at build time from what is in the
repository, so that the site never disagrees with it: the landing page (from the notebooks
and the proposal's credits), the clinical table of the seven diagnoses (notebook 01's table and
its references, with HAM10000's counts from ``coursekit.data``), the instructors' page (the
README's instructor sections) and the licences and citation page (``LICENSE``,
``LICENSE-content.md``, ``CITATION.cff``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from site_notebooks import is_answer, notebook_title, source

#: The rule behind "time per notebook": reading, plus the exercises (stated on the page).
WORDS_PER_MINUTE = 100
MINUTES_PER_FUNCTION = 15
MINUTES_PER_WRITTEN_ANSWER = 10
BRISTOL_COURSE = "https://bristol-training.github.io/applied-data-analysis-in-python/"
BRISTOL_APPENDIX = BRISTOL_COURSE + "pages/appendix_clustering_images.html"
HAM10000_DATAVERSE = "https://doi.org/10.7910/DVN/DBW86T"
HAM10000_PAPER = "https://doi.org/10.1038/sdata.2018.161"
MARKDOWN_LINK = re.compile(r"\]\((?!https?://|#|mailto:)([^)\s]+)\)")


@dataclass(frozen=True)
class NotebookPage:
    """One course notebook as the site shows it."""

    assignment: str  # "02-augmentation"
    docname: str  # "notebooks/02-augmentation"
    title: str
    words: int
    functions: int
    written: int

    @property
    def minutes(self) -> int:
        reading = self.words / WORDS_PER_MINUTE
        work = self.functions * MINUTES_PER_FUNCTION + self.written * MINUTES_PER_WRITTEN_ANSWER
        return int(5 * math.ceil((reading + work) / 5))


def describe_notebook(assignment: str, notebook: dict) -> NotebookPage:
    """What the landing page says about a release notebook: title, length and exercises."""
    words = sum(len(source(c).split()) for c in notebook["cells"])
    functions = sum(1 for c in notebook["cells"] if is_answer(c) and c["cell_type"] == "code")
    written = sum(1 for c in notebook["cells"] if is_answer(c) and c["cell_type"] == "markdown")
    return NotebookPage(assignment, f"notebooks/{assignment}", notebook_title(notebook), words,
                        functions, written)  # fmt: skip


def launch_links(repository: str | None, branch: str, path: str,
                 downloads: list[tuple[str, str]]) -> str:
    """The buttons of a notebook page: Binder, Codespaces and the ``.ipynb`` downloads.

    ``path``: the notebook in the repository, which Binder opens; ``downloads``: (label, href).
    """
    links = []
    if repository:
        links.append(f'<a class="coursekit-binder" href="https://mybinder.org/v2/gh/{repository}/'
                     f'{branch}?urlpath=lab/tree/{path}">Open in JupyterLab on Binder</a>')
        links.append(f'<a class="coursekit-codespaces" href="https://codespaces.new/{repository}'
                     f'?quickstart=1">Open in GitHub Codespaces</a>')
    links += [f'<a class="coursekit-download" href="{href}" download>{label}</a>'
              for label, href in downloads]  # fmt: skip
    return '<div class="coursekit-launch">\n' + "\n".join(links) + "\n</div>\n"


def index_page(pages: list[NotebookPage], edition: str, repository: str | None) -> str:
    """The landing page."""
    rows = "\n".join(
        f"| [{p.title}]({p.docname}.ipynb) | {p.functions} | {p.written} | about {p.minutes} min |"
        for p in pages
    )
    total = sum(p.minutes for p in pages)
    if edition == "self-study":
        edition_text = (
            "This is the **self-study edition**: every exercise is shown as students receive it, "
            'followed by its worked answer, folded behind a **Show answer** toggle. Try first, '
            "then open the answer."
        )
    else:
        edition_text = (
            "This is the **students' edition**: the exercises as released, without answers. "
            "Work in the notebook itself (the buttons at the top of each page open it); the check "
            "cells tell you how you are doing. Outputs shown are those of a run on the synthetic "
            "twin; cells whose output depends on your answers are shown without one."
        )
    repo_line = (
        f"The notebooks, the course kit and the graders are in the repository "
        f"<https://github.com/{repository}>."
        if repository
        else "Set `SITE_REPOSITORY=owner/name` when building to link the repository."
    )
    toctree = "\n".join(p.docname for p in pages)
    return f"""# Clustering medical images and augmenting small data sets

A short course for **medical students** on two skills that imaging research needs: **clustering
images** (the pixels within one image, and whole images by their features, judged honestly
against labels and against chance) and **augmenting small imaging data sets** to fight
overfitting. It uses the HAM10000 dermoscopy data set and scikit-image's `skin` image, and works
fully offline on a built-in *synthetic twin* of HAM10000.

{edition_text}

## What you learn

| notebook | functions you write | written answers | time |
|---|---|---|---|
{rows}

Time is an estimate (about {total} minutes in all): reading at {WORDS_PER_MINUTE} words a minute
(prose and code), {MINUTES_PER_FUNCTION} minutes per function you write and
{MINUTES_PER_WRITTEN_ANSWER} per written answer, rounded up to 5 minutes.

## For whom, and what you need first

- Medical students (the course proposal was written for the Bristol Medical School), and anyone
  who wants to try clustering and augmentation on real medical images.
- Python with NumPy arrays, pandas tables and Matplotlib plots, at the level of Bristol's
  [Applied Data Analysis in Python]({BRISTOL_COURSE}); this course extends its appendix on
  [clustering images]({BRISTOL_APPENDIX}) (one photo, pixel k-means, RGB vs Lab).
- No clinical knowledge beyond a first dermatology lecture: the
  [seven diagnoses](diagnoses.md) are described, and the [glossary](glossary.md) explains the
  terms.

## The data

HAM10000 (Tschandl P., Rosendahl C. & Kittler H., *Scientific Data* 5, 180161 (2018),
[doi:10.1038/sdata.2018.161]({HAM10000_PAPER})) holds 10,015 dermoscopic images of seven
diagnoses. It is released for non-commercial use (the course kit records the licence as
CC BY-NC-SA 4.0) under the terms on its Harvard Dataverse page,
<{HAM10000_DATAVERSE}>: read them there before you use the images. No image of it is stored in
the course or on this site: the figures here come from the synthetic twin, painted images with
HAM10000's layout (licence CC0 1.0).

## Credits

This course realises the proposal *Image Clustering* by **Catherine Upex** and **Winfred
Gatua**, written with the support of the **Jean Golding Institute (JGI), University of
Bristol**, led by Pau Erola and Dan Lawson. It builds on the clustering-images appendix of
Bristol's *Applied Data Analysis in Python*. {repo_line} Licences and how to cite:
[Licences and citation](licence.md).

```{{toctree}}
:hidden:
:caption: Notebooks

{toctree}
```

```{{toctree}}
:hidden:
:caption: Reference

diagnoses
glossary
instructors
licence
```
"""


def _section(markdown: str, heading: str) -> str:
    """The text of a level-2 section (``## heading``), its subsections included."""
    lines = markdown.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == f"## {heading}")
    except StopIteration:
        raise ValueError(f"no '## {heading}' section found") from None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start + 1 : end]).strip("\n")


def instructors_page(readme: str, repository: str | None, branch: str) -> str:
    """The README's "For instructors" section, its repository links made absolute."""
    text = _section(readme, "For instructors")
    base = f"https://github.com/{repository}/blob/{branch}/" if repository else None

    def absolute(match: re.Match) -> str:
        return f"]({base}{match[1]})" if base else "]"  # without a repository: plain text

    text = MARKDOWN_LINK.sub(absolute, text) if base else re.sub(
        r"\[([^\]]+)\]\((?!https?://)[^)]+\)", r"\1", text)  # fmt: skip
    return (
        "# For instructors\n\n"
        "This page is the README's section for instructors: the commands run from the top of a "
        "clone of the course repository (the answers and the hidden tests are there, never on "
        "this site).\n\n" + text.replace("\n### ", "\n## ") + "\n"
    )


def diagnoses_page(notebook: dict, counts: dict[str, tuple[str, int]]) -> str:
    """The clinical table of notebook 01 and its references, with HAM10000's image counts.

    ``counts``: diagnosis code -> (name, number of images in HAM10000).
    """
    markdown = [source(c).lstrip() for c in notebook["cells"] if c["cell_type"] == "markdown"]
    table_cell = next((m for m in markdown if m.startswith("### The seven diagnoses")), None)
    references = next((m for m in markdown if m.startswith("## References")), None)
    if table_cell is None or references is None:
        raise ValueError("notebook 01 has no '### The seven diagnoses' table or no "
                         "'## References' cell: the diagnoses page is made from them")  # fmt: skip
    body = table_cell.split("\n", 1)[1].strip("\n")
    total = sum(n for _, n in counts.values())
    rows = "\n".join(f"| `{code}` | {name} | {n:,} | {n / total:.1%} |"
                     for code, (name, n) in counts.items())  # fmt: skip
    refs = references.split("\n", 1)[1].strip("\n")
    return f"""# The seven diagnoses

The clinical table of notebook 1, with the number of images of each diagnosis in HAM10000.

{body}

## How many images of each

| `dx` | name in the metadata | images | share |
|---|---|---|---|
{rows}

{total:,} images in all (Tschandl, Rosendahl & Kittler 2018, [1]).

## References

{refs}
"""


def licence_page(root: Path) -> str:
    """The licences (code and course text) and how to cite, from the repository's files."""
    code = (root / "LICENSE").read_text()
    content = (root / "LICENSE-content.md").read_text()
    citation_text = (root / "CITATION.cff").read_text()
    citation = yaml.safe_load(citation_text)
    authors = ", ".join(f"{a['given-names']} {a['family-names']}" for a in citation["authors"])
    content_body = content.split("\n", 1)[1] if content.startswith("# ") else content
    return f"""# Licences and citation

## How to cite

> {authors}. *{citation["title"]}*, version {citation["version"]}.

{citation["message"]}

The same in the repository's `CITATION.cff` (which GitHub's "Cite this repository" reads):

```yaml
{citation_text.strip()}
```

## Course text and notebooks

{content_body.strip()}

## Code: BSD 3-Clause licence

```text
{code.strip()}
```
"""
