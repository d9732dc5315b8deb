"""Paint dermoscopy-like photographs of skin lesions for the synthetic HAM10000 twin.

A photograph is made in three steps, each drawn from its own generator:

1. **the lesion**, painted once in its own frame from the lesion's generator, so that
   every photograph of one lesion shows the same lesion (table below);
2. **the patient and the framing**: skin tone and texture, where the lesion lies, its
   angle and scale, hairs, uneven light;
3. **the camera** of the acquisition site (:data:`SITE_CAMERAS`): a per-channel white
   balance and an exposure -- both multiplicative, as a light source and a sensor are,
   and drifting a little from session to session (the photographs of one lesion share a
   session) -- then mild vignetting, uneven light, sometimes the dark round field of view
   of a contact dermoscope, and sensor grain.

Class appearance follows the dermoscopy literature (e.g. Argenziano et al., J Am Acad
Dermatol 48:679, 2003; Marghoob & Braun, Arch Dermatol 146:426, 2010), but every class
varies widely in size, darkness and pattern, and most lesions are brown: as in
HAM10000, a collection of *pigmented* lesions, thumbnails tell the diagnoses apart
only weakly.

==========  =============================================================================
nv          one or two browns, light to dark; regular network fading at the edge, regular
            globules, or homogeneous; round and symmetric with a sharp regular border
mel         larger and asymmetric, irregular notched border; several colours: light and
            dark brown, black blotch, blue-grey veil, whitish regression, red areas;
            broad atypical network, irregular dots and streaks at the periphery
bkl         tan to dark brown with a sharp "moth-eaten" border; seborrhoeic keratosis
            (fissures and ridges, white milia-like cysts, dark comedo-like openings), solar
            lentigo (light, homogeneous, faint network) or lichen-planus-like keratosis
            (grey-brown granules on pink)
bcc         translucent pink-white; sharp branching (arborising) red vessels; blue-grey
            ovoid nests and globules; sometimes a dark red-brown crust (ulceration)
akiec       pink-red erythema around white-yellow follicular openings (strawberry
            pattern), white-yellow scale, ill-defined border; sometimes grey-brown dots
vasc        sharply bounded red, maroon or blue-purple lacunae separated by paler septa
df          small; delicate light-brown network at the periphery around a central
            white scar-like patch
==========  =============================================================================
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

__all__ = ["Camera", "SITE_CAMERAS", "paint_image"]


class Camera(NamedTuple):
    """How one acquisition site's camera renders a scene (all factors multiplicative)."""

    white_balance: tuple
    """Gain of the red, green and blue channels: the colour of the light and the sensor."""
    exposure: float
    """Overall gain (brightness)."""
    drift: tuple
    """Standard deviation of the per-session change of each channel's log gain (R, G, B);
    draws are clipped at two standard deviations (no wild casts)."""
    exposure_drift: float
    """Standard deviation of the per-session change of the log exposure."""
    field_of_view: float
    """Share of sessions showing the dark round field of view of a contact dermoscope."""


#: Acquisition site (``dataset`` column) -> :class:`Camera`. Set so that the twin's mean
#: colour and spread per site, and how well clustering finds the sites, match measurements
#: on real HAM10000 images (see :mod:`coursekit.data.synthetic`).
SITE_CAMERAS = {
    "vidir_molemax": Camera((1.06, 0.85, 0.85), 1.04, (0.04, 0.08, 0.08), 0.05, 0.02),
    "vidir_modern": Camera((0.935, 1.02, 1.05), 1.04, (0.05, 0.05, 0.05), 0.05, 0.06),
    "rosendahl": Camera((0.95, 1.04, 1.02), 1.04, (0.05, 0.05, 0.05), 0.05, 0.06),
    "vienna_dias": Camera((0.975, 0.925, 0.94), 1.02, (0.09, 0.09, 0.09), 0.18, 0.08),
}

_EXTENT = 3.2  # lesion canvas width in lesion radii
_MAX_PATCH = 192  # lesion canvas (pixels) for full-size images; smaller images use less

