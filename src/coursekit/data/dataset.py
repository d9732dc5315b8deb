"""Choose the data set the notebooks use: real HAM10000 when present, else the synthetic twin."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pooch

from .errors import DatasetError, MetadataError
from .images import find_images
from .loader import _load
from .metadata import find_metadata_file
from .synthetic import TWIN_VERSION, synthetic_ham10000

__all__ = ["cache_dir", "dataset_root", "is_synthetic", "load_dataset", "synthetic_root"]

SYNTHETIC_N_IMAGES = 700
SYNTHETIC_SEED = 0
SYNTHETIC_SIZE = (450, 600)


def cache_dir() -> Path:
    """Folder of coursekit's downloads and generated data: ``$COURSEKIT_CACHE``, else pooch's."""
    return Path(os.environ.get("COURSEKIT_CACHE") or pooch.os_cache("coursekit"))


def _is_copy(folder: Path) -> bool:
    try:
        find_metadata_file(folder)
    except MetadataError:
        return False
    return bool(find_images(folder))


def synthetic_root() -> Path:
    """Return the cached synthetic twin's folder, making it first if needed.

    The twin (700 images, seed 0) is written to a temporary folder beside the
    final one and renamed into place, so an interrupted run never leaves a
    half-made folder that looks complete. The folder's name carries
    :data:`~coursekit.data.synthetic.TWIN_VERSION`, so a twin painted by an
    older version is never reused.
    """
    name = f"ham10000-synthetic-v{TWIN_VERSION}-n{SYNTHETIC_N_IMAGES}-seed{SYNTHETIC_SEED}"
    if SYNTHETIC_SIZE != (450, 600):
        name += f"-{SYNTHETIC_SIZE[0]}x{SYNTHETIC_SIZE[1]}"
    final = cache_dir() / name
    if final.is_dir():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    lock = final.parent / f".{name}.lock"
    with _exclusive(lock):  # two notebooks at once make it once
        if not final.is_dir():
            _make_twin(final, name)
    # Safe to remove: whoever still waits on it finds the twin made and returns.
    lock.unlink(missing_ok=True)
    return final


@contextlib.contextmanager
def _exclusive(path: Path):
    """Hold an exclusive lock on ``path`` (POSIX; elsewhere, no lock)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: concurrent runs only repeat the work
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _make_twin(final: Path, name: str) -> Path:
    temporary = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=final.parent))
    try:
        synthetic_ham10000(
            temporary, n_images=SYNTHETIC_N_IMAGES, seed=SYNTHETIC_SEED, size=SYNTHETIC_SIZE,
            description=f"Making the synthetic HAM10000 twin ({SYNTHETIC_N_IMAGES} images) in "
            f"{final}. This happens once: later runs reuse it.",
        )
        try:
            temporary.rename(final)
        except OSError:
            if not final.is_dir():  # not a concurrent run that finished first
                raise
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return final


def is_synthetic(folder) -> bool:
    """True when ``folder`` holds a synthetic twin made by :func:`synthetic_ham10000`.

    The twin is recognised by the ``README.txt`` it writes, which begins
    "SYNTHETIC HAM10000 TWIN".
    """
    readme = Path(folder) / "README.txt"
    try:
        with readme.open(encoding="utf-8") as handle:
            return handle.readline().startswith("SYNTHETIC HAM10000 TWIN")
    except OSError:
        return False


def dataset_root(root=None) -> tuple[Path, bool]:
    """Find the data set to use.

    Parameters
    ----------
    root : str or os.PathLike, optional
        Folder of a real HAM10000 copy. When given, it must hold one.

    Returns
    -------
    path : pathlib.Path
        The folder: ``root``; else ``$COURSEKIT_DATA``; else ``<cache>/ham10000``
        when it holds a copy (``<cache>`` is ``$COURSEKIT_CACHE`` or
        ``pooch.os_cache("coursekit")``); else the synthetic twin, made once
        into ``<cache>/ham10000-synthetic-v3-n700-seed0``.
    is_real : bool
        False for the synthetic twin (also when ``root`` points at one).

    Raises
    ------
    DatasetError
        If ``root`` or ``$COURSEKIT_DATA`` is set but holds no HAM10000 copy
        (a metadata file and images).
    """
    for candidate, source in ((root, "root"), (os.environ.get("COURSEKIT_DATA"), "COURSEKIT_DATA")):
        if candidate:
            folder = Path(candidate).expanduser()
            if not _is_copy(folder):
                raise DatasetError(
                    f"{source} points to {str(folder)!r}, which holds no HAM10000 copy (a "
                    "HAM10000_metadata file and ISIC_*.jpg images). Fix the path, or unset it "
                    "to use the synthetic twin."
                )
            return folder, not is_synthetic(folder)
    default = cache_dir() / "ham10000"
    if _is_copy(default):
        return default, True
    return synthetic_root(), False


def load_dataset(size=(64, 64), dx=None, n_per_class=None, random_state=0, root=None,
                 verbose=True, progress=None, on_missing="warn"):  # fmt: skip
    """Load HAM10000 if it is on this computer, else its synthetic twin.

    Parameters
    ----------
    size : tuple of int (height, width)
        Size of the returned images in pixels, height first.
    dx : str or list of str, optional
        Diagnosis code(s) to load (see :data:`DIAGNOSES`); ``None`` loads all.
    n_per_class : int, optional
        Load at most this many images per class, drawn with ``random_state``
        among the images present (a partial copy gives full counts whenever
        it holds enough images of the class).
    random_state : None, int or numpy.random.Generator
        Seed of that draw; the same seed on the same copy gives the same images.
    root : str or os.PathLike, optional
        Folder of a real copy; see :func:`dataset_root` for where else it looks.
    verbose : bool
        Print one line saying which data set is used and where.
    progress : bool, optional
        Show a progress bar while loading; ``None`` shows it for large loads
        (see :func:`load_ham10000`).
    on_missing : {"warn", "raise"}
        Images listed in the metadata but absent (a partial copy) are left out
        before choosing images with one :class:`MissingImagesWarning`
        (``"warn"``), or raise :class:`MissingImagesError` (``"raise"``); see
        :func:`load_ham10000`.

    Returns
    -------
    images : numpy.ndarray of uint8, shape (n, height, width, 3)
    metadata : pandas.DataFrame
        Row ``i`` describes ``images[i]`` (see :func:`load_ham10000`).
    """
    folder, is_real = dataset_root(root)
    # _load, not load_ham10000: a MissingImagesWarning then points at the caller's line.
    images, metadata = _load(folder, size, dx, n_per_class, random_state, on_missing,
                             None, progress)  # fmt: skip
    if verbose:
        if is_real:
            print(f"Using the real HAM10000 data set at {folder} ({len(images)} images loaded).")
        else:
            print(
                f"Using the synthetic HAM10000 twin ({SYNTHETIC_N_IMAGES} images) at {folder}; "
                "set COURSEKIT_DATA to use the real data set."
            )
    return images, metadata
