"""The student process: ``python -m coursekit.grading.student CMD_FD RESULT_FD``.

It runs only student code and never writes results: it answers the grader's
commands (:mod:`coursekit.grading.messages`) over two inherited pipes. Life cycle:

1. import numpy, close stdin, wait for ``init``;
2. on ``init``: set resource limits (memory, file size, no core dumps), replace
   each ``coursekit`` reference by a tripwire, then run the submission's
   statements one by one as Jupyter would, reporting progress before each so
   that the grader can skip a statement that hangs or ends the process
   (:mod:`coursekit.grading.extract` says which statements run);
3. for each check, fork a fresh worker (so that one check's side effects, a
   crash or a kill never reach another), which calls the student's functions
   until the grader says ``end``, reporting for every call whether the result is
   a view of an argument and which arguments it changed in place.
"""

from __future__ import annotations

import builtins
import importlib
import os
import pickle
import resource
import select
import signal
import sys
import traceback
import types

from coursekit.grading import messages

_armed: set[str] = set()
_tripped: list[str] = []
#: Whether this process entered the sandbox (:func:`coursekit.grading.sandbox.enter`).
_SANDBOXED = False


class ForbiddenCall(BaseException):
    """Raised by a tripwire; a BaseException so that ``except Exception`` cannot hide it."""


