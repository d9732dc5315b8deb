"""Measure a command's wall time and the peak memory of its whole process tree.

``resource.getrusage(RUSAGE_CHILDREN)`` reports only the largest single
descendant, which hides joblib's worker processes; here the resident set
sizes of the process and all its descendants are summed, sampled every
20 ms from ``/proc`` (Linux).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path
from typing import NamedTuple

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def _tree_rss(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            continue
        stack += _children(p)
    return total


class Measurement(NamedTuple):
    returncode: int
    seconds: float
    peak_bytes: int
    stdout: str | None  # only when the command ran with stdout=subprocess.PIPE


def run_and_measure(cmd, **popen_kwargs) -> Measurement:
    """Run ``cmd`` (``subprocess.Popen`` arguments) and measure it."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, text=True, **popen_kwargs)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    return Measurement(proc.returncode, time.perf_counter() - start, peak, out)
