"""The student process: ``python -I -m coursekit.grading.child CMD_FD RESULT_FD MEMORY_MB``.

It runs only student code and never writes results: it answers the
grader's requests over two inherited pipes. Life cycle:

1. set resource limits (memory, file size, no core dumps), close stdin;
2. replace each ``coursekit`` reference with a tripwire, then run the
   notebook's kept code units one by one (reporting progress, so that a unit
   that hangs can be skipped on a restart);
3. for each question, fork a fresh worker (so that one question's side
   effects, a crash or a kill never reach another question), which calls
   the student's functions until the grader says ``end``; the main process
   then reports how the worker ended.
"""

from __future__ import annotations

import builtins
import importlib
import os
import pickle
import resource
import signal
import sys
import traceback

from coursekit.grading import wire

_armed: set[str] = set()
_tripped: list[str] = []


class ForbiddenCall(BaseException):
    """Raised by a tripwire; a BaseException so that ``except Exception`` cannot hide it."""


def _set_limits(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024 * 1024, 64 * 1024 * 1024))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails instead of killing


def _make_tripwire(questions: set[str], dotted: str, reference):
    def tripwire(*args, **kwargs):
        if questions & _armed:
            _tripped.append(dotted)
            raise ForbiddenCall(dotted)
        return reference(*args, **kwargs)

    tripwire.__name__ = getattr(reference, "__name__", dotted)
    tripwire.__qualname__ = getattr(reference, "__qualname__", dotted)
    tripwire.__doc__ = getattr(reference, "__doc__", None)
    tripwire.__module__ = getattr(reference, "__module__", None)
    return tripwire


def install_tripwires(references: dict[str, str]) -> None:
    """Replace every ``coursekit`` module attribute that is a reference by its tripwire."""
    guarded: dict[str, set[str]] = {}
    for question, dotted in references.items():
        guarded.setdefault(dotted, set()).add(question)
    swaps = {}
    for dotted, questions in guarded.items():
        module_name, _, attr = dotted.rpartition(".")
        try:
            reference = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError):
            continue  # reference not built: nothing to protect
        swaps[id(reference)] = _make_tripwire(questions, dotted, reference)
    for name, module in list(sys.modules.items()):
        if not (name == "coursekit" or name.startswith("coursekit.")) or module is None:
            continue
        if name.startswith("coursekit.grading"):
            continue
        for attr, value in list(vars(module).items()):
            if id(value) in swaps:
                setattr(module, attr, swaps[id(value)])


def _student_frames(tb) -> str:
    frames = [f for f in traceback.extract_tb(tb) if f.filename.startswith("<cell")]
    if not frames:
        return ""
    lines = [f"  {f.filename.strip('<>')}, line {f.lineno}, in {f.name}" for f in frames[-5:]]
    return "\n".join(lines)


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)[:2000]
    except BaseException:  # noqa: BLE001 - a student exception whose __str__ fails
        return "<message could not be shown>"


def _describe(exc: BaseException) -> dict:
    if _tripped or isinstance(exc, ForbiddenCall):
        return {"ok": False, "kind": "forbidden", "reference": (_tripped or [str(exc)])[0]}
    if isinstance(exc, NotImplementedError):
        return {"ok": False, "kind": "not-implemented"}
    message = _safe_str(exc)
    if isinstance(exc, SystemExit):
        message = f"the code called sys.exit({exc.code!r})"
    elif isinstance(exc, MemoryError):
        message = (
            "ran out of memory (the grader allows "
            + os.environ.get("COURSEKIT_MEMORY_MB", "2048")
            + " MB)"
        )
    return {
        "ok": False,
        "kind": "exception",
        "type": type(exc).__name__,
        "message": message,
        "traceback": _student_frames(exc.__traceback__),
    }


def _run_units(units, skip, result_fd, namespace) -> list[dict]:
    problems = []
    for index, (label, source, syntax_error) in enumerate(units):
        if syntax_error or index in skip:
            continue
        wire.send_frame(result_fd, wire.dumps({"progress": index}))
        try:
            exec(compile(source, f"<{label}>", "exec"), namespace)  # noqa: S102 - sandboxed
        except BaseException as exc:  # noqa: BLE001 - the student's cell failed; keep going
            line = next(
                (
                    f.lineno
                    for f in reversed(traceback.extract_tb(exc.__traceback__))
                    if f.filename == f"<{label}>"
                ),
                None,
            )
            problems.append(
                {"unit": index, "type": type(exc).__name__, "line": line, "message": _safe_str(exc)}
            )
    return problems


def _serve_question(question: str, cmd_fd: int, result_fd: int, namespace: dict) -> None:
    _armed.add(question)
    wire.send_frame(result_fd, wire.dumps({"worker": os.getpid()}))
    while True:
        request = pickle.loads(wire.recv_frame(cmd_fd))
        if request["op"] != "call":
            break
        _tripped.clear()
        try:
            value = namespace[request["name"]](*request["args"], **request["kwargs"])
            reply = {"ok": True, "value": wire.encode_value(value)}
            if _tripped:
                reply = _describe(ForbiddenCall(_tripped[0]))
        except BaseException as exc:  # noqa: BLE001 - report every way student code can fail
            reply = _describe(exc)
        wire.send_frame(result_fd, wire.dumps(reply))


def main(argv: list[str]) -> None:
    cmd_fd, result_fd, memory_mb = int(argv[0]), int(argv[1]), int(argv[2])
    _set_limits(memory_mb)
    os.environ["COURSEKIT_MEMORY_MB"] = str(memory_mb)
    import numpy  # noqa: F401 - imported once here so that every worker starts warm

    namespace = {"__name__": "__main__", "__builtins__": builtins}
    while True:
        try:
            request = pickle.loads(wire.recv_frame(cmd_fd))
        except EOFError:
            return
        if request["op"] == "init":
            install_tripwires(request["references"])
            problems = _run_units(request["units"], set(request["skip"]), result_fd, namespace)
            defined = sorted(
                k for k, v in namespace.items() if callable(v) and not k.startswith("__")
            )
            wire.send_frame(
                result_fd, wire.dumps({"ready": True, "defined": defined, "problems": problems})
            )
        elif request["op"] == "question":
            pid = os.fork()
            if pid == 0:
                cpu = int(request["cpu_seconds"])
                resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
                code = 0
                try:
                    _serve_question(request["question"], cmd_fd, result_fd, namespace)
                except BaseException:  # noqa: BLE001 - the worker must never fall back into main
                    code = 70
                os._exit(code)
            _, status = os.waitpid(pid, 0)
            wire.send_frame(
                result_fd, wire.dumps({"worker_done": os.waitstatus_to_exitcode(status)})
            )
        else:
            return


if __name__ == "__main__":
    main(sys.argv[1:])
