"""`coursekit demo`: wall time and peak memory (target: under 60 s and 1.5 GB on 2 cores).

The synthetic twin is made (and cached) by a first, untimed run so that the
figure measures the demo itself; the time to make the twin is reported apart.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from benchmarks._measure import run_and_measure


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, COURSEKIT_CACHE=os.path.join(tmp, "cache"), MPLBACKEND="Agg")
        cmd = [sys.executable, "-m", "coursekit", "demo", "--quiet"]
        code, first, peak_first, _ = run_and_measure(
            cmd + ["--output", os.path.join(tmp, "out0")], env=env, stdout=subprocess.DEVNULL
        )
        if code:
            print(f"demo failed (exit {code})")
            return 1
        code, wall, peak, _ = run_and_measure(
            cmd + ["--output", os.path.join(tmp, "out1")], env=env, stdout=subprocess.DEVNULL
        )
    print(f"{'run':<40} {'wall s':>8} {'peak MB':>9}")
    print(f"{'first run (makes the synthetic twin)':<40} {first:8.1f} {peak_first / 2**20:9.0f}")
    print(f"{'demo (twin cached)':<40} {wall:8.1f} {peak / 2**20:9.0f}")
    print("target: < 60 s and < 1536 MB")
    return code


if __name__ == "__main__":
    sys.exit(main())
