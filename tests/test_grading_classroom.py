"""``coursekit classroom build``: templates whose workflow feeds Classroom's reporter."""

import nbformat
import pytest
import yaml

from coursekit.classroom import workflow_yaml
from coursekit.cli import main


def test_build_writes_notebook_workflow_and_readme(tmp_path):
    release = tmp_path / "release" / "03-clustering"
    release.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), release / "clustering.ipynb")
    out = tmp_path / "classroom"
    code = main(
        [
            "classroom",
            "build",
            "--assignment",
            "03-clustering",
            "--release",
            str(tmp_path / "release"),
            "--output",
            str(out),
            "--instructor-repo",
            "uni/course",
        ]
    )
    assert code == 0
    template = out / "03-clustering"
    assert (template / "clustering.ipynb").is_file() and (template / "README.md").is_file()
    workflow = yaml.safe_load((template / ".github" / "workflows" / "classroom.yml").read_text())
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    grade = next(s for s in steps if s.get("id") == "grade")
    assert (
        "coursekit grade clustering.ipynb --assignment 03-clustering --format classroom"
        in (grade["run"])
    )
    reporter = steps[-1]
    assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter")
    runners = reporter["with"]["runners"].split(",")
    assert runners == ["colour_histogram", "cluster_images", "purity"]
    # The reporter reads <RUNNER>_RESULTS for every runner.
    assert set(reporter["env"]) == {f"{r.upper()}_RESULTS" for r in runners}
    hidden = next(s for s in steps if s.get("with", {}).get("repository"))
    assert hidden["with"]["repository"] == "uni/course"
    assert not (template / "autograder").exists()


def test_build_explains_a_missing_release(tmp_path, capsys):
    code = main(
        [
            "classroom",
            "build",
            "--release",
            str(tmp_path),
            "--output",
            str(tmp_path / "o"),
            "--instructor-repo",
            "uni/course",
        ]
    )
    assert code == 2 and "make release" in capsys.readouterr().err


def test_unknown_assignment_is_refused():
    with pytest.raises(ValueError, match="unknown assignment"):
        workflow_yaml("05-nothing", "x.ipynb", "uni/course")
