"""Saving figures to files."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

__all__ = ["save_figure"]


def save_figure(fig, path, dpi=120):
    """Write ``fig`` to ``path``, creating missing folders, then close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure from a :mod:`coursekit.plot` function (or any other).
    path : str or pathlib.Path
        Output file; the suffix picks the format (``.png``, ``.pdf``, ``.svg``, ...).
    dpi : float
        Resolution of raster formats, in dots per inch; a PNG is
        ``figsize * dpi`` pixels.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        If the suffix is not a format matplotlib can write.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import numpy as np
    >>> from coursekit.plot import save_figure, show_image
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "figures" / "black.png"
    >>> save_figure(show_image(np.zeros((8, 8), dtype=np.uint8)), out).exists()
    True
    """
    path = Path(path)
    formats = fig.canvas.get_supported_filetypes()
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in formats:
        plt.close(fig)
        raise ValueError(
            f"cannot save a figure as {path.name!r}: use one of the suffixes "
            f"{', '.join('.' + f for f in sorted(formats))}."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fig.savefig(path, dpi=dpi)
    finally:
        plt.close(fig)
    return path
