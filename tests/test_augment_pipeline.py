"""Tests of coursekit.augment.pipeline: steps, seeded pipelines and augment_dataset."""

import numpy as np
import pytest

from coursekit.augment import (
    TRANSFORMS,
    AppliedStep,
    Pipeline,
    Step,
    _accel,
    augment_dataset,
    default_pipeline,
)


def _random_rgb(shape=(16, 16, 3), seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=shape).astype(np.uint8)


# --- Step -----------------------------------------------------------------------------------


def test_step_draws_ranges_uniformly_choices_from_lists_and_passes_constants():
    step = Step("rotate", angle=(-10.0, 10.0), mode="reflect", order=[0, 1])
    rng = np.random.default_rng(0)
    draws = [step.sample(rng) for _ in range(300)]
    angles = np.array([d["angle"] for d in draws])
    assert angles.min() >= -10.0 and angles.max() <= 10.0
    assert angles.min() < -8.0 and angles.max() > 8.0
    assert {d["order"] for d in draws} == {0, 1}
    assert {d["mode"] for d in draws} == {"reflect"}


def test_a_one_element_list_passes_a_tuple_unchanged():
    step = Step("random_crop", size=[(4, 5)])
    assert step.sample(0) == {"size": (4, 5)}
    assert step.apply(_random_rgb(), step.sample(0), random_state=0).shape == (4, 5, 3)


def test_step_lists_the_known_transform_names():
    with pytest.raises(ValueError, match=r"transform must be one of .*'rotate90'.*'add_noise'"):
        Step("rotate_90")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"angle": (1, 2, 3)}, r"a tuple is a range and must be \(low, high\)"),
        ({"angle": (10, -10)}, "expected low <= high"),
        ({"angle": ("a", "b")}, "a tuple is a range"),
        ({"k": []}, "may not be empty"),
    ],
)
def test_step_explains_badly_written_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        Step("rotate", **params)


@pytest.mark.parametrize("probability", [-0.1, 1.5])
def test_step_probability_must_lie_in_0_1(probability):
    with pytest.raises(ValueError, match="probability must be"):
        Step("flip", probability=probability, axis="vertical")


def test_step_accepts_a_function_and_passes_it_the_generator_if_it_wants_one():
    received = []

    def invert(image, random_state):
        received.append(random_state)
        return 255 - image

    pipeline = Pipeline([Step(invert)])
    image = _random_rgb()
    np.testing.assert_array_equal(pipeline(image, random_state=0), 255 - image)
    assert isinstance(received[0], np.random.Generator)


def test_step_and_pipeline_repr_read_like_the_code_that_made_them():
    step = Step("rotate", probability=0.5, angle=(-15, 15), mode="reflect")
    assert repr(step) == "Step('rotate', probability=0.5, angle=(-15, 15), mode='reflect')"
    assert repr(Pipeline([step])) == (
        "Pipeline([\n    Step('rotate', probability=0.5, angle=(-15, 15), mode='reflect'),\n])"
    )
    assert str(AppliedStep("rotate", {"angle": 12.3456, "mode": "reflect"})) == (
        "rotate(angle=12.3, mode='reflect')"
    )


# --- Pipeline -------------------------------------------------------------------------------


def test_same_seed_gives_the_same_output_and_other_seeds_differ():
    pipeline = default_pipeline()
    image = _random_rgb()
    np.testing.assert_array_equal(pipeline(image, random_state=7), pipeline(image, random_state=7))
    outputs = [pipeline(image, random_state=seed) for seed in range(5)]
    for first in range(5):
        for second in range(first + 1, 5):
            assert not np.array_equal(outputs[first], outputs[second])


def test_probability_zero_never_applies_and_one_always_applies():
    image = _random_rgb()
    never = Pipeline([Step("flip", probability=0.0, axis="horizontal")])
    always = Pipeline([Step("flip", probability=1.0, axis="horizontal")])
    for seed in range(10):
        np.testing.assert_array_equal(never(image, random_state=seed), image)
        np.testing.assert_array_equal(always(image, random_state=seed), np.fliplr(image))


