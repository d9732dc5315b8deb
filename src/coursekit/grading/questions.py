"""The graded questions: the single owner of names, checks and points.

Every other place that mentions points is derived from, or tested against, this
table: the hidden tests' ``@check`` decorators, the notebooks' nbgrader metadata
(``make release`` and ``tests/test_release.py``), ``autograder/README.md``
(:func:`markdown_table`), every report format and the Classroom and Gradescope
builders.

A :class:`Question` is one student function; its points are split over named
:class:`Check`\\ s (partial credit). A :class:`WrittenQuestion` is an answer in
words, graded by hand in nbgrader's formgrader; reports list it as pending.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Check",
    "Question",
    "WrittenQuestion",
    "QUESTIONS",
    "WRITTEN",
    "ASSIGNMENTS",
    "questions_for",
    "written_for",
    "question",
    "max_points",
    "hidden_test_file",
    "markdown_table",
]


@dataclass(frozen=True)
class Check:
    """One named part of a question's contract, worth ``points``.

    Attributes
    ----------
    name : str
        Identifier, unique within its question (``"quarter_turns"``); the hidden
        test checking it is ``test_<question>__<name>``.
    title : str
        What is checked, in words a student understands (shown in every report).
    points : float
        Points awarded when every input of the check passes, else 0.
    """

    name: str
    title: str
    points: float


@dataclass(frozen=True)
class Question:
    """One graded student function.

    Attributes
    ----------
    assignment : str
        nbgrader assignment name (the folder name, e.g. ``"02-augmentation"``).
    name : str
        Name of the student function, also the question name (``"rotate90"``).
    reference : str
        Dotted path of the ``coursekit`` reference with the same signature.
    checks : tuple of Check
        The parts of the contract, in the order they are graded and reported.
    """

    assignment: str
    name: str
    reference: str
    checks: tuple[Check, ...]

    @property
    def points(self) -> float:
        """Points of the question: the sum of its checks' points."""
        return float(sum(c.points for c in self.checks))

    @property
    def grade_id(self) -> str:
        """nbgrader ``grade_id`` of the student's solution cell."""
        return f"{self.assignment}-{self.name}"

    @property
    def test_grade_id(self) -> str:
        """nbgrader ``grade_id`` of the graded test cell (quick check + hidden tests)."""
        return f"{self.assignment}-{self.name}-tests"

    def check(self, name: str) -> Check:
        """The check called ``name`` (KeyError naming the valid ones otherwise)."""
        for candidate in self.checks:
            if candidate.name == name:
                return candidate
        raise KeyError(
            f"question {self.name!r} has no check {name!r}; "
            f"its checks: {', '.join(c.name for c in self.checks)}"
        )


@dataclass(frozen=True)
class WrittenQuestion:
    """An answer in words, graded by hand (nbgrader's formgrader).

    Attributes
    ----------
    assignment : str
        nbgrader assignment name.
    grade_id : str
        nbgrader ``grade_id`` of the answer cell (a graded markdown cell).
    title : str
        Short description shown in reports.
    points : float
        Maximum points.
    """

    assignment: str
    grade_id: str
    title: str
    points: float

    @property
    def name(self) -> str:
        """Name used in reports: the ``grade_id`` without the assignment prefix."""
        return self.grade_id.removeprefix(self.assignment + "-")


def _q(assignment, name, reference, *checks) -> Question:
    return Question(assignment, name, reference, tuple(Check(*c) for c in checks))


_NEW_ARRAY = "a new array is returned (never a view of the input), and the input is left unchanged"
_ROUNDING = "uint8 results are rounded to the nearest integer (np.rint), not truncated"
_GREY_REFUSED = "a grey (H, W) image, or any shape but (H, W, 3), raises ValueError"

