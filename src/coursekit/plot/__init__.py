"""Figures for the course: images, galleries, embeddings and charts of results.

Every function returns a :class:`matplotlib.figure.Figure` and never calls
``plt.show()``, so it runs under the Agg backend (tests, ``coursekit demo``, CI).

Figures are made with ``plt.subplots`` and are therefore *pyplot* figures:
in a notebook they appear by themselves at the end of the cell. End the line
with ``;`` (or assign the result, ``fig = ...``) so the figure is not shown
twice. Scripts and loops should close what they make, most simply with
:func:`save_figure`, which writes the file and closes the figure.

Colours follow the Okabe–Ito palette for categories and ``cividis`` for
quantities, both readable with colour-vision deficiencies. Grey images are
drawn with ``cmap="gray"`` over their dtype's full range, never stretched.

Images are ``(H, W)`` or ``(H, W, 3)`` arrays, ``uint8`` in [0, 255] or float
in [0, 1]. The functions take plain arrays and DataFrames (no dependence on
``coursekit.features`` or ``coursekit.cluster``).
"""

from coursekit.plot.charts import (
    class_counts,
    contingency_heatmap,
    elbow_plot,
    learning_curve_plot,
    scores_vs_chance,
)
from coursekit.plot.galleries import cluster_gallery, montage_by_class
from coursekit.plot.images import augmentation_grid, image_grid, segmentation_overlay, show_image
from coursekit.plot.save import save_figure
from coursekit.plot.scatter import colour_scatter, embedding_scatter

__all__ = [
    "augmentation_grid",
    "class_counts",
    "cluster_gallery",
    "colour_scatter",
    "contingency_heatmap",
    "elbow_plot",
    "embedding_scatter",
    "image_grid",
    "learning_curve_plot",
    "montage_by_class",
    "save_figure",
    "scores_vs_chance",
    "segmentation_overlay",
    "show_image",
]
