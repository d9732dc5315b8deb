"""`coursekit demo` end to end on a small synthetic twin (two runs in all)."""

import json
import re

import pytest
from PIL import Image

from coursekit.cli import main
from coursekit.data import synthetic_ham10000

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_twin(tmp_path_factory):
    root = tmp_path_factory.mktemp("twin")
    synthetic_ham10000(root, n_images=120, seed=1, size=(90, 120))
    return root


def _run(root, out):
    return main(["demo", "--root", str(root), "--output", str(out), "--k", "4", "--quiet"])


@pytest.fixture(scope="module")
def demo_run(small_twin, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    assert _run(small_twin, out) == 0
    return out


def test_demo_writes_figures_and_metrics(demo_run):
    metrics = json.loads((demo_run / "metrics.json").read_text())
    assert metrics["data"]["n_images"] == 120
    assert metrics["data"]["source"] == "synthetic HAM10000 twin"
    assert metrics["k"] == 4
    for stage in ("before_colour_constancy", "after_colour_constancy"):
        for target in ("diagnosis", "site"):
            scores = metrics[stage][target]
            assert -1 <= scores["ari"] <= 1
            assert scores["ami"] <= 1
            assert 0 <= scores["nmi_chance"] <= scores["nmi"] + 0.1 and scores["nmi"] <= 1
            assert 0 < scores["chance_purity"] <= 1
            chance = scores["chance"]
            assert chance["n_repeats"] == 1000
            for name in ("ari", "ami", "nmi", "purity"):
                band = chance[name]
                assert band["p2.5"] <= band["mean"] <= band["p97.5"]
                assert band["p2.5"] <= band["p95"] <= band["p97.5"]
            assert chance["purity"]["mean"] == scores["chance_purity"]
    assert len(metrics["figures"]) >= 10
    for name in metrics["figures"].values():
        with Image.open(demo_run / name) as png:
            assert png.size[0] > 200 and png.size[1] > 100
    assert metrics["figures"]["11_scores_vs_chance"] == "11_scores_vs_chance.png"
    summary = (demo_run / "metrics.md").read_text()
    assert "| original colours | site |" in summary
    assert "| ARI | AMI | NMI | purity | NMI by chance |" in summary
    assert "Chance: mean [2.5th, 97.5th percentile] of the scores of 1000 random" in summary
    band = r"-?\d\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\]"
    assert len(re.findall(rf"\| (?:diagnosis|site) \| {band} \| {band} \| {band} \| {band} \|",
                          summary)) == 4


def _metrics(folder):
    metrics = json.loads((folder / "metrics.json").read_text())
    metrics.pop("seconds")
    return metrics


def test_second_run_is_identical_and_names_its_folder(demo_run, small_twin, tmp_path, capsys):
    _run(small_twin, tmp_path)
    assert str(tmp_path.resolve()) in capsys.readouterr().out.strip().splitlines()[-1]
    assert _metrics(tmp_path) == _metrics(demo_run)


def test_colour_clusters_follow_site_moderately_and_colour_constancy_removes_it(demo_run):
    # The twin is calibrated to real HAM10000: a moderate site effect (a camera colour cast),
    # above chance and above the diagnosis, that colour constancy mostly removes.
    metrics = json.loads((demo_run / "metrics.json").read_text())
    before, after = metrics["before_colour_constancy"], metrics["after_colour_constancy"]
    assert before["site"]["ari"] > before["site"]["chance"]["ari"]["p97.5"]
    assert before["site"]["ari"] > before["diagnosis"]["ari"]
    assert after["site"]["ari"] < before["site"]["ari"] / 2


def test_headline_scores_come_with_their_spread_over_seeds(demo_run):
    metrics = json.loads((demo_run / "metrics.json").read_text())
    spread = metrics["over_seeds"]["before_colour_constancy"]["site"]["ari"]
    assert spread["n_seeds"] == 30
    assert spread["min"] <= spread["mean"] <= spread["max"]
    assert spread["chance_p2.5"] < spread["chance_p97.5"]
    # The seed-0 run is one of the 30 draws.
    assert spread["min"] - 1e-4 <= metrics["before_colour_constancy"]["site"]["ari"] <= (
        spread["max"] + 1e-4)
    summary = (demo_run / "metrics.md").read_text()
    assert "Over 30 k-means seeds" in summary
    assert re.search(r"\| original colours \| site \| ARI \| \d\.\d{3} \| -?\d\.\d{3} to "
                     r"\d\.\d{3} \| -?\d\.\d{3} to \d\.\d{3} \| [a-z ]+ \|", summary)
