"""nbgrader configuration for the course kit (run nbgrader from the repository root)."""

c = get_config()  # noqa: F821  (provided by nbgrader/traitlets)

c.CourseDirectory.course_id = "coursekit"
c.CourseDirectory.root = "."
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# What students see where a solution was.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Each notebook runs in under a minute; give slow machines room, but never hang.
c.ExecutePreprocessor.timeout = 300
c.Execute.timeout = 300
c.ClearOutput.enabled = True

# Autograde: coursekit grades each notebook outside the kernel (the same engine as
# `coursekit grade`, started in the background before the kernel runs) and writes every
# graded cell's report and points itself, so nothing the student's code does in the kernel
# can change a score. The kit's own cells (data loading, figures) run as definitions only,
# so autograde is quick and the feedback pages stay small.
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    Execute,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from coursekit.grading.nbgrader import StartGrading, WriteGrades  # noqa: E402

c.Autograde.autograde_preprocessors = [
    StartGrading,
    Execute,
    WriteGrades,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
# Feedback pages never show the hidden tests' code.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
