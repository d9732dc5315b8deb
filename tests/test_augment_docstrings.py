"""The examples in coursekit.augment's docstrings run and print what they say.

These docstrings are what students read (``help(rotate)``), so every public
function must document its parameters and result and give an example that works.
"""

import doctest
import inspect

import pytest

import coursekit.augment
from coursekit.augment import _accel, colour, filters, geometry, pipeline, warmup


@pytest.mark.parametrize("module", [geometry, colour, filters, pipeline, _accel, warmup])
def test_docstring_examples_run(module):
    results = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert results.attempted > 0
    assert results.failed == 0


@pytest.mark.parametrize("name", coursekit.augment.__all__)
def test_public_functions_document_parameters_results_and_examples(name):
    obj = getattr(coursekit.augment, name)
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        return
    doc = inspect.getdoc(obj) or ""
    assert "Parameters\n----------" in doc or "Attributes\n----------" in doc, name
    assert "Examples\n--------" in doc, f"{name} has no Examples section"
    if inspect.isfunction(obj):
        assert "Returns\n-------" in doc, f"{name} has no Returns section"
        for parameter in inspect.signature(obj).parameters:
            assert f"{parameter} :" in doc or f"**{parameter}" in doc, (
                f"{name} does not document its parameter {parameter!r}"
            )
