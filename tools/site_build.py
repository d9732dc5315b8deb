"""Build the course website (``make site``, ``make site EDITION=self-study``).

Sphinx with myst-nb and sphinx-book-theme, offline: the pages of ``docs/`` (configuration,
glossary, style), the notebooks of one edition (``tools/site_notebooks.py``) and the pages made
from the repository (``tools/site_pages.py``) are laid out in ``build/site-src/EDITION/``, then
built to ``site-output/EDITION/`` (open ``index.html``, or ``make site-serve``).

Editions: ``students`` (the release notebooks, no answer, no hidden test) and ``self-study``
(the worked notebooks, every answer behind a "Show answer" toggle); ``all`` builds both.
Nothing is executed: the outputs shown are those stored in ``solutions/`` by ``make release``.

Exit status: 0 when the site was built, 1 when Sphinx failed (its warnings are errors: a broken
cross-reference fails the build), 2 on bad arguments or a repository the site cannot be made
from (named in the message).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import site_notebooks as nbs  # noqa: E402  (tools/ is not a package)
import site_pages as pages  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
EDITIONS = ("students", "self-study")
TITLE = "Clustering medical images"
GITHUB_REMOTE = re.compile(r"github\.com[:/]([\w.-]+/[\w.-]+?)(?:\.git)?/?$")


class SiteError(Exception):
    """The site cannot be made from this repository (the message says why)."""


def repository_from_git(root: Path) -> str | None:
    """``owner/name`` of the ``origin`` remote when it is on GitHub, else None."""
    try:
        url = subprocess.run(["git", "-C", str(root), "remote", "get-url", "origin"],
                             capture_output=True, text=True, timeout=10).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    match = GITHUB_REMOTE.search(url)
    return match[1] if match else None


def assignments(root: Path) -> list[tuple[str, Path, Path]]:
    """(assignment, release notebook, worked notebook) for each assignment, in order."""
    found = []
    for folder in sorted((root / "release").glob("[0-9][0-9]-*/")):
        notebooks = sorted(folder.glob("*.ipynb"))
        if len(notebooks) != 1:
            raise SiteError(f"{folder}: expected one notebook, found {len(notebooks)}")
        worked = root / "solutions" / folder.name / notebooks[0].name
        if not worked.is_file():
            raise SiteError(f"{worked} is missing: run `make release` to make solutions/")
        found.append((folder.name, notebooks[0], worked))
    if not found:
        raise SiteError(f"no notebook in {root / 'release'}: run `make release`")
    return found


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise SiteError(f"{path}: not a readable notebook ({error})") from None


def _write(path: Path, notebook: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


def lay_out(root: Path, edition: str, staging: Path, repository: str | None,
            branch: str) -> list[pages.NotebookPage]:  # fmt: skip
    """Write the Sphinx sources of one edition into ``staging`` (emptied first)."""
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(root / "docs", staging)
    described = []
    for assignment, release_path, worked_path in assignments(root):
        release, worked = _read(release_path), _read(worked_path)
        name = release_path.name
        extra = staging / "_extra" / "downloads" / assignment
        extra.mkdir(parents=True)
        if edition == "students":
            page = nbs.students_notebook(release, worked, assignment)
            shutil.copyfile(release_path, extra / name)
            downloads = [("Download the notebook (.ipynb)", f"../downloads/{assignment}/{name}")]
            binder_path = release_path.relative_to(root).as_posix()
        else:
            page = nbs.self_study_notebook(release, worked, assignment)
            shutil.copyfile(release_path, extra / name)
            worked_name = name.replace(".ipynb", "-worked.ipynb")
            _write(extra / worked_name, nbs.worked_download(worked))
            downloads = [("Download the exercises (.ipynb)", f"../downloads/{assignment}/{name}"),
                         ("Download the worked notebook (.ipynb)",
                          f"../downloads/{assignment}/{worked_name}")]  # fmt: skip
            binder_path = release_path.relative_to(root).as_posix()
        buttons = pages.launch_links(repository, branch, binder_path, downloads)
        page = nbs.insert_after_title(page, buttons, "coursekit-launch")
        _write(staging / "notebooks" / f"{assignment}.ipynb", page)
        described.append(pages.describe_notebook(assignment, release))

    from coursekit.data.classes import DIAGNOSES

    first, first_release, _ = assignments(root)[0]
    first_source = _read(root / "source" / first / first_release.name)
    counts = {d.code: (d.name, d.count) for d in DIAGNOSES.values()}
    texts = {
        "index.md": pages.index_page(described, edition, repository),
        "diagnoses.md": pages.diagnoses_page(first_source, counts),
        "instructors.md": pages.instructors_page((root / "README.md").read_text(), repository,
                                                 branch),  # fmt: skip
        "licence.md": pages.licence_page(root),
    }
    for name, text in texts.items():
        (staging / name).write_text(text)
    edition_name = "self-study edition" if edition == "self-study" else "students' edition"
    settings = {
        "title": f"{TITLE} ({edition_name})",
        "edition": edition,
        "authors": "Catherine Upex, Winfred Gatua and the coursekit contributors",
        "copyright": "2026, Catherine Upex, Winfred Gatua and the coursekit contributors",
        "repository_url": f"https://github.com/{repository}" if repository else "",
        "branch": branch,
        "footer": ("Course text and notebooks: CC BY 4.0; code: BSD 3-Clause (see "
                   "Licences and citation). With the support of the Jean Golding Institute, "
                   "University of Bristol."),
        "announcement": "",
    }  # fmt: skip
    (staging / "site.json").write_text(json.dumps(settings, indent=1))
    return described


def sphinx_build(staging: Path, output: Path, jobs: str = "auto") -> None:
    """Run Sphinx (warnings are errors) from ``staging`` into ``output`` (emptied first)."""
    if output.exists():
        shutil.rmtree(output)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q",
               "-j", jobs, "-d", str(staging / "_doctrees"), str(staging), str(output)]  # fmt: skip
    done = subprocess.run(command, cwd=staging)
    if done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, command)
    (output / ".nojekyll").write_text("")
    # myst-nb always writes its copies of the outputs beside the output folder: not site.
    shutil.rmtree(output.parent / "jupyter_execute", ignore_errors=True)


def build(root: Path, edition: str, output: Path, staging: Path, repository: str | None,
          branch: str) -> Path:  # fmt: skip
    """Build one edition; returns the folder holding ``index.html``."""
    lay_out(root, edition, staging, repository, branch)
    sphinx_build(staging, output)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edition", default="students", choices=[*EDITIONS, "all"])
    parser.add_argument("--output", type=Path, default=REPO / "site-output",
                        help="folder of the editions (default: site-output/); each edition "
                             "goes to OUTPUT/EDITION/")  # fmt: skip
    parser.add_argument("--repository", default=os.environ.get("SITE_REPOSITORY") or None,
                        help="GitHub owner/name for the Binder and Codespaces buttons (default: "
                             "$SITE_REPOSITORY, else the origin remote)")  # fmt: skip
    parser.add_argument("--branch", default=os.environ.get("SITE_BRANCH") or "main")
    args = parser.parse_args(argv)
    repository = args.repository or repository_from_git(REPO)
    if repository and not re.fullmatch(r"[\w.-]+/[\w.-]+", repository):
        print(f"--repository: expected owner/name, got {repository!r}", file=sys.stderr)
        return 2
    if not repository:
        print("No GitHub repository known (no SITE_REPOSITORY, no GitHub origin remote): the "
              "notebook pages get no Binder or Codespaces button.", file=sys.stderr)  # fmt: skip
    editions = EDITIONS if args.edition == "all" else (args.edition,)
    for edition in editions:
        started = time.perf_counter()
        output = args.output.resolve() / edition
        try:
            build(REPO, edition, output, REPO / "build" / "site-src" / edition, repository,
                  args.branch)  # fmt: skip
        except SiteError as error:
            print(f"make site: {error}", file=sys.stderr)
            return 2
        except (nbs.NotebookMismatch, ValueError) as error:
            print(f"make site: {error}", file=sys.stderr)
            return 2
        except subprocess.CalledProcessError:
            print(f"make site: Sphinx failed on the {edition} edition (see above)",
                  file=sys.stderr)  # fmt: skip
            return 1
        seconds = time.perf_counter() - started
        print(f"{edition} edition: {output / 'index.html'} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
