"""Shared test settings.

* hypothesis is derandomised, so every run checks the same examples;
* one data cache for the whole run, shared by the pytest-xdist workers and every subprocess
  (notebooks, nbgrader, graders): ``$COURSEKIT_CACHE`` points at a folder of this machine's
  temporary directory, so the synthetic twin is made by the code once (under a lock, by
  whichever test needs it first) and never in the real home.
"""

import getpass
import os
import tempfile
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
# One course salt for every run (the hidden inputs depend on it): the same kill rate anywhere.
os.environ.setdefault("COURSEKIT_SALT", "coursekit-tests")

settings.register_profile("coursekit", derandomize=True, deadline=None, max_examples=50)
settings.load_profile("coursekit")

SHARED_CACHE = Path(tempfile.gettempdir()) / f"coursekit-test-cache-{getpass.getuser()}"
SHARED_CACHE.mkdir(parents=True, exist_ok=True)
os.environ["COURSEKIT_CACHE"] = str(SHARED_CACHE)


@pytest.fixture(scope="session")
def coursekit_cache():
    """The run's data cache (``$COURSEKIT_CACHE``), shared by every test that executes course
    notebooks: the synthetic data set is made once, never in the real home."""
    return SHARED_CACHE
