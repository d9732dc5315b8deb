"""Features of a whole batch of images, in parallel chunks through joblib."""

from __future__ import annotations

import inspect
import math

import joblib
import numpy as np

from coursekit._progress import progress_bar
from coursekit._validation import check_images
from coursekit.features.colour import colour_histogram, colour_moments
from coursekit.features.pixels import pixel_features
from coursekit.features.texture import glcm_features, hog_features, lbp_histogram

__all__ = ["FEATURE_KINDS", "extract_features"]

#: Feature kinds accepted by :func:`extract_features`: name -> function of one image.
FEATURE_KINDS = {
    func.__name__: func
    for func in (
        pixel_features,
        colour_histogram,
        colour_moments,
        lbp_histogram,
        glcm_features,
        hog_features,
    )
}

#: Batches larger than this show a progress bar unless ``progress=False``.
PROGRESS_THRESHOLD = 500


def extract_features(images, kind="colour_histogram", n_jobs=None, progress=None, **kwargs):
    """Compute one or several kinds of features for every image of a batch.

    Parameters
    ----------
    images : (n, H, W) or (n, H, W, 3) ndarray
        A batch of images of one size, ``uint8`` in [0, 255] or float in [0, 1].
    kind : str or list of str, optional
        Name of a feature function, or a list of names whose vectors are concatenated in
        that order: ``"pixel_features"``, ``"colour_histogram"``, ``"colour_moments"``,
        ``"lbp_histogram"``, ``"glcm_features"``, ``"hog_features"`` (see
        :data:`FEATURE_KINDS`). Colour kinds need RGB images.
    n_jobs : int or None, optional
        Number of joblib workers; ``None`` means joblib's default (1, unless set by
        ``joblib.parallel_config``), -1 all cores. The result does not depend on it.
    progress : bool or None, optional
        Show a tqdm progress bar (stderr; stdout in a notebook). ``None``: batches over 500
        images.
    **kwargs
        Options for the feature functions, e.g. ``bins=16`` or ``colour_space="lab"``.
        Each option goes to every kind in ``kind`` that accepts it (``colour_space`` to both
        colour kinds); an option that no chosen kind accepts is an error.

    Returns
    -------
    (n, d) ndarray of float64
        Row ``i`` holds the features of ``images[i]``; ``d`` is the sum of the chosen kinds'
        vector lengths.

    Raises
    ------
    ValueError
        For an unknown kind (the message lists the valid ones) or a batch the chosen kinds
        cannot use (e.g. grey images with a colour kind).
    TypeError
        For an option that no chosen kind accepts.

    Notes
    -----
    Images are sent to ``joblib.Parallel`` in chunks (about 20 or more per batch, at most
    256 images each), so ``with joblib.parallel_config(backend="dask"): ...`` spreads the
    same call over a Dask cluster. The first image is computed in the calling process
    first, so that a bad option fails at once with a plain traceback.

    Examples
    --------
    >>> import numpy as np
    >>> images = np.zeros((5, 64, 64, 3), dtype=np.uint8)
    >>> extract_features(images, ["colour_histogram", "lbp_histogram"], bins=4).shape
    (5, 22)
    """
    images = check_images(images)
    calls = _plan_calls(_check_kinds(kind), kwargs)
    n = images.shape[0]
    try:
        first = _features_of(images[0], calls)
    except (TypeError, ValueError) as exc:
        raise type(exc)(
            f"extract_features failed on images[0] (shape {images[0].shape}): {exc}"
        ) from exc

    size = _chunk_size(n, n_jobs)
    chunks = [slice(start, min(start + size, n)) for start in range(0, n, size)]
    show = n > PROGRESS_THRESHOLD if progress is None else bool(progress)
    result = np.empty((n, first.size), dtype=np.float64)
    tasks = (joblib.delayed(_features_of_chunk)(images[chunk], calls) for chunk in chunks)
    try:  # a generator moves the progress bar as chunks finish ...
        results = joblib.Parallel(n_jobs=n_jobs, return_as="generator")(tasks)
    except ValueError:  # ... but some backends ("multiprocessing") only return lists
        results = joblib.Parallel(n_jobs=n_jobs)(tasks)
    with progress_bar(n, desc="features", unit="image", disable=not show) as bar:
        for chunk, block in zip(chunks, results, strict=True):
            result[chunk] = block
            bar.update(block.shape[0])
    return result


def _check_kinds(kind) -> list[str]:
    kinds = [kind] if isinstance(kind, str) else list(kind) if kind is not None else []
    if not kinds:
        raise ValueError(f"kind must name at least one of: {', '.join(FEATURE_KINDS)}.")
    for name in kinds:
        if name not in FEATURE_KINDS:
            raise ValueError(
                f"unknown feature kind {name!r}; valid kinds are: {', '.join(FEATURE_KINDS)}."
            )
    return kinds


def _plan_calls(kinds: list[str], options: dict) -> list[tuple]:
    """Pair each kind's function with the options its signature accepts."""
    calls, used = [], set()
    for name in kinds:
        func = FEATURE_KINDS[name]
        accepted = set(inspect.signature(func).parameters) - {"image"}
        mine = {key: value for key, value in options.items() if key in accepted}
        used.update(mine)
        calls.append((func, mine))
    unused = sorted(set(options) - used)
    if unused:
        accepted = {
            name: sorted(set(inspect.signature(FEATURE_KINDS[name]).parameters) - {"image"})
            for name in kinds
        }
        raise TypeError(
            f"option(s) {', '.join(unused)} accepted by none of the kinds {kinds}; "
            f"their options are: {accepted}."
        )
    return calls


def _features_of(image: np.ndarray, calls: list[tuple]) -> np.ndarray:
    return np.concatenate([func(image, **options) for func, options in calls])


def _features_of_chunk(images: np.ndarray, calls: list[tuple]) -> np.ndarray:
    return np.stack([_features_of(image, calls) for image in images])


def _chunk_size(n: int, n_jobs) -> int:
    # Enough chunks to balance the workers and move the progress bar; few enough to keep
    # scheduling overhead negligible next to ~1-5 ms of work per image.
    workers = joblib.effective_n_jobs(n_jobs)
    return max(1, min(256, math.ceil(n / max(20, 4 * workers))))