def test_probability_one_half_applies_about_half_the_time():
    pipeline = Pipeline([Step("flip", probability=0.5, axis="horizontal")])
    image = _random_rgb()
    rng = np.random.default_rng(0)
    flipped = sum(len(pipeline(image, rng, return_applied=True)[1]) for _ in range(400))
    assert 160 < flipped < 240


def test_the_applied_steps_reproduce_the_output_when_replayed():
    pipeline = Pipeline([step for step in default_pipeline().steps if step.name != "add_noise"])
    image = _random_rgb((12, 12, 3))
    for seed in range(10):
        augmented, applied = pipeline(image, random_state=seed, return_applied=True)
        names = [step.name for step in applied]
        assert names == [s.name for s in pipeline.steps if s.name in names]
        replayed = image
        for step in applied:
            replayed = TRANSFORMS[step.name](replayed, **step.params)
        np.testing.assert_array_equal(replayed, augmented)


def test_pipeline_requires_steps():
    with pytest.raises(TypeError, match=r"steps\[1\] is .*; expected a Step"):
        Pipeline([Step("flip", axis="vertical"), "flip"])


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("colour", [True, False])
def test_default_pipeline_keeps_shape_dtype_and_range(dtype, colour):
    shape = (10, 14, 3) if colour else (10, 14)
    image = _random_rgb(shape)
    if dtype != np.uint8:
        image = (image / 255.0).astype(dtype)
    pipeline = default_pipeline(square=False, colour=colour)
    for seed in range(20):
        augmented = pipeline(image, random_state=seed)
        assert augmented.shape == image.shape and augmented.dtype == image.dtype
        assert augmented.min() >= 0 and augmented.max() <= (255 if dtype == np.uint8 else 1)


def test_default_pipeline_uses_odd_quarter_turns_only_for_square_images():
    assert default_pipeline(square=True).steps[0].params == {"k": [0, 1, 2, 3]}
    assert default_pipeline(square=False).steps[0].params == {"k": [0, 2]}
    names = [step.name for step in default_pipeline(colour=False).steps]
    assert "adjust_saturation" not in names and "adjust_hue" not in names


# --- augment_dataset ------------------------------------------------------------------------

# Grey levels far enough apart that the default pipeline (brightness within 10 %, mild noise)
# never moves one image's mean level to another's: the content says which image a copy is of.
LEVELS = np.array([20, 60, 100, 140, 180, 230])


def _labelled_batch(shape=(12, 12, 3)):
    images = np.stack([np.full(shape, level, dtype=np.uint8) for level in LEVELS])
    labels = np.array(["nv", "mel", "bkl", "nv", "df", "mel"])
    groups = np.array([10, 11, 11, 12, 13, 13])
    return images, labels, groups


def _source_index(image):
    return int(np.argmin(np.abs(LEVELS - image.mean())))


@pytest.mark.parametrize("shape", [(12, 12, 3), (9, 14, 3), (9, 14)])
def test_augment_dataset_keeps_labels_and_groups_aligned_with_the_images(shape):
    images, labels, groups = _labelled_batch(shape)
    aug_images, aug_labels, aug_groups = augment_dataset(images, labels, groups, copies=3)
    n = len(images)
    assert aug_images.shape == (4 * n,) + shape and aug_images.dtype == np.uint8
    np.testing.assert_array_equal(aug_images[:n], images)
    for row, image in enumerate(aug_images):
        source = _source_index(image)
        assert source == row % n
        assert aug_labels[row] == labels[source]
        assert aug_groups[row] == groups[source]


def test_augment_dataset_order_is_originals_then_copy_by_copy():
    images = np.stack([_random_rgb(seed=seed) for seed in range(4)])
    aug_images, aug_labels, _ = augment_dataset(images, np.arange(4), copies=2)
    np.testing.assert_array_equal(aug_labels, [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3])
    np.testing.assert_array_equal(aug_images[:4], images)
    assert not np.array_equal(aug_images[4:8], aug_images[8:12])


