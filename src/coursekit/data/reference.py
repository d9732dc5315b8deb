"""What simple clusters of real HAM10000 images follow, measured over k-means seeds, and the
function that measures it again on any copy (a real one, or the synthetic twin).

:data:`REAL_REFERENCE` holds the figures the synthetic twin is calibrated to, one row per
measurement and target: the adjusted Rand index (or AMI) of k-means clusters against the
image source (``dataset`` column) and the diagnosis (``dx``), as a mean and range over k-means
seeds beside the chance band, where that was measured, and the single-seed figure first
published. An instructor with the real images recomputes every row with
:func:`reference_table` (or ``python tools/real_reference.py FOLDER``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "MEASUREMENTS",
    "REAL_REFERENCE",
    "REAL_SITE_COLOURS",
    "TOLERANCE",
    "TWIN_GAPS",
    "Measurement",
    "RealFigure",
    "calibration_table",
    "reference_table",
    "site_colours",
]

#: Images per diagnosis in the balanced sample (notebook 3, section 7).
BALANCED_PER_CLASS = 40


class Measurement(NamedTuple):
    """One clustering of :data:`MEASUREMENTS`: which features, how many clusters, which sample."""

    measure: str
    """Readable name, e.g. ``"colour histogram, k = 7"``."""
    sample: str
    """``"all"``: every image; ``"balanced"``: at most 40 images per diagnosis, drawn at
    random (notebook 3 loads ``load_dataset(size=(64, 64), n_per_class=40, random_state=0)``;
    run ``i`` of :func:`reference_table` draws with ``random_state=i``)."""
    kind: str
    """Feature kind for :func:`coursekit.features.extract_features` (default options)."""
    k: int
    """Number of k-means clusters."""
    colour_constancy: bool
    """Whether :func:`coursekit.augment.colour_constancy` was applied to every image first."""


#: The clusterings measured, in the order of the notebooks' tables.
MEASUREMENTS = (
    Measurement("colour histogram, k = 7", "all", "colour_histogram", 7, False),
    Measurement("raw pixels, k = 4", "all", "pixel_features", 4, False),
    Measurement("LBP texture, k = 7", "all", "lbp_histogram", 7, False),
    Measurement("colour histogram after colour constancy, k = 7", "all", "colour_histogram", 7,
                True),
    Measurement("colour histogram, k = 7, balanced sample", "balanced", "colour_histogram", 7,
                False),
)  # fmt: skip


class RealFigure(NamedTuple):
    """One row of :data:`REAL_REFERENCE`: a score on real images, with its spread if measured.

    ``mean``, ``low``, ``high`` are the mean, lowest and highest score over ``n_seeds``
    k-means seeds (NaN where only one seed was run: then ``n_seeds == 1`` and ``mean`` is
    ``seed0``); ``chance_low`` to ``chance_high`` is the chance band (2.5th to 97.5th
    percentile of shuffled clusterings; NaN where not measured).
    """

    measure: str
    sample: str
    target: str
    score: str
    n_images: int
    seed0: float
    mean: float
    low: float
    high: float
    chance_low: float
    chance_high: float
    n_seeds: int
    tolerance: float
    """How close the synthetic twin's seed-averaged score is held to ``mean`` (see
    :func:`calibration_table`)."""


_NAN = math.nan
#: Real HAM10000: 277 images of all 7 diagnoses and all 4 sources (coursekit issues 11 and
#: 20), loaded at 64 x 64 pixels, features of one kind (default options),
#: :func:`coursekit.features.standardise`, k-means (``n_init=10``). First measured with
#: k-means seed 0 only (``seed0``); a second review repeated the key figures over 30 seeds
#: (seeds 0-29; the balanced sample: 146 images, 40 naevi and 10-40 of each other
#: diagnosis) with chance bands from shuffled clusterings. Rows with ``n_seeds == 1`` were
#: not repeated: their spread is unknown (recompute them with :func:`reference_table`).
REAL_REFERENCE = (
    RealFigure("colour histogram, k = 7", "all", "site", "ari", 277, 0.22, 0.18, 0.07, 0.24,
               _NAN, _NAN, 30, 0.05),
    RealFigure("colour histogram, k = 7", "all", "diagnosis", "ari", 277, 0.03, 0.03, _NAN, _NAN,
               -0.02, 0.03, 1, 0.05),
    RealFigure("colour histogram, k = 7", "all", "diagnosis", "ami", 277, 0.08, 0.08, _NAN, _NAN,
               -0.02, 0.02, 1, 0.10),
    RealFigure("raw pixels, k = 4", "all", "site", "ari", 277, 0.30, 0.30, _NAN, _NAN, _NAN,
               _NAN, 1, 0.10),
    RealFigure("raw pixels, k = 4", "all", "diagnosis", "ari", 277, 0.080, 0.080, _NAN, _NAN,
               _NAN, _NAN, 1, 0.10),
    RealFigure("LBP texture, k = 7", "all", "site", "ari", 277, 0.03, 0.03, _NAN, _NAN, _NAN,
               _NAN, 1, 0.05),
    RealFigure("LBP texture, k = 7", "all", "diagnosis", "ari", 277, 0.051, 0.051, _NAN, _NAN,
               _NAN, _NAN, 1, 0.10),
    RealFigure("colour histogram after colour constancy, k = 7", "all", "site", "ari", 277, 0.04,
               0.04, _NAN, _NAN, _NAN, _NAN, 1, 0.05),
    RealFigure("colour histogram, k = 7, balanced sample", "balanced", "site", "ari", 146, 0.045,
               0.08, 0.03, 0.14, _NAN, 0.04, 30, 0.05),
    RealFigure("colour histogram, k = 7, balanced sample", "balanced", "diagnosis", "ari", 146,
               -0.017, -0.017, _NAN, _NAN, _NAN, _NAN, 1, 0.05),
)  # fmt: skip

#: Mean RGB and standard deviation (over all pixels of a site's images, 0-255) per site,
#: measured on the same real images at 64 x 64 pixels.
REAL_SITE_COLOURS = {
    "rosendahl": ((191, 152, 157), (28, 34, 38)),
    "vidir_modern": ((187, 153, 164), (32, 36, 40)),
    "vidir_molemax": ((213, 127, 134), (26, 36, 39)),
    "vienna_dias": ((194, 142, 148), (46, 46, 55)),
}

#: The widest any row of :data:`REAL_REFERENCE` is allowed (its own ``tolerance`` may be
#: tighter): the synthetic twin follows the real scores to within this, seed-averaged.
TOLERANCE = max(figure.tolerance for figure in REAL_REFERENCE)


#: What the synthetic twin does not reproduce of :data:`REAL_REFERENCE` (its tolerance there
#: is 0.10, wider than the real effects themselves); notebook 1 prints this list.
TWIN_GAPS = (
    "raw-pixel and texture (LBP) clusters follow the real diagnoses weakly (ARI 0.08 and 0.05, "
    "seed 0); the twin's follow its painted diagnoses hardly at all",
    "texture follows the real diagnosis a little more than the real image source; on the twin "
    "it follows the source, weakly, and the diagnosis not at all",
    "colour clusters tell more about the real diagnoses (AMI 0.08) than about the twin's",
    "in a sample balanced by diagnosis the twin's clusters follow its painted diagnoses a "
    "little; real ones do not",
)


def _features(images, measurement):
    from coursekit import augment, features

    if measurement.colour_constancy:
        images = np.stack([augment.colour_constancy(image) for image in images])
    return features.extract_features(images, kind=measurement.kind, progress=False)


def _standardise_then_kmeans(values, k, random_state):
    """Standardise the rows clustered (all, or one sample), then k-means: as notebook 3 does."""
    from sklearn.cluster import KMeans

    from coursekit.features import standardise

    return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(
        standardise(values)[0]
    )


def _balanced_samples(metadata, n_samples):
    from .loader import select_rows

    position = pd.Series(np.arange(len(metadata)), index=metadata["image_id"].to_numpy())
    samples = []
    for seed in range(n_samples):
        rows = select_rows(metadata, n_per_class=BALANCED_PER_CLASS, random_state=seed)
        samples.append(np.sort(position[rows["image_id"].to_numpy()].to_numpy()))
    return samples


def reference_table(root, seeds=30, n_shuffles=1000, size=(64, 64), progress=False):
    """Measure every clustering of :data:`MEASUREMENTS` on a HAM10000 copy, over seeds.

    Parameters
    ----------
    root : str or os.PathLike
        Folder of a HAM10000 copy: the real images (e.g. a subset downloaded with
        ``coursekit data download``) or a synthetic twin.
    seeds : int, optional
        k-means seeds ``0 .. seeds - 1`` (>= 1; 30 for the published table). In the
        balanced sample, run ``i`` also draws its own sample (``random_state=i``), so its
        spread covers the seed and the sample.
    n_shuffles : int, optional
        Shuffled clusterings per row for the chance band (at least this many in all).
    size : tuple of int, optional
        Image size (height, width) the images are loaded at.
    progress : bool, optional
        Show a progress bar while loading.

    Returns
    -------
    pandas.DataFrame
        One row per measurement, target (``"site"``, ``"diagnosis"``) and score (``"ari"``,
        ``"ami"``), in the order of :data:`MEASUREMENTS`; columns ``measure, sample,
        target, score, n_images, seed0`` (the run with seed 0 and, for the balanced sample,
        the sample notebook 3 loads), ``mean, sd, min, max`` over the runs, ``chance_low,
        chance_high`` (2.5th and 97.5th percentile of the shuffles), ``n_seeds`` and
        ``verdict`` (:func:`coursekit.cluster.verdict`). ``n_images`` of the balanced rows is
        the size of sample 0.

    Notes
    -----
    Every image is loaded once (``load_ham10000(root, size=size)``); features are
    standardised over the images clustered (all, or one sample), then clustered with
    k-means (``n_init=10``). The balanced samples are drawn from it with
    :func:`coursekit.data.loader.select_rows`, as ``load_dataset(..., n_per_class=40,
    random_state=i)`` draws them.
    """
    from coursekit.cluster import score_over_seeds, verdict

    from .loader import load_ham10000

    images, metadata = load_ham10000(root, size=size, progress=progress)
    metadata = metadata.reset_index(drop=True)
    targets = {"site": metadata["dataset"].to_numpy(), "diagnosis": metadata["dx"].to_numpy()}
    n_runs = len(range(seeds)) if not isinstance(seeds, int) else seeds
    balanced = _balanced_samples(metadata, n_runs)
    rows, cache = [], {}
    for measurement in MEASUREMENTS:
        key = (measurement.kind, measurement.colour_constancy)
        if key not in cache:
            cache[key] = _features(images, measurement)
        samples = balanced if measurement.sample == "balanced" else None
        result = score_over_seeds(cache[key], targets, measurement.k, seeds=seeds,
                                  samples=samples, cluster=_standardise_then_kmeans,
                                  n_shuffles=n_shuffles)  # fmt: skip
        first = result["scores"].iloc[0]
        n_images = len(samples[0]) if samples is not None else len(images)
        for (target, score), row in result["summary"].iterrows():
            rows.append({
                "measure": measurement.measure, "sample": measurement.sample, "target": target,
                "score": score, "n_images": n_images, "seed0": float(first[f"{target} {score}"]),
                "mean": row["mean"], "sd": row["sd"], "min": row["min"], "max": row["max"],
                "chance_low": row["chance_p2.5"], "chance_high": row["chance_p97.5"],
                "n_seeds": int(row["n_runs"]), "verdict": verdict(row),
            })  # fmt: skip
    return pd.DataFrame(rows)


def calibration_table(root, seeds=30, n_shuffles=1000) -> pd.DataFrame:
    """Compare the twin in folder ``root`` with :data:`REAL_REFERENCE`, seed-averaged.

    Parameters
    ----------
    root : str or os.PathLike
        Folder of a HAM10000 copy, usually a synthetic twin.
    seeds : int, optional
        k-means seeds (and balanced samples) to average over, as in
        :func:`reference_table`.
    n_shuffles : int, optional
        Shuffles for the twin's chance bands.

    Returns
    -------
    pandas.DataFrame
        One row per figure of :data:`REAL_REFERENCE`, with columns ``measure, sample,
        target, score, n_images, twin`` (the twin's mean over the seeds), ``twin_min,
        twin_max, twin_chance_high, real`` (the real mean; the seed-0 figure where the real
        one was not repeated over seeds), ``real_n_seeds, difference = twin - real,
        tolerance`` (the row's) and ``within`` (``|difference| <= tolerance``).
    """
    twin = reference_table(root, seeds=seeds, n_shuffles=n_shuffles).set_index(
        ["measure", "target", "score"]
    )
    rows = []
    for figure in REAL_REFERENCE:
        measured = twin.loc[(figure.measure, figure.target, figure.score)]
        difference = float(measured["mean"] - figure.mean)
        rows.append({
            "measure": figure.measure, "sample": figure.sample, "target": figure.target,
            "score": figure.score, "n_images": int(measured["n_images"]),
            "twin": float(measured["mean"]), "twin_min": float(measured["min"]),
            "twin_max": float(measured["max"]), "twin_chance_high": float(measured["chance_high"]),
            "real": figure.mean, "real_n_seeds": figure.n_seeds, "difference": difference,
            "tolerance": figure.tolerance, "within": bool(abs(difference) <= figure.tolerance),
        })  # fmt: skip
    return pd.DataFrame(rows)


def site_colours(images, metadata) -> pd.DataFrame:
    """Mean RGB and standard deviation over all pixels of each site's images.

    Parameters
    ----------
    images : (n, height, width, 3) ndarray of uint8
    metadata : pandas.DataFrame
        Row ``i`` describes ``images[i]``; its ``dataset`` column names the site.

    Returns
    -------
    pandas.DataFrame
        Index: site; columns ``n_images``, ``mean_r, mean_g, mean_b`` and ``sd_r, sd_g,
        sd_b`` (0-255), comparable with :data:`REAL_SITE_COLOURS` at 64 x 64 pixels.
    """
    pixels = np.asarray(images, dtype=np.float64).reshape(len(images), -1, 3)
    rows = {}
    for site, positions in metadata.groupby("dataset").indices.items():
        values = pixels[positions].reshape(-1, 3)
        mean, sd = values.mean(axis=0), values.std(axis=0)
        rows[site] = {"n_images": len(positions),
                      **{f"mean_{c}": m for c, m in zip("rgb", mean, strict=True)},
                      **{f"sd_{c}": s for c, s in zip("rgb", sd, strict=True)}}  # fmt: skip
    return pd.DataFrame.from_dict(rows, orient="index")
