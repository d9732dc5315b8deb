"""The copy of the course students receive (``make student-repo OUT=DIR``).

It holds the release notebooks, the course kit and the students' Makefile and README, and no
answer: no ``source/``, ``solutions/`` or ``autograder/``, no solution or hidden-test region, no
line of the hidden tests. Its README's commands work as typed (the slow test runs them in a
built copy: ``make install`` finds the environment already made, since nothing may be
downloaded here; ``make check`` then grades a notebook with the copy's own package, without
the hidden tests; ``make lab`` serves JupyterLab until stopped).
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _tool():
    path = REPO / "tools" / "student_repo.py"
    spec = importlib.util.spec_from_file_location("student_repo", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


student_repo = _tool()


def hidden_test_lines() -> set[str]:
    """Lines of the hidden tests that say something about the tests (not shared with the kit)."""
    package = "\n".join(p.read_text() for p in (REPO / "src").rglob("*.py"))
    lines = set()
    for path in (REPO / "autograder").glob("*.py"):
        for raw in path.read_text().splitlines():
            line = raw.strip()
            if len(line) <= 30 or line.startswith(("import ", "from ", "#", '"""', "@check")):
                continue
            if line not in package:
                lines.add(line)
    assert len(lines) > 20, "the hidden tests should have lines of their own"
    return lines


def readme_commands(readme: str) -> list[str]:
    """Every command of the README's ``bash`` blocks, in order (comments dropped)."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", readme, flags=re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line.strip())
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    out = tmp_path_factory.mktemp("student") / "course"
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "student_repo.py"), "--output", str(out)],
        capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def test_copy_holds_the_release_notebooks_the_kit_and_the_student_files(copy):
    top = sorted(p.name for p in copy.iterdir())
    assert top == sorted([".devcontainer", ".gitignore", "Makefile", "README.md", "binder",
                          "constraints.txt", "nbgrader_config.py", "notebooks", "pyproject.toml",
                          "src", "tools"])  # fmt: skip
    for release in (REPO / "release").glob("*/*.ipynb"):
        copied = copy / "notebooks" / release.parent.name / release.name
        assert copied.read_bytes() == release.read_bytes(), copied
    assert (copy / "src" / "coursekit" / "grading" / "kit_cells.json").is_file()
    assert not list(copy.rglob("__pycache__"))
    assert [p.name for p in (copy / "tools").iterdir()] == ["lab.py"]
    makefile = (copy / "Makefile").read_text()
    for target in ("install:", "lab:", "check:"):
        assert f"\n{target}" in makefile
    assert "$(BIN)/coursekit check" in makefile  # the venv's coursekit: no activation needed


def test_copy_gives_no_answer_away(copy):
    assert student_repo.find_leaks(copy) == []
    for folder in ("source", "solutions", "autograder", "tests", "benchmarks"):
        assert not (copy / folder).exists()
    secrets = hidden_test_lines()
    for path in (p for p in copy.rglob("*") if p.is_file()):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for marker in ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION", "### END SOLUTION"):
            assert marker not in text, f"{path}: {marker}"
        if path.suffix == ".ipynb" or not path.is_relative_to(copy / "src"):
            assert "grade_in_notebook" not in text, path
        leaked = [line for line in secrets if line in text]
        assert not leaked, f"{path} holds hidden test lines: {leaked[:3]}"


def test_find_leaks_names_what_would_leak(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "a.ipynb").write_text('"### BEGIN SOLUTION"\ngrade_in_notebook(')
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "x.txt").write_text("x")
    leaks = student_repo.find_leaks(tmp_path)
    assert "notebooks/a.ipynb: BEGIN SOLUTION" in leaks
    assert "notebooks/a.ipynb: grade_in_notebook" in leaks
    assert "solutions/x.txt: instructors' folder" in leaks


def test_readme_is_honest_about_the_kit_and_shows_the_commands(copy):
    readme = (copy / "README.md").read_text()
    assert readme_commands(readme) == [
        "make install", "make lab",
        "make check NOTEBOOK=notebooks/02-augmentation/augmentation.ipynb"]  # fmt: skip
    assert "scores zero" in readme and "compare against" in readme
    assert "synthetic twin" in readme and "COURSEKIT_DATA" in readme
    assert "Validate" in readme and 'check("rotate90")' in readme
    for notebook in (copy / "notebooks").glob("*/*.ipynb"):
        assert f"`notebooks/{notebook.parent.name}/{notebook.name}`" in readme
    assert "make test" not in readme and "solutions" not in readme


def test_one_assignment_and_refusals(tmp_path):
    out = student_repo.build_student_repo(tmp_path / "one", ["03-clustering"])
    assert [p.name for p in (out / "notebooks").iterdir()] == ["03-clustering"]
    assert "notebooks/02-augmentation" not in (out / "README.md").read_text()
    with pytest.raises(FileExistsError, match="not empty"):
        student_repo.build_student_repo(out)
    with pytest.raises(FileNotFoundError, match="05-nothing"):
        student_repo.build_student_repo(tmp_path / "two", ["05-nothing"])


@pytest.mark.parametrize("platform", ["gradescope", "jupyterhub", "classroom", "any"])
def test_handing_in_says_what_the_platform_wants(tmp_path, platform):
    code = student_repo.main(["--output", str(tmp_path / "c"), "--assignment", "03-clustering",
                              "--platform", platform])  # fmt: skip
    assert code == 0
    readme = (tmp_path / "c" / "README.md").read_text()
    handing_in = readme.split("## Handing in", 1)[1]
    first = handing_in.strip().split(":")[0].split("(")[0].strip()
    assert first == {"gradescope": "Upload your notebook to Gradescope",
                     "jupyterhub": "Submit in JupyterHub",
                     "classroom": "Commit your notebook and push it",
                     "any": "Your instructor tells you how"}[platform]  # fmt: skip
    if platform == "classroom":
        assert "Gradescope" not in handing_in and "upload" not in handing_in.lower()
    if platform in ("gradescope", "jupyterhub"):
        assert "Nothing needs to be" in handing_in and "Classroom" not in handing_in
        assert "git push" not in handing_in
    with pytest.raises(ValueError, match="unknown platform"):
        student_repo.hand_in_text("moodle")


def test_make_student_repo_passes_the_platform():
    def dry_run(*variables):
        return subprocess.run(["make", "-n", "-W", ".venv/.installed", "student-repo",
                               *variables], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout  # fmt: skip

    assert "--output x --platform gradescope" in dry_run("OUT=x", "PLATFORM=gradescope")
    assert "--output student-copy --platform any" in dry_run()


# ----------------------------------------------------------------- the README, as typed


def offline_environment(copy: Path) -> None:
    """``.venv`` in ``copy`` as ``make install`` leaves it, made without downloading anything.

    A virtual environment whose site-packages reaches this environment's libraries (a
    ``.pth`` line) and the copy's own ``src/`` (not this repository's package), a
    ``coursekit`` script, and the install stamp newer than the files it depends on.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(copy / ".venv")],
                   check=True, timeout=120)  # fmt: skip
    bin_dir = copy / ".venv" / "bin"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([str(bin_dir / "python"), "-c", purelib], capture_output=True,
                          text=True, check=True).stdout.strip()  # fmt: skip
    ours = sysconfig.get_paths()["purelib"]
    (Path(site) / "_coursekit_copy.pth").write_text(f"{copy / 'src'}\n{ours}\n")
    # The console scripts pip would write (coursekit, jupyter-lab, ...), run by this python.
    ours_bin = Path(sys.executable).parent
    for source in ours_bin.iterdir():
        if source.name.startswith("python") or not source.is_file():
            continue
        text = source.read_bytes()
        if not text.startswith(b"#!") or b"python" not in text.split(b"\n", 1)[0]:
            continue
        body = text.split(b"\n", 1)[1]
        script = bin_dir / source.name
        script.write_bytes(f"#!{bin_dir / 'python'}\n".encode() + body)
        script.chmod(0o755)
    (copy / ".venv" / ".installed").touch()


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.slow
def test_readme_commands_work_as_typed_in_a_fresh_copy(tmp_path, coursekit_cache):
    copy = tmp_path / "course"
    student_repo.build_student_repo(copy)
    offline_environment(copy)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env.update(HOME=str(tmp_path / "home"), COURSEKIT_CACHE=str(coursekit_cache),
               MPLBACKEND="Agg", PATH="/usr/local/bin:/usr/bin:/bin")  # no venv on PATH
    env.pop("COURSEKIT_AUTOGRADER", None)
    (tmp_path / "home").mkdir()
    commands = readme_commands((copy / "README.md").read_text())
    for command in commands:
        if command == "make lab":
            lab_serves(command, copy, env)
            continue
        done = subprocess.run(["bash", "-c", command], cwd=copy, env=env, capture_output=True,
                              text=True, timeout=600)  # fmt: skip
        assert done.returncode == 0, f"`{command}` failed:\n{done.stdout}\n{done.stderr}"
        if command.startswith("make check"):
            out = done.stdout
            assert "(02-augmentation): 0 / 12" in out, out[:500]
            assert "quarter_turns" in out and "raise NotImplementedError" in out
            assert "label-preserving" in out and "needs manual grading" in out
            assert str(REPO) not in out  # the copy's own kit graded it
    blank = subprocess.run(["make", "check"], cwd=copy, env=env, capture_output=True, text=True)
    assert blank.returncode == 2
    assert "make check NOTEBOOK=notebooks/01-images/images.ipynb" in blank.stderr


