"""Image discovery, read_image and load_ham10000 on copies the tests make."""

import warnings

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from coursekit.data import (
    EmptySelectionError,
    ImageReadError,
    MissingImagesError,
    find_images,
    load_ham10000,
    read_image,
)

CODES = ["nv", "mel", "bkl", "bcc", "akiec", "vasc", "df"]


def colour_of(i):
    """A colour that encodes row ``i`` (so alignment can be checked after loading)."""
    return (20 + 3 * i) % 256, (250 - 5 * i) % 256, (40 + 11 * i) % 256


def make_copy(root, n=42, layout="dataverse", size=(30, 40)):
    """A tiny HAM10000 copy: image ``i`` is a uniform colour_of(i), dx cycles through CODES."""
    folders = {
        "dataverse": ["HAM10000_images_part_1", "HAM10000_images_part_2"],
        "kaggle": ["ham10000_images_part_1", "ham10000_images_part_2"],
        "flat": ["images"],
        "root": ["."],
    }[layout]
    rows = []
    for i in range(n):
        image_id = f"ISIC_{24306 + i:07d}"
        folder = root / folders[i * len(folders) // n]
        folder.mkdir(parents=True, exist_ok=True)
        pixels = np.empty(size + (3,), np.uint8)
        pixels[...] = colour_of(i)
        Image.fromarray(pixels).save(folder / f"{image_id}.jpg", quality=95)
        rows.append({"lesion_id": f"HAM_{i // 2:07d}", "image_id": image_id,
                     "dx": CODES[i % 7], "sex": "male"})  # fmt: skip
    pd.DataFrame(rows).to_csv(root / "HAM10000_metadata.csv", index=False)
    return root


def row_number(image_id):
    return int(image_id[5:]) - 24306


def assert_aligned(images, meta):
    assert len(images) == len(meta)
    for image, image_id in zip(images, meta["image_id"], strict=True):
        expected = np.array(colour_of(row_number(image_id)))
        assert np.abs(image.reshape(-1, 3).mean(axis=0) - expected).max() < 4, image_id


@pytest.mark.parametrize("layout", ["dataverse", "kaggle", "flat", "root"])
def test_every_layout_is_found(tmp_path, layout):
    make_copy(tmp_path, n=14, layout=layout)
    paths = find_images(tmp_path)
    assert sorted(paths) == [f"ISIC_{24306 + i:07d}" for i in range(14)]
    images, meta = load_ham10000(tmp_path, size=(8, 8), n_jobs=1)
    assert images.shape == (14, 8, 8, 3) and images.dtype == np.uint8
    assert_aligned(images, meta)


def test_dataverse_and_kaggle_copies_side_by_side_are_not_doubled(tmp_path):
    make_copy(tmp_path, n=14, layout="kaggle")
    make_copy(tmp_path, n=14, layout="dataverse")
    paths = find_images(tmp_path)
    assert len(paths) == 14
    assert all(p.parent.name.startswith("HAM10000_images") for p in paths.values())


def test_alignment_survives_parallel_loading_and_selection(tmp_path):
    make_copy(tmp_path, n=140)
    images, meta = load_ham10000(tmp_path, size=(6, 10), n_jobs=2)
    assert images.shape == (140, 6, 10, 3)  # size is (height, width)
    assert meta["image_id"].tolist() == [f"ISIC_{24306 + i:07d}" for i in range(140)]
    assert_aligned(images, meta)
    images, meta = load_ham10000(tmp_path, size=(4, 4), dx=["mel", "df"], n_per_class=7, n_jobs=2)
    assert meta["dx"].value_counts().to_dict() == {"mel": 7, "df": 7}
    assert list(meta.index) == list(range(14))
    assert_aligned(images, meta)


def test_n_per_class_is_deterministic_and_seeded(tmp_path):
    make_copy(tmp_path, n=140)
    ids = [load_ham10000(tmp_path, size=(4, 4), n_per_class=5, random_state=s, n_jobs=1)[1]
           ["image_id"].tolist() for s in (3, 3, 4)]  # fmt: skip
    assert ids[0] == ids[1]
    assert ids[0] != ids[2]
    assert len(ids[0]) == 35
    _, meta = load_ham10000(tmp_path, size=(4, 4), dx="nv", n_per_class=1000, n_jobs=1)
    assert len(meta) == 20  # fewer than asked: all of them


def test_read_image_size_and_full_size(tmp_path):
    make_copy(tmp_path, n=7, size=(450, 600))
    path = find_images(tmp_path)["ISIC_0024306"]
    assert read_image(path).shape == (450, 600, 3)
    small = read_image(path, size=(64, 48))
    assert small.shape == (64, 48, 3) and small.dtype == np.uint8
    assert np.abs(small.reshape(-1, 3).mean(0) - colour_of(0)).max() < 4
    with pytest.raises(ValueError, match=r"\(height, width\)"):
        read_image(path, size=(0, 5))


def test_truncated_and_corrupt_jpegs_are_named(tmp_path):
    make_copy(tmp_path, n=14, size=(120, 160))
    path = find_images(tmp_path)["ISIC_0024310"]
    noisy = np.random.default_rng(0).integers(0, 255, (120, 160, 3), dtype=np.uint8)
    Image.fromarray(noisy).save(path, quality=90)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ImageReadError, match="ISIC_0024310.jpg.*truncated"):
        read_image(path, size=(8, 8))
    with pytest.raises(ImageReadError, match="ISIC_0024310"):
        load_ham10000(tmp_path, size=(8, 8), n_jobs=2)
    path.write_bytes(b"this is not a jpeg")
    with pytest.raises(ImageReadError, match="ISIC_0024310.jpg"):
        read_image(path)


