"""Paint dermoscopy-like lesion images for the synthetic HAM10000 twin.

A lesion is painted once, in its own frame, from a seed of its own (so that the
same lesion photographed again looks the same); each photograph then places it
on skin with a slight shift, rotation and change of scale, and the acquisition
site adds its colour cast, illumination and vignetting. Every quantity is
drawn from the generators passed in: the same seeds give the same pixels.

Class appearance follows the dermoscopy textbook loosely:

==========  ==================================================================
nv          round, even brown, fine pigment network, sharp regular border
mel         larger, asymmetric irregular border, dark brown/black/blue-grey
bkl         light brown, waxy, fissures, milia-like white and comedo-like dots
bcc         pinkish translucent, branching (arborising) red vessels, grey nests
akiec       red, scaly white-yellow surface, ill-defined border
vasc        red to purple lobules separated by darker septa
df          small, brown delicate rim with a pale scar-like centre
==========  ==================================================================
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

__all__ = ["SITE_LOOKS", "paint_image"]

_MAX_PATCH = 224  # lesion canvas (pixels) for full-size images; smaller images use less
_EXTENT = 3.2  # canvas width in lesion radii

#: site -> colour multiplier (R, G, B), illumination gain, vignetting strength, dark
#: dermoscope border, desaturation. Strong on purpose: on the real data set, simple colour
#: statistics separate the acquisition sites better than the diagnoses.
SITE_LOOKS = {
    "vidir_molemax": ((1.12, 0.86, 0.90), 1.02, 0.30, False, 0.0),
    "vidir_modern": ((0.88, 0.92, 1.16), 1.10, 0.10, False, 0.0),
    "rosendahl": ((1.04, 1.00, 0.70), 0.88, 0.25, True, 0.0),
    "vienna_dias": ((0.86, 1.02, 0.92), 0.72, 0.55, False, 0.45),
}

# Lesion radius as a fraction of the image height, per class (low, high).
_RADIUS = {
    "nv": (0.20, 0.32), "mel": (0.30, 0.44), "bkl": (0.24, 0.38), "bcc": (0.20, 0.34),
    "akiec": (0.24, 0.40), "vasc": (0.12, 0.22), "df": (0.11, 0.18),
}  # fmt: skip


def _noise(rng, shape, cells) -> np.ndarray:
    """Smooth random field of ``shape``, about ``cells`` bumps across, values ~[0, 1]."""
    ny = max(2, round(cells * shape[0] / max(shape)))
    nx = max(2, round(cells * shape[1] / max(shape)))
    grid = Image.fromarray(rng.random((ny, nx), dtype=np.float32))
    return np.asarray(grid.resize((shape[1], shape[0]), Image.Resampling.BICUBIC))


def _octaves(rng, shape, cells, n=3) -> np.ndarray:
    total = sum(_noise(rng, shape, cells * 2**k) * 0.5**k for k in range(n))
    return total / sum(0.5**k for k in range(n))


def _lines(field, frequency, width) -> np.ndarray:
    """Contour lines of a smooth field: a network-like pattern in [0, 1]."""
    d = np.abs(field * frequency - np.round(field * frequency))
    return np.exp(-((d / width) ** 2))


def _smoothstep(edge0, edge1, x) -> np.ndarray:
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def _dots(rng, shape, centres_mask, n, radius, blur) -> np.ndarray:
    """``n`` dots of ``radius`` pixels at random places where ``centres_mask`` is True."""
    layer = Image.new("L", (shape[1], shape[0]), 0)
    draw = ImageDraw.Draw(layer)
    ys, xs = np.nonzero(centres_mask)
    if len(ys):
        pick = rng.integers(0, len(ys), size=n)
        for y, x in zip(ys[pick], xs[pick], strict=True):
            r = radius * rng.uniform(0.6, 1.4)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
    if blur:
        layer = layer.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(layer, dtype=np.float32) / 255.0


def _branches(rng, shape, starts, depth, length, width) -> np.ndarray:
    """Branching (arborising) vessel-like lines from each start point."""
    layer = Image.new("L", (shape[1], shape[0]), 0)
    draw = ImageDraw.Draw(layer)
    stack = [(x, y, rng.uniform(0, 2 * np.pi), length, width, depth) for x, y in starts]
    while stack:
        x, y, angle, step, w, level = stack.pop()
        points = [(x, y)]
        for _ in range(4):  # a wiggly segment
            angle += rng.normal(0, 0.25)
            x, y = x + np.cos(angle) * step / 4, y + np.sin(angle) * step / 4
            points.append((x, y))
        draw.line(points, fill=255, width=max(1, round(w)))
        if level > 0:
            for turn in (-1, 1):
                stack.append(
                    (x, y, angle + turn * rng.uniform(0.3, 0.8), step * 0.7, w * 0.65, level - 1)
                )
    return np.asarray(layer.filter(ImageFilter.GaussianBlur(1.0)), dtype=np.float32) / 255.0


def _mix(base, colour, weight):
    """Blend ``base`` towards ``colour`` by ``weight`` (float32 throughout, for speed)."""
    weight = weight[..., None].astype(np.float32, copy=False)
    return base + (np.asarray(colour, np.float32) - base) * weight


def _shape(rng, dx, rho, phi):
    """Lesion outline: radius as a function of angle, irregular by class; returns rho / r(phi)."""
    amplitude = {"nv": 0.04, "mel": 0.14, "bkl": 0.09, "bcc": 0.10, "akiec": 0.12,
                 "vasc": 0.06, "df": 0.04}[dx]  # fmt: skip
    radius = np.ones_like(phi)
    for k in range(1, 9):
        a = amplitude * rng.uniform(0.3, 1.0) / (1 + 0.35 * k) * (1.3 if dx == "mel" else 1.0)
        radius += a * np.cos(k * phi + rng.uniform(0, 2 * np.pi))
    if dx == "mel":  # fine notches of an irregular border
        for k in rng.integers(10, 24, size=3):
            radius += 0.03 * np.cos(k * phi + rng.uniform(0, 2 * np.pi))
    return rho / np.maximum(radius, 0.4)


def _paint_lesion(rng, dx, patch):
    """Paint a lesion on a ``patch`` x ``patch`` canvas in its own frame.

    Returns RGB in [0, 1] and opacity in [0, 1]; the border lies about
    ``patch / _EXTENT`` pixels from the centre.
    """
    shape = (patch, patch)
    axis = np.linspace(-_EXTENT / 2, _EXTENT / 2, patch, dtype=np.float32)
    u, v = np.meshgrid(axis, axis)
    aspect = rng.uniform(1.0, 1.35)
    rho, phi = np.hypot(u / aspect, v * aspect**0.3), np.arctan2(v, u)
    r = _shape(rng, dx, rho, phi)
    inside = r < 1
    low, mid = _octaves(rng, shape, 4), _octaves(rng, shape, 14)
    fine = _noise(rng, shape, 60)
    px = patch / _EXTENT  # pixels per lesion radius

    if dx == "nv":
        brown = np.array([0.55, 0.33, 0.20]) * rng.uniform(0.8, 1.15)
        rgb = np.broadcast_to(brown, shape + (3,)).astype(np.float32)
        rgb = rgb * (0.85 + 0.3 * r[..., None]) * (0.9 + 0.2 * low[..., None])
        net = _lines(mid, 7, 0.12) * _smoothstep(1.0, 0.3, r)
        rgb = _mix(rgb, brown * 0.55, 0.6 * net)
        if rng.random() < 0.4:  # globular nevus
            rgb = _mix(rgb, brown * 0.6, _dots(rng, shape, r < 0.85, 60, px * 0.04, 1.0))
        edge = 0.06
    elif dx == "mel":
        rgb = np.broadcast_to(np.float32([0.42, 0.24, 0.15]), shape + (3,)).copy()
        rgb = _mix(rgb, (0.12, 0.08, 0.07), _smoothstep(0.55, 0.75, low))  # black blotch
        rgb = _mix(rgb, (0.36, 0.40, 0.50), 0.8 * _smoothstep(0.55, 0.7, mid) * (r < 0.8))  # veil
        rgb = _mix(rgb, (0.68, 0.46, 0.33), _smoothstep(0.6, 0.3, low) * 0.7)  # light patches
        rgb = _mix(rgb, (0.70, 0.30, 0.28), 0.5 * _smoothstep(0.62, 0.8, fine))  # red areas
        net = _lines(mid, 5, 0.12) * _smoothstep(1.0, 0.6, r)
        rgb = _mix(rgb, (0.15, 0.09, 0.07), 0.45 * net)  # atypical broad network
        dots = _dots(rng, shape, (r > 0.6) & (r < 1.05), 40, px * 0.03, 1.0)
        rgb = _mix(rgb, (0.10, 0.07, 0.08), dots)
        edge = 0.04
    elif dx == "bkl":
        rgb = np.broadcast_to(np.float32([0.66, 0.47, 0.32]), shape + (3,)).copy()
        rgb = rgb * (0.85 + 0.3 * low[..., None])
        rgb = _mix(rgb, (0.40, 0.26, 0.17), 0.45 * _lines(mid, 4, 0.09))  # fissures
        rgb = _mix(rgb, (0.92, 0.88, 0.80), _dots(rng, shape, inside, 25, px * 0.025, 0.8))
        rgb = _mix(rgb, (0.25, 0.17, 0.12), _dots(rng, shape, inside, 15, px * 0.03, 0.8))
        rgb = rgb + 0.12 * _smoothstep(0.7, 0.95, fine)[..., None]  # waxy sheen
        edge = 0.03
    elif dx == "bcc":
        rgb = np.broadcast_to(np.float32([0.86, 0.62, 0.62]), shape + (3,)).copy()
        rgb = rgb * (0.92 + 0.16 * low[..., None])
        rgb = _mix(rgb, (0.45, 0.47, 0.55), 0.8 * _smoothstep(0.62, 0.72, mid) * (r < 0.85))
        ys, xs = np.nonzero(r < 0.7)
        pick = rng.integers(0, len(ys), size=rng.integers(3, 6))
        vessels = _branches(rng, shape, list(zip(xs[pick], ys[pick], strict=True)), 4,
                            px * 0.5, px * 0.05)  # fmt: skip
        rgb = _mix(rgb, (0.72, 0.10, 0.14), 0.9 * vessels)
        edge = 0.10
    elif dx == "akiec":
        rgb = np.broadcast_to(np.float32([0.82, 0.42, 0.38]), shape + (3,)).copy()
        rgb = rgb * (0.85 + 0.3 * low[..., None])
        scale = _smoothstep(0.6, 0.8, _octaves(rng, shape, 45, 2)) * (r < 0.9)
        rgb = _mix(rgb, (0.93, 0.90, 0.78), 0.85 * scale)
        rgb = _mix(rgb, (0.97, 0.93, 0.88), _dots(rng, shape, inside, 30, px * 0.02, 0.6))
        edge = 0.30
    elif dx == "vasc":
        rgb = np.broadcast_to(np.float32([0.35, 0.08, 0.16]), shape + (3,)).copy()  # septa
        lobules = np.zeros(shape, np.float32)
        for _ in range(rng.integers(5, 10)):
            cy, cx = rng.uniform(-0.6, 0.6, size=2)
            radius = rng.uniform(0.25, 0.45)
            lobule = _smoothstep(1.0, 0.75, np.hypot(u - cx, v - cy) / radius)
            colour = (rng.uniform(0.55, 0.8), rng.uniform(0.05, 0.15), rng.uniform(0.15, 0.4))
            rgb = _mix(rgb, colour, lobule * (1 - lobules))
            lobules = np.maximum(lobules, lobule)
        rgb = rgb * (0.9 + 0.2 * fine[..., None])
        edge = 0.05
    elif dx == "df":
        rgb = np.broadcast_to(np.float32([0.58, 0.38, 0.27]), shape + (3,)).copy()
        rgb = _mix(rgb, (0.45, 0.28, 0.20), 0.5 * _lines(mid, 6, 0.15))
        centre = _smoothstep(0.55, 0.2, r * (0.8 + 0.4 * low))
        rgb = _mix(rgb, (0.93, 0.86, 0.80), 0.9 * centre)
        edge = 0.30
    else:  # pragma: no cover - callers pass codes of DIAGNOSES
        raise ValueError(f"unknown dx {dx!r}")
    opacity = _smoothstep(1 + edge, 1 - edge, r + 0.04 * (fine - 0.5))
    if dx in ("bcc", "akiec"):
        opacity *= 0.88  # translucent: skin shows through
    return np.clip(rgb, 0, 1), opacity


def _skin(rng, shape, tone):
    """Skin background: tone with mottling, faint furrows and blotchy redness."""
    low, mid = _octaves(rng, shape, 5, 2), _noise(rng, shape, 40)
    rgb = np.broadcast_to(np.asarray(tone, np.float32), shape + (3,)) * (
        0.9 + 0.2 * low[..., None]
    )
    rgb = _mix(rgb, (0.85, 0.45, 0.45), 0.25 * _smoothstep(0.5, 0.8, _noise(rng, shape, 6)))
    rgb = rgb * (1 - 0.07 * _lines(mid, 3, 0.05)[..., None])
    return rgb


def _hairs(rng, shape) -> np.ndarray:
    layer = Image.new("L", (shape[1], shape[0]), 0)
    draw = ImageDraw.Draw(layer)
    height, width = shape
    for _ in range(rng.integers(1, 9)):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        angle, curve = rng.uniform(0, 2 * np.pi), rng.normal(0, 0.02)
        points = []
        for _ in range(30):
            points.append((x, y))
            angle += curve
            x, y = x + np.cos(angle) * width / 50, y + np.sin(angle) * width / 50
        draw.line(points, fill=255, width=max(1, round(rng.uniform(1, 3) * height / 450)))
    return np.asarray(layer.filter(ImageFilter.GaussianBlur(0.7)), dtype=np.float32) / 255.0


def _site_look(rgb, site, rng):
    cast, gain, vignette, border, desaturate = SITE_LOOKS[site]
    height, width = rgb.shape[:2]
    if desaturate:
        grey = rgb.mean(axis=2, keepdims=True)
        rgb = rgb * (1 - desaturate) + grey * desaturate
    jitter = rng.normal(1.0, 0.025, size=3) * gain * rng.uniform(0.95, 1.05)
    rgb = rgb * (np.asarray(cast) * jitter).astype(np.float32)
    y, x = np.ogrid[:height, :width]
    d = np.hypot((x - width / 2) / (width / 2), (y - height / 2) / (width / 2)).astype(np.float32)
    rgb = rgb * (1 - vignette * d**2)[..., None]
    if border:  # the dark round field of view of a contact dermoscope
        radius = rng.uniform(0.9, 1.0)
        rgb = rgb * _smoothstep(radius + 0.04, radius - 0.02, d)[..., None]
    return rgb


def paint_image(dx, site, lesion_rng, image_rng, size=(450, 600)) -> np.ndarray:
    """Paint one dermoscopy-like photograph of a lesion.

    Parameters
    ----------
    dx : str
        Diagnosis code, one of :data:`coursekit.data.DIAGNOSES`.
    site : str
        Acquisition site, one of :data:`SITE_LOOKS`.
    lesion_rng : numpy.random.Generator
        Draws the lesion and the patient's skin tone: pass a generator seeded the
        same way for every photograph of one lesion.
    image_rng : numpy.random.Generator
        Draws what changes between photographs (position, angle, scale, hair, noise).
    size : tuple of int (height, width)
        Image size in pixels.

    Returns
    -------
    numpy.ndarray of uint8, shape (height, width, 3)

    Notes
    -----
    The picture is painted at half the requested size and enlarged (bicubic),
    then given full-resolution sensor grain: four times faster, and as soft
    as the real 600 x 450 images, which were themselves reduced.
    """
    height, width = size
    work_h, work_w = max(8, height // 2), max(8, width // 2)
    patch = int(np.clip(work_h, 48, _MAX_PATCH))  # enough pixels for the largest lesion
    rgb_lesion, opacity = _paint_lesion(lesion_rng, dx, patch)
    tone = lesion_rng.uniform(0.78, 0.95) * np.array([1.0, 0.76, 0.66])
    tone = (tone + lesion_rng.normal(0, 0.02, 3)).astype(np.float32)
    radius = lesion_rng.uniform(*_RADIUS[dx]) * work_h
    offset = lesion_rng.normal(0, 0.04, size=2) * work_h

    skin = _skin(image_rng, (work_h, work_w), tone)
    scale = radius / (patch / _EXTENT) * image_rng.uniform(0.93, 1.07)  # image px per patch px
    angle = image_rng.uniform(0, 2 * np.pi)
    shift = image_rng.normal(0, 0.03, size=2) * (work_w, work_h)
    cx, cy = np.array([work_w / 2, work_h / 2]) + offset + shift
    cos, sin = np.cos(angle) / scale, np.sin(angle) / scale
    # Output pixel (x, y) samples patch pixel R(-angle) (x - c) / scale + patch centre.
    coeffs = (cos, sin, patch / 2 - cos * cx - sin * cy,
              -sin, cos, patch / 2 + sin * cx - cos * cy)  # fmt: skip
    rgba = np.dstack([rgb_lesion, opacity])
    rgba = Image.fromarray(np.rint(rgba * 255).astype(np.uint8))
    rgba = rgba.filter(ImageFilter.GaussianBlur(0.7 / scale))  # optics are never razor sharp
    placed = rgba.transform((work_w, work_h), Image.Transform.AFFINE, coeffs,
                            resample=Image.Resampling.BILINEAR)  # fmt: skip
    placed = np.asarray(placed, dtype=np.float32) / 255.0
    rgb = _mix(skin, 0, placed[..., 3]) + placed[..., :3] * placed[..., 3:]
    if image_rng.random() < 0.35:
        rgb = _mix(rgb, (0.18, 0.12, 0.09), 0.85 * _hairs(image_rng, (work_h, work_w)))
    rgb = _site_look(rgb, site, image_rng)
    small = Image.fromarray(np.clip(np.rint(rgb * 255), 0, 255).astype(np.uint8))
    full = np.asarray(small.resize((width, height), Image.Resampling.BICUBIC), dtype=np.int16)
    grain = image_rng.integers(-4, 5, size=(height, width, 1), dtype=np.int16)
    return np.clip(full + grain, 0, 255).astype(np.uint8)
