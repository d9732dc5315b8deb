"""Exceptions raised by :mod:`coursekit.data`.

Every error derives from :class:`DatasetError`, itself a :class:`ValueError`,
so ``except ValueError`` also catches bad-data errors in student code.
"""

from __future__ import annotations

__all__ = [
    "DatasetError",
    "MetadataError",
    "ImageReadError",
    "MissingImagesError",
    "EmptySelectionError",
    "DownloadError",
    "MissingImagesWarning",
]


class DatasetError(ValueError):
    """A data set folder or file is not what HAM10000 should look like."""


class MetadataError(DatasetError):
    """The metadata file is missing, unreadable or has bad rows."""


class ImageReadError(DatasetError):
    """An image file is corrupt, truncated or not an RGB image."""


class MissingImagesError(DatasetError):
    """Images listed in the metadata are absent from every image folder."""


class EmptySelectionError(DatasetError):
    """A selection (``dx=...``) matched no image."""


class DownloadError(DatasetError):
    """The download failed or its files are incomplete or corrupt."""


class MissingImagesWarning(UserWarning):
    """Images listed in the metadata are absent and were left out (a partial copy).

    Silence it with ``warnings.filterwarnings("ignore", category=MissingImagesWarning)``
    when a partial copy is intended; make it an error with ``on_missing="raise"``.
    """
