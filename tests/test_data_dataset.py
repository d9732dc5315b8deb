"""load_dataset / dataset_root: real copy when present, else the cached synthetic twin."""

import pytest

from coursekit.data import DatasetError, dataset_root, load_dataset
from coursekit.data import dataset as dataset_module
from coursekit.data.synthetic import TWIN_VERSION, synthetic_ham10000


@pytest.fixture
def small_twin_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSEKIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("COURSEKIT_DATA", raising=False)
    monkeypatch.setattr(dataset_module, "SYNTHETIC_N_IMAGES", 21)
    monkeypatch.setattr(dataset_module, "SYNTHETIC_SIZE", (45, 60))
    return tmp_path / "cache"


def test_synthetic_twin_is_made_once_and_cached(small_twin_settings, capsys, monkeypatch):
    images, meta = load_dataset(size=(16, 16))
    assert images.shape == (21, 16, 16, 3) and len(meta) == 21
    out = capsys.readouterr().out
    assert "synthetic HAM10000 twin (21 images)" in out and "COURSEKIT_DATA" in out
    folder, is_real = dataset_root()
    assert not is_real and folder.parent == small_twin_settings
    assert folder.name.startswith(f"ham10000-synthetic-v{TWIN_VERSION}-n21-seed0")
    assert [p.name for p in small_twin_settings.iterdir()] == [folder.name]  # no temp folder left

    def fail(*args, **kwargs):
        raise AssertionError("the cached twin must not be made again")

    monkeypatch.setattr(dataset_module, "synthetic_ham10000", fail)
    images_again, _ = load_dataset(size=(16, 16), verbose=False)
    assert (images_again == images).all()
    assert capsys.readouterr().out == ""


def test_real_copy_is_preferred(small_twin_settings, tmp_path, monkeypatch, capsys):
    real = synthetic_ham10000(tmp_path / "real", n_images=14, size=(30, 40), n_jobs=1)
    (real / "README.txt").unlink()  # what makes it look like a real copy
    monkeypatch.setenv("COURSEKIT_DATA", str(real))
    assert dataset_root() == (real, True)
    images, _ = load_dataset(size=(8, 8), dx="mel")
    assert len(images) >= 1
    assert "real HAM10000" in capsys.readouterr().out
    monkeypatch.delenv("COURSEKIT_DATA")
    default = small_twin_settings / "ham10000"
    default.parent.mkdir(parents=True)
    real.rename(default)
    assert dataset_root() == (default, True)


def test_a_wrong_root_is_an_error_not_a_silent_fallback(small_twin_settings, tmp_path, monkeypatch):
    with pytest.raises(DatasetError, match="root points to .*holds no HAM10000 copy"):
        load_dataset(root=tmp_path)
    monkeypatch.setenv("COURSEKIT_DATA", str(tmp_path / "missing"))
    with pytest.raises(DatasetError, match="COURSEKIT_DATA points to"):
        dataset_root()


def test_a_twin_given_as_root_is_reported_as_synthetic(small_twin_settings, tmp_path, capsys):
    twin = synthetic_ham10000(tmp_path / "twin", n_images=14, size=(30, 40), n_jobs=1)
    assert dataset_root(twin) == (twin, False)
    load_dataset(size=(8, 8), root=twin, progress=False)
    captured = capsys.readouterr()
    assert "synthetic HAM10000 twin" in captured.out
    assert "Loading images" not in captured.out + captured.err


def test_progress_bar_can_be_forced_on(small_twin_settings, tmp_path, capsys):
    twin = synthetic_ham10000(tmp_path / "twin", n_images=14, size=(30, 40), n_jobs=1)
    load_dataset(size=(8, 8), root=twin, verbose=False, progress=True)
    assert "Loading images" in capsys.readouterr().err
