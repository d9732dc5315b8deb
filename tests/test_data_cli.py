"""``coursekit data synth | download | info`` through coursekit.cli.main."""

import re

from fixtures.range_server import DataverseZips, refused_url

from coursekit.cli import main


def test_synth_then_info(tmp_path, capsys):
    dest = tmp_path / "twin"
    assert main(["data", "synth", str(dest), "--n-images", "21", "--seed", "2",
                 "--size", "30", "40"]) == 0  # fmt: skip
    assert "21 images" in capsys.readouterr().out
    (dest / "HAM10000_images_part_2").iterdir().__next__().unlink()
    assert main(["data", "info", str(dest)]) == 0
    out = capsys.readouterr().out
    assert "HAM10000_images_part_1, HAM10000_images_part_2" in out
    assert "images listed: 21" in out and "image files found: 20" in out
    assert "per dx: nv" in out  # nv is the majority class
    assert re.search(r"per site: .*vidir_molemax \d+", out)  # order depends on the twin's draw
    assert "missing image files: 1 (SYN_" in out  # twin ids never look like real ones
    assert "40 x 30 (width x height)" in out


def test_errors_exit_non_zero_with_a_message(tmp_path, capsys):
    assert main(["data", "info", str(tmp_path)]) == 1
    assert "No HAM10000 metadata file" in capsys.readouterr().err
    assert main(["data", "synth", str(tmp_path / "x"), "--n-images", "3"]) == 2
    assert "n_images" in capsys.readouterr().err
    assert main(["data", "download", str(tmp_path / "d"), "--base-url",
                 "http://127.0.0.1:9"]) == 1  # fmt: skip
    assert "COURSEKIT_DATA" in capsys.readouterr().err


def test_download_per_class_then_info(tmp_path, capsys):
    zips = DataverseZips(84)
    with zips.serve() as server:
        code = main(["data", "download", str(tmp_path), "--per-class", "2", "--random-state",
                     "1", "--base-url", server.url])  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    assert "HAM10000 subset is in" in captured.out and f"COURSEKIT_DATA={tmp_path}" in captured.out
    assert "Fetched 14 of the 14 images chosen" in captured.err and "transferred" in captured.err
    assert main(["data", "info", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "images listed: 14" in out and "missing image files: 0" in out
    assert "subset: coursekit data download --per-class 2 --random-state 1" in out


def test_download_falls_back_with_a_plain_message(tmp_path, capsys):
    zips = DataverseZips(14)
    with zips.serve() as server:
        server.honour_ranges = False
        assert main(["data", "download", str(tmp_path), "--per-class", "2",
                     "--base-url", server.url]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "coursekit data download: http://127.0.0.1" in err and "ignores HTTP range" in err
    assert "UserWarning" not in err


def test_download_per_class_errors(tmp_path, capsys):
    assert main(["data", "download", str(tmp_path), "--per-class", "0"]) == 2
    assert "per_class must be a positive integer" in capsys.readouterr().err
    assert main(["data", "download", str(tmp_path), "--per-class", "3",
                 "--base-url", refused_url()]) == 1  # fmt: skip
    assert "Cannot reach http://127.0.0.1" in capsys.readouterr().err
