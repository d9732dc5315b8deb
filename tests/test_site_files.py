"""The course website's sources, without building it (part of ``make test``; fast).

- the notebooks of each edition (``tools/site_notebooks.py``) on small made-up notebooks: which
  outputs the students' edition keeps, how the self-study edition folds answers and drops
  hidden tests; and on the course's own notebooks: no answer line in the students' edition;
- the glossary's terms all occur in the notebooks;
- the GitHub Pages workflow: what it builds and publishes, current action majors, actionlint;
- ``LICENSE``, ``LICENSE-content.md`` and ``CITATION.cff`` say what ``pyproject.toml`` and the
  proposal say.

The built site itself, in a browser, is tested by ``tests/test_site.py`` (``make test-site``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import tomllib
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

import site_build  # noqa: E402
import site_check  # noqa: E402
import site_notebooks as nbs  # noqa: E402

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
#: The first major of each action that runs on Node 24 (Node 20 actions are deprecated).
NODE24_MAJORS = {"actions/checkout": 5, "actions/setup-python": 6, "actions/configure-pages": 6,
                 "actions/upload-pages-artifact": 5, "actions/deploy-pages": 5}  # fmt: skip


# ----------------------------------------------------------------- notebooks of each edition


def _code(text, grade_id=None, solution=False, grade=False, outputs=None):
    cell = {"cell_type": "code", "metadata": {}, "source": text, "outputs": outputs or [],
            "execution_count": 1 if outputs else None}  # fmt: skip
    if grade_id:
        cell["metadata"]["nbgrader"] = {"grade_id": grade_id, "solution": solution, "grade": grade}
    return cell


def _markdown(text, grade_id=None):
    cell = {"cell_type": "markdown", "metadata": {}, "source": text}
    if grade_id:
        cell["metadata"]["nbgrader"] = {"grade_id": grade_id, "solution": True, "grade": True}
    return cell


def _stream(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


ANSWER = ("def double(x):\n    ### BEGIN SOLUTION\n    return x + x  # the secret answer\n"
          "    ### END SOLUTION\n")
STUB = "def double(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
CHECK = ('check("double")\n### BEGIN HIDDEN TESTS\ngrade_in_notebook("x", "double")\n'
         "### END HIDDEN TESTS\n")


def _pair():
    """A release notebook and its worked twin: setup, answer, try-it, check, later cells."""
    outputs = {
        "setup": [_stream("ready\n")],
        "try": [_stream("4\n")],
        "check": [_stream("✔ double\n")],
        "yours": [_stream("Using your double.\n")],
        "clean": [_stream("12\n")],
        "later": [_stream("8\n")],
    }

    def cells(worked):
        def run(name):
            return outputs[name] if worked else None

        return [
            _markdown("# A title"),
            _code("import numpy as np\nsix = 6\nprint('ready')", outputs=run("setup")),
            _code(ANSWER if worked else STUB, "q-double", solution=True),
            _code("print(double(2))", outputs=run("try")),
            _code(CHECK if worked else 'check("double")\n', "q-double-tests", grade=True,
                  outputs=run("check")),
            _code('twice = yours("double")', outputs=run("yours")),
            _code("import numpy as np\nprint(six * 2)", outputs=run("clean")),
            _code("result = double(4)\nprint(result)", outputs=run("later")),
            _markdown("### BEGIN SOLUTION\nThe *secret* written answer.\n### END SOLUTION" if worked
                      else "YOUR ANSWER HERE", "q-written"),
        ]  # fmt: skip
    return {"cells": cells(False), "metadata": {}}, {"cells": cells(True), "metadata": {}}


def test_students_edition_keeps_outputs_that_no_answer_decides():
    release, worked = _pair()
    cells = nbs.students_notebook(release, worked, "x")["cells"]
    texts = [[o["text"] for o in c.get("outputs", [])] for c in cells]
    assert texts[1] == ["ready\n"]  # setup: as run
    assert texts[2] == texts[3] == texts[4] == []  # the answer, its try-it cell, the check
    # yours() hands the kit's function to a blank notebook, and says so.
    assert texts[5] == ["Using the course kit's double: it has not passed its quick check yet.\n"]
    assert texts[6] == ["12\n"]  # reads only names no answer made
    assert texts[7] == []  # reads double
    assert [nbs.source(c) for c in cells] == [nbs.source(c) for c in release["cells"]]
    assert "secret" not in json.dumps(cells)


def test_answer_dependence_follows_names_statement_by_statement():
    cells = [
        _code("def f(x):\n    y = x\n    return y", "q-f", solution=True),
        _code("y = 1\nz = f(2)"),  # y is clean (a local of f), z is not
        _code("print(y)"),
        _code("print(z)"),
        _code("z = 3\nprint(z)"),  # bound again without an answer
        _code("%matplotlib inline\nprint([x for x in range(3)])"),
    ]
    assert nbs.answer_dependent(cells) == [True, True, False, True, False, False]


def test_self_study_edition_folds_answers_after_the_exercise_and_drops_hidden_tests():
    release, worked = _pair()
    cells = nbs.self_study_notebook(release, worked, "x")["cells"]
    text = json.dumps(cells)
    assert "HIDDEN TESTS" not in text and "grade_in_notebook" not in text
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    sources = [nbs.source(c) for c in cells]
    stub, answer = sources.index(STUB), sources.index(STUB) + 1
    assert "return x + x" in sources[answer]
    assert "hide-input" in cells[answer]["metadata"]["tags"]
    assert "hide-input" not in cells[stub]["metadata"].get("tags", [])
    written = next(s for s in sources if "secret* written" in s)
    assert written.startswith(nbs.ANSWER_OPEN) and written.rstrip().endswith("</details>")
    assert sources[sources.index(written) - 1] == "YOUR ANSWER HERE"
    assert sources[sources.index(written) - 1 - 4] == 'check("double")\n'  # the check as released


def test_launch_buttons_go_right_under_the_title():
    notebook = {"cells": [{**_markdown("# Title\n\nIntroduction."), "id": "a"},
                          {**_code("x = 1"), "id": "b"}]}  # fmt: skip
    cells = nbs.insert_after_title(notebook, "BUTTONS", "launch")["cells"]
    assert [nbs.source(c) for c in cells] == ["# Title\n", "BUTTONS", "Introduction.", "x = 1"]
    assert len({c["id"] for c in cells}) == 4
    untitled = nbs.insert_after_title({"cells": [_code("x = 1")]}, "BUTTONS", "launch")
    assert [nbs.source(c) for c in untitled["cells"]] == ["BUTTONS", "x = 1"]


def test_mismatched_notebooks_are_named():
    release, worked = _pair()
    worked["cells"][3]["source"] = "print(double(3))"
    with pytest.raises(nbs.NotebookMismatch, match=r"x: cell 3 differs .*make release"):
        nbs.students_notebook(release, worked, "x")
    with pytest.raises(nbs.NotebookMismatch, match="8 cells, the worked one 9"):
        nbs.students_notebook({"cells": release["cells"][:-1]}, worked, "x")


def test_students_edition_of_the_course_notebooks_holds_no_answer():
    answers, hidden = site_check.secrets(REPO)
    assert answers and hidden
    for release_path in sorted(REPO.glob("release/*/*.ipynb")):
        worked_path = REPO / "solutions" / release_path.parent.name / release_path.name
        release, worked = (json.loads(p.read_text()) for p in (release_path, worked_path))
        page = nbs.students_notebook(release, worked, release_path.name)
        text = site_check.normalise(json.dumps(page, ensure_ascii=False)) + " " + " ".join(
            site_check.normalise(nbs.source(c)) for c in page["cells"])
        found = [s.text for s in answers + hidden if s.text in text]
        assert found == [], f"{release_path}: {found[:5]}"


# ----------------------------------------------------------------- glossary


def test_every_glossary_term_occurs_in_a_notebook():
    text = (REPO / "docs" / "glossary.md").read_text()
    block = re.search(r"```\{glossary\}\n(.*?)```", text, re.S)[1]
    terms = [line.strip() for line in block.splitlines() if line and not line.startswith(" ")]
    assert len(terms) >= 30
    notebooks = " ".join(p.read_text().lower() for p in REPO.glob("release/*/*.ipynb"))
    missing = [t for t in terms if t.split(" (")[0].lower() not in notebooks]
    assert missing == []
    assert terms == sorted(terms, key=str.lower)


# ----------------------------------------------------------------- GitHub Pages workflow


def test_pages_workflow_builds_and_publishes_the_students_edition():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    on = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert on["push"]["branches"] == ["main"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = [s["run"] for s in build["steps"] if "run" in s]
    assert runs == ["make site EDITION=students"]
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith(
        "actions/upload-pages-artifact@"))  # fmt: skip
    assert upload["with"]["path"] == "site-output/students"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [s["uses"] for job in (build, deploy) for s in job["steps"] if "uses" in s]
    for use in uses:
        action, major = use.split("@v")
        assert int(major) >= NODE24_MAJORS[action], f"{use}: a Node 20 major"
    assert {u.split("@")[0] for u in uses} == set(NODE24_MAJORS)


def test_pages_workflow_passes_actionlint(tmp_path):
    from tests.fixtures.actionlint import actionlint_problems

    # ... and a copy with a mistake (an undefined step output), which actionlint must find.
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("steps.deployment.", "steps.nowhere."))
    problems = actionlint_problems([WORKFLOW, broken], tmp_path)
    assert [p for p in problems if p["filepath"] != str(broken.resolve())] == [], problems
    assert any("nowhere" in p["message"] for p in problems)


# ----------------------------------------------------------------- licences and citation


def test_licences_and_citation_agree_with_the_project():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["license"] == "BSD-3-Clause"
    licence = (REPO / "LICENSE").read_text()
    assert licence.startswith("BSD 3-Clause License")
    assert "Neither the name of the copyright holder nor the names of its" in licence
    content = (REPO / "LICENSE-content.md").read_text()
    assert "CC BY 4.0" in content and "creativecommons.org/licenses/by/4.0/" in content
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0" and citation["version"] == project["version"]
    names = [(a["given-names"], a["family-names"]) for a in citation["authors"]]
    assert names == [("Catherine", "Upex"), ("Winfred", "Gatua")]
    for words in ("Jean Golding Institute", "Pau Erola", "Dan Lawson"):
        assert words in " ".join(citation["message"].split())
    assert citation["license"] == ["BSD-3-Clause", "CC-BY-4.0"]


def test_readme_shows_the_website_commands():
    from tests.fixtures.fresh_clone import commands, readme_block

    assert commands(readme_block("<!-- flow: website -->")) == [
        "make site", "make site EDITION=self-study", "make site-serve"]  # fmt: skip
    makefile = (REPO / "Makefile").read_text()
    for target in ("site:", "site-serve:", "test-site:"):
        assert f"\n{target}" in makefile


# ----------------------------------------------------------------- bad input




def test_a_repository_the_site_cannot_be_made_from_is_named(tmp_path):
    tool = site_build
    with pytest.raises(tool.SiteError, match=r"no notebook in .*release.*make release"):
        tool.assignments(tmp_path)
    (tmp_path / "release" / "01-x").mkdir(parents=True)
    (tmp_path / "release" / "01-x" / "x.ipynb").write_text("{}")
    with pytest.raises(tool.SiteError, match=r"solutions/01-x/x.ipynb is missing.*make release"):
        tool.assignments(tmp_path)
    (tmp_path / "release" / "01-x" / "y.ipynb").write_text("{}")
    with pytest.raises(tool.SiteError, match=r"01-x: expected one notebook, found 2"):
        tool.assignments(tmp_path)


def test_bad_arguments_are_named(capsys):
    tool = site_build
    assert tool.main(["--repository", "not a repository"]) == 2
    assert "--repository: expected owner/name" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        tool.main(["--edition", "teachers"])
    assert exit_info.value.code == 2 and "invalid choice: 'teachers'" in capsys.readouterr().err
    assert tool.GITHUB_REMOTE.search("git@github.com:org/kit.git")[1] == "org/kit"
    assert tool.GITHUB_REMOTE.search("https://github.com/org/kit")[1] == "org/kit"
