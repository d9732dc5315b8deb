"""nbgrader's autograde without a kernel: the kit's engine writes every graded cell's points.

``nbgrader autograde`` as shipped runs each student notebook in a Jupyter kernel
(its ``Execute`` step) and scores each graded cell from its output. That kernel
is the student's code running as the instructor, outside any sandbox: it could
edit ``gradebook.db``, other students' files or the hidden tests. Here no kernel
starts:

:class:`GradeOutsideKernel` (the first autograde preprocessor, in place of ``Execute``)
    grades the sanitized notebook with the same engine as ``coursekit grade``
    (student code runs only in the grader's own sandboxed process) and writes each
    graded test cell's output itself: the per-check report and one number, the
    points, which nbgrader's ``SaveAutoGrades`` takes as partial credit. The other
    cells keep no output.
:class:`KernelFreeAutograde` and :func:`autograde` (``coursekit nbgrader autograde``)
    run nbgrader's own autograde (gradebook, timestamps, late penalties, overwritten
    locked cells, missing notebooks, the ``autograded/`` copy) with every preprocessor
    that would execute the notebook taken out, whatever the course's configuration
    says, so formgrader, manual grading of written answers, ``generate_feedback``,
    ``release_feedback`` and ``export`` work as after ``nbgrader autograde``.

The kit's ``nbgrader_config.py`` lists :class:`GradeOutsideKernel` and no ``Execute``,
so ``nbgrader autograde`` and formgrader's autograde button start no kernel either;
``coursekit nbgrader autograde`` does not rely on that configuration.

A warm grader is reused across the notebooks of one run.

:class:`StartGrading` and :class:`WriteGrades`
    the same grading split in two around a kernel's ``Execute`` step, as earlier
    versions of the kit configured it; kept so that such configurations still
    grade, and left out by ``coursekit nbgrader autograde`` (they imply a kernel).
:class:`RestoreHiddenTests` (a sanitizing preprocessor, before ``OverwriteCells``)
    puts the hidden tests back into graded cells the student left as released. nbgrader
    stores each locked cell's checksum with its hidden tests but releases it without them,
    so ``OverwriteCells`` would warn "Attribute 'checksum' ... has changed!" for every
    graded cell of every submission (jupyter/nbgrader#1961); after this, it warns only for
    cells a student really changed (and restores those, as before).
"""

from __future__ import annotations

import os
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from nbgrader.converters import Autograde
from traitlets import Bool

__all__ = [
    "GradeOutsideKernel",
    "KernelFreeAutograde",
    "autograde",
    "executes",
    "StartGrading",
    "WriteGrades",
    "RestoreHiddenTests",
    "ENV_FLAG",
]

#: Set for the kernel while grading happens outside it.
ENV_FLAG = "COURSEKIT_GRADED_OUTSIDE"
_KEY = "coursekit_grading"
_ORIGINAL = "coursekit_original_source"

_pending: dict[str, Future] = {}
_lock = threading.Lock()


def _assignment(nb, resources) -> str | None:
    from coursekit.grading.extract import infer_assignment

    nbgrader = resources.get("nbgrader", {}) if isinstance(resources, dict) else {}
    return nbgrader.get("assignment") or infer_assignment(nb)


_POOL = None


def _pool():
    """One warm grader for the whole ``nbgrader autograde`` run (closed at exit)."""
    global _POOL
    if _POOL is None:
        import atexit

        from coursekit.grading.parent import GraderPool

        _POOL = GraderPool(jobs=1)
        atexit.register(_POOL.close)
    return _POOL


def _grade_in_background(nb, assignment: str) -> Future:
    import nbformat

    future: Future = Future()
    folder = tempfile.mkdtemp(prefix="coursekit-autograde-")
    path = Path(folder) / f"{assignment}.ipynb"
    nbformat.write(nb, str(path))

    def work():
        try:
            future.set_result(_pool().grade(path, assignment))
        except BaseException as exc:  # noqa: BLE001 - reported in the graded cells
            future.set_exception(exc)
        finally:
            try:
                path.unlink()
                os.rmdir(folder)
            except OSError:
                pass

    threading.Thread(target=work, daemon=True, name="coursekit-grading").start()
    return future


