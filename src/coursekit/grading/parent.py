"""Grade submissions: each one in a clean grader process that runs the hidden pytest tests.

Process layout (the parent alone writes results)::

    coursekit grade (parent: collects, writes reports)
      └─ grader: python -m coursekit.grading.runner   (pytest + references, never student code)
           └─ student process (limits; one forked worker per question)

The grader reads its settings (with a random nonce) on stdin and answers with one
JSON line carrying the nonce on a pipe only it holds, so nothing the student's code
prints or writes can pass for a result.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from coursekit.grading.locate import find_autograder
from coursekit.grading.questions import questions_for, test_file_name
from coursekit.grading.results import QuestionResult, SubmissionResult
from coursekit.grading.sandbox import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT

__all__ = ["grade_notebook", "grade_submissions", "find_submissions"]


def _assignment_of(path: Path, assignment: str | None) -> str | None:
    if assignment:
        return assignment
    import nbformat

    from coursekit.grading.extract import infer_assignment

    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - unreadable notebooks are reported by the grader
        return None
    return infer_assignment(notebook, path)


def _unreadable(path: Path, assignment: str | None, message: str) -> SubmissionResult:
    questions = [
        QuestionResult(q.name, 0.0, float(q.points), "error", message)
        for q in questions_for(assignment or "")
    ]
    return SubmissionResult(str(path), assignment, questions, error=message)


def grade_notebook(
    path,
    assignment: str | None = None,
    *,
    questions: list[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    autograder=None,
) -> SubmissionResult:
    """Grade one notebook with the hidden tests.

    Parameters
    ----------
    path : path-like
        The submission ``.ipynb``.
    assignment : str, optional
        Assignment name; inferred from nbgrader ``grade_id``\\ s or the file name.
    questions : list of str, optional
        Grade only these questions (default: all of the assignment's).
    timeout : float
        Wall-clock seconds per question.
    memory_mb : int
        Memory (address space) limit of the student's code, MiB.
    autograder : path-like, optional
        Folder of the hidden tests (default: :func:`~coursekit.grading.locate.find_autograder`).

    Returns
    -------
    SubmissionResult
        One entry per question, in the table's order. ``error`` is set (and every
        question is ``"error"``) when grading itself could not run.
    """
    path = Path(path)
    ag_dir = find_autograder(autograder)
    assignment = _assignment_of(path, assignment)
    if not path.is_file():
        return _unreadable(path, assignment, f"submission {path} does not exist")
    if assignment is None:
        return _unreadable(
            path, None, f"could not tell which assignment {path.name} is; pass --assignment"
        )
    test_file = ag_dir / test_file_name(assignment)
    if not test_file.is_file():
        return _unreadable(path, assignment, f"no hidden tests for {assignment}: {test_file}")
    n_questions = len(questions) if questions else max(1, len(questions_for(assignment)))
    settings = {
        "nonce": secrets.token_hex(16),
        "submission": str(path.resolve()),
        "assignment": assignment,
        "test_file": str(test_file),
        "questions": list(questions or []),
        "timeout": float(timeout),
        "memory_mb": int(memory_mb),
    }
    result_read, result_write = os.pipe()
    with tempfile.TemporaryDirectory(prefix="coursekit-grader-") as workdir:
        process = subprocess.Popen(
            [sys.executable, "-m", "coursekit.grading.runner", str(result_write)],
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
        budget = 90.0 + n_questions * (timeout + 20.0)
        try:
            log, _ = process.communicate(json.dumps(settings).encode(), timeout=budget)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            log = b"grader timed out"
        finally:
            _kill_group(process)
        reader.join(timeout=30)
    for line in b"".join(chunks).decode("utf-8", errors="replace").splitlines():
        if line.startswith(settings["nonce"] + " "):
            data = json.loads(line[len(settings["nonce"]) + 1 :])
            return SubmissionResult.from_dict(data)
    tail = log.decode("utf-8", errors="replace")[-3000:]
    return _unreadable(path, assignment, f"the grader failed (please report): {tail}")


def _read_all(fd: int, chunks: list) -> None:
    with os.fdopen(fd, "rb") as stream:
        for chunk in iter(lambda: stream.read(65536), b""):
            chunks.append(chunk)


def _kill_group(process: subprocess.Popen) -> None:
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _grader_main(result_fd: int) -> int:
    """Entry point of the grader process: run pytest on one submission, report on ``result_fd``."""
    import pytest

    from coursekit.grading.plugin import ResultCollector

    settings = json.loads(sys.stdin.read())
    collector = ResultCollector()
    test_file = settings["test_file"]
    targets = [f"{test_file}::test_{q}" for q in settings["questions"]] or [test_file]
    args = targets + [
        "-q",
        "-p",
        "no:cacheprovider",
        "--no-header",
        "-o",
        "addopts=",
        "--submission",
        settings["submission"],
        "--assignment",
        settings["assignment"],
        "--question-timeout",
        str(settings["timeout"]),
        "--memory-mb",
        str(settings["memory_mb"]),
    ]
    code = pytest.main(args, plugins=[collector])
    questions = []
    wanted = settings["questions"] or [q.name for q in questions_for(settings["assignment"])]
    wanted += [name for name in collector.results if name not in wanted]
    for name in wanted:
        question = collector.results.get(name)
        if question is None:
            points = {q.name: q.points for q in questions_for(settings["assignment"])}
            question = QuestionResult(
                name,
                0.0,
                float(points.get(name, 0)),
                "error",
                f"no hidden test ran for `{name}` (pytest exit {code})",
            )
        questions.append(question)
    result = SubmissionResult(settings["submission"], settings["assignment"], questions)
    if code not in (0, 1):
        result.error = f"pytest exited with code {code}"
    line = settings["nonce"] + " " + json.dumps(result.to_dict()) + "\n"
    with os.fdopen(result_fd, "w") as stream:
        stream.write(line)
    return 0


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
        if path.is_dir():
            notebooks = sorted(
                p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
            )
            if not notebooks:
                raise FileNotFoundError(f"no notebooks (*.ipynb) in folder {path}")
        elif path.suffix == ".ipynb":
            notebooks = [path]
        else:
            raise FileNotFoundError(f"{path} is neither a notebook (.ipynb) nor a folder")
        for notebook in notebooks:
            relative = notebook.relative_to(path) if path.is_dir() else notebook.name
            parts = Path(relative).parts
            student = parts[0] if path.is_dir() and len(parts) >= 3 else ""
            stamp_file = notebook.parent / "timestamp.txt"
            stamp = stamp_file.read_text().strip() if stamp_file.is_file() else ""
            found.append((notebook, student, stamp))
    return found


def grade_submissions(
    paths, assignment: str | None = None, *, jobs: int = 1, progress=None, **kwargs
) -> list[SubmissionResult]:
    """Grade every notebook in ``paths`` (notebooks or folders), ``jobs`` at a time.

    Results keep the order of :func:`find_submissions`; ``kwargs`` go to
    :func:`grade_notebook`. ``progress(result)`` is called as each finishes.
    """
    submissions = find_submissions(paths)

    def one(entry):
        notebook, student, stamp = entry
        result = grade_notebook(notebook, assignment, **kwargs)
        result.student_id, result.timestamp = student, stamp
        if progress is not None:
            progress(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, int(jobs))) as pool:
        return list(pool.map(one, submissions))


if __name__ == "__main__":
    sys.exit(_grader_main(int(sys.argv[1])))
