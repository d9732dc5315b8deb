"""A failed quick check shows its feedback alone and first in IPython (Jupyter, Validate)."""

import re

import pytest
from IPython.core.interactiveshell import InteractiveShell

from coursekit.checks import QuickCheckFailed, _fail


@pytest.fixture
def shell():
    ip = InteractiveShell.instance()
    yield ip
    InteractiveShell.clear_instance()


def test_ipython_shows_the_feedback_first_without_a_traceback(shell, capsys):
    shell.user_ns["_fail"] = _fail
    result = shell.run_cell('_fail("✘ rotate90: quarter turns\\n  expected (3, 2), got (2, 3)")')
    assert isinstance(result.error_in_exec, QuickCheckFailed)
    shown = capsys.readouterr()
    text = (shown.out + shown.err).strip().splitlines()
    assert text == ["QuickCheckFailed: ✘ rotate90: quarter turns", "  expected (3, 2), got (2, 3)"]
    joined = "\n".join(text)
    assert "Traceback" not in joined and "<quick check>" not in joined and "skipping" not in joined


def test_a_plain_error_still_gets_its_traceback(shell, capsys):
    # The hook belongs to QuickCheckFailed only: a bug in a student's code keeps its traceback.
    shell.run_cell("def broken():\n    return 1 / 0\nbroken()")
    shown = capsys.readouterr()
    text = re.sub(r"\x1b\[[0-9;]*m", "", shown.out + shown.err)
    assert "ZeroDivisionError" in text and "return 1 / 0" in text


def test_a_failed_check_says_which_points_are_at_stake_not_earned(shell, capsys):
    # "worth 1.5 of the 2 points" read as points earned; the line says they would be lost.
    shell.run_cell("from coursekit.checks import check\n"
                   "check('purity', function=lambda labels_true, labels_pred: 0.5)")
    shown = capsys.readouterr()
    text = " ".join((shown.out + shown.err).split())  # the message is wrapped at 80 characters
    assert text.startswith("QuickCheckFailed: ✘ purity:")
    assert "of the 2 points of purity: as it stands, they would not be earned" in text
    assert "worth" not in text
