"""Open every course notebook in a real JupyterLab in headless Chromium (``make test-browser``).

What a student does, done by a browser: JupyterLab (started as ``make lab``
starts it, see ``tools/lab.py``) serves a temporary copy of ``release/`` and
``solutions/``; each notebook is opened, run with the menu *Run > Run All
Cells* (after a cell stops the run, *Run > Run Selected Cell and All Below*
from the next cell on, as a student stuck on one exercise carries on), and
checked:

- the page shows the notebook, with as many cells as the file;
- every code cell ran;
- a blank release notebook (``release/*/*.ipynb``) raises nothing but the
  exercise stubs' ``NotImplementedError``; a solution notebook
  (``solutions/*/*.ipynb``) raises nothing at all;
- a notebook that calls ``load_dataset`` prints which data set is in use
  (a line naming HAM10000);
- the notebook toolbar shows nbgrader's *Validate* button.

Then Validate is clicked on two more notebooks (02-augmentation answered with the
solutions, and the same with a rotate90 that turns clockwise): the first dialog must say
"Success!", the second must fail on the rotate90 check cell with the quick check's message.

A screenshot per notebook (PNG, the top of the run notebook) and
``report.txt`` go to ``browser-test-output/``; the Jupyter server's log goes
there too. The exit status is 0 when every notebook passes, 1 when one
fails, 2 when the test could not run (no notebooks, no browser, no server).

Needs Debian's ``chromium`` (installed with ``apt-get`` when missing and
running as root) and Playwright for Python (installed from the ``browser``
extra with ``constraints.txt`` when missing); Playwright drives Debian's
Chromium, it never downloads a browser.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab  # noqa: E402  (tools/ is not a package: lab.py sits beside this file)

REPO = lab.REPO
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT = {"width": 1400, "height": 1000}
#: How often the page is asked whether the cells have finished (milliseconds).
POLL_MS = 500
#: The one error a blank release notebook may show: an exercise stub.
STUB_ERROR = "NotImplementedError"
#: What a graded cell's quick check raises (on a blank stub: naming NotImplementedError).
QUICK_CHECK_ERROR = "QuickCheckFailed"
#: nbgrader Validate, clicked in the toolbar: a finished notebook and one with a clockwise
#: rotate90 (issue 10), with what each dialog must say.
VALIDATE_ASSIGNMENT = ("02-augmentation", "augmentation.ipynb")
CLOCKWISE_ROTATE90 = (
    "import numpy as np\n\n\ndef rotate90(image, k=1):\n    return np.rot90(image, -k).copy()\n"
)
VALIDATE_EXPECTED = {
    "right": ["Success! Your notebook passes all the tests."],
    "wrong": ["The following cell failed", 'check("rotate90")', "QuickCheckFailed: ✘ rotate90",
              "quarter_turns", "Hint:"],
}

# What the page holds, read from JupyterLab's own models (window.jupyterapp); outputs
# (errors and printed text only) when called with true.
NOTEBOOK_STATE_JS = """
(withOutputs) => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext || !panel.context) { return null; }
  const session = panel.sessionContext.session;
  const kernel = session ? session.kernel : null;
  const text = (value) => Array.isArray(value) ? value.join('') : (value || '');
  const cells = panel.content.widgets.map((cell) => {
    const model = cell.model;
    const info = {type: model.type, source: model.sharedModel.getSource(),
                  executionCount: null, running: false, outputs: []};
    if (model.type === 'code') {
      info.executionCount = model.executionCount;
      info.running = model.executionState === 'running';
      // Images stay in the page: polling them a few times a second slows the browser down.
      for (let i = 0; withOutputs && i < model.outputs.length; i++) {
        const output = model.outputs.get(i);
        const o = (output.type === 'error' || output.type === 'stream') ? output.toJSON() : {};
        info.outputs.push({type: output.type, ename: o.ename || null, evalue: o.evalue || null,
                           text: output.type === 'stream' ? text(o.text) : null});
      }
    }
    return info;
  });
  return {path: panel.context.path, ready: panel.context.isReady,
          kernelStatus: kernel ? kernel.status : null,
          kernelName: kernel ? kernel.name : null, cells: cells};
}
"""
SELECT_CELL_JS = """
(index) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  notebook.mode = 'command';
  notebook.activeCellIndex = index;
  notebook.deselectAll();
  return notebook.scrollToItem(index, 'start');
}
"""


@dataclass(frozen=True)
class NotebookCase:
    """A notebook to open: its path relative to the served folder, and whether it is blank."""

    path: Path
    blank: bool

    @property
    def screenshot_name(self) -> str:
        return "-".join(self.path.with_suffix("").parts) + ".png"


@dataclass
class NotebookResult:
    """What happened to one notebook in the browser."""

    case: NotebookCase
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    open_seconds: float | None = None
    screenshot: Path | None = None
    problem_screenshot: Path | None = None
    data_line: str | None = None
    n_cells: int = 0
    n_stub_errors: int = 0

    @property
    def passed(self) -> bool:
        return not self.problems


class SetupError(RuntimeError):
    """The test could not run at all (as opposed to a notebook failing it)."""


def discover_notebooks(root: Path) -> list[NotebookCase]:
    """Return the course notebooks under ``root``, release notebooks first.

    Parameters
    ----------
    root : pathlib.Path
        A folder holding ``release/<assignment>/*.ipynb`` (blank notebooks)
        and ``solutions/<assignment>/*.ipynb`` (worked notebooks).

    Returns
    -------
    list of NotebookCase
        Sorted by path within each group; paths relative to ``root``;
        checkpoints and other hidden folders are left out.
    """
    root = Path(root)
    cases = []
    for folder, blank in (("release", True), ("solutions", False)):
        for path in sorted(root.glob(f"{folder}/*/*.ipynb")):
            relative = path.relative_to(root)
            if not any(part.startswith(".") for part in relative.parts):
                cases.append(NotebookCase(relative, blank))
    return cases