def test_augment_dataset_without_originals_and_without_groups():
    images, labels, _ = _labelled_batch()
    aug_images, aug_labels, aug_groups = augment_dataset(
        images, labels, copies=2, include_original=False
    )
    assert aug_images.shape[0] == 2 * len(images)
    assert aug_groups is None
    np.testing.assert_array_equal(aug_labels, np.concatenate([labels, labels]))
    assert [_source_index(image) for image in aug_images] == list(range(6)) * 2


def test_augment_dataset_does_not_depend_on_n_jobs_or_on_the_number_of_copies():
    images = np.stack([_random_rgb(seed=seed) for seed in range(5)])
    labels = np.arange(5)
    one_job, _, _ = augment_dataset(images, labels, copies=2, random_state=3, n_jobs=1)
    two_jobs, _, _ = augment_dataset(images, labels, copies=2, random_state=3, n_jobs=2)
    np.testing.assert_array_equal(one_job, two_jobs)
    one_copy, _, _ = augment_dataset(images, labels, copies=1, random_state=3)
    np.testing.assert_array_equal(one_copy, one_job[:10])
    other_seed, _, _ = augment_dataset(images, labels, copies=2, random_state=4)
    assert not np.array_equal(other_seed[5:], one_job[5:])


def test_augment_dataset_keeps_the_positional_signature_of_the_student_version():
    images = np.stack([_random_rgb(seed=seed) for seed in range(3)])
    labels, groups = np.arange(3), np.array([7, 7, 8])
    positional = augment_dataset(images, labels, groups, 2, 5)
    keywords = augment_dataset(images, labels, groups=groups, copies=2, random_state=5)
    for got, expected in zip(positional, keywords, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_augment_dataset_accepts_a_custom_pipeline_and_float_images():
    images = np.stack([_random_rgb(seed=seed) / 255.0 for seed in range(3)])
    pipeline = Pipeline([Step("flip", axis="vertical")])
    aug_images, _, _ = augment_dataset(images, [0, 1, 2], pipeline=pipeline)
    assert aug_images.dtype == np.float64
    np.testing.assert_array_equal(aug_images[3:], images[:, ::-1])


@pytest.mark.parametrize(
    ("labels", "groups", "message"),
    [
        ([0, 1], None, "labels has length 2 but images has 3 images"),
        ([0, 1, 2], [5, 6, 7, 8], "groups has length 4 but images has 3 images"),
        (0, None, "labels has length None but images has 3 images"),
    ],
)
def test_augment_dataset_names_both_lengths_when_they_differ(labels, groups, message):
    images = np.zeros((3, 4, 4, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match=message):
        augment_dataset(images, labels, groups)


def test_augment_dataset_refuses_a_pipeline_that_changes_the_shape():
    images = np.zeros((2, 4, 6, 3), dtype=np.uint8)
    turn = Pipeline([Step("rotate90", k=[1])])
    with pytest.raises(ValueError, match=r"image 0 \(copy 1\) of shape \(4, 6, 3\) into shape"):
        augment_dataset(images, [0, 1], pipeline=turn)


@pytest.mark.parametrize(
    ("keywords", "error", "message"),
    [
        ({"copies": -1}, ValueError, "copies must be an integer >= 0"),
        ({"copies": 1.5}, TypeError, "copies must be an integer"),
        ({"copies": 0, "include_original": False}, ValueError, "would return no images"),
        ({"pipeline": "default"}, TypeError, "pipeline must be callable"),
        ({"random_state": -3}, ValueError, "random_state must be a non-negative"),
    ],
)
def test_augment_dataset_checks_its_other_arguments(keywords, error, message):
    images = np.zeros((2, 4, 4, 3), dtype=np.uint8)
    with pytest.raises(error, match=message):
        augment_dataset(images, [0, 1], **keywords)


def test_augment_dataset_rejects_a_batch_that_is_not_images():
    with pytest.raises(ValueError, match=r"expected a batch \(n, H, W\) or \(n, H, W, 3\)"):
        augment_dataset(np.zeros((4, 4)), [0, 1, 2, 3])


# --- fast paths: validated once, views for turns and flips, exact replay --------------------


def _replay(image, applied):
    for step in applied:
        image = TRANSFORMS[step.name](image, **step.params)
    return image


@pytest.mark.parametrize("dtype", [np.uint8, np.float64, np.float32])
@pytest.mark.parametrize("shape", [(12, 12, 3), (9, 14, 3), (11, 11), (8, 13)])
def test_pipelines_equal_their_steps_replayed_bit_for_bit(dtype, shape):
    image = _random_rgb(shape, seed=shape[1])
    if dtype != np.uint8:
        image = (image / 255.0).astype(dtype)
    square, colour = shape[0] == shape[1], len(shape) == 3
    default = [s for s in default_pipeline(square, colour).steps if s.name != "add_noise"]
    geometric = Pipeline(
        [
            Step("rotate90", k=[0, 1, 2, 3] if square else [0, 2]),
            Step("flip", probability=0.5, axis=["horizontal", "vertical"]),
            Step("rotate90", probability=0.5, k=[2]),
            Step("rotate", probability=0.7, angle=(-40.0, 40.0), mode=["reflect", "wrap"]),
            Step("flip", probability=0.5, axis="horizontal"),
            Step("adjust_gamma", gamma=(0.5, 2.0)),
            Step("flip", axis="vertical"),
        ]
    )
    for pipeline in (Pipeline(default), geometric):
        for seed in range(12):
            augmented, applied = pipeline(image, random_state=seed, return_applied=True)
            replayed = _replay(image, applied)
            assert augmented.dtype == replayed.dtype
            np.testing.assert_array_equal(augmented, replayed)
            with _accel.numpy_only():  # and the numpy code gives the same bits
                np.testing.assert_array_equal(pipeline(image, random_state=seed), augmented)


def test_pipeline_outputs_are_new_c_contiguous_arrays_and_inputs_are_kept():
    image = _random_rgb((10, 10, 3))
    before = image.copy()
    never = Pipeline([Step("flip", probability=0.0, axis="horizontal")])
    only_flips = Pipeline([Step("flip", axis="horizontal"), Step("rotate90", k=[1])])
    for pipeline in (never, only_flips, default_pipeline()):
        for source in (image, image[::-1], image[:, 1:]):
            out = pipeline(source, random_state=0)
            assert out.flags.c_contiguous and out.flags.writeable
            assert not np.shares_memory(out, image)
    np.testing.assert_array_equal(image, before)
    np.testing.assert_array_equal(only_flips(image, 0), np.rot90(image[:, ::-1]))


def test_user_steps_get_their_own_array_and_their_output_is_checked_before_coursekit_steps():
    def scribble(image):
        image[0, 0] = 7  # modifies its argument in place
        return image

    image = _random_rgb()
    before = image.copy()
    Pipeline([Step(scribble), Step("flip", axis="vertical")])(image)
    np.testing.assert_array_equal(image, before)

    def to_int64(image):
        return image.astype(np.int64)

    with pytest.raises(TypeError, match=r"the image before step 'flip' has dtype int64"):
        Pipeline([Step(to_int64), Step("flip", axis="vertical")])(image)
    assert Pipeline([Step(to_int64)])(image).dtype == np.int64  # a user's last step is kept


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("shape", [(5, 12, 12, 3), (4, 9, 14, 3), (3, 10, 10)])
def test_copy_c_of_image_i_is_the_pipeline_with_default_rng_of_seed_c_i(n_jobs, shape):
    images = np.random.default_rng(1).integers(0, 256, size=shape, dtype=np.uint8)
    n = len(images)
    pipeline = default_pipeline(square=shape[1] == shape[2], colour=len(shape) == 4)
    for random_state in (0, 17):
        aug, _, _ = augment_dataset(
            images, np.arange(n), copies=2, random_state=random_state, n_jobs=n_jobs
        )
        for copy in (1, 2):
            for index in range(n):
                rng = np.random.default_rng([random_state, copy, index])
                expected = pipeline(images[index], random_state=rng)
                np.testing.assert_array_equal(aug[copy * n + index], expected)


def test_a_generator_or_none_gives_one_seed_drawn_first():
    images = np.random.default_rng(2).integers(0, 256, size=(3, 8, 8, 3), dtype=np.uint8)
    labels = np.arange(3)
    seed = int(np.random.default_rng(5).integers(2**32))
    from_generator, _, _ = augment_dataset(
        images, labels, copies=2, random_state=np.random.default_rng(5)
    )
    from_int, _, _ = augment_dataset(images, labels, copies=2, random_state=seed)
    np.testing.assert_array_equal(from_generator, from_int)
    unseeded, _, _ = augment_dataset(images, labels, copies=1, random_state=None)
    assert unseeded.shape == (6, 8, 8, 3)


def _notebook_04_solution(images, labels, groups=None, copies=1, random_state=0):
    """The solution of notebook 04's exercise 2, as students are told to write it."""
    images = np.asarray(images)
    labels = np.asarray(labels)
    square = images.shape[1] == images.shape[2]
    pipeline = default_pipeline(square=square, colour=images.ndim == 4)
    if not isinstance(random_state, (int, np.integer)):
        random_state = int(np.random.default_rng(random_state).integers(2**32))
    blocks = [images]
    for copy in range(1, copies + 1):
        rngs = [np.random.default_rng([random_state, copy, i]) for i in range(len(images))]
        pairs = zip(images, rngs, strict=True)
        blocks.append(np.stack([pipeline(im, random_state=r) for im, r in pairs]))
    repeats = copies + 1
    aug_groups = None if groups is None else np.tile(np.asarray(groups), repeats)
    return np.concatenate(blocks), np.tile(labels, repeats), aug_groups


@pytest.mark.parametrize("random_state", [0, 5, "generator"])
def test_augment_dataset_equals_the_notebook_solution(random_state):
    images = np.random.default_rng(3).integers(0, 256, size=(4, 10, 10, 3), dtype=np.uint8)
    labels, groups = np.array(["nv", "mel", "nv", "bcc"]), np.array([1, 1, 2, 3])

    def state():
        return np.random.default_rng(9) if random_state == "generator" else random_state

    expected = _notebook_04_solution(images, labels, groups, 3, state())
    got = augment_dataset(images, labels, groups, 3, state())
    for part_got, part_expected in zip(got, expected, strict=True):
        np.testing.assert_array_equal(part_got, part_expected)


@pytest.mark.parametrize("shape", [(3, 24, 24, 3), (2, 15, 22, 3), (2, 13, 13)])
def test_augment_dataset_gives_the_same_bits_with_and_without_numba(shape):
    """Every step, blur and noise included, computes the same values both ways."""
    images = np.random.default_rng(6).integers(0, 256, size=shape, dtype=np.uint8)
    labels = np.arange(len(images))
    square, colour = shape[1] == shape[2], len(shape) == 4
    every_step = Pipeline(
        [
            Step(step.name, **step.params)  # probability 1: every step runs every time
            for step in default_pipeline(square=square, colour=colour).steps
        ]
    )
    for pipeline in (None, every_step):
        compiled = augment_dataset(images, labels, copies=3, random_state=4, pipeline=pipeline)
        with _accel.numpy_only():
            numpy = augment_dataset(images, labels, copies=3, random_state=4, pipeline=pipeline)
        np.testing.assert_array_equal(compiled[0], numpy[0])
