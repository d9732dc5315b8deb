"""Copying detected: each graded function compared with the class's and with the kit's.

``coursekit similarity SUBMITTED_DIR`` reads every submission notebook, takes
each graded function (the question table, :data:`coursekit.grading.questions.QUESTIONS`)
with the notebook functions it calls, and compares it with the same function of
every other submission and with the kit's own code: the reference function and
every kit function, public or private, it calls (:mod:`.sources`).

Method (:mod:`.normalise`, :mod:`.compare`)
    Code is compared in a canonical form: docstrings, comments, annotations and
    layout gone, every variable, parameter and function named ``v``, every string
    ``"s"``, every number ``#``, and runs of independent assignments sorted, so
    renaming, re-commenting, reformatting and reordering such statements change
    nothing. The canonical tokens are fingerprinted by winnowing k-grams (k = 7,
    window 4), as MOSS does; JPlag's token normalisation is alike. Each fingerprint
    weighs by how rare it is in the class (document frequency): what most of the
    class writes weighs nothing. A pair is listed when the shared weight is at
    least ``threshold`` of the smaller side's (of the submission's, against the
    kit) and at least ``min_shared`` distinctive fingerprints (two or three lines
    of code), so short functions that everyone writes alike do not flood the list.
    Against the kit, the code the kit shares with the instructor's model solution
    (``source/``, when at hand) is left out: it is what the task asks for. Calling
    or defining a private helper of the kit (``_flip_view``, ``check_image``) is
    listed whatever the length. The share of equal normalised syntax subtrees is
    reported beside the score as a second, independent view.

Limits
    A high score is a reason to look at both pages, not proof: two students
    can reach the same code, and a hint given in class spreads one idiom. What
    more than half of a class of five or more shares is not counted, so a
    solution copied by most of the class is not found (nor copied from the kit by
    most of it). Rewriting the code's structure (a loop for a vectorised
    expression, other library calls) hides a copy, as it hides one from MOSS.
    Attribute names (``np.fliplr``, ``.astype``) are kept as evidence: the same
    method by other calls is not a match. Code outside graded functions, and
    written answers, are not compared. Functions shorter than ``min_shared``
    fingerprints are never listed.
"""

from __future__ import annotations

from coursekit.similarity.compare import KIT, Match, Settings, compare
from coursekit.similarity.sources import Submission, read_submission

__all__ = [
    "find_similar", "read_submissions", "similarity_section", "with_section", "Settings", "Match",
    "KIT",
]  # fmt: skip


def read_submissions(paths, assignment: str | None = None) -> list[Submission]:
    """Every notebook given or found in the folders ``paths`` (nbgrader's layout or any)."""
    from coursekit.grading.parent import find_submissions

    submissions = [read_submission(path, student or str(path), assignment)
                   for path, student, _ in find_submissions(paths)]  # fmt: skip
    keys = [(s.name, s.assignment) for s in submissions]
    for sub, key in zip(submissions, keys, strict=True):
        if keys.count(key) > 1:  # one student, several notebooks of an assignment
            sub.name = f"{sub.name}/{sub.path.name}"
    return submissions


def find_similar(paths, assignment: str | None = None, settings: Settings | None = None,
                 *, kit: bool = True) -> tuple[list[Match], list[Submission]]:  # fmt: skip
    """``(matches, submissions)``: the similar pairs among the notebooks ``paths`` and the kit."""
    submissions = read_submissions(paths, assignment)
    return compare(submissions, settings, kit=kit), submissions


def similarity_section(results_or_paths, assignment: str | None = None,
                       settings: Settings | None = None) -> list[dict]:  # fmt: skip
    """The similar pairs for a grading report: one dict per pair (as in the JSON format).

    Parameters
    ----------
    results_or_paths : list of SubmissionResult, or of paths
        Graded results (their notebooks and student ids are read again), or
        notebooks and folders as ``coursekit grade`` takes them.
    """
    items = list(results_or_paths)
    if items and all(hasattr(r, "submission") for r in items):
        submissions = [read_submission(r.submission, r.student_id or r.submission,
                                       assignment or r.assignment) for r in items]  # fmt: skip
        matches = compare(submissions, settings)
    else:
        matches, _ = find_similar(items, assignment, settings)
    return [m.to_dict() for m in matches]


#: Report formats of ``coursekit grade`` that :func:`with_section` can extend.
SECTION_FORMATS = ("text", "markdown", "json")


def with_section(report: str, results, fmt: str, settings: Settings | None = None,
                 pages=None) -> str:  # fmt: skip
    """``report`` (``coursekit grade``'s, in format ``fmt``) with the similar pairs added.

    Text and Markdown get a section at the end; JSON becomes
    ``{"results": <the report's data>, "similarity": [pair, ...]}``. With ``pages`` (a
    folder, e.g. the feedback folder), the side-by-side pages go to ``pages/similarity/``.

    Raises
    ------
    ValueError
        For a format not in :data:`SECTION_FORMATS`.
    """
    import json

    from coursekit.similarity.report import clean_text, summary_line, write_pages

    if fmt not in SECTION_FORMATS:
        raise ValueError(f"--similarity adds to --format {', '.join(SECTION_FORMATS)}; got {fmt}")
    submissions = [read_submission(r.submission, r.student_id or r.submission, r.assignment)
                   for r in results]  # fmt: skip
    matches = compare(submissions, settings)
    if pages is not None:
        write_pages(matches, pages, summary_line(matches, len(submissions), settings or Settings()))
    pairs = [m.to_dict() for m in matches]
    if fmt == "json":
        return json.dumps({"results": json.loads(report), "similarity": pairs}, indent=2) + "\n"
    lines = ["", "## Similar code" if fmt == "markdown" else "Similar code", ""]
    if not pairs:
        lines.append("No similar pair above the thresholds (`coursekit similarity`).")
    for p in pairs:
        who = f"{clean_text(p['first'])} and {clean_text(p['second'])}"
        if fmt == "markdown":
            who = who.replace("|", "\\|")
            lines.append(f"- `{p['function']}` ({p['assignment']}): {who}, score "
                         f"{p['score']:.2f}. {p['why']}")  # fmt: skip
        else:
            lines += [f"  {p['function']} ({p['assignment']}): {who}  score {p['score']:.2f}",
                      f"      {p['why']}"]  # fmt: skip
    return report + "\n".join(lines) + "\n"