def check_cells(cells: list[dict], *, blank: bool) -> tuple[list[str], int]:
    """Check the cells of a run notebook, as read from the page.

    Parameters
    ----------
    cells : list of dict
        One dict per cell with ``type`` ("code", "markdown", "raw"),
        ``source`` (str), ``executionCount`` (int or None) and ``outputs``
        (dicts with ``type`` - nbformat's ``output_type`` - and, for errors,
        ``ename`` and ``evalue``).
    blank : bool
        True for a blank release notebook, where exercise stubs raise
        ``NotImplementedError``; False for a solution, where nothing may raise.

    Returns
    -------
    problems : list of str
        One message per problem, naming the cell (1-based, with the first
        line of its source); empty when the notebook passes.
    n_stub_errors : int
        How many cells raised ``NotImplementedError``.
    """
    if not cells:
        return ["the page shows no cells"], 0
    verdicts = list(_judge_cells(cells, blank))
    problems = [message for _, message in verdicts if message is not None]
    return problems, sum(message is None for _, message in verdicts)


def first_failing_cell(cells: list[dict], *, blank: bool) -> int | None:
    """Return the index (0-based) of the first cell :func:`check_cells` objects to, or None."""
    return next((index for index, message in _judge_cells(cells, blank) if message), None)


def _judge_cells(cells: list[dict], blank: bool):
    """Yield ``(index, message)`` per problem, and ``(index, None)`` per allowed stub error."""
    for index, cell in enumerate(cells):
        if cell["type"] != "code" or not cell["source"].strip():
            continue
        where = f"cell {index + 1} ({_first_line(cell['source'])!r})"
        if cell.get("executionCount") is None:
            yield index, f"{where} did not run"
        for output in cell.get("outputs", []):
            if output.get("type") != "error":
                continue
            error = f"{output.get('ename')}: {output.get('evalue')}"
            if blank and _is_stub_error(output):
                yield index, None
            elif blank:
                yield (
                    index,
                    (
                        f"{where} raised {error} (a blank release notebook may raise only "
                        f"{STUB_ERROR} from an exercise stub)"
                    ),
                )
            else:
                yield index, f"{where} raised {error} (a solution must run without errors)"


def _is_stub_error(output: dict) -> bool:
    """An exercise stub's NotImplementedError, or the quick check reporting one."""
    if output.get("ename") == STUB_ERROR:
        return True
    return output.get("ename") == QUICK_CHECK_ERROR and STUB_ERROR in str(output.get("evalue"))


