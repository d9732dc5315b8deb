"""Every named check has its contract, quick inputs and hidden test; the references pass them all;
the discriminating inputs really discriminate."""

import importlib
import importlib.util
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.mixture import GaussianMixture

from coursekit import cluster
from coursekit.checks import QuickCheckFailed, check, load_contracts, run_quick_checks, yours
from coursekit.checks import clustering as C
from coursekit.checks import images as I
from coursekit.checks._registry import CONTRACTS, QUICK_INPUTS
from coursekit.checks.compare import same_partition
from coursekit.grading.plugin import check_of_function
from coursekit.grading.questions import ASSIGNMENTS, QUESTIONS, hidden_test_file

load_contracts()
AUTOGRADER = Path(__file__).resolve().parents[1] / "autograder"
PAIRS = {(q.name, c.name) for q in QUESTIONS for c in q.checks}


def _hidden_module(assignment):
    """The hidden test module of ``assignment``, imported as the grader imports it."""
    sys.path.insert(0, str(AUTOGRADER))
    try:
        spec = importlib.util.spec_from_file_location(
            f"_hidden_{assignment.replace('-', '_')}", AUTOGRADER / hidden_test_file(assignment)
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(AUTOGRADER))
    return module


def _hidden_tests(assignment):
    module = _hidden_module(assignment)
    return {check_of_function(f): name for name, f in vars(module).items()
            if name.startswith("test_") and check_of_function(f)}  # fmt: skip


def test_every_check_has_a_contract_and_quick_inputs():
    assert set(CONTRACTS) == PAIRS
    assert all(QUICK_INPUTS[pair] for pair in PAIRS)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_check_has_exactly_one_hidden_test_named_after_it(assignment):
    tests = _hidden_tests(assignment)
    expected = {(q.name, c.name) for q in QUESTIONS if q.assignment == assignment for c in q.checks}
    assert set(tests) == expected
    assert all(name == f"test_{q}__{c}" for (q, c), name in tests.items())


def _reference(q):
    module, _, attr = q.reference.rpartition(".")
    return getattr(importlib.import_module(module), attr)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.name)
def test_the_reference_passes_every_quick_check_and_the_blank_stub_none(question):
    outcomes = run_quick_checks(question.name, _reference(question))
    assert [s for _, s, _ in outcomes] == ["passed"] * len(question.checks), outcomes

    def stub(*args, **kwargs):
        raise NotImplementedError()

    blank = run_quick_checks(question.name, stub)
    assert {s for _, s, _ in blank} == {"not-implemented"}


def test_check_prints_a_line_registers_the_function_and_yours_uses_it(capsys, monkeypatch):
    import coursekit.checks as checks

    monkeypatch.setattr(checks, "_RESULTS", {})

    def flip(image, axis):
        if axis not in ("horizontal", "vertical"):
            raise ValueError(axis)
        return (np.fliplr(image) if axis == "horizontal" else np.flipud(image)).copy()

    check("flip", function=flip)
    assert "✔ flip: all 3 quick checks passed" in capsys.readouterr().out
    assert yours("flip") is flip and "Using your flip" in capsys.readouterr().out


def test_a_failed_check_names_the_check_and_points_to_the_culprit(monkeypatch, capsys):
    import coursekit.checks as checks

    monkeypatch.setattr(checks, "_RESULTS", {})

    notebook = {"np": np}  # the functions are globals of a notebook, as students write them
    exec(
        "def rotate90(image, k=1):\n    return np.rot90(image, -k).copy()\n"
        "def rotate(image, angle, mode='reflect', resize=False):\n"
        "    return rotate90(image, int(angle // 90))\n",
        notebook,
    )
    rotate90, rotate = notebook["rotate90"], notebook["rotate"]
    with pytest.raises(QuickCheckFailed, match="Check `quarter_turns`"):
        check("rotate90", function=rotate90)
    with pytest.raises(QuickCheckFailed) as raised:
        check("rotate", function=rotate)
    assert "your `rotate` calls your `rotate90`" in str(raised.value)
    assert all(len(line) <= 80 for line in str(raised.value).splitlines())
    from coursekit.augment import rotate90 as reference

    assert yours("rotate90") is reference
    assert "course kit's rotate90" in capsys.readouterr().out


