"""Similar pairs as text, JSON, CSV, and HTML pages showing both sides' code side by side."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

from coursekit.similarity.compare import KIT, Match, Settings

__all__ = ["format_matches", "summary_line", "write_pages", "clean_text", "FORMATS", "PAGES"]

#: Folder (inside ``--output``) of the HTML pages: never inside a student's feedback folder.
PAGES = "similarity"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """``text`` with control characters (terminal escapes) replaced by ``?``."""
    # Names come from folder names a student may choose.
    return _CONTROL.sub("?", str(text))


def _who(name: str, match: Match) -> str:
    return f"kit ({match.documents[1].path})" if name == KIT and match.documents else name


def _text(matches: list[Match], summary: str) -> str:
    lines = [summary]
    for m in matches:
        first, second = clean_text(m.first), clean_text(_who(m.second, m))
        lines.append(f"  {m.assignment}  {m.function:<24} {first} <-> {second}  "
                     f"score {m.score:.2f}")
        lines.append(f"      {m.why}")
    return "\n".join(lines) + "\n"


def _json(matches: list[Match], summary: str) -> str:
    return json.dumps({"summary": summary, "pairs": [m.to_dict() for m in matches]},
                      indent=2) + "\n"  # fmt: skip


_CSV_COLUMNS = ["assignment", "function", "first", "second", "score", "shared", "ast", "why"]


def _csv(matches: list[Match], summary: str) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for m in matches:
        row = m.to_dict()
        writer.writerow({k: clean_text(row[k]) if isinstance(row[k], str) else row[k]
                         for k in _CSV_COLUMNS})  # fmt: skip
    return buffer.getvalue()


FORMATS = {"text": _text, "json": _json, "csv": _csv}


def summary_line(matches: list[Match], n_submissions: int, settings: Settings) -> str:
    """One sentence: how many pairs, among how many submissions, at which threshold."""
    return (
        f"{len(matches)} similar pair(s) at or above score {settings.threshold:.2f} with at least "
        f"{settings.min_shared:g} distinctive fingerprints shared, among {n_submissions} "
        "submission(s) and the kit's own code"
    )


def format_matches(matches: list[Match], fmt: str, summary: str) -> str:
    """``matches`` in format ``fmt`` (``text``, ``json`` or ``csv``)."""
    try:
        return FORMATS[fmt](matches, summary)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}") from None


_STYLE = """
body { font-family: sans-serif; margin: 1.5em; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
pre { background: #f6f6f6; padding: .6em; overflow-x: auto; font-size: 90%; }
pre span.same { background: #ffe08a; display: block; }
table { border-collapse: collapse; } td, th { padding: .2em .6em; border-bottom: 1px solid #ddd; }
"""


def _code(code: str, marked: list[int]) -> str:
    marked_lines = set(marked)
    out = []
    for number, line in enumerate(code.splitlines(), start=1):
        text = html.escape(line) or " "
        out.append(f'<span class="same">{text}</span>' if number in marked_lines else text)
    return "<pre>" + "\n".join(out) + "</pre>"


def _page(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body>\n{body}\n</body></html>\n"
    )


def _file_name(index: int, m: Match) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{m.assignment}-{m.function}-{m.first}-{m.second}")
    return f"{index:03d}-{safe[:120]}.html"


def _pair_page(m: Match) -> str:
    first, second = m.documents
    head = (
        f"<h1>{html.escape(m.function)} ({html.escape(m.assignment)}): "
        f"{html.escape(m.first)} and {html.escape(_who(m.second, m))}</h1>"
        f"<p>Score {m.score:.2f}. {html.escape(m.why)}.</p>"
        "<p>For instructors only: this page shows two people's code. Similar code is a reason "
        "to look, not a proof of copying.</p>"
    )
    columns = []
    for doc, lines in ((first, m.first_lines), (second, m.second_lines)):
        label = html.escape(_who(doc.owner, m))
        columns.append(
            f"<div><h2>{label}</h2><p>{html.escape(doc.path)}</p>"
            f"<h3>Normalised (the shared fingerprints marked)</h3>{_code(doc.code, lines)}"
            f"<h3>As written</h3>{_code(doc.source, [])}</div>"
        )
    return _page(f"{m.function}: {m.first} / {m.second}",
                 head + '<div class="pair">' + "".join(columns) + "</div>")  # fmt: skip


def write_pages(matches: list[Match], folder, summary: str) -> Path:
    """Write ``folder/similarity/index.html`` and one side-by-side page per pair; return the index.

    The pages sit in their own folder, never in a student's ``<student>/<assignment>/``
    feedback folder, so nbgrader's ``release_feedback`` does not hand them out.
    """
    root = Path(folder) / PAGES
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for index, m in enumerate(matches, start=1):
        name = _file_name(index, m)
        (root / name).write_text(_pair_page(m), encoding="utf-8")
        rows.append(
            f"<tr><td>{html.escape(m.assignment)}</td><td>{html.escape(m.function)}</td>"
            f"<td>{html.escape(m.first)}</td><td>{html.escape(_who(m.second, m))}</td>"
            f"<td>{m.score:.2f}</td><td><a href='{html.escape(name)}'>side by side</a></td></tr>"
        )
    table = (
        "<table><tr><th>assignment</th><th>function</th><th>first</th><th>second</th>"
        "<th>score</th><th></th></tr>" + "".join(rows) + "</table>"
    )
    index_page = root / "index.html"
    index_page.write_text(
        _page("Similar code", f"<h1>Similar code</h1><p>{html.escape(summary)}.</p>{table}"),
        encoding="utf-8",
    )
    return index_page