# Lesion radius as a fraction of the image height, per class (low, high): wide, overlapping.
_RADIUS = {
    "nv": (0.14, 0.38), "mel": (0.15, 0.40), "bkl": (0.16, 0.40), "bcc": (0.15, 0.36),
    "akiec": (0.20, 0.44), "vasc": (0.10, 0.26), "df": (0.10, 0.22),
}  # fmt: skip

# Mean redness of the surrounding skin, per class (see _skin_tone).
_SUN_DAMAGE = {"nv": 0.0, "mel": 0.03, "bkl": 0.06, "bcc": 0.09, "akiec": 0.12, "vasc": 0.03,
               "df": 0.01}  # fmt: skip

# Colours as a neutral camera sees them (RGB in [0, 1]).
_LIGHT_BROWN = (0.82, 0.55, 0.47)
_BROWN = (0.68, 0.40, 0.34)
_DARK_BROWN = (0.50, 0.27, 0.24)
_BLACK = (0.27, 0.15, 0.16)
_BLUE_GREY = (0.46, 0.49, 0.58)
_WHITE = (0.93, 0.89, 0.89)
_PINK = (0.91, 0.62, 0.64)
_RED = (0.76, 0.20, 0.24)
_YELLOW_WHITE = (0.95, 0.91, 0.80)


class _Frame(NamedTuple):
    """The lesion canvas: coordinates, outline and shared random fields."""

    rng: np.random.Generator
    shape: tuple
    u: np.ndarray  # x, in lesion radii from the centre
    v: np.ndarray  # y, in lesion radii
    r: np.ndarray  # distance from the centre relative to the (irregular) border: 1 on it
    low: np.ndarray  # smooth noise, ~4 bumps across
    mid: np.ndarray  # ~14 bumps across
    fine: np.ndarray  # ~50 bumps across
    px: float  # canvas pixels per lesion radius


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


def _mix(base, colour, weight):
    """Blend ``base`` towards ``colour`` by ``weight`` (float32 throughout, for speed)."""
    weight = np.asarray(weight, np.float32)[..., None]
    return base + (np.asarray(colour, np.float32) - base) * weight


def _jitter(rng, colour, spread=0.08):
    """A colour varied in brightness and slightly in hue, as pigment depth varies."""
    colour = np.asarray(colour, np.float32) * rng.uniform(1 - spread, 1 + spread)
    return np.clip(colour + rng.normal(0, spread / 4, 3), 0, 1).astype(np.float32)


def _layer(shape) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    layer = Image.new("L", (shape[1], shape[0]), 0)
    return layer, ImageDraw.Draw(layer)


def _as_weight(layer, blur) -> np.ndarray:
    if blur:
        layer = layer.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(layer, dtype=np.float32) / 255.0


def _points(frame, where, n):
    """``n`` random canvas points (x, y) where the boolean mask ``where`` is True."""
    ys, xs = np.nonzero(where)
    if not len(ys):
        return np.zeros((0, 2))
    pick = frame.rng.integers(0, len(ys), size=n)
    return np.column_stack([xs[pick], ys[pick]]).astype(float)


_UNIT_CIRCLE = np.exp(2j * np.pi * np.arange(12) / 12)  # a dot is a 12-sided polygon


def _dots(frame, where, n, radius, blur=0.8, elongation=1.0) -> np.ndarray:
    """Round (or, with ``elongation`` > 1, ovoid) dots of about ``radius`` canvas pixels."""
    layer, draw = _layer(frame.shape)
    centres = _points(frame, where, n)
    if len(centres):
        rng = frame.rng
        size = radius * rng.uniform(0.6, 1.4, size=(len(centres), 1))
        turn = np.exp(1j * rng.uniform(0, np.pi, size=(len(centres), 1)))
        outline = (size * elongation * _UNIT_CIRCLE.real + 1j * size * _UNIT_CIRCLE.imag) * turn
        outline = outline + (centres[:, :1] + 1j * centres[:, 1:])
        for polygon in np.stack([outline.real, outline.imag], axis=2).reshape(len(centres), -1):
            draw.polygon(polygon.tolist(), fill=255)
    return _as_weight(layer, blur)


