"""Hidden tests of assignment 01-images: resize_image, cluster_pixels, quantise."""

import numpy as np
import pytest
from _checks import (
    GRADING,
    array_problem,
    assert_image_close,
    clustered_images,
    fail,
    images,
    label_mapping,
    run,
    same_partition,
)
from hypothesis import given
from hypothesis import strategies as st

from coursekit import augment, cluster

COLOUR_SPACES = st.sampled_from(["rgb", "hsv", "lab"])
# Centres are compared in the colour space's own units: L* spans 0..100, rgb and hsv 0..1.
CENTRE_TOL = {"rgb": 1e-6, "hsv": 1e-6, "lab": 1e-4}


@pytest.mark.points(2)
def test_resize_image(student):
    """resize_image was compared with the reference (skimage.transform.resize, order=1,
    anti_aliasing=True) on random grey and RGB images (uint8 and float, 1x1 to 16x16) and
    output sizes 1x1 to 20x20, larger and smaller; within 1 grey level for 99% of values
    and 3 for all."""
    resize_image = student.function("resize_image")
    sizes = st.tuples(st.integers(1, 20), st.integers(1, 20))

    @GRADING
    @given(image=images(), size=sizes)
    def check(image, size):
        assert_image_close(
            resize_image(image, size),
            augment.resize_image(image, size),
            {"image": image, "size": size},
            uint8_levels=1,
            float_tol=None,
            within_share=0.99,
            loose_levels=3,
            input_image=image,
            hint="size is (height, width); use bilinear interpolation (order=1) with "
            "anti-aliasing, e.g. skimage.transform.resize(image, size, order=1, "
            "anti_aliasing=True, preserve_range=True), and return the input's dtype.",
        )

    run(check, student)


def _check_clustering(got, expected, inputs, colour_space):
    hint = (
        "cluster the pixels (reshape to (H * W, 3)) in the chosen colour space with "
        "KMeans(n_clusters=k, random_state=random_state), and return labels of shape "
        "(H, W) and the (k, 3) centres."
    )
    if not isinstance(got, tuple) or len(got) != 2:
        fail("expected a tuple (labels, centres)", inputs, expected, got, hint=hint)
    labels, centres = got
    exp_labels, exp_centres = expected
    problem = array_problem(labels, exp_labels, check_dtype=False) or array_problem(
        centres, exp_centres, check_dtype=False
    )
    if problem is None and not np.issubdtype(labels.dtype, np.integer):
        problem = f"labels must be integers, got {labels.dtype}"
    if problem is None and not same_partition(labels, exp_labels):
        problem = "the pixels are grouped differently from the expected clusters"
    if problem is None:
        mapping = label_mapping(labels, exp_labels)
        order = [mapping[j] for j in range(len(exp_centres)) if j in mapping]
        present = [j for j in range(len(exp_centres)) if j in mapping]
        if not np.allclose(
            centres[order], exp_centres[present], rtol=0, atol=CENTRE_TOL[colour_space]
        ):
            problem = (
                "the centres are not the mean colours of their clusters in the "
                f"{colour_space} colour space"
            )
    if problem:
        fail(problem, inputs, expected, got, hint=hint)


@pytest.mark.points(3)
def test_cluster_pixels(student):
    """cluster_pixels was compared with the reference on RGB images (uint8 and float, 1x1 to
    10x10) made of k = 1 ... 4 well separated colours with slight noise, in the rgb, hsv and
    lab colour spaces: the grouping of pixels must be the same (label numbers may differ),
    centres equal within 1e-6 (lab: 1e-4), and a second call with the same random_state
    must give the same labels."""
    cluster_pixels = student.function("cluster_pixels")

    @GRADING
    @given(
        case=clustered_images(),
        colour_space=COLOUR_SPACES,
        random_state=st.sampled_from([0, 1, 42]),
    )
    def check(case, colour_space, random_state):
        image, k = case
        inputs = {
            "image": image,
            "k": k,
            "colour_space": colour_space,
            "random_state": random_state,
        }
        got = cluster_pixels(image, k, colour_space=colour_space, random_state=random_state)
        expected = cluster.cluster_pixels(
            image, k, colour_space=colour_space, random_state=random_state
        )
        _check_clustering(got, expected, inputs, colour_space)
        again = cluster_pixels(image, k, colour_space=colour_space, random_state=random_state)
        if not np.array_equal(np.asarray(again[0]), np.asarray(got[0])):
            fail(
                "a second call with the same random_state gave different label numbers",
                inputs,
                got[0],
                again[0],
                hint="pass random_state to KMeans so that results are reproducible.",
            )

    run(check, student)


@pytest.mark.points(2)
def test_quantise(student):
    """quantise was compared with the reference on RGB images (uint8 and float, 1x1 to 10x10)
    made of k = 1 ... 4 well separated colours with slight noise, in the rgb, hsv and lab
    colour spaces; uint8 within 1 grey level, float within 1e-6."""
    quantise = student.function("quantise")

    @GRADING
    @given(case=clustered_images(), colour_space=COLOUR_SPACES)
    def check(case, colour_space):
        image, k = case
        assert_image_close(
            quantise(image, k, colour_space=colour_space),
            cluster.quantise(image, k, colour_space=colour_space),
            {"image": image, "k": k, "colour_space": colour_space},
            input_image=image,
            hint="paint each pixel with the centre of its cluster, converted back to RGB "
            "(hsv2rgb / lab2rgb) and clipped to [0, 1], in the input's dtype.",
        )

    run(check, student)
