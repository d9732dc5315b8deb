"""Augmentation speed of coursekit.augment beside albumentations (issue 13), images per second.

Every row runs one operation on uint8 RGB dermoscopy-like images at 64 x 64 (the
course's thumbnails) and 450 x 600 (HAM10000's full size): the real images when
``$COURSEKIT_DATA`` points at a copy of HAM10000, else the synthetic twin
(:func:`coursekit.data.load_dataset` picks one; both sizes are the same images).
coursekit and albumentations get the same images, one thread each (OpenMP and
BLAS pools set to 1 thread before numpy is imported, ``cv2.setNumThreads(1)``),
and are timed in alternating rounds by the CPU time of the calling thread
(:func:`time.thread_time`), so that other programs on a busy machine barely
change the figures; each figure is the best round.

albumentations is timed as a user calls it: a transform object with ``p=1`` and
the parameter fixed (``A.Rotate(limit=(30, 30))``, ``A.ColorJitter(saturation=
(1.2, 1.2), brightness=(1, 1), ...)``; the neutral factors are no-ops there), and
pipelines as ``A.Compose``. Beside it, the "kernel" column times the OpenCV-backed
function that transform calls (``albucore.hflip``, ``cv2.warpAffine``,
``adjust_saturation_torchvision``...), without argument checks or parameter
drawing: a floor no validated API can reach. Ratios are coursekit / albumentations
(higher is better for coursekit).

albumentations is optional: ``make bench`` installs it (the ``bench`` extra,
``pip install -e ".[bench]"``); without it only coursekit's figures are printed.

coursekit runs its numba kernels (single-threaded: none uses ``parallel=True``,
and ``NUMBA_NUM_THREADS`` is set to 1 as well); they are compiled or loaded by
``augment.warm_up()`` before any timing, and the first line says how long that
took. ``COURSEKIT_NO_NUMBA=1 python -m benchmarks augment`` times the numpy
code instead.
"""

from __future__ import annotations

import os

for _variable in ("OMP", "OPENBLAS", "MKL", "NUMBA"):
    os.environ[f"{_variable}_NUM_THREADS"] = "1"

import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from coursekit import augment  # noqa: E402

SIZES = {"64x64": (64, 64), "450x600": (450, 600)}
N_IMAGES = 7  # one image per diagnosis
ROUND_SECONDS = 0.15
ROUNDS = 4


# --- images -------------------------------------------------------------------------------


def load_images() -> tuple[dict, str]:
    """The same dermoscopy images at both sizes, and a line saying where they come from."""
    from coursekit.data import load_dataset
    from coursekit.data.dataset import dataset_root

    _, is_real = dataset_root()
    images = {
        name: load_dataset(
            size=size, n_per_class=1, random_state=0, verbose=False, progress=False
        )[0][:N_IMAGES]
        for name, size in SIZES.items()
    }
    source = "real HAM10000 ($COURSEKIT_DATA)" if is_real else "the synthetic HAM10000 twin"
    return images, f"{len(images['64x64'])} uint8 RGB images from {source}"


# --- albumentations -----------------------------------------------------------------------


def load_albumentations():
    """``(albumentations, cv2)`` with OpenCV on one thread, or None when not installed."""
    try:
        import albumentations
        import cv2
    except ImportError:
        return None
    cv2.setNumThreads(1)
    return albumentations, cv2


def _jitter(A, brightness=(1, 1), contrast=(1, 1), saturation=(1, 1), hue=(0, 0), p=1.0):
    return A.ColorJitter(
        brightness=brightness, contrast=contrast, saturation=saturation, hue=hue, p=p
    )


def _call(transform):
    return lambda image: transform(image=image)["image"]


def _albumentations_rows(A, cv2) -> dict:
    """Row label -> (transform call, kernel call) for the table's operations."""
    import albucore
    from albumentations.augmentations.pixel import functional as pixel

    reflect = cv2.BORDER_REFLECT_101  # numpy's and scikit-image's 'reflect'

    def warp_30(image):
        rows, cols = image.shape[:2]
        matrix = cv2.getRotationMatrix2D(((cols - 1) / 2, (rows - 1) / 2), 30, 1.0)
        return cv2.warpAffine(
            image, matrix, (cols, rows), flags=cv2.INTER_LINEAR, borderMode=reflect
        )

    return {
        "rotate 30°": (_call(A.Rotate(limit=(30, 30), border_mode=reflect, p=1)), warp_30),
        "horizontal flip": (_call(A.HorizontalFlip(p=1)), albucore.hflip),
        "brightness ×1.2": (
            _call(_jitter(A, brightness=(1.2, 1.2))),
            lambda image: pixel.adjust_brightness_torchvision(image, 1.2),
        ),
        "saturation ×1.2": (
            _call(_jitter(A, saturation=(1.2, 1.2))),
            lambda image: pixel.adjust_saturation_torchvision(image, 1.2),
        ),
        "hue +0.05": (
            _call(_jitter(A, hue=(0.05, 0.05))),
            lambda image: pixel.adjust_hue_torchvision(image, 0.05),
        ),
    }


