"""Grader side of the student process: start it, call student functions, enforce limits.

:class:`StudentSession` owns one student process (see
:mod:`coursekit.grading.child`). Each question runs in a fresh worker forked
from it; the question's wall-clock time limit is enforced here by killing
the worker, its memory limit by ``RLIMIT_AS`` in the child. When the whole
student process dies, the next question starts a new one, so a crash can
only cost the question during which it happened.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import time

from coursekit.grading import wire
from coursekit.grading.errors import (
    ForbiddenReference,
    MissingFunction,
    NotImplementedByStudent,
    QuestionTimeout,
    StudentCrashed,
    StudentException,
)
from coursekit.grading.extract import CodeUnit

__all__ = ["StudentSession", "DEFAULT_TIMEOUT", "DEFAULT_MEMORY_MB"]

DEFAULT_TIMEOUT = 20.0
DEFAULT_MEMORY_MB = 2048
_START_TIMEOUT = 60.0  # importing numpy and the student's imports, once per process
_UNIT_TIMEOUT = 10.0  # one notebook cell's definitions
_OUTPUT_CAP = 20_000


def _drain(stream, keep: bytearray) -> None:
    # Read everything the student prints so that it can never block on a full pipe; keep the start.
    for chunk in iter(lambda: stream.read(65536), b""):
        if len(keep) < _OUTPUT_CAP:
            keep.extend(chunk[: _OUTPUT_CAP - len(keep)])
    stream.close()


class _Process:
    """One running student process (the zygote that forks per-question workers)."""

    def __init__(self, memory_mb: int, workdir: str):
        cmd_read, self.cmd_write = os.pipe()
        self.result_read, result_write = os.pipe()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            # The real HOME keeps matplotlib's font cache (rebuilding it costs seconds).
            "HOME": os.environ.get("HOME", workdir),
            "TMPDIR": workdir,
            "MPLBACKEND": "Agg",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "LANG": os.environ.get("LANG", "C.UTF-8"),
        }
        self.output = bytearray()
        self.popen = subprocess.Popen(
            [
                sys.executable,
                "-I",
                "-m",
                "coursekit.grading.child",
                str(cmd_read),
                str(result_write),
                str(memory_mb),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(cmd_read, result_write),
            cwd=workdir,
            env=env,
            start_new_session=True,
        )
        os.close(cmd_read)
        os.close(result_write)
        threading.Thread(target=_drain, args=(self.popen.stdout, self.output), daemon=True).start()
        self.worker_pid: int | None = None

    def send(self, message: dict) -> None:
        wire.send_frame(self.cmd_write, pickle.dumps(message))

    def receive(self, deadline: float) -> dict:
        message = wire.loads(wire.recv_frame(self.result_read, deadline))
        if not isinstance(message, dict):
            raise ValueError("malformed message from the student process")
        return message

    def kill(self) -> None:
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.popen.wait()
        for fd in (self.cmd_write, self.result_read):
            try:
                os.close(fd)
            except OSError:
                pass


class StudentSession:
    """Student functions from one submission, callable one question at a time.

    Parameters
    ----------
    units : list of CodeUnit
        The submission's kept code (:mod:`coursekit.grading.extract`).
    references : dict
        ``{question: "coursekit.module.function"}``; in the student process
        each reference is replaced by a tripwire that fails the question
        whose own reference is called.
    timeout : float
        Wall-clock seconds per question (all calls of one question together).
    memory_mb : int
        Address-space limit of the student process, in MiB.
    unit_timeout : float
        Seconds allowed for one notebook cell's definitions; a cell that takes
        longer is skipped (its functions are then missing, with that reason).

    Examples
    --------
    >>> with StudentSession(units, {"rotate90": "coursekit.augment.rotate90"}) as student:
    ...     with student.question("rotate90"):
    ...         rotated = student.function("rotate90")(image, 1)   # doctest: +SKIP
    """

    def __init__(
        self,
        units: list[CodeUnit],
        references: dict[str, str] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int = DEFAULT_MEMORY_MB,
        unit_timeout: float = _UNIT_TIMEOUT,
    ):
        self.units = units
        self.references = dict(references or {})
        self.timeout = float(timeout)
        self.memory_mb = int(memory_mb)
        self.unit_timeout = float(unit_timeout)
        self._workdir = tempfile.TemporaryDirectory(prefix="coursekit-student-")
        self._process: _Process | None = None
        self._skip: set[int] = set()
        self._hung: dict[int, str] = {}
        self.defined: list[str] = []
        self.problems: list[dict] = []
        self._question: str | None = None
        self._deadline = 0.0
        self._sticky: Exception | None = None
        self.last_call: tuple | None = None

    # -- process life cycle -------------------------------------------------------------------
    def _start(self) -> _Process:
        """Start a student process and run the notebook's code units in it."""
        for _attempt in range(len(self.units) + 1):
            process = _Process(self.memory_mb, self._workdir.name)
            process.send(
                {
                    "op": "init",
                    "units": [(u.label, u.source, u.syntax_error) for u in self.units],
                    "skip": sorted(self._skip),
                    "references": self.references,
                }
            )
            current, deadline = None, time.monotonic() + _START_TIMEOUT
            try:
                while True:
                    message = process.receive(deadline)
                    if "progress" in message:
                        current = message["progress"]
                        deadline = time.monotonic() + self.unit_timeout
                    elif message.get("ready"):
                        self.defined = list(message["defined"])
                        self.problems = list(message["problems"])
                        return process
            except (wire.FrameTimeout, EOFError, ValueError) as exc:
                process.kill()
                if current is None:
                    raise RuntimeError(
                        "the student process could not start: "
                        + process.output.decode(errors="replace")[-2000:]
                    ) from exc
                # This unit hung or ended the process: run the notebook again without it.
                self._skip.add(current)
                self._hung[current] = (
                    "did not finish within the time limit"
                    if isinstance(exc, wire.FrameTimeout)
                    else "ended the Python process"
                )
        raise RuntimeError("the student process could not run the notebook's definitions")

    def _ensure_started(self) -> _Process:
        if self._process is None or self._process.popen.poll() is not None:
            if self._process is not None:
                self._process.kill()
            self._process = self._start()
        return self._process

    def close(self) -> None:
        """Stop the student process and remove its working directory."""
        if self._process is not None:
            self._process.kill()
            self._process = None
        self._workdir.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # -- questions ----------------------------------------------------------------------------
    def begin_question(self, question: str) -> None:
        """Start the time limit of ``question`` and a fresh worker for it."""
        self._question = question
        self._sticky = None
        self.last_call = None
        process = self._ensure_started()
        self._deadline = time.monotonic() + self.timeout
        process.send(
            {"op": "question", "question": question, "cpu_seconds": max(1, int(self.timeout) + 1)}
        )
        try:
            process.worker_pid = process.receive(self._deadline)["worker"]
        except (wire.FrameTimeout, EOFError, KeyError, ValueError):
            self._lose_process()
            raise

    def end_question(self) -> None:
        """Stop the question's worker (the student process stays for the next question)."""
        process, self._question = self._process, None
        if process is None or process.worker_pid is None:
            return
        try:
            process.send({"op": "end"})
            message = process.receive(time.monotonic() + 5.0)
            if "worker_done" not in message:
                raise ValueError("unexpected message")
        except (OSError, wire.FrameTimeout, EOFError, ValueError):
            self._lose_process()
        else:
            process.worker_pid = None

    def question(self, question: str):
        """Context manager around :meth:`begin_question` / :meth:`end_question`."""
        session = self

        class _Question:
            def __enter__(self):
                session.begin_question(question)
                return session

            def __exit__(self, *exc_info):
                session.end_question()

        return _Question()

    def _lose_process(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process = None

    def unit_problems(self, name: str) -> list[str]:
        """Student-facing sentences about cells that define ``name`` and failed to run."""
        notes = []
        for index, unit in enumerate(self.units):
            if name not in unit.defines:
                continue
            if unit.syntax_error:
                notes.append(
                    f"your {unit.label} defining `{name}` has a syntax error on {unit.syntax_error}"
                )
            if index in self._hung:
                notes.append(
                    f"your {unit.label} defining `{name}` {self._hung[index]} "
                    "while its definitions ran, so it was skipped"
                )
            for problem in self.problems:
                if problem["unit"] == index:
                    where = f" on line {problem['line']}" if problem["line"] else ""
                    notes.append(
                        f"your {unit.label} defining `{name}` raised {problem['type']}"
                        f"{where}: {problem['message']}"
                    )
        return notes

    def function(self, name: str) -> StudentFunction:
        """The student's function ``name``, called in the student process.

        Raises
        ------
        MissingFunction
            When the notebook does not define ``name`` (with the reason when
            the cell that defines it failed).
        """
        self._ensure_started()
        if name not in self.defined:
            notes = self.unit_problems(name)
            detail = (
                "; ".join(notes)
                if notes
                else (
                    f"no cell defines a function called `{name}` (check the name and that its cell "
                    "is a code cell)"
                )
            )
            raise MissingFunction(f"`{name}` is not defined: {detail}.")
        return StudentFunction(self, name)

    def call(self, name: str, args: tuple, kwargs: dict):
        """Call student function ``name`` in the current question's worker."""
        if self._sticky is not None:
            raise self._sticky
        process = self._process
        if self._question is None or process is None or process.worker_pid is None:
            raise RuntimeError("call student functions between begin_question and end_question")
        self.last_call = (name, args, kwargs)
        try:
            process.send({"op": "call", "name": name, "args": args, "kwargs": kwargs})
            reply = process.receive(self._deadline)
        except wire.FrameTimeout:
            try:
                os.kill(process.worker_pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._sticky = QuestionTimeout(
                f"`{name}` did not finish within the time limit of {self.timeout:g} s "
                "(an endless loop, or far too slow?)"
            )
            self._finish_dead_worker(process)
            raise self._sticky from None
        except (OSError, EOFError, ValueError):
            self._lose_process()
            self._sticky = StudentCrashed(
                f"`{name}` ended the whole grading process for your notebook "
                "(did it kill its own process, or use os._exit?)"
            )
            raise self._sticky from None
        if "worker_done" in reply:
            process.worker_pid = None
            self._sticky = StudentCrashed(
                f"`{name}` ended the Python process (exit status {reply['worker_done']}); "
                "do not call os._exit or os.kill, and check for crashes in compiled code"
            )
            raise self._sticky
        if reply.get("ok"):
            try:
                return wire.decode_value(reply.get("value"))
            except Exception as exc:  # noqa: BLE001 - malformed data from the student process
                raise StudentException(
                    f"`{name}` returned a value the grader could not read ({exc})"
                ) from None
        return self._raise_failure(name, reply)

    def _finish_dead_worker(self, process: _Process) -> None:
        try:
            message = process.receive(time.monotonic() + 5.0)
            while "worker_done" not in message:  # a late reply from the killed worker
                message = process.receive(time.monotonic() + 5.0)
            process.worker_pid = None
        except (wire.FrameTimeout, EOFError, ValueError):
            self._lose_process()

    @staticmethod
    def _raise_failure(name: str, reply: dict):
        kind = reply.get("kind")
        if kind == "not-implemented":
            raise NotImplementedByStudent(
                f"`{name}` raises NotImplementedError: replace the `raise NotImplementedError` "
                "line with your code."
            )
        if kind == "forbidden":
            raise ForbiddenReference(
                f"`{name}` calls the course's reference function `{reply.get('reference')}`: "
                "this exercise asks you to write it yourself, so it scores zero."
            )
        where = f"\n{reply['traceback']}" if reply.get("traceback") else ""
        raise StudentException(
            f"`{name}` raised {reply.get('type')}: {reply.get('message')}{where}"
        )


class StudentFunction:
    """Callable stand-in for a student function living in the student process."""

    def __init__(self, session: StudentSession, name: str):
        self.session = session
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        return self.session.call(self.__name__, args, kwargs)

    def __repr__(self) -> str:
        return f"<student function {self.__name__}>"
