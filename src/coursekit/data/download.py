"""Download HAM10000 from Harvard Dataverse through pooch, safely and resumably."""

from __future__ import annotations

import json
import os
import shutil
import socket
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pooch

from .errors import DownloadError
from .images import _image_id

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
_DOI_PAGE = "https://doi.org/10.7910/DVN/DBW86T"
_BY_HAND = (
    f"Download HAM10000_images_part_1.zip, HAM10000_images_part_2.zip and HAM10000_metadata "
    f"by hand from {_DOI_PAGE}, unzip both into one folder beside the metadata file, and point "
    "the COURSEKIT_DATA environment variable at that folder."
)


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
            f"Cannot reach {base_url} ({exc}); are you offline? {_BY_HAND}"
        ) from exc


def _fetch(url, name, known_hash, folder, progress, timeout) -> Path:
    downloader = pooch.HTTPDownloader(progressbar=progress, timeout=timeout)
    try:
        return Path(pooch.retrieve(url, known_hash=known_hash, fname=name, path=folder,
                                   downloader=downloader))  # fmt: skip
    except ValueError as exc:  # pooch: hash mismatch (the bad file is not kept)
        raise DownloadError(
            f"{name} from {url} does not match its known checksum ({exc}). The download was "
            "discarded; run again, or " + _BY_HAND[0].lower() + _BY_HAND[1:]
        ) from exc
    except Exception as exc:  # requests' connection, timeout and HTTP errors
        raise DownloadError(f"Downloading {name} from {url} failed: {exc}. {_BY_HAND}") from exc


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
            f"download again, or: {_BY_HAND}"
        ) from exc
    if count == 0:
        shutil.rmtree(partial, ignore_errors=True)
        archive.unlink(missing_ok=True)
        raise DownloadError(f"{archive.name} holds no ISIC_*.jpg image; it was deleted.")
    partial.rename(folder)
    return count


def download_ham10000(dest, base_url=None, progress=True, known_hashes=None, timeout=60.0):
    """Download HAM10000 from Harvard Dataverse into ``dest`` and unpack it.

    Parameters
    ----------
    dest : str or os.PathLike
        Folder to fill. It ends up with ``HAM10000_metadata.tab``,
        ``HAM10000_images_part_1/`` and ``HAM10000_images_part_2/`` (10,015
        JPEGs, about 2.6 GB) and a marker file ``.coursekit-download-complete``.
    base_url : str, optional
        Dataverse server. ``None`` uses ``$COURSEKIT_DATAVERSE_URL`` when set,
        else ``https://dataverse.harvard.edu``. Files are fetched from
        ``{base_url}/api/access/datafile/{id}`` (ids in :data:`DATAVERSE_FILES`).
    progress : bool
        Show a progress bar per file (on stderr).
    known_hashes : dict, optional
        ``{file name: "sha256:<hex>"}`` checksums to verify, added to
        :data:`KNOWN_HASHES` (which has none yet: the real files are not
        checked unless you pass them).
    timeout : float
        Seconds to wait for the server before giving up on a connection.

    Returns
    -------
    pathlib.Path
        ``dest``.

    Raises
    ------
    DownloadError
        When the server cannot be reached (at once, with what to do instead),
        a download fails or does not match its checksum, or a zip is corrupt
        (it is deleted, so the next run downloads it again).

    Notes
    -----
    Safe to interrupt and run again. pooch writes each file to a temporary
    name and renames it when complete; a zip is unpacked into a ``.partial``
    folder that is renamed when complete, then deleted; files and folders
    already complete are skipped. The marker file is written last, so a
    folder without it is never taken as a complete download. The data set is
    licensed CC BY-NC-SA 4.0 (non-commercial; cite Tschandl et al. 2018).
    """
    dest = Path(dest)
    marker = dest / COMPLETE_MARKER
    if marker.is_file():
        return dest
    base_url = (base_url or os.environ.get("COURSEKIT_DATAVERSE_URL") or DATAVERSE_URL).rstrip("/")
    hashes = {**KNOWN_HASHES, **(known_hashes or {})}
    _check_reachable(base_url, timeout)
    downloads = dest / ".downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    for name, file_id in DATAVERSE_FILES.items():
        url = f"{base_url}/api/access/datafile/{file_id}"
        if name.endswith(".zip"):
            folder = dest / name.removesuffix(".zip")
            if folder.is_dir():
                continue  # unpacked by an earlier run
            archive = _fetch(url, name, hashes.get(name), downloads, progress, timeout)
            _extract(archive, folder)
            archive.unlink()
        elif not (dest / name).is_file():
            fetched = _fetch(url, name, hashes.get(name), downloads, progress, timeout)
            os.replace(fetched, dest / name)
    shutil.rmtree(downloads, ignore_errors=True)
    marker.write_text(
        json.dumps({"source": base_url, "files": DATAVERSE_FILES}, indent=2) + "\n",
        encoding="utf-8",
    )
    return dest
