"""The sandbox kit: what it withholds, and whether its zygote warms the compiled kernels."""

from __future__ import annotations

import pytest

from coursekit.grading.questions import ASSIGNMENTS
from coursekit.grading.withhold import (
    kit_uses_kernels,
    reaches_compiled_kernels,
    sandbox_kit,
    withheld_functions,
)

#: Which assignments' graded functions run the numba kernels (the augmentation ones do).
USES_KERNELS = {"01-images": False, "02-augmentation": True, "03-clustering": False,
                "04-small-data": True}  # fmt: skip


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_kernels_are_warmed_only_where_the_graded_functions_reach_them(assignment):
    assert reaches_compiled_kernels(assignment) is USES_KERNELS[assignment]


@pytest.mark.parametrize("assignment", ["01-images", "02-augmentation"])
def test_the_kit_records_it_and_withholds_the_references(tmp_path, assignment):
    kit = sandbox_kit(assignment, cache=tmp_path)
    assert kit_uses_kernels(kit) is USES_KERNELS[assignment]
    withheld = (kit / "WITHHELD.txt").read_text().split()
    assert withheld == sorted(f"{m}.{n}" for m, n in withheld_functions(assignment))
    assert sandbox_kit(assignment, cache=tmp_path) == kit  # made once per kit version


def test_a_kit_without_the_record_is_warmed(tmp_path):
    assert kit_uses_kernels(tmp_path)
