"""Download a random per-class subset of HAM10000: only the chosen JPEGs, by HTTP range requests.

Called by :func:`coursekit.data.download_ham10000` when ``per_class`` is given.
The metadata is downloaded whole (about 0.6 MB); then the central directories
of the two Dataverse zips are read (:class:`~coursekit.data.remote_zip.RemoteZip`),
``per_class`` images of each diagnosis are drawn among those in the zips, and
only their bytes are fetched. The folder it fills reads as a partial HAM10000
copy: ``HAM10000_metadata.csv`` lists exactly the images present.
"""

from __future__ import annotations

import io
import json
import os
import sys
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path, PurePosixPath

import pandas as pd
from PIL import Image

from .._progress import _in_notebook, progress_bar
from .errors import DownloadError
from .fetch import fetch_file
from .images import _image_id, find_images
from .loader import select_rows
from .metadata import _sniff_separator, load_metadata
from .remote_zip import RangesNotSupported, RemoteZip

__all__ = ["SUBSET_MANIFEST", "SUBSET_METADATA", "download_subset"]

#: Written before the first image and updated at the end: marks a folder whose image
#: folders hold a subset, so that a later full download completes them.
SUBSET_MANIFEST = ".coursekit-subset.json"
#: The metadata of the images present (the full table stays in ``.downloads/``).
SUBSET_METADATA = "HAM10000_metadata.csv"
METADATA_NAME = "HAM10000_metadata.tab"
#: Requests in flight at once.
CONNECTIONS = 6
_CHUNK = 1 << 20