def _set_limits(memory_mb: int, file_size_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    size = file_size_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails instead of killing


def _make_tripwire(questions: set[str], dotted: str, reference):
    def tripwire(*args, **kwargs):
        if questions & _armed:
            _tripped.append(dotted)
            raise ForbiddenCall(dotted)
        return reference(*args, **kwargs)

    for attr in ("__name__", "__qualname__", "__doc__", "__module__"):
        setattr(tripwire, attr, getattr(reference, attr, None) or dotted)
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


def _describe(exc: BaseException, memory_mb: int) -> dict:
    from coursekit._withheld import WithheldReference

    if _tripped or isinstance(exc, ForbiddenCall):
        return {"ok": False, "kind": "forbidden", "reference": (_tripped or [str(exc)])[0]}
    if isinstance(exc, WithheldReference):
        return {"ok": False, "kind": "forbidden", "reference": exc.reference}
    if isinstance(exc, NotImplementedError):
        return {"ok": False, "kind": "not-implemented"}
    message = _safe_str(exc)
    if isinstance(exc, SystemExit):
        message = f"the code called sys.exit({exc.code!r})"
    elif isinstance(exc, MemoryError):
        message = f"ran out of memory (the grader allows {memory_mb} MB)"
    return {
        "ok": False,
        "kind": "exception",
        "type": type(exc).__name__,
        "types": [c.__name__ for c in type(exc).__mro__],
        "message": message,
        "traceback": _student_frames(exc.__traceback__),
    }


def _run_statements(units, skip, result_fd, namespace) -> list[dict]:
    problems = []
    for u, (label, statements, syntax_error) in enumerate(units):
        if syntax_error:
            continue
        for s, (line, source) in enumerate(statements):
            if (u, s) in skip:
                continue
            messages.send_frame(result_fd, messages.dumps({"progress": [u, s]}))
            try:
                exec(compile(source, f"<{label}>", "exec"), namespace)  # noqa: S102 - sandboxed
            except BaseException as exc:  # noqa: BLE001 - the student's statement failed; go on
                where = next(
                    (
                        f.lineno
                        for f in reversed(traceback.extract_tb(exc.__traceback__))
                        if f.filename == f"<{label}>"
                    ),
                    line,
                )
                problems.append(
                    {
                        "unit": u,
                        "statement": s,
                        "line": where,
                        "type": type(exc).__name__,
                        "message": _safe_str(exc),
                    }
                )
    return problems


def _global_names(code: types.CodeType, depth: int = 0) -> set[str]:
    names = set(code.co_names)
    if depth < 10:
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                names |= _global_names(const, depth + 1)
    return names


def _uses(namespace: dict) -> dict[str, list[str]]:
    uses = {}
    for name, value in list(namespace.items()):
        code = getattr(value, "__code__", None)
        if isinstance(value, types.FunctionType) and isinstance(code, types.CodeType):
            uses[name] = sorted(n for n in _global_names(code) if n != name)
    return uses


def _call(namespace, request, memory_mb) -> dict:
    from coursekit.checks.calls import LocalFunction

    function = LocalFunction(namespace[request["name"]])
    _tripped.clear()
    try:
        call = function.call(*request["args"], **request["kwargs"])
    except BaseException as exc:  # noqa: BLE001 - report every way student code can fail
        return _describe(exc, memory_mb)
    if _tripped:
        return _describe(ForbiddenCall(_tripped[0]), memory_mb)
    return {
        "ok": True,
        "value": messages.encode_value(call.value),
        "shares_memory": call.shares_memory,
        "changed_inputs": call.changed_inputs,
        "seconds": call.seconds,
    }


def _serve_check(question: str, cmd_fd: int, result_fd: int, namespace: dict, memory_mb) -> None:
    _armed.add(question)
    messages.send_frame(result_fd, messages.dumps({"worker": os.getpid()}))
    while True:
        request = pickle.loads(messages.recv_frame(cmd_fd))
        if request["op"] != "call":
            break
        try:
            reply = _call(namespace, request, memory_mb)
            payload = messages.dumps(reply | {"seq": request.get("seq")})
        except BaseException as exc:  # noqa: BLE001 - e.g. a value that cannot be encoded
            payload = messages.dumps(_describe(exc, memory_mb) | {"seq": request.get("seq")})
        messages.send_frame(result_fd, payload)


def serve(cmd_fd: int, result_fd: int) -> None:
    """Answer the grader's commands on ``cmd_fd`` until it closes the pipe."""
    from coursekit.grading.settings import Settings

    namespace = {"__name__": "__main__", "__builtins__": builtins}
    memory_mb = 2048
    while True:
        try:
            request = pickle.loads(messages.recv_frame(cmd_fd))
        except EOFError:
            return
        if request["op"] == "init":
            settings = Settings.from_json(request["settings"])
            memory_mb = settings.memory_mb
            if not _SANDBOXED:  # inside the sandbox, sandbox.enter set them (and more)
                _set_limits(settings.memory_mb, settings.file_size_mb)
            install_tripwires(request["references"])
            skip = {tuple(pair) for pair in request["skip"]}
            problems = _run_statements(request["units"], skip, result_fd, namespace)
            defined = sorted(
                k for k, v in list(namespace.items()) if callable(v) and not k.startswith("__")
            )
            reply = {"ready": True, "defined": defined, "uses": _uses(namespace)}
            messages.send_frame(result_fd, messages.dumps(reply | {"problems": problems}))
        elif request["op"] == "check":
            try:
                pid = os.fork()
            except OSError as exc:  # the tree's process or memory budget is used up
                reply = {"worker_error": f"{type(exc).__name__}: {exc.strerror or exc}"}
                messages.send_frame(result_fd, messages.dumps(reply))
                continue
            if pid == 0:
                cpu = int(request["cpu_seconds"])
                resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
                code = 0
                try:
                    _serve_check(request["question"], cmd_fd, result_fd, namespace, memory_mb)
                except BaseException:  # noqa: BLE001 - the worker must never fall back into main
                    code = 70
                os._exit(code)
            _, status = os.waitpid(pid, 0)
            messages.send_frame(
                result_fd, messages.dumps({"worker_done": os.waitstatus_to_exitcode(status)})
            )
        else:
            return


#: Imported once by the zygote, so that every student process starts warm: what the
#: course's notebooks import (their kit cells keep their imports when graded).
WARM_MODULES = (
    "numpy", "scipy.ndimage", "pandas", "matplotlib.pyplot", "skimage.transform",
    "skimage.color", "skimage.filters", "skimage.feature", "skimage.exposure", "skimage.util",
    "skimage.measure", "skimage.morphology", "sklearn.cluster", "sklearn.mixture",
    "sklearn.metrics", "sklearn.model_selection", "sklearn.decomposition",
    "sklearn.preprocessing", "sklearn.neighbors", "sklearn.linear_model", "sklearn.manifold",
    "coursekit.augment", "coursekit.data", "coursekit.features", "coursekit.cluster",
    "coursekit.plot", "coursekit.metrics", "coursekit.checks.calls",
)  # fmt: skip


def _find_thread_pools() -> None:
    """Let scikit-learn and the kit find their thread pools once, in the zygote.

    Both keep a thread-pool controller per process, made on first use by scanning every
    loaded library: a tiny k-means made here leaves them made for every student forked.
    """
    try:
        import numpy as np
        from sklearn.cluster import KMeans

        from coursekit.features._threads import one_openmp_thread

        with one_openmp_thread():
            KMeans(n_clusters=2, n_init=1, random_state=0).fit(np.arange(8.0).reshape(4, 2))
    except Exception:  # noqa: BLE001 - a cold start only costs time
        pass


def _numba_cache_in_scratch() -> None:
    """Inside the sandbox the kit's numba cache is read-only (a planted cache index would run
    in the next grader): kernels the zygote did not compile are cached in the student's own
    scratch folder instead, shared by its check workers and gone with it."""
    caching = sys.modules.get("numba.core.caching")
    if caching is None:
        return
    import numba

    numba.config.CACHE_DIR = os.path.join(os.getcwd(), ".numba-cache")
    for name, module in list(sys.modules.items()):
        if not name.startswith("coursekit.") or module is None:
            continue
        for value in list(vars(module).values()):
            if hasattr(value, "py_func") and hasattr(value, "_cache"):
                try:
                    value._cache = caching.FunctionCache(value.py_func)
                except Exception:  # noqa: BLE001 - no cache at all: compiled in memory
                    value._cache = caching.NullCache()


def zygote(sock_fd: int, config: dict | None = None) -> None:
    """Fork warm student processes on request: ``python -m ... --zygote SOCKET_FD CONFIG``.

    The zygote never runs student code. ``CONFIG`` (JSON) holds the isolation
    layers to apply and the :class:`~coursekit.grading.sandbox.Policy`. For each
    ``{"op": "spawn", "workdir", "tag"}`` it forks a student process (a new
    session, output to a pipe), which shuts itself in
    (:func:`coursekit.grading.sandbox.enter`) before it reads a command, and
    sends back ``{"pid"}`` with the grader's ends of its pipes (command, result,
    output) as file descriptors; ``{"op": "kill", "tag"}`` kills every process
    spawned with that tag, with everything they started.
    """
    import json
    import socket

    from coursekit.grading import sandbox

    config = config or {}
    layers = sandbox.Layers.from_dict(config["layers"]) if config.get("layers") else None
    policy = sandbox.Policy(**config.get("policy", {}))
    isolate = bool(config.get("isolate"))
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
        except BaseException:  # noqa: BLE001 - a module whose functions are withheld
            pass
    # The compiled augmentation kernels, loaded once instead of in every student process,
    # where the assignment's graded functions reach them (withhold.reaches_compiled_kernels).
    try:
        if config.get("warm_kernels", True):
            importlib.import_module("coursekit.augment").warm_up()
    except BaseException:  # noqa: BLE001 - a cold start only costs time (or they are withheld)
        pass
    _find_thread_pools()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    sock = socket.socket(fileno=sock_fd)
    spawned: dict[int, tuple[str, int | None]] = {}
    while True:
        data = sock.recv(65536)
        if not data:
            return
        request = json.loads(data.decode())
        if request.get("op") == "kill":
            for pid, (tag, pidfd) in list(spawned.items()):
                if tag == request.get("tag"):
                    # Children are reaped by the kernel, so a dead child's pid may already
                    # belong to another process: signal its group only while the pidfd says
                    # the child itself still runs.
                    if pidfd is not None and not select.select([pidfd], [], [], 0)[0]:
                        try:
                            os.killpg(pid, signal.SIGKILL)
                        except (ProcessLookupError, PermissionError):
                            pass
                    if pidfd is not None:
                        os.close(pidfd)
                    sandbox.remove_cgroups(pid, tag)
                    spawned.pop(pid, None)
            sock.sendall(b"{}")
            continue
        cmd_read, cmd_write = os.pipe()
        result_read, result_write = os.pipe()
        out_read, out_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.setsid()
                os.dup2(out_write, 1)
                os.dup2(out_write, 2)
                devnull = os.open(os.devnull, os.O_RDONLY)
                os.dup2(devnull, 0)
                keep = {0, 1, 2, cmd_read, result_write}
                for fd in (sock_fd, cmd_write, result_read, out_read, out_write, devnull):
                    if fd not in keep:
                        os.close(fd)
                for _, pidfd in spawned.values():
                    if pidfd is not None:
                        os.close(pidfd)
                spawned.clear()
                workdir = request["workdir"]
                os.chdir(workdir)
                if isolate:
                    try:
                        sandbox.enter(layers, policy, workdir, str(request.get("tag", "")))
                    except BaseException as exc:  # noqa: BLE001 - never run code unconfined
                        os.write(2, f"the sandbox could not be set up: {exc!r}\n".encode())
                        os._exit(sandbox.SETUP_FAILED)
                    global _SANDBOXED
                    _SANDBOXED = True
                    _numba_cache_in_scratch()
                home = os.getcwd()
                for name in ("TMPDIR", "HOME", "MPLCONFIGDIR"):
                    os.environ[name] = home
                serve(cmd_read, result_write)
            finally:
                os._exit(0)
        for fd in (cmd_read, result_write, out_write):
            os.close(fd)
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:  # it has ended already
            pidfd = None
        spawned[pid] = (str(request.get("tag", "")), pidfd)
        reply = json.dumps({"pid": pid}).encode()
        socket.send_fds(sock, [reply], [cmd_write, result_read, out_read])
        for fd in (cmd_write, result_read, out_read):
            os.close(fd)


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--zygote":
        import json

        zygote(int(argv[1]), json.loads(argv[2]) if len(argv) > 2 else None)
        return
    import numpy  # noqa: F401 - imported once here so that every worker starts warm

    serve(int(argv[0]), int(argv[1]))


if __name__ == "__main__":
    main(sys.argv[1:])
