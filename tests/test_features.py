"""Tests of coursekit.features: single-image features, the batch extractor, scaling and maps."""

import doctest

import numpy as np
import pytest
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from skimage import color, feature

import coursekit.features as cf
from coursekit.features import (
    FEATURE_KINDS,
    colour_histogram,
    colour_moments,
    extract_features,
    glcm_features,
    hog_features,
    lbp_histogram,
    pca,
    pixel_features,
    reduce_dimensions,
    standardise,
)


def random_image(shape=(16, 16, 3), seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


# --- colour_histogram (graded) --------------------------------------------------------------


def test_colour_histogram_matches_hand_computation():
    image = np.array(
        [[[0, 0, 255], [64, 128, 255]], [[128, 255, 0], [255, 255, 0]]], dtype=np.uint8
    )
    # bins=4 over [0, 1]: edges 0, .25, .5, .75, 1 (last bin closed).
    # R: 0, .251, .502, 1 -> bins 0, 1, 2, 3; G: 0, .502, 1, 1 -> 0, 2, 3, 3; B: 1, 1, 0, 0.
    expected = np.array([1, 1, 1, 1, 1, 0, 1, 2, 2, 0, 0, 2]) / 4
    np.testing.assert_array_equal(colour_histogram(image, bins=4), expected)


@pytest.mark.parametrize("colour_space", ["rgb", "hsv", "lab"])
@pytest.mark.parametrize("bins", [1, 3, 8, 32])
def test_colour_histogram_length_and_sums(colour_space, bins):
    hist = colour_histogram(random_image(), bins=bins, colour_space=colour_space)
    assert hist.shape == (3 * bins,)
    assert hist.dtype == np.float64
    assert np.all(hist >= 0)
    np.testing.assert_allclose(hist.reshape(3, bins).sum(axis=1), 1.0)


@pytest.mark.parametrize("colour_space", ["rgb", "hsv", "lab"])
def test_colour_histogram_follows_the_documented_recipe(colour_space):
    image = random_image((9, 7, 3), seed=3)
    converted = {"rgb": lambda x: x, "hsv": color.rgb2hsv, "lab": color.rgb2lab}[colour_space](
        image / 255.0
    )
    ranges = {"rgb": [(0, 1)] * 3, "hsv": [(0, 1)] * 3, "lab": [(0, 100), (-128, 127), (-128, 127)]}
    expected = []
    for c in range(3):
        counts, _ = np.histogram(converted[..., c], bins=5, range=ranges[colour_space][c])
        expected.append(counts / counts.sum())
    np.testing.assert_allclose(
        colour_histogram(image, bins=5, colour_space=colour_space), np.concatenate(expected)
    )


@given(arrays(np.uint8, st.tuples(st.integers(1, 6), st.integers(1, 6), st.just(3))))
def test_colour_histogram_uint8_and_float_agree(image):
    for colour_space in ("rgb", "hsv", "lab"):
        np.testing.assert_allclose(
            colour_histogram(image, 6, colour_space),
            colour_histogram(image / 255.0, 6, colour_space),
            atol=1e-12,
        )


def test_colour_histogram_hsv_channels_span_zero_to_one():
    # Pure red, green and blue: hue 0, 1/3, 2/3; saturation 1; value 1.
    image = np.array([[[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]]])
    hue, saturation, value = colour_histogram(image, bins=3, colour_space="hsv").reshape(3, 3)
    np.testing.assert_allclose(hue, [1 / 3, 1 / 3, 1 / 3])
    np.testing.assert_allclose(saturation, [0, 0, 1])
    np.testing.assert_allclose(value, [0, 0, 1])


def test_colour_histogram_lab_ranges():
    # Black and white: L* 0 and 100 fall in the first and last L* bin; a* = b* = 0 falls in
    # bin floor((0 + 128) / (255 / 8)) = 4 of [-128, 127].
    image = np.array([[[0, 0, 0], [255, 255, 255]]], dtype=np.uint8)
    lightness, a, b = colour_histogram(image, bins=8, colour_space="lab").reshape(3, 8)
    np.testing.assert_allclose(lightness, [0.5, 0, 0, 0, 0, 0, 0, 0.5])
    np.testing.assert_allclose(a, np.eye(8)[4])
    np.testing.assert_allclose(b, np.eye(8)[4])


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"image": np.zeros((4, 4), np.uint8)}, ValueError, "image .*RGB"),
        ({"bins": 0}, ValueError, "bins"),
        ({"bins": 2.5}, TypeError, "bins"),
        ({"colour_space": "xyz"}, ValueError, "colour_space.*'rgb', 'hsv', 'lab'"),
    ],
)
def test_colour_histogram_errors_name_the_argument(kwargs, error, message):
    arguments = {"image": random_image(), "bins": 8, "colour_space": "rgb", **kwargs}
    with pytest.raises(error, match=message):
        colour_histogram(**arguments)


# --- other single-image features ------------------------------------------------------------


