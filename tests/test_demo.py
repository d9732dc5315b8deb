"""`coursekit demo` end to end on a small synthetic twin."""

import json

import numpy as np
import pytest
from PIL import Image

from coursekit.cli import main
from coursekit.data import synthetic_ham10000


@pytest.fixture(scope="module")
def small_twin(tmp_path_factory):
    root = tmp_path_factory.mktemp("twin")
    synthetic_ham10000(root, n_images=120, seed=1, size=(90, 120))
    return root


@pytest.mark.slow
def test_demo_writes_figures_and_metrics(small_twin, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["demo", "--root", str(small_twin), "--output", str(out), "--k", "4", "--quiet"])
    assert code == 0
    assert str(out.resolve()) in capsys.readouterr().out.strip().splitlines()[-1]

    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["data"]["n_images"] == 120
    assert metrics["k"] == 4
    for stage in ("before_colour_constancy", "after_colour_constancy"):
        for target in ("diagnosis", "site"):
            scores = metrics[stage][target]
            assert -1 <= scores["ari"] <= 1
            assert 0 <= scores["nmi"] <= 1
            assert scores["chance_purity"] <= 1
    for name in metrics["figures"].values():
        with Image.open(out / name) as png:
            assert png.size[0] > 200 and png.size[1] > 100
    summary = (out / "metrics.md").read_text()
    assert "| original colours | site |" in summary


@pytest.mark.slow
def test_demo_is_deterministic(small_twin, tmp_path):
    runs = []
    for name in ("a", "b"):
        main(["demo", "--root", str(small_twin), "--output", str(tmp_path / name), "--quiet"])
        metrics = json.loads((tmp_path / name / "metrics.json").read_text())
        metrics.pop("seconds")
        runs.append(metrics)
    assert runs[0] == runs[1]


@pytest.mark.slow
def test_colour_clusters_follow_site_more_than_diagnosis(small_twin, tmp_path):
    main(["demo", "--root", str(small_twin), "--output", str(tmp_path), "--k", "4", "--quiet"])
    before = json.loads((tmp_path / "metrics.json").read_text())["before_colour_constancy"]
    assert before["site"]["ari"] > before["diagnosis"]["ari"]
    assert np.isfinite(before["site"]["nmi"])
