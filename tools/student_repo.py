"""Build the copy of the course that students receive (what ``make student-repo OUT=DIR`` runs).

The copy holds what a student needs and nothing that gives answers away:

* ``notebooks/<assignment>/*.ipynb`` -- the release notebooks (``release/``, made by
  ``make release``: no solutions, no hidden tests);
* the course kit (``src/``, ``pyproject.toml``, ``constraints.txt``), with the data tools that
  make the synthetic twin of HAM10000 or read the real one;
* a ``Makefile`` with the students' targets (``install``, ``lab``, ``check``), ``tools/lab.py``
  behind ``make lab`` and a small ``nbgrader_config.py`` for the Validate button;
* a student ``README.md``, ``.gitignore``, and the GitHub Codespaces (``.devcontainer/``) and
  Binder (``binder/``) set-ups.

Never copied: ``source/`` and ``solutions/`` (the answers), ``autograder/`` (the hidden tests),
``tests/``, ``benchmarks/``, ``release/README.md`` and the instructors' tools. The course kit's
own reference functions are in the package (students need the kit); a submission that calls
them scores zero, and the student README says so.

Usage::

    python tools/student_repo.py --output student-copy                 # every assignment
    python tools/student_repo.py --output c --assignment 02-augmentation  # one assignment
    python tools/student_repo.py --output c --platform gradescope     # upload instructions
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: Folder of the notebooks inside the student copy.
NOTEBOOKS = "notebooks"

#: What ``pyproject.toml``'s extras give students: the course tools and the grading engine
#: (pytest, hypothesis) behind ``coursekit check``.
INSTALL_EXTRAS = "course,dev"

#: Texts that only the answers or the hidden tests contain; the copy holds none of them
#: (``grade_in_notebook`` only inside the grading engine that recognises the call).
FORBIDDEN = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN SOLUTION", "END SOLUTION")

_IGNORED = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "*.egg-info", ".ipynb_checkpoints", ".pytest_cache", ".DS_Store"
)

MAKEFILE = """\
# Your course notebooks. On a machine with python3 (>= 3.11) and make:
#   make install                    create .venv and install the course kit (once)
#   make lab                        JupyterLab on notebooks/
#   make check NOTEBOOK=notebooks/<assignment>/<name>.ipynb
#                                   points per check and feedback for one notebook (an estimate)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOK ?=
NOTEBOOKS_DIR := @NOTEBOOKS@

.PHONY: help install lab check

help:
\t@echo "make install | make lab | make check NOTEBOOK=notebooks/<assignment>/<name>.ipynb"

$(BIN)/python:
\t$(PYTHON) -m venv $(VENV)
\t$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever the package metadata or the pinned versions change.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt
\t$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[EXTRAS]"
\t$(BIN)/python -c "import coursekit.augment as a; a.warm_up()"
\ttouch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
\t$(BIN)/python tools/lab.py --root $(NOTEBOOKS_DIR)

