"""Seeded augmentation pipelines and the augmentation of a whole data set.

A :class:`Step` names one transform, how likely it is to be applied, and where
its parameters come from; a :class:`Pipeline` applies its steps in order.
Parameters are written the same way for every step:

* a tuple ``(low, high)`` of two numbers is a range: a value is drawn
  uniformly from it each time, e.g. ``angle=(-15, 15)``;
* a list is a set of choices: one element is drawn, each equally likely,
  e.g. ``k=[0, 1, 2, 3]`` (use a list for integers, and a one-element list
  to pass a tuple as it is, e.g. ``size=[(48, 48)]``);
* anything else is passed unchanged, e.g. ``mode="reflect"``.

Everything random is drawn from ``random_state``, so the same seed gives the
same images, and the applied steps (``return_applied=True``) replayed one by
one with the functions of :data:`TRANSFORMS` give the same image, bit for bit::

    pipeline = Pipeline([
        Step("rotate90", k=[0, 1, 2, 3]),
        Step("flip", probability=0.5, axis="horizontal"),
        Step("adjust_brightness", factor=(0.9, 1.1)),
    ])
    augmented = pipeline(image, random_state=0)
    augmented, applied = pipeline(image, random_state=0, return_applied=True)
"""

from __future__ import annotations

import inspect
import numbers
from typing import NamedTuple

import joblib
import numpy as np

from coursekit._validation import check_image, check_images, check_random_state
from coursekit.augment import colour, filters, geometry
from coursekit.augment._kernels import contiguous_copy
from coursekit.augment._params import check_choice, check_integer, check_number

__all__ = ["TRANSFORMS", "Step", "AppliedStep", "Pipeline", "default_pipeline", "augment_dataset"]

#: The transforms a :class:`Step` can name, by function name.
TRANSFORMS = {
    function.__name__: function
    for function in (
        geometry.rotate90,
        geometry.rotate,
        geometry.flip,
        geometry.random_crop,
        geometry.resize_image,
        colour.adjust_brightness,
        colour.adjust_contrast,
        colour.adjust_gamma,
        colour.adjust_saturation,
        colour.adjust_hue,
        colour.colour_constancy,
        filters.gaussian_blur,
        filters.add_noise,
    )
}

# Inside a pipeline the image is validated once, on entry; each coursekit transform then
# runs as its unchecked twin (the same code after the image check). Quarter turns and
# flips only return views: the next step reads through them (a rotation gathers its
# pixels through the view) or copies once, so turns and mirrors in a row cost one copy.
_UNCHECKED = {
    geometry.rotate: geometry._rotate,
    geometry.random_crop: geometry._random_crop,
    geometry.resize_image: geometry._resize_image,
    colour.adjust_brightness: colour._adjust_brightness,
    colour.adjust_contrast: colour._adjust_contrast,
    colour.adjust_gamma: colour._adjust_gamma,
    colour.adjust_saturation: colour._adjust_saturation,
    colour.adjust_hue: colour._adjust_hue,
    colour.colour_constancy: colour._colour_constancy,
    filters.gaussian_blur: filters._gaussian_blur,
    filters.add_noise: filters._add_noise,
}
_VIEWS = {geometry.rotate90: geometry._rotate90_view, geometry.flip: geometry._flip_view}
_READS_VIEWS = {geometry._rotate}


def _is_range(value) -> bool:
    return isinstance(value, tuple)


def _check_parameter(name: str, value):
    if _is_range(value):
        if len(value) != 2 or not all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value
        ):
            raise ValueError(
                f"parameter {name}={value!r}: a tuple is a range and must be (low, high), two "
                "numbers; to pass a tuple unchanged wrap it in a list, e.g. [(48, 48)]."
            )
        low = check_number(value[0], f"{name} (low end of the range)")
        high = check_number(value[1], f"{name} (high end of the range)")
        if low > high:
            raise ValueError(f"parameter {name}={value!r}: expected low <= high.")
    elif isinstance(value, list) and not value:
        raise ValueError(f"parameter {name}=[]: a list of choices may not be empty.")


