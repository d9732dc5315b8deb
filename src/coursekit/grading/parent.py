"""The parent's side of grading: ``coursekit grade``, nbgrader's preprocessor, Gradescope.

Process layout (the parent alone writes results)::

    parent (this module: collects, writes reports)
      └─ grader: python -m coursekit.grading.grader   (pytest + references, never student code)
           └─ student: python -I -m coursekit.grading.student   (limits; a worker per check)

The grader reads its request (with a random nonce) on stdin and answers with one
JSON line carrying the nonce on a pipe only it holds, so nothing the student's code
prints or writes can pass for a result.
"""

from __future__ import annotations

import json
import os
import secrets
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from coursekit.grading.gradebook import student_in_layout
from coursekit.grading.locate import find_autograder
from coursekit.grading.questions import hidden_test_file, questions_for, written_for
from coursekit.grading.results import (
    CheckResult,
    QuestionResult,
    SubmissionResult,
    held_to_table,
)
from coursekit.grading.settings import DEFAULT, Settings
from coursekit.grading.status import Status

__all__ = [
    "grade_notebook",
    "grade_submissions",
    "find_submissions",
    "unreadable",
    "prepare",
    "GraderPool",
    "symlink_in",
]


def _assignment_of(path: Path, assignment: str | None) -> str | None:
    if assignment:
        return assignment
    import nbformat

    from coursekit.grading.extract import infer_assignment

    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - unreadable notebooks are reported below
        return None
    return infer_assignment(notebook, path)


def unreadable(path, assignment: str | None, message: str) -> SubmissionResult:
    """A zero for every question of ``assignment``, with ``message`` (written ones pending)."""
    questions = [
        QuestionResult(
            q.name,
            0.0,
            q.points,
            Status.ERROR,
            [CheckResult(c.name, c.title, 0.0, c.points, Status.ERROR, message) for c in q.checks],
            notes=[message],
        )
        for q in questions_for(assignment or "")
    ]
    questions += [
        QuestionResult(w.name, None, w.points, Status.MANUAL, kind="written", title=w.title)
        for w in written_for(assignment or "")
    ]
    return SubmissionResult(str(path), assignment, questions, error=message)


def _unreadable_notebook(path: Path) -> str:
    """Why ``path`` is not a notebook nbformat can read ("" when it is)."""
    import nbformat

    try:
        nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any reason to refuse is reported
        return f"notebook {path} could not be read ({type(exc).__name__}: {str(exc)[:300]})"
    return ""


def symlink_in(path: Path, root: Path | None = None) -> Path | None:
    """The first symbolic link on ``path`` (below ``root`` when given, else the file itself)."""
    path = Path(os.path.abspath(path))
    if root is None:
        return path if path.is_symlink() else None
    root = Path(os.path.abspath(root))
    current = path
    while True:
        if current.is_symlink():
            return current
        if current == root or current.parent == current:
            return None
        current = current.parent


def _settings(settings: Settings | None, timeout, memory_mb) -> Settings:
    return (settings or DEFAULT).with_(check_timeout=timeout, memory_mb=memory_mb)


def grader_request(
    path: Path, assignment: str, test_file: Path, settings: Settings, questions=None, public=False
) -> dict:
    """The :class:`~coursekit.grading.messages.GraderRequest` for one submission."""
    from coursekit.grading.extract import KIT_CELLS

    return {
        "nonce": secrets.token_hex(16),
        "submission": str(path.resolve()),
        "assignment": assignment,
        "test_file": str(test_file),
        "public": bool(public),
        "kit_cells": str(KIT_CELLS) if KIT_CELLS.is_file() else "",
        "questions": list(questions or []),
        "settings": settings.to_json(),
    }


def public_test_file() -> Path:
    """The module of the quick public checks as pytest tests."""
    from coursekit.checks import public_tests

    return Path(public_tests.__file__)


