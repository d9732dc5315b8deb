"""load_skin: the cached scikit-image image, else a bundled stand-in, never a hang."""

import warnings

import numpy as np
import pytest

from coursekit.data import load_skin
from coursekit.data import skin as skin_module


def test_offline_falls_back_to_a_bundled_image_with_a_warning(monkeypatch):
    def offline(timeout=5.0):
        raise ConnectionRefusedError("no network in this test")

    monkeypatch.setattr(skin_module, "_cached_skin_path", lambda: None)
    monkeypatch.setattr(skin_module, "_fetch_skin", offline)
    with pytest.warns(UserWarning, match="immunohistochemistry"):
        image = load_skin()
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
    assert image.shape[:2] == (512, 512)


def test_downloaded_image_is_returned_without_warning(monkeypatch):
    fake = np.zeros((960, 1280, 3), np.uint8)
    monkeypatch.setattr(skin_module, "_cached_skin_path", lambda: None)
    monkeypatch.setattr(skin_module, "_fetch_skin", lambda timeout=5.0: fake)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_skin().shape == (960, 1280, 3)


def test_fetch_gives_up_quickly_when_the_host_is_unreachable(monkeypatch):
    monkeypatch.setattr(skin_module, "_SKIN_HOST", ("127.0.0.1", 9))  # discard port: refused
    with pytest.raises(OSError):
        skin_module._fetch_skin(timeout=1.0)


def test_offline_switch_uses_neither_network_nor_cache(monkeypatch):
    def must_not_be_called(*args, **kwargs):
        raise AssertionError("COURSEKIT_OFFLINE must not look at the cache or the network")

    monkeypatch.setenv("COURSEKIT_OFFLINE", "1")
    monkeypatch.setattr(skin_module, "_cached_skin_path", must_not_be_called)
    monkeypatch.setattr(skin_module, "_fetch_skin", must_not_be_called)
    with pytest.warns(UserWarning, match="COURSEKIT_OFFLINE"):
        assert load_skin().shape == (512, 512, 3)
