"""``coursekit similarity``: copies of the kit and between students are listed, idioms are not.

Every class is made here as real notebooks (``tests/fixtures/grading_notebooks.py``): the kit's
functions pasted verbatim, a copy between two students disguised by renaming, reformatting,
new comments and reordered statements, independent one-liners, and a class of twenty honest
students who share the common idioms of the task.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from coursekit.similarity import KIT, Settings, find_similar, similarity_section
from coursekit.similarity.normalise import canonical_code
from tests.fixtures.grading_notebooks import make_notebook

ASSIGNMENT = "02-augmentation"
REPO = Path(__file__).resolve().parent.parent

#: A student's own rotate, long enough to be evidence (about a dozen lines).
ORIGINAL_ROTATE = '''\
def rotate(image, angle, mode="reflect", resize=False):
    """Rotate counter-clockwise by angle degrees."""
    import skimage.transform
    pixels = np.asarray(image)
    turns = angle / 90.0
    # exact quarter turns first: no interpolation needed
    if float(turns).is_integer():
        return np.ascontiguousarray(np.rot90(pixels, int(turns) % 4, axes=(0, 1)))
    scale = 255.0 if pixels.dtype == np.uint8 else 1.0
    work = pixels.astype(np.float64) / scale
    turned = skimage.transform.rotate(work, angle, resize=resize, mode=mode, order=1)
    turned = np.clip(turned, 0.0, 1.0)
    if pixels.dtype == np.uint8:
        return np.rint(turned * 255.0).astype(np.uint8)
    return turned.astype(pixels.dtype)
'''

#: The same code, disguised: other names, comments and layout, independent lines swapped.
DISGUISED_ROTATE = '''\
def rotate(image, angle, mode="reflect", resize=False):
    # my rotation (written by me!)
    import skimage.transform
    img = np.asarray(image)
    q = angle / 90.0
    if float(q).is_integer():  # multiples of 90
        return np.ascontiguousarray(np.rot90(img, int(q) % 4,
                                             axes=(0, 1)))
    top = 255.0 if img.dtype == np.uint8 else 1.0
    x = img.astype(np.float64) / top
    y = skimage.transform.rotate(x, angle,
                                 resize=resize,
                                 mode=mode, order=1)
    y = np.clip(y, 0.0, 1.0)
    if img.dtype == np.uint8:
        return np.rint(y * 255.0).astype(np.uint8)
    return y.astype(img.dtype)
'''


def _kit_paste() -> str:
    """What a student pastes from the students' copy: rotate and its private helpers, verbatim."""
    from coursekit.augment import geometry

    parts = [inspect.getsource(getattr(geometry, name))
             for name in ("_back_to_dtype", "_rotate90_view", "_rotate90", "_rotate")]  # fmt: skip
    head = ("from coursekit._validation import check_image\n"
            "from coursekit.augment._params import check_choice, check_integer, check_number\n"
            "from coursekit.augment._kernels import contiguous_copy\n"
            "from coursekit.augment._warp import rotate_exact\n"
            "import skimage.transform\n"
            "ROTATE_MODES = ('constant', 'edge', 'symmetric', 'reflect', 'wrap')\n"
            "_QUARTER_TURN_TOLERANCE = 1e-9\n\n")  # fmt: skip
    public = ('def rotate(image, angle, mode="reflect", resize=False):\n'
              "    return _rotate(check_image(image), angle, mode, resize, 1, 0.0)\n")
    return head + "\n\n".join(parts) + "\n\n" + public


def _class(folder: Path, solutions: dict[str, dict[str, str]]) -> Path:
    """``submitted/<student>/02-augmentation/augmentation.ipynb`` for each student; the
    functions not given are the release's stubs."""
    for student, overrides in solutions.items():
        make_notebook(folder / student / ASSIGNMENT / "augmentation.ipynb", ASSIGNMENT,
                      overrides, stub=True)  # fmt: skip
    return folder


def _pairs(matches, function=None) -> set[tuple[str, str, str]]:
    return {(m.function, m.first, m.second) for m in matches
            if function is None or m.function == function}  # fmt: skip