def prepare(
    path,
    assignment: str | None = None,
    *,
    questions: list[str] | None = None,
    settings: Settings | None = None,
    timeout: float | None = None,
    memory_mb: int | None = None,
    autograder=None,
    public: bool = False,
) -> dict | SubmissionResult:
    """The grader request for one submission, or a zero naming why it cannot be graded."""
    path = Path(path)
    settings = _settings(settings, timeout, memory_mb)
    link = symlink_in(path)
    if link is not None:
        return unreadable(path, assignment, f"submission {path} refused: {link} is a symbolic "
                          "link (submissions must be plain files, never links)")  # fmt: skip
    if public and settings.isolation == "enforce":
        # The quick public checks are the student's own code, run for the student.
        settings = settings.with_(isolation="none")
    if not path.is_file():
        return unreadable(path, assignment, f"submission {path} does not exist")
    problem = _unreadable_notebook(path)
    if problem:
        return unreadable(path, assignment, problem)
    assignment = _assignment_of(path, assignment)
    if assignment is None:
        return unreadable(
            path, None, f"could not tell which assignment {path.name} is; pass --assignment"
        )
    if public:
        test_file = public_test_file()
    else:
        ag_dir = find_autograder(autograder)
        test_file = ag_dir / hidden_test_file(assignment)
        if not test_file.is_file():
            return unreadable(path, assignment, f"no hidden tests for {assignment} in {ag_dir}")
    request = grader_request(path, assignment, test_file, settings, questions, public)
    n_checks = sum(len(q.checks) for q in questions_for(assignment))
    request["budget"] = (
        120.0 + n_checks * (settings.check_timeout + 10.0) + 10 * settings.statement_timeout
    )
    return request


def grade_notebook(path, assignment: str | None = None, **kwargs) -> SubmissionResult:
    """Grade one notebook with the hidden tests (or, ``public=True``, the quick public checks).

    Parameters
    ----------
    path : path-like
        The submission ``.ipynb``.
    assignment : str, optional
        Assignment name; inferred from nbgrader ``grade_id``\\ s or the file name.
    questions : list of str, optional
        Grade only these questions (default: all of the assignment's, and the
        written answers listed as pending).
    settings : Settings, optional
        Limits; ``timeout`` (seconds per check) and ``memory_mb`` override it.
    autograder : path-like, optional
        Folder of the hidden tests (default: :func:`~coursekit.grading.locate.find_autograder`).
    public : bool
        Run the quick public checks (:mod:`coursekit.checks.public_tests`) instead of
        the hidden tests: what students and their Classroom workflow can run.

    Returns
    -------
    SubmissionResult
        One entry per question, in the table's order, then the written answers.
        ``error`` is set (and every question scores zero) when grading itself
        could not run.
    """
    request = prepare(path, assignment, **kwargs)
    if isinstance(request, SubmissionResult):
        return request
    text, log = _run_grader(request, request["budget"])
    return parse_result(text, request, path, request["assignment"], log)


def parse_result(text: str, request: dict, path, assignment, log: str) -> SubmissionResult:
    """The result line carrying the request's nonce, or a zero naming the failure."""
    for line in text.splitlines():
        if line.startswith(request["nonce"] + " "):
            data = json.loads(line[len(request["nonce"]) + 1 :])
            return held_to_table(SubmissionResult.from_dict(data))
    return unreadable(path, assignment, f"the grader failed (please report): {log[-3000:]}")


