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
    "SITE_DIAGNOSES",
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

#: site -> diagnosis code -> number of images: each source's very different case mix.
#: Counted in the ``dataset`` and ``dx`` columns of the published metadata file
#: (HAM10000_metadata, Harvard Dataverse doi:10.7910/DVN/DBW86T, the version with a
#: ``dataset`` column); rows add up to :data:`SITES`, columns to the counts of
#: :data:`DIAGNOSES`. vidir_molemax is almost all naevi under digital follow-up;
#: rosendahl (a skin cancer practice in Queensland) has most akiec, bcc and bkl.
SITE_DIAGNOSES = MappingProxyType(
    {
        "vidir_molemax": MappingProxyType(
            {"nv": 3720, "mel": 24, "bkl": 124, "bcc": 2, "akiec": 0, "vasc": 54, "df": 30}
        ),
        "vidir_modern": MappingProxyType(
            {"nv": 1832, "mel": 680, "bkl": 475, "bcc": 211, "akiec": 32, "vasc": 82, "df": 51}
        ),
        "rosendahl": MappingProxyType(
            {"nv": 803, "mel": 342, "bkl": 490, "bcc": 296, "akiec": 295, "vasc": 3, "df": 30}
        ),
        "vienna_dias": MappingProxyType(
            {"nv": 350, "mel": 67, "bkl": 10, "bcc": 5, "akiec": 0, "vasc": 3, "df": 4}
        ),
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
