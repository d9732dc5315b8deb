"""The grader process: run the hidden tests on one submission and report the result.

``python -m coursekit.grading.grader RESULT_FD`` reads one
:class:`~coursekit.grading.messages.GraderRequest` (JSON) on stdin, runs pytest on the
assignment's hidden test file with :class:`~coursekit.grading.plugin.ResultCollector`,
and writes ``"<nonce> " + SubmissionResult JSON`` on the pipe ``RESULT_FD``, which only
it holds: nothing the student's code prints can pass for a result. The grader never
runs student code itself; that happens in the student process it starts.

:func:`grade_request` is the same work as a function, for a warm pool of graders
that fork one child per submission (:mod:`coursekit.grading.parent`).
"""

from __future__ import annotations

import json
import os
import sys

from coursekit.grading.results import SubmissionResult

__all__ = ["grade_request", "write_result", "main"]


def grade_request(request: dict) -> SubmissionResult:
    """Run the hidden tests of ``request`` (a GraderRequest) and collect the result."""
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
    code = pytest.main(args, plugins=[collector])
    questions = collector.questions(request["assignment"], only=wanted or None)
    result = SubmissionResult(request["submission"], request["assignment"], questions)
    if code not in (0, 1):
        result.error = f"pytest exited with code {code}"
    return result


def write_result(result_fd: int, nonce: str, result: SubmissionResult) -> None:
    """Write the result line on the result pipe."""
    line = nonce + " " + json.dumps(result.to_dict()) + "\n"
    with os.fdopen(result_fd, "w") as stream:
        stream.write(line)


def main(argv: list[str]) -> int:
    result_fd = int(argv[0])
    request = json.loads(sys.stdin.read())
    write_result(result_fd, request["nonce"], grade_request(request))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
