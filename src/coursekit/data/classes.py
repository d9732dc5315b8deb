"""The fixed vocabulary of HAM10000: diagnoses, acquisition sites and metadata columns.

Counts are those of the published data set (Tschandl, Rosendahl & Kittler,
Sci Data 5:180161, 2018; 10,015 images of 7,470 lesions).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import NamedTuple

__all__ = [
    "Diagnosis",
    "DIAGNOSES",
    "SITES",
    "REQUIRED_COLUMNS",
    "METADATA_COLUMNS",
    "N_IMAGES",
    "N_LESIONS",
    "IMAGE_SHAPE",
]


class Diagnosis(NamedTuple):
    """One diagnostic class of HAM10000."""

    code: str
    """Code used in the ``dx`` column, e.g. ``"mel"``."""
    name: str
    """Readable name, e.g. ``"melanoma"``."""
    count: int
    """Number of images of this class in the real data set."""


#: code -> :class:`Diagnosis`, most frequent first (the real counts add up to 10,015).
DIAGNOSES = MappingProxyType(
    {
        d.code: d
        for d in (
            Diagnosis("nv", "melanocytic nevi", 6705),
            Diagnosis("mel", "melanoma", 1113),
            Diagnosis("bkl", "benign keratosis-like lesions", 1099),
            Diagnosis("bcc", "basal cell carcinoma", 514),
            Diagnosis("akiec", "actinic keratoses / intraepithelial carcinoma", 327),
            Diagnosis("vasc", "vascular lesions", 142),
            Diagnosis("df", "dermatofibroma", 115),
        )
    }
)

#: acquisition source (the ``dataset`` column of newer metadata copies) -> number of images.
SITES = MappingProxyType(
    {
        "vidir_molemax": 3954,
        "vidir_modern": 3363,
        "rosendahl": 2259,
        "vienna_dias": 439,
    }
)

#: Columns without which the metadata cannot be used.
REQUIRED_COLUMNS = ("lesion_id", "image_id", "dx")

#: Columns of the published metadata file (newer copies add ``dataset``).
METADATA_COLUMNS = ("lesion_id", "image_id", "dx", "dx_type", "age", "sex", "localization")

N_IMAGES = 10_015
N_LESIONS = 7_470
#: (height, width, channels) of every published image.
IMAGE_SHAPE = (450, 600, 3)