QUESTIONS: tuple[Question, ...] = (
    _q(
        "01-images", "resize_image", "coursekit.augment.resize_image",
        ("shape_dtype", "size is (height, width); the result keeps the input's dtype and "
         "channels", 0.5),
        ("values", "bilinear interpolation with anti-aliasing, as skimage.transform.resize("
         "order=1, anti_aliasing=True, preserve_range=True)", 1.0),
        ("rounding", _ROUNDING, 0.5),
    ),
    _q(
        "01-images", "cluster_pixels", "coursekit.cluster.cluster_pixels",
        ("grouping", "pixels are grouped by colour with k-means (rgb, scaled to [0, 1])", 1.0),
        ("colour_space", "the pixels are clustered in the colour space asked for (hsv, lab)", 0.5),
        ("centres_labels", "centres are the clusters' mean colours in that space's units, and "
         "labels are numbered from the darkest centre to the brightest", 0.5),
        ("random_state", "random_state seeds k-means exactly as documented (KMeans(n_clusters=k, "
         "n_init=4, random_state=random_state))", 0.5),
        ("grey_refused", _GREY_REFUSED, 0.5),
    ),
    _q(
        "01-images", "quantise", "coursekit.cluster.quantise",
        ("values", "every pixel is painted with the mean colour of its cluster (rgb)", 1.0),
        ("colour_space", "hsv and lab: clusters found in that space, centres converted back to "
         "RGB and clipped to [0, 1]", 0.5),
        ("dtype_rounding", "the result has the input's dtype; uint8 values are rounded to the "
         "nearest integer", 0.5),
    ),
    _q(
        "02-augmentation", "rotate90", "coursekit.augment.rotate90",
        ("quarter_turns", "k quarter turns counter-clockwise, exactly, for any integer k, grey "
         "and RGB", 1.5),
        ("new_array", _NEW_ARRAY, 0.5),
    ),
    _q(
        "02-augmentation", "rotate", "coursekit.augment.rotate",
        ("quarter_turns", "multiples of 90 degrees are exact quarter turns (the shape swaps for "
         "odd multiples, whatever resize says)", 1.0),
        ("any_angle", "other angles: bilinear interpolation counter-clockwise about the centre; "
         "uint8 results rounded", 1.0),
        ("mode", "mode fills the uncovered corners as documented (numpy.pad's modes)", 0.5),
        ("resize", "resize=True enlarges the canvas so that the whole rotated image fits", 0.5),
    ),
    _q(
        "02-augmentation", "flip", "coursekit.augment.flip",
        ("mirrors", '"horizontal" reverses the columns (left-right), "vertical" the rows '
         "(upside down)", 1.0),
        ("unknown_axis", 'any axis other than "horizontal" or "vertical" raises ValueError', 0.5),
        ("new_array", _NEW_ARRAY, 0.5),
    ),
    _q(
        "02-augmentation", "adjust_brightness", "coursekit.augment.adjust_brightness",
        ("values", "every value is multiplied by factor on the [0, 1] scale and clipped to "
         "[0, 1]; floats stay floats", 1.0),
        ("rounding", _ROUNDING, 0.5),
        ("new_array", _NEW_ARRAY, 0.5),
    ),
    _q(
        "02-augmentation", "adjust_gamma", "coursekit.augment.adjust_gamma",
        ("values", "out = value ** gamma on the [0, 1] scale; floats stay floats", 1.0),
        ("rounding", _ROUNDING, 0.5),
        ("new_array", _NEW_ARRAY, 0.5),
    ),
    _q(
        "03-clustering", "colour_histogram", "coursekit.features.colour_histogram",
        ("rgb", "one np.histogram per channel over (0, 1), each channel divided by its sum, "
         "concatenated", 1.0),
        ("colour_spaces", "hsv and lab histograms, each channel over its own range (L* 0..100, "
         "a* and b* -128..127)", 0.5),
        ("dtypes", "a uint8 image and the same image divided by 255 give the same histogram",
         0.5),
        ("bins", "any number of bins >= 1; a value on the top edge falls in the last bin", 0.5),
        ("grey_refused", _GREY_REFUSED, 0.5),
    ),
    _q(
        "03-clustering", "cluster_images", "coursekit.cluster.cluster_images",
        ("kmeans", 'method="kmeans": KMeans(n_clusters=k, n_init=10) groups the samples', 1.0),
        ("random_state", "random_state seeds k-means and the Gaussian mixture exactly as "
         "documented: the same seed gives the documented clustering", 0.5),
        ("agglomerative", 'method="agglomerative": Ward linkage', 0.5),
        ("gmm", 'method="gmm": GaussianMixture(covariance_type="diag", n_init=3)', 0.5),
        ("dbscan", 'method="dbscan": DBSCAN(eps=dbscan_eps(features, k), min_samples=k), '
         "noise labelled -1", 0.5),
    ),
    _q(
        "03-clustering", "purity", "coursekit.cluster.purity",
        ("values", "the share of samples that belong to their cluster's most common class",
         1.5),
        ("label_types", "classes and clusters may be strings or any numbers, in lists or "
         "arrays", 0.5),
    ),
    _q(
        "04-small-data", "lesion_train_test_split", "coursekit.data.lesion_train_test_split",
        ("grouped", "no lesion on both sides; train and test together hold every row once, "
         "both non-empty", 1.0),
        ("positions", "row positions 0 .. n - 1 are returned, whatever the table's index", 0.5),
        ("test_size", "test_size is the fraction of lesions (not images) in the test set", 0.5),
        ("random_state", "the same random_state gives the same split; other seeds give other "
         "splits", 0.5),
        ("errors", "ValueError for a missing lesion_id column or a test_size outside (0, 1)",
         0.5),
    ),
    _q(
        "04-small-data", "augment_dataset", "coursekit.augment.augment_dataset",
        ("layout", "originals first, then copy 1 of every image, copy 2, ...; labels and groups "
         "repeated alike; dtype kept", 1.0),
        ("augments", "the copies differ from their originals and from each other; the input is "
         "left unchanged", 0.5),
        ("streams", "copy c of image i is default_pipeline(...)(images[i], random_state="
         "np.random.default_rng([random_state, c, i]))", 1.0),
        ("random_state", "another random_state gives other copies; the same one the same", 0.5),
    ),
)  # fmt: skip