def test_normalised_code_ignores_names_comments_layout_and_order():
    assert canonical_code(ORIGINAL_ROTATE) == canonical_code(DISGUISED_ROTATE)
    assert canonical_code("a = f(x)\nb = g(y)\n") == canonical_code("b = g(y)\na = f(x)\n")
    # Dependent statements keep their order: swapping them changes what the code does.
    swapped = canonical_code("b = np.zeros(3)\na = np.ones(2)\n")
    assert canonical_code("a = np.ones(2)\nb = np.zeros(3)\n") == swapped
    # Dependent statements keep their order: swapping them changes what the code does.
    dependent = canonical_code("a = np.zeros(3)\nb = a.sum()\n")
    assert dependent != canonical_code("b = a.sum()\na = np.zeros(3)\n")
    mutated = canonical_code("a = np.ones(x)\nb = x.pop()\n")  # a method call may change x
    assert mutated != canonical_code("b = x.pop()\na = np.ones(x)\n")


def test_a_verbatim_copy_of_the_kit_is_listed(tmp_path):
    submitted = _class(tmp_path / "submitted", {
        "mallory": {"rotate": _kit_paste()},
        "honest": {"rotate": ORIGINAL_ROTATE},
    })  # fmt: skip
    matches, submissions = find_similar([submitted])
    assert len(submissions) == 2 and not any(s.error for s in submissions)
    kit = [m for m in matches if m.second == KIT]
    assert _pairs(kit) == {("rotate", "mallory", KIT)}, matches
    assert kit[0].score >= 0.9 and "_rotate" in kit[0].why
    assert not _pairs(matches) - _pairs(kit)  # the honest student matches nobody


def test_the_kit_pasted_is_listed_in_every_assignment_and_the_model_answers_are_not(tmp_path):
    """Pasting the kit's functions (with imports of their helpers) scored full marks in all four
    assignments; every one is listed. Answers written as the instructor's model solutions are
    what the task asks for: never listed against the kit."""
    from coursekit.grading.questions import ASSIGNMENTS, QUESTIONS
    from tests.fixtures.course_submissions import answer, release_notebook

    for assignment in ASSIGNMENTS:
        make_notebook(tmp_path / "paster" / assignment / "n.ipynb", assignment, paste_kit=True)
        answer(release_notebook(assignment), assignment, {},
               tmp_path / "model" / assignment / "n.ipynb")  # fmt: skip
    matches, _ = find_similar([tmp_path])
    against_kit = {(m.function, m.first) for m in matches if m.second == KIT}
    assert against_kit == {(q.name, "paster") for q in QUESTIONS}


def test_the_kit_s_one_line_wrapper_with_its_private_helpers_is_listed(tmp_path):
    from coursekit.augment import geometry

    wrapper = ("from coursekit._validation import check_image\n"
               "from coursekit.augment._kernels import contiguous_copy\n\n"
               + inspect.getsource(geometry._flip_view) + "\n\n"
               + 'def flip(image, axis):\n'
               "    return contiguous_copy(_flip_view(check_image(image), axis))\n")  # fmt: skip
    matches, _ = find_similar([_class(tmp_path / "s", {"mallory": {"flip": wrapper}})])
    assert _pairs(matches) == {("flip", "mallory", KIT)}
    assert "check_image" in matches[0].why and "contiguous_copy" in matches[0].why


def test_a_disguised_copy_between_two_students_is_listed(tmp_path):
    submitted = _class(tmp_path / "submitted", {
        "alice": {"rotate": ORIGINAL_ROTATE},
        "bob": {"rotate": DISGUISED_ROTATE},
        "carol": {"rotate": textwrap.dedent('''\
            def rotate(image, angle, mode="reflect", resize=False):
                import skimage.transform
                arr = np.asarray(image)
                if angle % 90 == 0:
                    return np.rot90(arr, int(angle // 90), axes=(0, 1)).copy()
                kw = dict(resize=resize, mode=mode, order=1, preserve_range=True)
                out = skimage.transform.rotate(arr, angle, **kw)
                if arr.dtype != np.uint8:
                    return np.clip(out, 0, 1).astype(arr.dtype)
                return np.clip(np.round(out), 0, 255).astype(np.uint8)
            ''')},
    })  # fmt: skip
    matches, _ = find_similar([submitted])
    assert _pairs(matches) == {("rotate", "alice", "bob")}, [m.to_dict() for m in matches]
    assert matches[0].score == 1.0 and matches[0].ast == 1.0


