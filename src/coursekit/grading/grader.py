"""The grader process: run the hidden tests on submissions and report the results.

``python -m coursekit.grading.grader RESULT_FD`` grades one submission: it reads a
:class:`~coursekit.grading.messages.GraderRequest` (JSON) on stdin, runs pytest on
the assignment's test file with :class:`~coursekit.grading.plugin.ResultCollector`
and writes ``"<nonce> " + SubmissionResult JSON`` on the pipe ``RESULT_FD``, which
only it holds: nothing the student's code prints can pass for a result. The grader
never runs student code itself; that happens in the student process it starts.

``python -m coursekit.grading.grader --serve RESULT_FD [--warm A ...]`` is a warm
grader for a class: it imports pytest, hypothesis, the contracts and the
references once, starts a warm student zygote
(:class:`~coursekit.grading.session.Zygote`), optionally runs each warm
assignment's hidden tests once against the references (so the expected answers
of the fixed generated inputs are computed once and reused by every student),
then reads one request per line on stdin and grades each in a forked child of
itself, with a time budget. One student's crash, hang or memory bomb costs only
that student's checks, as before: each student still gets their own limited
process.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import sys
import time

from coursekit.grading.results import SubmissionResult

__all__ = ["grade_request", "write_result", "main", "warm_up"]


def grade_request(request: dict) -> SubmissionResult:
    """Run the tests of ``request`` (a GraderRequest) and collect the result."""
    import pytest

    from coursekit.grading.plugin import ResultCollector

    collector = ResultCollector()
    wanted = list(request.get("questions") or [])
    args = [
        request["test_file"],
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:xdist",
        "--no-header",
        "-o",
        "addopts=",
        "--rootdir",
        os.path.dirname(request["test_file"]),
        "--submission",
        request["submission"],
        "--assignment",
        request["assignment"],
        "--grading-settings",
        request["settings"],
    ]
    if request.get("public"):
        args += ["-p", "coursekit.grading.plugin"]  # the hidden tests get it from conftest.py
    if wanted:
        args += ["--questions", ",".join(wanted)]
    if request.get("kit_cells"):
        args += ["--kit-cells", request["kit_cells"]]
    # Only the grading plugin: whatever other pytest plugins the machine has installed
    # (random test order, reruns, timeouts) must not change a grade, nor cost their import.
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    # The imported stack will never be garbage: leave it out of the collections that pytest
    # runs at the end of a session (in a warm grader's child they scanned the whole heap).
    gc.freeze()
    from coursekit.grading import session
    from coursekit.grading.sandbox import IsolationUnavailable
    from coursekit.grading.settings import Settings

    settings = Settings.from_json(request["settings"])
    try:
        # Started before pytest runs, so that a machine that cannot isolate is refused once,
        # for every question alike, and the report can say which layers were in force.
        zygote = session.zygote_for(request["assignment"], settings)
    except IsolationUnavailable as exc:
        from coursekit.grading.parent import unreadable

        return unreadable(request["submission"], request["assignment"], str(exc))
    code = pytest.main(args, plugins=[collector])
    questions = collector.questions(request["assignment"], only=wanted or None)
    result = SubmissionResult(request["submission"], request["assignment"], questions)
    result.isolation = zygote.isolation
    if code not in (0, 1):
        result.error = f"pytest exited with code {code}"
    return result


def write_result(result_fd: int, nonce: str, result: SubmissionResult) -> None:
    """Write the result line on the result pipe (one write, whole lines)."""
    data = (nonce + " " + json.dumps(result.to_dict()) + "\n").encode("utf-8")
    view = memoryview(data)
    while view:
        view = view[os.write(result_fd, view) :]


# -- warm graders ---------------------------------------------------------------------------
class _ReferenceStudent:
    """Stand-in for a student whose every function is the course's reference."""

    def __init__(self):
        self.last_call = None

    def function(self, name):
        import importlib

        from coursekit.checks.calls import LocalFunction
        from coursekit.grading.questions import question

        module, _, attr = question(name).reference.rpartition(".")
        return LocalFunction(getattr(importlib.import_module(module), attr))