WRITTEN: tuple[WrittenQuestion, ...] = (
    WrittenQuestion("01-images", "01-images-segmentation-limits", "Question A (written)", 1.0),
    WrittenQuestion(
        "02-augmentation", "02-augmentation-label-preserving", "Question A (written)", 1.0
    ),
    WrittenQuestion(
        "03-clustering", "03-clustering-camera-or-diagnosis", "Question A (written)", 2.0
    ),
    WrittenQuestion("03-clustering", "03-clustering-colour-constancy", "Question B (written)", 1.0),
    WrittenQuestion(
        "04-small-data", "04-small-data-when-augmentation-helps", "Question A (written)", 2.0
    ),
)

ASSIGNMENTS: tuple[str, ...] = tuple(dict.fromkeys(q.assignment for q in QUESTIONS))


def questions_for(assignment: str) -> tuple[Question, ...]:
    """Graded functions of ``assignment`` in notebook order (empty for an unknown assignment)."""
    return tuple(q for q in QUESTIONS if q.assignment == assignment)


def written_for(assignment: str) -> tuple[WrittenQuestion, ...]:
    """Written questions of ``assignment`` in notebook order."""
    return tuple(w for w in WRITTEN if w.assignment == assignment)


def question(name: str) -> Question:
    """The graded function called ``name`` (KeyError naming the valid ones otherwise)."""
    for candidate in QUESTIONS:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no graded function {name!r}; known: {', '.join(q.name for q in QUESTIONS)}")


def max_points(assignment: str) -> float:
    """Maximum of ``assignment``: its functions' and its written answers' points (nbgrader's)."""
    return float(
        sum(q.points for q in questions_for(assignment))
        + sum(w.points for w in written_for(assignment))
    )


def hidden_test_file(assignment: str) -> str:
    """Hidden test file of ``assignment``: ``"02-augmentation"`` -> ``test_02_augmentation.py``."""
    return "test_" + assignment.replace("-", "_") + ".py"


def _signature(q: Question) -> str:
    import importlib
    import inspect

    module, _, attr = q.reference.rpartition(".")
    function = inspect.unwrap(getattr(importlib.import_module(module), attr))
    names = [
        p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
        for p in inspect.signature(function).parameters.values()
    ]
    student = [n for n in names if n.split("=")[0] in _STUDENT_PARAMETERS.get(q.name, ())]
    return f"{q.name}({', '.join(student or names)})"


#: Parameters the student version takes (the reference may take more, e.g. ``order``).
_STUDENT_PARAMETERS = {
    "resize_image": ("image", "size"),
    "cluster_pixels": ("image", "k", "colour_space", "random_state"),
    "quantise": ("image", "k", "colour_space", "random_state"),
    "rotate90": ("image", "k"),
    "rotate": ("image", "angle", "mode", "resize"),
    "flip": ("image", "axis"),
    "adjust_brightness": ("image", "factor"),
    "adjust_gamma": ("image", "gamma"),
    "colour_histogram": ("image", "bins", "colour_space"),
    "cluster_images": ("features", "k", "method", "random_state"),
    "purity": ("labels_true", "labels_pred"),
    "lesion_train_test_split": ("metadata", "test_size", "random_state"),
    "augment_dataset": ("images", "labels", "groups", "copies", "random_state"),
}


def markdown_table() -> str:
    """The table of graded questions and checks, as in ``autograder/README.md``."""
    lines = [
        "| assignment | question | check | what is checked | points |",
        "|---|---|---|---|---|",
    ]
    for assignment in ASSIGNMENTS:
        for q in questions_for(assignment):
            for c in q.checks:
                row = f"| {q.assignment} | `{_signature(q)}` | `{c.name}` | {c.title} |"
                lines.append(f"{row} {c.points:g} |")
        for w in written_for(assignment):
            lines.append(
                f"| {w.assignment} | {w.title} | `{w.grade_id}` | graded by hand | {w.points:g} |"
            )
        lines.append(f"| **{assignment}** | | | **total** | **{max_points(assignment):g}** |")
    return "\n".join(lines) + "\n"