def find_data_line(cells: list[dict]) -> tuple[str | None, list[str]]:
    """Return the line saying which data set is in use, and a problem if it is missing.

    Only notebooks whose code calls ``load_dataset`` must print that line
    (``coursekit.data.load_dataset`` prints it); the line is the first
    printed line that names HAM10000.
    """
    calls = [c for c in cells if c["type"] == "code" and "load_dataset(" in c["source"]]
    for cell in cells:
        for output in cell.get("outputs", []):
            for line in (output.get("text") or "").splitlines():
                if "HAM10000" in line:
                    return line.strip(), []
    if calls:
        return None, [
            "no output names the data set in use: the cell calling load_dataset "
            f"({_first_line(calls[0]['source'])!r}) should print a line naming HAM10000 "
            "(real data or the synthetic twin, and how to switch)"
        ]
    return None, []


def ensure_chromium(executable: Path = CHROMIUM) -> Path:
    """Return ``executable``, installing Debian's chromium and chromium-driver if it is missing."""
    if executable.exists():
        return executable
    if executable != CHROMIUM:
        raise SetupError(f"no browser at {executable} (given with --chromium).")
    if os.geteuid() != 0:
        raise SetupError(
            f"{executable} is missing and this is not root: install Debian's browser with "
            "`sudo apt-get install -y chromium chromium-driver`."
        )
    print("browser-test: installing Debian's chromium and chromium-driver ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "chromium", "chromium-driver"],
    ):
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SetupError(
                f"`{' '.join(command)}` failed with exit code {done.returncode}:\n"
                + _tail(done.stdout + done.stderr)
            )
    if not executable.exists():
        raise SetupError(f"apt-get installed chromium but {executable} is still missing.")
    return executable