def test_colour_moments_against_numpy_and_scipy():
    image = random_image((10, 12, 3), seed=1)
    pixels = color.rgb2lab(image / 255.0).reshape(-1, 3)
    moments = colour_moments(image, "lab").reshape(3, 3)
    np.testing.assert_allclose(moments[:, 0], pixels.mean(axis=0))
    np.testing.assert_allclose(moments[:, 1], pixels.std(axis=0))
    np.testing.assert_allclose(moments[:, 2], scipy.stats.skew(pixels, axis=0, bias=True))


def test_colour_moments_of_a_flat_image_have_zero_spread_and_skew():
    moments = colour_moments(np.full((5, 5, 3), 0.3)).reshape(3, 3)
    np.testing.assert_allclose(moments[:, 0], 0.3)
    np.testing.assert_array_equal(moments[:, 1:], 0.0)


def test_lbp_histogram_matches_skimage_and_sums_to_one():
    image = random_image((20, 20, 3), seed=2)
    hist = lbp_histogram(image, P=8, R=1.0)
    assert hist.shape == (10,)
    grey = np.rint(color.rgb2gray(image / 255.0) * 255).astype(np.uint8)
    codes = feature.local_binary_pattern(grey, 8, 1.0, method="uniform")
    np.testing.assert_allclose(hist, np.bincount(codes.astype(int).ravel(), minlength=10) / 400)
    assert lbp_histogram(image, P=16, R=2).shape == (18,)


def test_lbp_histogram_of_a_black_image_is_all_code_p():
    # Every neighbour ties the centre, also outside the image (skimage pads with 0).
    np.testing.assert_array_equal(lbp_histogram(np.zeros((6, 6)), P=4, R=1), np.eye(6)[4])


def test_glcm_features_of_stripes():
    stripes = np.tile([0.0, 1.0], (8, 4))  # columns alternate 0 and 1 -> levels 0 and 31
    horizontal = glcm_features(stripes, angles=(0,), levels=32)
    vertical = glcm_features(stripes, angles=(np.pi / 2,), levels=32)
    assert horizontal.shape == (6,)
    assert horizontal[0] == pytest.approx(31**2)  # contrast: every horizontal pair differs by 31
    assert horizontal[1] == pytest.approx(31)  # dissimilarity
    assert vertical[0] == pytest.approx(0.0)  # vertical pairs are equal
    assert vertical[2] == pytest.approx(1.0)  # homogeneity


def test_glcm_features_average_over_angles_and_stack_distances():
    image = random_image((16, 16), seed=4)
    both = glcm_features(image, distances=(1, 2))
    assert both.shape == (12,)
    one = glcm_features(image, distances=(1,))
    np.testing.assert_allclose(both[0::2], one)  # property by property, distance 1 first
    separate = [glcm_features(image, angles=(angle,)) for angle in (0, np.pi / 2)]
    np.testing.assert_allclose(
        glcm_features(image, angles=(0, np.pi / 2)), np.mean(separate, axis=0)
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [({"levels": 1}, "levels"), ({"distances": (0,)}, "distances"), ({"angles": ()}, "angles")],
)
def test_glcm_features_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        glcm_features(random_image(), **kwargs)


def test_hog_features_length_and_small_image_error():
    assert hog_features(random_image((64, 64, 3))).shape == (324,)
    assert hog_features(random_image((64, 64)), pixels_per_cell=(8, 8)).shape == (7 * 7 * 36,)
    with pytest.raises(ValueError, match="image height 16 is smaller than one HOG block"):
        hog_features(random_image((16, 64)))


def test_pixel_features_shape_range_and_dtypes():
    image = random_image((64, 48, 3))
    vector = pixel_features(image, size=(8, 6))
    assert vector.shape == (8 * 6 * 3,)
    assert vector.dtype == np.float64
    assert 0.0 <= vector.min() and vector.max() <= 1.0
    np.testing.assert_allclose(vector, pixel_features(image / 255.0, size=(8, 6)))
    np.testing.assert_allclose(pixel_features(np.full((32, 32), 0.25), size=(4, 4)), 0.25)
    with pytest.raises(ValueError, match="size"):
        pixel_features(image, size=(8,))


# --- extract_features ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def batch():
    return random_image((12, 32, 32, 3), seed=5)


def test_extract_features_stacks_single_image_results(batch):
    result = extract_features(batch, ["colour_histogram", "lbp_histogram"], bins=4)
    assert result.shape == (12, 12 + 10)
    assert result.dtype == np.float64
    for i in (0, 7, 11):
        expected = np.concatenate([colour_histogram(batch[i], bins=4), lbp_histogram(batch[i])])
        np.testing.assert_array_equal(result[i], expected)


def test_extract_features_sends_shared_options_to_every_kind_that_takes_them(batch):
    result = extract_features(batch[:2], ["colour_histogram", "colour_moments"], colour_space="lab")
    np.testing.assert_array_equal(result[1, :24], colour_histogram(batch[1], colour_space="lab"))
    np.testing.assert_array_equal(result[1, 24:], colour_moments(batch[1], colour_space="lab"))


