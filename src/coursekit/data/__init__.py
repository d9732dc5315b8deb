"""HAM10000 dermoscopy images: reading, downloading, a synthetic twin, lesion-grouped splits.

Start with :func:`load_dataset`, which returns the real data set when it is on
this computer and a synthetic twin otherwise::

    from coursekit.data import load_dataset
    images, metadata = load_dataset(size=(64, 64))

Images are ``(n, height, width, 3)`` uint8 arrays; ``metadata`` is a pandas
DataFrame aligned with them row for row.
"""

import importlib

# Submodules are imported on first use (PEP 562): joblib workers that only read
# images then import numpy and Pillow, not pandas, scikit-learn or pooch.
_EXPORTS = {
    "DIAGNOSES": "classes", "IMAGE_SHAPE": "classes", "N_IMAGES": "classes",
    "N_LESIONS": "classes", "SITES": "classes", "Diagnosis": "classes",
    "dataset_root": "dataset", "load_dataset": "dataset",
    "download_ham10000": "download",
    "DatasetError": "errors", "DownloadError": "errors", "EmptySelectionError": "errors",
    "ImageReadError": "errors", "MetadataError": "errors", "MissingImagesError": "errors",
    "MissingImagesWarning": "errors",
    "find_images": "images", "read_image": "images",
    "load_ham10000": "loader",
    "load_metadata": "metadata",
    "load_skin": "skin",
    "lesion_train_test_split": "split",
    "synthetic_ham10000": "synthetic",
}  # fmt: skip


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = [
    "DIAGNOSES",
    "IMAGE_SHAPE",
    "N_IMAGES",
    "N_LESIONS",
    "SITES",
    "DatasetError",
    "Diagnosis",
    "DownloadError",
    "EmptySelectionError",
    "ImageReadError",
    "MetadataError",
    "MissingImagesError",
    "MissingImagesWarning",
    "dataset_root",
    "download_ham10000",
    "find_images",
    "lesion_train_test_split",
    "load_dataset",
    "load_ham10000",
    "load_metadata",
    "load_skin",
    "read_image",
    "synthetic_ham10000",
]
