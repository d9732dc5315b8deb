"""The synthetic HAM10000 twin: layout, determinism, structure, and sites that cluster weakly."""

import hashlib

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from coursekit import augment
from coursekit.data import (
    DIAGNOSES,
    SITES,
    find_images,
    load_ham10000,
    load_metadata,
    synthetic_ham10000,
)
from coursekit.data.synthetic import synthetic_metadata


def digest(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def twin(tmp_path_factory):
    return synthetic_ham10000(tmp_path_factory.mktemp("twin") / "ham", n_images=120, seed=3,
                              size=(60, 80), n_jobs=2)  # fmt: skip


def test_layout_and_metadata_like_the_real_folder(twin):
    assert (twin / "README.txt").read_text().startswith("SYNTHETIC HAM10000 TWIN")
    meta = load_metadata(twin)
    assert list(meta.columns[:8]) == ["lesion_id", "image_id", "dx", "dx_type", "age", "sex",
                                      "localization", "dataset"]  # fmt: skip
    paths = find_images(twin)
    assert set(paths) == set(meta["image_id"])
    parts = {p.parent.name for p in paths.values()}
    assert parts == {"HAM10000_images_part_1", "HAM10000_images_part_2"}
    # Twin ids can never be mistaken for real ones (real: ISIC_0024306 .. ISIC_0034320, HAM_...).
    assert meta["image_id"].str.fullmatch(r"SYN_\d{7}").all()
    assert meta["lesion_id"].str.fullmatch(r"SYNL_\d{7}").all()
    assert sorted(meta["image_id"]) == [f"SYN_{i:07d}" for i in range(1, 121)]
    images, loaded = load_ham10000(twin, size=(60, 80), n_jobs=1)
    assert images.shape == (120, 60, 80, 3)


def test_classes_sites_and_lesions_are_realistic(twin):
    meta = load_metadata(twin)
    counts = meta["dx"].value_counts()
    assert set(counts.index) == set(DIAGNOSES)
    assert counts.idxmax() == "nv" and counts["nv"] > 0.5 * len(meta)
    assert counts.min() >= 8
    assert set(meta["dataset"]) == set(SITES)
    sites_of = meta.groupby("dx")["dataset"].agg(lambda s: s.value_counts().idxmax())
    assert sites_of["nv"] == "vidir_molemax" and sites_of["akiec"] == "rosendahl"
    assert "akiec" not in set(meta.loc[meta["dataset"] == "vidir_molemax", "dx"])
    per_lesion = meta.groupby("lesion_id").size()
    assert per_lesion.min() == 1 and 2 <= per_lesion.max() <= 4
    assert (meta.groupby("lesion_id")[["dx", "dataset"]].nunique() == 1).all().all()
    assert meta["age"].isna().sum() >= 1 and (meta["sex"] == "unknown").sum() >= 1


def test_same_seed_gives_byte_identical_files(tmp_path):
    def make(name, seed, n_jobs):
        return synthetic_ham10000(tmp_path / name, n_images=30, seed=seed, size=(45, 60),
                                  n_jobs=n_jobs)  # fmt: skip

    first = digest(make("first", 3, 2))
    assert digest(make("again", 3, 1)) == first  # serial vs parallel, too
    other = digest(make("other", 4, 1))
    assert other.keys() != first.keys() or other != first
    assert set(other.values()).isdisjoint(first.values())


def test_photographs_of_one_lesion_look_alike(twin):
    images, meta = load_ham10000(twin, size=(24, 32), n_jobs=1)
    features = images.reshape(len(images), -1).astype(float)
    repeated = meta.groupby("lesion_id").filter(lambda g: len(g) > 1)
    first_pair = repeated.groupby("lesion_id").head(2).index.to_numpy().reshape(-1, 2)
    same = [np.linalg.norm(features[a] - features[b]) for a, b in first_pair]
    rng = np.random.default_rng(0)
    others = [np.linalg.norm(features[a] - features[b])
              for a, b in rng.integers(0, len(meta), size=(200, 2))
              if meta.loc[a, "lesion_id"] != meta.loc[b, "lesion_id"]]  # fmt: skip
    assert np.median(same) < 0.7 * np.median(others)


def test_colour_clustering_finds_sites_weakly_and_colour_constancy_removes_them(twin):
    images, meta = load_ham10000(twin, size=(32, 32), n_jobs=1)

    def clusters_follow(batch):
        mean_colour = batch.reshape(len(batch), -1, 3).mean(axis=1)
        labels = KMeans(n_clusters=4, n_init=10, random_state=0).fit_predict(mean_colour)
        return adjusted_rand_score(meta["dataset"], labels), adjusted_rand_score(meta["dx"], labels)

    ari_site, ari_dx = clusters_follow(images)
    assert 0.15 < ari_site < 0.6  # real, but moderate: as in HAM10000
    assert ari_site > ari_dx + 0.1
    corrected = np.stack([augment.colour_constancy(image) for image in images])
    assert clusters_follow(corrected)[0] < ari_site / 2  # the sites differ by camera colour


def test_progress_bar_with_its_description(tmp_path, capsys):
    synthetic_ham10000(tmp_path / "shown", n_images=8, size=(30, 40), n_jobs=1, progress=True,
                       description="Painting a small twin, once.")  # fmt: skip
    shown = capsys.readouterr().err
    assert "Painting a small twin, once." in shown and "8/8" in shown
    synthetic_ham10000(tmp_path / "default", n_images=8, size=(30, 40), n_jobs=1)
    assert capsys.readouterr().err == ""  # small twins are made quietly


def test_small_and_bad_requests(tmp_path):
    counts = synthetic_metadata(60, seed=0)["dx"].value_counts()
    assert set(counts.index) == set(DIAGNOSES) and counts.min() >= 4
    with pytest.raises(ValueError, match="n_images"):
        synthetic_metadata(6)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(FileExistsError, match="not an empty folder"):
        synthetic_ham10000(tmp_path / "full", n_images=10)