def test_two_independent_correct_one_liners_are_not_listed(tmp_path):
    submitted = _class(tmp_path / "submitted", {
        "alice": {"rotate90": "def rotate90(image, k=1):\n    return np.rot90(image, k).copy()\n",
                  "flip": "def flip(image, axis):\n    if axis == 'horizontal':\n"
                          "        return image[:, ::-1].copy()\n    if axis == 'vertical':\n"
                          "        return image[::-1].copy()\n    raise ValueError(axis)\n"},
        "bob": {"rotate90": "def rotate90(img, k=1):\n    # turn it\n"
                            "    return np.rot90(img, k).copy()\n",
                "flip": "def flip(image, axis):\n    if axis == 'vertical':\n"
                        "        return np.flipud(image).copy()\n"
                        "    elif axis == 'horizontal':\n        return np.fliplr(image).copy()\n"
                        "    raise ValueError(f'bad axis {axis}')\n"},
    })  # fmt: skip
    matches, _ = find_similar([submitted])
    assert matches == []


# The class: every student writes adjust_brightness in three steps. For each step most of the
# class writes the same idiom (the first variant); the others write one of the rarer shapes, with
# their own choice of float type ({F}) and rounding ({R}), as students do.
_TO_FLOAT = [
    "    scaled = image / 255.0 if image.dtype == np.uint8 else image\n",
    "    if image.dtype == np.uint8:\n        scaled = image.astype({F}) / 255\n"
    "    else:\n        scaled = image.astype({F})\n",
    "    is_byte = image.dtype == np.uint8\n"
    "    scaled = image / 255.0 if is_byte else image.copy()\n",
    "    scaled = np.asarray(image, dtype={F})\n    if image.dtype == np.uint8:\n"
    "        scaled = scaled / 255.0\n",
    "    scaled = image.astype({F}) * (1 / 255 if image.dtype == np.uint8 else 1)\n",
]
_SCALE = [
    "    out = np.clip(scaled * factor, 0.0, 1.0)\n",
    "    out = np.minimum(scaled * factor, 1.0)\n    out = np.maximum(out, 0.0)\n",
    "    out = scaled * factor\n    out[out > 1] = 1.0\n    out[out < 0] = 0.0\n",
    "    out = np.where(scaled * factor > 1, 1.0, scaled * factor)\n",
    "    out = (scaled * factor).clip(min=0, max=1)\n",
]
_BACK = [
    "    if image.dtype == np.uint8:\n        return np.rint(out * 255).astype(np.uint8)\n"
    "    return out.astype(image.dtype)\n",
    "    if image.dtype != np.uint8:\n        return out.astype(image.dtype)\n"
    "    return {R}(out * 255).astype(np.uint8)\n",
    "    result = {R}(out * 255).astype(np.uint8) if image.dtype == np.uint8 "
    "else out.astype(image.dtype)\n    return result\n",
    "    if image.dtype == np.uint8:\n        out = {R}(out * 255.0)\n"
    "        return out.astype(np.uint8)\n    return out.astype(image.dtype, copy=True)\n",
    "    dtype = image.dtype\n    return ({R}(out * 255) if dtype == np.uint8 else out)"
    ".astype(dtype)\n",
]
_FLOATS = ["np.float64", "np.float32", "np.double", "float"]
_ROUNDING = ["np.rint", "np.round", "np.around"]
_ROT90 = ["    return np.rot90(image, k).copy()\n",
          "    return np.rot90(image, k, axes=(0, 1)).copy()\n",
          "    return np.array(np.rot90(image, k))\n"]  # fmt: skip


def _honest_class(n: int = 20, random_state: int = 0) -> dict[str, dict[str, str]]:
    rng = np.random.default_rng(random_state)
    students = {}
    for i in range(n):
        steps = []
        for variants in (_TO_FLOAT, _SCALE, _BACK):
            # About two thirds of the class write the common idiom.
            steps.append(variants[0] if rng.random() < 0.65 else variants[rng.integers(1, 5)])
        body = "    image = np.asarray(image)\n" + "".join(steps).format(
            F=_FLOATS[rng.integers(0, 4)], R=_ROUNDING[rng.integers(0, 3)])
        students[f"student{i:02d}"] = {
            "adjust_brightness": "def adjust_brightness(image, factor):\n" + body,
            "rotate90": "def rotate90(image, k=1):\n" + _ROT90[rng.integers(0, 3)],
        }
    return students


