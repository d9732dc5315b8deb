"""Find HAM10000 image files and read them, shrunk while decoding."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image

from coursekit._validation import check_size

from .errors import ImageReadError

__all__ = [
    "IMAGE_FOLDERS",
    "check_size",
    "find_image_folders",
    "find_images",
    "read_batch",
    "read_image",
]

#: Image folders looked for inside a HAM10000 copy, in this order: the Dataverse zips'
#: folders, the Kaggle mirror's lowercase copies, a flat ``images/`` folder, and the
#: copy's own folder (``"."``). When an image is in several, the first one wins.
IMAGE_FOLDERS = (
    "HAM10000_images_part_1",
    "HAM10000_images_part_2",
    "ham10000_images_part_1",
    "ham10000_images_part_2",
    "images",
    ".",
)

_IMAGE_SUFFIXES = (".jpg", ".jpeg")
_MODE_NAMES = {"L": "greyscale", "LA": "greyscale + alpha", "RGBA": "RGB + alpha",
               "CMYK": "CMYK", "P": "palette", "I": "32-bit integer", "I;16": "16-bit greyscale",
               "1": "black and white", "YCbCr": "YCbCr"}  # fmt: skip


def find_image_folders(root) -> list[Path]:
    """Return the folders of ``root`` with ``ISIC_*.jpg`` (or the twin's ``SYN_*.jpg``) images,
    in :data:`IMAGE_FOLDERS` order."""
    root = Path(root)
    found = []
    for name in IMAGE_FOLDERS:
        folder = root / name
        if folder.is_dir():
            with os.scandir(folder) as entries:
                if any(_image_id(e.name) for e in entries):
                    found.append(folder)
    return found


def _image_id(filename: str) -> str | None:
    stem, suffix = os.path.splitext(filename)
    # ISIC_: the real images; SYN_: the synthetic twin's (coursekit.data.synthetic).
    if stem.startswith(("ISIC_", "SYN_")) and suffix.lower() in _IMAGE_SUFFIXES:
        return stem
    return None


def find_images(root) -> dict[str, Path]:
    """Map every image id of the HAM10000 copy in ``root`` to its file.

    Parameters
    ----------
    root : str or os.PathLike
        Folder of a HAM10000 copy in any published layout: ``HAM10000_images_part_1/``
        and ``HAM10000_images_part_2/`` (Dataverse), their lowercase twins (Kaggle),
        a flat ``images/`` folder, or images directly in ``root``.

    Returns
    -------
    dict of str to pathlib.Path
        ``{"ISIC_0024306": Path(".../ISIC_0024306.jpg"), ...}``; empty when no image
        is found. An image present in several folders maps to the first folder of
        :data:`IMAGE_FOLDERS`.
    """
    paths: dict[str, Path] = {}
    for folder in find_image_folders(root):
        with os.scandir(folder) as entries:
            for entry in entries:
                image_id = _image_id(entry.name)
                if image_id and image_id not in paths:
                    paths[image_id] = Path(entry.path)
    return paths


def read_image(path, size=None) -> np.ndarray:
    """Read one RGB image, optionally shrunk to ``size``.

    Parameters
    ----------
    path : str or os.PathLike
        A JPEG (or any RGB image Pillow reads).
    size : tuple of int (height, width), optional
        Output size in pixels, **height first** like numpy shapes. The image is
        stretched to exactly this size (the aspect ratio is not kept, as with
        :func:`skimage.transform.resize`). ``None`` keeps the file's size.

    Returns
    -------
    numpy.ndarray of uint8, shape (height, width, 3)
        RGB values in [0, 255].

    Raises
    ------
    ImageReadError
        If the file is missing, not an image, truncated or corrupt, or not RGB.
        Greyscale (``L``), RGB + alpha (``RGBA``), CMYK, palette and other modes
        are refused rather than converted, because HAM10000 holds only RGB
        photographs: such a file is a sign of a wrong or damaged copy. The
        message names the file and its mode.

    Notes
    -----
    A JPEG is decoded at a reduced scale (1/2, 1/4 or 1/8, by the decoder's
    DCT scaling through :meth:`PIL.Image.Image.draft`) no smaller than
    ``size``, then resized with a Lanczos filter (antialiased). This is many
    times faster than decoding at full size and uses little memory.
    """
    path = Path(path)
    if size is not None:  # a bad size is the caller's mistake, not the file's
        height, width = check_size(size)
    try:
        with Image.open(path) as image:
            if image.mode != "RGB":
                name = _MODE_NAMES.get(image.mode, image.mode)
                raise ImageReadError(
                    f"{path} is a {name} image (Pillow mode {image.mode!r}); expected an RGB "
                    "image. HAM10000 images are RGB JPEGs: replace the file, or convert it "
                    "yourself, e.g. PIL.Image.open(path).convert('RGB').save(path)."
                )
            if size is not None:
                image.draft("RGB", (width, height))
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image.load()
            if size is not None and image.size != (width, height):
                image = image.resize((width, height), Image.Resampling.LANCZOS)
            array = np.asarray(image, dtype=np.uint8)
    except ImageReadError:
        raise
    except FileNotFoundError as exc:
        raise ImageReadError(f"Image file {path} does not exist.") from exc
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as exc:
        raise ImageReadError(
            f"Could not read image {path}: {exc}. The file is truncated, corrupt or not an image; "
            "download it again."
        ) from exc
    if array.ndim != 3 or array.shape[2] != 3:  # pragma: no cover - guarded by the mode check
        raise ImageReadError(f"{path} decoded to shape {array.shape}; expected (height, width, 3).")
    return array


def read_batch(paths, size) -> np.ndarray:
    """Read ``paths`` into one ``(k, height, width, 3)`` uint8 array (one parallel task).

    It lives here, beside :func:`read_image`, so that a joblib worker
    importing it loads only numpy and Pillow.
    """
    out = np.empty((len(paths),) + tuple(size) + (3,), dtype=np.uint8)
    for i, path in enumerate(paths):
        out[i] = read_image(path, size=size)
    return out
