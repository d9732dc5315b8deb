"""load_metadata: file names, separators, encodings and the errors on bad rows."""

import pandas as pd
import pytest

from coursekit.data import DIAGNOSES, SITES, MetadataError, load_metadata

HEADER = ["lesion_id", "image_id", "dx", "dx_type", "age", "sex", "localization", "dataset"]
ROWS = [
    ["HAM_0000118", "ISIC_0027419", "bkl", "histo", "80.0", "male", "scalp", "vidir_modern"],
    ["HAM_0000118", "ISIC_0025030", "bkl", "histo", "80.0", "male", "scalp", "vidir_modern"],
    ["HAM_0002730", "ISIC_0026769", "mel", "histo", "", "unknown", "face", "rosendahl"],
    ["HAM_0001466", "ISIC_0031633", "nv", "follow_up", "75.0", "female", "ear", "vienna_dias"],
]


def write(folder, name="HAM10000_metadata.csv", sep=",", newline="\n", bom=False, rows=ROWS,
          header=HEADER):  # fmt: skip
    text = newline.join(sep.join(r) for r in [header, *rows]) + newline
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("name", ["HAM10000_metadata.csv", "HAM10000_metadata.tab",
                                  "HAM10000_metadata"])  # fmt: skip
@pytest.mark.parametrize("sep", [",", "\t"])
@pytest.mark.parametrize(("newline", "bom"), [("\n", False), ("\r\n", True)])
def test_reads_every_published_variant(tmp_path, name, sep, newline, bom):
    meta = load_metadata(write(tmp_path, name, sep, newline, bom))
    assert list(meta.columns) == HEADER + ["diagnosis"]
    assert meta["image_id"].tolist() == [r[1] for r in ROWS]
    assert meta["localization"].tolist() == ["scalp", "scalp", "face", "ear"]  # no stray "\r"
    assert meta.loc[2, "diagnosis"] == "melanoma"
    assert meta["age"].dtype == "float64" and pd.isna(meta.loc[2, "age"])
    assert meta.loc[0, "age"] == 80.0
    assert isinstance(meta.index, pd.RangeIndex)


def test_quoted_tab_export_like_dataverse(tmp_path):
    quoted = [[f'"{c}"' for c in r] for r in ROWS]
    meta = load_metadata(write(tmp_path, "HAM10000_metadata.tab", "\t", rows=quoted,
                               header=[f'"{h}"' for h in HEADER]))  # fmt: skip
    assert meta["dx"].tolist() == ["bkl", "bkl", "mel", "nv"]


def test_keeps_extra_columns_and_works_without_optional_ones(tmp_path):
    header = ["image_id", "dx", "lesion_id", "notes"]
    rows = [["ISIC_0000001", "df", "HAM_1", "x"], ["ISIC_0000002", "vasc", "HAM_2", "y"]]
    meta = load_metadata(write(tmp_path, header=header, rows=rows))
    assert meta["notes"].tolist() == ["x", "y"]
    assert meta["diagnosis"].tolist() == ["dermatofibroma", "vascular lesions"]


def test_no_metadata_file_lists_what_was_looked_for(tmp_path):
    with pytest.raises(MetadataError) as err:
        load_metadata(tmp_path)
    message = str(err.value)
    assert str(tmp_path) in message
    for name in ("HAM10000_metadata.csv", "HAM10000_metadata.tab", "HAM10000_metadata,"):
        assert name.rstrip(",") in message


def test_missing_folder(tmp_path):
    with pytest.raises(MetadataError, match="does not exist"):
        load_metadata(tmp_path / "nowhere")


def test_missing_required_column_is_named(tmp_path):
    header = [h for h in HEADER if h != "dx"]
    rows = [[c for i, c in enumerate(r) if HEADER[i] != "dx"] for r in ROWS]
    with pytest.raises(MetadataError, match=r"missing required column\(s\) dx"):
        load_metadata(write(tmp_path, header=header, rows=rows))


def test_unknown_dx_names_line_and_value(tmp_path):
    rows = [r.copy() for r in ROWS]
    rows[2][2] = "melanoma"
    with pytest.raises(MetadataError) as err:
        load_metadata(write(tmp_path, rows=rows))
    message = str(err.value)
    assert "'melanoma'" in message and "line(s) 4" in message  # header is line 1
    assert "HAM10000_metadata.csv" in message


def test_duplicated_image_id_is_refused(tmp_path):
    rows = [*ROWS, ROWS[0]]
    with pytest.raises(MetadataError, match=r"ISIC_0027419 listed more than once \(line\(s\) 2, 6"):
        load_metadata(write(tmp_path, rows=rows))


def test_empty_required_cell_and_bad_age(tmp_path):
    rows = [r.copy() for r in ROWS]
    rows[1][0] = ""
    with pytest.raises(MetadataError, match=r"empty 'lesion_id' on line\(s\) 3"):
        load_metadata(write(tmp_path, rows=rows))
    rows = [r.copy() for r in ROWS]
    rows[3][4] = "old"
    with pytest.raises(MetadataError, match=r"age 'old' on line\(s\) 5"):
        load_metadata(write(tmp_path, rows=rows))


def test_class_and_site_tables_match_the_paper():
    assert sum(d.count for d in DIAGNOSES.values()) == 10_015
    assert sum(SITES.values()) == 10_015
    assert DIAGNOSES["mel"].name == "melanoma" and DIAGNOSES["nv"].count == 6705
    assert max(SITES, key=SITES.get) == "vidir_molemax"
