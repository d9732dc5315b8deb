"""Grader side of the student process: start it, call student functions, enforce limits.

:class:`StudentSession` owns one student process (:mod:`coursekit.grading.student`).
Each check runs in a fresh worker forked from it; the check's wall-clock limit is
enforced here by killing the worker, its memory limit by ``RLIMIT_AS`` in the
student process. While the submission's statements run, each must report
progress within ``statement_timeout``; one that hangs or ends the process is
skipped and the process started again without it. When the whole student process
dies during a check, the next check starts a new one, so a crash can only cost
the check during which it happened.
"""

from __future__ import annotations

import json
import os
import pickle
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict

from coursekit.checks.calls import Call
from coursekit.grading import messages
from coursekit.grading.errors import (
    ForbiddenReference,
    MissingFunction,
    NotImplementedByStudent,
    QuestionTimeout,
    StudentCrashed,
    StudentException,
)
from coursekit.grading.extract import CodeUnit
from coursekit.grading.settings import DEFAULT, Settings

__all__ = ["StudentSession", "StudentFunction", "Zygote"]


def _drain(stream, keep: bytearray, cap: int) -> None:
    # Read everything the student prints so that it can never block on a full pipe; keep the start.
    for chunk in iter(lambda: stream.read(65536), b""):
        if len(keep) < cap:
            keep.extend(chunk[: cap - len(keep)])
    stream.close()


#: Like ``python -I`` (no user site-packages, nothing prepended to sys.path), but reading the
#: environment, which is built here from scratch: so that PYTHONHASHSEED can fix the order of
#: sets of strings, and a submission always gets the same grade.
_ISOLATED = ("-s", "-P") if sys.version_info >= (3, 11) else ("-s",)


#: Variables that decide how numbers are computed: passed through to the student process so
#: that it computes as the grader does (an OpenBLAS kernel chosen by OPENBLAS_CORETYPE in one
#: process and not in the other gives float64 results that differ in the last bits).
NUMERIC_VARIABLES = (
    "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_VERBOSE", "GOTOBLAS_CORETYPE",
    "MKL_CBWR", "MKL_DEBUG_CPU_TYPE", "MKL_ENABLE_INSTRUCTIONS", "NPY_DISABLE_CPU_FEATURES",
    "COURSEKIT_NO_NUMBA", "NUMBA_DISABLE_JIT", "NUMBA_CPU_NAME", "NUMBA_CPU_FEATURES",
    "NUMBA_OPT",
)  # fmt: skip


def student_environment(workdir: str) -> dict:
    """The student process's environment, built from an allow-list.

    No token and no variable the instructor set for other tools reaches student
    code: only what Python and the numerical libraries need, the numeric
    variables of :data:`NUMERIC_VARIABLES`, and where the course's data is.
    """
    env = {
        "PYTHONHASHSEED": "0",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "USER": "student",  # (a root grader's sandbox uid has no entry in /etc/passwd)
        "LOGNAME": "student",
        "TMPDIR": workdir,
        "MPLCONFIGDIR": workdir,
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "TQDM_DISABLE": "1",
    }
    for name in NUMERIC_VARIABLES + ("COURSEKIT_CACHE", "COURSEKIT_DATA", "COURSEKIT_OFFLINE"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _read_paths(kit: str | None) -> tuple[str, ...]:
    """What the student process may read: the Python environment, the kit, the data."""
    import site
    import sysconfig

    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    paths += [sysconfig.get_paths().get(k, "") for k in ("stdlib", "platstdlib", "purelib",
                                                          "platlib")]  # fmt: skip
    paths += site.getsitepackages() if hasattr(site, "getsitepackages") else []
    paths.append(os.path.dirname(os.path.realpath(sys.executable)))
    if kit:
        paths.append(kit)
    try:
        from coursekit.data.dataset import cache_dir

        paths.append(str(cache_dir()))
    except Exception:  # noqa: BLE001 - no data cache: nothing to read
        pass
    if os.environ.get("COURSEKIT_DATA"):
        paths.append(os.environ["COURSEKIT_DATA"])
    package = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))
    if kit is None:  # no assignment named (a direct StudentSession): the installed package
        paths.append(package)
    forbidden = os.path.dirname(package)  # src/ (or site-packages): never the folders around it
    out = []
    for path in paths:
        if not path:
            continue
        real = os.path.realpath(path)
        # An editable install puts the venv inside the repository: the venv's own folders
        # are listed, never a folder holding the repository (solutions, hidden tests).
        if forbidden.startswith(real + os.sep) or real == forbidden:
            continue
        out.append(real)
    return tuple(dict.fromkeys(out))