def _albumentations_pipelines(A, cv2, square: bool) -> dict:
    reflect = cv2.BORDER_REFLECT_101
    steps = A.Compose(
        [
            A.Rotate(limit=(30, 30), border_mode=reflect, p=1),
            A.HorizontalFlip(p=1),
            _jitter(A, brightness=(1.2, 1.2), saturation=(1.2, 1.2), hue=(0.05, 0.05)),
        ]
    )
    # The default pipeline's steps and probabilities; non-square images turn by 0 or 180
    # degrees only (a 180-degree turn is both flips).
    half_turn = A.Sequential([A.HorizontalFlip(p=1), A.VerticalFlip(p=1)], p=1)
    quarter_turns = (
        A.RandomRotate90(p=1) if square else A.OneOf([A.NoOp(p=1), half_turn], p=1)
    )
    default = A.Compose(
        [
            quarter_turns,
            A.HorizontalFlip(p=0.5),
            A.Rotate(limit=(-15, 15), border_mode=reflect, p=0.5),
            _jitter(A, (0.9, 1.1), (0.9, 1.1), (0.9, 1.1), (-0.02, 0.02)),
            A.GaussianBlur(blur_limit=0, sigma_limit=(0.0, 1.0), p=0.2),
            A.GaussNoise(std_range=(0.0, 0.02), p=0.2),
        ]
    )
    return {"table's steps": _call(steps), "default": _call(default)}


# --- coursekit ----------------------------------------------------------------------------


def _coursekit_rows() -> dict:
    return {
        "rotate 30°": lambda image: augment.rotate(image, 30),
        "horizontal flip": lambda image: augment.flip(image, "horizontal"),
        "brightness ×1.2": lambda image: augment.adjust_brightness(image, 1.2),
        "saturation ×1.2": lambda image: augment.adjust_saturation(image, 1.2),
        "hue +0.05": lambda image: augment.adjust_hue(image, 0.05),
    }


def _coursekit_pipelines(square: bool) -> dict:
    Step = augment.Step
    steps = augment.Pipeline(
        [
            Step("rotate", angle=30.0),
            Step("flip", axis="horizontal"),
            Step("adjust_brightness", factor=1.2),
            Step("adjust_saturation", factor=1.2),
            Step("adjust_hue", shift=0.05),
        ]
    )
    default = augment.default_pipeline(square=square)
    rng = np.random.default_rng(0)
    return {
        "table's steps": lambda image: steps(image, random_state=rng),
        "default": lambda image: default(image, random_state=rng),
    }


# --- timing -------------------------------------------------------------------------------


def _run(function, images, calls: int) -> float:
    """CPU seconds of this thread for ``calls`` calls (other programs barely change it)."""
    n = len(images)
    start = time.thread_time()
    for call in range(calls):
        function(images[call % n])
    return time.thread_time() - start


def _calls_for(function, images) -> int:
    calls = 1
    while _run(function, images, calls) < ROUND_SECONDS / 2:
        calls *= 2
    return calls * 2


def images_per_second(functions, images) -> list[float]:
    """Best rate of each function over ``ROUNDS`` alternating rounds of ~ROUND_SECONDS."""
    counts = [_calls_for(function, images) for function in functions]
    best = [0.0] * len(functions)
    for _ in range(ROUNDS):
        for position, (function, calls) in enumerate(zip(functions, counts, strict=True)):
            best[position] = max(best[position], calls / _run(function, images, calls))
    return best