def test_check_does_nothing_under_nbgrader_autograde(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert check("flip", function=lambda image, axis: None) is None


def test_check_says_when_the_function_is_not_defined_yet():
    with pytest.raises(QuickCheckFailed, match="not defined yet"):
        check("purity")


# -- the discriminating inputs discriminate ---------------------------------------------------
def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


@pytest.mark.parametrize("palette", range(len(I.SPACE_PALETTES)))
def test_palettes_group_differently_in_each_colour_space(palette):
    image = I.palette_image(palette, seed=palette)
    parts = {cs: _quiet(cluster.cluster_pixels, image, 2, colour_space=cs)[0]
             for cs in ("rgb", "hsv", "lab")}  # fmt: skip
    assert not same_partition(parts["rgb"], parts["hsv"])
    assert not same_partition(parts["rgb"], parts["lab"])
    assert not same_partition(parts["hsv"], parts["lab"])


@pytest.mark.parametrize("case, k", I.SEED_SENSITIVE_CASES)
def test_pixel_cases_depend_on_the_seed_but_not_on_float_precision(case, k):
    image = I.seed_sensitive_image(case)
    parts = [_quiet(cluster.cluster_pixels, image, k, random_state=s)[0] for s in (0, 1, 2, 3, 42)]
    distinct = []
    for p in parts:
        if not any(same_partition(p, q) for q in distinct):
            distinct.append(p)
    assert len(distinct) >= 2
    pixels = image.reshape(-1, 3).astype(np.float32) / np.float32(255)
    for seed, part in zip((0, 1, 42), (parts[0], parts[1], parts[4]), strict=True):
        again = _quiet(KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict, pixels)
        assert same_partition(again, part.ravel())


@pytest.mark.parametrize(
    "method, case, k",
    [(m, c, k) for m, cases in C.SEED_SENSITIVE_FEATURES.items() for c, k in cases[:3]],
)
def test_feature_cases_depend_on_the_seed(method, case, k):
    x = C.seed_sensitive_features(case)
    parts = [_quiet(cluster.cluster_images, x, k, method=method, random_state=s)
             for s in (0, 1, 7)]  # fmt: skip
    assert not (same_partition(parts[0], parts[1]) and same_partition(parts[0], parts[2]))


@pytest.mark.parametrize("case, k", C.WARD_CASES)
def test_ward_differs_from_other_linkages_and_kmeans(case, k):
    x = C.uniform_features(case)
    ward = cluster.cluster_images(x, k, method="agglomerative")
    for linkage in ("single", "average", "complete"):
        assert not same_partition(ward, AgglomerativeClustering(k, linkage=linkage).fit_predict(x))
    assert not same_partition(ward, _quiet(cluster.cluster_images, x, k))


@pytest.mark.parametrize("case, k", C.GMM_CASES)
def test_diagonal_mixture_differs_from_other_covariances(case, k):
    x = C.anisotropic_features(case)
    diag = _quiet(cluster.cluster_images, x, k, method="gmm")
    for covariance in ("full", "spherical", "tied"):
        other = GaussianMixture(k, covariance_type=covariance, n_init=3, random_state=0)
        assert not same_partition(diag, _quiet(other.fit(x).predict, x))


@pytest.mark.parametrize("case, k", C.DBSCAN_CASES)
def test_documented_dbscan_differs_from_its_defaults(case, k):
    x = C.noisy_features(case)
    documented = cluster.cluster_images(x, k, method="dbscan")
    assert (documented == -1).any()
    eps = cluster.dbscan_eps(x, k)
    for other in (DBSCAN(), DBSCAN(min_samples=k), DBSCAN(eps=eps)):
        assert not same_partition(documented, other.fit_predict(x))


def test_a_function_that_changes_its_input_cannot_change_the_next_quick_check():
    from coursekit.checks._registry import QUICK_INPUTS

    before = {key: [dict(inputs) for inputs in cases] for key, cases in QUICK_INPUTS.items()}
    snapshot = QUICK_INPUTS[("adjust_gamma", "values")][0]["image"].copy()

    def gamma_in_place(image, gamma):
        image **= gamma
        return image

    run_quick_checks("adjust_gamma", gamma_in_place)
    assert np.array_equal(QUICK_INPUTS[("adjust_gamma", "values")][0]["image"], snapshot)
    assert set(before) == set(QUICK_INPUTS)



def test_unusual_augment_batches_tell_a_square_or_colour_pipeline_apart():
    """The streams check's fixed non-square batches would change shape under a pipeline set up
    for square images, and its grey batch 3 pixels wide would break a pipeline set up for
    colour because the last axis is 3."""
    from coursekit.augment import default_pipeline

    hidden = _hidden_module("04-small-data")
    square_caught = grey_caught = False
    for batch in hidden.UNUSUAL_BATCHES:
        images = batch["images"]
        height, width = images.shape[1:3]
        wrong = default_pipeline(square=True, colour=images.shape[-1] == 3)
        for c in range(1, batch["copies"] + 1):
            for i in range(len(images)):
                rng = np.random.default_rng([5, c, i])
                try:
                    out = wrong(images[i], random_state=rng)
                except Exception:  # noqa: BLE001 - a colour pipeline on grey images may refuse
                    out = None
                changed = out is None or out.shape != images[i].shape
                if images.ndim == 4 and height != width:
                    square_caught |= changed
                if images.ndim == 3 and width == 3:
                    grey_caught |= changed or out.dtype != images.dtype or not np.array_equal(
                        out, default_pipeline(square=False, colour=False)(
                            images[i], random_state=np.random.default_rng([5, c, i])))
    assert square_caught and grey_caught
