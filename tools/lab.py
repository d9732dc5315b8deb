"""Start JupyterLab on the students' notebooks, as a student meets them (``make lab``).

JupyterLab opens on ``release/`` with nbgrader's student extensions (the
notebook toolbar's *Validate* button and the assignment list); the
instructor extensions (formgrader, create assignment, course list) are
switched off for this run only, through a temporary configuration folder,
so nothing in the student's own Jupyter configuration changes.

``tools/browser_test.py`` starts the same JupyterLab (``student_config`` and
``lab_command``) and opens every notebook in headless Chromium.

Usage::

    python tools/lab.py                  # release/ at http://127.0.0.1:8888/lab
    python tools/lab.py --root solutions --port 8890

In GitHub Codespaces (``CODESPACES=true``) the server runs without a token,
behind the codespace's authenticated port forwarding, and accepts the
forwarded ``*.app.github.dev`` origin; everywhere else Jupyter's token and
browser opening stay as they are.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: Lab plugins and server extensions of nbgrader that only instructors use.
INSTRUCTOR_LAB_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
)
INSTRUCTOR_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
)
#: What students need: the Validate button and its server side.
STUDENT_LAB_PLUGIN = "@jupyter/nbgrader:validate-assignment"
STUDENT_SERVER_EXTENSION = "nbgrader.server_extensions.validate_assignment"

CODESPACES_ORIGIN_PATTERN = r"https://[a-z0-9-]+\.(preview\.)?app\.github\.dev"


def student_config(config_dir: Path) -> Path:
    """Write the students' JupyterLab configuration into ``config_dir``.

    Parameters
    ----------
    config_dir : pathlib.Path
        A folder on Jupyter's configuration path (``JUPYTER_CONFIG_DIR`` or an
        entry of ``JUPYTER_CONFIG_PATH``); created if missing.

    Returns
    -------
    pathlib.Path
        ``config_dir``.

    Notes
    -----
    Writes ``jupyter_server_config.json`` (instructor server extensions off,
    the validate extension on), ``jupyter_lab_config.json`` (no news feed, no
    update check: nothing a student must dismiss) and
    ``labconfig/page_config.json`` (instructor Lab plugins disabled).
    """
    config_dir = Path(config_dir)
    (config_dir / "labconfig").mkdir(parents=True, exist_ok=True)
    extensions = {name: False for name in INSTRUCTOR_SERVER_EXTENSIONS}
    extensions[STUDENT_SERVER_EXTENSION] = True
    _write_json(
        config_dir / "jupyter_server_config.json",
        {"ServerApp": {"jpserver_extensions": extensions}},
    )
    _write_json(
        config_dir / "jupyter_lab_config.json",
        {"LabApp": {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"}},
    )
    _write_json(
        config_dir / "labconfig" / "page_config.json",
        {"disabledExtensions": {name: True for name in INSTRUCTOR_LAB_PLUGINS}},
    )
    return config_dir


def lab_command(
    root_dir: Path,
    *,
    port: int = 8888,
    open_browser: bool = True,
    codespaces: bool = False,
    extra: list[str] | tuple[str, ...] = (),
) -> list[str]:
    """Return the ``jupyter lab`` command line serving ``root_dir`` on 127.0.0.1.

    Parameters
    ----------
    root_dir : pathlib.Path
        Folder shown in JupyterLab's file browser (the server's root).
    port : int
        TCP port on 127.0.0.1; the server fails rather than pick another one.
    open_browser : bool
        Whether JupyterLab opens the student's web browser.
    codespaces : bool
        Serve behind GitHub Codespaces' port forwarding: no token (the
        forwarded port is private to the codespace's owner), remote Host
        headers and the ``*.app.github.dev`` origin accepted.
    extra : sequence of str
        More ``jupyter lab`` options, appended last.

    Returns
    -------
    list of str
        Arguments for :func:`subprocess.Popen`; the token, if any, comes from
        Jupyter itself or the ``JUPYTER_TOKEN`` environment variable, never
        from the command line (which other users can read).
    """
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--ip=127.0.0.1",
        f"--port={int(port)}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={Path(root_dir).resolve()}",
    ]
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Containers and CI run as root; Jupyter refuses that unless told.
        command.append("--allow-root")
    if codespaces:
        command += [
            "--IdentityProvider.token=",
            "--ServerApp.allow_remote_access=True",
            f"--ServerApp.allow_origin_pat={CODESPACES_ORIGIN_PATTERN}",
        ]
    command += list(extra)
    return command


def student_environment(config_dir: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """Return ``base`` (default: this process's environment) with ``config_dir`` on Jupyter's path.

    ``config_dir`` goes first on ``JUPYTER_CONFIG_PATH``: above the
    environment's own settings, below the user's ``JUPYTER_CONFIG_DIR``.
    ``MPLBACKEND`` is dropped so that figures show inline, as in a fresh shell.
    """
    env = dict(os.environ if base is None else base)
    inherited = [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    paths = [str(config_dir), *inherited]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(paths)
    env.pop("MPLBACKEND", None)
    return env


def check_student_extensions() -> None:
    """Raise ``RuntimeError`` naming what is missing when nbgrader's Validate cannot work."""
    try:
        import jupyterlab  # noqa: F401
        import nbgrader.server_extensions.validate_assignment  # noqa: F401
    except ImportError as exc:
        raise RuntimeError(
            f"{exc.name} is not installed in {sys.prefix}; run `make install` "
            '(pip install -c constraints.txt -e ".[course,dev]").'
        ) from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Start JupyterLab on the course's student notebooks (release/).",
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=REPO / "release",
        help="folder to serve (default: release/ of this repository)",
    )
    parser.add_argument("--port", type=int, default=8888, help="port on 127.0.0.1 (default 8888)")
    parser.add_argument(
        "--no-browser", action="store_true", help="do not open a web browser (print the URL only)"
    )
    args = parser.parse_args(argv)

    root = args.root.resolve()
    if not root.is_dir():
        print(f"lab: {root} is not a folder; run `make release` or pass --root.", file=sys.stderr)
        return 2
    try:
        check_student_extensions()
    except RuntimeError as exc:
        print(f"lab: {exc}", file=sys.stderr)
        return 2
    codespaces = os.environ.get("CODESPACES", "").lower() == "true"
    with tempfile.TemporaryDirectory(prefix="coursekit-lab-") as tmp:
        env = student_environment(student_config(Path(tmp)))
        command = lab_command(
            root,
            port=args.port,
            open_browser=not (args.no_browser or codespaces),
            codespaces=codespaces,
        )
        # nbgrader's Validate reads nbgrader_config.py from the server's working folder.
        server = subprocess.Popen(command, cwd=REPO, env=env)
        signal.signal(signal.SIGTERM, lambda *_: server.terminate())
        while True:
            try:
                return server.wait()
            except KeyboardInterrupt:
                # Jupyter got the same Ctrl-C: it asks to confirm and shuts its kernels down.
                continue


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