def _megabytes(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n < 1e9 else f"{n / 1e9:,.2f} GB"


def _say(message: str) -> None:
    """Print a line where the progress bars go (stdout in a notebook, else stderr)."""
    print(message, file=sys.stdout if _in_notebook() else sys.stderr, flush=True)


def _full_metadata(dest: Path, url: str, known_hash, progress: bool, timeout: float):
    """Return (path of the full metadata table, bytes downloaded for it now)."""
    for path in (dest / METADATA_NAME, dest / ".downloads" / METADATA_NAME):
        if path.is_file():
            return path, 0
    path = fetch_file(url, METADATA_NAME, known_hash, dest / ".downloads", progress, timeout)
    return path, path.stat().st_size


def _is_verified(path: Path, member) -> bool:
    """True when ``path`` holds exactly the bytes of ``member`` (size and CRC-32)."""
    try:
        if path.stat().st_size != member.size:
            return False
        return zlib.crc32(path.read_bytes()) == member.crc32
    except OSError:
        return False


def _check_jpeg(data: bytes, member, url: str) -> None:
    """Decode ``data`` fully; raise DownloadError naming the member when that fails."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            mode = image.mode
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DownloadError(
            f"{member.name} from {url} is not a readable JPEG ({exc}); it was not saved. Run "
            "the download again; if this image fails again, it is damaged on the server: "
            "download the full data set instead (without --per-class)."
        ) from exc
    if mode != "RGB":
        raise DownloadError(
            f"{member.name} from {url} is a {mode} image, not RGB; it was not saved."
        )


def _fetch_member(archive: RemoteZip, member, target: Path) -> int:
    data = archive.read(member)
    _check_jpeg(data, member, archive.url)
    partial = target.with_name(f".{target.name}.part")
    partial.write_bytes(data)
    os.replace(partial, target)  # only verified images ever get their final name
    return len(data)


def _save_whole_response(error: RangesNotSupported, target: Path, progress: bool) -> None:
    """Save the body of a ``200 OK`` answer (the whole zip) as ``target``."""
    partial = target.with_name(target.name + ".part")
    received = 0
    bar = progress_bar(error.length or 0, desc=target.name, unit="B", disable=not progress)
    bar.unit_scale, bar.unit_divisor = True, 1024
    try:
        with error.response as response, open(partial, "wb") as out, bar:
            while chunk := response.read(_CHUNK):
                out.write(chunk)
                received += len(chunk)
                bar.update(len(chunk))
    except OSError as exc:
        raise DownloadError(
            f"Downloading {error.url} failed after {received:,} bytes ({exc}). Run the same "
            "command again to retry."
        ) from exc
    if error.length is not None and received != error.length:
        partial.unlink(missing_ok=True)
        raise DownloadError(
            f"Truncated response from {error.url}: {received:,} of {error.length:,} bytes "
            "arrived. Run the same command again to retry."
        )
    os.replace(partial, target)


def _keep_for_the_full_download(error, name, dest, progress) -> None:
    """Say that the server ignores range requests; save the whole zip it sent instead.

    The full download that follows (:func:`coursekit.data.download_ham10000`)
    finds the zip in ``dest/.downloads`` and does not ask for it again.
    """
    size = f"the whole {_megabytes(error.length)} file" if error.length else "the whole file"
    warnings.warn(
        f"{error.url} ignores HTTP range requests (it answered {error.response.status} with "
        f"{size} instead of 206 Partial Content), so single images cannot be cut out of the "
        "zips. Falling back to the full download of HAM10000 (about 2.6 GB, all 10,015 "
        f"images); this answer is saved as {name} rather than asked for again. Interrupt it "
        "(Ctrl-C) to stop: running the same command again continues where it stopped.",
        stacklevel=4,  # download_ham10000's caller
    )
    downloads = dest / ".downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    _save_whole_response(error, downloads / name, progress)


def _write_metadata(source: Path, dest: Path, ids: set) -> int:
    """Write the rows of ``source`` whose image is in ``ids`` to ``dest``; return their number."""
    text = source.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    raw = pd.read_csv(io.StringIO(text), sep=_sniff_separator(text), dtype=str,
                      keep_default_na=False)  # fmt: skip
    raw.columns = [str(c).strip() for c in raw.columns]
    rows = raw[raw["image_id"].str.strip().isin(ids)]
    partial = dest.with_name(dest.name + ".part")
    rows.to_csv(partial, index=False, lineterminator="\n")
    os.replace(partial, dest)
    return len(rows)


def _write_manifest(dest: Path, **fields) -> None:
    partial = dest / (SUBSET_MANIFEST + ".part")
    partial.write_text(json.dumps(fields, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, dest / SUBSET_MANIFEST)


def download_subset(dest, per_class, random_state, base_url, files, hashes, progress,
                    timeout) -> Path | None:  # fmt: skip
    """Fill ``dest`` with ``per_class`` images per diagnosis; see ``download_ham10000``.

    ``per_class`` and ``base_url`` are checked by the caller; ``files`` maps
    each file name to its Dataverse file id, ``hashes`` file names to
    ``"sha256:..."`` or None (only the metadata table is checked: range
    requests never see a whole zip, so images are checked by CRC-32 and by
    decoding them).

    Returns ``dest``; or None when the server ignores range requests: then,
    after a ``UserWarning`` saying so, the whole zip it sent is saved in
    ``dest/.downloads`` for the caller's full download to reuse.
    """
    dest = Path(dest)
    url_of = {name: f"{base_url}/api/access/datafile/{i}" for name, i in files.items()}
    meta_path, meta_bytes = _full_metadata(dest, url_of[METADATA_NAME], hashes.get(METADATA_NAME),
                                           progress, timeout)  # fmt: skip
    metadata = load_metadata(meta_path)
    archives = {}
    for name in (n for n in files if n.endswith(".zip")):
        try:
            archives[name] = RemoteZip(url_of[name], timeout=timeout)
        except RangesNotSupported as error:
            _keep_for_the_full_download(error, name, dest, progress)
            return None
    in_zips = {}  # image id -> (archive name, member)
    for name, archive in archives.items():
        for member in archive.members.values():
            image_id = None if member.is_dir else _image_id(PurePosixPath(member.name).name)
            if image_id is not None and image_id not in in_zips:
                in_zips[image_id] = (name, member)
    candidates = metadata[metadata["image_id"].isin(list(in_zips))]
    if candidates.empty:
        raise DownloadError(
            f"None of the {len(metadata)} images of {meta_path.name} is in "
            f"{' or '.join(url_of[n] for n in archives)}; are these the HAM10000 zips?"
        )
    chosen = select_rows(candidates, n_per_class=per_class, random_state=random_state)
    targets = {}
    for image_id in chosen["image_id"]:
        name, member = in_zips[image_id]
        folder = dest / name.removesuffix(".zip")
        targets[image_id] = (archives[name], member, folder / PurePosixPath(member.name).name)
    todo = {i: t for i, t in targets.items() if not _is_verified(t[2], t[1])}
    settings = {"source": base_url, "per_class": per_class,
                "random_state": random_state if isinstance(random_state, int) else None}
    _write_manifest(dest, **settings, complete=False)
    for folder in {t[2].parent for t in targets.values()}:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(".ISIC_*.part"):  # left by a run killed mid-write
            stale.unlink(missing_ok=True)
    received = 0
    bar = progress_bar(len(todo), desc="Downloading images", unit="img", disable=not progress)
    with bar, ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
        futures = [pool.submit(_fetch_member, *t) for t in todo.values()]
        try:
            for future in as_completed(futures):
                received += future.result()
                bar.set_postfix_str(_megabytes(received), refresh=False)
                bar.update(1)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    present = set(find_images(dest)) & set(metadata["image_id"])
    n_listed = _write_metadata(meta_path, dest / SUBSET_METADATA, present)
    transferred = meta_bytes + sum(a.bytes_received for a in archives.values())
    zip_bytes = sum(a.size for a in archives.values())
    _write_manifest(dest, **settings, complete=True, images_chosen=len(targets),
                    images_fetched=len(todo), images_present=n_listed,
                    bytes_transferred=transferred, zip_bytes=zip_bytes)  # fmt: skip
    if progress:
        _say(
            f"Fetched {len(todo)} of the {len(targets)} images chosen ({per_class} per class at "
            f"most; {len(targets) - len(todo)} were already here): {_megabytes(transferred)} "
            f"transferred, {100 * transferred / zip_bytes:.2f} % of the {_megabytes(zip_bytes)} "
            f"of the two zips. {dest} holds {n_listed} images."
        )
    return dest
