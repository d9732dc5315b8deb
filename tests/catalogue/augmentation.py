"""Catalogue of notebook 02 (augmentation): rotate90, rotate, flip, brightness, gamma."""

from catalogue import Entry

ROTATE90 = [
    # -- wrong ---------------------------------------------------------------------------------
    Entry("rotate90", "view", "view returned (np.rot90's view)", False, """
import numpy as np

def rotate90(image, k=1):
    return np.rot90(image, k)
"""),
    Entry("rotate90", "ascontiguous_keeps_view", "view returned (np.ascontiguousarray keeps a "
          "contiguous view, e.g. for k = 0)", False, """
import numpy as np

def rotate90(image, k=1):
    return np.ascontiguousarray(np.rot90(image, k, axes=(0, 1)))
"""),
    Entry("rotate90", "identity_for_zero", "view returned (the input itself when k % 4 == 0)",
          False, """
import numpy as np

def rotate90(image, k=1):
    k = k % 4
    if k == 0:
        return image
    return np.rot90(image, k).copy()
"""),
    Entry("rotate90", "clockwise", "direction of rotation (clockwise)", False, """
import numpy as np

def rotate90(image, k=1):
    return np.rot90(image, -k).copy()
"""),
    Entry("rotate90", "manual_clockwise", "direction of rotation (transpose then mirror "
          "left-right)", False, """
import numpy as np

def rotate90(image, k=1):
    out = image.copy()
    for _ in range(k % 4):
        out = np.fliplr(np.swapaxes(out, 0, 1))
    return out.copy()
"""),
    Entry("rotate90", "negative_k", "negative k not handled (range(k) is empty)", False, """
import numpy as np

def rotate90(image, k=1):
    out = image
    for _ in range(k):
        out = np.rot90(out)
    return np.array(out)
"""),
    Entry("rotate90", "k_ignored", "parameter ignored: k", False, """
import numpy as np

def rotate90(image, k=1):
    return np.rot90(image).copy()
"""),
    Entry("rotate90", "channels_first", "channel axis moved (channels stacked first)", False, """
import numpy as np

def rotate90(image, k=1):
    if image.ndim == 2:
        return np.rot90(image, k).copy()
    return np.array([np.rot90(image[:, :, c], k) for c in range(image.shape[2])])
"""),
    Entry("rotate90", "transpose", "a transpose taken for a quarter turn", False, """
import numpy as np

def rotate90(image, k=1):
    out = image.copy()
    for _ in range(k % 4):
        out = np.swapaxes(out, 0, 1).copy()
    return out
"""),
    Entry("rotate90", "wrong_plane", "rotated in the wrong plane for RGB (axes (1, 2))", False, """
import numpy as np

def rotate90(image, k=1):
    axes = (0, 1) if image.ndim == 2 else (1, 0)
    return np.rot90(image, k, axes=axes).copy()
"""),
    # -- correct -------------------------------------------------------------------------------
    Entry("rotate90", "copy", "np.rot90 then .copy()", True, """
import numpy as np

def rotate90(image, k=1):
    return np.rot90(image, k).copy()
"""),
    Entry("rotate90", "swapaxes_flip", "transpose + flipud, k % 4 times, then a copy", True, """
import numpy as np

def rotate90(image, k=1):
    out = image
    for _ in range(k % 4):
        out = np.flipud(np.swapaxes(out, 0, 1))
    return out.copy()
"""),
    Entry("rotate90", "slicing_cases", "slicing case by case, np.array", True, """
def rotate90(image, k=1):
    k = k % 4
    if k == 0:
        turned = image
    elif k == 1:
        turned = image.swapaxes(0, 1)[::-1]
    elif k == 2:
        turned = image[::-1, ::-1]
    else:
        turned = image.swapaxes(0, 1)[:, ::-1]
    return np.array(turned)
"""),
    Entry("rotate90", "class_helper", "a helper class with a lookup table of moves", True, """
import numpy as np

class QuarterTurns:
    MOVES = {0: lambda a: a, 1: lambda a: np.rot90(a, 1), 2: lambda a: np.rot90(a, 2),
             3: lambda a: np.rot90(a, 3)}

    def __call__(self, image, k):
        return np.copy(self.MOVES[k % 4](image))

_turn = QuarterTurns()

def rotate90(image, k=1):
    return _turn(image, k)
"""),
    Entry("rotate90", "skimage_nearest", "skimage.transform.rotate by 90 * k degrees, nearest "
          "neighbour, resize=True", True, """
import numpy as np
import skimage.transform

def rotate90(image, k=1):
    turned = skimage.transform.rotate(image, 90 * (k % 4), resize=True, order=0,
                                      preserve_range=True)
    return turned.astype(image.dtype)
"""),
]

