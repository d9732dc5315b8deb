"""Domain tables: every documented case of every graded function, from its docstring.

One table per graded function: a row per documented type, range, input class, default and
error of the docstring (``source/*.ipynb`` and the references in :mod:`coursekit`). A row is
a predicate over the arguments of one call, named as in the signature; an argument left
out (to test its default) is absent. ``tests/test_checks_domains.py`` records every call
that the hidden tests make of a correct solution and asserts that each row is met by at
least one of them, and that the hidden tests try every quick-check input.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["Row", "DOMAINS", "rows_met", "bind"]


@dataclass(frozen=True)
class Row:
    """One documented case: a name and a predicate over a call's named arguments."""

    name: str
    met_by: Callable[[dict], bool]


def bind(reference, args: tuple, kwargs: dict) -> dict:
    """``{parameter: value}`` of one call; parameters left out are absent."""
    import inspect

    return dict(inspect.signature(reference).bind_partial(*args, **kwargs).arguments)


def rows_met(table: list[Row], calls: list[dict]) -> dict[str, bool]:
    """``{row name: met by at least one call}``."""
    met = {}
    for row in table:
        met[row.name] = False
        for arguments in calls:
            try:
                if row.met_by(arguments):
                    met[row.name] = True
                    break
            except Exception:  # noqa: BLE001 - a call the predicate does not apply to
                continue
    return met


# -- predicates ---------------------------------------------------------------------------------
def _array(name, test):
    def met(a):
        value = a.get(name)
        return isinstance(value, np.ndarray) and bool(test(value))

    return met


def _dtype(name, dtype):
    return _array(name, lambda v: v.dtype == np.dtype(dtype))


def _grey(name):
    return _array(name, lambda v: v.ndim == 2)


def _rgb(name):
    return _array(name, lambda v: v.ndim == 3 and v.shape[2] == 3)


def _square(name):
    return _array(name, lambda v: v.ndim >= 2 and v.shape[0] == v.shape[1] > 1)


def _non_square(name):
    return _array(name, lambda v: v.ndim >= 2 and v.shape[0] != v.shape[1])


def _one_pixel(name):
    return _array(name, lambda v: v.ndim >= 2 and v.shape[:2] == (1, 1))


def _thin(name):
    return _array(name, lambda v: v.ndim >= 2 and min(v.shape[:2]) == 1 and max(v.shape[:2]) > 1)


def _left_out(name):
    return lambda a: name not in a


def _is(name, test):
    return lambda a: name in a and bool(test(a[name]))


def _plain_int(value):
    return type(value) is int


def _numpy_int(value):
    return isinstance(value, np.integer)


def _generator(value):
    return isinstance(value, np.random.Generator)


def _none(value):
    return value is None


def _images_of(images_name):
    return [
        Row("uint8 image", _dtype(images_name, np.uint8)),
        Row("float32 image", _dtype(images_name, np.float32)),
        Row("float64 image", _dtype(images_name, np.float64)),
        Row("grey (H, W) image", _grey(images_name)),
        Row("RGB (H, W, 3) image", _rgb(images_name)),
        Row("square image", _square(images_name)),
        Row("non-square image", _non_square(images_name)),
        Row("1 x 1 image", _one_pixel(images_name)),
        Row("one pixel wide or high", _thin(images_name)),
    ]


def _rgb_only(images_name):
    return [r for r in _images_of(images_name) if not r.name.startswith(("grey", "one pixel"))]


def _refused_shapes(images_name):
    """Rows of the shapes an RGB-only function refuses (documented: ValueError)."""
    return [
        Row("grey (H, W) image of 3n pixels (ValueError)",
            _array(images_name, lambda v: v.ndim == 2 and v.size % 3 == 0)),
        Row("(H, W, C) image with C != 3 (ValueError)",
            _array(images_name, lambda v: v.ndim == 3 and v.shape[2] != 3)),
    ]  # fmt: skip


def _on_half(exact_of):
    """A uint8 call whose exact (unrounded) result has a value on .5."""

    def met(a):
        image = a["image"]
        if image.dtype != np.uint8:
            return False
        exact = np.asarray(exact_of(a), dtype=np.float64)
        return bool(np.any(np.abs(exact - np.floor(exact) - 0.5) < 1e-9))

    return met


