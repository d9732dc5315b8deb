"""A synthetic twin of HAM10000: its layout, columns, class imbalance and case mix per
source, with painted lesions.

It lets every notebook and test run offline. The images are painted by
:mod:`coursekit.data.lesion_painter`; nothing in them comes from a patient, and its ids
(``SYN_0000001``, lesion ids ``SYNL_...``) can never be mistaken for real ISIC/HAM ids.

What the twin reproduces, and how closely
-----------------------------------------
Its effects were set so that the figures of :data:`REAL_REFERENCE` (measured on 277 real
HAM10000 images; :mod:`coursekit.data.reference`) come out as on real images, averaged over
30 k-means seeds: how strongly k-means clusters follow the acquisition site, before and
after colour constancy, in all images and in a balanced sample, and each site's mean colour
and spread (:data:`REAL_SITE_COLOURS`). :func:`calibration_table` measures them on a twin;
``make bench`` prints the comparison. The site effects of colour histograms (before and
after colour constancy, all images and the balanced sample) and of texture follow the real
ones to within 0.05 ARI; the rest -- raw pixels (twin 0.24 against real 0.30) and every
diagnosis effect -- only to within 0.10 (:data:`TOLERANCE`), a tolerance larger than every
diagnosis effect itself.

What it does **not** reproduce: the diagnosis effects. On real images raw-pixel and
texture (LBP) clusters follow the diagnosis weakly (ARI 0.08 and 0.05 with seed 0; texture
follows the diagnosis more than the source); on the twin both stay near 0 (about 0.02 and
0.00), and colour clusters follow its diagnoses less than real ones do (AMI about 0.03
against 0.08). In a balanced sample the twin's clusters follow its painted diagnoses a little
(about 0.02) where real ones do not (-0.017). Whatever a notebook shows about the diagnosis
on the twin is a property of the painter, not of skin lesions.
"""

from __future__ import annotations

import math
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from PIL import Image

from coursekit._validation import check_size

from .._progress import progress_bar
from .classes import DIAGNOSES, SITE_DIAGNOSES, SITES
from .lesion_painter import paint_image
from .reference import (
    REAL_REFERENCE,
    REAL_SITE_COLOURS,
    TOLERANCE,
    RealFigure,
    calibration_table,
    site_colours,
)

__all__ = [
    "IMAGE_PREFIX",
    "LESION_PREFIX",
    "REAL_REFERENCE",
    "REAL_SITE_COLOURS",
    "TOLERANCE",
    "TWIN_VERSION",
    "RealFigure",
    "calibration_table",
    "site_colours",
    "synthetic_ham10000",
    "synthetic_metadata",
]

#: Version of the painter and its calibration. A twin cached by another version is never
#: reused (the cache folder's name carries it): raise it whenever the images change.
TWIN_VERSION = 4
#: The twin's image ids are ``SYN_0000001``, ``SYN_0000002``, ...: never a real ISIC id (the
#: real ones run from ISIC_0024306 to ISIC_0034320), so no twin record can pass for a real one.
IMAGE_PREFIX = "SYN_"
#: The twin's lesion ids, ``SYNL_`` and seven digits: never a real ``HAM_`` lesion id.
LESION_PREFIX = "SYNL_"
# Version 3 numbered its images from 24306, and each image's random stream is seeded by that
# number; adding the old offset keeps every painted pixel (and so the calibration) unchanged.
_SEED_OFFSET = 24305
#: Twins of more images than this show a progress bar (unless ``progress=False``).
PROGRESS_THRESHOLD = 300
_JPEG_QUALITY = 90
_MIN_PARALLEL = 32  # fewer images are painted here: starting workers would cost more
_README = """\
SYNTHETIC HAM10000 TWIN -- NOT MEDICAL DATA
===========================================

Every image in this folder was painted by a computer program
(coursekit.data.synthetic_ham10000, twin version {version}, n_images={n},
seed={seed}, size={h}x{w}). No image shows a real patient, and no
diagnosis, age, sex or site in HAM10000_metadata.csv belongs to a real
person. Do not use it to learn or claim anything about skin cancer.

The folder copies the layout, columns, class imbalance and the case mix
of each source (dataset column) of HAM10000 (Tschandl, Rosendahl &
Kittler, Sci Data 5:180161, 2018; https://doi.org/10.7910/DVN/DBW86T,
licence CC BY-NC-SA 4.0) so that course code written for the real data
set runs on it unchanged. It contains none of HAM10000's images or
metadata.

Image ids are SYN_0000001, SYN_0000002, ... and lesion ids SYNL_...:
no record here shares an id with a real HAM10000 record.

Its effects were set to match measurements on 277 real HAM10000 images
(all 7 diagnoses, all 4 sources), made with the same course code at
64 x 64 pixels (coursekit.data.reference.REAL_REFERENCE): each source's
mean colour and spread, and how strongly k-means clusters follow the
source (adjusted Rand index, mean over 30 k-means seeds; real colour
histograms, k = 7: 0.18, range 0.07-0.24), before and after colour
constancy and in a sample of at most 40 images per diagnosis. The
colour and texture site effects agree with the real ones to within
0.05 and the rest to within 0.10, a tolerance larger than the real
diagnosis effects: the twin does NOT reproduce them (raw-pixel and
texture clusters follow the real diagnoses weakly, ARI 0.08 and 0.05,
the twin's hardly at all). Sources differ as cameras and lights do: by
a white balance and an exposure, multiplied into every pixel.

Licence of this synthetic folder: CC0 1.0 (public domain dedication).
"""