def _run_grader(request: dict, budget: float) -> tuple[str, str]:
    result_read, result_write = os.pipe()
    with tempfile.TemporaryDirectory(prefix="coursekit-grader-") as workdir:
        process = subprocess.Popen(
            [sys.executable, "-m", "coursekit.grading.grader", str(result_write)],
            env={**os.environ, "PYTHONHASHSEED": "0"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(result_write,),
            cwd=workdir,
            start_new_session=True,
        )
        os.close(result_write)
        chunks: list[bytes] = []
        reader = threading.Thread(target=_read_all, args=(result_read, chunks), daemon=True)
        reader.start()
        try:
            log, _ = process.communicate(json.dumps(request).encode(), timeout=budget)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            log = b"grader timed out"
        finally:
            _kill_group(process)
        reader.join(timeout=30)
    text = b"".join(chunks).decode("utf-8", errors="replace")
    return text, log.decode("utf-8", errors="replace")


def _read_all(fd: int, chunks: list) -> None:
    with os.fdopen(fd, "rb") as stream:
        for chunk in iter(lambda: stream.read(65536), b""):
            chunks.append(chunk)


def _kill_group(process: subprocess.Popen) -> None:
    # Only before it is reaped: afterwards its pid may be another process's (pids wrap at
    # 32,768 on many machines), and a student's process group among them.
    if process.returncode is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    process.wait()


def find_submissions(paths) -> list[tuple[Path, str, str]]:
    """``(notebook, student_id, timestamp)`` for each notebook given or found in folders.

    A folder may be nbgrader's ``submitted/`` tree (``<student>/<assignment>/*.ipynb``,
    with an optional ``timestamp.txt``), or any folder of notebooks.
    """
    found = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise FileNotFoundError(f"submission {path} does not exist")
        if path.is_symlink():
            raise FileNotFoundError(
                f"{path} is a symbolic link: submissions must be plain files and folders"
            )
        if path.is_dir():
            notebooks = sorted(
                p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
            )
            # Links are not followed: each one, to a notebook or a folder, is listed so that
            # its student is told why nothing of theirs was graded.
            notebooks += sorted(
                p for p in path.rglob("*")
                if p.is_symlink() and (p.suffix == ".ipynb" or p.is_dir()) and p not in notebooks
            )  # fmt: skip
            if not notebooks:
                raise FileNotFoundError(f"no notebooks (*.ipynb) in folder {path}")
        elif path.suffix == ".ipynb":
            notebooks = [path]
        else:
            raise FileNotFoundError(f"{path} is neither a notebook (.ipynb) nor a folder")
        for notebook in notebooks:
            relative = notebook.relative_to(path) if path.is_dir() else notebook.name
            parts = Path(relative).parts
            nested = len(parts) >= 3 or (notebook.is_symlink() and len(parts) >= 2)
            student = parts[0] if path.is_dir() and nested else student_in_layout(notebook)
            link = symlink_in(notebook, root=path) if path.is_dir() else None
            if link is not None:
                # Graded as the link itself, which prepare() refuses with a message for this
                # student only: the rest of the class is graded.
                found.append((link, student, ""))
                continue
            stamp_file = notebook.parent / "timestamp.txt"
            stamp = stamp_file.read_text().strip() if stamp_file.is_file() else ""
            found.append((notebook, student, stamp))
    return found


class _Worker:
    """One warm grader process (``python -m coursekit.grading.grader --serve``)."""

    def __init__(self, warm: list[str]):
        self.result_read, result_write = os.pipe()
        self.workdir = tempfile.TemporaryDirectory(prefix="coursekit-grader-")
        command = [sys.executable, "-m", "coursekit.grading.grader", "--serve", str(result_write)]
        if warm:
            command += ["--warm", *warm]
        # One thread for the numerical libraries: a warm grader forks a child per submission,
        # and an OpenMP or BLAS thread pool does not survive a fork (the child would hang).
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}  # fmt: skip
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(result_write,),
            cwd=self.workdir.name,
            env=env,
            start_new_session=True,
        )
        os.close(result_write)
        self.log = bytearray()
        self.buffer = b""
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for chunk in iter(lambda: self.process.stdout.read(65536), b""):
            self.log.extend(chunk)
            del self.log[: max(0, len(self.log) - 20_000)]

    def grade(self, request: dict) -> SubmissionResult:
        path, assignment = request["submission"], request["assignment"]
        try:
            self.process.stdin.write((json.dumps(request) + "\n").encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return unreadable(path, assignment, "the grader stopped (please report)")
        deadline = time.monotonic() + request["budget"] + 30.0
        prefix = (request["nonce"] + " ").encode()
        while True:
            newline = self.buffer.find(b"\n")
            if newline >= 0:
                line, self.buffer = self.buffer[:newline], self.buffer[newline + 1 :]
                if line.startswith(prefix):
                    try:
                        data = json.loads(line[len(prefix) :])
                        return held_to_table(SubmissionResult.from_dict(data))
                    except (ValueError, TypeError, KeyError):
                        continue
                continue
            remaining = deadline - time.monotonic()
            ready = remaining > 0 and select.select([self.result_read], [], [], remaining)[0]
            chunk = os.read(self.result_read, 1 << 20) if ready else b""
            if not chunk:
                tail = self.log.decode("utf-8", errors="replace")[-3000:]
                return unreadable(path, assignment, f"the grader failed (please report): {tail}")
            self.buffer += chunk

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        _kill_group(self.process)
        os.close(self.result_read)
        self.workdir.cleanup()


class GraderPool:
    """Warm graders for many submissions: the stack is imported once per worker.

    Parameters
    ----------
    jobs : int
        Number of worker processes (submissions graded at once).
    warm : iterable of path-like
        Hidden test files to run once against the references in every worker before
        grading, so that the expected answers of the fixed generated inputs are
        computed once and reused for every student.

    Examples
    --------
    >>> with GraderPool(jobs=2) as pool:               # doctest: +SKIP
    ...     results = [pool.grade(path) for path in paths]
    """

    def __init__(self, jobs: int = 1, warm=()):
        import queue

        self.jobs = max(1, int(jobs))
        self.warm = [str(w) for w in warm]
        self._idle: queue.Queue = queue.Queue()
        for _ in range(self.jobs):
            self._idle.put(_Worker(self.warm))

    def grade(self, path, assignment: str | None = None, **kwargs) -> SubmissionResult:
        """Grade one notebook (thread-safe; arguments as :func:`grade_notebook`)."""
        request = prepare(path, assignment, **kwargs)
        if isinstance(request, SubmissionResult):
            return request
        worker = self._idle.get()
        try:
            worker = self._alive(worker)
            return worker.grade(request)
        finally:
            self._idle.put(worker)

    def _alive(self, worker: _Worker) -> _Worker:
        if not worker.alive():
            worker.close()
            worker = _Worker(self.warm)
        return worker

    def grade_all(
        self, paths, assignment: str | None = None, *, keys=None, progress=None, **kwargs
    ) -> list[SubmissionResult]:
        """Grade ``paths``, one thread per worker; results in the order of ``paths``.

        ``keys`` (one per path, e.g. each notebook's assignment) groups the work: each
        worker keeps to the keys it has graded while any of their submissions wait (its
        warm student zygote serves them), and otherwise takes the key with the most
        waiting, so that a class of several assignments starts each assignment's zygote
        in as few workers as the load allows. ``progress(index, result)`` is called as
        each finishes; other arguments as :func:`grade_notebook`.
        """
        from collections import deque

        keys = list(keys) if keys is not None else [assignment] * len(paths)
        waiting: dict = {}
        for index, key in enumerate(keys):
            waiting.setdefault(key, deque()).append(index)
        results: list = [None] * len(paths)
        errors: list[BaseException] = []
        lock = threading.Lock()

        def take(seen: set):
            with lock:
                for key in seen:
                    if waiting.get(key):
                        return waiting[key].popleft()
                left = [k for k, queue in waiting.items() if queue]
                if not left:
                    return None
                key = max(left, key=lambda k: len(waiting[k]))
                seen.add(key)
                return waiting[key].popleft()

        def run():
            worker, seen = self._idle.get(), set()
            try:
                while not errors and (index := take(seen)) is not None:
                    request = prepare(paths[index], assignment, **kwargs)
                    if not isinstance(request, SubmissionResult):
                        worker = self._alive(worker)
                        request = worker.grade(request)
                    results[index] = request
                    if progress is not None:
                        progress(index, request)
            except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
                errors.append(exc)
            finally:
                self._idle.put(worker)

        threads = [threading.Thread(target=run, daemon=True) for _ in range(self.jobs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        return results

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get().close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def grade_submissions(
    paths, assignment: str | None = None, *, jobs: int = 1, progress=None, **kwargs
) -> list[SubmissionResult]:
    """Grade every notebook in ``paths`` (notebooks or folders), ``jobs`` at a time.

    A pool of warm graders (:class:`GraderPool`) grades them; results keep the order
    of :func:`find_submissions`; ``kwargs`` go to :func:`grade_notebook`.
    ``progress(result)`` is called as each finishes.
    """
    submissions = find_submissions(paths)
    keys = [_assignment_of(Path(notebook), assignment) for notebook, _, _ in submissions]
    warm = []
    if not kwargs.get("public"):
        warm = _warm_files(keys, kwargs.get("autograder"), jobs)

    def done(index, result):
        _, result.student_id, result.timestamp = submissions[index]
        if progress is not None:
            progress(result)

    with GraderPool(min(max(1, int(jobs)), len(submissions)), warm=warm) as pool:
        results = pool.grade_all([notebook for notebook, _, _ in submissions], assignment,
                                 keys=keys, progress=done, **kwargs)  # fmt: skip
    return results


#: A worker warms up on an assignment (runs its hidden tests against the references once,
#: a few seconds) only when it will grade at least this many of its submissions.
WARM_UP_AFTER = 6


def _warm_files(assignments, autograder, jobs) -> list[str]:
    """Hidden test files of the assignments with enough submissions to repay a warm-up."""
    try:
        ag_dir = find_autograder(autograder)
    except FileNotFoundError:
        return []
    counts: dict[str, int] = {}
    for name in assignments:
        if name:
            counts[name] = counts.get(name, 0) + 1
    worth = sorted(a for a, n in counts.items() if n >= WARM_UP_AFTER * max(1, int(jobs)))
    files = [ag_dir / hidden_test_file(a) for a in worth]
    return [str(f) for f in files if f.is_file()]
