"""Load HAM10000 images and their metadata, aligned row for row, in parallel."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from joblib.parallel import get_active_backend

from .._progress import progress_bar
from .._validation import check_random_state
from .classes import DIAGNOSES
from .errors import EmptySelectionError, MissingImagesError
from .images import check_size, find_image_folders, find_images, read_batch
from .metadata import load_metadata

__all__ = ["load_ham10000", "select_rows"]

#: Loads of more images than this show a progress bar (unless ``progress=False``).
PROGRESS_THRESHOLD = 300
_MAX_LISTED = 5


def _as_codes(dx) -> list[str]:
    codes = [dx] if isinstance(dx, str) else list(dx)
    if not codes or not all(isinstance(c, str) for c in codes):
        raise ValueError(f"dx must be a diagnosis code or a list of codes; got {dx!r}.")
    unknown = [c for c in codes if c not in DIAGNOSES]
    if unknown:
        raise ValueError(
            f"Unknown dx code(s) {', '.join(map(repr, unknown))}; expected codes among "
            f"{', '.join(DIAGNOSES)}."
        )
    return codes


def select_rows(metadata: pd.DataFrame, dx=None, n_per_class=None, random_state=0) -> pd.DataFrame:
    """Select rows of ``metadata`` by class, keeping file order.

    Parameters
    ----------
    metadata : pandas.DataFrame
        HAM10000 metadata with a ``dx`` column.
    dx : str or list of str, optional
        Diagnosis code(s) to keep (see :data:`DIAGNOSES`); ``None`` keeps all.
    n_per_class : int, optional
        Keep at most this many rows of each class, drawn at random without
        replacement; ``None`` keeps every row.
    random_state : None, int or numpy.random.Generator
        Seed of the draw (only used with ``n_per_class``).

    Returns
    -------
    pandas.DataFrame
        The selected rows in their original order (original index kept).

    Raises
    ------
    EmptySelectionError
        If ``dx`` matches no row; the message lists the codes present.
    """
    rows = metadata
    if dx is not None:
        codes = _as_codes(dx)
        rows = metadata[metadata["dx"].isin(codes)]
        if rows.empty:
            present = ", ".join(f"{c} ({n})" for c, n in metadata["dx"].value_counts().items())
            raise EmptySelectionError(
                f"No image has dx {', '.join(map(repr, codes))}; this copy has: {present}."
            )
    if n_per_class is not None:
        if isinstance(n_per_class, bool) or int(n_per_class) != n_per_class or n_per_class < 1:
            raise ValueError(
                f"n_per_class must be a positive integer or None; got {n_per_class!r}."
            )
        rng = check_random_state(random_state)
        keep = []
        for code in sorted(rows["dx"].unique()):
            positions = np.flatnonzero(rows["dx"].to_numpy() == code)
            take = min(int(n_per_class), len(positions))
            keep.append(rng.choice(positions, size=take, replace=False))
        rows = rows.iloc[np.sort(np.concatenate(keep))]
    return rows


def _drop_missing(rows, paths, root, on_missing):
    present = rows["image_id"].isin(list(paths)).to_numpy()
    if present.all():
        return rows
    absent = rows.loc[~present, "image_id"].tolist()
    first = ", ".join(absent[:_MAX_LISTED]) + (", ..." if len(absent) > _MAX_LISTED else "")
    folders = ", ".join(str(f) for f in find_image_folders(root)) or "none found"
    message = (
        f"{len(absent)} of {len(rows)} images listed in the metadata of {root} are missing "
        f"({first}); image folders searched: {folders}."
    )
    if on_missing == "raise":
        raise MissingImagesError(
            message + " Pass on_missing='warn' to skip them (their metadata rows are dropped)."
        )
    warnings.warn(message + " Skipped them and dropped their metadata rows.", stacklevel=3)
    return rows[present]


def _resolve_n_jobs(n_jobs):
    if n_jobs is not None:
        return n_jobs
    _, configured = get_active_backend()  # a joblib.parallel_config(n_jobs=...) context
    return configured if configured is not None else -1


def _batch_size(n_images: int, n_workers: int) -> int:
    # Several batches per worker balance the load; batches of >= 16 keep overhead low.
    return int(min(256, max(16, math.ceil(n_images / (4 * max(1, n_workers))))))


def read_images(paths, size, n_jobs=None, progress=None) -> np.ndarray:
    """Read image files into one ``(n, height, width, 3)`` uint8 array, in order, in parallel."""
    size = check_size(size)
    paths = [Path(p) for p in paths]
    images = np.empty((len(paths),) + size + (3,), dtype=np.uint8)
    n_jobs = _resolve_n_jobs(n_jobs)
    workers = joblib.cpu_count() if n_jobs == -1 else max(1, abs(int(n_jobs)))
    step = _batch_size(len(paths), workers)
    starts = range(0, len(paths), step)
    show = len(paths) > PROGRESS_THRESHOLD if progress is None else bool(progress)
    bar = progress_bar(len(paths), desc="Loading images", unit="img", disable=not show)
    with bar:
        if len(starts) <= 1 or n_jobs == 1:
            results = ((s, read_batch(paths[s : s + step], size)) for s in starts)
        else:
            parallel = joblib.Parallel(n_jobs=n_jobs, return_as="generator")
            batches = parallel(
                joblib.delayed(read_batch)(paths[s : s + step], size) for s in starts
            )
            results = zip(starts, batches, strict=True)
        for start, batch in results:
            images[start : start + len(batch)] = batch
            bar.update(len(batch))
    return images


def load_ham10000(
    root,
    size=(64, 64),
    dx=None,
    n_per_class=None,
    random_state=0,
    on_missing="raise",
    n_jobs=None,
    progress=None,
):
    """Load HAM10000 images, shrunk to ``size``, with their metadata.

    Parameters
    ----------
    root : str or os.PathLike
        Folder of a HAM10000 copy (real, or the synthetic twin): the metadata
        file (see :func:`load_metadata`) and the images in any published layout
        (see :func:`find_images`).
    size : tuple of int (height, width), optional
        Size of the returned images in pixels, **height first** like numpy
        shapes. Images are stretched to exactly this size (the 600 x 450
        originals are 4:3, so ``(64, 64)`` squeezes them horizontally).
    dx : str or list of str, optional
        Diagnosis code(s) to load, e.g. ``"mel"`` or ``["nv", "mel"]``; ``None``
        loads every class. Codes are listed in :data:`DIAGNOSES`.
    n_per_class : int, optional
        Load at most this many images of each class, drawn at random.
    random_state : None, int or numpy.random.Generator
        Seed of the ``n_per_class`` draw; the same seed gives the same images.
    on_missing : {"raise", "warn"}
        What to do when images listed in the metadata are absent: raise
        :class:`MissingImagesError`, or skip them with one warning (their
        metadata rows are dropped, so images and rows stay aligned).
    n_jobs : int, optional
        Number of parallel workers (joblib). ``None`` uses every core, unless
        a ``joblib.parallel_config(n_jobs=...)`` context says otherwise;
        ``1`` reads in this process.
    progress : bool, optional
        Show a progress bar (stderr; stdout in a notebook); ``None`` shows it for more
        than 300 images.

    Returns
    -------
    images : numpy.ndarray of uint8, shape (n, height, width, 3)
        RGB values in [0, 255].
    metadata : pandas.DataFrame
        The ``n`` metadata rows of those images, row ``i`` describing
        ``images[i]``, in file order, with a fresh ``RangeIndex``.

    Raises
    ------
    MetadataError
        If the metadata file is missing or malformed.
    MissingImagesError
        If listed images are absent and ``on_missing="raise"``.
    EmptySelectionError
        If ``dx`` matches no image (the message lists the codes present).
    ImageReadError
        If an image is corrupt, truncated or not RGB (the message names it).

    Notes
    -----
    JPEGs are decoded at a reduced scale by the JPEG decoder and then resized
    (see :func:`read_image`); the full-resolution images are never all in
    memory. Work is spread over cores through :class:`joblib.Parallel` in
    batches with the default backend, so ``joblib.parallel_config(backend=
    "dask")`` runs the same call on a Dask cluster.

    Examples
    --------
    >>> images, meta = load_ham10000(root, size=(64, 64), dx=["nv", "mel"],
    ...                              n_per_class=50)  # doctest: +SKIP
    >>> images.shape, images.dtype  # doctest: +SKIP
    ((100, 64, 64, 3), dtype('uint8'))
    """
    size = check_size(size)
    if on_missing not in ("raise", "warn"):
        raise ValueError(f"on_missing must be 'raise' or 'warn'; got {on_missing!r}.")
    root = Path(root)
    metadata = load_metadata(root)
    paths = find_images(root)
    rows = select_rows(metadata, dx=dx, n_per_class=n_per_class, random_state=random_state)
    rows = _drop_missing(rows, paths, root, on_missing)
    if rows.empty:
        raise EmptySelectionError(f"None of the selected images of {root} is present.")
    images = read_images(
        [paths[i] for i in rows["image_id"]], size, n_jobs=n_jobs, progress=progress
    )
    return images, rows.reset_index(drop=True)