# Shares of localisation and mean age per class, loosely following the published metadata.
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
_MEAN_AGE = {"nv": 42, "mel": 62, "bkl": 60, "bcc": 66, "akiec": 67, "vasc": 50, "df": 52}

# Counted in the published metadata (see classes.SITE_DIAGNOSES), by site: how the diagnosis
# was confirmed (images; rosendahl and vienna_dias: histopathology throughout) ...
_DX_TYPES = {
    "vidir_molemax": {"nv": {"follow_up": 3704, "histo": 16}, "bkl": {"consensus": 118, "histo": 6},
                      "df": {"consensus": 30}, "vasc": {"consensus": 54}},
    "vidir_modern": {"nv": {"histo": 1329, "consensus": 503},
                     "bkl": {"histo": 260, "consensus": 146, "confocal": 69},
                     "df": {"consensus": 30, "histo": 21}, "vasc": {"histo": 61, "consensus": 21}},
}  # fmt: skip
# ... and how many lesions have 1, 2, 3 or 4 (or more) images.
_IMAGES_PER_LESION = {
    "vidir_molemax": (1, 0, 0, 0),
    "vidir_modern": (434, 891, 345, 25),
    "rosendahl": (980, 454, 102, 16),
    "vienna_dias": (156, 85, 35, 2),
}


