"""Image discovery, read_image and load_ham10000 on copies the tests make."""

import warnings

import numpy as np
import pytest
from fixtures.data_layouts import assert_aligned, colour_of, make_copy, make_partial_copy
from PIL import Image

from coursekit.data import (
    EmptySelectionError,
    ImageReadError,
    MissingImagesError,
    MissingImagesWarning,
    find_images,
    load_dataset,
    load_ham10000,
    load_metadata,
    read_image,
)
from coursekit.data.loader import select_rows


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


def test_missing_images_warn_or_raise_and_stay_aligned(tmp_path):
    make_copy(tmp_path, n=28)
    for i in (3, 17):
        find_images(tmp_path)[f"ISIC_{24306 + i:07d}"].unlink()
    with pytest.raises(MissingImagesError, match=r"2 of 28 .*ISIC_0024309, ISIC_0024323"):
        load_ham10000(tmp_path, size=(4, 4), on_missing="raise", n_jobs=1)
    with pytest.warns(MissingImagesWarning, match=r"2 of 28 .*ISIC_0024309") as record:
        images, meta = load_ham10000(tmp_path, size=(4, 4), n_jobs=2)  # "warn" by default
    assert len([w for w in record if issubclass(w.category, UserWarning)]) == 1
    assert len(images) == len(meta) == 26
    assert "ISIC_0024309" not in set(meta["image_id"])
    assert_aligned(images, meta)
    with pytest.raises(ValueError, match="on_missing must be 'warn' or 'raise'; got 'ignore'"):
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


# --- partial copies: metadata for every image, files for only some ---------------------------

COUNTS = {"nv": 300, "mel": 60, "bkl": 60, "bcc": 40, "akiec": 40, "vasc": 40, "df": 20}


def missing_warnings(record):
    return [w for w in record if issubclass(w.category, MissingImagesWarning)]


@pytest.fixture(scope="module")
def half_copy(tmp_path_factory):
    """560 rows, half of the images present (df: about 10 of 20)."""
    return make_partial_copy(tmp_path_factory.mktemp("half"), n_images=560, counts=COUNTS,
                             present=0.5, seed=1)  # fmt: skip


def test_partial_copy_gives_full_counts_from_images_present(half_copy):
    present = half_copy.present_per_class()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        images, meta = load_ham10000(half_copy.root, size=(4, 4), n_per_class=15, n_jobs=1)
    assert meta["dx"].value_counts().to_dict() == {c: min(15, present[c]) for c in COUNTS}
    assert present["df"] < 15 <= min(v for c, v in present.items() if c != "df")
    assert set(meta["image_id"]) <= set(half_copy.present)
    assert_aligned(images, meta)
    [warning] = missing_warnings(record)  # once, not once per image or per class
    assert warning.filename == __file__  # points at the caller's line
    message = str(warning.message)
    assert f"{len(half_copy.missing)} of 560 images listed in the metadata of " in message
    assert "HAM10000_images_part_1" in message and "HAM10000_images_part_2" in message
    assert f"Fewer than n_per_class=15 images are left of: df ({present['df']} present)" in message
    assert "coursekit data download" in message and "on_missing='raise'" in message


def test_load_dataset_on_a_partial_copy_warns_once_at_the_callers_line(half_copy, capsys):
    with pytest.warns(MissingImagesWarning) as record:
        images, meta = load_dataset(size=(4, 4), n_per_class=8, root=half_copy.root)
    assert len(missing_warnings(record)) == 1 and record[0].filename == __file__
    assert len(images) == len(meta) == 7 * 8
    assert_aligned(images, meta)
    assert "real HAM10000 data set" in capsys.readouterr().out


def test_partial_draw_is_deterministic_and_seeded(half_copy):
    def ids(seed, **kwargs):
        with pytest.warns(MissingImagesWarning):
            _, meta = load_ham10000(half_copy.root, size=(4, 4), n_per_class=5,
                                    random_state=seed, n_jobs=1, **kwargs)  # fmt: skip
        return meta["image_id"].tolist()

    assert ids(3) == ids(3) and len(ids(3)) == 35
    assert ids(3) != ids(4)
    assert ids(3, dx=["mel", "df"]) == ids(3, dx=["df", "mel"])


def test_complete_copy_draw_is_unchanged_by_the_presence_check(tmp_path):
    copy = make_partial_copy(tmp_path, n_images=140, present=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # complete: no warning at all
        _, meta = load_ham10000(tmp_path, size=(4, 4), n_per_class=6, random_state=7, n_jobs=1)
    expected = select_rows(load_metadata(tmp_path), n_per_class=6, random_state=7)
    assert meta["image_id"].tolist() == expected["image_id"].tolist()
    assert len(copy.missing) == 0


def test_strict_mode_and_nothing_left_raise_clearly(half_copy, tmp_path):
    with pytest.raises(MissingImagesError, match=r"of 560 images .* are missing") as err:
        load_ham10000(half_copy.root, n_per_class=5, on_missing="raise")
    assert "HAM10000_images_part_1" in str(err.value) and "on_missing='warn'" in str(err.value)
    empty = make_partial_copy(tmp_path / "empty", n_images=14, present=0.0)
    with pytest.raises(MissingImagesError, match=r"14 of 14 .*no image folder found in .*"
                       r"No image is left to load"):  # fmt: skip
        load_ham10000(empty.root)
    with pytest.raises(ValueError, match="n_per_class must be a positive integer"):
        load_ham10000(half_copy.root, n_per_class=0)  # checked before any warning


def test_a_class_with_no_image_present(tmp_path):
    made = make_partial_copy(tmp_path, n_images=140, present=1.0)
    df_ids = made.metadata.loc[made.metadata["dx"] == "df", "image_id"]
    for path in (find_images(tmp_path)[i] for i in df_ids):
        path.unlink()
    with pytest.raises(MissingImagesError, match=rf"{len(df_ids)} of {len(df_ids)} images"):
        load_ham10000(tmp_path, dx="df")
    with pytest.warns(MissingImagesWarning, match=rf"No image is left of: df \(none of "
                      rf"{len(df_ids)} present\)"):  # fmt: skip
        _, meta = load_ham10000(tmp_path, size=(4, 4), dx=["df", "mel"], n_jobs=1)
    assert set(meta["dx"]) == {"mel"}


@pytest.mark.parametrize("metadata_name", ["HAM10000_metadata.csv", "HAM10000_metadata.tab"])
def test_one_dataverse_zip_unpacked(tmp_path, metadata_name):
    made = make_partial_copy(tmp_path, n_images=70, present="part_1", metadata_name=metadata_name)
    assert made.present == made.metadata["image_id"].tolist()[:35]
    with pytest.warns(MissingImagesWarning, match=r"35 of 70 .*HAM10000_images_part_1\.") as rec:
        images, meta = load_ham10000(tmp_path, size=(4, 4), n_jobs=1)
    assert len(missing_warnings(rec)) == 1
    assert meta["image_id"].tolist() == made.present
    assert_aligned(images, meta)


def test_partial_twin_layout(tmp_path):
    made = make_partial_copy(tmp_path, n_images=28, present=0.75, images="twin", size=(30, 40))
    assert not (tmp_path / "README.txt").exists()  # reads as a real copy
    with pytest.warns(MissingImagesWarning, match="7 of 28"):
        images, meta = load_ham10000(tmp_path, size=(8, 8), n_jobs=1)
    assert len(images) == 21 and meta["image_id"].tolist() == made.present