def _branches(frame, starts, depth, length, width) -> np.ndarray:
    """Branching (arborising) vessel-like lines from each start point."""
    layer, draw = _layer(frame.shape)
    rng = frame.rng
    stack = [(x, y, rng.uniform(0, 2 * np.pi), length, width, depth) for x, y in starts]
    while stack:
        x, y, angle, step, w, level = stack.pop()
        points = [(x, y)]
        for _ in range(4):  # a wiggly segment
            angle += rng.normal(0, 0.3)
            x, y = x + np.cos(angle) * step / 4, y + np.sin(angle) * step / 4
            points.append((x, y))
        draw.line(points, fill=255, width=max(1, round(w)))
        if level > 0:
            for turn in (-1, 1):
                stack.append(
                    (x, y, angle + turn * rng.uniform(0.3, 0.9), step * 0.7, w * 0.7, level - 1)
                )
    return _as_weight(layer, 0.6)


def _streaks(frame, n, length) -> np.ndarray:
    """Radial streaks (pseudopods) starting near the border."""
    layer, draw = _layer(frame.shape)
    rng, centre = frame.rng, frame.shape[0] / 2
    for angle in rng.uniform(0, 2 * np.pi, size=n):
        start = centre + np.array([np.cos(angle), np.sin(angle)]) * frame.px * 0.75
        end = start + np.array([np.cos(angle), np.sin(angle)]) * length * rng.uniform(0.6, 1.2)
        draw.line([tuple(start), tuple(end)], fill=255, width=max(1, round(frame.px * 0.04)))
    return _as_weight(layer, 0.8)


def _fill(frame, colour) -> np.ndarray:
    return np.broadcast_to(np.asarray(colour, np.float32), frame.shape + (3,)).copy()


def _nevus(f):
    rng = f.rng
    base = _jitter(rng, _mix(np.float32(_BROWN), _LIGHT_BROWN, rng.uniform(-0.9, 1.0)), 0.15)
    rgb = _fill(f, base) * (0.9 + 0.2 * f.low[..., None])
    rgb = _mix(rgb, base * 0.75, rng.uniform(0, 0.6) * _smoothstep(0.8, 0.1, f.r))  # darker centre
    pattern = rng.choice(["network", "globules", "homogeneous"], p=[0.55, 0.25, 0.2])
    if pattern == "network":
        net = _lines(f.mid, 6, 0.13) * _smoothstep(1.0, 0.4, f.r)  # fades at the edge
        rgb = _mix(rgb, base * 0.6, 0.6 * net)
    elif pattern == "globules":
        rgb = _mix(rgb, base * 0.6, _dots(f, f.r < 0.85, 50, f.px * 0.05))
    return rgb, 0.08, 1.0


def _melanoma(f):
    rng = f.rng
    base = _jitter(rng, _mix(np.float32(_BROWN), _LIGHT_BROWN, rng.uniform(-0.3, 0.8)), 0.12)
    rgb = _fill(f, base) * (0.85 + 0.3 * f.low[..., None])
    blotch = _noise(rng, f.shape, 3) * _smoothstep(1.0, 0.5, f.r)
    dark = _jitter(rng, _mix(np.float32(_DARK_BROWN), _BLACK, rng.random()))
    rgb = _mix(rgb, dark, _smoothstep(rng.uniform(0.3, 0.6), 0.65, blotch))  # eccentric blotch
    if rng.random() < 0.45:  # blue-white veil or grey regression
        veil = _smoothstep(0.55, 0.7, _noise(rng, f.shape, 4)) * (f.r < 0.9)
        rgb = _mix(rgb, _jitter(rng, _BLUE_GREY), 0.85 * veil)
    if rng.random() < 0.4:  # whitish scar-like regression
        rgb = _mix(rgb, _WHITE, 0.7 * _smoothstep(0.62, 0.78, _noise(rng, f.shape, 5)))
    if rng.random() < 0.3:  # red areas
        rgb = _mix(rgb, _RED, 0.5 * _smoothstep(0.62, 0.8, f.fine))
    rgb = _mix(rgb, _mix(np.float32(_LIGHT_BROWN), _BROWN, 0.3),
               0.7 * _smoothstep(0.45, 0.25, f.low))  # light patches  # fmt: skip
    net = _lines(f.mid, 4, 0.15) * _smoothstep(1.0, 0.5, f.r)
    rgb = _mix(rgb, _DARK_BROWN, rng.uniform(0.2, 0.6) * net)  # atypical broad network
    rim = (f.r > 0.65) & (f.r < 1.05)
    rgb = _mix(rgb, _BLACK, _dots(f, rim, rng.integers(10, 50), f.px * 0.03, 0.7))
    if rng.random() < 0.4:
        rgb = _mix(rgb, _DARK_BROWN, _streaks(f, rng.integers(4, 12), f.px * 0.3))
    return rgb, 0.04, 1.0


