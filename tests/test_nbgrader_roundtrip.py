"""The README's nbgrader flow, run as written, with real nbgrader, from a fresh clone.

The "flow: nbgrader" block of README.md runs in one bash session in a fresh clone
(``tests/fixtures/fresh_clone.py``): ``make nbgrader-course COURSE=../course``, then
generate_assignment, release_assignment, (where the block's comment stands, two students fetch
from the exchange, answer partly right and submit -- ``tests/fixtures/flow_hooks.py``),
collect, ``coursekit nbgrader autograde`` (nbgrader's autograde without a kernel),
generate_feedback, release_feedback, export. Then the "flow: nbgrader-lms"
block: a third student's notebook comes as an LMS zip, zip_collect, the kit's autograde,
generate_feedback, export, and ``coursekit grade`` on every submission.

Proves: every command passes as written; the course lives outside the clone with its own
gradebook and exchange; nbgrader's points per graded cell (partial credit: the passed checks'
points) equal ``coursekit grade``'s for three partly right submissions, and so do the totals and
maxima of ``grades.csv``; no checksum warning; feedback pages show each check's result but no
hidden code and no path of the instructor's machine, and stay under 500 KB; release_feedback
delivers them. Everything runs once, in a module fixture.
"""

from __future__ import annotations

import csv
import html
import re
import sys
from pathlib import Path

import pytest

from coursekit.grading.questions import max_points, questions_for, written_for
from tests.fixtures.flow_hooks import NBGRADER_EXCHANGE_STUDENTS, NBGRADER_ZIP_STUDENT
from tests.fixtures.fresh_clone import commands, fresh_clone, readme_block, run_block, shell_env

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "02-augmentation"
NOTEBOOK = "augmentation"
STUDENTS = [*NBGRADER_EXCHANGE_STUDENTS, NBGRADER_ZIP_STUDENT]
MARKERS = {"nbgrader-exchange": "<!-- flow: nbgrader -->",
           "nbgrader-lms": "<!-- flow: nbgrader-lms -->"}
#: What each student's answers earn (hidden tests; written answers pending).
EXPECTED = {
    "bitdiddle": {"rotate90": 2.0, "rotate": 2.5, "flip": 1.5, "adjust_brightness": 2.0,
                  "adjust_gamma": 2.0},
    "hacker": {"rotate90": 0.5, "rotate": 2.0, "flip": 2.0, "adjust_brightness": 2.0,
               "adjust_gamma": 0.5},
    "reasoner": {"rotate90": 1.5, "rotate": 3.0, "flip": 2.0, "adjust_brightness": 1.5,
                 "adjust_gamma": 0.0},
}  # fmt: skip


def visible_text(page: str) -> str:
    """The text a reader sees in an HTML page: tags dropped, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def flow(tmp_path_factory, coursekit_cache):
    top = tmp_path_factory.mktemp("nbgrader-flow")
    clone = fresh_clone(top)
    env = shell_env(top / "home", FLOW_TOP=str(top), COURSEKIT_CACHE=str(coursekit_cache))
    script = REPO / "tests" / "fixtures" / "flow_hooks.py"
    blocks, runs = {}, {}
    for flow_name, marker in MARKERS.items():
        hook = top / f"hook-{flow_name}"
        hook.write_text(f'#!/bin/sh\nexec {sys.executable} {script} {flow_name} "$@"\n')
        hook.chmod(0o755)
        blocks[flow_name] = readme_block(marker)
        runs[flow_name] = run_block(blocks[flow_name], clone, env, hook)
        if runs[flow_name].returncode != 0:
            break
    return {"top": top, "clone": clone, "course": top / "course", "blocks": blocks,
            "runs": runs, "log": "\n".join(r.stdout for r in runs.values())}


@pytest.fixture(scope="module")
def gradebook(flow):
    """``{student: {grade cell: (score, max_score)}}`` from the course's gradebook."""
    from nbgrader.api import Gradebook

    points = {}
    with Gradebook(f"sqlite:///{flow['course'] / 'gradebook.db'}") as book:
        for student in STUDENTS:
            notebook = book.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
            points[student] = {g.name.removeprefix(f"{ASSIGNMENT}-"): (g.score, g.max_score)
                               for g in notebook.grades}  # fmt: skip
    return points


def _csv(path: Path) -> dict[str, dict]:
    with open(path, newline="") as stream:
        return {row["student_id"]: row for row in csv.DictReader(stream)}