def _seeds(name, left_out=True, generator=True):
    """Rows of a seed; ``generator=False`` where the docstring documents None or int only
    (the value goes to scikit-learn unchanged, which takes no numpy Generator)."""
    rows = [
        Row(f"{name} an int", _is(name, _plain_int)),
        Row(f"{name} a numpy integer", _is(name, _numpy_int)),
        Row(f"{name} None", _is(name, _none)),
    ]
    if generator:
        rows.append(Row(f"{name} a numpy Generator", _is(name, _generator)))
    if left_out:
        rows.append(Row(f"{name} left out (default)", _left_out(name)))
    return rows


# -- exact results used by the rounding-edge rows --------------------------------------------
def _resize_exact(a):
    from coursekit.checks.images import _resized

    return _resized(a["image"], tuple(a["size"]))


def _brightness_exact(a):
    return np.clip(a["image"] / 255.0 * a["factor"], 0, 1) * 255


def _gamma_exact(a):
    return np.clip(a["image"] / 255.0, 0, 1) ** a["gamma"] * 255


def _near_quarter(low, high):
    def met(a):
        angle = float(a["angle"])
        off = abs(angle - 90 * round(angle / 90))
        return low < off <= high

    return met


def _distinct_colours(image):
    return len(np.unique(image.reshape(-1, 3), axis=0))


def _k_above_colours(a):
    return a["k"] > _distinct_colours(a["image"])


def _brightness_tie(a):
    """Two distinct colours of the image with the same brightness (R + G + B)."""
    image = a["image"]
    if a.get("colour_space", "rgb") != "rgb":
        return False
    colours = np.unique(image.reshape(-1, 3), axis=0).astype(np.float64)
    sums = colours.sum(axis=1)
    return len(np.unique(sums)) < len(sums) and a["k"] >= len(colours)


def _array_like(name):
    return [
        Row(f"{name} a numpy array", _is(name, lambda v: isinstance(v, np.ndarray))),
        Row(f"{name} a list", _is(name, lambda v: isinstance(v, list))),
        Row(f"{name} a tuple", _is(name, lambda v: isinstance(v, tuple))),
        Row(
            f"{name} a pandas Series with a non-default index",
            _is(name, lambda v: hasattr(v, "index") and hasattr(v, "to_numpy")
                and not (list(v.index) == list(range(len(v))))),
        ),
    ]  # fmt: skip


def _noise_in_big_cluster(a):
    pred = np.asarray(a["labels_pred"])
    return bool(np.sum(pred == -1) >= 2 and np.any(pred != -1))


def _majority_tie(a):
    true, pred = np.asarray(a["labels_true"]), np.asarray(a["labels_pred"])
    for cluster in np.unique(pred):
        _, counts = np.unique(true[pred == cluster], return_counts=True)
        if len(counts) > 1 and np.sum(counts == counts.max()) > 1:
            return True
    return False