@pytest.mark.parametrize(("mode", "word"), [("L", "greyscale"), ("RGBA", "alpha"),
                                            ("CMYK", "CMYK")])  # fmt: skip
def test_non_rgb_images_are_refused_with_file_and_mode(tmp_path, mode, word):
    path = tmp_path / f"ISIC_0000001.{'png' if mode == 'RGBA' else 'jpg'}"
    Image.new(mode, (20, 10)).save(path)
    with pytest.raises(ImageReadError) as err:
        read_image(path, size=(5, 5))
    assert path.name in str(err.value) and word in str(err.value) and repr(mode) in str(err.value)


def test_missing_images_raise_or_warn_and_stay_aligned(tmp_path):
    make_copy(tmp_path, n=28)
    for i in (3, 17):
        find_images(tmp_path)[f"ISIC_{24306 + i:07d}"].unlink()
    with pytest.raises(MissingImagesError, match=r"2 of 28 .*ISIC_0024309, ISIC_0024323"):
        load_ham10000(tmp_path, size=(4, 4), n_jobs=1)
    with pytest.warns(UserWarning, match=r"2 of 28 .*ISIC_0024309") as record:
        images, meta = load_ham10000(tmp_path, size=(4, 4), on_missing="warn", n_jobs=2)
    assert len([w for w in record if issubclass(w.category, UserWarning)
                and "missing" in str(w.message)]) == 1  # fmt: skip
    assert len(images) == len(meta) == 26
    assert "ISIC_0024309" not in set(meta["image_id"])
    assert_aligned(images, meta)
    with pytest.raises(ValueError, match="on_missing"):
        load_ham10000(tmp_path, on_missing="ignore")


def test_empty_selection_says_which_dx_exist(tmp_path):
    make_copy(tmp_path, n=6)  # codes nv..vasc, no df
    with pytest.raises(EmptySelectionError, match=r"'df'.*nv \(1\)"):
        load_ham10000(tmp_path, dx="df")
    with pytest.raises(ValueError, match=r"Unknown dx code\(s\) 'melanoma'"):
        load_ham10000(tmp_path, dx=["melanoma"])


def test_progress_bar_goes_to_stderr_and_can_be_disabled(tmp_path, capsys):
    make_copy(tmp_path, n=14)
    load_ham10000(tmp_path, size=(4, 4), n_jobs=1, progress=True)
    captured = capsys.readouterr()
    assert "14/14" in captured.err and captured.out == ""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_ham10000(tmp_path, size=(4, 4), n_jobs=1)
    assert capsys.readouterr().err == ""  # 14 images: below the threshold
