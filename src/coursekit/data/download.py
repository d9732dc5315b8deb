"""Download HAM10000 from Harvard Dataverse, all of it (pooch) or a subset (range requests).

The top of the download modules: :func:`download_ham10000` chooses between the full
download (here) and a subset (:mod:`~coursekit.data.subset`); both fetch whole files
with :mod:`~coursekit.data.fetch`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from .errors import DownloadError
from .fetch import BY_HAND, fetch_file
from .images import _image_id
from .loader import check_n_per_class
from .subset import SUBSET_MANIFEST, SUBSET_METADATA, download_subset

__all__ = ["DATAVERSE_URL", "DATAVERSE_FILES", "KNOWN_HASHES", "COMPLETE_MARKER",
           "download_ham10000"]  # fmt: skip

DATAVERSE_URL = "https://dataverse.harvard.edu"
#: file saved -> Dataverse file id (``{base_url}/api/access/datafile/{id}``). Dataverse
#: serves the metadata as its tab-separated export, hence the ``.tab`` name.
DATAVERSE_FILES = {
    "HAM10000_metadata.tab": 4338392,
    "HAM10000_images_part_1.zip": 3172585,
    "HAM10000_images_part_2.zip": 3172584,
}
#: file -> ``"sha256:<hex>"`` or None. No checksum of the Dataverse files is recorded
#: here yet (None: the file is not checked); pass ``known_hashes`` to check them.
KNOWN_HASHES = {name: None for name in DATAVERSE_FILES}
#: Written last, when every file is downloaded and unpacked.
COMPLETE_MARKER = ".coursekit-download-complete"


def _check_reachable(base_url: str, timeout: float) -> None:
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DownloadError(f"base_url must be an http(s) URL; got {base_url!r}.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=min(timeout, 10.0)):
            pass
    except OSError as exc:
        raise DownloadError(
            f"Cannot reach {base_url} ({exc}); are you offline? {BY_HAND}"
        ) from exc


def _extract(archive: Path, folder: Path) -> int:
    """Unpack the ISIC_*.jpg images of ``archive`` into ``folder`` (all or nothing)."""
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    count = 0
    try:
        with zipfile.ZipFile(archive) as zipped:
            for info in zipped.infolist():
                name = PurePosixPath(info.filename).name  # flattens, and no path escapes
                if info.is_dir() or not _image_id(name):
                    continue
                with zipped.open(info) as source, open(partial / name, "wb") as target:
                    shutil.copyfileobj(source, target)
                count += 1
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        shutil.rmtree(partial, ignore_errors=True)
        archive.unlink(missing_ok=True)
        raise DownloadError(
            f"{archive.name} is not a valid zip archive ({exc}); it was deleted. Run the "
            f"download again, or: {BY_HAND}"
        ) from exc
    if count == 0:
        shutil.rmtree(partial, ignore_errors=True)
        archive.unlink(missing_ok=True)
        raise DownloadError(f"{archive.name} holds no ISIC_*.jpg image; it was deleted.")
    if folder.is_dir():  # a subset's folder: replaced by the complete one
        previous = folder.with_name(folder.name + ".subset")
        shutil.rmtree(previous, ignore_errors=True)
        folder.rename(previous)
        partial.rename(folder)
        shutil.rmtree(previous, ignore_errors=True)
    else:
        partial.rename(folder)
    return count


def download_ham10000(dest, base_url=None, progress=True, known_hashes=None, timeout=60.0, *,
                      per_class=None, random_state=0):  # fmt: skip
    """Download HAM10000 from Harvard Dataverse into ``dest``: all of it, or a random subset.

    Parameters
    ----------
    dest : str or os.PathLike
        Folder to fill. A full download ends up with ``HAM10000_metadata.tab``,
        ``HAM10000_images_part_1/`` and ``HAM10000_images_part_2/`` (10,015
        JPEGs, about 2.6 GB) and a marker file ``.coursekit-download-complete``.
        A subset (``per_class``) fills the same image folders with the chosen
        images only and writes ``HAM10000_metadata.csv`` listing just them
        (the full table is kept in ``.downloads/``) and ``.coursekit-subset.json``.
    base_url : str, optional
        Dataverse server. ``None`` uses ``$COURSEKIT_DATAVERSE_URL`` when set,
        else ``https://dataverse.harvard.edu``. Files are fetched from
        ``{base_url}/api/access/datafile/{id}`` (ids in :data:`DATAVERSE_FILES`).
    progress : bool
        Show progress bars (on stderr; stdout in a notebook) and, for a
        subset, a summary of the bytes transferred.
    known_hashes : dict, optional
        ``{file name: "sha256:<hex>"}`` checksums to verify, added to
        :data:`KNOWN_HASHES` (which has none yet: the real files are not
        checked unless you pass them). A subset download checks only the
        metadata's: it never holds a whole zip, and checks each image by the
        zip's CRC-32 and by decoding it instead.
    timeout : float
        Seconds to wait for the server before giving up on a connection.
    per_class : int, optional
        Download only this many images of each diagnosis (all of a class that
        has fewer), drawn at random among the images of the zips, by HTTP range
        requests (a few minutes instead of 2.6 GB; 10 per class is about 20 MB).
        ``None`` downloads everything.
    random_state : None, int or numpy.random.Generator
        Seed of the ``per_class`` draw: the same seed chooses the same images.
        It is the draw of ``load_ham10000(full_copy, n_per_class=per_class,
        random_state=random_state)``, so the subset holds exactly the images
        that call loads from the full data set.

    Returns
    -------
    pathlib.Path
        ``dest``.

    Raises
    ------
    ValueError
        If ``per_class`` is not a positive integer or None.
    DownloadError
        When the server cannot be reached (at once, with what to do instead),
        a download fails, is truncated or does not match its checksum, or a zip
        or an image in it is corrupt (the message names it).

    Warns
    -----
    UserWarning
        When a subset is asked for but the server ignores range requests: the
        full download is done instead, reusing the answer already received.

    Notes
    -----
    Safe to interrupt and run again. pooch writes each file to a temporary
    name and renames it when complete; a zip is unpacked into a ``.partial``
    folder that is renamed when complete, then deleted; a subset's images are
    renamed into place once decoded. Files and folders already complete are
    skipped (a subset's images when their size and CRC-32 match the zip's), so
    a run continues where the last one stopped; a full download into a subset's
    folder completes it. The marker file is written last, so a folder without
    it is never taken as a complete download. The data set is licensed
    CC BY-NC-SA 4.0 (non-commercial; cite Tschandl et al. 2018).

    Examples
    --------
    >>> download_ham10000("ham10000-subset", per_class=20)  # doctest: +SKIP
    >>> images, meta = load_ham10000("ham10000-subset")  # doctest: +SKIP
    """
    per_class = check_n_per_class(per_class, "per_class")
    dest = Path(dest)
    if (dest / COMPLETE_MARKER).is_file():
        return dest
    base_url = (base_url or os.environ.get("COURSEKIT_DATAVERSE_URL") or DATAVERSE_URL).rstrip("/")
    hashes = {**KNOWN_HASHES, **(known_hashes or {})}
    _check_reachable(base_url, timeout)
    if per_class is not None:
        done = download_subset(dest, per_class, random_state, base_url, DATAVERSE_FILES, hashes,
                               progress, timeout)  # fmt: skip
        if done is not None:
            return done
        # The server ignores range requests: the full download, reusing the zip it sent.
    return _download_all(dest, base_url, hashes, progress, timeout)


def _download_all(dest: Path, base_url: str, hashes: dict, progress: bool, timeout: float) -> Path:
    subset = (dest / SUBSET_MANIFEST).is_file()  # image folders may be incomplete
    downloads = dest / ".downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    for name, file_id in DATAVERSE_FILES.items():
        url = f"{base_url}/api/access/datafile/{file_id}"
        if name.endswith(".zip"):
            folder = dest / name.removesuffix(".zip")
            if folder.is_dir() and not subset:
                continue  # unpacked by an earlier run
            archive = fetch_file(url, name, hashes.get(name), downloads, progress, timeout)
            _extract(archive, folder)
            archive.unlink()
        elif not (dest / name).is_file():
            fetched = fetch_file(url, name, hashes.get(name), downloads, progress, timeout)
            os.replace(fetched, dest / name)
    shutil.rmtree(downloads, ignore_errors=True)
    if subset:  # the subset's table would hide the full one
        (dest / SUBSET_METADATA).unlink(missing_ok=True)
        (dest / SUBSET_MANIFEST).unlink()
    (dest / COMPLETE_MARKER).write_text(
        json.dumps({"source": base_url, "files": DATAVERSE_FILES}, indent=2) + "\n",
        encoding="utf-8",
    )
    return dest