def test_every_kind_works_on_a_batch(batch):
    for name, func in FEATURE_KINDS.items():
        result = extract_features(batch[:3], name)
        np.testing.assert_array_equal(result[2], func(batch[2]))


@pytest.mark.slow  # starts joblib's worker processes: seconds on a busy machine
def test_extract_features_does_not_depend_on_n_jobs(batch):
    kinds = ["colour_histogram", "glcm_features"]
    np.testing.assert_array_equal(
        extract_features(batch, kinds, n_jobs=1), extract_features(batch, kinds, n_jobs=2)
    )


@pytest.mark.parametrize("backend", ["threading", "multiprocessing"])
def test_extract_features_follows_the_joblib_backend(batch, backend):
    import joblib

    with joblib.parallel_config(backend=backend, n_jobs=2):
        result = extract_features(batch[:6], "colour_moments")
    np.testing.assert_array_equal(result, extract_features(batch[:6], "colour_moments"))


def test_extract_features_unknown_kind_lists_the_valid_ones(batch):
    with pytest.raises(ValueError, match="unknown feature kind 'colour'.*colour_histogram"):
        extract_features(batch, "colour")
    with pytest.raises(ValueError, match="kind"):
        extract_features(batch, [])


def test_extract_features_rejects_options_no_kind_takes(batch):
    with pytest.raises(TypeError, match="bins.*lbp_histogram"):
        extract_features(batch, "lbp_histogram", bins=4)


def test_extract_features_reports_batches_the_kind_cannot_use():
    with pytest.raises(ValueError, match=r"images\[0\].*RGB"):
        extract_features(np.zeros((3, 8, 8), np.uint8), "colour_histogram")
    with pytest.raises(ValueError, match="images"):
        extract_features(np.zeros((8, 8, 3), np.uint8), "colour_histogram")


def test_extract_features_progress_bar_goes_to_stderr(batch, capsys):
    extract_features(batch[:3], progress=True)
    assert "features" in capsys.readouterr().err
    extract_features(batch[:3], progress=None)  # small batch: no bar by default
    assert capsys.readouterr().err == ""


# --- standardise, pca, reduce_dimensions -----------------------------------------------------


def test_standardise_scales_columns_and_leaves_constant_ones_at_zero():
    x = np.column_stack([np.arange(5.0), np.full(5, 7.0), np.arange(5.0) ** 2])
    scaled, scaler = standardise(x)
    np.testing.assert_allclose(scaled.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(scaled.std(axis=0), [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(scaled[:, 1], 0.0)
    np.testing.assert_allclose(scaler.transform(x), scaled)


def test_pca_reports_explained_variance():
    rng = np.random.default_rng(0)
    line = np.outer(rng.normal(size=50), [1.0, 2.0, 3.0]) + rng.normal(scale=1e-3, size=(50, 3))
    scores, model = pca(line, n_components=2)
    assert scores.shape == (50, 2)
    assert model.explained_variance_ratio_[0] > 0.999
    np.testing.assert_allclose(reduce_dimensions(line, 2, "pca"), scores)


def test_reduce_dimensions_tsne_small_sets_and_determinism():
    x = np.random.default_rng(1).normal(size=(12, 4))
    first = reduce_dimensions(x, method="tsne", random_state=3)
    assert first.shape == (12, 2)
    np.testing.assert_array_equal(first, reduce_dimensions(x, method="tsne", random_state=3))
    with pytest.raises(ValueError, match="at least 4 samples"):
        reduce_dimensions(x[:3], method="tsne")


@pytest.mark.parametrize(
    "features, kwargs, error, message",
    [
        (np.zeros(5), {}, ValueError, "features has shape .*2-D"),
        (np.array([[0.0, np.nan]]), {}, ValueError, "row 0, column 1"),
        (np.array([["a"]]), {}, TypeError, "features must be numeric"),
        (np.zeros((5, 3)), {"method": "umap"}, ValueError, "method"),
        (np.zeros((5, 3)), {"n_components": 4}, ValueError,
         "n_components must be an integer >= 1 and <= 3"),
        (np.zeros((5, 3)), {"random_state": -1}, ValueError, "random_state"),
    ],
)
def test_reduce_dimensions_validation(features, kwargs, error, message):
    with pytest.raises(error, match=message):
        reduce_dimensions(features, **kwargs)


def test_docstring_examples_run():
    for module in (cf.colour, cf.texture, cf.pixels, cf.batch, cf.embedding):
        failures, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert failures == 0, module.__name__


def test_one_openmp_thread_limits_openmp_only_inside_and_restores():
    import sklearn.cluster  # noqa: F401 - loads scikit-learn's OpenMP library
    from threadpoolctl import threadpool_info, threadpool_limits

    from coursekit.features._threads import one_openmp_thread

    def openmp_threads():
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "openmp"}

    if not openmp_threads():
        pytest.skip("no OpenMP library loaded")
    with threadpool_limits(limits=2, user_api="openmp"):
        for _ in range(2):  # the cached controller limits again on a second use
            with one_openmp_thread():
                assert openmp_threads() == {1}
            assert openmp_threads() == {2}