def _format_value(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return repr(value)


class AppliedStep(NamedTuple):
    """A step that a pipeline applied, with the parameters it drew (for plot titles).

    Attributes
    ----------
    name : str
        The transform's name, e.g. ``'rotate'``.
    params : dict
        The parameter values it was called with.

    Examples
    --------
    >>> str(AppliedStep("rotate", {"angle": 12.345, "mode": "reflect"}))
    "rotate(angle=12.3, mode='reflect')"
    """

    name: str
    params: dict

    def __str__(self) -> str:
        arguments = ", ".join(f"{key}={_format_value(v)}" for key, v in self.params.items())
        return f"{self.name}({arguments})"


class Step:
    """One step of an augmentation pipeline.

    Parameters
    ----------
    transform : str or callable
        The name of a coursekit transform (a key of :data:`TRANSFORMS`, e.g.
        ``"rotate"``), or any function ``f(image, **params)`` returning an
        image. If the function has a ``random_state`` parameter, the
        pipeline's generator is passed to it.
    probability : float, optional
        Chance, in [0, 1], that the step is applied to an image; 1 by default.
    **params
        Keyword arguments of the transform: a tuple ``(low, high)`` is drawn
        uniformly, a list is a set of choices, anything else is passed as it is
        (see the module docstring).

    Examples
    --------
    >>> Step("rotate", probability=0.5, angle=(-15, 15), mode="reflect")
    Step('rotate', probability=0.5, angle=(-15, 15), mode='reflect')
    >>> Step("rotate90", k=[0, 1, 2, 3]).sample(0)
    {'k': 3}
    """

    def __init__(self, transform, probability=1.0, **params):
        if isinstance(transform, str):
            check_choice(transform, "transform", tuple(TRANSFORMS))
            self.name, self.function = transform, TRANSFORMS[transform]
        elif callable(transform):
            self.name = getattr(transform, "__name__", repr(transform))
            self.function = transform
        else:
            raise TypeError(
                "transform must be the name of a coursekit transform or a function "
                f"f(image, **params); got {transform!r}."
            )
        self.probability = check_number(probability, "probability", minimum=0.0, maximum=1.0)
        for name, value in params.items():
            _check_parameter(name, value)
        self.params = dict(params)
        try:
            self._takes_random_state = "random_state" in inspect.signature(self.function).parameters
        except (TypeError, ValueError):  # some builtins have no inspectable signature
            self._takes_random_state = False

    def sample(self, random_state=0) -> dict:
        """Draw one concrete value for every parameter.

        Parameters
        ----------
        random_state : None, int or numpy.random.Generator, optional
            Seed or generator the values are drawn from.

        Returns
        -------
        dict
            Parameter name -> value, ready to pass to the transform.
        """
        rng = check_random_state(random_state)
        drawn = {}
        for name, value in self.params.items():
            if _is_range(value):
                drawn[name] = float(rng.uniform(value[0], value[1]))
            elif isinstance(value, list):
                drawn[name] = value[int(rng.integers(len(value)))]
            else:
                drawn[name] = value
        return drawn

    def apply(self, image, params: dict, random_state=0):
        """Apply the transform to ``image`` with the concrete ``params``."""
        if self._takes_random_state:
            return self.function(image, **params, random_state=random_state)
        return self.function(image, **params)

    def __repr__(self) -> str:
        parts = [repr(self.name)]
        if self.probability != 1.0:
            parts.append(f"probability={self.probability:g}")
        parts += [f"{key}={value!r}" for key, value in self.params.items()]
        return f"Step({', '.join(parts)})"


class Pipeline:
    """A sequence of augmentation steps applied in order, reproducibly.

    Parameters
    ----------
    steps : sequence of Step
        The steps, applied first to last.

    Notes
    -----
    For each step, in order, one uniform number decides whether the step is
    applied (it is if the number is below the step's probability); if so its
    parameters are drawn and the transform runs. All draws come from the one
    generator made from ``random_state``, so the same seed gives the same
    result, and different seeds (almost always) different results.

    The result is exactly that of calling the steps' functions one after the
    other (the applied steps can be replayed), computed faster: the image is
    validated once on entry instead of by every step, and quarter turns and
    flips are kept as views until the next step reads them (a rotation gathers
    its pixels straight through the view), so consecutive turns, mirrors and a
    rotation cost at most one copy.

    Examples
    --------
    >>> import numpy as np
    >>> pipeline = Pipeline([Step("flip", probability=0.5, axis="horizontal"),
    ...                      Step("adjust_brightness", factor=(0.8, 1.2))])
    >>> image = np.zeros((4, 4, 3), dtype=np.uint8)
    >>> pipeline(image, random_state=0).shape
    (4, 4, 3)
    >>> _, applied = pipeline(image, random_state=0, return_applied=True)
    >>> [str(step) for step in applied]
    ['adjust_brightness(factor=0.816)']
    """

    def __init__(self, steps):
        steps = list(steps)
        for position, step in enumerate(steps):
            if not isinstance(step, Step):
                raise TypeError(
                    f"steps[{position}] is {step!r}; expected a Step, e.g. "
                    'Step("flip", axis="horizontal").'
                )
        self.steps = steps

    def __call__(self, image, random_state=0, return_applied=False):
        """Augment one image.

        Parameters
        ----------
        image : (H, W) or (H, W, 3) ndarray
            Grey or RGB image, ``uint8`` in [0, 255] or float in [0, 1].
        random_state : None, int or numpy.random.Generator, optional
            Seed or generator for every random choice.
        return_applied : bool, optional
            If True, also return the steps applied, with their parameters.

        Returns
        -------
        augmented : ndarray
            A new C-contiguous array, same dtype and range as ``image`` (the
            shape may change if a step changes it, e.g. an odd ``rotate90`` of a
            non-square image).
        applied : list of AppliedStep
            Only if ``return_applied``: the steps that ran, in order, e.g.
            ``[AppliedStep(name='rotate90', params={'k': 1}), ...]``.
        """
        original = check_image(image)
        rng = check_random_state(random_state)
        image, checked = original, True
        applied = []
        for step in self.steps:
            if rng.random() >= step.probability:
                continue
            params = step.sample(rng)
            image, checked = self._run(step, image, checked, original, params, rng)
            applied.append(AppliedStep(step.name, params))
        image = np.asarray(image)  # a user's function may end the pipeline
        if not image.flags.c_contiguous or np.may_share_memory(image, original):
            image = contiguous_copy(image)
        return (image, applied) if return_applied else image

    @staticmethod
    def _run(step, image, checked, original, params, rng):
        """Apply one step; return the new image and whether it is known to be valid."""
        function = step.function
        view = _VIEWS.get(function)
        unchecked = _UNCHECKED.get(function)
        if view is None and unchecked is None:
            # A user's function gets its own array: never the caller's image or a view of it.
            image = np.asarray(image)
            if not image.flags.c_contiguous or np.may_share_memory(image, original):
                image = contiguous_copy(image)
            return step.apply(image, params, rng), False
        if not checked:
            image = check_image(image, name="the image before step " + repr(step.name))
        if view is not None:
            return view(image, **params), True
        if not image.flags.c_contiguous and unchecked not in _READS_VIEWS:
            image = contiguous_copy(image)
        if step._takes_random_state:
            return unchecked(image, **params, random_state=rng), True
        return unchecked(image, **params), True

    def __len__(self) -> int:
        return len(self.steps)

    def __repr__(self) -> str:
        lines = "".join(f"    {step!r},\n" for step in self.steps)
        return f"Pipeline([\n{lines}])"


def default_pipeline(square=True, colour=True) -> Pipeline:
    """The course's label-preserving augmentation pipeline for dermoscopy images.

    A skin lesion has no "up", so every rotation and mirror image of it is
    another valid example of the same diagnosis; small changes of lighting,
    colour, focus and noise imitate other cameras and clinics. Nothing here
    changes the lesion's shape or colour enough to change the diagnosis.

    Parameters
    ----------
    square : bool, optional
        True if the images are square. For non-square images the quarter
        turns are limited to 0 or 180 degrees so that every output keeps the
        input's shape (a batch must have one shape).
    colour : bool, optional
        True for RGB images; False (grey images) leaves out the saturation and
        hue steps, which need colour.

    Returns
    -------
    Pipeline
        Steps: a random number of quarter turns, a mirror with probability
        0.5 (with the quarter turns: all 8 symmetries of a square), a small
        rotation (-15..15 degrees, reflected corners) with probability 0.5,
        brightness, contrast and saturation factors in 0.9..1.1, a hue shift
        of -0.02..0.02 turns, a mild blur (sigma 0..1 pixel) with probability
        0.2 and mild noise (sigma 0..0.02) with probability 0.2. Every step
        keeps the image's shape, dtype and range.

    Examples
    --------
    >>> default_pipeline(square=False).steps[0]
    Step('rotate90', k=[0, 2])
    """
    steps = [
        Step("rotate90", k=[0, 1, 2, 3] if square else [0, 2]),
        Step("flip", probability=0.5, axis="horizontal"),
        Step("rotate", probability=0.5, angle=(-15.0, 15.0), mode="reflect"),
        Step("adjust_brightness", factor=(0.9, 1.1)),
        Step("adjust_contrast", factor=(0.9, 1.1)),
    ]
    if colour:
        steps += [
            Step("adjust_saturation", factor=(0.9, 1.1)),
            Step("adjust_hue", shift=(-0.02, 0.02)),
        ]
    steps += [
        Step("gaussian_blur", probability=0.2, sigma=(0.0, 1.0)),
        Step("add_noise", probability=0.2, sigma=(0.0, 0.02)),
    ]
    return Pipeline(steps)


def _root_seed(random_state) -> int:
    """The integer ``s`` of ``np.random.default_rng([s, copy, index])`` (notebook 04's rule).

    An int is used as it is; from None or a Generator one int in [0, 2**32) is drawn.
    """
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        check_random_state(random_state)  # same checks (non-negative) as everywhere else
        return int(random_state)
    return int(check_random_state(random_state).integers(2**32))


def _image_stream(seed: int, copy: int, index: int) -> np.random.Generator:
    """The generator for copy number ``copy`` of image ``index``: depends on nothing else."""
    return np.random.default_rng([seed, copy, index])


def _check_aligned(values, name: str, n_images: int) -> np.ndarray:
    values = np.asarray(values)
    length = len(values) if values.ndim else None
    if length != n_images:
        raise ValueError(
            f"{name} has length {length} but images has {n_images} images; "
            f"expected one entry of {name} per image, in the same order."
        )
    return values


def _augment_copies(pipeline, image, seed: int, index: int, copies: int) -> list:
    return [
        pipeline(image, random_state=_image_stream(seed, copy, index))
        for copy in range(1, copies + 1)
    ]


def _check_copy(image, images, index: int, copy: int) -> np.ndarray:
    image = np.asarray(image)
    if image.shape != images.shape[1:]:
        raise ValueError(
            f"the pipeline turned image {index} (copy {copy}) of shape "
            f"{images.shape[1:]} into shape {image.shape}; augment_dataset needs "
            "shape-preserving steps (for non-square images use rotate90 with "
            "k=[0, 2] only)."
        )
    if image.dtype != images.dtype:
        raise ValueError(
            f"the pipeline turned image {index} (copy {copy}) of dtype "
            f"{images.dtype} into dtype {image.dtype}; expected the dtype to be kept."
        )
    return image


def augment_dataset(
    images,
    labels,
    groups=None,
    copies=1,
    random_state=0,
    pipeline=None,
    include_original=True,
    n_jobs=None,
):
    """Enlarge a data set with augmented copies of every image, labels kept aligned.

    Parameters
    ----------
    images : (n, H, W) or (n, H, W, 3) ndarray
        A batch of grey or RGB images, ``uint8`` in [0, 255] or float in [0, 1].
    labels : array_like, length n
        One label per image (e.g. the diagnosis), in the order of ``images``.
    groups : array_like, length n, optional
        One group per image (e.g. the lesion id), repeated like the labels so
        that grouped cross-validation keeps every copy of a lesion on the same
        side of a split.
    copies : int, optional
        Number of augmented copies of every image, >= 0.
    random_state : None, int or numpy.random.Generator, optional
        Seed or generator. For an int, copy ``c`` of image ``i`` (``c`` from
        1, ``i`` from 0) is ``pipeline(images[i],
        random_state=np.random.default_rng([random_state, c, i]))``: its own
        random stream, made from ``random_state``, ``c`` and ``i`` alone, so
        the results do not depend on ``n_jobs``, on the number of copies, or on
        the order in which the work is done. From None or a Generator one int,
        ``int(rng.integers(2**32))``, is drawn first and used the same way.
    pipeline : callable, optional
        ``pipeline(image, random_state=...)`` returning an image of the same
        shape, e.g. a :class:`Pipeline`. Default: :func:`default_pipeline`,
        with quarter turns limited to 0 and 180 degrees for non-square
        images and no saturation or hue steps for grey images.
    include_original : bool, optional
        If True (default), the original images come first in the output.
    n_jobs : int, optional
        Number of parallel workers (threads by default, via joblib; -1 = all
        cores). None means 1 unless set by ``joblib.parallel_config``.

    Returns
    -------
    aug_images : (m, H, W) or (m, H, W, 3) ndarray
        ``m = n * (copies + 1)`` images (``n * copies`` without the originals),
        same dtype and range as ``images``. Order: the originals ``0 .. n-1``,
        then copy 1 of images ``0 .. n-1``, then copy 2 of images
        ``0 .. n-1``, and so on; so row ``r`` comes from image ``r % n``.
    aug_labels : ndarray, length m
        ``labels`` repeated in the same order: ``aug_labels[r] == labels[r % n]``.
    aug_groups : ndarray, length m, or None
        ``groups`` repeated likewise, or None if ``groups`` is None.

    Raises
    ------
    ValueError
        If ``labels`` or ``groups`` do not have one entry per image, or if the
        pipeline changes an image's shape (e.g. an odd number of quarter turns
        of a non-square image: use ``k=[0, 2]`` there).

    Examples
    --------
    >>> import numpy as np
    >>> images = np.zeros((3, 8, 8, 3), dtype=np.uint8)
    >>> aug_images, aug_labels, aug_groups = augment_dataset(images, ["a", "b", "c"], copies=2)
    >>> aug_images.shape
    (9, 8, 8, 3)
    >>> aug_labels.tolist()
    ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']
    >>> aug_groups is None
    True
    """
    images = check_images(images)
    n_images = images.shape[0]
    labels = _check_aligned(labels, "labels", n_images)
    if groups is not None:
        groups = _check_aligned(groups, "groups", n_images)
    copies = check_integer(copies, "copies", minimum=0)
    if not isinstance(include_original, (bool, np.bool_)):
        raise TypeError(f"include_original must be True or False; got {include_original!r}.")
    if copies == 0 and not include_original:
        raise ValueError("copies=0 with include_original=False would return no images.")
    if pipeline is None:
        height, width = images.shape[1:3]
        pipeline = default_pipeline(square=height == width, colour=images.ndim == 4)
    elif not callable(pipeline):
        raise TypeError(
            f"pipeline must be callable as pipeline(image, random_state=...); got {pipeline!r}."
        )
    seed = _root_seed(random_state)

    repeats = copies + int(bool(include_original))
    aug_images = np.empty((n_images * repeats,) + images.shape[1:], dtype=images.dtype)
    offset = 0
    if include_original:
        aug_images[:n_images] = images
        offset = n_images
    if joblib.effective_n_jobs(n_jobs) == 1:
        for copy in range(1, copies + 1):
            for index in range(n_images):
                image = pipeline(images[index], random_state=_image_stream(seed, copy, index))
                row = offset + (copy - 1) * n_images + index
                aug_images[row] = _check_copy(image, images, index, copy)
    else:
        augmented = joblib.Parallel(n_jobs=n_jobs, prefer="threads")(
            joblib.delayed(_augment_copies)(pipeline, images[index], seed, index, copies)
            for index in range(n_images)
        )
        for index, image_copies in enumerate(augmented):
            for copy, image in enumerate(image_copies, start=1):
                row = offset + (copy - 1) * n_images + index
                aug_images[row] = _check_copy(image, images, index, copy)
    aug_labels = np.concatenate([labels] * repeats, axis=0)
    aug_groups = None if groups is None else np.concatenate([groups] * repeats, axis=0)
    return aug_images, aug_labels, aug_groups
