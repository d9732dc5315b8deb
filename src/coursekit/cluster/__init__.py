"""Clustering for the course: pixels of one image, whole images, and judging the clusters.

Modules
-------
pixels    ``cluster_pixels`` (graded) and ``quantise``: k-means on the colours of one image
lesion    ``segment_lesion``: the darkest non-border colour cluster as a lesion mask
images    ``cluster_images`` (graded), ``choose_k``, ``dbscan_eps``: clustering feature vectors
evaluate  ``purity`` (graded), ``contingency_table``, ``evaluate_clustering``,
          ``match_labels``, ``random_baseline``

Label numbers from any clustering are names, not ranks: compare clusterings with
``evaluate_clustering`` (ARI, NMI, purity), never label by label.
"""

from coursekit.cluster.evaluate import (
    contingency_table,
    evaluate_clustering,
    match_labels,
    purity,
    random_baseline,
)
from coursekit.cluster.images import CLUSTER_METHODS, choose_k, cluster_images, dbscan_eps
from coursekit.cluster.lesion import segment_lesion
from coursekit.cluster.pixels import cluster_pixels, quantise

__all__ = [
    "CLUSTER_METHODS",
    "choose_k",
    "cluster_images",
    "cluster_pixels",
    "contingency_table",
    "dbscan_eps",
    "evaluate_clustering",
    "match_labels",
    "purity",
    "quantise",
    "random_baseline",
    "segment_lesion",
]
