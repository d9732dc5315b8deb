"""The students' environment: one pinned set for make, Codespaces and Binder; lab; browser test.

Fast checks of the files (`Makefile`, `constraints.txt`, `pyproject.toml`,
`.devcontainer/devcontainer.json`, `binder/`) and of the pure parts of
`tools/lab.py` and `tools/browser_test.py`; one slow test starts the
students' JupyterLab for real and asks it over HTTP what it serves.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

import browser_test  # noqa: E402
import lab  # noqa: E402

tomllib = pytest.importorskip("tomllib")


def make_install_command() -> tuple[Path, set[str]]:
    """The constraints file and the extras of the Makefile's `pip install` line for `make test`
    (the `bench` target installs one extra more: albumentations, for comparison only)."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    lines = [line for line in makefile.splitlines()
             if "pip install" in line and " -e " in line and "bench" not in line]
    assert len(lines) == 1, f"expected one `pip install ... -e` line in the Makefile, got {lines}"
    args = shlex.split(lines[0].strip())
    constraints = REPO / args[args.index("-c") + 1]
    target = args[args.index("-e") + 1]
    match = re.fullmatch(r"\.\[([a-z,]+)\]", target)
    assert match, f"unexpected editable target {target!r} in the Makefile"
    return constraints, set(match.group(1).split(","))


def read_pins(path: Path) -> dict[str, str]:
    """``{name: version}`` of the pins that apply to this Python (a pin may carry a marker)."""
    pins = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", (
            f"{path.name} line {number}: {line!r} is not NAME==VERSION[; marker]"
        )
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        key = canonicalize_name(requirement.name)
        assert key not in pins, f"{path.name} line {number}: {requirement.name} is pinned twice"
        pins[key] = specifiers[0].version
    return pins


def test_every_pin_has_one_version_for_every_python_from_3_11():
    """A package pinned twice carries markers that split the Python versions between its pins."""
    lines = [line.split("#", 1)[0].strip()
             for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines()]
    requirements = [Requirement(line) for line in lines if line]
    for python in ("3.11.2", "3.11.7", "3.12.1", "3.13.0"):
        environment = {"python_full_version": python, "python_version": python[:4]}
        applying = [r.name for r in requirements
                    if r.marker is None or r.marker.evaluate(environment)]  # fmt: skip
        doubles = {n for n in applying if applying.count(n) > 1}
        assert not doubles, f"Python {python}: pinned twice: {sorted(doubles)}"


def project_table() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


# --- one pinned set ---------------------------------------------------------------------------


def test_make_installs_the_course_and_dev_extras_under_constraints():
    constraints, extras = make_install_command()
    assert constraints == REPO / "constraints.txt"
    assert extras == {"course", "dev"}


def test_constraints_pin_every_requirement_of_every_extra():
    pins = read_pins(REPO / "constraints.txt")
    project = project_table()
    requirements = list(project["dependencies"])
    for extra in ("course", "dev", "browser"):
        requirements += project["optional-dependencies"][extra]
    unpinned = []
    for text in requirements:
        requirement = Requirement(text)
        version = pins.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            unpinned.append(f"{text} (pinned: {version})")
    assert not unpinned, f"constraints.txt does not pin a matching version of {unpinned}"


def test_browser_extra_holds_playwright_only():
    browser = project_table()["optional-dependencies"]["browser"]
    assert [canonicalize_name(Requirement(r).name) for r in browser] == ["playwright"]


def test_binder_requirements_install_what_make_installs():
    path = REPO / "binder" / "requirements.txt"
    constraints, extras = make_install_command()
    lines = [
        line.split("#", 1)[0].strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.split("#", 1)[0].strip()
    ]
    constraint_lines = [line for line in lines if line.startswith("-c ")]
    editable_lines = [line for line in lines if line.startswith("-e ")]
    assert len(constraint_lines) == 1 and len(editable_lines) == 1
    assert len(lines) == 2, f"binder/requirements.txt installs more than the project: {lines}"
    # pip resolves -c relative to the requirements file, -e relative to the repository root.
    assert (path.parent / constraint_lines[0][3:].strip()).resolve() == constraints
    match = re.fullmatch(r"-e \.\[([a-z,]+)\]", editable_lines[0])
    assert match and set(match.group(1).split(",")) == extras


