"""Fetch one file of HAM10000 over HTTP with pooch; errors say what to do instead.

The bottom of the two download modules: :mod:`~coursekit.data.subset` (a subset,
by range requests) and :mod:`~coursekit.data.download` (the whole data set, and
the entry point that chooses between them) both fetch whole files with it.
"""

from __future__ import annotations

from pathlib import Path

import pooch

from .errors import DownloadError

__all__ = ["BY_HAND", "DOI_PAGE", "fetch_file"]

#: The data set's landing page (Harvard Dataverse).
DOI_PAGE = "https://doi.org/10.7910/DVN/DBW86T"
#: What to do when a download cannot be done: the end of the download errors.
BY_HAND = (
    f"Download HAM10000_images_part_1.zip, HAM10000_images_part_2.zip and HAM10000_metadata "
    f"by hand from {DOI_PAGE}, unzip both into one folder beside the metadata file, and point "
    "the COURSEKIT_DATA environment variable at that folder."
)


def fetch_file(url, name, known_hash, folder, progress, timeout) -> Path:
    """Download ``url`` as ``folder / name`` (kept if already there and its hash matches).

    Parameters
    ----------
    url : str
    name : str
        File name to save it as.
    known_hash : str or None
        ``"sha256:<hex>"`` to check, or None (not checked).
    folder : pathlib.Path
    progress : bool
        Show pooch's progress bar.
    timeout : float
        Seconds to wait for the server.

    Returns
    -------
    pathlib.Path
        The file.

    Raises
    ------
    DownloadError
        When the download fails or the file does not match ``known_hash`` (it is
        not kept); the message names the file and ends with :data:`BY_HAND`.
    """
    downloader = pooch.HTTPDownloader(progressbar=progress, timeout=timeout)
    try:
        return Path(pooch.retrieve(url, known_hash=known_hash, fname=name, path=folder,
                                   downloader=downloader))  # fmt: skip
    except ValueError as exc:  # pooch: hash mismatch (the bad file is not kept)
        raise DownloadError(
            f"{name} from {url} does not match its known checksum ({exc}). The download was "
            "discarded; run again, or " + BY_HAND[0].lower() + BY_HAND[1:]
        ) from exc
    except Exception as exc:  # requests' connection, timeout and HTTP errors
        raise DownloadError(f"Downloading {name} from {url} failed: {exc}. {BY_HAND}") from exc