class StartGrading(Preprocessor):
    """Start grading the notebook outside the kernel; keep only definitions of kit cells."""

    # nbconvert's preprocessors are off unless enabled; nbgrader registers these by class.
    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        from coursekit.grading.extract import load_kit_cells, source_hash, split_statements

        assignment = _assignment(nb, resources)
        if assignment is None:
            return nb, resources
        token = os.urandom(8).hex()
        with _lock:
            _pending[token] = _grade_in_background(nb, assignment)
        nb.metadata[_KEY] = {"token": token, "assignment": assignment}
        kit = load_kit_cells()
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or meta.get("grade") or meta.get("solution"):
                continue
            if source_hash(cell.source) in kit:
                statements, _ = split_statements(cell.source, definitions_only=True)
                cell.metadata[_ORIGINAL] = cell.source
                cell.source = "\n".join(s.source.lstrip("\n") for s in statements)
        os.environ[ENV_FLAG] = "1"
        return nb, resources


class WriteGrades(Preprocessor):
    """Restore the kit's cells and write every graded test cell's report and points."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        os.environ.pop(ENV_FLAG, None)
        state = nb.metadata.pop(_KEY, None)
        for cell in nb.cells:
            if _ORIGINAL in cell.metadata:
                cell.source = cell.metadata.pop(_ORIGINAL)
                cell.outputs = []
        if not state:
            return nb, resources
        with _lock:
            future = _pending.pop(state["token"], None)
        _write_grades(nb, state["assignment"], future)
        return nb, resources


def _write_grades(nb, assignment: str | None, future: Future | None) -> None:
    """Wait for ``future`` and write each graded test cell's report and points into ``nb``.

    A graded test cell the kit does not grade gets an error (no points), not nbgrader's
    default for a cell without output (full points).
    """
    import nbformat

    from coursekit.grading.notebook import question_report
    from coursekit.grading.questions import questions_for

    try:
        result = future.result() if future is not None else None
        error = "" if result is not None else "grading did not start"
    except BaseException as exc:  # noqa: BLE001 - the grader itself failed
        result, error = None, f"grading failed: {type(exc).__name__}: {exc}"
    tests = {q.test_grade_id: q.name for q in questions_for(assignment or "")}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        if grade_id not in tests:
            # nbgrader gives full points to a graded cell without output: never by default.
            cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=(
                f"{grade_id} is not a graded question of {assignment or 'a known assignment'}: "
                "no notebook code runs outside coursekit's grader, so it was not run. "
                "Give its points by hand in formgrader.\n"))]  # fmt: skip
            continue
        if result is None:
            points, text = 0.0, f"{tests[grade_id]} could not be graded ({error})."
        else:
            points, text = question_report(result, tests[grade_id])
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text=text + "\n"),
            nbformat.v4.new_output(
                "execute_result",
                data={"text/plain": repr(float(points))},
                execution_count=cell.get("execution_count"),
            ),
        ]


class GradeOutsideKernel(Preprocessor):
    """Grade the notebook with the kit's engine and write every graded cell; no kernel."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        assignment = _assignment(nb, resources)
        future = _grade_in_background(nb, assignment) if assignment else None
        _write_grades(nb, assignment, future)
        return nb, resources


def _without_hidden_tests(source: str, begin: str, end: str) -> str:
    """``source`` without its hidden-test regions (``begin`` to ``end`` lines), as released."""
    kept, hidden = [], False
    for line in source.splitlines():
        if begin in line:
            hidden = True
        elif end in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return _normalised(kept)


def _normalised(lines) -> str:
    return "\n".join(line.rstrip() for line in lines).strip()