def _augment_dataset_rates(images, albumentations_default, n_jobs_values=(1, 2)) -> tuple:
    """augment_dataset's images/s for each n_jobs, and albumentations' Compose over a loop.

    One worker is timed in CPU seconds of this thread, like the table; several workers in
    wall-clock seconds (which a busy machine slows down).
    """
    batch = np.concatenate([images] * max(1, 56 // len(images)))
    labels = np.arange(len(batch))
    lines = []
    for n_jobs in n_jobs_values:
        clock = time.thread_time if n_jobs == 1 else time.perf_counter
        augment.augment_dataset(batch[:4], labels[:4], n_jobs=n_jobs)  # start the workers
        start = clock()
        augment.augment_dataset(batch, labels, copies=1, include_original=False, n_jobs=n_jobs)
        lines.append((n_jobs, len(batch) / (clock() - start)))
    alb_rate = None
    if albumentations_default is not None:
        start = time.thread_time()
        np.stack([albumentations_default(image) for image in batch])
        alb_rate = len(batch) / (time.thread_time() - start)
    return lines, alb_rate


# --- report -------------------------------------------------------------------------------


def _ratio(ours: float, theirs: float | None) -> str:
    return f"{ours / theirs:6.2f}" if theirs else "     -"


def _warm_up() -> str:
    """Compile or load coursekit's kernels now; say which code runs and how long that took."""
    start = time.perf_counter()
    compiled = augment.warm_up()
    seconds = time.perf_counter() - start
    if not compiled:
        return "coursekit: numpy code (numba not installed, or COURSEKIT_NO_NUMBA=1)"
    return f"coursekit: numba kernels, compiled or loaded from numba's cache in {seconds:.1f} s"


def main() -> int:
    images, source = load_images()
    alb = load_albumentations()
    print(f"coursekit.augment vs albumentations, {source}; one thread each; images/s")
    print(_warm_up())
    if alb is None:
        print(
            "albumentations is not installed: coursekit's figures only. Install the optional "
            "'bench' extra for the comparison: make bench (or pip install -e \".[bench]\")."
        )
    else:
        print(f"albumentations {alb[0].__version__}, OpenCV {alb[1].__version__}")
    header = (
        f"{'operation':<24} {'size':<8} {'coursekit':>10} {'albument.':>10} {'ratio':>6}"
        f" {'kernel':>10} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    ours_rows = _coursekit_rows()
    ratios = []
    for size_name, batch in images.items():
        square = batch.shape[1] == batch.shape[2]
        batch_list = list(batch)
        theirs_rows = _albumentations_rows(*alb) if alb else {}
        rows = [(name, ours_rows[name], *theirs_rows.get(name, (None, None))) for name in ours_rows]
        ours_pipes = _coursekit_pipelines(square)
        theirs_pipes = _albumentations_pipelines(*alb, square) if alb else {}
        rows += [
            (f"pipeline: {name}", ours_pipes[name], theirs_pipes.get(name), None)
            for name in ours_pipes
        ]
        for name, ours, theirs, kernel in rows:
            functions = [f for f in (ours, theirs, kernel) if f is not None]
            rates = iter(images_per_second(functions, batch_list))
            ours_rate = next(rates)
            theirs_rate = next(rates) if theirs is not None else None
            kernel_rate = next(rates) if kernel is not None else None
            if theirs_rate:
                ratios.append((f"{name} {size_name}", ours_rate / theirs_rate))
            print(
                f"{name:<24} {size_name:<8} {ours_rate:10,.0f} "
                + (f"{theirs_rate:10,.0f}" if theirs_rate else f"{'-':>10}")
                + f" {_ratio(ours_rate, theirs_rate)} "
                + (f"{kernel_rate:10,.0f}" if kernel_rate else f"{'-':>10}")
                + f" {_ratio(ours_rate, kernel_rate)}",
                flush=True,
            )
        dataset_lines, alb_rate = _augment_dataset_rates(
            batch, theirs_pipes.get("default") if alb else None
        )
        for n_jobs, rate in dataset_lines:
            theirs_text = ""
            if alb_rate and n_jobs == 1:
                ratios.append((f"augment_dataset {size_name}", rate / alb_rate))
                theirs_text = (
                    f"; albumentations Compose loop {alb_rate:,.0f} img/s, "
                    f"ratio {rate / alb_rate:.2f}"
                )
            clock = "CPU time" if n_jobs == 1 else "wall clock"
            print(
                f"augment_dataset {size_name}, default pipeline, n_jobs={n_jobs} ({clock}): "
                f"{rate:,.0f} img/s{theirs_text}"
            )
    if ratios:
        below = [f"{name} ({ratio:.2f})" for name, ratio in ratios if ratio < 0.5]
        print(
            f"\nratio >= 0.5 (coursekit at least half as fast as albumentations) in "
            f"{len(ratios) - len(below)} of {len(ratios)} rows"
            + (f"; below: {', '.join(below)}" if below else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