def _keratosis(f):
    rng = f.rng
    kind = rng.choice(["seborrhoeic", "lentigo", "lichenoid"], p=[0.5, 0.3, 0.2])
    if kind == "lentigo":
        base = _jitter(rng, _LIGHT_BROWN, 0.12)
        rgb = _fill(f, base) * (0.92 + 0.16 * f.low[..., None])
        rgb = _mix(rgb, base * 0.8, 0.35 * _lines(f.mid, 5, 0.1))  # faint network
        return rgb, 0.03, 0.9
    if kind == "lichenoid":
        rgb = _fill(f, _jitter(rng, _mix(np.float32(_PINK), _LIGHT_BROWN, 0.5), 0.1))
        grains = _dots(f, f.r < 0.95, rng.integers(80, 200), f.px * 0.025, 0.6)
        return _mix(rgb, _jitter(rng, _mix(np.float32(_BLUE_GREY), _BROWN, 0.5)), grains), 0.06, 0.9
    base = _jitter(rng, _mix(np.float32(_LIGHT_BROWN), _DARK_BROWN, rng.uniform(0, 0.9)), 0.12)
    rgb = _fill(f, base) * (0.85 + 0.3 * f.low[..., None])
    rgb = _mix(rgb, base * 0.6, 0.5 * _lines(f.mid, 4, 0.09))  # fissures and ridges
    rgb = _mix(rgb, _WHITE, _dots(f, f.r < 0.9, rng.integers(8, 30), f.px * 0.03))  # milia-like
    rgb = _mix(rgb, _BLACK, 0.8 * _dots(f, f.r < 0.9, rng.integers(5, 20), f.px * 0.035))
    rgb = rgb + 0.08 * _smoothstep(0.7, 0.95, f.fine)[..., None]  # waxy sheen
    return rgb, 0.025, 1.0


def _basal_cell(f):
    rng = f.rng
    rgb = _fill(f, _jitter(rng, _mix(np.float32(_PINK), _WHITE, rng.uniform(-0.2, 0.3)), 0.06))
    rgb = rgb * (0.93 + 0.14 * f.low[..., None])
    nests = _dots(f, f.r < 0.8, rng.integers(2, 9), f.px * 0.12, 1.5, elongation=1.6)
    globules = _dots(f, f.r < 0.9, rng.integers(0, 25), f.px * 0.035, 0.8)
    pigment = _jitter(rng, _mix(np.float32(_BLUE_GREY), _DARK_BROWN, rng.uniform(0, 0.5)))
    rgb = _mix(rgb, pigment, np.maximum(0.9 * nests, 0.8 * globules))
    starts = _points(f, f.r < 0.7, rng.integers(2, 6))
    vessels = _branches(f, starts, 4, f.px * 0.55, max(1.0, f.px * 0.05))
    rgb = _mix(rgb, _jitter(rng, _RED, 0.1), 0.9 * vessels)
    if rng.random() < 0.3:  # ulceration: a dark red-brown crust
        crust = _smoothstep(0.7, 0.8, _noise(rng, f.shape, 4)) * (f.r < 0.7)
        rgb = _mix(rgb, (0.40, 0.12, 0.10), crust)
    return rgb, 0.08, 0.85