def test_a_class_with_common_idioms_does_not_flood(tmp_path):
    students = _honest_class()
    # Two students hand in one rotate between them, one of them disguised.
    students["student03"]["rotate"] = ORIGINAL_ROTATE
    students["student11"]["rotate"] = DISGUISED_ROTATE
    submitted = _class(tmp_path / "submitted", students)
    matches, submissions = find_similar([submitted])
    assert len(submissions) == 20
    assert _pairs(matches) == {("rotate", "student03", "student11")}, \
        [m.to_dict() for m in matches]  # fmt: skip


def test_scores_are_deterministic_across_processes(tmp_path):
    students = _honest_class(6, random_state=1)
    students["student01"]["rotate"] = ORIGINAL_ROTATE
    students["student04"]["rotate"] = DISGUISED_ROTATE
    submitted = _class(tmp_path / "submitted", students)
    outputs = []
    for seed in ("1", "2"):  # Python's own hash() is salted per process: scores must not be
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run(
            [sys.executable, "-m", "coursekit", "similarity", str(submitted), "--format", "json",
             "--output", str(tmp_path / "pages")],
            capture_output=True, text=True, env=env, cwd=REPO, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    pairs = json.loads(outputs[0])["pairs"]
    assert [(p["function"], p["first"], p["second"]) for p in pairs] == [
        ("rotate", "student01", "student04")]
    assert similarity_section([submitted]) == pairs
    index = (tmp_path / "pages" / "similarity" / "index.html").read_text()
    assert "student01" in index and "side by side" in index


def test_pages_escape_what_students_wrote(tmp_path):
    sneaky = ORIGINAL_ROTATE.replace('"""Rotate', '"""</pre><script>alert(1)</script>Rotate')
    sneaky = sneaky.replace("# exact", "# <img src=x onerror=alert(1)> exact")
    submitted = _class(tmp_path / "submitted", {"a<b>": {"rotate": sneaky},
                                                "bob\x1b[2J": {"rotate": DISGUISED_ROTATE}})
    done = subprocess.run(
        [sys.executable, "-m", "coursekit", "similarity", str(submitted), "--output",
         str(tmp_path / "out")], capture_output=True, text=True, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "a<b> <-> bob?[2J" in done.stdout and "\x1b" not in done.stdout  # no terminal escape
    pages = list((tmp_path / "out" / "similarity").glob("*.html"))
    assert len(pages) == 2
    for page in pages:
        text = page.read_text()
        assert "<script>" not in text and "<img" not in text and "<b>" not in text
    pair = next(p for p in pages if p.name != "index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pair and "a&lt;b&gt;" in pair


def test_bad_arguments_are_named(tmp_path, capsys):
    from coursekit.cli import main

    assert main(["similarity", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["similarity", str(tmp_path), "--threshold", "1.5"]) == 2
    assert "threshold" in capsys.readouterr().err
    with pytest.raises(ValueError, match="threshold"):
        Settings(threshold=0)
    broken = tmp_path / "submitted" / "eve" / ASSIGNMENT / "augmentation.ipynb"
    broken.parent.mkdir(parents=True)
    broken.write_text("{ not json")
    assert main(["similarity", str(tmp_path / "submitted")]) == 0
    assert f"skipped cannot read {broken}" in capsys.readouterr().err


@pytest.mark.slow  # grades two notebooks with the real engine
def test_grade_similarity_adds_the_section_to_the_report(tmp_path, capsys):
    from coursekit.cli import main

    submitted = _class(tmp_path / "submitted", {"alice": {"rotate": ORIGINAL_ROTATE},
                                                "bob": {"rotate": DISGUISED_ROTATE}})
    feedback = tmp_path / "feedback"
    assert main(["grade", str(submitted), "--format", "json", "--similarity",
                 "--feedback", str(feedback)]) == 0  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert "alice" in (feedback / "similarity" / "index.html").read_text()
    assert (feedback / "alice" / ASSIGNMENT).is_dir()  # the students' pages, beside it
    assert {r["student_id"] for r in report["results"]} == {"alice", "bob"}
    assert [(p["function"], p["first"], p["second"]) for p in report["similarity"]] == [
        ("rotate", "alice", "bob")]
    assert main(["grade", str(submitted), "--format", "csv", "--similarity"]) == 2
    assert "--similarity" in capsys.readouterr().err