def _class_counts(n_images: int) -> dict[str, int]:
    """Images per class: the real proportions, at least ``min(8, n // 14)`` each, nv the rest."""
    minimum = max(1, min(8, n_images // 14))
    total = sum(d.count for d in DIAGNOSES.values())
    counts = {c: max(minimum, round(d.count / total * n_images)) for c, d in DIAGNOSES.items()}
    counts["nv"] = n_images - sum(v for c, v in counts.items() if c != "nv")
    return counts


def _allocate(n: int, shares: dict) -> dict:
    """Largest-remainder allocation of ``n`` items to the keys of ``shares``."""
    keys, weights = list(shares), np.array(list(shares.values()), dtype=float)
    exact = weights / weights.sum() * n
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]:
        counts[i] += 1
    return dict(zip(keys, counts.tolist(), strict=True))


def _pick(rng, table: dict):
    keys = list(table)
    return keys[rng.choice(len(keys), p=np.array(list(table.values())) / sum(table.values()))]


def _lesions(rng, n_images: int) -> list[tuple[str, str, int]]:
    """(dx, site, number of images) per lesion: each class spread over the sites as in
    HAM10000, each site's lesions photographed as often as there."""
    lesions = []
    for dx, count in _class_counts(n_images).items():
        per_site = _allocate(count, {site: SITE_DIAGNOSES[site][dx] for site in SITES})
        for site, left in per_site.items():
            shares = np.array(_IMAGES_PER_LESION[site], dtype=float)
            while left > 0:
                k = min(left, 1 + int(rng.choice(4, p=shares / shares.sum())))
                lesions.append((dx, site, k))
                left -= k
    return [lesions[i] for i in rng.permutation(len(lesions))]


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
        each). Image ids are ``SYN_0000001`` ... ``SYN_<n>`` and lesion ids
        ``SYNL_`` and seven digits, so that no twin record shares an id with a
        real HAM10000 record (``ISIC_...``, ``HAM_...``). Each class is spread
        over the four sites (``dataset``) in the real proportions
        (:data:`~coursekit.data.classes.SITE_DIAGNOSES`), and lesions have as
        many images as at their site (vidir_molemax: one).
        ``age`` is float with a few NaN; ``sex`` includes ``"unknown"``.
    """
    if isinstance(n_images, bool) or int(n_images) != n_images or n_images < 7:
        raise ValueError(f"n_images must be an integer >= 7 (one per class); got {n_images!r}.")
    rng = np.random.default_rng([seed, 0])
    lesions = _lesions(rng, int(n_images))
    lesion_numbers = rng.choice(max(10_000, 2 * len(lesions)), size=len(lesions), replace=False)
    image_numbers = 1 + rng.permutation(int(n_images))
    rows, i = [], 0
    for (dx, site, k), number in zip(lesions, lesion_numbers, strict=True):
        age = float(np.clip(5 * round(rng.normal(_MEAN_AGE[dx], 14) / 5), 0, 85))
        sex = "male" if rng.random() < 0.54 else "female"
        localization = _pick(rng, _LOCALIZATIONS[dx])
        dx_type = _pick(rng, _DX_TYPES.get(site, {}).get(dx, {"histo": 1}))
        for _ in range(k):
            rows.append({
                "lesion_id": f"{LESION_PREFIX}{number:07d}",
                "image_id": f"{IMAGE_PREFIX}{image_numbers[i]:07d}",
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
        yield ((seed, 1, int(lesion_id.removeprefix(LESION_PREFIX))),
               (seed, 2, _SEED_OFFSET + int(image_id.removeprefix(IMAGE_PREFIX))))


def _paint_batch(jobs, size) -> int:
    for dx, site, lesion_seed, image_seed, path in jobs:
        pixels = paint_image(
            dx, site, np.random.default_rng(lesion_seed), np.random.default_rng(image_seed), size
        )
        Image.fromarray(pixels).save(path, quality=_JPEG_QUALITY)
    return len(jobs)


def synthetic_ham10000(dest, n_images=700, seed=0, size=(450, 600), n_jobs=None, progress=None,
                       description=None) -> Path:  # fmt: skip
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
        14)`` images, spread over the four sources as in HAM10000 (see
        :func:`synthetic_metadata`); lesions have 1 to 4 images.
    seed : int
        Seed: the same seed, ``n_images`` and ``size`` give byte-identical files.
    size : tuple of int (height, width)
        Image size in pixels; the real images are ``(450, 600)``.
    n_jobs : int, optional
        Parallel workers (joblib); ``None`` uses every core. Fewer than 32
        images are painted in this process.
    progress : bool, optional
        Show a progress bar (stderr; stdout in a notebook) after a one-line
        description; ``None`` shows them for more than 300 images.
    description : str, optional
        That line; by default it says how many images are painted, and where.

    Returns
    -------
    pathlib.Path
        ``dest``.

    Notes
    -----
    Lesions differ by class in size, border, colour and dermoscopic structures
    (see :mod:`coursekit.data.lesion_painter`), but each class varies widely, so
    that -- as in HAM10000 -- small images tell the diagnoses apart only weakly.
    Photographs of one lesion show it again with a slight shift, rotation and
    change of scale. Each acquisition site (``dataset`` column) has its camera:
    a white balance and an exposure multiplied into every pixel (which colour
    constancy largely removes), drifting a little between photographs. Their
    strength is calibrated to real images (:data:`REAL_REFERENCE`; the colour and
    texture site effects within 0.05 ARI, seed-averaged; the diagnosis effects are not
    reproduced, see the module docstring). Images are JPEG, quality 90. Image ids
    are ``SYN_0000001`` ... (never a real ISIC id).
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
    middle = _SEED_OFFSET + 1 + (len(table) + 1) // 2
    jobs = [
        (dx, site, lesion_seed, image_seed,
         parts[image_seed[2] >= middle] / f"{image_id}.jpg")
        for dx, site, image_id, (lesion_seed, image_seed) in zip(
            table["dx"], table["dataset"], table["image_id"], _image_seeds(table, seed), strict=True
        )
    ]  # fmt: skip
    n_workers = joblib.cpu_count() if n_jobs in (None, -1) else max(1, int(n_jobs))
    # Enough batches to balance the workers and move the bar; each still worth a process call.
    step = int(np.clip(math.ceil(len(jobs) / (16 * n_workers)), 4, 32))
    batches = [jobs[i : i + step] for i in range(0, len(jobs), step)]
    show = len(jobs) > PROGRESS_THRESHOLD if progress is None else bool(progress)
    with progress_bar(len(jobs), desc="Painting images", unit="img", disable=not show) as bar:
        if not bar.disable:
            bar.write(description or f"Painting {len(jobs)} synthetic HAM10000 images into {dest}.",
                      file=bar.fp)  # fmt: skip
        if n_workers == 1 or len(jobs) < _MIN_PARALLEL:
            done = (_paint_batch(batch, (height, width)) for batch in batches)
        else:
            done = joblib.Parallel(n_jobs=n_workers, return_as="generator_unordered")(
                joblib.delayed(_paint_batch)(batch, (height, width)) for batch in batches
            )
        for count in done:
            bar.update(count)
    # The metadata is written after every image: a folder with it is complete.
    table.to_csv(dest / "HAM10000_metadata.csv", index=False, lineterminator="\n")
    (dest / "README.txt").write_text(
        _README.format(version=TWIN_VERSION, n=n_images, seed=seed, h=height, w=width),
        encoding="utf-8",
    )
    return dest
