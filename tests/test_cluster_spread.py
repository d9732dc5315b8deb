"""score_over_seeds: a clustering score's spread over k-means seeds and samples, with chance."""

import doctest

import numpy as np
import pytest

import coursekit.cluster.spread as spread_module
from coursekit.cluster import score_over_seeds, spread_text, verdict


def _blobs(n_per=30, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0], [3, 0], [0, 3], [3, 3]])
    x = np.vstack([c + rng.normal(0, 1.2, (n_per, 2)) for c in centres])
    return x, np.repeat(list("abcd"), n_per), rng.integers(0, 3, 4 * n_per)


def test_spread_over_seeds_separates_a_real_effect_from_noise():
    x, groups, noise = _blobs()
    result = score_over_seeds(x, {"groups": groups, "noise": noise}, k=4, seeds=12)
    summary, runs = result["summary"], result["scores"]
    assert list(runs["seed"]) == list(range(12)) and len(runs) == 12
    real, fake = summary.loc[("groups", "ari")], summary.loc[("noise", "ari")]
    assert real["min"] <= real["mean"] <= real["max"]
    assert real["min"] == runs["groups ari"].min() and real["max"] == runs["groups ari"].max()
    assert verdict(real) == "above chance at every seed"
    assert verdict(fake) == "within the chance band"
    # Chance: shuffles of each run's clusters, at least 1,000 in all, centred on 0.
    assert fake["n_shuffles"] >= 1000 and abs(fake["chance_mean"]) < 0.01
    assert fake["chance_p2.5"] < 0 < fake["chance_p97.5"]
    assert "over 12 runs" in spread_text(real)
    # Clusters that cut across a target score below its band, and are called so.
    below = {"mean": -0.05, "min": -0.06, "max": -0.04, "chance_p2.5": -0.02, "chance_p97.5": 0.02}
    assert verdict(below) == "below chance at every seed"
    assert verdict(below | {"max": 0.0}) == "below chance on average"


def test_seeds_change_k_means_and_samples_are_drawn_per_run():
    x, groups, _ = _blobs(seed=1)
    one = score_over_seeds(x, {"g": groups}, k=4, seeds=[0], n_shuffles=10)["scores"]
    other = score_over_seeds(x, {"g": groups}, k=4, seeds=[5], n_shuffles=10)["scores"]
    rng = np.random.default_rng(0)
    samples = [np.sort(rng.choice(len(x), 60, replace=False)) for _ in range(3)]
    result = score_over_seeds(x, {"g": groups}, k=4, seeds=6, samples=samples, n_shuffles=60)
    assert list(result["scores"]["sample"]) == [0, 1, 2, 0, 1, 2]
    # The seed is passed to the clusterer: a constant clusterer gives ARI 0 at every seed.
    seen = []
    constant = score_over_seeds(x, {"g": groups}, k=2, seeds=[3, 4], n_shuffles=10,
                                cluster=lambda f, k, s: seen.append(s) or np.arange(len(f)) % 2)
    assert seen == [3, 4] and constant["summary"].loc[("g", "ari"), "max"] < 0.05
    assert one.loc[0, "seed"] == 0 and other.loc[0, "seed"] == 5


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"targets": {"g": ["a"] * 5}}, "has 5 labels but features has 120 rows"),
        ({"seeds": []}, "seeds is empty"),
        ({"samples": [np.array([0, 1, 500, 3])]}, r"samples\[0\] must hold"),
        ({"targets": {}}, "targets is empty"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    x, groups, _ = _blobs()
    arguments = {"targets": {"g": groups}, "k": 4, "seeds": 2, "n_shuffles": 10} | kwargs
    with pytest.raises(ValueError, match=message):
        score_over_seeds(x, **arguments)


def test_docstring_examples_run():
    result = doctest.testmod(spread_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
