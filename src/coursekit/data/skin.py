"""The scikit-image ``skin`` microscopy image, with an offline fallback that never hangs."""

from __future__ import annotations

import hashlib
import os
import socket
import warnings
from pathlib import Path

import numpy as np

__all__ = ["load_skin"]

_SKIN_FILE = "data/skin.jpg"
_SKIN_HOST = ("gitlab.com", 443)  # where scikit-image's registry points for skin.jpg
_TIMEOUT = 5.0  # seconds, for the connectivity check and the download


def _cached_skin_path() -> Path | None:
    """The cached, hash-checked ``skin.jpg`` of scikit-image, or None."""
    try:
        from skimage.data._fetchers import _image_fetcher
        from skimage.data._registry import registry
    except ImportError:  # pragma: no cover - scikit-image internals moved
        return None
    if _image_fetcher is None:  # pragma: no cover - pooch missing
        return None
    path = Path(_image_fetcher.abspath) / _SKIN_FILE
    if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == registry[_SKIN_FILE]:
        return path
    return None


def _fetch_skin(timeout: float = _TIMEOUT) -> np.ndarray:
    """Download ``skin`` through scikit-image's pooch cache, giving up after ``timeout`` s."""
    import pooch
    from skimage.data._fetchers import _image_fetcher

    with socket.create_connection(_SKIN_HOST, timeout=timeout):
        pass  # fails in milliseconds when offline, instead of waiting on pooch's retries
    _image_fetcher.fetch(_SKIN_FILE, downloader=pooch.HTTPDownloader(timeout=timeout))
    import skimage.data

    return skimage.data.skin()


def load_skin() -> np.ndarray:
    """Return scikit-image's ``skin`` image, or a bundled stand-in when offline.

    The ``skin`` image (``skimage.data.skin()``: H&E-stained microscopy of
    epidermis and dermis with an intradermal nevus, 960 x 1280) is downloaded
    by scikit-image on first use and cached. This function never waits long:
    it uses the cached copy when there is one, otherwise tries the download
    with a short timeout (5 s), and when that fails returns the bundled
    immunohistochemistry image ``skimage.data.immunohistochemistry()``
    (512 x 512) with a :class:`UserWarning` saying so.

    With the environment variable ``COURSEKIT_OFFLINE=1`` it never touches the
    network nor the cache and always returns the stand-in, so that outputs are
    the same on every machine (``make release`` uses this for the solutions).

    Returns
    -------
    numpy.ndarray of uint8, shape (H, W, 3)
        RGB values in [0, 255].

    Warns
    -----
    UserWarning
        When the stand-in image is returned.
    """
    import skimage.data

    offline = os.environ.get("COURSEKIT_OFFLINE", "").strip() not in ("", "0")
    if not offline and _cached_skin_path() is not None:
        return np.asarray(skimage.data.skin(), dtype=np.uint8)
    try:
        if offline:
            raise ConnectionError("COURSEKIT_OFFLINE is set")
        image = _fetch_skin()
    except Exception as exc:  # any network or cache failure means: use the bundled image
        warnings.warn(
            f"Could not download scikit-image's 'skin' image ({type(exc).__name__}: {exc}); "
            "using the bundled immunohistochemistry image skimage.data.immunohistochemistry() "
            "instead. Run skimage.data.download_all() once when online to get 'skin'.",
            UserWarning,
            stacklevel=2,
        )
        image = skimage.data.immunohistochemistry()
    return np.asarray(image, dtype=np.uint8)[..., :3]
