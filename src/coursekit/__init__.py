"""coursekit: cluster medical images and augment small imaging data sets.

Modules
-------
data      HAM10000 reading, downloading, the synthetic twin, lesion-grouped splits
augment   rotations, flips, colour adjustments, blur, noise, seeded pipelines
features  pixel, colour, texture and shape features of images
cluster   pixel and image clustering, lesion segmentation, cluster evaluation
plot      figures for the course (montages, galleries, embeddings, metrics)
grading   the hidden autograder's engine
"""

__version__ = "0.1.0"
