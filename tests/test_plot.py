"""coursekit.plot: figures render with Agg, are labelled, validate their inputs, leak nothing."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb, to_rgba
from matplotlib.offsetbox import AnnotationBbox
from PIL import Image

from coursekit import plot
from coursekit.plot._style import NOISE_COLOUR, OKABE_ITO

# tests/conftest.py selects the Agg backend


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _images(n=12, size=16, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (n, size, size, 3), dtype=np.uint8)


def _labels():
    # 6 nv, 4 mel, 2 bcc: aligned with _images(12)
    return np.array(["nv"] * 6 + ["mel"] * 4 + ["bcc"] * 2)


def _panel_titles(fig):
    return [ax.get_title() for ax in fig.axes if ax.get_visible() and ax.axison]


def _row_labels(fig):
    return [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]


# ------------------------------------------------------------------ every function renders

RNG = np.random.default_rng(1)
TABLE = pd.crosstab(
    pd.Series(["nv", "nv", "mel", "bcc", "mel"], name="diagnosis"),
    pd.Series([0, 0, 1, 1, 2], name="cluster"),
)
SCORES = {
    "diagnosis": {"ari": 0.05, "ami": 0.08, "nmi": 0.12, "purity": 0.42, "n_clusters": 4},
    "site": {"ari": 0.71, "ami": 0.66, "nmi": 0.68, "purity": 0.88, "n_clusters": 4},
}
CHANCE = pd.DataFrame(
    {"mean": [0.0, 0.0, 0.03, 0.35], "p2.5": [-0.02, -0.03, 0.01, 0.3],
     "p95": [0.015, 0.02, 0.045, 0.38], "p97.5": [0.02, 0.03, 0.05, 0.4]},
    index=pd.Index(["ari", "ami", "nmi", "purity"], name="score"),
)
BUILDERS = {
    "show_image": lambda: plot.show_image(_images(1)[0]),
    "image_grid": lambda: plot.image_grid(_images(5), suptitle="five"),
    "montage_by_class": lambda: plot.montage_by_class(_images(), _labels()),
    "augmentation_grid": lambda: plot.augmentation_grid(_images(1)[0], {"flip": np.fliplr}),
    "cluster_gallery": lambda: plot.cluster_gallery(_images(), [0, 1, 2, -1] * 3),
    "embedding_scatter": lambda: plot.embedding_scatter(
        RNG.normal(size=(12, 2)), _labels(), thumbnails=_images()
    ),
    "elbow_plot": lambda: plot.elbow_plot([2, 3, 4], [9.0, 5.0, 4.0], [0.3, 0.5, 0.4]),
    "contingency_heatmap": lambda: plot.contingency_heatmap(TABLE, normalise="column"),
    "segmentation_overlay": lambda: plot.segmentation_overlay(
        _images(1)[0], np.eye(16, dtype=bool)
    ),
    "colour_scatter": lambda: plot.colour_scatter(_images(1, 20)[0], n_samples=50),
    "colour_scatter_pairs": lambda: plot.colour_scatter(
        _images(1, 20)[0], np.arange(400) % 3, colour_space="hsv", kind="pairs", n_samples=50
    ),
    "class_counts": lambda: plot.class_counts(_labels()),
    "learning_curve_plot": lambda: plot.learning_curve_plot(
        [10, 20], {"baseline": ([1.0, 0.9], [0.5, 0.6])}
    ),
    "learning_curve_plot_repeats": lambda: plot.learning_curve_plot(
        [10, 20], {"baseline": (np.ones((2, 3)), [[0.5, 0.6, 0.4], [0.6, 0.7, 0.65]])}
    ),
    "scores_vs_chance": lambda: plot.scores_vs_chance(SCORES, {"diagnosis": CHANCE}),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_renders_one_figure_and_saves_a_png(name, tmp_path, monkeypatch):
    def no_show(*args, **kwargs):
        raise AssertionError("plot functions must not call plt.show()")

    monkeypatch.setattr(plt, "show", no_show)
    before = set(plt.get_fignums())
    fig = BUILDERS[name]()
    assert isinstance(fig, matplotlib.figure.Figure)
    # one pyplot figure, so that notebooks display it; nothing else left open
    assert len(set(plt.get_fignums()) - before) == 1
    width_in, height_in = fig.get_size_inches()
    assert 2.0 <= width_in <= 16 and 2.0 <= height_in <= 16, "not a notebook-sized figure"

    path = plot.save_figure(fig, tmp_path / "sub" / "dir" / f"{name}.png", dpi=50)
    assert set(plt.get_fignums()) == before, "save_figure must close the figure"
    assert path.stat().st_size > 1000
    with Image.open(path) as png:
        expected = np.array([width_in, height_in]) * 50
        assert np.all(np.abs(np.array(png.size) - expected) <= 1), (png.size, expected)
        pixels = np.asarray(png.convert("L"))
    assert pixels.std() > 5, "the PNG is blank"


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_chart_and_panel_is_titled(name):
    fig = BUILDERS[name]()
    titled = [ax for ax in fig.axes if ax.get_title() or fig.get_suptitle()]
    assert titled, f"{name} has no title"
    for ax in fig.axes:
        if not ax.axison or ax.get_label() == "<colorbar>":
            continue
        if ax.images and not ax.get_xticks().size:  # an image panel: no ticks, a title
            assert ax.get_title(), f"{name}: an image panel has no title"
        else:  # a chart: both axes labelled
            assert ax.get_xlabel() and ax.get_ylabel(), f"{name}: an axis is unlabelled"


# ------------------------------------------------------------------ show_image


def test_show_image_grey_is_not_stretched():
    dark = np.full((8, 10), 40, dtype=np.uint8)
    fig = plot.show_image(dark)
    ax = fig.axes[0]
    (shown,) = ax.images
    assert shown.get_cmap().name == "gray"
    assert shown.get_clim() == (0, 255)
    assert ax.get_title() == "8 × 10 grey image (uint8)"
    assert ax.get_xticks().size == 0 and ax.get_yticks().size == 0

    light = plot.show_image(np.full((8, 10), 0.9), title="light").axes[0]
    assert light.images[0].get_clim() == (0, 1.0)
    assert light.get_title() == "light"


def test_show_image_masks_and_label_images():
    mask = np.eye(4, dtype=bool)
    ax = plot.show_image(mask).axes[0]
    assert ax.get_title() == "4 × 4 mask"
    assert ax.images[0].get_clim() == (0, 1)
    labels = np.array([[0, 1], [2, -1]])
    ax = plot.show_image(labels).axes[0]
    assert ax.get_title() == "2 × 2 label image (4 labels)"
    shown = ax.images[0].get_array()
    np.testing.assert_allclose(shown[0, 0], to_rgb(OKABE_ITO[0]))
    np.testing.assert_allclose(shown[1, 0], to_rgb(OKABE_ITO[2]))
    np.testing.assert_allclose(shown[1, 1], to_rgb(NOISE_COLOUR))


def test_show_image_draws_on_a_given_axes():
    fig, (a, b) = plt.subplots(1, 2)
    before = plt.get_fignums()
    assert plot.show_image(_images(1)[0], title="left", ax=a) is fig
    assert plt.get_fignums() == before
    assert a.get_title() == "left" and not b.images
    np.testing.assert_array_equal(a.images[0].get_array(), _images(1)[0])


@pytest.mark.parametrize(
    ("bad", "error", "match"),
    [
        (np.zeros((4, 4, 4), dtype=np.uint8), ValueError, "4 channels"),
        (np.zeros((4, 4, 3), dtype=np.int64), TypeError, "dtype int64"),
        (np.zeros((0, 4), dtype=np.int64), ValueError, "empty"),
        (np.full((4, 4), 2.0), ValueError, r"\[0, 1\]"),
    ],
)
def test_show_image_rejects_bad_images(bad, error, match):
    with pytest.raises(error, match=match):
        plot.show_image(bad)


# ------------------------------------------------------------------ image_grid


def test_image_grid_layout_titles_and_suptitle():
    fig = plot.image_grid(_images(5), titles=list("abcde"), ncols=2, suptitle="letters")
    assert len(fig.axes) == 6
    assert _panel_titles(fig) == list("abcde")
    assert not fig.axes[5].axison  # the unused sixth cell is blank
    assert fig.axes[0].get_subplotspec().get_geometry()[:2] == (3, 2)
    assert fig.get_suptitle() == "letters"


def test_image_grid_default_titles_and_mixed_sizes():
    fig = plot.image_grid([np.zeros((4, 6), np.uint8), np.ones((9, 9, 3)), _images(1)[0]])
    assert _panel_titles(fig) == ["#0", "#1", "#2"]
    assert fig.axes[1].images[0].get_array().shape == (9, 9, 3)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"titles": ["a", "b"]}, ValueError, "titles has 2 entries but there are 3 images"),
        ({"titles": "abc"}, TypeError, "titles must be a list"),
        ({"ncols": 0}, ValueError, "ncols must be a positive integer"),
        ({"panel_size": -1}, ValueError, "panel_size"),
    ],
)
def test_image_grid_validates_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        plot.image_grid(_images(3), **kwargs)


def test_image_grid_names_the_bad_image_and_refuses_one_rgb_image():
    with pytest.raises(ValueError, match=r"images\[1\]"):
        plot.image_grid([np.zeros((4, 4), np.uint8), np.zeros((4, 4, 2), np.uint8)])
    with pytest.raises(ValueError, match="looks like one RGB image"):
        plot.image_grid(_images(1)[0])
    with pytest.raises(ValueError, match="empty"):
        plot.image_grid([])


# ------------------------------------------------------------------ galleries


def test_montage_by_class_rows_hold_their_class():
    labels = _labels()
    fig = plot.montage_by_class(_images(), labels, n_per_class=3)
    assert _row_labels(fig) == ["bcc\n(n = 2)", "mel\n(n = 4)", "nv\n(n = 6)"]
    grid = np.array(fig.axes).reshape(3, 3)
    for row, cls in zip(grid, ["bcc", "mel", "nv"], strict=True):
        indices = [int(ax.get_title()[1:]) for ax in row if ax.axison]
        assert len(indices) == min(3, np.sum(labels == cls))
        assert all(labels[i] == cls for i in indices)
        for ax, i in zip(row, indices, strict=False):
            np.testing.assert_array_equal(ax.images[0].get_array(), _images()[i])
    assert fig.get_suptitle() == "Examples of each class"


def test_montage_by_class_is_deterministic_with_random_state():
    labels = np.repeat(["a", "b"], 20)
    images = _images(40)

    def chosen(seed):
        return _panel_titles(plot.montage_by_class(images, labels, random_state=seed))

    assert chosen(3) == chosen(3)
    assert chosen(np.random.default_rng(3)) == chosen(3)
    assert chosen(0) != chosen(1)


def test_montage_by_class_uses_class_names():
    names = {"nv": "naevus", "mel": "melanoma", "bcc": "basal cell"}
    fig = plot.montage_by_class(_images(), _labels(), class_names=names)
    assert _row_labels(fig)[0] == "basal cell\n(n = 2)"
    fig = plot.montage_by_class(_images(3), [1, 0, 1], class_names=["healthy", "disease"])
    assert _row_labels(fig) == ["healthy\n(n = 1)", "disease\n(n = 2)"]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"labels": ["nv"] * 5}, ValueError, "labels has 5 entries but there are 12 images"),
        ({"n_per_class": 0}, ValueError, "n_per_class must be a positive integer"),
        ({"class_names": {"nv": "naevus"}}, ValueError, "no entry for the labels"),
        ({"class_names": ["a", "b"]}, ValueError, "labels must be integers"),
        ({"random_state": -1}, ValueError, "random_state"),
    ],
)
def test_montage_by_class_validates_arguments(kwargs, error, match):
    args = {"labels": _labels(), **kwargs}
    with pytest.raises(error, match=match):
        plot.montage_by_class(_images(), **args)


def test_cluster_gallery_labels_rows_and_puts_noise_last():
    labels = np.array([2, 0, -1, 0, 2, 2, 0, 0, -1, 2, 2, 0])
    fig = plot.cluster_gallery(_images(), labels, n_per_cluster=4)
    assert _row_labels(fig) == ["cluster 0\n(n = 5)", "cluster 2\n(n = 5)", "noise\n(n = 2)"]
    grid = np.array(fig.axes).reshape(3, 4)
    assert sum(ax.axison for ax in grid[2]) == 2
    noise_members = {int(ax.get_title()[1:]) for ax in grid[2] if ax.axison}
    assert noise_members == {2, 8}
    assert fig.get_suptitle() == "Examples from each cluster"
    assert plot.cluster_gallery(_images(), labels, suptitle="k = 2").get_suptitle() == "k = 2"


# ------------------------------------------------------------------ augmentation_grid


def test_augmentation_grid_accepts_callables_and_arrays():
    image = _images(1)[0]
    fig = plot.augmentation_grid(image, {"flip": np.fliplr, "given": image[::-1]})
    assert _panel_titles(fig) == ["original", "flip", "given"]
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), image)
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), np.fliplr(image))
    np.testing.assert_array_equal(fig.axes[2].images[0].get_array(), image[::-1])
    assert fig.get_suptitle() == "Original and augmented versions"


def test_augmentation_grid_wraps_rows():
    transforms = {f"t{i}": np.fliplr for i in range(5)}
    fig = plot.augmentation_grid(_images(1)[0], transforms, ncols=3)
    assert fig.axes[0].get_subplotspec().get_geometry()[:2] == (2, 3)


def test_augmentation_grid_validates_transforms():
    image = _images(1)[0]
    with pytest.raises(ValueError, match=r"transforms\['bad'\] result"):
        plot.augmentation_grid(image, {"ok": np.fliplr, "bad": lambda im: im * 2.0})
    with pytest.raises(TypeError, match="dict"):
        plot.augmentation_grid(image, [np.fliplr])
    with pytest.raises(ValueError, match="empty"):
        plot.augmentation_grid(image, {})


# ------------------------------------------------------------------ embedding_scatter


def test_embedding_scatter_labels_legend_and_colours():
    xy = np.random.default_rng(0).normal(size=(12, 2))
    fig = plot.embedding_scatter(xy, _labels(), xlabel="PC 1", ylabel="PC 2", title="PCA",
                                 label_name="dx")
    ax = fig.axes[0]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("PCA", "PC 1", "PC 2")
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "dx"
    assert [t.get_text() for t in legend.get_texts()] == ["bcc (n = 2)", "mel (n = 4)",
                                                         "nv (n = 6)"]
    colours = [tuple(c.get_facecolors()[0]) for c in ax.collections]
    assert colours == [to_rgba(OKABE_ITO[i]) for i in range(3)]
    mel = ax.collections[1].get_offsets()
    np.testing.assert_allclose(mel, xy[6:10])


def test_embedding_scatter_noise_is_grey_and_many_categories_stay_distinct():
    labels = np.arange(-1, 11).repeat(2)
    fig = plot.embedding_scatter(np.random.default_rng(0).normal(size=(24, 2)), labels)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[-1] == "noise (n = 2)"
    assert tuple(ax.collections[-1].get_facecolors()[0]) == to_rgba(NOISE_COLOUR)
    styles = {
        (tuple(c.get_facecolors()[0]), c.get_paths()[0].vertices.tobytes())
        for c in ax.collections
    }
    assert len(styles) == 12  # colour or marker differs for every category


def test_embedding_scatter_thumbnails_are_a_seeded_subsample():
    xy = np.random.default_rng(0).normal(size=(12, 2))

    def thumbnail_points(seed, k=5):
        fig = plot.embedding_scatter(xy, _labels(), thumbnails=_images(), max_thumbnails=k,
                                     random_state=seed)
        boxes = [a for a in fig.axes[0].artists if isinstance(a, AnnotationBbox)]
        return sorted(tuple(b.xy) for b in boxes)

    points = thumbnail_points(0)
    assert len(points) == 5
    assert all(any(np.allclose(p, q) for q in xy) for p in points)
    assert thumbnail_points(0) == points
    assert thumbnail_points(1) != points
    assert len(thumbnail_points(0, k=100)) == 12


def test_embedding_scatter_grey_thumbnails_keep_their_range():
    grey = np.full((3, 8, 8), 30, dtype=np.uint8)
    fig = plot.embedding_scatter(np.eye(3)[:, :2], None, thumbnails=grey)
    box = next(a for a in fig.axes[0].artists if isinstance(a, AnnotationBbox))
    image = box.offsetbox.get_children()[0]
    assert (image.norm.vmin, image.norm.vmax) == (0, 255)
    assert fig.axes[0].get_legend() is None  # no labels, no legend


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((np.zeros((12, 3)), None), {}, r"expected \(n, 2\)"),
        ((np.zeros((12, 2)), ["a"] * 11), {}, "labels has 11 entries but there are 12 points"),
        ((np.zeros((12, 2)), None), {"thumbnails": _images(11)}, "thumbnails has 11 images"),
        ((np.full((12, 2), np.nan), None), {}, "finite"),
        ((np.zeros((12, 2)), None), {"thumbnails": _images(), "max_thumbnails": 0},
         "max_thumbnails"),
    ],
)
def test_embedding_scatter_validates_arguments(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot.embedding_scatter(*args, **kwargs)


# ------------------------------------------------------------------ elbow_plot


def test_elbow_plot_marks_the_best_silhouette():
    fig = plot.elbow_plot([1, 2, 3, 4], [20.0, 9.0, 5.0, 4.5], [np.nan, 0.4, 0.7, 0.5])
    inertia_ax, sil_ax = fig.axes
    assert sil_ax.get_title() == "Silhouette (best k = 3)"
    star = next(line for line in sil_ax.get_lines() if line.get_marker() == "*")
    assert star.get_xdata()[0] == 3 and star.get_ydata()[0] == 0.7
    vline = next(line for line in inertia_ax.get_lines() if line.get_linestyle() == ":")
    assert vline.get_xdata()[0] == 3
    for ax in fig.axes:
        assert ax.get_xlabel() == "number of clusters k"
    assert "inertia" in inertia_ax.get_ylabel() and "silhouette" in sil_ax.get_ylabel()
    assert list(inertia_ax.get_xticks()) == [1, 2, 3, 4]


def test_elbow_plot_without_silhouette_has_one_panel():
    fig = plot.elbow_plot(np.arange(2, 6), [9, 6, 5, 4.5])
    assert len(fig.axes) == 1
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_ydata(), [9, 6, 5, 4.5])


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([2, 3, 4], [9.0, 5.0]), "inertia has 2 values; expected 3"),
        (([2, 3], [9.0, 5.0], [0.5]), "silhouette has 1 values; expected 2"),
        (([2, 3], [9.0, np.inf]), "non-finite"),
        (([2, 3], [9.0, 5.0], [np.nan, np.nan]), "NaN for every k"),
        (([], []), "non-empty"),
    ],
)
def test_elbow_plot_validates_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        plot.elbow_plot(*args)


# ------------------------------------------------------------------ contingency_heatmap


def _cell_texts(ax):
    return [t.get_text() for t in ax.texts]


def test_contingency_heatmap_annotates_counts_and_labels_axes():
    fig = plot.contingency_heatmap(TABLE)
    ax = fig.axes[0]
    assert _cell_texts(ax) == [f"{v:g}" for v in TABLE.to_numpy().ravel()]
    assert ax.get_xlabel() == "cluster" and ax.get_ylabel() == "diagnosis"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["bcc", "mel", "nv"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2"]
    assert ax.get_title() == "True class vs cluster"
    assert fig.axes[1].get_ylabel() == "count"  # the colour bar


def test_contingency_heatmap_normalises_rows_and_columns():
    table = pd.DataFrame([[3, 1], [0, 0]], index=["a", "b"], columns=["x", "y"])
    ax = plot.contingency_heatmap(table, normalise="row").axes[0]
    assert _cell_texts(ax) == ["75%\n(3)", "25%\n(1)", "0%\n(0)", "0%\n(0)"]
    assert ax.get_title().endswith("(row-normalised)")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("cluster", "true class")
    ax = plot.contingency_heatmap(table, normalise="column").axes[0]
    assert _cell_texts(ax) == ["100%\n(3)", "100%\n(1)", "0%\n(0)", "0%\n(0)"]


def test_contingency_heatmap_text_stays_readable():
    table = pd.DataFrame([[0, 100]])
    ax = plot.contingency_heatmap(table).axes[0]
    low, high = (to_rgb(t.get_color()) for t in ax.texts)
    assert low == (1.0, 1.0, 1.0) and high == (0.0, 0.0, 0.0)  # cividis: dark low, light high


@pytest.mark.parametrize(
    ("table", "kwargs", "error", "match"),
    [
        (np.ones((2, 2)), {}, TypeError, "DataFrame"),
        (pd.DataFrame([[1, -1]]), {}, ValueError, "non-negative"),
        (pd.DataFrame([["a", "b"]]), {}, TypeError, "numbers"),
        (pd.DataFrame(), {}, ValueError, "empty"),
        (pd.DataFrame([[1, 2]]), {"normalise": "rows"}, ValueError, "normalise must be"),
    ],
)
def test_contingency_heatmap_validates_arguments(table, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot.contingency_heatmap(table, **kwargs)


# ------------------------------------------------------------------ segmentation_overlay


def test_segmentation_overlay_draws_boundary_and_tint():
    image = np.full((10, 10), 0.5)
    mask = np.zeros((10, 10), dtype=bool)
    mask[2:8, 2:8] = True
    fig = plot.segmentation_overlay(image, mask, colour=(1.0, 0.0, 0.0), alpha=0.5)
    shown = fig.axes[0].images[0].get_array()
    np.testing.assert_allclose(shown[0, 0], [0.5, 0.5, 0.5])  # outside: unchanged
    np.testing.assert_allclose(shown[2, 2], [1.0, 0.0, 0.0])  # boundary: the colour
    np.testing.assert_allclose(shown[5, 5], [0.75, 0.25, 0.25])  # inside: half tinted
    assert fig.axes[0].get_title() == "segmentation: 36% of pixels"
    assert image[2, 2] == 0.5  # the input is not modified


@pytest.mark.parametrize(
    ("mask", "kwargs", "error", "match"),
    [
        (np.zeros((5, 10), bool), {}, ValueError, r"expected the image's height and width"),
        (np.zeros((10, 10)), {}, TypeError, "bool or integer"),
        (np.zeros((10, 10), bool), {"alpha": 1.5}, ValueError, "alpha"),
    ],
)
def test_segmentation_overlay_validates_arguments(mask, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot.segmentation_overlay(np.zeros((10, 10), np.uint8), mask, **kwargs)


# ------------------------------------------------------------------ colour_scatter


@pytest.mark.parametrize(
    ("space", "names"),
    [("rgb", ("R", "G", "B")), ("lab", ("L*", "a*", "b*")), ("HSV", ("H", "S", "V"))],
)
def test_colour_scatter_labels_axes_with_channel_names(space, names):
    ax = plot.colour_scatter(_images(1)[0], colour_space=space, n_samples=30).axes[0]
    labels = (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel())
    assert tuple(label.split()[0] for label in labels) == names
    assert len(ax.collections[0].get_offsets()) == 30
    assert ax.get_title().startswith("30 sampled pixels")


def test_colour_scatter_points_wear_their_own_colour():
    image = _images(1, 20)[0]
    fig = plot.colour_scatter(image, kind="pairs", n_samples=100)
    assert len(fig.axes) == 3
    rg = fig.axes[0].collections[0]
    offsets = rg.get_offsets()
    assert offsets.shape == (100, 2)
    np.testing.assert_allclose(rg.get_facecolors()[:, :2], offsets)
    assert [ax.get_xlabel().split()[0] for ax in fig.axes] == ["R", "R", "G"]
    assert [ax.get_ylabel().split()[0] for ax in fig.axes] == ["G", "B", "B"]
    pixels = {tuple(p) for p in image.reshape(-1, 3)[:, :2] / 255}
    assert all(tuple(p) in pixels for p in np.round(offsets * 255) / 255)


def test_colour_scatter_by_cluster_and_seeded():
    image = _images(1, 20)[0]
    labels = (image[..., 0] > 127).astype(int)
    fig = plot.colour_scatter(image, labels, n_samples=80, random_state=4)
    ax = fig.axes[0]
    assert [t.get_text().split(" (")[0] for t in ax.get_legend().get_texts()] == ["0", "1"]
    assert ax.get_legend().get_title().get_text() == "cluster"
    assert sum(len(c.get_offsets()) for c in ax.collections) == 80
    # every point of cluster 1 has red > 127 (cluster colours follow the labels)
    reds = ax.collections[1]._offsets3d[0]
    assert np.all(np.asarray(reds) > 127 / 255)
    again = plot.colour_scatter(image, labels, n_samples=80, random_state=4).axes[0]
    np.testing.assert_array_equal(again.collections[1]._offsets3d[0], reds)


@pytest.mark.parametrize(
    ("image", "kwargs", "match"),
    [
        (np.zeros((5, 5), np.uint8), {}, r"expected an RGB image"),
        (np.zeros((5, 5, 3), np.uint8), {"colour_space": "cmyk"}, "colour_space must be one of"),
        (np.zeros((5, 5, 3), np.uint8), {"kind": "2d"}, "kind must be"),
        (np.zeros((5, 5, 3), np.uint8), {"labels": np.zeros(24)}, "one label per pixel"),
        (np.zeros((5, 5, 3), np.uint8), {"n_samples": 0}, "n_samples"),
    ],
)
def test_colour_scatter_validates_arguments(image, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot.colour_scatter(image, **kwargs)


# ------------------------------------------------------------------ class_counts


def test_class_counts_bars_follow_counts():
    fig = plot.class_counts(pd.Series(["mel", "nv", "nv", "nv", "bcc", "nv", "mel"]))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["nv", "mel", "bcc"]
    assert [p.get_height() for p in ax.patches] == [4, 2, 1]
    assert [t.get_text() for t in ax.texts] == ["4\n(57%)", "2\n(29%)", "1\n(14%)"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("class", "number of images")
    assert ax.get_title() == "Number of images per class"


def test_class_counts_respects_order_and_shows_empty_classes():
    ax = plot.class_counts(["nv", "mel", "nv"], order=["mel", "nv", "df"]).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["mel", "nv", "df"]
    assert [p.get_height() for p in ax.patches] == [1, 2, 0]
    with pytest.raises(ValueError, match=r"order does not list the classes \['nv'\]"):
        plot.class_counts(["nv", "mel"], order=["mel"])
    with pytest.raises(ValueError, match="non-empty"):
        plot.class_counts([])


# ------------------------------------------------------------------ learning_curve_plot


def _curve_lines(ax):
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


def test_learning_curve_plot_lines_and_legend():
    sizes = [10, 20, 40]
    folds = np.array([[0.5, 0.7], [0.6, 0.8], [0.7, 0.9]])
    fig = plot.learning_curve_plot(
        sizes, {"none": ([1.0, 0.9, 0.9], folds), "flips": (folds + 0.05, folds)}
    )
    ax = fig.axes[0]
    lines = _curve_lines(ax)
    assert [line.get_label() for line in lines] == ["none: test", "none: train",
                                                   "flips: test", "flips: train"]
    assert [line.get_linestyle() for line in lines] == ["-", "--", "-", "--"]
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()
    np.testing.assert_allclose(lines[0].get_ydata(), [0.6, 0.7, 0.8])  # mean over folds
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("number of training images", "accuracy")
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [line.get_label() for line in lines]
    assert legend.get_title().get_text() == (
        "solid: test, dashed: train\nbars and bands: min–max of 2 repeats"
    )


def _bands(ax):
    """(lower, upper) edges of each shaded band, in drawing order."""
    edges = []
    for band in ax.collections:
        if isinstance(band, matplotlib.collections.FillBetweenPolyCollection):
            vertices = band.get_paths()[0].vertices
            n = (len(vertices) - 1) // 2  # along the lower edge, back along the upper one
            edges.append((vertices[1:n][:, 1], vertices[n + 1 : 2 * n][::-1, 1]))
    return edges


def _error_bars(ax):
    """(lower, upper) ends of the error bars of each errorbar call, in drawing order."""
    ends = []
    for container in ax.containers:
        if isinstance(container, matplotlib.container.ErrorbarContainer):
            (bars,) = container.lines[2]
            segments = np.array(bars.get_segments())
            ends.append((segments[:, 0, 1], segments[:, 1, 1]))
    return ends


REPEATS = np.array([[0.50, 0.55, 0.62], [0.60, 0.66, 0.70], [0.70, 0.72, 0.75]])


@pytest.mark.parametrize(
    ("spread", "low", "high", "text"),
    [
        ("range", REPEATS.min(axis=1), REPEATS.max(axis=1), "min–max"),
        ("sd", REPEATS.mean(axis=1) - REPEATS.std(axis=1),
         REPEATS.mean(axis=1) + REPEATS.std(axis=1), "mean ± 1 SD"),
    ],
)
def test_learning_curve_plot_draws_the_spread_of_the_repeats(spread, low, high, text):
    train = np.ones((3, 3))  # no spread: no band, no bars
    fig = plot.learning_curve_plot([20, 50, 100], {"none": (train, REPEATS),
                                                  "flips": (train - 0.1, REPEATS + 0.05)},
                                   spread=spread)
    ax = fig.axes[0]
    bars = _error_bars(ax)
    assert len(bars) == 2  # one set of error bars per test curve, none for training curves
    np.testing.assert_allclose(bars[0][0], low)
    np.testing.assert_allclose(bars[0][1], high)
    np.testing.assert_allclose(bars[1][0], low + 0.05)
    caps = [line for line in ax.get_lines() if line.get_label().startswith("_")]
    assert len(caps) == 4 and {line.get_marker() for line in caps} == {"_"}  # lower, upper
    bands = _bands(ax)
    assert len(bands) == 4  # test and training band of each setting (training ones flat)
    np.testing.assert_allclose(bands[0][0], low)
    np.testing.assert_allclose(bands[0][1], high)
    np.testing.assert_allclose(bands[1][0], bands[1][1])
    for errorbar, curve in zip(ax.containers, _curve_lines(ax)[::2], strict=True):
        assert to_rgba(errorbar.lines[2][0].get_color()[0]) == to_rgba(curve.get_color())
    title = ax.get_legend().get_title().get_text()
    assert title.endswith(f"bars and bands: {text} of 3 repeats")


def test_learning_curve_plot_without_spread_or_repeats_draws_no_bars():
    for kwargs, scores in (({"spread": None}, REPEATS), ({}, REPEATS.mean(axis=1))):
        ax = plot.learning_curve_plot([20, 50, 100], {"a": (np.ones(3), scores)}, **kwargs).axes[0]
        assert not _error_bars(ax) and not _bands(ax)
        assert ax.get_legend().get_title().get_text() == "solid: test, dashed: train"
        np.testing.assert_allclose(_curve_lines(ax)[0].get_ydata(), REPEATS.mean(axis=1))


def test_learning_curve_plot_names_unequal_repeats():
    fig = plot.learning_curve_plot(
        [20, 50, 100], {"a": (np.ones(3), REPEATS), "b": (np.ones(3), REPEATS[:, :2])}
    )
    assert fig.axes[0].get_legend().get_title().get_text().endswith("min–max of the repeats")


@pytest.mark.parametrize(
    ("scores", "kwargs", "error", "match"),
    [
        ([([1, 1], [1, 1])], {}, TypeError, "dict"),
        ({}, {}, ValueError, "empty"),
        ({"a": ([1, 1],)}, {}, TypeError, "pair"),
        ({"a": ([1, 1, 1], [1, 1])}, {}, ValueError,
         r"scores\['a'\] train_scores has shape \(3,\)"),
        ({"a": ([1, 1], [1, np.nan])}, {}, ValueError, "NaN"),
        ({"a": ([1, 1], np.ones((2, 0)))}, {}, ValueError, r"test_scores has shape \(2, 0\)"),
        ({"a": ([1, 1], [1, 1])}, {"spread": "sem"}, ValueError,
         r"spread must be one of \['range', 'sd'\] or None; got 'sem'"),
    ],
)
def test_learning_curve_plot_validates_arguments(scores, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot.learning_curve_plot([10, 20], scores, **kwargs)


# ------------------------------------------------------------------ scores_vs_chance


def _score_bars(ax):
    """Bars of the scores (coloured, full width) and chance boxes (grey, narrower)."""
    patches = [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)]
    widest = max(p.get_width() for p in patches)
    scores = [p for p in patches if np.isclose(p.get_width(), widest)]
    boxes = [p for p in patches if not np.isclose(p.get_width(), widest)]
    return scores, boxes


def test_scores_vs_chance_bars_boxes_and_means():
    fig = plot.scores_vs_chance(SCORES, {"diagnosis": CHANCE, "site": CHANCE},
                                title="k-means clusters (k = 4) against diagnosis and site, "
                                      "beside chance")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ARI", "AMI", "NMI", "purity"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("measure of agreement",
                                                  "score (1 = perfect match)")
    assert ax.get_title()
    bars, boxes = _score_bars(ax)
    heights = [b.get_height() for b in bars]
    np.testing.assert_allclose(heights, [0.05, 0.08, 0.12, 0.42, 0.71, 0.66, 0.68, 0.88])
    assert to_rgb(bars[0].get_facecolor()) == to_rgb(OKABE_ITO[0])
    assert to_rgb(bars[4].get_facecolor()) == to_rgb(OKABE_ITO[1])
    assert len(boxes) == 8
    np.testing.assert_allclose([b.get_y() for b in boxes[:4]], CHANCE["p2.5"])
    np.testing.assert_allclose([b.get_y() + b.get_height() for b in boxes[:4]], CHANCE["p97.5"])
    for box, bar in zip(boxes, bars, strict=True):  # each box sits on its bar
        assert np.isclose(box.get_x() + box.get_width() / 2, bar.get_x() + bar.get_width() / 2)
    means = [seg[0, 1] for c in ax.collections
             if isinstance(c, matplotlib.collections.LineCollection) for seg in c.get_segments()]
    np.testing.assert_allclose(means, np.tile(CHANCE["mean"], 2))
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["0.05", "0.08", "0.12", "0.42", "0.71", "0.66", "0.68", "0.88"]
    # Each value is written above both its bar and its chance box.
    for text, bar, box in zip(ax.texts, bars, boxes, strict=True):
        assert text.get_position()[1] >= max(bar.get_height(), box.get_y() + box.get_height())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "diagnosis", "site", "chance: 2.5th–97.5th percentile", "chance: mean"]
    fig.canvas.draw()  # a long title and the legend stay inside the figure
    box = fig.bbox
    for artist in (ax.title, ax.get_legend()):
        extent = artist.get_window_extent()
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1 and box.y0 <= extent.y0


def test_scores_vs_chance_takes_random_baseline_and_evaluate_clustering_results():
    from coursekit.cluster import evaluate_clustering, random_baseline

    rng = np.random.default_rng(0)
    truth, labels = rng.integers(0, 3, 60), rng.integers(0, 4, 60)
    scores = {"diagnosis": evaluate_clustering(truth, labels)}
    chance = {"diagnosis": random_baseline(truth, labels, n_repeats=20)}
    ax = plot.scores_vs_chance(scores, chance).axes[0]
    _, boxes = _score_bars(ax)
    summary = chance["diagnosis"]["summary"]
    np.testing.assert_allclose([b.get_y() for b in boxes], summary["p2.5"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[-2] == "chance: 2.5th–97.5th percentile (20 random clusterings)"
    assert ax.get_ylim()[0] < summary["p2.5"].min()  # negative scores stay in view


def test_scores_vs_chance_without_chance_and_with_chosen_metrics():
    table = pd.DataFrame(SCORES).T  # rows: names
    ax = plot.scores_vs_chance(table, metrics=["purity", "ari"]).axes[0]
    bars, boxes = _score_bars(ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["purity", "ARI"]
    np.testing.assert_allclose([b.get_height() for b in bars], [0.42, 0.05, 0.88, 0.71])
    assert not boxes and [t.get_text() for t in ax.get_legend().get_texts()] == ["diagnosis",
                                                                                 "site"]


@pytest.mark.parametrize(
    ("scores", "chance", "kwargs", "error", "match"),
    [
        ([0.1], None, {}, TypeError, "scores must be a non-empty dict"),
        ({"a": 0.1}, None, {}, TypeError, r"scores\['a'\] must be a dict"),
        ({"a": {"x": 1.0}}, None, {}, ValueError, "none of the scores"),
        ({"a": {"ari": 0.1}}, None, {"metrics": ["ari", "ami"]}, ValueError,
         r"scores\['a'\] has no value for \['ami'\]"),
        ({"a": {"ari": np.nan}}, None, {}, ValueError, "non-finite"),
        ({"a": {"ari": 0.1}}, {"b": CHANCE}, {}, ValueError, r"chance has names \['b'\]"),
        ({"a": {"ari": 0.1}}, [CHANCE], {}, TypeError, "chance must be a dict"),
        ({"a": {"ari": 0.1}}, {"a": {"ari": 0.0}}, {}, TypeError, r"chance\['a'\] must be"),
        ({"a": {"ari": 0.1}}, {"a": CHANCE.drop(columns="p2.5")}, {}, ValueError,
         r"lacks the rows or columns \['p2.5'\]"),
        ({"a": {"xyz": 0.1}}, {"a": CHANCE}, {"metrics": ["xyz"]}, ValueError,
         r"lacks the rows or columns \['xyz'\]"),
    ],
)
def test_scores_vs_chance_validates_arguments(scores, chance, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot.scores_vs_chance(scores, chance, **kwargs)


# ------------------------------------------------------------------ save_figure


def test_save_figure_formats_and_bad_suffix(tmp_path):
    path = plot.save_figure(plot.class_counts(["a"]), tmp_path / "a" / "counts.svg")
    assert path.read_text().lstrip().startswith("<?xml")
    before = plt.get_fignums()
    fig = plot.class_counts(["a"])
    with pytest.raises(ValueError, match=r"use one of the suffixes .*\.png"):
        plot.save_figure(fig, tmp_path / "counts.docx")
    assert plt.get_fignums() == before
    assert not (tmp_path / "counts.docx").exists()


# ------------------------------------------------------------------ docstring examples


@pytest.mark.parametrize("module", ["images", "galleries", "scatter", "charts", "save"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"coursekit.plot.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_learning_curve_error_bars_survive_equal_repeats():
    """The mean of equal scores can differ from them in the last bit; bars must not go negative."""
    scores = np.full((3, 3), 0.1 + 0.2 + 0.3)
    fig = plot.learning_curve_plot([10, 20, 30], {"a": (scores, scores + 0.1)}, ylabel="score",
                                   title="equal repeats")  # fmt: skip
    assert fig is not None


def test_contingency_heatmap_turns_long_column_names():
    table = pd.DataFrame([[3, 1, 0, 2], [0, 4, 1, 1]], index=["mel", "nv"],
                         columns=["rosendahl", "vidir_modern", "vidir_molemax", "vienna_dias"])
    fig = plot.contingency_heatmap(table, title="diagnosis by image source")
    ax = fig.axes[0]
    assert all(label.get_rotation() == 30 for label in ax.get_xticklabels())
    plt.close(fig)
