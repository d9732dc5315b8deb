"""Clustering for the course: pixels of one image, whole images, and judging the clusters.

Modules
-------
pixels    ``cluster_pixels`` (graded) and ``quantise``: k-means on the colours of one image
lesion    ``segment_lesion``: the darkest non-border colour cluster as a lesion mask
images    ``cluster_images`` (graded), ``choose_k``, ``dbscan_eps``: clustering feature vectors
evaluate  ``purity`` (graded), ``contingency_table``, ``evaluate_clustering``,
          ``match_labels``, ``random_baseline``; ``SCORES``, ``BASELINE_COLUMNS``
spread    ``score_over_seeds``, ``spread_text``, ``verdict``: a score's mean and range over
          k-means seeds (and samples) beside its chance band

Label numbers from any clustering are names, not ranks: compare clusterings with
``evaluate_clustering`` (ARI, AMI, NMI, purity), never label by label, and beside the
chance level and its spread from ``random_baseline``. ARI and AMI are 0 for chance;
NMI and purity are not: chance gives them values above 0.
"""

from coursekit.cluster.evaluate import (
    BASELINE_COLUMNS,
    SCORES,
    contingency_table,
    evaluate_clustering,
    match_labels,
    purity,
    random_baseline,
)
from coursekit.cluster.images import CLUSTER_METHODS, choose_k, cluster_images, dbscan_eps
from coursekit.cluster.lesion import segment_lesion
from coursekit.cluster.pixels import cluster_pixels, quantise
from coursekit.cluster.spread import SPREAD_COLUMNS, score_over_seeds, spread_text, verdict

__all__ = [
    "BASELINE_COLUMNS",
    "SPREAD_COLUMNS",
    "CLUSTER_METHODS",
    "SCORES",
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
    "score_over_seeds",
    "spread_text",
    "verdict",
    "segment_lesion",
]
