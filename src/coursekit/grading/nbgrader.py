"""nbgrader preprocessors that grade outside the kernel: trusted, fast, quiet.

``nbgrader autograde`` runs the student's notebook in a kernel and scores each
graded cell from its output. Student code runs in that kernel too, so anything
measured there could be changed by it. These preprocessors (configured in the
kit's ``nbgrader_config.py``) make the kernel's part cosmetic:

:class:`StartGrading` (before ``Execute``)
    starts grading the sanitized notebook in the background with the same engine
    as ``coursekit grade``; reduces the kit's own cells (data loading, figures) to
    their definitions for the execution, so autograde does not redo every figure
    and the feedback page stays small; tells ``grade_in_notebook`` in the kernel
    that grading happens outside (``COURSEKIT_GRADED_OUTSIDE=1``).
:class:`WriteGrades` (after ``Execute``)
    waits for the result, restores the kit's cells, and writes each graded test
    cell's output itself: the per-check report and one number, the points, which
    nbgrader's ``SaveAutoGrades`` takes as partial credit.

A warm pool of graders is reused across the notebooks of one ``autograde`` run.

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
from traitlets import Bool

__all__ = ["StartGrading", "WriteGrades", "RestoreHiddenTests", "ENV_FLAG"]

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
        import nbformat

        from coursekit.grading.notebook import question_report
        from coursekit.grading.questions import questions_for

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
        try:
            result = future.result() if future is not None else None
            error = "" if result is not None else "grading did not start"
        except BaseException as exc:  # noqa: BLE001 - the grader itself failed
            result, error = None, f"grading failed: {type(exc).__name__}: {exc}"
        tests = {q.test_grade_id: q.name for q in questions_for(state["assignment"])}
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.cell_type != "code" or grade_id not in tests:
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