def test_readme_commands_pass_as_written(flow):
    for name, done in flow["runs"].items():
        assert done.returncode == 0, f"{name}:\n{done.stdout[-6000:]}"
    assert list(flow["runs"]) == list(MARKERS)
    exchange, lms = (commands(flow["blocks"][name]) for name in MARKERS)
    assert exchange[0] == "make nbgrader-course COURSE=../course"
    verbs = [c.split()[1] for c in exchange + lms if c.startswith("nbgrader ")]
    assert verbs == ["generate_assignment", "release_assignment", "collect",
                     "generate_feedback", "release_feedback", "export", "zip_collect",
                     "generate_feedback", "export"]  # fmt: skip
    # No student notebook runs in a kernel: the kit's autograde, after each collect.
    autograde = f"coursekit nbgrader autograde {ASSIGNMENT}"
    for block in (exchange, lms):
        assert block[block.index(autograde) - 1].split()[1] in ("collect", "zip_collect")
    assert not any("nbgrader autograde" in c and not c.startswith("coursekit ")
                   for c in exchange + lms)  # fmt: skip
    log = flow["log"]
    assert not re.search(r"Skipping existing assignment: \S*/release/", log)
    assert "No assignment with ID" not in log


def test_course_lives_outside_the_clone_with_its_own_gradebook_and_exchange(flow):
    course, clone = flow["course"], flow["clone"]
    assert (course / "gradebook.db").is_file()
    assert (course / "exchange" / "coursekit" / "outbound" / ASSIGNMENT).is_dir()
    for name in ("gradebook.db", "submitted", "autograded", "feedback", "grades.csv"):
        assert not (clone / name).exists(), name
    assert "/usr/local/share/nbgrader" not in flow["log"]
    config = (course / "students" / "nbgrader_config.py").read_text()
    assert str(course / "exchange") in config


def test_no_checksum_warnings(flow):
    assert "Attribute 'checksum'" not in flow["log"]


def test_autograde_gives_coursekit_points_per_graded_cell(flow, gradebook):
    ours = _csv(flow["course"] / "coursekit-grades.csv")  # the README's `coursekit grade` line
    for student in STUDENTS:
        for q in questions_for(ASSIGNMENT):
            score, maximum = gradebook[student][f"{q.name}-tests"]
            assert (score, maximum) == (float(ours[student][q.name]), q.points), (student, q)
        automatic = {q.name: gradebook[student][f"{q.name}-tests"][0]
                     for q in questions_for(ASSIGNMENT)}  # fmt: skip
        assert automatic == EXPECTED[student], student
        for w in written_for(ASSIGNMENT):
            assert gradebook[student][w.name][1] == w.points
            assert ours[student][w.name] == ""  # pending: nobody graded it in formgrader yet
    assert gradebook["hacker"]["rotate-tests"] == (2.0, 3.0)  # one check of rotate fails


def test_exported_grades_match_coursekit_totals_and_maxima(flow):
    nbgrader = _csv(flow["course"] / "grades.csv")
    ours = _csv(flow["course"] / "coursekit-grades.csv")
    assert set(nbgrader) == set(ours) == set(STUDENTS)
    for student in STUDENTS:
        assert float(nbgrader[student]["score"]) == float(ours[student]["score"])
        assert float(nbgrader[student]["score"]) == sum(EXPECTED[student].values())
        assert float(nbgrader[student]["max_score"]) == float(ours[student]["max_score"])
        assert float(ours[student]["max_score"]) == max_points(ASSIGNMENT) == 12


def test_feedback_pages_are_small_show_checks_and_hide_the_tests(flow):
    clone = str(flow["clone"])
    for student in STUDENTS:
        path = flow["course"] / "feedback" / student / ASSIGNMENT / f"{NOTEBOOK}.html"
        page = path.read_text()
        assert path.stat().st_size < 500_000, (student, path.stat().st_size)
        for secret in ("grade_in_notebook", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                       "site-packages", clone, str(REPO), "hypothesis"):  # fmt: skip
            assert secret not in page, (student, secret)
        text = visible_text(page)
        for name, points in EXPECTED[student].items():
            maximum = next(q.points for q in questions_for(ASSIGNMENT) if q.name == name)
            assert f"{name}: {points:g} of {maximum:g} points" in text, (student, name)
    bitdiddle = visible_text((flow["course"] / "feedback" / "bitdiddle" / ASSIGNMENT /
                              f"{NOTEBOOK}.html").read_text())  # fmt: skip
    assert "resize" in bitdiddle and "new_array" in bitdiddle


def test_release_feedback_delivers_the_exchange_students_pages(flow):
    delivered = list((flow["course"] / "exchange" / "coursekit" / "feedback").rglob("*.html"))
    assert len(delivered) == len(NBGRADER_EXCHANGE_STUDENTS)