def ensure_playwright() -> None:
    """Import Playwright; if missing, install the ``browser`` extra pinned by constraints.txt."""
    try:
        importlib.import_module("playwright.sync_api")
        return
    except ImportError:
        pass
    print("browser-test: installing Playwright (the `browser` extra) ...", flush=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "-c",
        str(REPO / "constraints.txt"),
        "-e",
        f"{REPO}[browser]",
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SetupError(
            f"installing Playwright failed (exit code {done.returncode}):\n"
            + _tail(done.stdout + done.stderr)
        )
    importlib.invalidate_caches()
    importlib.import_module("playwright.sync_api")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_workspace(source_root: Path, cases: list[NotebookCase], workspace: Path) -> Path:
    """Copy the notebooks' assignment folders (and nbgrader_config.py) into ``workspace``.

    The browser runs the copies, so the repository is never modified.
    Returns the folder to serve.
    """
    served = workspace / "notebooks"
    for folder in sorted({case.path.parent for case in cases}):
        shutil.copytree(
            source_root / folder,
            served / folder,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
    config = source_root / "nbgrader_config.py"
    if config.exists():
        shutil.copy2(config, served / config.name)
    return served


def isolated_environment(workspace: Path, token: str) -> dict[str, str]:
    """Return the environment of the server: students' settings, every Jupyter folder temporary.

    The course's data cache (``COURSEKIT_CACHE``, else the user's cache
    folder) is the one a student's notebooks use: the synthetic data set is
    made once, by the warm-up of the first run, and reused after.
    """
    student = lab.student_config(workspace / "student-config")
    env = lab.student_environment(student)
    for name, folder in (
        ("JUPYTER_CONFIG_DIR", "jupyter-config"),
        ("JUPYTER_DATA_DIR", "jupyter-data"),
        ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        env[name] = str(workspace / folder)
        (workspace / folder).mkdir(parents=True, exist_ok=True)
    # The test's one departure from a student's first visit: the "would you like Jupyter
    # news?" question is answered (No), so that it never covers a screenshot.
    news = workspace / "jupyter-config/lab/user-settings/@jupyterlab/apputils-extension"
    news.mkdir(parents=True, exist_ok=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}\n')
    env["JUPYTER_TOKEN"] = token
    env["PYTHONUNBUFFERED"] = "1"
    return env


def warm_up(env: dict[str, str], cwd: Path, timeout: float) -> None:
    """Make and cache the synthetic data set once, before any notebook needs it.

    A failure is reported and otherwise left to the notebooks, whose
    screenshots then show it as a student would meet it.
    """
    code = (
        "import coursekit.data as data\n"
        "load = getattr(data, 'load_dataset', None)\n"
        "print('no coursekit.data.load_dataset: warm-up skipped') if load is None else load()\n"
    )
    start = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        print(f"browser-test: warning: warm-up took over {timeout:.0f} s; carrying on", flush=True)
        return
    if done.returncode != 0:
        # The notebooks will show the same failure where a student meets it.
        print(
            "browser-test: warning: warm-up (coursekit.data.load_dataset) failed; carrying on:\n"
            + _tail(done.stderr, 6),
            flush=True,
        )
        return
    print(
        f"browser-test: warm-up {time.monotonic() - start:.1f} s: {done.stdout.strip()}",
        flush=True,
    )


class JupyterServer:
    """A ``jupyter lab`` process of its own process group, stopped whatever happens.

    Use as a context manager; ``url`` is the server's base URL.
    """

    def __init__(self, root: Path, env: dict[str, str], log_path: Path, token: str):
        self.root = root
        self.env = env
        self.log_path = log_path
        self.token = token
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> JupyterServer:
        command = lab.lab_command(
            self.root,
            port=self.port,
            open_browser=False,
            extra=["--LabApp.expose_app_in_browser=True"],
        )
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            command,
            cwd=self.root,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            self._wait_until_ready(timeout=90)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SetupError(
                    f"jupyter lab exited with code {self.process.returncode} before answering:\n"
                    + _tail(self.log_path.read_text(encoding="utf-8", errors="replace"))
                )
            try:
                self.api("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise SetupError(
            f"jupyter lab did not answer on {self.url} within {timeout:.0f} s; see {self.log_path}"
        )

    def api(self, method: str, path: str):
        """Call the server's REST API; return the decoded JSON answer (None when empty)."""
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """End every session (and its kernel), so notebooks never run side by side."""
        for session in self.api("GET", "/api/sessions") or []:
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def stop(self) -> None:
        """Stop the server and its kernels, whatever state they are in.

        Kernels run in sessions of their own (jupyter_client starts them so),
        hence the order: end the sessions over HTTP, note the server's child
        processes, SIGTERM the server's process group (SIGKILL after 10 s),
        then kill any child still alive.
        """
        if self.process is not None and self.process.poll() is None:
            try:
                self.shut_down_kernels()
            except (urllib.error.URLError, OSError, ValueError):
                pass  # a server that cannot answer is stopped by signals below
            children = _descendants(self.process.pid)
            for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
            for child in children:
                try:
                    child.kill()
                except Exception:  # noqa: BLE001  (already gone: psutil.NoSuchProcess)
                    pass
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None


def _descendants(pid: int) -> list:
    """The processes started by ``pid``, as psutil handles (none when psutil is missing)."""
    try:
        import psutil
    except ImportError:
        return []
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def run_notebook(
    browser, server: JupyterServer, case: NotebookCase, served: Path, output: Path, timeout: float
) -> NotebookResult:
    """Open ``case`` in a fresh browser context, run all its cells, check and photograph it."""
    result = NotebookResult(case)
    start = time.monotonic()
    deadline = start + timeout
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page_errors: list[str] = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        url_path = urllib.parse.quote(case.path.as_posix())
        page.goto(f"{server.url}/lab/tree/{url_path}?reset&token={server.token}")
        state = _wait_for(
            page,
            deadline,
            "the notebook to open and its kernel to be idle",
            lambda s: (
                s["ready"] and s["kernelStatus"] == "idle" and s["path"] == case.path.as_posix()
            ),
        )
        result.open_seconds = time.monotonic() - start
        _click_menu(page, "Run", "runmenu:run-all")
        state = _wait_until_settled(page, deadline)
        for _ in range(len(state["cells"])):
            index = _first_unrun_cell(state["cells"])
            if index is None:
                break
            # The run stopped at an error: carry on from the next cell, as a student would.
            page.evaluate(SELECT_CELL_JS, index)
            _click_menu(page, "Run", "notebook:run-all-below")
            state = _wait_until_settled(page, deadline)
            if _first_unrun_cell(state["cells"]) == index:
                break
        state = page.evaluate(NOTEBOOK_STATE_JS, True)
        result.n_cells = len(state["cells"])
        expected = _cell_count(served / case.path)
        if result.n_cells != expected:
            result.problems.append(
                f"the page shows {result.n_cells} cells; the file has {expected}"
            )
        tab = page.locator(
            "#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel"
        ).first
        if not page.locator(".jp-NotebookPanel").first.is_visible() or (
            tab.inner_text() != case.path.name
        ):
            result.problems.append(f"the page does not show {case.path.name} as the current tab")
        problems, result.n_stub_errors = check_cells(state["cells"], blank=case.blank)
        result.problems += problems
        failing = first_failing_cell(state["cells"], blank=case.blank)
        if failing is not None:
            page.evaluate(SELECT_CELL_JS, failing)
            page.wait_for_timeout(500)
            result.problem_screenshot = output / case.screenshot_name.replace(
                ".png", "-problem.png"
            )
            page.screenshot(path=str(result.problem_screenshot))
        result.data_line, problems = find_data_line(state["cells"])
        result.problems += problems
        if not page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate").count():
            result.problems.append("the notebook toolbar has no nbgrader Validate button")
    except _Timeout as exc:
        result.problems.append(f"timed out after {timeout:.0f} s waiting for {exc}")
    except Exception as exc:  # a browser or page failure is this notebook's failure
        result.problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        try:
            page.evaluate(SELECT_CELL_JS, 0)
            page.wait_for_timeout(500)
            result.screenshot = output / case.screenshot_name
            page.screenshot(path=str(result.screenshot))
        except Exception as exc:  # noqa: BLE001  (the screenshot must not hide the real failure)
            result.problems.append(f"no screenshot: {type(exc).__name__}: {exc}")
            result.screenshot = None
        context.close()
        try:
            server.shut_down_kernels()
        except (urllib.error.URLError, OSError) as exc:
            result.problems.append(f"could not shut the kernel down: {exc}")
    if page_errors:
        print(f"  page errors in {case.path}: {page_errors[:3]}", flush=True)
    result.seconds = time.monotonic() - start
    return result


@dataclass
class ValidateResult:
    """What nbgrader's Validate button said about one notebook."""

    name: str
    path: Path
    problems: list[str] = field(default_factory=list)
    text: str = ""
    seconds: float = 0.0
    screenshot: Path | None = None

    @property
    def passed(self) -> bool:
        return not self.problems


def prepare_validate_notebooks(source_root: Path, served: Path) -> dict[str, Path]:
    """Write the finished and the wrong notebook of :data:`VALIDATE_ASSIGNMENT` to ``served``.

    Both are the release notebook answered with the source's solutions (and a sentence for
    each written answer); the wrong one has a rotate90 that turns clockwise.
    """
    sys.path.insert(0, str(REPO / "tests"))
    from fixtures.filled import filled_notebook

    assignment, notebook = VALIDATE_ASSIGNMENT
    paths = {}
    for name, overrides in (("right", None), ("wrong", {"rotate90": CLOCKWISE_ROTATE90})):
        out = served / "validate" / name / notebook
        filled_notebook(assignment, notebook, out, overrides, release_root=source_root)
        paths[name] = out.relative_to(served)
    return paths


def run_validate(browser, server, name: str, path: Path, output: Path, timeout: float):
    """Open ``path``, click the toolbar's Validate button and read the dialog it opens."""
    result = ValidateResult(name, path)
    start = time.monotonic()
    deadline = start + timeout
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        url_path = urllib.parse.quote(path.as_posix())
        page.goto(f"{server.url}/lab/tree/{url_path}?reset&token={server.token}")
        _wait_for(
            page,
            deadline,
            "the notebook to open",
            lambda s: s["ready"] and s["kernelStatus"] == "idle" and s["path"] == path.as_posix(),
        )
        page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate").first.click()
        dialog = page.locator(".jp-Dialog")
        while not (dialog.count() and "Validat" in dialog.first.inner_text()
                   and not page.locator(".jp-Dialog .jp-Spinner").count()):
            if time.monotonic() > deadline:
                raise _Timeout("the Validate dialog")
            page.wait_for_timeout(POLL_MS)
        page.wait_for_timeout(1000)  # the dialog's text is complete once the spinner is gone
        result.text = dialog.first.inner_text()
        for needle in VALIDATE_EXPECTED[name]:
            if needle not in result.text:
                result.problems.append(f"the Validate dialog does not say {needle!r}")
        result.screenshot = output / f"validate-{name}.png"
        page.screenshot(path=str(result.screenshot))
    except _Timeout as exc:
        result.problems.append(f"timed out after {timeout:.0f} s waiting for {exc}")
    except Exception as exc:  # a browser or page failure is this check's failure
        result.problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        context.close()
        try:
            server.shut_down_kernels()
        except (urllib.error.URLError, OSError) as exc:
            result.problems.append(f"could not shut the kernel down: {exc}")
    result.seconds = time.monotonic() - start
    return result


class _Timeout(Exception):
    pass


def _wait_for(page, deadline: float, what: str, ready) -> dict:
    while True:
        state = page.evaluate(NOTEBOOK_STATE_JS, False)
        if state is not None and ready(state):
            return state
        if page.locator(".jp-Dialog").count():
            title = page.locator(".jp-Dialog-header").first.inner_text()
            raise RuntimeError(f"JupyterLab shows a dialog: {title!r}")
        if time.monotonic() > deadline:
            raise _Timeout(what)
        page.wait_for_timeout(POLL_MS)


def _wait_until_settled(page, deadline: float, quiet_seconds: float = 1.5) -> dict:
    """Wait until the kernel is idle and no cell runs, continuously for ``quiet_seconds``."""
    quiet_since = None
    while True:
        state = _wait_for(page, deadline, "the cells to finish running", lambda s: True)
        busy = state["kernelStatus"] != "idle" or any(c["running"] for c in state["cells"])
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_seconds:
            return state
        if time.monotonic() > deadline:
            raise _Timeout("the cells to finish running")
        page.wait_for_timeout(POLL_MS)


def _first_unrun_cell(cells: list[dict]) -> int | None:
    for index, cell in enumerate(cells):
        if cell["type"] == "code" and cell["source"].strip() and cell["executionCount"] is None:
            return index
    return None


def _click_menu(page, menu: str, command: str) -> None:
    """Open a menu of JupyterLab's menu bar and click the item running ``command``."""
    page.locator(f".lm-MenuBar-item:has(.lm-MenuBar-itemLabel:text-is('{menu}'))").first.click()
    page.locator(f".lm-Menu li[data-command='{command}']").first.click()


def _cell_count(path: Path) -> int:
    return len(json.loads(path.read_text(encoding="utf-8"))["cells"])


def _first_line(source: str) -> str:
    lines = [line for line in source.strip().splitlines() if line.strip()]
    return (lines[0][:60] + "...") if lines and len(lines[0]) > 60 else (lines[0] if lines else "")


def _tail(text: str, n: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-n:])


def write_report(results: list[NotebookResult], path: Path) -> None:
    """Write one paragraph per notebook: verdict, time, data line, problems, screenshot."""
    lines = []
    for r in results:
        verdict = "PASS" if r.passed else "FAIL"
        if isinstance(r, ValidateResult):
            lines.append(f"{verdict} Validate on {r.path} ({r.name}, {r.seconds:.1f} s)")
            lines += [f"    problem: {p}" for p in r.problems]
            lines += [f"    dialog: {line}" for line in r.text.strip().splitlines()[:12]]
            if r.screenshot:
                lines.append(f"    screenshot: {r.screenshot}")
            continue
        kind = "blank release" if r.case.blank else "solution"
        lines.append(f"{verdict} {r.case.path} ({kind}, {r.n_cells} cells, {r.seconds:.1f} s)")
        if r.open_seconds is not None:
            lines.append(f"    opened, kernel idle after {r.open_seconds:.1f} s")
        if r.case.blank:
            lines.append(f"    exercise stubs raising {STUB_ERROR}: {r.n_stub_errors}")
        if r.data_line:
            lines.append(f"    data: {r.data_line}")
        lines += [f"    problem: {p}" for p in r.problems]
        if r.screenshot:
            lines.append(f"    screenshot: {r.screenshot}")
        if r.problem_screenshot:
            lines.append(f"    screenshot of the first failing cell: {r.problem_screenshot}")
    n_failed = sum(not r.passed for r in results)
    lines.append(f"{len(results) - n_failed} passed, {n_failed} failed")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run every course notebook in JupyterLab in headless Chromium."
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=REPO,
        help="folder holding release/ and solutions/ (default: this repository)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO / "browser-test-output",
        help="folder for screenshots, report.txt and the server log",
    )
    parser.add_argument(
        "--timeout", type=float, default=180, help="seconds allowed per notebook (default 180)"
    )
    parser.add_argument(
        "--first-timeout",
        type=float,
        default=300,
        help="seconds allowed for the first notebook, whose kernel starts cold",
    )
    parser.add_argument(
        "--chromium",
        type=Path,
        default=CHROMIUM,
        help=f"browser executable (default {CHROMIUM}, installed if missing)",
    )
    parser.add_argument(
        "--no-validate",
        dest="validate",
        action="store_false",
        help="skip clicking Validate on a finished and on a wrong notebook",
    )
    parser.add_argument(
        "--match",
        default="",
        help="run only the notebooks whose path contains this text (e.g. solutions/01)",
    )
    args = parser.parse_args(argv)
    # SIGTERM (a CI time-out) unwinds like Ctrl-C, so the server is still stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    root = args.root.resolve()
    cases = [c for c in discover_notebooks(root) if args.match in c.path.as_posix()]
    if not cases:
        print(
            f"browser-test: no notebooks in {root}/release/*/*.ipynb or "
            f"{root}/solutions/*/*.ipynb; run `make release` first.",
            file=sys.stderr,
        )
        return 2
    output = args.output.resolve()
    output.mkdir(parents=True, exist_ok=True)
    # Clear the last run's files only: --output may name a folder holding other things.
    for stale in [*output.glob("*.png"), output / "report.txt", output / "jupyter-server.log"]:
        stale.unlink(missing_ok=True)
    start = time.monotonic()
    try:
        chromium = ensure_chromium(args.chromium)
        ensure_playwright()
        results = _run_all(cases, root, output, chromium, args)
    except SetupError as exc:
        print(f"browser-test: could not run: {exc}", file=sys.stderr)
        return 2
    write_report(results, output / "report.txt")
    print((output / "report.txt").read_text(encoding="utf-8"), end="")
    print(f"browser-test: {time.monotonic() - start:.0f} s in all; screenshots in {output}")
    failed = [r for r in results if not r.passed]
    if failed:
        names = [str(r.path) if isinstance(r, ValidateResult) else str(r.case.path) for r in failed]
        print(f"browser-test: FAILED: {', '.join(names)}", file=sys.stderr)
        return 1
    return 0


def _run_all(cases, root, output, chromium, args) -> list[NotebookResult]:
    from playwright.sync_api import sync_playwright

    token = secrets.token_hex(24)
    results = []
    with tempfile.TemporaryDirectory(prefix="coursekit-browser-") as tmp:
        workspace = Path(tmp)
        served = prepare_workspace(root, cases, workspace)
        run_validate_too = args.validate and not args.match
        validate = prepare_validate_notebooks(root, served) if run_validate_too else {}
        env = isolated_environment(workspace, token)
        warm_up(env, served, timeout=args.first_timeout)
        log = output / "jupyter-server.log"
        with JupyterServer(served, env, log, token) as server, sync_playwright() as playwright:
            print(f"browser-test: JupyterLab at {server.url} serving {served}", flush=True)
            browser = playwright.chromium.launch(
                executable_path=str(chromium), args=list(CHROMIUM_ARGS), headless=True
            )
            try:
                for number, case in enumerate(cases):
                    timeout = args.first_timeout if number == 0 else args.timeout
                    print(f"browser-test: {case.path} ...", flush=True)
                    result = run_notebook(browser, server, case, served, output, timeout)
                    verdict = "ok" if result.passed else "FAILED"
                    print(
                        f"browser-test: {case.path}: {verdict} in {result.seconds:.1f} s",
                        flush=True,
                    )
                    results.append(result)
                for name, path in validate.items():
                    print(f"browser-test: Validate on {path} ...", flush=True)
                    checked = run_validate(browser, server, name, path, output, args.timeout)
                    verdict = "ok" if checked.passed else "FAILED"
                    print(f"browser-test: Validate on {path}: {verdict} in {checked.seconds:.1f} s",
                          flush=True)  # fmt: skip
                    results.append(checked)
            finally:
                browser.close()
    return results


if __name__ == "__main__":
    sys.exit(main())
