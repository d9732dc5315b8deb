"""Shared test settings: hypothesis is derandomised so that every run checks the same examples."""

import os

import matplotlib
from hypothesis import settings

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile("coursekit", derandomize=True, deadline=None, max_examples=50)
settings.load_profile("coursekit")
