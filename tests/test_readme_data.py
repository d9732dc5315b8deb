"""The README's data commands run as written in a fresh clone, against a local Dataverse."""

import pytest
from fixtures.flow_hooks import __file__ as hooks_file
from fixtures.fresh_clone import fresh_clone, readme_block, run_block, shell_env
from fixtures.range_server import DataverseZips

pytestmark = pytest.mark.slow


def test_readme_subset_download_and_info_run_as_written(tmp_path):
    clone = fresh_clone(tmp_path)
    layout = DataverseZips(1000)  # enough of every diagnosis (df is 1.1 %)
    with layout.serve() as server:
        env = shell_env(tmp_path / "home", COURSEKIT_DATAVERSE_URL=server.url,
                        COURSEKIT_CACHE=str(tmp_path / "cache"))  # fmt: skip
        done = run_block(readme_block("<!-- flow: data -->"), clone, env, hooks_file,
                         timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:]
    subset = tmp_path / "ham10000-subset"
    jpegs = sorted(subset.rglob("ISIC_*.jpg"))
    assert len(jpegs) == 70  # 10 of each of the seven diagnoses
    assert "subset" in done.stdout and "70" in done.stdout
