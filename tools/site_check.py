"""Checks of a built course website (``make test-site``): what it must hold, and what never.

- :func:`leaks`: lines of the answers (``source/``'s solution blocks) and of the hidden tests
  (``source/``'s hidden-test blocks, ``autograder/``'s test names) found in any file of a built
  site, with the file. The students' edition must have none; in the self-study edition every
  answer must be there, inside a folded ``<details>`` (:func:`unfolded_answers`).
- :func:`broken_links`: every ``href`` and ``src`` of every HTML page that points inside the
  site must name a file of the site (and an ``id`` on it, for a ``#fragment``).
- :class:`SiteServer` serves a built folder on 127.0.0.1, for the browser checks.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import re
import threading
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import site_notebooks as nbs
from bs4 import BeautifulSoup

HIDDEN_TEST_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN SOLUTION", "END SOLUTION")
TEXT_SUFFIXES = {".html", ".js", ".txt", ".ipynb", ".json", ".md", ".inv"}
WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return WHITESPACE.sub(" ", html.unescape(text)).strip()


@dataclass(frozen=True)
class Secret:
    """A line that must not be published: where it comes from, and its text."""

    origin: str
    text: str


def secrets(root: Path) -> tuple[list[Secret], list[Secret]]:
    """(answer lines, hidden-test lines) of the course, from ``source/`` and ``autograder/``.

    Lines that also occur in a release notebook (an import both write, say) are left out: they
    are not secret.
    """
    released = " ".join(normalise(nbs.source(c)) for p in sorted(root.glob("release/*/*.ipynb"))
                        for c in json.loads(p.read_text())["cells"])  # fmt: skip
    answers, hidden = [], []
    for path in sorted(root.glob("source/*/*.ipynb")):
        notebook = json.loads(path.read_text())
        origin = path.relative_to(root).as_posix()
        answers += [Secret(origin, normalise(line)) for line in nbs.solution_lines(notebook)
                    if normalise(line) not in released]  # fmt: skip
        hidden += [Secret(origin, normalise(line)) for line in nbs.hidden_test_lines(notebook)
                   if normalise(line) not in released]  # fmt: skip
    hidden += [Secret("source/ (nbgrader markers)", m) for m in HIDDEN_TEST_MARKERS]
    for path in sorted(root.glob("autograder/test_*.py")):
        origin = path.relative_to(root).as_posix()
        names = re.findall(r"^def (test_\w+)", path.read_text(), re.MULTILINE)
        hidden += [Secret(origin, name) for name in names]
    return answers, hidden


def site_texts(site: Path) -> dict[Path, str]:
    """Every text file of a built site: HTML as the text a reader sees (and its raw markup)."""
    texts = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            continue
        raw = path.read_text(errors="replace")
        if path.suffix == ".html":
            seen = BeautifulSoup(raw, "html.parser").get_text(" ")
            texts[path] = normalise(seen) + "\n" + normalise(raw)
        elif path.suffix == ".ipynb":
            cells = json.loads(raw).get("cells", [])
            texts[path] = "\n".join(normalise(nbs.source(c)) for c in cells) + normalise(raw)
        else:
            texts[path] = normalise(raw)
    return texts


def leaks(site: Path, found: list[Secret]) -> list[tuple[Secret, Path]]:
    """(secret, file) for every secret line found in a file of ``site``."""
    texts = site_texts(site)
    return [(s, path) for s in found for path, text in texts.items() if s.text in text]


def unfolded_answers(site: Path, answers: list[Secret]) -> list[tuple[Secret, Path]]:
    """Answer lines shown on a page outside every ``<details>`` toggle (self-study edition)."""
    problems = []
    for path in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(), "html.parser")
        for folded in soup.find_all("details"):
            folded.decompose()
        visible = normalise(soup.get_text(" "))
        problems += [(s, path) for s in answers if s.text in visible]
    return problems


def broken_links(site: Path) -> list[str]:
    """Internal links of every HTML page whose file (or ``#fragment`` id) is missing."""
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            soup = BeautifulSoup(path.read_text(errors="replace"), "html.parser")
            ids[path] = {t["id"] for t in soup.find_all(id=True)}
            ids[path] |= {t["name"] for t in soup.find_all("a", attrs={"name": True})}
        return ids[path]

    problems = []
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.relative_to(site).parts:
            continue  # the theme's template fragments, not pages
        soup = BeautifulSoup(page.read_text(errors="replace"), "html.parser")
        for tag in soup.find_all(["a", "link", "img", "script", "source"]):
            target = tag.get("href") or tag.get("src")
            if not target or target.startswith(("mailto:", "javascript:", "data:")):
                continue
            parts = urllib.parse.urlsplit(target)
            if parts.scheme or parts.netloc:
                continue
            path = page if not parts.path else (page.parent / urllib.parse.unquote(parts.path))
            path = path.resolve()
            if path.is_dir():
                path = path / "index.html"
            where = f"{page.relative_to(site)}: {target}"
            if not path.is_file() or site.resolve() not in path.parents:
                problems.append(f"{where} (no such file)")
            elif parts.fragment and path.suffix == ".html" and parts.fragment not in ids_of(path):
                problems.append(f"{where} (no id {parts.fragment!r})")
    return problems


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test reads failures from the browser
        pass


class SiteServer:
    """A built site served on 127.0.0.1 (a free port) in a thread; ``url`` is its root."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
