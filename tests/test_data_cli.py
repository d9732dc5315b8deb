"""``coursekit data synth | download | info`` through coursekit.cli.main."""

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
    assert "per dx: nv" in out and "per site: vidir_molemax" in out
    assert "missing image files: 1 (ISIC_" in out
    assert "40 x 30 (width x height)" in out


def test_errors_exit_non_zero_with_a_message(tmp_path, capsys):
    assert main(["data", "info", str(tmp_path)]) == 1
    assert "No HAM10000 metadata file" in capsys.readouterr().err
    assert main(["data", "synth", str(tmp_path / "x"), "--n-images", "3"]) == 2
    assert "n_images" in capsys.readouterr().err
    assert main(["data", "download", str(tmp_path / "d"), "--base-url",
                 "http://127.0.0.1:9"]) == 1  # fmt: skip
    assert "COURSEKIT_DATA" in capsys.readouterr().err
