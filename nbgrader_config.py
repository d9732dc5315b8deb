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

# Autograde: no kernel ever runs a student's notebook (nbgrader's Execute step would run the
# student's code as the instructor, outside any sandbox). GradeOutsideKernel grades each
# notebook with the same engine as `coursekit grade` and writes every graded cell's report and
# points, which SaveAutoGrades records in the gradebook. `coursekit nbgrader autograde` does
# the same whatever this file says; `nbgrader autograde` and formgrader follow this list.
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from coursekit.grading.nbgrader import (  # noqa: E402
    GradeOutsideKernel,
    RestoreHiddenTests,
)

# nbgrader saves each locked cell's checksum with its hidden tests but releases the cell
# without them, so OverwriteCells would warn "Attribute 'checksum' ... has changed!" for every
# graded cell (jupyter/nbgrader#1961). RestoreHiddenTests puts the hidden tests back into cells
# a student left as released; the warning then means a student changed a locked cell.
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    RestoreHiddenTests,
    OverwriteCells,
    CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    GradeOutsideKernel,
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