def _actinic(f):
    rng = f.rng
    erythema = _jitter(rng, _mix(np.float32(_PINK), _RED, rng.uniform(0.2, 0.6)), 0.08)
    rgb = _fill(f, erythema) * (0.88 + 0.24 * f.low[..., None])
    rgb = _mix(rgb, _mix(np.float32(_RED), erythema, 0.3), 0.5 * _lines(f.mid, 9, 0.12))
    spacing = f.px * rng.uniform(0.18, 0.28)  # mean distance between follicles
    n = int((f.shape[0] / spacing) ** 2)
    openings = _dots(f, f.r < 1.0, n, spacing * 0.11, 0.7)
    rgb = _mix(rgb, _YELLOW_WHITE, 0.8 * openings)  # strawberry pattern
    if rng.random() < 0.5:  # white-yellow surface scale
        scale = _smoothstep(0.65, 0.85, _octaves(rng, f.shape, 30, 2)) * (f.r < 0.9)
        rgb = _mix(rgb, _YELLOW_WHITE, rng.uniform(0.4, 0.9) * scale)
    if rng.random() < 0.35:  # pigmented actinic keratosis
        rgb = _mix(rgb, _mix(np.float32(_BROWN), _BLUE_GREY, 0.4),
                   0.8 * _dots(f, f.r < 0.9, rng.integers(20, 60), f.px * 0.03))  # fmt: skip
    return rgb, 0.25, 0.9


def _vascular(f):
    rng = f.rng
    septa = _jitter(rng, _mix(np.float32(_PINK), _WHITE, 0.3), 0.08)
    rgb = _fill(f, septa)
    hue = rng.uniform(0, 1)  # red, maroon or blue-purple
    thrombosed = rng.random() < 0.25
    for shade in range(3):  # three groups of lacunae, each a little different
        lacunae = _dots(f, f.r < 0.75, rng.integers(2, 6), f.px * rng.uniform(0.14, 0.28), 1.2)
        colour = np.float32([0.70 - 0.35 * hue, 0.08 + 0.06 * hue, 0.18 + 0.25 * hue])
        if thrombosed and shade == 2:
            colour = np.float32(_BLACK) * 1.3
        rgb = _mix(rgb, _jitter(rng, colour, 0.15), 0.95 * lacunae)
    rgb = rgb * (0.9 + 0.2 * f.fine[..., None])
    return rgb, 0.05, 1.0


def _dermatofibroma(f):
    rng = f.rng
    base = _jitter(rng, _mix(np.float32(_LIGHT_BROWN), _BROWN, rng.uniform(0, 0.7)), 0.12)
    rgb = _fill(f, base)
    rgb = _mix(rgb, base * 0.7, 0.55 * _lines(f.mid, 6, 0.15))  # delicate network
    centre = _smoothstep(0.6, 0.25, f.r * (0.8 + 0.4 * f.low))
    rgb = _mix(rgb, _jitter(rng, _WHITE, 0.05), rng.uniform(0.6, 0.95) * centre)
    if rng.random() < 0.3:
        rgb = _mix(rgb, _PINK, 0.4 * _smoothstep(0.9, 0.5, f.r))
    return rgb, 0.25, 1.0


_PAINTERS = {"nv": _nevus, "mel": _melanoma, "bkl": _keratosis, "bcc": _basal_cell,
             "akiec": _actinic, "vasc": _vascular, "df": _dermatofibroma}  # fmt: skip
_IRREGULARITY = {"nv": 0.04, "mel": 0.16, "bkl": 0.09, "bcc": 0.10, "akiec": 0.12,
                 "vasc": 0.07, "df": 0.04}  # fmt: skip


def _outline(rng, dx, rho, phi):
    """Border radius as a function of angle, irregular by class; returns ``rho / r(phi)``."""
    amplitude = _IRREGULARITY[dx]
    radius = np.ones_like(phi)
    for k in range(1, 8):
        a = amplitude * rng.uniform(0.3, 1.0) / (1 + 0.35 * k)
        radius += a * np.cos(k * phi + rng.uniform(0, 2 * np.pi))
    if dx == "mel":  # fine notches of an irregular border
        for k in rng.integers(10, 24, size=3):
            radius += 0.03 * np.cos(k * phi + rng.uniform(0, 2 * np.pi))
    return rho / np.maximum(radius, 0.4)


