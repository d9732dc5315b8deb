"""Each sandbox has a budget of its own: concurrent student processes never share one.

A class is graded several submissions at a time (``--jobs``), and CI runs test files in
parallel: the process limit of one student process must count that process's tree only,
never the trees of the others (nor processes of the machine that run as ``nobody``).
Each test enters the real sandbox in a fresh Python process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from coursekit.grading.sandbox import probe

LAYERS = probe()
pytestmark = pytest.mark.skipif(
    not LAYERS.sufficient, reason="this kernel offers no sandbox: " + "; ".join(LAYERS.missing())
)

#: Enters the sandbox with a budget of BUDGET processes, forks up to WANT children that
#: wait, prints how many forks succeeded, then waits for a line on stdin before it ends
#: (so that every sandbox of a test holds its children at the same time).
SANDBOXED = textwrap.dedent(
    """
    import os, sys, tempfile, uuid
    from coursekit.grading import sandbox
    from coursekit.grading.session import _read_paths

    budget, want = int(sys.argv[1]), int(sys.argv[2])
    workdir = tempfile.mkdtemp()
    policy = sandbox.Policy(read_paths=_read_paths(None), max_processes=budget)
    sandbox.enter(sandbox.plan(False), policy, workdir, uuid.uuid4().hex[:8])
    children = []
    for _ in range(want):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            os.read(0, 1)
            os._exit(0)
        children.append(pid)
    print(len(children), os.getuid(), flush=True)
    sys.stdin.readline()
    """
)


def _start(budget: int, want: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", SANDBOXED, str(budget), str(want)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _forks_and_uids(processes: list[subprocess.Popen]) -> list[tuple[int, int]]:
    out = []
    try:
        for process in processes:
            line = process.stdout.readline().split()
            assert line, process.stderr.read()
            out.append((int(line[0]), int(line[1])))
    finally:
        for process in processes:
            try:
                process.communicate("\n" * 64, timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return out


def test_concurrent_sandboxes_do_not_share_a_process_budget():
    # Three sandboxes of 24 processes each hold 16 children at the same time: 48 in all,
    # twice one budget. A budget counted per user (all of them ``nobody``) refuses forks.
    processes = [_start(24, 16) for _ in range(3)]
    results = _forks_and_uids(processes)
    assert [forks for forks, _ in results] == [16, 16, 16]
    if os.geteuid() == 0:  # root gives each sandbox its own identity
        uids = [uid for _, uid in results]
        assert len(set(uids)) == 3 and 0 not in uids, uids


def test_one_sandbox_still_stops_at_its_budget():
    ((forks, _),) = _forks_and_uids([_start(12, 40)])
    assert 0 < forks < 12