def test_binder_and_codespaces_run_the_same_python():
    runtime = (REPO / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    image = json.loads((REPO / ".devcontainer" / "devcontainer.json").read_text())["image"]
    match = re.fullmatch(r"python-(\d+\.\d+)", runtime)
    assert match, f"binder/runtime.txt should read python-X.Y, not {runtime!r}"
    assert f"-{match.group(1)}-" in image, f"{image} is not Python {match.group(1)}"


def test_devcontainer_installs_with_make_and_serves_jupyterlab():
    config = json.loads((REPO / ".devcontainer" / "devcontainer.json").read_text())
    assert config["postCreateCommand"].startswith("make install")
    assert "make lab" in config["postAttachCommand"].values()
    assert 8888 in config["forwardPorts"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    # `make install` is the target whose recipe is the pip line checked above.
    assert re.search(r"^install: \$\(STAMP\)$", makefile, flags=re.MULTILINE)
    assert re.search(r"^lab: \$\(STAMP\)\n\t\$\(BIN\)/python tools/lab.py$", makefile, re.MULTILINE)


def test_binder_postbuild_switches_off_what_make_lab_switches_off():
    path = REPO / "binder" / "postBuild"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert os.access(path, os.X_OK), "binder/postBuild must be executable"
    disabled_plugins = set(re.findall(r"@jupyter/nbgrader:[a-z-]+", text))
    disabled_extensions = set(re.findall(r"nbgrader\.server_extensions\.[a-z_]+", text))
    assert disabled_plugins == set(lab.INSTRUCTOR_LAB_PLUGINS)
    assert disabled_extensions == set(lab.INSTRUCTOR_SERVER_EXTENSIONS)


def test_browser_test_output_is_ignored_by_git():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "browser-test-output/" in ignored


# --- tools/lab.py -----------------------------------------------------------------------------


def test_student_config_keeps_validate_and_disables_instructor_tools(tmp_path):
    lab.student_config(tmp_path)
    page = json.loads((tmp_path / "labconfig" / "page_config.json").read_text())
    server = json.loads((tmp_path / "jupyter_server_config.json").read_text())
    disabled = {name for name, off in page["disabledExtensions"].items() if off}
    assert disabled == set(lab.INSTRUCTOR_LAB_PLUGINS)
    assert lab.STUDENT_LAB_PLUGIN not in disabled
    extensions = server["ServerApp"]["jpserver_extensions"]
    assert extensions[lab.STUDENT_SERVER_EXTENSION] is True
    assert all(extensions[name] is False for name in lab.INSTRUCTOR_SERVER_EXTENSIONS)


def test_lab_command_binds_loopback_and_never_puts_a_token_on_the_command_line(tmp_path):
    command = lab.lab_command(tmp_path, port=9999, open_browser=False)
    assert "--ip=127.0.0.1" in command and "--port=9999" in command
    assert f"--ServerApp.root_dir={tmp_path.resolve()}" in command
    assert "--no-browser" in command
    assert not any("token" in arg.lower() for arg in command)


def test_lab_command_for_codespaces_accepts_only_the_forwarded_origin(tmp_path):
    command = lab.lab_command(tmp_path, codespaces=True)
    pattern = next(a for a in command if a.startswith("--ServerApp.allow_origin_pat="))
    regex = re.compile(pattern.split("=", 1)[1])
    assert regex.fullmatch("https://octocat-studious-8888.app.github.dev")
    assert not regex.fullmatch("https://evil.example.com")
    assert "--IdentityProvider.token=" in command


def test_student_environment_puts_the_config_first_and_drops_mplbackend(tmp_path):
    base = {"JUPYTER_CONFIG_PATH": "/a", "MPLBACKEND": "Agg", "HOME": "/home/x"}
    env = lab.student_environment(tmp_path, base)
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(tmp_path), "/a"]
    assert "MPLBACKEND" not in env and env["HOME"] == "/home/x"


# --- tools/browser_test.py: finding and judging notebooks ------------------------------------


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")


def test_discover_notebooks_finds_release_then_solutions_and_skips_checkpoints(tmp_path):
    for name in (
        "release/02-b/b.ipynb",
        "release/01-a/a.ipynb",
        "release/01-a/.ipynb_checkpoints/a-checkpoint.ipynb",
        "release/top.ipynb",
        "solutions/01-a/a.ipynb",
        "source/01-a/a.ipynb",
    ):
        _touch(tmp_path / name)
    found = browser_test.discover_notebooks(tmp_path)
    assert [(c.path.as_posix(), c.blank) for c in found] == [
        ("release/01-a/a.ipynb", True),
        ("release/02-b/b.ipynb", True),
        ("solutions/01-a/a.ipynb", False),
    ]
    assert found[0].screenshot_name == "release-01-a-a.png"


def test_discover_notebooks_in_an_empty_folder_finds_none(tmp_path):
    assert browser_test.discover_notebooks(tmp_path) == []


def code(source, count=1, *errors, text=None):
    outputs = [{"type": "error", "ename": e, "evalue": "boom"} for e in errors]
    if text is not None:
        outputs.append({"type": "stream", "text": text})
    return {"type": "code", "source": source, "executionCount": count, "outputs": outputs}


def test_check_cells_allows_stub_errors_only_in_a_blank_notebook():
    cells = [
        {"type": "markdown", "source": "# Title", "executionCount": None, "outputs": []},
        code("x = 1"),
        code("f(x)", 2, "NotImplementedError"),
        code("", None),
    ]
    assert browser_test.check_cells(cells, blank=True) == ([], 1)
    problems, _ = browser_test.check_cells(cells, blank=False)
    assert len(problems) == 1 and "cell 3 ('f(x)') raised NotImplementedError" in problems[0]


def test_check_cells_reports_other_errors_and_cells_that_never_ran():
    cells = [code("import coursekit"), code("show(y)", 2, "NameError"), code("z = 2", None)]
    problems, n_stubs = browser_test.check_cells(cells, blank=True)
    assert n_stubs == 0
    assert any("cell 2 ('show(y)') raised NameError" in p for p in problems)
    assert any("cell 3 ('z = 2') did not run" in p for p in problems)
    assert browser_test.check_cells([], blank=True)[0] == ["the page shows no cells"]
    assert browser_test.first_failing_cell(cells, blank=True) == 1


def test_first_failing_cell_skips_allowed_stub_errors():
    cells = [code("f(1)", 1, "NotImplementedError"), code("g()", 2, "ValueError")]
    assert browser_test.first_failing_cell(cells, blank=True) == 1
    assert browser_test.first_failing_cell(cells, blank=False) == 0
    assert browser_test.first_failing_cell(cells[:1], blank=True) is None


def test_find_data_line_requires_the_line_only_where_load_dataset_is_called():
    line = "Using the synthetic HAM10000 twin (700 images); set COURSEKIT_DATA to switch."
    loads = code("images, meta = load_dataset()", text=line + "\n")
    assert browser_test.find_data_line([loads]) == (line, [])
    silent = code("images, meta = load_dataset()")
    found, problems = browser_test.find_data_line([silent])
    assert found is None and "HAM10000" in problems[0]
    assert browser_test.find_data_line([code("x = 1")]) == (None, [])


# --- the students' JupyterLab, for real -------------------------------------------------------


def _get(url: str, token: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.mark.slow
def test_students_jupyterlab_serves_validate_but_not_formgrader(tmp_path):
    (tmp_path / "served").mkdir()
    env = browser_test.isolated_environment(tmp_path, token="t0ken")
    server = browser_test.JupyterServer(tmp_path / "served", env, tmp_path / "log", "t0ken")
    with server:
        status, _ = _get(f"{server.url}/nbgrader_version?version=0", "t0ken")
        assert status == 200, "nbgrader's validate server extension is not loaded"
        assert _get(f"{server.url}/formgrader", "t0ken")[0] == 404
        status, page = _get(f"{server.url}/lab", "t0ken")
        assert status == 200
        match = re.search(r'id="jupyter-config-data"[^>]*>\s*(\{.*?\})\s*</script>', page, re.S)
        disabled = json.loads(match.group(1))["disabledExtensions"]
        assert set(lab.INSTRUCTOR_LAB_PLUGINS) <= set(disabled)
        assert lab.STUDENT_LAB_PLUGIN not in disabled
        # A kernel runs in a session of its own: stopping the server must end it too.
        server.api("POST", "/api/kernels")
        deadline = time.monotonic() + 60
        while not (kernels := browser_test._descendants(server.process.pid)):
            assert time.monotonic() < deadline, "the kernel never started"
            time.sleep(0.2)
        pid = server.process.pid
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)
    assert not [k.pid for k in kernels if k.is_running() and k.status() != "zombie"]


def _readme_make_commands() -> list[str]:
    """Every ``make ...`` command README.md shows, inline or in a ``bash`` block."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    inline = re.findall(r"`(make [^`]+)`", text)
    blocks = "\n".join(re.findall(r"```bash\n(.*?)```", text, flags=re.S))
    in_blocks = [re.sub(r"\s+#.*$", "", line.strip()) for line in blocks.splitlines()
                 if line.strip().startswith("make ")]  # fmt: skip
    return sorted(set(inline + in_blocks))


def test_every_make_command_of_the_readme_is_a_target_make_accepts():
    """``make -n`` (print, do not run) accepts each command as typed, with its variables."""
    import subprocess

    commands = _readme_make_commands()
    assert {"make demo", "make test", "make bench", "make lab"} <= set(commands)
    for command in commands:
        argv = shlex.split(command.replace("DIR", "/tmp/coursekit-dir").replace("...", "x"))
        done = subprocess.run(["make", "-n", *argv[1:]], cwd=REPO, capture_output=True,
                              text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, f"`{command}`: {done.stderr}"


def test_readme_pytest_variables_reach_pytest():
    import subprocess

    def dry(*variables):
        done = subprocess.run(["make", "-n", "test", *variables], cwd=REPO, capture_output=True,
                              text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return next(line for line in done.stdout.splitlines() if "-m pytest" in line)

    assert "-n 2 --dist loadfile" in dry()
    serial = dry("PYTEST_JOBS=")
    assert "-n 2" not in serial
    assert "-m 'not slow'" in dry("PYTEST_ARGS=-m 'not slow'")