def lab_serves(command: str, copy: Path, env: dict) -> None:
    """``make lab`` starts JupyterLab on notebooks/ on 127.0.0.1:8888; stopped once it serves."""
    if not _port_free(8888):
        pytest.skip("port 8888 is in use here; make lab needs it")
    process = subprocess.Popen(["bash", "-c", command], cwd=copy, env={**env, "BROWSER": "true"},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while _port_free(8888):
            assert process.poll() is None, f"make lab stopped: {process.stdout.read()}"
            assert time.monotonic() < deadline, "JupyterLab did not start in 120 s"
            time.sleep(0.5)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            log, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            log, _ = process.communicate()
    assert str(copy / "notebooks") in log, log[-2000:]  # serves the notebooks folder



@pytest.mark.slow
def test_repository_readme_student_check_works_as_typed(tmp_path, coursekit_cache):
    from tests.fixtures.fresh_clone import fresh_clone, readme_block, run_block, shell_env

    clone = fresh_clone(tmp_path)
    block = readme_block("<!-- flow: student-check -->")
    assert block.strip() == "make check NOTEBOOK=release/02-augmentation/augmentation.ipynb"
    env = shell_env(tmp_path / "home", COURSEKIT_CACHE=str(coursekit_cache))
    done = run_block(block, clone, env, tmp_path / "no-hook")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "(02-augmentation): 0 / 12" in done.stdout and "quick public checks" in done.stdout
