"""A synthetic twin of HAM10000: same layout, columns and class imbalance, painted lesions.

It lets every notebook and test run offline. The images are painted by
:mod:`coursekit.data.lesion_painter`; nothing in them comes from a patient.
"""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from PIL import Image

from .classes import DIAGNOSES, SITES
from .images import check_size
from .lesion_painter import paint_image

__all__ = ["synthetic_ham10000", "synthetic_metadata", "FIRST_IMAGE_NUMBER"]

#: The real image ids run from ISIC_0024306 to ISIC_0034320; the twin's ids start at the same place.
FIRST_IMAGE_NUMBER = 24306
_JPEG_QUALITY = 90
_MIN_PARALLEL = 32  # fewer images are painted here: starting workers would cost more
_README = """\
SYNTHETIC HAM10000 TWIN -- NOT MEDICAL DATA
===========================================

Every image in this folder was painted by a computer program
(coursekit.data.synthetic_ham10000, n_images={n}, seed={seed}, size={h}x{w}).
No image shows a real patient, and no diagnosis, age, sex or site in
HAM10000_metadata.csv belongs to a real person. Do not use it to learn
or claim anything about skin cancer.

The folder copies the layout, columns and class imbalance of HAM10000
(Tschandl, Rosendahl & Kittler, Sci Data 5:180161, 2018;
https://doi.org/10.7910/DVN/DBW86T, licence CC BY-NC-SA 4.0) so that
course code written for the real data set runs on it unchanged. It
contains none of HAM10000's images or metadata.

Licence of this synthetic folder: CC0 1.0 (public domain dedication).
"""

# Shares of localisation, technical diagnosis type and mean age per class,
# loosely following the published metadata.
_LOCALIZATIONS = {
    "nv": {"back": 0.3, "lower extremity": 0.25, "trunk": 0.2, "abdomen": 0.1,
           "upper extremity": 0.1, "chest": 0.05},
    "mel": {"back": 0.3, "upper extremity": 0.15, "lower extremity": 0.2, "face": 0.15,
            "chest": 0.1, "trunk": 0.1},
    "bkl": {"face": 0.35, "back": 0.2, "trunk": 0.15, "chest": 0.1, "upper extremity": 0.1,
            "scalp": 0.1},
    "bcc": {"back": 0.3, "face": 0.25, "chest": 0.15, "upper extremity": 0.1, "neck": 0.1,
            "scalp": 0.1},
    "akiec": {"face": 0.45, "upper extremity": 0.2, "scalp": 0.15, "hand": 0.1, "ear": 0.1},
    "vasc": {"trunk": 0.35, "lower extremity": 0.25, "abdomen": 0.15, "back": 0.15,
             "unknown": 0.1},
    "df": {"lower extremity": 0.7, "upper extremity": 0.2, "trunk": 0.1},
}  # fmt: skip
_DX_TYPES = {
    "nv": {"follow_up": 0.55, "histo": 0.35, "consensus": 0.09, "confocal": 0.01},
    "mel": {"histo": 1.0},
    "bkl": {"histo": 0.55, "consensus": 0.3, "confocal": 0.15},
    "bcc": {"histo": 1.0},
    "akiec": {"histo": 1.0},
    "vasc": {"histo": 0.5, "consensus": 0.5},
    "df": {"histo": 0.5, "consensus": 0.5},
}
_MEAN_AGE = {"nv": 42, "mel": 62, "bkl": 60, "bcc": 66, "akiec": 67, "vasc": 50, "df": 52}
_IMAGES_PER_LESION = ((1, 2, 3, 4), (0.72, 0.17, 0.07, 0.04))