# The quick public checks of every graded function of one notebook, outside JupyterLab.
check: $(STAMP)
\t@if [ -z "$(NOTEBOOK)" ]; then \\
\t  echo "make check: say which notebook, e.g." >&2; \\
\t  ls $(NOTEBOOKS_DIR)/*/*.ipynb | sed 's/^/  make check NOTEBOOK=/' >&2; \\
\t  exit 2; fi
\t$(BIN)/coursekit check "$(NOTEBOOK)"
""".replace("EXTRAS", INSTALL_EXTRAS).replace("@NOTEBOOKS@", NOTEBOOKS)

GITIGNORE = """\
.venv/
__pycache__/
*.egg-info/
.ipynb_checkpoints/
.pytest_cache/
"""

NBGRADER_CONFIG = """\
\"\"\"nbgrader settings for the Validate button (JupyterLab runs from this folder).\"\"\"

c = get_config()  # noqa: F821  (provided by nbgrader)

# Each notebook runs in under a minute; give slow machines room, but never hang.
c.Execute.timeout = 300
"""

DEVCONTAINER = {
    "name": "Course notebooks: clustering medical images and data augmentation",
    "image": "mcr.microsoft.com/devcontainers/python:1-3.11-bookworm",
    "hostRequirements": {"cpus": 2, "memory": "8gb"},
    "postCreateCommand": "make install && .venv/bin/python -c "
    '"from coursekit.data import load_dataset; load_dataset()"',
    "postAttachCommand": {"jupyterlab": "make lab"},
    "forwardPorts": [8888],
    "portsAttributes": {
        "8888": {"label": "JupyterLab (your notebooks)", "onAutoForward": "openBrowser"}
    },
    "customizations": {
        "codespaces": {"openFiles": ["README.md"]},
        "vscode": {
            "extensions": ["ms-python.python", "ms-toolsai.jupyter"],
            "settings": {
                "python.defaultInterpreterPath": "${containerWorkspaceFolder}/.venv/bin/python",
                "python.terminal.activateEnvironment": True,
            },
        },
    },
}

BINDER_REQUIREMENTS = """\
# Binder (repo2docker) runs `pip install -r binder/requirements.txt` from the top folder.
# The same pinned set as `make install`. pip reads -c relative to this file and -e relative
# to the working folder.
-c ../constraints.txt
-e .[EXTRAS]
""".replace("EXTRAS", INSTALL_EXTRAS)

README = """\
# Clustering medical images and data augmentation: your notebooks

These notebooks teach you to **cluster medical images** (the pixels of one dermoscopy image, and
whole images by their features), to judge clusters honestly against labels, and to **augment
small imaging data sets** (rotations, flips, colour changes) to fight overfitting.

## Set up (once)

On a computer with `python3` (3.11 or newer) and `make`, in this folder:

```bash
make install
make lab
```

`make install` creates a private Python environment in `.venv/` and installs the course kit
(a few minutes, once). `make lab` opens JupyterLab in your browser on the `notebooks/` folder;
stop it with Ctrl-C in the terminal. No installation at all: open this repository in GitHub
Codespaces (*Code -> Codespaces*, it runs both commands for you), or on Binder (`binder/`).

## The notebooks

Work through them in order:

NOTEBOOK_TABLE

Each exercise is a function to write, in a cell that says `# YOUR CODE HERE`. Replace the
`raise NotImplementedError()` line with your code and run the cell.

## Check your work

- **The check cell** under each exercise, e.g. `check("EXAMPLE_QUESTION")`, runs a few of
  the graded checks on your function in under three seconds and prints the grader's own
  feedback: what was tried, the smallest input that failed, what was expected and what your
  function gave.
- **Validate** (the button in the notebook's toolbar) runs the whole notebook and every check
  cell, and tells you which ones fail.
- **Your points so far**, outside JupyterLab, for one notebook:

  ```bash
  make check NOTEBOOK=EXAMPLE_NOTEBOOK
  ```

  It prints every check with its points and the feedback of the ones that fail. It is an
  estimate: the graded version tries many more inputs, so a check that passes here can still
  fail there; written answers are graded by hand and show as pending.
- Once your function passes its check, the later cells of the notebook use **your** version
  (`yours("EXAMPLE_QUESTION")`), so a mistake shows up in the figures that follow. Until then
  they use the course kit's version and say so.

The course kit (`src/coursekit/`) holds its own versions of every function you write: they
are there to compare against once you are done. A submission that calls them instead of doing
the work scores zero for that function.

## Where the data come from

The notebooks find their data by themselves; the first cells print which data set is in use.

- By default, a **synthetic twin of HAM10000** (700 dermoscopy-like images with the real data
  set's layout, diagnoses and acquisition sites), made on your computer the first time it is
  needed (about half a minute, with a progress bar) and kept in your cache folder.
- The **real HAM10000** (Tschandl, Rosendahl and Kittler, Sci. Data 5, 180161, 2018; licence
  CC BY-NC-SA 4.0; about 3 GB) is used instead when the environment variable `COURSEKIT_DATA`
  names a folder holding it; your instructor tells you when that is the case.
- scikit-image's `skin` microscopy image is downloaded on first use; offline, a bundled
  microscopy image of colon glands stands in for it, and the notebook says so.

## Handing in

HAND_IN
"""

HAND_IN_DEFAULT = """\
Your instructor tells you how: through JupyterLab's *Assignments* tab (nbgrader), by uploading
the notebook (`.ipynb`) to Gradescope or your learning platform, or by committing and pushing
it (GitHub Classroom). Hand in the notebook file itself, with your answers saved."""

HAND_IN_GRADESCOPE = """\
Upload your notebook to Gradescope: open the assignment there, choose *Upload Submission* and
drop the `.ipynb` file from `notebooks/<assignment>/` (save it in JupyterLab first; any name
works). Nothing needs to be committed or pushed. Within a few minutes Gradescope shows every
check's points and feedback; written answers are graded by hand afterwards. You may upload
again until the deadline: the last upload counts."""

HAND_IN_JUPYTERHUB = """\
Submit in JupyterHub: save the notebook, open the *Assignments* tab (*Nbgrader* menu ->
*Assignments*), find the assignment under *Downloaded assignments* and press *Submit*.
Nothing needs to be uploaded elsewhere, committed or pushed. You may submit again until the
deadline: the last submission counts. Your feedback appears in the same tab once your
instructor releases it."""


def hand_in_text(platform: str) -> str:
    """Markdown of the README's *Handing in* section for ``platform``.

    Parameters
    ----------
    platform : {"any", "classroom", "gradescope", "jupyterhub"}
        Where students hand in: ``"classroom"`` pushes (GitHub Classroom), ``"gradescope"``
        uploads, ``"jupyterhub"`` submits through nbgrader; ``"any"`` names all three.

    Raises
    ------
    ValueError
        For another platform.
    """
    if platform == "classroom":
        from coursekit.classroom import HAND_IN_CLASSROOM

        return HAND_IN_CLASSROOM
    texts = {"any": HAND_IN_DEFAULT, "gradescope": HAND_IN_GRADESCOPE,
             "jupyterhub": HAND_IN_JUPYTERHUB}  # fmt: skip
    if platform not in texts:
        raise ValueError(f"unknown platform {platform!r}; expected one of {PLATFORMS}")
    return texts[platform]


#: Where students may hand in, for ``--platform``.
PLATFORMS = ("any", "classroom", "gradescope", "jupyterhub")


def assignments_in(release: Path) -> list[str]:
    """Assignment folders of ``release`` that hold a notebook, sorted."""
    if not release.is_dir():
        raise FileNotFoundError(f"no release folder at {release}; run `make release` first")
    return sorted(p.name for p in release.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def notebook_table(release: Path, assignments: list[str]) -> str:
    """The README's table: one row per notebook, its path and title (its first heading)."""
    rows = ["| notebook | what it covers |", "|---|---|"]
    for assignment in assignments:
        for path in sorted((release / assignment).glob("*.ipynb")):
            rows.append(f"| `{NOTEBOOKS}/{assignment}/{path.name}` | {_title(path)} |")
    return "\n".join(rows)


def example_notebook(release: Path, assignment: str) -> str:
    """Path of ``assignment``'s (first) notebook inside the student copy."""
    first = sorted((release / assignment).glob("*.ipynb"))[0]
    return f"{NOTEBOOKS}/{assignment}/{first.name}"


def example_question(assignment: str) -> str:
    """The first graded function of ``assignment`` (for the README's examples)."""
    from coursekit.grading.questions import questions_for

    questions = questions_for(assignment)
    return questions[0].name if questions else "your_function"


def _title(path: Path) -> str:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = "".join(cell.get("source", []))
        for line in source.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip().replace("|", "\\|")
    return path.stem


def build_student_repo(
    output,
    assignments: list[str] | None = None,
    *,
    repo: Path = REPO,
    hand_in: str = HAND_IN_DEFAULT,
) -> Path:
    """Write the student copy of the course into ``output``.

    Parameters
    ----------
    output : path-like
        Folder to write; must not exist yet, or be empty.
    assignments : list of str, optional
        Assignments to include (default: every folder of ``release/``).
    repo : pathlib.Path
        The instructors' repository to copy from.
    hand_in : str
        Markdown of the README's *Handing in* section.

    Returns
    -------
    pathlib.Path
        ``output``.

    Raises
    ------
    FileNotFoundError
        When ``release/`` (or an assignment asked for) has no notebook.
    FileExistsError
        When ``output`` exists and is not empty.
    """
    output = Path(output)
    release = repo / "release"
    available = assignments_in(release)
    chosen = list(assignments or available)
    missing = [a for a in chosen if a not in available]
    if missing:
        raise FileNotFoundError(
            f"no release notebook for {', '.join(missing)} in {release} "
            f"(assignments: {', '.join(available)}); run `make release` first"
        )
    if output.exists() and any(output.iterdir()):
        raise FileExistsError(f"{output} exists and is not empty; choose a new folder")
    output.mkdir(parents=True, exist_ok=True)

    for assignment in chosen:
        target = output / NOTEBOOKS / assignment
        target.mkdir(parents=True)
        for notebook in sorted((release / assignment).glob("*.ipynb")):
            shutil.copy2(notebook, target / notebook.name)
    shutil.copytree(repo / "src", output / "src", ignore=_IGNORED)
    for name in ("pyproject.toml", "constraints.txt"):
        shutil.copy2(repo / name, output / name)
    (output / "tools").mkdir()
    shutil.copy2(repo / "tools" / "lab.py", output / "tools" / "lab.py")
    (output / "binder").mkdir()
    for name in ("postBuild", "runtime.txt"):
        shutil.copy2(repo / "binder" / name, output / "binder" / name)
    (output / "binder" / "requirements.txt").write_text(BINDER_REQUIREMENTS)
    (output / ".devcontainer").mkdir()
    (output / ".devcontainer" / "devcontainer.json").write_text(
        json.dumps(DEVCONTAINER, indent=2) + "\n"
    )
    (output / "Makefile").write_text(MAKEFILE)
    (output / ".gitignore").write_text(GITIGNORE)
    (output / "nbgrader_config.py").write_text(NBGRADER_CONFIG)
    example = "02-augmentation" if "02-augmentation" in chosen else chosen[0]
    readme = (
        README.replace("NOTEBOOK_TABLE", notebook_table(release, chosen))
        .replace("EXAMPLE_NOTEBOOK", example_notebook(release, example))
        .replace("EXAMPLE_QUESTION", example_question(example))
    )
    (output / "README.md").write_text(readme.replace("HAND_IN", hand_in.strip()))
    leaks = find_leaks(output)
    if leaks:
        raise RuntimeError(f"the student copy would give answers away: {leaks[:5]}")
    return output


def find_leaks(folder) -> list[str]:
    """``"path: text"`` for every file of ``folder`` holding answer or hidden-test markers.

    ``grade_in_notebook`` may appear only in the grading engine's own modules
    (``src/coursekit/grading/``), which recognise that call; nowhere else.
    """
    folder = Path(folder)
    leaks = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if relative.split("/")[0] in ("source", "solutions", "autograder"):
            leaks.append(f"{relative}: instructors' folder")
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        leaks += [f"{relative}: {marker}" for marker in FORBIDDEN if marker in text]
        engine = relative.startswith("src/coursekit/grading/")
        if "grade_in_notebook" in text and not engine:
            leaks.append(f"{relative}: grade_in_notebook")
    return leaks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the students' copy of the course.")
    parser.add_argument("--output", required=True, type=Path, help="folder to write (new)")
    parser.add_argument(
        "--assignment",
        action="append",
        help="assignment to include (repeatable; default: all of release/)",
    )
    parser.add_argument(
        "--platform",
        choices=PLATFORMS,
        default="any",
        help="where students hand in, for the README's instructions (default: any of them)",
    )
    args = parser.parse_args(argv)
    try:
        out = build_student_repo(args.output, args.assignment, hand_in=hand_in_text(args.platform))
    except (FileNotFoundError, FileExistsError, RuntimeError) as exc:
        print(f"student-repo: {exc}", file=sys.stderr)
        return 2
    count = sum(1 for _ in (out / NOTEBOOKS).rglob("*.ipynb"))
    print(f"student copy: {out} ({count} notebook(s)); students start from this folder")
    return 0


if __name__ == "__main__":
    sys.exit(main())
