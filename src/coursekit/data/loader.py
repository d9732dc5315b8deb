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
from .errors import EmptySelectionError, MissingImagesError, MissingImagesWarning
from .images import IMAGE_FOLDERS, check_size, find_image_folders, find_images, read_batch
from .metadata import load_metadata

__all__ = ["check_n_per_class", "load_ham10000", "select_rows"]

#: Loads of more images than this show a progress bar (unless ``progress=False``).
PROGRESS_THRESHOLD = 300
_MAX_LISTED = 5
_GET_IMAGES = (
    "https://doi.org/10.7910/DVN/DBW86T, or `coursekit data download DEST` (all images) or "
    "`coursekit data download DEST --per-class N` (N per class) into a new folder DEST"
)


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


def check_n_per_class(n_per_class, name: str = "n_per_class"):
    """Return ``n_per_class`` as a positive int (or None), or raise a ValueError naming it."""
    if n_per_class is None:
        return None
    try:
        valid = not isinstance(n_per_class, bool) and int(n_per_class) == n_per_class
    except (TypeError, ValueError):
        valid = False
    if not valid or n_per_class < 1:
        raise ValueError(f"{name} must be a positive integer or None; got {n_per_class!r}.")
    return int(n_per_class)


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
        Seed of the draw (only used with ``n_per_class``). The classes are drawn
        in alphabetical order of their codes from one generator, so the same
        seed and the same ``metadata`` rows give the same selection.

    Returns
    -------
    pandas.DataFrame
        The selected rows in their original order (original index kept).

    Raises
    ------
    EmptySelectionError
        If ``dx`` matches no row; the message lists the codes present.
    """
    n_per_class = check_n_per_class(n_per_class)
    rows = metadata
    if dx is not None:
        codes = _as_codes(dx)
        rows = metadata[metadata["dx"].isin(codes)]
        if rows.empty:
            present = ", ".join(f"{c} ({n})" for c, n in metadata["dx"].value_counts().items())
            raise EmptySelectionError(
                f"No image has dx {', '.join(map(repr, codes))}; this copy has: {present}."
            )
    if n_per_class is not None and not rows.empty:
        rng = check_random_state(random_state)
        keep = []
        for code in sorted(rows["dx"].unique()):
            positions = np.flatnonzero(rows["dx"].to_numpy() == code)
            take = min(n_per_class, len(positions))
            keep.append(rng.choice(positions, size=take, replace=False))
        rows = rows.iloc[np.sort(np.concatenate(keep))]
    return rows


def _where_images_were_looked_for(root: Path) -> str:
    folders = find_image_folders(root)
    if folders:
        return "image folder(s) searched: " + ", ".join(str(f) for f in folders)
    looked = ", ".join(f"{name}/" for name in IMAGE_FOLDERS if name != ".")
    return f"no image folder found in {root} (looked for {looked} and {root} itself)"


def _shortfalls(rows: pd.DataFrame, present: np.ndarray, n_per_class) -> str:
    """Say which classes lost images they would have been loaded with (empty when none)."""
    listed = rows["dx"].value_counts()
    kept = rows.loc[present, "dx"].value_counts()
    notes = []
    for code, n_listed in listed.items():
        n_kept = int(kept.get(code, 0))
        wanted = n_listed if n_per_class is None else min(n_per_class, n_listed)
        if n_kept == 0:
            notes.append(f"{code} (none of {n_listed} present)")
        elif n_per_class is not None and n_kept < wanted:
            notes.append(f"{code} ({n_kept} present)")
    if not notes:
        return ""
    if n_per_class is None:
        return " No image is left of: " + ", ".join(notes) + "."
    return f" Fewer than n_per_class={n_per_class} images are left of: " + ", ".join(notes) + "."


def _leave_out_missing(rows, paths, root, on_missing, n_per_class, stacklevel):
    """Drop the rows of ``rows`` without an image file, warning once (or raise)."""
    present = rows["image_id"].isin(list(paths)).to_numpy()
    if present.all():
        return rows
    absent = rows.loc[~present, "image_id"].tolist()
    first = ", ".join(absent[:_MAX_LISTED]) + (", ..." if len(absent) > _MAX_LISTED else "")
    message = (
        f"{len(absent)} of {len(rows)} images listed in the metadata of {root} are missing "
        f"({first}); {_where_images_were_looked_for(root)}."
    )
    if not present.any():
        raise MissingImagesError(
            f"{message} No image is left to load. Check that the image folders are beside "
            f"the metadata file, or download the images again: {_GET_IMAGES}."
        )
    if on_missing == "raise":
        raise MissingImagesError(
            f"{message} Pass on_missing='warn' to leave them out and use the "
            f"{int(present.sum())} images present (a partial copy)."
        )
    warnings.warn(
        f"{message} They were left out before choosing images, so the images loaded are all "
        f"present.{_shortfalls(rows, present, n_per_class)} This is expected for a partial copy "
        "(one of the two Dataverse zips, or a course's subset). To complete the copy, download "
        f"the missing images: {_GET_IMAGES}. Pass on_missing='raise' to make this an error.",
        MissingImagesWarning,
        stacklevel=stacklevel,
    )
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
    on_missing="warn",
    n_jobs=None,
    progress=None,
):
    """Load HAM10000 images, shrunk to ``size``, with their metadata.

    Parameters
    ----------
    root : str or os.PathLike
        Folder of a HAM10000 copy (real, or the synthetic twin): the metadata
        file (see :func:`load_metadata`) and the images in any published layout
        (see :func:`find_images`). The copy may be partial (see ``on_missing``).
    size : tuple of int (height, width), optional
        Size of the returned images in pixels, **height first** like numpy
        shapes. Images are stretched to exactly this size (the 600 x 450
        originals are 4:3, so ``(64, 64)`` squeezes them horizontally).
    dx : str or list of str, optional
        Diagnosis code(s) to load, e.g. ``"mel"`` or ``["nv", "mel"]``; ``None``
        loads every class. Codes are listed in :data:`DIAGNOSES`.
    n_per_class : int, optional
        Load at most this many images of each class, drawn at random among the
        images present; a class with fewer images present gives all of them.
    random_state : None, int or numpy.random.Generator
        Seed of the ``n_per_class`` draw: the same seed on the same copy gives
        the same images.
    on_missing : {"warn", "raise"}
        What to do when images listed in the metadata (of the classes ``dx``
        asks for) have no file, as in a partial copy:

        * ``"warn"`` (default): leave them out *before* choosing images, so
          ``n_per_class`` counts only images present, and issue one
          :class:`MissingImagesWarning` saying how many are missing, where
          they were looked for and how to complete the copy. Their metadata
          rows are dropped, so images and rows stay aligned.
        * ``"raise"``: raise :class:`MissingImagesError` instead (a strict
          check that the copy is complete).

        Either way, :class:`MissingImagesError` is raised when none of the
        selected images is present.
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
        If no selected image is present, or any is absent and
        ``on_missing="raise"``.
    EmptySelectionError
        If ``dx`` matches no row of the metadata (the message lists the codes present).
    ImageReadError
        If an image is corrupt, truncated or not RGB (the message names it).

    Warns
    -----
    MissingImagesWarning
        Once per call, when images are absent and ``on_missing="warn"``.

    Notes
    -----
    JPEGs are decoded at a reduced scale by the JPEG decoder and then resized
    (see :func:`read_image`); the full-resolution images are never all in
    memory. Work is spread over cores through :class:`joblib.Parallel` in
    batches with the default backend, so ``joblib.parallel_config(backend=
    "dask")`` runs the same call on a Dask cluster.

    A subset download, ``download_ham10000(dest, per_class=n,
    random_state=seed)``, fetches exactly the images that
    ``load_ham10000(full_copy, n_per_class=n, random_state=seed)`` draws, so the
    same call on ``dest`` loads the same images as on the full data set.

    Examples
    --------
    >>> images, meta = load_ham10000(root, size=(64, 64), dx=["nv", "mel"],
    ...                              n_per_class=50)  # doctest: +SKIP
    >>> images.shape, images.dtype  # doctest: +SKIP
    ((100, 64, 64, 3), dtype('uint8'))
    """
    return _load(root, size, dx, n_per_class, random_state, on_missing, n_jobs, progress)


def _load(root, size, dx, n_per_class, random_state, on_missing, n_jobs, progress):
    """:func:`load_ham10000`'s work. Public functions call it directly (the user's call is
    3 frames above it), so :class:`MissingImagesWarning` points at the user's line."""
    size = check_size(size)
    n_per_class = check_n_per_class(n_per_class)
    if on_missing not in ("warn", "raise"):
        raise ValueError(f"on_missing must be 'warn' or 'raise'; got {on_missing!r}.")
    root = Path(root)
    metadata = load_metadata(root)
    paths = find_images(root)
    rows = select_rows(metadata, dx=dx)
    rows = _leave_out_missing(rows, paths, root, on_missing, n_per_class, stacklevel=4)
    rows = select_rows(rows, n_per_class=n_per_class, random_state=random_state)
    images = read_images(
        [paths[i] for i in rows["image_id"]], size, n_jobs=n_jobs, progress=progress
    )
    return images, rows.reset_index(drop=True)
