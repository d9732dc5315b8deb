"""HAM10000 loader: load_ham10000 against the naive skimage loop, then 10,015 images.

Part 1 loads the same 600 x 450 synthetic JPEGs with ``load_ham10000`` and with
``skimage.io.imread`` + ``skimage.transform.resize`` in a loop, and reports
images/s of each. Part 2 loads a full-size set of 10,015 synthetic images
(made once, cached in ``bench-output/ham10000-synthetic-10015``) in a fresh
subprocess, and reports wall time and peak memory: the largest sum of the
resident set sizes (RSS) of that process and all its descendants (the joblib
workers), sampled every 20 ms from /proc (``benchmarks._measure``), beside the
kernel's ``ru_maxrss`` figures, and the CPU seconds used. Targets: >= 10x the naive loop at 64 x 64;
10,015 images in < 15 s on 2 cores with peak memory < 1 GB.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._measure import run_and_measure

N_SIDE_BY_SIDE = 400
N_FULL = 10_015
CACHE = Path("bench-output") / f"ham10000-synthetic-{N_FULL}"

_CHILD = """
import time
from coursekit.data import load_ham10000
start = time.perf_counter()
images, meta = load_ham10000({root!r}, size=(64, 64), progress=False)
elapsed = time.perf_counter() - start
assert images.shape == ({n}, 64, 64, 3) and len(meta) == {n}
print(f"{{elapsed:.3f}}")
"""


def naive_load(paths, size=(64, 64)):
    import numpy as np
    from skimage import io, transform

    out = []
    for path in paths:
        image = io.imread(path)
        small = transform.resize(image, size, anti_aliasing=True)
        out.append((small * 255).round().astype(np.uint8))
    return np.stack(out)


def side_by_side() -> None:
    from coursekit.data import find_images, load_ham10000, synthetic_ham10000

    folder = Path(tempfile.mkdtemp(prefix="bench-data-"))
    try:
        start = time.perf_counter()
        synthetic_ham10000(folder / "ham", n_images=N_SIDE_BY_SIDE, seed=1)
        print(f"made {N_SIDE_BY_SIDE} synthetic 600x450 JPEGs in "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
        load_ham10000(folder / "ham", size=(64, 64), n_per_class=1, progress=False)  # warm up
        start = time.perf_counter()
        images, meta = load_ham10000(folder / "ham", size=(64, 64), progress=False)
        fast = N_SIDE_BY_SIDE / (time.perf_counter() - start)
        paths = find_images(folder / "ham")
        start = time.perf_counter()
        naive = naive_load([paths[i] for i in meta["image_id"]])
        slow = N_SIDE_BY_SIDE / (time.perf_counter() - start)
        difference = abs(naive.astype(int) - images.astype(int)).mean()
        print(f"load_ham10000 (64x64):           {fast:8.0f} images/s")
        print(f"naive imread + resize (64x64):   {slow:8.0f} images/s")
        print(f"speed-up: {fast / slow:.1f}x (target >= 10x); mean |difference| "
              f"{difference:.1f} grey levels")  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def full_scale() -> None:
    from coursekit.data import synthetic_ham10000

    if not (CACHE / "HAM10000_metadata.csv").is_file():
        shutil.rmtree(CACHE, ignore_errors=True)
        CACHE.parent.mkdir(exist_ok=True)
        start = time.perf_counter()
        synthetic_ham10000(CACHE, n_images=N_FULL, seed=0)
        print(f"made {N_FULL} synthetic 600x450 JPEGs in {time.perf_counter() - start:.1f} s "
              f"(cached in {CACHE})")  # fmt: skip
    else:
        print(f"using the cached {N_FULL} synthetic images in {CACHE}")
    code = _CHILD.format(root=str(CACHE), n=N_FULL)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = run_and_measure([sys.executable, "-c", code], stdout=subprocess.PIPE)
    if child.returncode:
        raise SystemExit(f"the loading subprocess failed with exit code {child.returncode}")
    out, wall, peak = child.stdout, child.seconds, child.peak_bytes
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    children = after.ru_maxrss / 1024
    print(f"load_ham10000 of {N_FULL} images at 64x64: {float(out):.1f} s inside the call, "
          f"{wall:.1f} s wall including interpreter start (target < 15 s on 2 cores)")  # fmt: skip
    print(f"peak memory, parent + workers (sum of RSS, sampled): {peak / 2**20:.0f} MiB "
          "(target < 1 GB)")  # fmt: skip
    print(f"largest single child process ru_maxrss: {children:.0f} MiB")
    print(f"CPU time of the subprocess and its reaped workers: {cpu:.1f} s (on a busy machine, "
          "CPU time / cores is a better guide than wall time)")  # fmt: skip


def main() -> int:
    side_by_side()
    full_scale()
    return 0


if __name__ == "__main__":
    sys.exit(main())