def _class_counts(n_images: int) -> dict[str, int]:
    """Images per class: the real proportions, at least ``min(8, n // 14)`` each, nv the rest."""
    minimum = max(1, min(8, n_images // 14))
    total = sum(d.count for d in DIAGNOSES.values())
    counts = {c: max(minimum, round(d.count / total * n_images)) for c, d in DIAGNOSES.items()}
    counts["nv"] = n_images - sum(v for c, v in counts.items() if c != "nv")
    return counts


def _allocate(n: int, shares: dict) -> list:
    """Largest-remainder allocation of ``n`` items to the keys of ``shares``."""
    keys, weights = list(shares), np.array(list(shares.values()), dtype=float)
    exact = weights / weights.sum() * n
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]:
        counts[i] += 1
    return [k for k, c in zip(keys, counts, strict=True) for _ in range(c)]


def _pick(rng, table: dict):
    keys = list(table)
    return keys[rng.choice(len(keys), p=np.array(list(table.values())) / sum(table.values()))]


def synthetic_metadata(n_images: int = 700, seed: int = 0) -> pd.DataFrame:
    """Make the metadata table of the synthetic twin (no images).

    Parameters
    ----------
    n_images : int
        Number of images (rows), at least 7 (one per class).
    seed : int
        Seed; the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
        Columns ``lesion_id, image_id, dx, dx_type, age, sex, localization,
        dataset`` like the real file, rows grouped by lesion (1 to 4 images
        each). ``age`` is float with a few NaN; ``sex`` includes ``"unknown"``.
    """
    if isinstance(n_images, bool) or int(n_images) != n_images or n_images < 7:
        raise ValueError(f"n_images must be an integer >= 7 (one per class); got {n_images!r}.")
    rng = np.random.default_rng([seed, 0])
    lesions = []  # (dx, number of images)
    for dx, count in _class_counts(int(n_images)).items():
        while count > 0:
            k = min(count, int(rng.choice(_IMAGES_PER_LESION[0], p=_IMAGES_PER_LESION[1])))
            lesions.append((dx, k))
            count -= k
    order = rng.permutation(len(lesions))
    lesions = [lesions[i] for i in order]
    sites = [_allocate(len(lesions), SITES)[i] for i in rng.permutation(len(lesions))]
    lesion_numbers = rng.choice(max(10_000, 2 * len(lesions)), size=len(lesions), replace=False)
    image_numbers = FIRST_IMAGE_NUMBER + rng.permutation(int(n_images))
    rows, i = [], 0
    for (dx, k), site, number in zip(lesions, sites, lesion_numbers, strict=True):
        age = float(np.clip(5 * round(rng.normal(_MEAN_AGE[dx], 14) / 5), 0, 85))
        sex = "male" if rng.random() < 0.54 else "female"
        localization, dx_type = _pick(rng, _LOCALIZATIONS[dx]), _pick(rng, _DX_TYPES[dx])
        for _ in range(k):
            rows.append({
                "lesion_id": f"HAM_{number:07d}", "image_id": f"ISIC_{image_numbers[i]:07d}",
                "dx": dx, "dx_type": dx_type, "age": age, "sex": sex,
                "localization": localization, "dataset": site,
            })  # fmt: skip
            i += 1
    table = pd.DataFrame(rows)
    # A few unknowns, as in the real file (57 missing ages, 57 unknown sexes in 10,015).
    n_unknown = max(1, round(0.006 * n_images))
    table.loc[rng.choice(len(table), n_unknown, replace=False), "age"] = np.nan
    table.loc[rng.choice(len(table), n_unknown, replace=False), "sex"] = "unknown"
    return table


def _image_seeds(table: pd.DataFrame, seed: int):
    """(lesion seed, image seed) per row: derived from ids, so that order never matters."""
    for lesion_id, image_id in zip(table["lesion_id"], table["image_id"], strict=True):
        yield (seed, 1, int(lesion_id[4:])), (seed, 2, int(image_id[5:]))


def _paint_batch(jobs, size):
    for dx, site, lesion_seed, image_seed, path in jobs:
        pixels = paint_image(
            dx, site, np.random.default_rng(lesion_seed), np.random.default_rng(image_seed), size
        )
        Image.fromarray(pixels).save(path, quality=_JPEG_QUALITY)


def synthetic_ham10000(dest, n_images=700, seed=0, size=(450, 600), n_jobs=None) -> Path:
    """Write a synthetic, dermoscopy-like twin of HAM10000 into folder ``dest``.

    Parameters
    ----------
    dest : str or os.PathLike
        Folder to create (or an empty one). It receives ``HAM10000_metadata.csv``,
        ``HAM10000_images_part_1/`` and ``HAM10000_images_part_2/`` (the first and
        second half of the image ids, like the Dataverse zips) and ``README.txt``.
    n_images : int
        Number of images, at least 7. All seven classes appear with the real
        imbalance (nv about two thirds), each with at least ``min(8, n_images //
        14)`` images; lesions have 1 to 4 images.
    seed : int
        Seed: the same seed, ``n_images`` and ``size`` give byte-identical files.
    size : tuple of int (height, width)
        Image size in pixels; the real images are ``(450, 600)``.
    n_jobs : int, optional
        Parallel workers (joblib); ``None`` uses every core. Fewer than 32
        images are painted in this process.

    Returns
    -------
    pathlib.Path
        ``dest``.

    Notes
    -----
    Lesions differ by class in size, border, colour and texture (see
    :mod:`coursekit.data.lesion_painter`); photographs of one lesion show it
    again with a slight shift, rotation and change of scale. Each acquisition
    site (``dataset`` column) adds its own strong colour cast, brightness and
    vignetting, and ``rosendahl`` the dark round border of a contact dermoscope,
    so that -- as on the real data set -- simple colour statistics find the
    sites more readily than the diagnoses. Images are JPEG, quality 90.
    """
    height, width = check_size(size)
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(
            f"{dest} already exists and is not an empty folder; choose a new folder for the "
            "synthetic data set."
        )
    table = synthetic_metadata(n_images, seed)
    parts = [dest / "HAM10000_images_part_1", dest / "HAM10000_images_part_2"]
    for part in parts:
        part.mkdir(parents=True, exist_ok=True)
    middle = FIRST_IMAGE_NUMBER + (len(table) + 1) // 2
    jobs = [
        (dx, site, lesion_seed, image_seed,
         parts[image_seed[2] >= middle] / f"{image_id}.jpg")
        for dx, site, image_id, (lesion_seed, image_seed) in zip(
            table["dx"], table["dataset"], table["image_id"], _image_seeds(table, seed), strict=True
        )
    ]  # fmt: skip
    n_workers = joblib.cpu_count() if n_jobs in (None, -1) else max(1, int(n_jobs))
    step = max(4, -(-len(jobs) // (4 * n_workers)))
    batches = [jobs[i : i + step] for i in range(0, len(jobs), step)]
    if n_workers == 1 or len(jobs) < _MIN_PARALLEL:
        for batch in batches:
            _paint_batch(batch, (height, width))
    else:
        joblib.Parallel(n_jobs=n_workers)(
            joblib.delayed(_paint_batch)(batch, (height, width)) for batch in batches
        )
    # The metadata is written after every image: a folder with it is complete.
    table.to_csv(dest / "HAM10000_metadata.csv", index=False, lineterminator="\n")
    (dest / "README.txt").write_text(
        _README.format(n=n_images, seed=seed, h=height, w=width), encoding="utf-8"
    )
    return dest