def warm_up(test_file: str) -> int:
    """Run a hidden test file's checks against the references, in this process.

    With :func:`coursekit.grading.cache.install_reference_cache`, the expected answers
    the checks compute are remembered, so a student who passes meets the same
    generated inputs and finds them computed. Returns the number of checks run.
    """
    import importlib.util

    from coursekit.grading.plugin import check_of_function

    folder = os.path.dirname(test_file)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    name = "_warm_" + os.path.splitext(os.path.basename(test_file))[0]
    spec = importlib.util.spec_from_file_location(name, test_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    count = 0
    for attr, value in list(vars(module).items()):
        if attr.startswith("test_") and callable(value) and check_of_function(value):
            try:
                value(_ReferenceStudent())
            except Exception:  # noqa: BLE001 - a reference failing a check is a test's concern
                pass
            count += 1
    return count


def _compile_notebook_validators() -> None:
    """Compile nbformat's JSON-schema validators once, before the children fork.

    Each child reads its submission with nbformat, which validates it; compiled in the
    warm grader, the validators are inherited instead of compiled for every student.
    """
    from nbformat.validator import get_validator

    for minor in range(6):
        try:
            get_validator(version=4, version_minor=minor)
        except Exception:  # noqa: BLE001 - a schema this nbformat lacks: compiled when needed
            pass


def _serve(result_fd: int, warm: list[str]) -> int:
    import coursekit.checks
    from coursekit.grading import parent, session

    for name in ("pytest", "hypothesis", "nbformat", "coursekit.grading.plugin"):
        __import__(name)
    _compile_notebook_validators()
    coursekit.checks.load_contracts()
    if warm:
        from coursekit.grading.cache import install_reference_cache

        install_reference_cache()
    for test_file in warm:
        warm_up(test_file)
    try:  # the references' compiled kernels, loaded once for every forked child
        __import__("coursekit.augment").augment.warm_up()
    except Exception:  # noqa: BLE001 - a cold start only costs time
        pass
    session.WARM = True
    for test_file in warm:  # each warm assignment's zygote, started before the first student
        _start_zygote(session, os.path.basename(test_file))
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            request = json.loads(line)
            _start_zygote(session, request)
            _grade_in_child(request, result_fd, session, parent)
    finally:
        session.close_zygotes()
    return 0


def _start_zygote(session, request_or_file) -> None:
    """Start, in the warm grader itself, the zygote its forked children will share."""
    from coursekit.grading.questions import ASSIGNMENTS
    from coursekit.grading.settings import DEFAULT, Settings

    if isinstance(request_or_file, dict):
        assignment = request_or_file["assignment"]
        settings = Settings.from_json(request_or_file["settings"])
    else:  # a warm-up file, test_02_augmentation.py: the default settings
        number = request_or_file.removeprefix("test_")[:2]
        assignment = next((a for a in ASSIGNMENTS if a.startswith(number)), None)
        settings = DEFAULT
    try:
        session.zygote_for(assignment, settings)
    except Exception:  # noqa: BLE001 - refused or failed: grade_request reports it per student
        pass


def _grade_in_child(request: dict, result_fd: int, session, parent) -> None:
    import secrets

    tag = secrets.token_hex(8)  # names this submission's student processes (not the nonce)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.setpgid(0, 0)
            session.SPAWN_TAG = tag
            write_result(result_fd, request["nonce"], grade_request(request))
        except BaseException:  # noqa: BLE001 - the child must never return into the loop
            code = 70
        finally:
            os._exit(code)
    deadline = time.monotonic() + float(request.get("budget", 600.0))
    pidfd = os.pidfd_open(pid)
    try:
        done = select.select([pidfd], [], [], max(0.0, deadline - time.monotonic()))[0]
    finally:
        os.close(pidfd)
    if not done:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    _, status = os.waitpid(pid, 0)
    session.kill_spawned(tag)
    code = os.waitstatus_to_exitcode(status)
    if not done or code != 0:
        reason = "ran out of time" if not done else f"ended with status {code}"
        failed = parent.unreadable(
            request["submission"],
            request["assignment"],
            f"the grader {reason} (please report)",
        )
        write_result(result_fd, request["nonce"], failed)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--serve":
        result_fd = int(argv[1])
        warm = argv[argv.index("--warm") + 1 :] if "--warm" in argv else []
        return _serve(result_fd, warm)
    result_fd = int(argv[0])
    request = json.loads(sys.stdin.read())
    import secrets

    from coursekit.grading import session

    # The student processes' zygote imports the scientific stack while pytest starts here.
    session.WARM = True
    session.SPAWN_TAG = secrets.token_hex(8)
    _start_zygote(session, request)
    try:
        write_result(result_fd, request["nonce"], grade_request(request))
    finally:
        session.kill_spawned(session.SPAWN_TAG)
        session.close_zygotes()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
