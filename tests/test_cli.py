import subprocess
import sys

from coursekit.cli import main


def test_help_lists_commands(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "usage: coursekit" in out


def test_console_script_runs():
    result = subprocess.run(
        [sys.executable, "-m", "coursekit", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "coursekit" in result.stdout
