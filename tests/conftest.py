"""Shared test settings: hypothesis is derandomised so that every run checks the same examples."""

import os

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile("coursekit", derandomize=True, deadline=None, max_examples=50)
settings.load_profile("coursekit")


@pytest.fixture(scope="session")
def coursekit_cache(tmp_path_factory):
    """One data cache (``$COURSEKIT_CACHE``) for every test that executes course notebooks,
    so the synthetic data set is made once per session, never in the real home."""
    return tmp_path_factory.mktemp("coursekit-cache")