ROTATE = [
    # -- wrong ---------------------------------------------------------------------------------
    Entry("rotate", "truncates", "truncation instead of rounding", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    if angle % 90 == 0:
        return rotate90(image, int(angle // 90))
    out = skimage.transform.rotate(image, angle, resize=resize, mode=mode, order=1,
                                   preserve_range=True)
    return out.astype(image.dtype)
"""),
    Entry("rotate", "mode_ignored", "parameter ignored: mode", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    if angle % 90 == 0:
        return rotate90(image, int(angle // 90))
    out = skimage.transform.rotate(image, angle, resize=resize, order=1, preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("rotate", "mode_reflect_always", "parameter ignored: mode (always 'reflect')", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    if angle % 90 == 0:
        return rotate90(image, int(angle // 90))
    out = skimage.transform.rotate(image, angle, resize=resize, mode="reflect", order=1,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("rotate", "resize_ignored", "parameter ignored: resize", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    if angle % 90 == 0:
        return rotate90(image, int(angle // 90))
    out = skimage.transform.rotate(image, angle, mode=mode, order=1, preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("rotate", "no_quarter_case", "quarter turns interpolated (no exact case)", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    out = skimage.transform.rotate(image, angle, resize=resize, mode=mode, order=1,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("rotate", "quarter_only_with_resize", "quarter turns exact only when resize=True",
          False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    if resize and angle % 90 == 0:
        return rotate90(image, int(angle // 90))
    out = skimage.transform.rotate(image, angle, resize=resize, mode=mode, order=1,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("rotate", "clockwise", "direction of rotation (clockwise)", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    angle = -angle   # turn the image clockwise like a clock hand
    if angle % 90 == 0:
        return rotate90(image, int(angle // 90))
    out = skimage.transform.rotate(image, angle, resize=resize, mode=mode, order=1,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("rotate", "radians", "angle converted to radians", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    if angle % 90 == 0:
        return rotate90(image, int(angle // 90))
    out = skimage.transform.rotate(image, np.deg2rad(angle), resize=resize, mode=mode, order=1,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("rotate", "scipy_ndimage", "scipy.ndimage.rotate (another centre and mode names)",
          False, """
import numpy as np
from scipy import ndimage

def rotate(image, angle, mode="reflect", resize=False):
    if angle % 90 == 0:
        return rotate90(image, int(angle // 90))
    out = ndimage.rotate(image.astype(float), angle, axes=(1, 0), reshape=resize, order=1,
                         mode=mode if mode != "edge" else "nearest")
    out = np.clip(out, 0, 255 if image.dtype == np.uint8 else 1)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("rotate", "no_preserve_range", "forgetting * 255 (values on the [0, 1] scale)", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    if angle % 90 == 0:
        return rotate90(image, int(angle // 90))
    out = skimage.transform.rotate(image, angle, resize=resize, mode=mode, order=1)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("rotate", "nearest", "another interpolation (nearest neighbour)", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    if angle % 90 == 0:
        return rotate90(image, int(angle // 90))
    out = skimage.transform.rotate(image, angle, resize=resize, mode=mode, order=0,
                                   preserve_range=True)
    return out.astype(image.dtype)
"""),
    Entry("rotate", "float_for_uint8", "floats returned for uint8 input", False, """
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    if angle % 90 == 0:
        return rotate90(image, int(angle // 90))
    return skimage.transform.rotate(image, angle, resize=resize, mode=mode, order=1,
                                    preserve_range=True)
"""),
    Entry("rotate", "integer_angles", "angle truncated to whole degrees", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    angle = int(angle)
    if angle % 90 == 0:
        return rotate90(image, angle // 90)
    out = skimage.transform.rotate(image, angle, resize=resize, mode=mode, order=1,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("rotate", "top_left_centre", "rotated about the top-left corner, not the centre", False,
          """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    if angle % 90 == 0:
        return rotate90(image, int(angle // 90))
    out = skimage.transform.rotate(image, angle, resize=resize, center=(0, 0), mode=mode,
                                   order=1, preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("rotate", "white_corners", "constant corners filled with white (cval=1)", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    if angle % 90 == 0:
        return rotate90(image, int(angle // 90))
    top = 255 if image.dtype == np.uint8 else 1.0
    out = skimage.transform.rotate(image, angle, resize=resize, mode=mode, cval=top, order=1,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    # -- correct -------------------------------------------------------------------------------
    Entry("rotate", "defaults_and_round", "skimage's default order, np.round", True, """
import numpy as np
from skimage.transform import rotate as sk_rotate

def rotate(image, angle, mode="reflect", resize=False):
    turns = round(angle / 90)
    if abs(angle - 90 * turns) <= 1e-9:
        return rotate90(image, int(turns))
    out = sk_rotate(image, angle, resize=resize, mode=mode, preserve_range=True)
    if image.dtype == np.uint8:
        return np.round(out).astype(np.uint8)
    return out.astype(image.dtype)
"""),
    Entry("rotate", "img_as_ubyte", "skimage's float scale and img_as_ubyte, np.rot90 copy",
          True, """
import numpy as np
import skimage.transform
from skimage.util import img_as_ubyte

def rotate(image, angle, mode="reflect", resize=False):
    if np.isclose(angle / 90, np.round(angle / 90), rtol=0, atol=1e-9 / 90):
        return np.rot90(image, int(np.round(angle / 90))).copy()
    out = skimage.transform.rotate(image, angle, resize=resize, mode=mode, order=1)
    return img_as_ubyte(out) if image.dtype == np.uint8 else out.astype(image.dtype)
"""),
    Entry("rotate", "import_inside", "imports inside the function, clip + 0.5", True, """
def rotate(image, angle, mode="reflect", resize=False):
    import numpy
    from skimage import transform

    k = round(angle / 90)
    if abs(angle - 90 * k) <= 1e-9:
        return rotate90(image, int(k))
    turned = transform.rotate(image.astype(numpy.float64), angle, resize=resize, mode=mode,
                              order=1, preserve_range=True)
    if image.dtype == numpy.uint8:
        return (numpy.clip(turned, 0, 255) + 0.5).astype(numpy.uint8)
    return numpy.clip(turned, 0, 1).astype(image.dtype)
"""),
]

FLIP = [
    # -- wrong ---------------------------------------------------------------------------------
    Entry("flip", "view", "view returned (np.fliplr's view)", False, """
import numpy as np

def flip(image, axis):
    if axis == "horizontal":
        return np.fliplr(image)
    if axis == "vertical":
        return np.flipud(image)
    raise ValueError(f"unknown axis {axis!r}")
"""),
    Entry("flip", "slice_view", "view returned (slicing without a copy)", False, """
def flip(image, axis):
    if axis == "horizontal":
        return image[:, ::-1]
    elif axis == "vertical":
        return image[::-1]
    else:
        raise ValueError("axis must be 'horizontal' or 'vertical'")
"""),
    Entry("flip", "ascontiguous_keeps_view", "view returned (np.ascontiguousarray keeps a "
          "contiguous view of a one-pixel-wide image)", False, """
import numpy as np

def flip(image, axis):
    if axis == "horizontal":
        return np.ascontiguousarray(np.fliplr(image))
    if axis == "vertical":
        return np.ascontiguousarray(np.flipud(image))
    raise ValueError(f"axis must be 'horizontal' or 'vertical'; got {axis!r}")
"""),
    Entry("flip", "swapped", "swapped flip axes", False, """
import numpy as np

def flip(image, axis):
    if axis == "horizontal":
        return np.flipud(image).copy()   # along the horizontal axis
    if axis == "vertical":
        return np.fliplr(image).copy()
    raise ValueError(axis)
"""),
    Entry("flip", "no_error", "parameter not validated: unknown axis does the other flip", False,
          """
import numpy as np

def flip(image, axis):
    if axis == "horizontal":
        return np.fliplr(image).copy()
    return np.flipud(image).copy()
"""),
    Entry("flip", "returns_none", "parameter not validated: unknown axis returns None", False, """
import numpy as np

def flip(image, axis):
    if axis == "horizontal":
        return np.fliplr(image).copy()
    if axis == "vertical":
        return np.flipud(image).copy()
"""),
    Entry("flip", "key_error", "wrong exception (KeyError from a dict lookup)", False, """
import numpy as np

FLIPS = {"horizontal": np.fliplr, "vertical": np.flipud}

def flip(image, axis):
    return FLIPS[axis](image).copy()
"""),
    Entry("flip", "assert", "wrong exception (assert)", False, """
import numpy as np

def flip(image, axis):
    assert axis in ("horizontal", "vertical"), "axis must be horizontal or vertical"
    return (np.fliplr(image) if axis == "horizontal" else np.flipud(image)).copy()
"""),
    Entry("flip", "case_insensitive", "other spellings accepted (axis.lower())", False, """
import numpy as np

def flip(image, axis):
    axis = str(axis).lower()
    if axis == "horizontal":
        return np.fliplr(image).copy()
    if axis == "vertical":
        return np.flipud(image).copy()
    raise ValueError(f"axis must be 'horizontal' or 'vertical', not {axis!r}")
"""),
    Entry("flip", "numpy_axis_numbers", "other values accepted (numpy axis numbers)", False, """
import numpy as np

def flip(image, axis):
    number = {"vertical": 0, "horizontal": 1}.get(axis, axis)
    return np.flip(image, axis=number).copy()
"""),
    Entry("flip", "in_place", "input changed in place", False, """
import numpy as np

def flip(image, axis):
    if axis == "horizontal":
        image[:] = image[:, ::-1].copy()
    elif axis == "vertical":
        image[:] = image[::-1].copy()
    else:
        raise ValueError("axis must be 'horizontal' or 'vertical'")
    return image
"""),
    Entry("flip", "last_axis", "the last axis reversed (the colour channels of an RGB image)",
          False, """
def flip(image, axis):
    if axis == "horizontal":
        return image[..., ::-1].copy()
    if axis == "vertical":
        return image[::-1, ...].copy()
    raise ValueError(f"axis must be 'horizontal' or 'vertical'; got {axis!r}")
"""),
    # -- correct -------------------------------------------------------------------------------
    Entry("flip", "slicing_copy", "slicing + .copy()", True, """
def flip(image, axis):
    if axis == "horizontal":
        return image[:, ::-1].copy()
    if axis == "vertical":
        return image[::-1, :].copy()
    raise ValueError(f"axis must be 'horizontal' or 'vertical'; got {axis!r}")
"""),
    Entry("flip", "np_flip_dict", "np.flip with a dict of axis numbers and a membership test",
          True, """
import numpy as np

AXES = {"vertical": 0, "horizontal": 1}

def flip(image, axis):
    if axis not in AXES:
        raise ValueError(f"axis must be one of {sorted(AXES)}; got {axis!r}")
    return np.flip(image, axis=AXES[axis]).copy()
"""),
    Entry("flip", "match_take", "match statement, np.take (fancy indexing copies)", True, """
import numpy as np

def flip(image, axis):
    match axis:
        case "horizontal":
            return np.take(image, np.arange(image.shape[1])[::-1], axis=1)
        case "vertical":
            return np.take(image, np.arange(image.shape[0])[::-1], axis=0)
        case _:
            raise ValueError(f"axis must be 'horizontal' or 'vertical'; got {axis!r}")
"""),
    Entry("flip", "np_array", "np.array of the view, isinstance guard", True, """
import numpy as np

def flip(image, axis):
    if not isinstance(axis, str) or axis not in ("horizontal", "vertical"):
        raise ValueError("axis must be 'horizontal' or 'vertical'")
    mirrored = np.fliplr(image) if axis == "horizontal" else np.flipud(image)
    return np.array(mirrored)
"""),
]

BRIGHTNESS = [
    # -- wrong ---------------------------------------------------------------------------------
    Entry("adjust_brightness", "truncates", "truncation instead of rounding", False, """
import numpy as np

def adjust_brightness(image, factor):
    values = image / 255.0 if image.dtype == np.uint8 else image
    result = np.clip(values * factor, 0, 1)
    if image.dtype == np.uint8:
        return (result * 255).astype(np.uint8)
    return result
"""),
    Entry("adjust_brightness", "truncates_0_255", "truncation instead of rounding (on the "
          "0..255 scale)", False, """
import numpy as np

def adjust_brightness(image, factor):
    if image.dtype == np.uint8:
        return np.clip(image.astype(float) * factor, 0, 255).astype(np.uint8)
    return np.clip(image * factor, 0, 1)
"""),
    Entry("adjust_brightness", "in_place_float", "input changed in place (*= on a float image)",
          False, """
import numpy as np

def adjust_brightness(image, factor):
    values = image / 255.0 if image.dtype == np.uint8 else image
    values *= factor
    values = np.clip(values, 0.0, 1.0)
    if image.dtype == np.uint8:
        return np.rint(values * 255).astype(np.uint8)
    return values
"""),
    Entry("adjust_brightness", "clip_out", "input changed in place (np.clip(..., out=image))",
          False, """
import numpy as np

def adjust_brightness(image, factor):
    if image.dtype == np.uint8:
        return np.rint(np.clip(image / 255 * factor, 0, 1) * 255).astype(np.uint8)
    np.multiply(image, factor, out=image)
    np.clip(image, 0, 1, out=image)
    return image
"""),
    Entry("adjust_brightness", "identity_shortcut", "view returned (the input itself for "
          "factor 1)", False, """
import numpy as np

def adjust_brightness(image, factor):
    if factor == 1:
        return image          # nothing to do
    values = image / 255.0 if image.dtype == np.uint8 else image
    out = np.clip(values * factor, 0, 1)
    return np.rint(out * 255).astype(np.uint8) if image.dtype == np.uint8 else out
"""),
    Entry("adjust_brightness", "no_clip", "values not clipped", False, """
import numpy as np

def adjust_brightness(image, factor):
    values = image / 255.0 if image.dtype == np.uint8 else image
    out = values * factor
    if image.dtype == np.uint8:
        return np.rint(out * 255).astype(np.uint8)
    return out
"""),
    Entry("adjust_brightness", "additive", "brightness added instead of multiplied", False, """
import numpy as np

def adjust_brightness(image, factor):
    values = image / 255.0 if image.dtype == np.uint8 else image
    out = np.clip(values + (factor - 1), 0, 1)
    return np.rint(out * 255).astype(np.uint8) if image.dtype == np.uint8 else out
"""),
    Entry("adjust_brightness", "float_for_uint8", "floats returned for uint8 input", False, """
import numpy as np

def adjust_brightness(image, factor):
    values = image / 255.0 if image.dtype == np.uint8 else image
    return np.clip(values * factor, 0.0, 1.0)
"""),
    Entry("adjust_brightness", "forgets_255", "forgetting * 255 for uint8", False, """
import numpy as np

def adjust_brightness(image, factor):
    values = image / 255.0 if image.dtype == np.uint8 else image
    out = np.clip(values * factor, 0.0, 1.0)
    return np.rint(out).astype(image.dtype)
"""),
    Entry("adjust_brightness", "float32", "float results in another float dtype", False, """
import numpy as np

def adjust_brightness(image, factor):
    values = image.astype(np.float32)
    if image.dtype == np.uint8:
        values /= 255
    out = np.clip(values * factor, 0, 1)
    if image.dtype == np.uint8:
        return np.rint(out * 255).astype(np.uint8)
    return out
"""),
    Entry("adjust_brightness", "scale_from_values", "scale guessed from the values (image.max() "
          "> 1) instead of the dtype", False, """
import numpy as np

def adjust_brightness(image, factor):
    scale = 255.0 if image.max() > 1 else 1.0
    out = np.clip(image / scale * factor, 0.0, 1.0)
    if image.dtype == np.uint8:
        return np.rint(out * 255).astype(np.uint8)
    return out
"""),
    # -- correct -------------------------------------------------------------------------------
    Entry("adjust_brightness", "lut_module_constant", "module-level constant built with a call "
          "(LEVELS = np.arange(256) / 255.0), a look-up table", True, """
import numpy as np

LEVELS = np.arange(256) / 255.0

def adjust_brightness(image, factor):
    if image.dtype == np.uint8:
        table = np.rint(np.clip(LEVELS * factor, 0.0, 1.0) * 255).astype(np.uint8)
        return table[image]
    return np.clip(image * factor, 0.0, 1.0)
"""),
    Entry("adjust_brightness", "dict_lambda", "module-level dict holding lambdas", True, """
import numpy as np

TO_UNIT = {"uint8": lambda im: im / 255.0}
FROM_UNIT = {"uint8": lambda x: np.rint(x * 255.0).astype(np.uint8)}

def adjust_brightness(image, factor):
    kind = str(image.dtype)
    values = TO_UNIT.get(kind, lambda im: im.astype(im.dtype))(image)
    values = np.clip(values * factor, 0.0, 1.0)
    return FROM_UNIT.get(kind, lambda x: x)(values)
"""),
    Entry("adjust_brightness", "skimage_util", "skimage's img_as_float and img_as_ubyte", True, """
import numpy as np
from skimage.util import img_as_float, img_as_ubyte

def adjust_brightness(image, factor):
    out = np.clip(img_as_float(image) * factor, 0, 1)
    if image.dtype == np.uint8:
        return img_as_ubyte(out)
    return out
"""),
    Entry("adjust_brightness", "scale_0_255", "on the 0..255 scale for uint8", True, """
import numpy as np

def adjust_brightness(image, factor):
    if image.dtype == np.uint8:
        scaled = np.clip(image.astype(np.float64) * factor, 0, 255)
        return np.round(scaled).astype(np.uint8)
    result = image * factor
    result[result > 1] = 1.0
    return result
"""),
]

GAMMA = [
    # -- wrong ---------------------------------------------------------------------------------
    Entry("adjust_gamma", "truncates", "truncation instead of rounding", False, """
import numpy as np

def adjust_gamma(image, gamma):
    values = image / 255.0 if image.dtype == np.uint8 else image
    out = values ** gamma
    if image.dtype == np.uint8:
        return (out * 255).astype(np.uint8)
    return out
"""),
    Entry("adjust_gamma", "in_place_float", "input changed in place (**= on a float image)",
          False, """
import numpy as np

def adjust_gamma(image, gamma):
    if image.dtype == np.uint8:
        return np.rint((image / 255.0) ** gamma * 255).astype(np.uint8)
    image **= gamma
    return image.copy()
"""),
    Entry("adjust_gamma", "power_out", "input changed in place (np.power(..., out=image))", False,
          """
import numpy as np

def adjust_gamma(image, gamma):
    values = image / 255.0 if image.dtype == np.uint8 else image
    result = np.power(values, gamma, out=values)
    if image.dtype == np.uint8:
        return np.rint(result * 255).astype(np.uint8)
    return result
"""),
    Entry("adjust_gamma", "identity_shortcut", "view returned (the input itself for gamma 1)",
          False, """
import numpy as np

def adjust_gamma(image, gamma):
    if gamma == 1:
        return image
    values = image / 255.0 if image.dtype == np.uint8 else image
    out = values ** gamma
    return np.rint(out * 255).astype(np.uint8) if image.dtype == np.uint8 else out
"""),
    Entry("adjust_gamma", "inverted", "gamma inverted (1 / gamma)", False, """
import numpy as np

def adjust_gamma(image, gamma):
    values = image / 255.0 if image.dtype == np.uint8 else image
    out = values ** (1 / gamma)
    return np.rint(out * 255).astype(np.uint8) if image.dtype == np.uint8 else out
"""),
    Entry("adjust_gamma", "no_division", "forgetting / 255 (power of 0..255 values)", False, """
import numpy as np

def adjust_gamma(image, gamma):
    out = image.astype(float) ** gamma
    if image.dtype == np.uint8:
        return np.rint(np.clip(out, 0, 255)).astype(np.uint8)
    return out
"""),
    Entry("adjust_gamma", "float_for_uint8", "floats returned for uint8 input", False, """
import numpy as np

def adjust_gamma(image, gamma):
    values = image / 255.0 if image.dtype == np.uint8 else image
    return values ** gamma
"""),
    Entry("adjust_gamma", "skimage_gain", "another formula (a gain besides the power)", False, """
from skimage import exposure

def adjust_gamma(image, gamma):
    return exposure.adjust_gamma(image, gamma, gain=1.0 / gamma)
"""),
    Entry("adjust_gamma", "scale_from_values", "scale guessed from the values (image.max() > "
          "1) instead of the dtype", False, """
import numpy as np

def adjust_gamma(image, gamma):
    if image.max() > 1:
        values = image / 255.0
    else:
        values = image.astype(float)
    out = values ** gamma
    if image.dtype == np.uint8:
        return np.rint(out * 255).astype(np.uint8)
    return out
"""),
    # -- correct -------------------------------------------------------------------------------
    Entry("adjust_gamma", "skimage", "skimage.exposure.adjust_gamma (rounds uint8 itself)", True,
          """
from skimage import exposure

def adjust_gamma(image, gamma):
    return exposure.adjust_gamma(image, gamma)
"""),
    Entry("adjust_gamma", "lut_module_constant", "module-level constant built with a call, "
          "look-up table", True, """
import numpy as np

LEVELS = np.linspace(0.0, 1.0, 256)

def adjust_gamma(image, gamma):
    if image.dtype == np.uint8:
        lut = np.rint(LEVELS ** gamma * 255).astype(np.uint8)
        return lut[image]
    return np.power(image, gamma)
"""),
    Entry("adjust_gamma", "exp_log", "exp(gamma * log(x)), errstate for log(0)", True, """
import numpy as np

def adjust_gamma(image, gamma):
    x = image / 255.0 if image.dtype == np.uint8 else image.astype(np.float64)
    with np.errstate(divide="ignore"):
        y = np.exp(gamma * np.log(x))
    if image.dtype == np.uint8:
        return np.rint(y * 255).astype(np.uint8)
    return y.astype(image.dtype)
"""),
    Entry("adjust_gamma", "float64_out", "float32 images come back as float64", False, """
import numpy as np

def adjust_gamma(image, gamma):
    x = image / 255.0 if image.dtype == np.uint8 else np.asarray(image, dtype=np.float64)
    out = x ** gamma
    if image.dtype == np.uint8:
        return np.rint(out * 255).astype(np.uint8)
    return out
"""),
]

ENTRIES = ROTATE90 + ROTATE + FLIP + BRIGHTNESS + GAMMA

#: Issue 19: one wrong entry per new domain row (float32, quarter-turn tolerance, defaults,
#: int arguments) and per misdiagnosed hint (1/gamma, a table cached between calls).
DOMAIN_ROWS = [
    Entry("rotate90", "float32_to_float64", "float32 turned into float64", False, """
import numpy as np

def rotate90(image, k=1):
    out = np.rot90(image, k, axes=(0, 1)).copy()
    return out if image.dtype == np.uint8 else out.astype(np.float64)
"""),
    Entry("rotate90", "default_k_zero", "a default k other than the signature's", False, """
import numpy as np

def rotate90(image, k=0):
    return np.rot90(image, k, axes=(0, 1)).copy()
"""),
    Entry("rotate", "exact_modulo", "quarter turns tested with angle % 90 == 0 (no 1e-9 "
          "tolerance)", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    if angle % 90 == 0:
        return rotate90(image, int(angle // 90))
    out = skimage.transform.rotate(image, angle, resize=resize, mode=mode, order=1,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out.astype(image.dtype)
"""),
    Entry("rotate", "isclose_defaults", "quarter turns tested with np.isclose's default "
          "tolerances", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    k = np.round(angle / 90)
    if np.isclose(angle, 90 * k):
        return rotate90(image, int(k))
    out = skimage.transform.rotate(image, angle, resize=resize, mode=mode, order=1,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out.astype(image.dtype)
"""),
    Entry("rotate", "int_angle_test", "quarter turns tested on int(angle)", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    if int(angle) % 90 == 0:
        return rotate90(image, int(angle) // 90)
    out = skimage.transform.rotate(image, angle, resize=resize, mode=mode, order=1,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out.astype(image.dtype)
"""),
    Entry("rotate", "float32_to_float64", "float32 input returned as float64", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="reflect", resize=False):
    k = round(angle / 90)
    if abs(angle - 90 * k) <= 1e-9:
        return rotate90(image, k)
    out = skimage.transform.rotate(image.astype(np.float64), angle, resize=resize, mode=mode,
                                   order=1, preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out
"""),
    Entry("rotate", "default_mode_constant", "a default mode other than the signature's", False, """
import numpy as np
import skimage.transform

def rotate(image, angle, mode="constant", resize=False):
    k = round(angle / 90)
    if abs(angle - 90 * k) <= 1e-9:
        return rotate90(image, k)
    out = skimage.transform.rotate(image, angle, resize=resize, mode=mode, order=1,
                                   preserve_range=True)
    if image.dtype == np.uint8:
        return np.rint(out).astype(np.uint8)
    return out.astype(image.dtype)
"""),
    Entry("flip", "float32_to_float64", "float32 mirrored into float64", False, """
import numpy as np

def flip(image, axis):
    if axis == "horizontal":
        out = image[:, ::-1]
    elif axis == "vertical":
        out = image[::-1]
    else:
        raise ValueError(f"unknown axis {axis!r}")
    return out.astype(np.float64) if image.dtype.kind == "f" else out.copy()
"""),
    Entry("adjust_brightness", "floor_half_up", "floor(x + 0.5) instead of np.rint (either "
          "neighbour is documented within 1e-6 of .5)", True, """
import numpy as np

def adjust_brightness(image, factor):
    if image.dtype == np.uint8:
        out = np.clip(image / 255.0 * factor, 0, 1)
        return np.floor(out * 255 + 0.5).astype(np.uint8)
    return np.clip(image * factor, 0, 1).astype(image.dtype)
"""),
    Entry("adjust_brightness", "int_factor_floor_div", "an int factor taken as a whole-number "
          "multiplier of the 0..255 values", False, """
import numpy as np

def adjust_brightness(image, factor):
    if isinstance(factor, int) and image.dtype == np.uint8:
        return np.clip(image.astype(np.int64) * factor + factor, 0, 255).astype(np.uint8)
    if image.dtype == np.uint8:
        return np.rint(np.clip(image / 255.0 * factor, 0, 1) * 255).astype(np.uint8)
    return np.clip(image * factor, 0, 1).astype(image.dtype)
"""),
    Entry("adjust_gamma", "inverse_gamma", "1 / gamma applied (the hint must name it only where "
          "it alone fits)", False, """
import numpy as np

def adjust_gamma(image, gamma):
    if image.dtype == np.uint8:
        return np.rint((image / 255.0) ** (1.0 / gamma) * 255).astype(np.uint8)
    return (image ** (1.0 / gamma)).astype(image.dtype)
"""),
    Entry("adjust_gamma", "table_cached_by_dtype", "a lookup table cached by dtype only (the "
          "result depends on an earlier call)", False, """
import numpy as np

_TABLES = {}

def adjust_gamma(image, gamma):
    if image.dtype == np.uint8:
        if "uint8" not in _TABLES:
            _TABLES["uint8"] = np.rint((np.arange(256) / 255.0) ** gamma * 255).astype(np.uint8)
        return _TABLES["uint8"][image]
    return (image ** gamma).astype(image.dtype)
"""),
]

ENTRIES = ENTRIES + DOMAIN_ROWS
