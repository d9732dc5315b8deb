"""Hidden tests' conftest: loads a submission notebook into a sandboxed student process.

Run by hand: ``pytest autograder/test_02_augmentation.py --submission notebook.ipynb``.
``coursekit grade`` runs the same tests. Each test ``test_<function>`` checks one
student function and carries ``@pytest.mark.points(n)``.
"""

from coursekit.grading.plugin import (  # noqa: F401 - pytest finds hooks and fixtures here
    pytest_addoption,
    pytest_collection_modifyitems,
    pytest_configure,
    student,
    student_session,
)