def _paint_lesion(rng, dx, patch):
    """Paint a lesion on a ``patch`` x ``patch`` canvas in its own frame.

    Returns RGB in [0, 1] and opacity in [0, 1] (float32); the border lies about
    ``patch / _EXTENT`` pixels from the centre.
    """
    shape = (patch, patch)
    axis = np.linspace(-_EXTENT / 2, _EXTENT / 2, patch, dtype=np.float32)
    u, v = np.meshgrid(axis, axis)
    aspect = rng.uniform(1.0, 1.35 if dx != "mel" else 1.6)
    rho, phi = np.hypot(u / aspect, v * aspect**0.3), np.arctan2(v, u)
    r = _outline(rng, dx, rho, phi).astype(np.float32)
    frame = _Frame(rng, shape, u, v, r, _octaves(rng, shape, 4), _octaves(rng, shape, 14),
                   _noise(rng, shape, 50), patch / _EXTENT)  # fmt: skip
    rgb, edge, translucency = _PAINTERS[dx](frame)
    opacity = _smoothstep(1 + edge, 1 - edge, r + 0.04 * (frame.fine - 0.5)) * translucency
    return np.clip(rgb, 0, 1).astype(np.float32), opacity.astype(np.float32)


def _skin_tone(rng, dx):
    """The patient's skin through a dermoscope: pink-beige, lighter or darker, and more or
    less red -- redder on average around keratinocyte lesions (akiec, bcc, bkl), which grow
    on chronically sun-damaged skin."""
    tone = np.float32([0.865, 0.72, 0.76]) * rng.uniform(0.9, 1.03)
    redness = max(-0.02, rng.normal(_SUN_DAMAGE[dx], 0.045))  # never greener than the base
    return tone + np.float32([0.3, -1.0, -0.8]) * redness


def _skin(rng, shape, tone):
    """Skin of one photograph: ``tone``, mottled, with furrows and blotchy redness."""
    low, furrows = _octaves(rng, shape, 5, 2), _noise(rng, shape, 30)
    rgb = np.broadcast_to(tone, shape + (3,)) * (0.93 + 0.14 * low[..., None])
    rgb = _mix(rgb, (0.88, 0.52, 0.56), 0.3 * _smoothstep(0.5, 0.85, _noise(rng, shape, 6)))
    return rgb * (1 - 0.06 * _lines(furrows, 3, 0.05)[..., None])


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


class _Session(NamedTuple):
    """The camera settings of one session: every photograph of a lesion shares them."""

    gains: np.ndarray  # per-channel gain: white balance times exposure, with this session's drift
    field_of_view: float  # radius of the dark round field of view (0: none)


def _session(rng, camera) -> _Session:
    drift = np.clip(rng.normal(0, 1, 4), -2, 2) * np.append(camera.drift, camera.exposure_drift)
    gains = np.asarray(camera.white_balance) * camera.exposure * np.exp(drift[:3] + drift[3])
    field = rng.uniform(0.85, 1.05) if rng.random() < camera.field_of_view else 0.0
    return _Session(gains.astype(np.float32), field)


@functools.lru_cache(maxsize=8)
def _grid(height, width):
    """x and y in [-0.5, 0.5) and the distance from the centre in half-widths (float32)."""
    y, x = np.ogrid[:height, :width]
    x, y = (x / width - 0.5).astype(np.float32), (y / height - 0.5).astype(np.float32)
    return x, y, np.hypot(2 * x, 2 * y * height / width)