class RestoreHiddenTests(Preprocessor):
    """Give unchanged graded cells their hidden tests back, before ``OverwriteCells``."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook, MissingEntry
        from nbgrader.preprocessors import ClearHiddenTests

        # The course's own delimiters (nbgrader's defaults unless configured).
        delimiters = ClearHiddenTests(config=self.config)
        begin, end = delimiters.begin_test_delimeter, delimiters.end_test_delimeter
        info = resources.get("nbgrader", {}) if isinstance(resources, dict) else {}
        if not {"db_url", "notebook", "assignment"} <= set(info):
            return nb, resources
        with Gradebook(info["db_url"]) as gradebook:
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                if not (meta.get("grade_id") and meta.get("locked")):
                    continue
                try:
                    stored = gradebook.find_source_cell(
                        meta["grade_id"], info["notebook"], info["assignment"]
                    )
                except MissingEntry:
                    continue
                if begin not in stored.source:
                    continue
                released = _without_hidden_tests(stored.source, begin, end)
                if _normalised(cell.source.splitlines()) == released:
                    cell.source = stored.source
        return nb, resources


def executes(preprocessor) -> bool:
    """Whether ``preprocessor`` (a class, an instance or a dotted name) runs the notebook."""
    from nbconvert.preprocessors import ExecutePreprocessor
    from traitlets.utils.importstring import import_item

    if isinstance(preprocessor, str):
        preprocessor = import_item(preprocessor)
    cls = preprocessor if isinstance(preprocessor, type) else type(preprocessor)
    return issubclass(cls, ExecutePreprocessor) or cls in (StartGrading, WriteGrades)


def _kernel_free(preprocessors, log) -> list:
    kept = [p for p in preprocessors if not executes(p)]
    dropped = len(preprocessors) - len(kept)
    if dropped:
        log.info("coursekit: %d preprocessor(s) that would start a kernel left out", dropped)
    return kept


class KernelFreeAutograde(Autograde):
    """nbgrader's Autograde that never starts a kernel.

    Every preprocessor that would execute the notebook (``Execute``, any
    ``ExecutePreprocessor``, the kernel-side :class:`StartGrading` and
    :class:`WriteGrades`) is left out of both steps, and :class:`GradeOutsideKernel`
    starts the autograde step, whatever the configuration lists.
    """

    def _init_preprocessors(self) -> None:
        self.exporter._preprocessors = []
        if self._sanitizing:
            preprocessors = _kernel_free(list(self.sanitize_preprocessors), self.log)
        else:
            rest = _kernel_free(list(self.autograde_preprocessors), self.log)
            rest = [p for p in rest if p is not GradeOutsideKernel]
            preprocessors = [GradeOutsideKernel, *rest]
        for preprocessor in preprocessors:
            self.exporter.register_preprocessor(preprocessor)


def autograde(assignment: str, student: str | None = None, course=None, force: bool = False,
              *, log_level: str = "INFO") -> int:  # fmt: skip
    """Run nbgrader's autograde of ``assignment`` in the course folder ``course``, kernel-free.

    The course's ``nbgrader_config.py`` is read as ``nbgrader autograde`` reads it
    (from ``course``, the current folder by default); the scores and comments go to its
    gradebook. Returns the exit status (0 when every notebook was graded).

    Raises
    ------
    FileNotFoundError
        When ``course`` is not a folder.
    """
    from nbgrader.apps.autogradeapp import AutogradeApp
    from nbgrader.converters import NbGraderException

    folder = Path(course) if course is not None else Path.cwd()
    if not folder.is_dir():
        raise FileNotFoundError(f"no course folder {folder}")

    class KernelFreeAutogradeApp(AutogradeApp):
        def start(self) -> None:
            super(AutogradeApp, self).start()  # nbgrader's own set-up, not its converter
            if len(self.extra_args) != 1:
                self.fail("give exactly one assignment")
            self.coursedir.assignment_id = self.extra_args[0]
            KernelFreeAutograde(coursedir=self.coursedir, parent=self).start()

    argv = [assignment, f"--log-level={log_level}"]
    argv += [f"--student={student}"] if student else []
    argv += ["--force"] if force else []
    previous = Path.cwd()
    os.chdir(folder)  # nbgrader reads nbgrader_config.py from the current folder
    try:
        app = KernelFreeAutogradeApp()
        app.initialize(argv)
        app.start()
    except NbGraderException:
        return 1
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(previous)
        AutogradeApp.clear_instance()
    return 0