class Zygote:
    """A warm parent of student processes (:func:`coursekit.grading.student.zygote`).

    It imports the scientific stack once; every student process is then a fork
    of it, started in milliseconds instead of seconds. It never runs student code.

    Parameters
    ----------
    assignment : str, optional
        With isolation, the zygote imports the sandbox kit of this assignment
        (:func:`coursekit.grading.withhold.sandbox_kit`), not the installed kit.
    settings : Settings
        ``isolation``, limits.

    Raises
    ------
    IsolationUnavailable
        When ``settings.isolation == "enforce"`` and the machine lacks the layers.
    """

    def __init__(self, assignment: str | None = None, settings: Settings = DEFAULT):
        from coursekit.grading import sandbox

        here, there = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._home = tempfile.TemporaryDirectory(prefix="coursekit-zygote-")
        isolate = settings.isolation != "none"
        self.layers = sandbox.plan(trust=settings.isolation == "available") if isolate else None
        env = student_environment(self._home.name)
        kit = None
        if isolate and assignment:
            from coursekit.grading.withhold import sandbox_kit

            kit = str(sandbox_kit(assignment))
            env["PYTHONPATH"] = kit
            env["NUMBA_CACHE_DIR"] = os.path.join(kit, "numba-cache")
        policy = sandbox.Policy(
            read_paths=_read_paths(kit),
            memory_mb=settings.memory_mb,
            max_processes=settings.max_processes,
            scratch_mb=settings.scratch_mb,
            file_size_mb=settings.file_size_mb,
        )
        self.isolation = sandbox.describe(self.layers)
        from coursekit.grading.withhold import kit_uses_kernels

        config = {
            "isolate": isolate,
            "warm_kernels": kit is None or kit_uses_kernels(kit),
            "layers": self.layers.to_dict() if self.layers else None,
            "policy": asdict(policy),
        }
        self.popen = subprocess.Popen(
            [sys.executable, *_ISOLATED, "-m", "coursekit.grading.student", "--zygote",
             str(there.fileno()), json.dumps(config)],
            pass_fds=(there.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=self._home.name,
            start_new_session=True,
        )  # fmt: skip
        there.close()
        self.sock = here

    def spawn(self, workdir: str, tag: str) -> tuple[int, int, int, int]:
        """``(pid, command fd, result fd, output fd)`` of a new student process."""
        self.sock.sendall(json.dumps({"op": "spawn", "workdir": workdir, "tag": tag}).encode())
        data, fds, _, _ = socket.recv_fds(self.sock, 4096, 3)
        if not data or len(fds) != 3:
            for fd in fds:
                os.close(fd)
            raise RuntimeError("the warm student zygote did not answer")
        return int(json.loads(data.decode())["pid"]), fds[0], fds[1], fds[2]

    def kill(self, tag: str) -> None:
        """Kill every student process spawned with ``tag`` (still running or not)."""
        try:
            self.sock.sendall(json.dumps({"op": "kill", "tag": tag}).encode())
            self.sock.recv(4096)
        except OSError:
            pass

    def close(self) -> None:
        from coursekit.grading.sandbox import sweep_cgroups

        self.sock.close()
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.popen.wait()
        self._home.cleanup()
        sweep_cgroups()


#: Warm zygotes by assignment (each imports its assignment's sandbox kit), when a grader set
#: ``WARM`` (else a fresh process per student, without isolation: in-process harnesses);
#: and the tag of the submission being graded.
ZYGOTES: dict[tuple, Zygote] = {}
WARM = False
SPAWN_TAG = ""


def zygote_for(assignment: str | None, settings: Settings) -> Zygote:
    """The warm zygote for ``assignment`` under ``settings``' isolation, started once."""
    key = (assignment, settings.isolation, settings.memory_mb, settings.max_processes,
           settings.scratch_mb, settings.file_size_mb)  # fmt: skip
    if key not in ZYGOTES:
        ZYGOTES[key] = Zygote(assignment, settings)
    return ZYGOTES[key]


def kill_spawned(tag: str) -> None:
    """Kill every student process of every zygote spawned with ``tag``."""
    for zygote in list(ZYGOTES.values()):
        zygote.kill(tag)


def close_zygotes() -> None:
    for zygote in list(ZYGOTES.values()):
        zygote.close()
    ZYGOTES.clear()


class _Process:
    """One running student process (it forks a worker per check)."""

    def __init__(self, settings: Settings, workdir: str, assignment: str | None = None):
        self.output = bytearray()
        self.worker_pid: int | None = None
        self.popen = None
        if WARM or settings.isolation != "none":
            zygote = zygote_for(assignment, settings)
            self.isolation = zygote.isolation
            self.pid, self.cmd_write, self.result_read, out_read = zygote.spawn(workdir, SPAWN_TAG)
            self._pidfd = os.pidfd_open(self.pid)
            stream = os.fdopen(out_read, "rb")
        else:
            cmd_read, self.cmd_write = os.pipe()
            self.result_read, result_write = os.pipe()
            self.popen = subprocess.Popen(
                [sys.executable, *_ISOLATED, "-m", "coursekit.grading.student", str(cmd_read),
                 str(result_write)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(cmd_read, result_write),
                cwd=workdir,
                env=student_environment(workdir),
                start_new_session=True,
            )  # fmt: skip
            os.close(cmd_read)
            os.close(result_write)
            self.pid, self._pidfd, stream = self.popen.pid, None, self.popen.stdout
            self.isolation = "none (student code ran without isolation: a local check)"
        threading.Thread(
            target=_drain, args=(stream, self.output, settings.output_cap), daemon=True
        ).start()

    def alive(self) -> bool:
        if self.popen is not None:
            return self.popen.poll() is None
        return not select.select([self._pidfd], [], [], 0)[0]

    def send(self, message: dict) -> None:
        messages.send_frame(self.cmd_write, pickle.dumps(message))

    def receive(self, deadline: float) -> dict:
        message = messages.loads(messages.recv_frame(self.result_read, deadline))
        if not isinstance(message, dict):
            raise ValueError("malformed message from the student process")
        return message

    def kill(self) -> None:
        # Only while it runs: a zygote's child is reaped by the kernel, and its pid (and
        # process group) may already be another process's.
        running = self.popen.returncode is None if self.popen is not None else self.alive()
        if running:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self.popen is not None:
            self.popen.wait()
        fds = [self.cmd_write, self.result_read] + ([self._pidfd] if self._pidfd else [])
        for fd in fds:
            try:
                os.close(fd)
            except OSError:
                pass


class StudentSession:
    """Student functions from one submission, callable one check at a time.

    Parameters
    ----------
    units : list of CodeUnit
        The submission's code (:func:`coursekit.grading.extract.units_from_notebook`).
    references : dict
        ``{question: "coursekit.module.function"}``; in the student process
        each reference is replaced by a tripwire that fails the question
        whose own reference is called.
    settings : Settings
        Limits (time per check and per statement, memory, output).

    Examples
    --------
    >>> with StudentSession(units, {"rotate90": "coursekit.augment.rotate90"}) as student:
    ...     with student.check("rotate90"):
    ...         rotated = student.function("rotate90")(image, 1)   # doctest: +SKIP
    """

    def __init__(
        self,
        units: list[CodeUnit],
        references: dict[str, str] | None = None,
        settings: Settings = DEFAULT,
        assignment: str | None = None,
    ):
        self.assignment = assignment
        self.isolation = ""
        self._seq = 0
        self.units = units
        self.references = dict(references or {})
        self.settings = settings
        self._workdir = tempfile.TemporaryDirectory(prefix="coursekit-student-")
        self._process: _Process | None = None
        self._skip: set[tuple[int, int]] = set()
        self._hung: dict[tuple[int, int], str] = {}
        self._gave_up = False
        self.defined: list[str] = []
        self.uses: dict[str, list[str]] = {}
        self.problems: list[dict] = []
        self._question: str | None = None
        self._deadline = 0.0
        self._sticky: Exception | None = None
        self.last_call: tuple | None = None

    # -- process life cycle -------------------------------------------------------------------
    def _student_statements(self) -> list[tuple[int, int]]:
        """Statements of the student's own cells that are not definitions."""
        return [
            (u, s)
            for u, unit in enumerate(self.units)
            if unit.kind == "student"
            for s, statement in enumerate(unit.statements)
            if not statement.definition
        ]

    def _start(self) -> _Process:
        """Start a student process and run the submission's statements in it."""
        settings = self.settings
        while True:
            process = _Process(settings, self._workdir.name, self.assignment)
            self.isolation = process.isolation
            process.send(
                {
                    "op": "init",
                    "units": [u.as_message() for u in self.units],
                    "skip": sorted(self._skip),
                    "references": self.references,
                    "settings": settings.to_json(),
                }
            )
            current, deadline = None, time.monotonic() + settings.start_timeout
            try:
                while True:
                    message = process.receive(deadline)
                    if "progress" in message:
                        current = tuple(int(i) for i in message["progress"])
                        deadline = time.monotonic() + settings.statement_timeout
                    elif message.get("ready"):
                        self.defined = [str(n) for n in message.get("defined", [])]
                        self.uses = {
                            str(k): [str(n) for n in v]
                            for k, v in dict(message.get("uses", {})).items()
                        }
                        self.problems = list(message.get("problems", []))
                        return process
            except (messages.FrameTimeout, EOFError, ValueError, TypeError) as exc:
                process.kill()
                if current is None:
                    raise RuntimeError(
                        "the student process could not start: "
                        + process.output.decode(errors="replace")[-2000:]
                    ) from exc
                # This statement hung or ended the process: run the code again without it.
                self._skip.add(current)
                self._hung[current] = (
                    f"did not finish within {settings.statement_timeout:g} s"
                    if isinstance(exc, messages.FrameTimeout)
                    else "ended the Python process"
                )
                if len(self._hung) >= settings.max_skipped_statements and not self._gave_up:
                    # Too many restarts: leave out every later statement of the student's own
                    # cells that is not a definition (imports, def, class still run).
                    self._gave_up = True
                    for pair in self._student_statements():
                        if pair > current:
                            self._skip.add(pair)
                            self._hung.setdefault(
                                pair, "was not run: too many earlier statements hung"
                            )

    def _ensure_started(self) -> _Process:
        if self._process is None or not self._process.alive():
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

    # -- checks -------------------------------------------------------------------------------
    def begin_check(self, question: str) -> None:
        """Start the time limit of one check of ``question`` and a fresh worker for it."""
        self._question = question
        self._sticky = None
        self.last_call = None
        process = self._ensure_started()
        timeout = self.settings.check_timeout
        self._deadline = time.monotonic() + timeout
        process.send({"op": "check", "question": question, "cpu_seconds": int(timeout) + 1})
        try:
            message = process.receive(self._deadline)
        except messages.FrameTimeout:
            self._lose_process()
            raise QuestionTimeout(
                f"the process that runs your notebook did not start this check within the time "
                f"limit of {timeout:g} s (is a thread started by one of your cells still busy?)"
            ) from None
        except (EOFError, ValueError, TypeError):
            self._lose_process()
            raise StudentCrashed(
                "the process that runs your notebook's code ended before this check could start "
                "(did a process or thread started by one of your cells end it? If your cells "
                "start none, tell your instructor)"
            ) from None
        if "worker_error" in message:
            raise StudentCrashed(
                f"this check could not start ({str(message['worker_error'])[:200]}): your code has "
                f"used up the processes (at most {self.settings.max_processes}, threads "
                "included) or the memory it may use; processes and threads that your cells "
                "start and leave running count"
            )
        try:
            process.worker_pid = int(message["worker"])
        except (KeyError, ValueError, TypeError):
            self._lose_process()
            raise

    def end_check(self) -> None:
        """Stop the check's worker (the student process stays for the next check)."""
        process, self._question = self._process, None
        if process is None or process.worker_pid is None:
            return
        try:
            process.send({"op": "end"})
            message = process.receive(time.monotonic() + 5.0)
            if "worker_done" not in message:
                raise ValueError("unexpected message")
        except (OSError, messages.FrameTimeout, EOFError, ValueError):
            self._lose_process()
        else:
            process.worker_pid = None

    def check(self, question: str):
        """Context manager around :meth:`begin_check` / :meth:`end_check`."""
        session = self

        class _Check:
            def __enter__(self):
                session.begin_check(question)
                return session

            def __exit__(self, *exc_info):
                session.end_check()

        return _Check()

    def _lose_process(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process = None

    # -- what the submission's code did -------------------------------------------------------
    def statement_notes(self, unit_index: int) -> list[str]:
        """Sentences about statements of one cell that raised, hung or did not run."""
        unit = self.units[unit_index]
        notes = []
        if unit.syntax_error:
            notes.append(f"your {unit.label} has a syntax error on {unit.syntax_error}")
        for (u, s), reason in sorted(self._hung.items()):
            if u == unit_index:
                statement = unit.statements[s]
                notes.append(
                    f"line {statement.line} of your {unit.label}, `{statement.text}`, {reason} "
                    "and was skipped"
                )
        for problem in self.problems:
            if problem.get("unit") == unit_index:
                statement = unit.statements[int(problem.get("statement", 0))]
                notes.append(
                    f"line {problem.get('line') or statement.line} of your {unit.label}, "
                    f"`{statement.text}`, raised {problem.get('type')}: {problem.get('message')}"
                )
        return notes

    def notes_for(self, name: str) -> list[str]:
        """Sentences about the cells that define ``name`` and did not run cleanly."""
        notes = []
        for index, unit in enumerate(self.units):
            if name in unit.defines:
                notes.extend(self.statement_notes(index))
        return notes

    def other_notes(self, names: set[str]) -> list[str]:
        """Sentences about student cells that define none of ``names`` and did not run cleanly."""
        notes = []
        for index, unit in enumerate(self.units):
            if unit.kind == "student" and not (set(unit.defines) & names):
                notes.extend(self.statement_notes(index))
        return notes

    def function(self, name: str) -> StudentFunction:
        """The student's function ``name``, called in the student process.

        Raises
        ------
        MissingFunction
            When the submission does not define ``name`` (with the reason when
            the cell that defines it failed).
        """
        self._ensure_started()
        if name not in self.defined:
            notes = self.notes_for(name)
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

    def call(self, name: str, args: tuple, kwargs: dict) -> Call:
        """Call student function ``name`` in the current check's worker."""
        if self._sticky is not None:
            raise self._sticky
        process = self._process
        if self._question is None or process is None or process.worker_pid is None:
            raise RuntimeError("call student functions between begin_check and end_check")
        self.last_call = (name, args, kwargs)
        self._seq += 1
        try:
            process.send({"op": "call", "name": name, "args": args, "kwargs": kwargs,
                          "seq": self._seq})  # fmt: skip
            reply = process.receive(self._deadline)
            # A frame left over from an earlier call (or forged ahead of this one) is dropped.
            while "worker_done" not in reply and reply.get("seq") != self._seq:
                reply = process.receive(self._deadline)
        except messages.FrameTimeout:
            # The whole student process goes (never a pid it reported: it could name another);
            # the next check starts a new one.
            self._lose_process()
            self._sticky = QuestionTimeout(
                f"`{name}` did not finish within the time limit of "
                f"{self.settings.check_timeout:g} s (an endless loop, or far too slow?)"
            )
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
        if reply.get("ok") is True:
            try:
                value = messages.decode_value(reply.get("value"))
            except Exception as exc:  # noqa: BLE001 - malformed data from the student process
                raise StudentException(
                    f"`{name}` returned a value the grader could not read ({exc})"
                ) from None
            changed = reply.get("changed_inputs") or []
            return Call(
                value,
                bool(reply.get("shares_memory")),
                [str(c) for c in changed] if isinstance(changed, list) else [],
                float(reply.get("seconds") or 0.0),
            )
        return self._raise_failure(name, reply)

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
            f"`{name}` raised {reply.get('type')}: {reply.get('message')}{where}",
            exception_types=[str(t) for t in reply.get("types") or [reply.get("type")]],
        )


class StudentFunction:
    """Stand-in for a student function living in the student process.

    Calling it returns the value; :meth:`call` returns a
    :class:`~coursekit.checks.calls.Call` with the views and in-place changes seen.
    """

    def __init__(self, session: StudentSession, name: str):
        self.session = session
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        return self.session.call(self.__name__, args, kwargs).value

    def call(self, *args, **kwargs) -> Call:
        return self.session.call(self.__name__, args, kwargs)

    def __repr__(self) -> str:
        return f"<student function {self.__name__}>"