def _light(rng, shape, session):
    """Per-pixel gain of one photograph: the session's white balance and exposure, a little
    exposure jitter, mild vignetting, uneven light and the field of view."""
    x, y, d = _grid(*shape)
    slope = rng.normal(0, 0.06, 2)  # uneven light across the field
    shade = 1 - rng.uniform(0.0, 0.25) * d**2 + slope[0] * x + slope[1] * y
    if session.field_of_view:  # the dark round field of a contact dermoscope
        radius = session.field_of_view
        shade = shade * (0.06 + 0.94 * _smoothstep(radius + 0.04, radius - 0.02, d))
    gains = session.gains * np.float32(np.exp(rng.normal(0, 0.02)))
    return shade.astype(np.float32)[..., None] * gains


@functools.cache
def _grain_tile() -> Image.Image:
    values = np.random.default_rng(20180814).integers(0, 7, size=(512, 1024, 1), dtype=np.uint8)
    return Image.fromarray(np.repeat(values, 3, axis=2))


def _add_grain(image, rng) -> Image.Image:
    """Sensor grain in [-3, 3], the same in the three channels: a window of one fixed noise
    tile at a random place (fast), or fresh noise for images larger than the tile."""
    tile, (width, height) = _grain_tile(), image.size
    if width > tile.width or height > tile.height:
        values = rng.integers(0, 7, size=(height, width, 1), dtype=np.uint8)
        grain = Image.fromarray(np.repeat(values, 3, axis=2))
    else:
        x = int(rng.integers(0, tile.width - width + 1))
        y = int(rng.integers(0, tile.height - height + 1))
        grain = tile.crop((x, y, x + width, y + height))
    return ImageChops.add(image, grain, scale=1.0, offset=-3)


def paint_image(dx, site, lesion_rng, image_rng, size=(450, 600)) -> np.ndarray:
    """Paint one dermoscopy-like photograph of a lesion.

    Parameters
    ----------
    dx : str
        Diagnosis code, one of :data:`coursekit.data.DIAGNOSES`.
    site : str
        Acquisition site, one of :data:`SITE_CAMERAS`.
    lesion_rng : numpy.random.Generator
        Draws the lesion, the patient's skin tone, the lesion's place and the camera
        session (white balance and exposure drift, field of view): pass a generator
        seeded the same way for every photograph of one lesion.
    image_rng : numpy.random.Generator
        Draws what changes between photographs (skin texture, position, angle, scale,
        hair, a little exposure, vignetting, uneven light, grain).
    size : tuple of int (height, width)
        Image size in pixels.

    Returns
    -------
    numpy.ndarray of uint8, shape (height, width, 3)

    Notes
    -----
    The picture is painted at half the requested size and enlarged (bicubic), then
    given full-resolution sensor grain: four times faster, and as soft as the real
    600 x 450 images, which were themselves reduced.
    """
    height, width = size
    work_h, work_w = max(8, height // 2), max(8, width // 2)
    patch = int(np.clip(work_h, 48, _MAX_PATCH))
    rgb_lesion, opacity = _paint_lesion(lesion_rng, dx, patch)
    tone = _skin_tone(lesion_rng, dx)
    radius = lesion_rng.uniform(*_RADIUS[dx]) * work_h
    offset = lesion_rng.normal(0, 0.08, size=2) * work_h
    session = _session(lesion_rng, SITE_CAMERAS[site])

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
    rgba = rgba.filter(ImageFilter.GaussianBlur(0.6 / scale))  # optics are never razor sharp
    placed = rgba.transform((work_w, work_h), Image.Transform.AFFINE, coeffs,
                            resample=Image.Resampling.BILINEAR)  # fmt: skip
    placed = np.asarray(placed, dtype=np.float32) / 255.0
    rgb = skin + (placed[..., :3] - skin) * placed[..., 3:]
    if image_rng.random() < 0.35:
        rgb = _mix(rgb, (0.20, 0.14, 0.11), 0.85 * _hairs(image_rng, (work_h, work_w)))
    rgb = rgb * _light(image_rng, (work_h, work_w), session)
    small = Image.fromarray(np.clip(np.rint(rgb * 255), 0, 255).astype(np.uint8))
    full = small.resize((width, height), Image.Resampling.BICUBIC)
    return np.asarray(_add_grain(full, image_rng))
