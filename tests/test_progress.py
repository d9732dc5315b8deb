import sys
import types

from coursekit._progress import progress_bar


def _fake_ipython(monkeypatch, shell_class_name):
    shell = type(shell_class_name, (), {})()
    module = types.SimpleNamespace(get_ipython=lambda: shell)
    monkeypatch.setitem(sys.modules, "IPython", module)


def test_bar_goes_to_stderr_in_a_terminal(capsys, monkeypatch):
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    with progress_bar(3, desc="work", unit="item") as bar:
        bar.update(3)
    captured = capsys.readouterr()
    assert "work" in captured.err and captured.out == ""


def test_bar_goes_to_stdout_in_a_notebook_kernel(capsys, monkeypatch):
    _fake_ipython(monkeypatch, "ZMQInteractiveShell")
    with progress_bar(3, desc="work", unit="item") as bar:
        bar.update(3)
    captured = capsys.readouterr()
    assert "work" in captured.out and captured.err == ""


def test_terminal_ipython_still_uses_stderr(capsys, monkeypatch):
    _fake_ipython(monkeypatch, "TerminalInteractiveShell")
    with progress_bar(2, desc="work", unit="item") as bar:
        bar.update(2)
    assert "work" in capsys.readouterr().err


def test_tqdm_disable_switches_every_bar_off(monkeypatch):
    from coursekit._progress import progress_bar

    monkeypatch.setenv("TQDM_DISABLE", "1")
    assert progress_bar(3, "x", "it").disable
    monkeypatch.delenv("TQDM_DISABLE")
    assert not progress_bar(3, "x", "it").disable
