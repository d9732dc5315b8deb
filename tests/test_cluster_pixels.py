"""Tests of pixel clustering: cluster_pixels, quantise and segment_lesion."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

import coursekit.cluster.lesion as lesion_module
from coursekit.cluster import cluster_pixels, quantise, segment_lesion
from coursekit.features import convert_colour

COLOURS = np.array([[0.1, 0.2, 0.7], [0.9, 0.8, 0.2], [0.5, 0.1, 0.1]])  # blue, yellow, red


def three_regions(dtype=np.float64):
    truth = np.zeros((12, 15), dtype=int)
    truth[:, 5:10] = 1
    truth[4:8, 10:] = 2
    image = COLOURS[truth]
    if dtype == np.uint8:
        image = np.rint(image * 255).astype(np.uint8)
    return image, truth


# --- cluster_pixels (graded) -----------------------------------------------------------------


@pytest.mark.parametrize("colour_space", ["rgb", "hsv", "lab"])
@pytest.mark.parametrize("dtype", [np.float64, np.uint8])
def test_cluster_pixels_recovers_flat_regions_exactly(colour_space, dtype):
    image, truth = three_regions(dtype)
    labels, centres = cluster_pixels(image, 3, colour_space=colour_space)
    assert labels.shape == truth.shape
    assert np.issubdtype(labels.dtype, np.integer)
    assert adjusted_rand_score(truth.ravel(), labels.ravel()) == 1.0
    assert centres.shape == (3, 3)
    converted = convert_colour(image, colour_space)
    for label in range(3):  # each centre is the colour of its region, in the space's units
        np.testing.assert_allclose(centres[label], converted[labels == label][0], atol=1e-9)


def test_cluster_pixels_numbers_clusters_from_dark_to_light():
    image, truth = three_regions()
    labels, centres = cluster_pixels(image, 3, colour_space="lab")
    assert np.all(np.diff(centres[:, 0]) > 0)  # L* increases with the label
    lightness = convert_colour(image, "lab")[..., 0]
    assert lightness[labels == 0].mean() < lightness[labels == 2].mean()
    rgb_labels, rgb_centres = cluster_pixels(image, 3, colour_space="rgb")
    assert np.all(np.diff(rgb_centres.sum(axis=1)) > 0)
    np.testing.assert_array_equal(rgb_labels, labels)  # same order here in both spaces


def test_cluster_pixels_is_deterministic_for_a_random_state():
    image = np.random.default_rng(0).random((20, 20, 3))
    first = cluster_pixels(image, 4, random_state=7)
    second = cluster_pixels(image, 4, random_state=7)
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    generator = cluster_pixels(image, 4, random_state=np.random.default_rng(7))
    assert set(np.unique(generator[0])) == {0, 1, 2, 3}


@pytest.mark.parametrize(
    "image, k, error, message",
    [
        (np.zeros((4, 4, 3)), 0, ValueError, "k must be an integer >= 1 and <= 16"),
        (np.zeros((4, 4, 3)), 17, ValueError, "k must be an integer >= 1 and <= 16; got 17"),
        (np.zeros((4, 4, 3)), 2.0, TypeError, "k must be an integer"),
        (np.zeros((4, 4)), 2, ValueError, "image has shape .*RGB"),
        (np.full((4, 4, 3), 2.0), 2, ValueError, "image is float"),
    ],
)
def test_cluster_pixels_validation(image, k, error, message):
    with pytest.raises(error, match=message):
        cluster_pixels(image, k)


def test_cluster_pixels_rejects_unknown_colour_space():
    with pytest.raises(ValueError, match="colour_space"):
        cluster_pixels(np.zeros((4, 4, 3)), 2, colour_space="cmyk")


# --- quantise --------------------------------------------------------------------------------


@pytest.mark.parametrize("colour_space", ["rgb", "hsv", "lab"])
def test_quantise_keeps_dtype_and_reproduces_flat_regions(colour_space):
    image, _ = three_regions(np.uint8)
    result = quantise(image, 3, colour_space=colour_space)
    assert result.dtype == np.uint8 and result.shape == image.shape
    assert np.abs(result.astype(int) - image).max() <= 1  # colour round trips may round


def test_quantise_float_image_uses_at_most_k_colours():
    image = np.random.default_rng(2).random((16, 16, 3)).astype(np.float32)
    result = quantise(image, 5, colour_space="lab")
    assert result.dtype == np.float32 and result.shape == image.shape
    assert len(np.unique(result.reshape(-1, 3), axis=0)) <= 5
    assert 0.0 <= result.min() and result.max() <= 1.0


# --- segment_lesion --------------------------------------------------------------------------


def drawn_lesion(
    size=64,
    centre=(32, 32),
    radius=12,
    skin=(0.85, 0.7, 0.6),
    lesion=(0.35, 0.2, 0.12),
    vignette=None,
    noise=0.03,
    seed=0,
):
    """A dark disc on light skin, with noise and optionally a black round field of view."""
    rows, cols = np.mgrid[:size, :size]
    disc = (rows - centre[0]) ** 2 + (cols - centre[1]) ** 2 < radius**2
    image = np.empty((size, size, 3))
    image[:] = skin
    image[disc] = lesion
    if vignette is not None:  # outside a circle of `vignette` x half the side
        half = (size - 1) / 2
        image[(rows - half) ** 2 + (cols - half) ** 2 > (vignette * size / 2) ** 2] = 0.04
    rng = np.random.default_rng(seed)
    image = np.clip(image + rng.normal(0, noise, image.shape), 0, 1)
    return np.rint(image * 255).astype(np.uint8), disc


def iou(a, b):
    return (a & b).sum() / (a | b).sum()


SCENES = {
    "centred": {},
    "off-centre": {"centre": (20, 44), "radius": 10},
    "near the corner": {"centre": (48, 50), "radius": 8},
    "cut by the edge": {"centre": (30, 56), "radius": 13},
    "blue cast": {"skin": (0.6, 0.7, 0.9), "lesion": (0.2, 0.25, 0.45)},
    "red cast": {"skin": (0.95, 0.6, 0.55), "lesion": (0.5, 0.15, 0.15)},
    "dark vignette": {"vignette": 1.0},
    "wide vignette": {"vignette": 0.8, "radius": 10},
}


@pytest.mark.parametrize("scene", SCENES)
@pytest.mark.parametrize("k", [2, 3])
def test_segment_lesion_finds_a_drawn_disc(scene, k):
    image, disc = drawn_lesion(**SCENES[scene])
    for random_state in (0, 1, 2):
        mask = segment_lesion(image, k=k, random_state=random_state)
        assert mask.dtype == bool and mask.shape == disc.shape
        assert iou(mask, disc) > 0.9, (scene, k, random_state)


@pytest.mark.parametrize("colour_space", ["rgb", "hsv"])
def test_segment_lesion_in_other_colour_spaces(colour_space):
    image, disc = drawn_lesion(centre=(25, 38))
    assert iou(segment_lesion(image, colour_space=colour_space), disc) > 0.9


@pytest.mark.parametrize("k", [2, 3])
def test_segment_lesion_ignores_kmeans_label_numbers(monkeypatch, k):
    image, disc = drawn_lesion(vignette=0.9, centre=(30, 36))
    real = lesion_module.cluster_colours
    for seed in range(4):

        def shuffled(colours, k, *args, seed=seed):
            labels, centres = real(colours, k, *args)
            permutation = np.random.default_rng(seed).permutation(k)
            return permutation[labels], centres[np.argsort(permutation)]

        monkeypatch.setattr(lesion_module, "cluster_colours", shuffled)
        assert iou(segment_lesion(image, k=k), disc) > 0.9, seed


def test_segment_lesion_sets_the_vignette_aside_even_when_darkest():
    image, disc = drawn_lesion(vignette=1.0)
    labels, _ = cluster_pixels(image, 3, "lab", 0)
    corner_cluster = labels[0, 0]
    assert corner_cluster == 0  # the vignette is the darkest cluster ...
    mask = segment_lesion(image, k=3)
    assert not mask[0, 0]  # ... but not the lesion
    assert iou(mask, disc) > 0.9


def test_segment_lesion_reclusters_after_setting_a_vignette_cluster_aside():
    # A pale lesion in a round field of view: with k=2, k-means first gives the black
    # corners a cluster of their own and lumps lesion and skin together.
    image, disc = drawn_lesion(vignette=0.85, lesion=(0.6, 0.45, 0.35), radius=9)
    labels, _ = cluster_pixels(image, 2, "lab", 0)
    assert labels[0, 0] != labels[32, 32] and labels[32, 32] == labels[32, 10]
    assert iou(segment_lesion(image, k=2), disc) > 0.9


def test_segment_lesion_never_calls_the_surrounding_skin_the_lesion():
    # A pink lesion lighter than the skin: the darker skin, holes filled, would cover the
    # whole image, so it counts as background and the lesion wins.
    image, disc = drawn_lesion(skin=(0.55, 0.4, 0.35), lesion=(0.95, 0.6, 0.6))
    assert iou(segment_lesion(image), disc) > 0.9


def test_segment_lesion_clean_up_drops_specks_and_fills_holes():
    image, disc = drawn_lesion(noise=0.0)
    image[10, 10] = image[54, 12] = [60, 30, 20]  # dark specks on the skin, off the border
    rows, cols = np.mgrid[:64, :64]
    hole = (rows - 32) ** 2 + (cols - 32) ** 2 < 3**2
    image[hole] = [215, 180, 150]  # a light spot inside the lesion
    raw = segment_lesion(image, clean=False)
    assert raw[10, 10] and not raw[32, 32]
    cleaned = segment_lesion(image)
    assert not cleaned[10, 10] and cleaned[32, 32]
    np.testing.assert_array_equal(cleaned, disc)


def test_segment_lesion_validation():
    image, _ = drawn_lesion(size=16, centre=(8, 8), radius=4)
    with pytest.raises(ValueError, match="k must be an integer >= 2"):
        segment_lesion(image, k=1)
    with pytest.raises(ValueError, match="image has shape"):
        segment_lesion(image[..., 0])
