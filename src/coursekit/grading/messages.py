"""Messages between the processes of a grading run, written down in one place.

Process boundaries::

    parent  ──stdin: GraderRequest (JSON)──▶  grader  ──pipe: Command (pickle)──▶  student
    parent  ◀─pipe: "<nonce> " + SubmissionResult JSON─  grader  ◀─pipe: Reply (JSON)──  student

Frames are a 4-byte big-endian length followed by the payload. The grader
sends pickles (it is trusted); the student process answers in JSON with
arrays as base64 ``.npy`` (``allow_pickle=False``), so that nothing the
student's code returns can run code in the grader when it is decoded.
The TypedDicts below document every message; the student process is not
trusted, so the grader checks what it reads.
"""

from __future__ import annotations

import base64
import io
import json
import os
import select
import struct
import time
from typing import Any, TypedDict

import numpy as np

__all__ = [
    "send_frame",
    "recv_frame",
    "encode_value",
    "decode_value",
    "dumps",
    "loads",
    "FrameTimeout",
    "Unsupported",
    "GraderRequest",
    "InitCommand",
    "CheckCommand",
    "CallCommand",
    "EndCommand",
    "ProgressReply",
    "ReadyReply",
    "WorkerReply",
    "CallReply",
    "WorkerDoneReply",
]


# -- parent -> grader ----------------------------------------------------------------------------
class GraderRequest(TypedDict):
    """What the parent sends a grader process on stdin (JSON)."""

    nonce: str  # prefixes the result line, so printed text can never pass for a result
    submission: str  # absolute path of the notebook
    assignment: str
    test_file: str  # absolute path of the hidden test file
    kit_cells: str  # absolute path of kit_cells.json ("" if absent)
    questions: list[str]  # only these questions ([] = all of the assignment's)
    settings: str  # Settings.to_json()


# -- grader -> student (pickles) -----------------------------------------------------------------
class InitCommand(TypedDict):
    op: str  # "init"
    units: list  # [(label, [(line, source), ...] statements, syntax_error or None), ...]
    skip: list  # [[unit, statement], ...] statements to leave out (they hung before)
    references: dict  # {question: "coursekit.module.function"}: tripwires
    settings: str  # Settings.to_json()


class CheckCommand(TypedDict):
    op: str  # "check": fork a fresh worker for one check of `question`
    question: str
    cpu_seconds: int


class CallCommand(TypedDict):
    op: str  # "call": call a student function in the current worker
    name: str
    args: tuple
    kwargs: dict


class EndCommand(TypedDict):
    op: str  # "end": the worker exits


# -- student -> grader (JSON) --------------------------------------------------------------------
class ProgressReply(TypedDict):
    progress: list  # [unit, statement] about to run


class ReadyReply(TypedDict):
    ready: bool
    defined: list  # names of callables in the namespace
    uses: dict  # {function name: [global names its code refers to]}
    problems: list  # [{"unit", "statement", "line", "type", "message"}, ...]


class WorkerReply(TypedDict):
    worker: int  # pid of the forked worker


class CallReply(TypedDict, total=False):
    ok: bool
    value: Any  # encode_value(...) when ok
    shares_memory: bool  # the result (or part of it) is a view of an argument
    changed_inputs: list  # names of arguments modified in place ("argument 1", "image", ...)
    seconds: float
    kind: str  # when not ok: "exception", "not-implemented" or "forbidden"
    type: str
    message: str
    traceback: str
    reference: str


class WorkerDoneReply(TypedDict):
    worker_done: int  # exit status of the worker

_HEADER = struct.Struct(">I")
MAX_FRAME = 512 * 1024 * 1024


class FrameTimeout(Exception):
    """No complete frame arrived before the deadline."""


def send_frame(fd: int, payload: bytes) -> None:
    """Write one frame to file descriptor ``fd``."""
    data = _HEADER.pack(len(payload)) + payload
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exactly(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, remaining = [], n
    while remaining:
        if deadline is not None:
            timeout = deadline - time.monotonic()
            if timeout <= 0 or not select.select([fd], [], [], timeout)[0]:
                raise FrameTimeout
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def recv_frame(fd: int, deadline: float | None = None) -> bytes:
    """Read one frame from ``fd``; ``deadline`` is a ``time.monotonic()`` value.

    Raises
    ------
    FrameTimeout
        When the deadline passes first.
    EOFError
        When the writer closed the pipe (the process ended).
    """
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size, deadline))
    if size > MAX_FRAME:
        raise EOFError(f"frame of {size} bytes is larger than the limit of {MAX_FRAME}")
    return _read_exactly(fd, size, deadline)


def _encode(value, depth: int):
    if depth > 20:
        return {"__unsupported__": "deeply nested value"}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value if not isinstance(value, str) else value[:10_000]
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        return {"__scalar__": value.dtype.str, "value": value.item()}
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):  # pandas objects
        value = value.to_numpy()
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            return {"__unsupported__": f"numpy array of dtype {value.dtype}"}
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=False)
        return {"__ndarray__": base64.b64encode(buffer.getvalue()).decode("ascii")}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, depth + 1) for v in value]}
    if isinstance(value, list):
        return [_encode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {
            "__dict__": [[_encode(k, depth + 1), _encode(v, depth + 1)] for k, v in value.items()]
        }
    return {"__unsupported__": type(value).__name__}


def encode_value(value) -> object:
    """JSON-ready form of a student function's return value."""
    return _encode(value, 0)


class Unsupported:
    """Stand-in for a returned value of a type the grader does not accept."""

    def __init__(self, description: str):
        self.description = description

    def __repr__(self) -> str:
        return f"<unsupported value: {self.description}>"


def decode_value(data):
    """Inverse of :func:`encode_value`; never unpickles anything."""
    if isinstance(data, list):
        return [decode_value(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "__ndarray__" in data:
        return np.load(io.BytesIO(base64.b64decode(data["__ndarray__"])), allow_pickle=False)
    if "__scalar__" in data:
        return np.dtype(data["__scalar__"]).type(data["value"])
    if "__tuple__" in data:
        return tuple(decode_value(v) for v in data["__tuple__"])
    if "__dict__" in data:
        return {_hashable(decode_value(k)): decode_value(v) for k, v in data["__dict__"]}
    return Unsupported(str(data.get("__unsupported__", "unknown")))


def _hashable(key):
    return key if not isinstance(key, (list, np.ndarray)) else repr(key)


def dumps(obj) -> bytes:
    """JSON bytes (NaN allowed) of a student-process message."""
    return json.dumps(obj).encode("utf-8")


def loads(data: bytes):
    """Parse a student-process message."""
    return json.loads(data.decode("utf-8"))