DOMAINS: dict[str, list[Row]] = {
    "resize_image": _images_of("image") + [
        Row("size enlarges both sides", lambda a: all(
            s > d for s, d in zip(a["size"], a["image"].shape[:2], strict=True))),
        Row("size shrinks both sides", lambda a: all(
            s < d for s, d in zip(a["size"], a["image"].shape[:2], strict=True))),
        Row("size of height or width 1", lambda a: min(a["size"]) == 1),
        Row("uint8 result with a value on .5", _on_half(_resize_exact)),
    ],
    "cluster_pixels": _rgb_only("image") + [
        Row("k = 1", _is("k", lambda k: k == 1)),
        Row("k = H * W (the largest k)",
            lambda a: a["k"] == a["image"].shape[0] * a["image"].shape[1] > 1),
        Row("k above the number of distinct colours", _k_above_colours),
        Row("centres of equal brightness (a tie)", _brightness_tie),
        Row("colour_space 'rgb'", _is("colour_space", lambda s: s == "rgb")),
        Row("colour_space 'hsv'", _is("colour_space", lambda s: s == "hsv")),
        Row("colour_space 'lab'", _is("colour_space", lambda s: s == "lab")),
        Row("colour_space left out (default)", _left_out("colour_space")),
        *_seeds("random_state", generator=False),
        *_refused_shapes("image"),
    ],  # fmt: skip
    "quantise": _rgb_only("image") + [
        Row("k = 1", _is("k", lambda k: k == 1)),
        Row("k = 1 in lab", lambda a: a["k"] == 1 and a.get("colour_space") == "lab"),
        Row("k = H * W (the largest k)",
            lambda a: a["k"] == a["image"].shape[0] * a["image"].shape[1] > 1),
        Row("k above the number of distinct colours (an empty cluster)", _k_above_colours),
        Row("colour_space 'rgb'", _is("colour_space", lambda s: s == "rgb")),
        Row("colour_space 'hsv'", _is("colour_space", lambda s: s == "hsv")),
        Row("colour_space 'lab'", _is("colour_space", lambda s: s == "lab")),
        Row("colour_space left out (default)", _left_out("colour_space")),
        *_seeds("random_state", generator=False),
    ],  # fmt: skip
    "rotate90": _images_of("image") + [
        Row("k left out (default 1)", _left_out("k")),
        Row("k = 0", _is("k", lambda k: k == 0)),
        Row("k negative", _is("k", lambda k: k < 0)),
        Row("k >= 4", _is("k", lambda k: k >= 4)),
        Row("k a numpy integer", _is("k", _numpy_int)),
    ],
    "rotate": _images_of("image") + [
        Row("angle an exact multiple of 90", lambda a: float(a["angle"]) % 90 == 0),
        Row("angle a negative multiple of 90", lambda a: float(a["angle"]) % 90 == 0
            and a["angle"] < 0),
        Row("angle a multiple of 90 above 360", lambda a: float(a["angle"]) % 90 == 0
            and a["angle"] > 360),
        Row("angle within 1e-9 degrees of a quarter turn, not on it", _near_quarter(0, 1e-9)),
        Row("angle just outside 1e-9 degrees of a quarter turn", _near_quarter(1e-9, 1e-6)),
        Row("any other angle", _near_quarter(1e-6, 45)),
        Row("angle an int", _is("angle", lambda v: isinstance(v, numbers.Integral))),
        *[Row(f"mode '{m}'", _is("mode", lambda v, m=m: v == m))
          for m in ("reflect", "constant", "edge", "symmetric", "wrap")],
        Row("mode left out (default 'reflect'), corners compared",
            lambda a: "mode" not in a and _near_quarter(1e-6, 45)(a)),
        Row("resize True", _is("resize", lambda v: v is True)),
        Row("resize False", _is("resize", lambda v: v is False)),
        Row("resize left out (default False)", _left_out("resize")),
        Row("resize True on a quarter turn", lambda a: a.get("resize") is True
            and float(a["angle"]) % 90 == 0),
    ],  # fmt: skip
    "flip": _images_of("image") + [
        Row("axis 'horizontal'", _is("axis", lambda v: v == "horizontal")),
        Row("axis 'vertical'", _is("axis", lambda v: v == "vertical")),
        Row("another axis name (ValueError)", _is("axis", lambda v: isinstance(v, str)
            and v not in ("horizontal", "vertical"))),
        Row("an integer axis (ValueError)", _is("axis", lambda v: isinstance(v, int))),
        Row("axis None (ValueError)", _is("axis", _none)),
    ],  # fmt: skip
    "adjust_brightness": _images_of("image") + [
        Row("factor 0", _is("factor", lambda f: f == 0)),
        Row("factor 1", _is("factor", lambda f: f == 1)),
        Row("factor below 1", _is("factor", lambda f: 0 < f < 1)),
        Row("factor above 1 (clipping)", _is("factor", lambda f: f > 1)),
        Row("factor an int", _is("factor", lambda f: isinstance(f, int))),
        Row("uint8 result with a value on .5", _on_half(_brightness_exact)),
    ],
    "adjust_gamma": _images_of("image") + [
        Row("gamma below 1", _is("gamma", lambda g: g < 1)),
        Row("gamma 1", _is("gamma", lambda g: g == 1)),
        Row("gamma above 1", _is("gamma", lambda g: g > 1)),
        Row("gamma an int", _is("gamma", lambda g: isinstance(g, int))),
        Row("black and white pixels", _array("image", lambda v: v.min() == 0
            and v.max() == (255 if v.dtype == np.uint8 else 1))),
    ],  # fmt: skip
    "colour_histogram": _rgb_only("image") + [
        Row("bins left out (default 8)", _left_out("bins")),
        Row("bins 1", _is("bins", lambda b: b == 1)),
        Row("bins 16 or more", _is("bins", lambda b: b >= 16)),
        Row("colour_space 'rgb'", _is("colour_space", lambda s: s == "rgb")),
        Row("colour_space 'hsv'", _is("colour_space", lambda s: s == "hsv")),
        Row("colour_space 'lab'", _is("colour_space", lambda s: s == "lab")),
        Row("colour_space left out (default)", _left_out("colour_space")),
        Row("values on bin edges", lambda a: a["image"].dtype == np.uint8
            and a.get("bins", 8) in (3, 5, 10) and bool(np.any(a["image"] == 51 * 2))),
        Row("the top value (1.0 or 255)", _array("image", lambda v: v.max() == (
            255 if v.dtype == np.uint8 else 1.0))),
        *_refused_shapes("image"),
    ],  # fmt: skip
    "cluster_images": [
        Row("features a numpy array", _is("features", lambda v: isinstance(v, np.ndarray))),
        Row("features a list of lists", _is("features", lambda v: isinstance(v, list))),
        Row("features float32", _array("features", lambda v: v.dtype == np.float32)),
        Row("k = 1", _is("k", lambda k: k == 1)),
        Row("k = n_samples (the largest k)", lambda a: a["k"] == len(a["features"])),
        Row("method left out (default 'kmeans')", _left_out("method")),
        *[Row(f"method '{m}'", _is("method", lambda v, m=m: v == m))
          for m in ("kmeans", "agglomerative", "gmm", "dbscan")],
        *[Row(f"method 'dbscan' with k = {k}", lambda a, k=k: a.get("method") == "dbscan"
              and a["k"] == k) for k in (2, 3, 4)],
        *_seeds("random_state", generator=False),
    ],  # fmt: skip
    "purity": [
        *_array_like("labels_true"),
        *_array_like("labels_pred"),
        Row("string classes", lambda a: isinstance(np.asarray(a["labels_true"]).tolist()[0], str)),
        Row("cluster names not 0 .. k - 1", lambda a: not set(
            np.asarray(a["labels_pred"]).tolist()) <= set(range(len(a["labels_pred"])))),
        Row("noise (-1) in a cluster of several samples", _noise_in_big_cluster),
        Row("a single sample", lambda a: len(a["labels_true"]) == 1),
        Row("a tie for a cluster's largest class", _majority_tie),
    ],  # fmt: skip
    "lesion_train_test_split": [
        Row("index 0 .. n - 1", _is("metadata", lambda m: list(m.index) == list(range(len(m))))),
        Row("index of other numbers", _is("metadata", lambda m: m.index.dtype.kind == "i"
            and list(m.index) != list(range(len(m))))),
        Row("index of strings", _is("metadata", lambda m: m.index.dtype.kind == "O")),
        Row("test_size left out (default 0.2)", _left_out("test_size")),
        Row("random_state left out (default 0)", _left_out("random_state")),
        Row("test_size 0.05 or less", _is("test_size", lambda t: 0 < t <= 0.05)),
        Row("test_size 0.9 or more", _is("test_size", lambda t: 0.9 <= t < 1)),
        Row("no lesion_id column (ValueError)", _is("metadata",
            lambda m: "lesion_id" not in m.columns)),
        Row("test_size 0 (ValueError)", _is("test_size", lambda t: t == 0)),
        Row("test_size 1 (ValueError)", _is("test_size", lambda t: t == 1)),
        Row("test_size negative (ValueError)", _is("test_size", lambda t: t < 0)),
        Row("test_size above 1 (ValueError)", _is("test_size", lambda t: t > 1)),
        Row("random_state None", _is("random_state", _none)),
        Row("lesions with very different numbers of images", _is("metadata",
            lambda m: m["lesion_id"].value_counts().max() >= 5
            * m["lesion_id"].value_counts().min())),
    ],  # fmt: skip
    "augment_dataset": [
        Row("uint8 images", _dtype("images", np.uint8)),
        Row("float64 images", _dtype("images", np.float64)),
        Row("grey (n, H, W) images", _array("images", lambda v: v.ndim == 3)),
        Row("RGB (n, H, W, 3) images", _array("images", lambda v: v.ndim == 4)),
        Row("square images", _array("images", lambda v: v.shape[1] == v.shape[2])),
        Row("non-square images", _array("images", lambda v: v.shape[1] != v.shape[2])),
        Row("labels a list", _is("labels", lambda v: isinstance(v, list))),
        Row("labels a numpy array", _is("labels", lambda v: isinstance(v, np.ndarray))),
        Row("groups given", _is("groups", lambda v: v is not None)),
        Row("groups None", _is("groups", _none)),
        Row("groups left out (default None)", _left_out("groups")),
        Row("copies 0", _is("copies", lambda c: c == 0)),
        Row("copies 1", _is("copies", lambda c: c == 1)),
        Row("copies 2 or more", _is("copies", lambda c: c >= 2)),
        Row("copies left out (default 1)", _left_out("copies")),
        *_seeds("random_state"),
    ],
}
