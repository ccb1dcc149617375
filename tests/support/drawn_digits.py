"""A drawn-digit robustness set: digits 0-9 drawn as on the Draw page's canvas, generated when asked.

Each picture is a 280x280 RGBA canvas, white ink on black, like `st_canvas(..., return_image_data=True)`.
Most digits are pen strokes (polylines in a unit square, one template family per digit) with a
random height (30-250 px, so some are small), width, position, slant, rotation, wobble and
stroke width (the page's 8-40 px slider, thinner for small digits); the rest are typed digits in
Pillow's own font, slanted and placed the same way. Drawn at 2x and shrunk (anti-aliased like a
browser canvas). Seeded: the same seed gives the same set; nothing is stored.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SIZE = 280  # the Draw page's canvas side
_SS = 2  # supersampling factor


def _arc(cx, cy, rx, ry, a0, a1, n=18):
    """Points along an ellipse from angle a0 to a1 in degrees (0 = right, 90 = down: y grows downwards)."""
    return [(cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a))) for a in np.linspace(a0, a1, n)]


# Each digit: a list of variants; each variant a list of strokes; each stroke (x, y) points in [0, 1].
TEMPLATES: dict[int, list[list[list[tuple[float, float]]]]] = {
    0: [[_arc(0.5, 0.5, 0.3, 0.45, -90, 275, 24)], [_arc(0.5, 0.5, 0.22, 0.45, -100, 265, 24)]],
    1: [[[(0.5, 0.05), (0.5, 0.95)]], [[(0.35, 0.2), (0.56, 0.05), (0.54, 0.95)]]],
    2: [
        [_arc(0.5, 0.3, 0.3, 0.23, 190, 390) + [(0.15, 0.95), (0.88, 0.95)]],
        [_arc(0.48, 0.28, 0.28, 0.22, 200, 400) + [(0.2, 0.9), (0.3, 0.85), (0.85, 0.93)]],
    ],
    3: [
        [_arc(0.48, 0.27, 0.28, 0.22, 200, 450) + _arc(0.48, 0.71, 0.32, 0.24, 270, 520)],
        [[(0.2, 0.06), (0.8, 0.06), (0.45, 0.42)] + _arc(0.48, 0.68, 0.32, 0.27, 250, 520)],
    ],
    4: [
        [[(0.6, 0.05), (0.15, 0.65), (0.9, 0.65)], [(0.65, 0.35), (0.65, 0.95)]],
        [[(0.25, 0.05), (0.2, 0.55), (0.85, 0.55)], [(0.7, 0.05), (0.7, 0.95)]],
    ],
    5: [
        [[(0.78, 0.06), (0.28, 0.06), (0.24, 0.45)] + _arc(0.48, 0.66, 0.3, 0.28, 215, 520)],
        [[(0.28, 0.06), (0.24, 0.45)] + _arc(0.48, 0.66, 0.3, 0.28, 215, 520), [(0.28, 0.06), (0.8, 0.06)]],
    ],
    6: [
        [[(0.7, 0.05), (0.45, 0.22), (0.26, 0.48)] + _arc(0.5, 0.7, 0.28, 0.25, 180, 540)],
        [[(0.6, 0.05), (0.3, 0.4)] + _arc(0.5, 0.72, 0.26, 0.23, 190, 545)],
    ],
    7: [
        [[(0.15, 0.1), (0.85, 0.1), (0.6, 0.5), (0.42, 0.95)]],
        [[(0.15, 0.08), (0.85, 0.08), (0.5, 0.95)], [(0.35, 0.5), (0.8, 0.5)]],
    ],
    8: [
        [_arc(0.5, 0.27, 0.22, 0.22, 0, 360), _arc(0.5, 0.72, 0.27, 0.24, 0, 360)],
        [_arc(0.5, 0.27, 0.2, 0.22, 90, 450) + _arc(0.5, 0.72, 0.28, 0.24, 270, 630)],
    ],
    9: [
        [_arc(0.5, 0.3, 0.25, 0.23, 0, 360) + [(0.72, 0.95)]],
        [_arc(0.48, 0.28, 0.26, 0.22, 10, 370) + [(0.7, 0.5), (0.55, 0.95)]],
    ],
}


def _transform(points, rng, box, slant, angle, wobble):
    """Unit-square points -> supersampled canvas pixels: slant, rotate, wobble, then fit into `box`."""
    left, top, w, h = box
    c, s = math.cos(angle), math.sin(angle)
    out = []
    for x, y in points:
        x, y = x + rng.normal(0, wobble), y + rng.normal(0, wobble)
        x += slant * (0.5 - y)
        dx, dy = (x - 0.5) * w / h, y - 0.5  # rotate in a square frame so the rotation is not sheared
        x, y = 0.5 + (c * dx - s * dy) * h / w, 0.5 + s * dx + c * dy
        out.append(((left + x * w) * _SS, (top + y * h) * _SS))
    return out


def _strokes(draw: ImageDraw.ImageDraw, strokes, width: float) -> None:
    r = width * _SS / 2
    for stroke in strokes:
        draw.line(stroke, fill=255, width=max(1, round(width * _SS)), joint="curve")
        for x, y in (stroke[0], stroke[-1]):  # round caps, as the canvas's pen draws
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)


def _typed(img: Image.Image, digit: int, rng, height: float, centre, slant: float) -> Image.Image:
    """Draw `digit` in Pillow's built-in font about `height` px tall, slanted, centred at `centre`."""
    font = ImageFont.load_default(size=max(8, round(height * 1.35 * _SS)))
    glyph = Image.new("L", img.size, 0)
    d = ImageDraw.Draw(glyph)
    x0, y0, x1, y1 = d.textbbox((0, 0), str(digit), font=font)
    cx, cy = centre[0] * _SS, centre[1] * _SS
    d.text((cx - (x0 + x1) / 2, cy - (y0 + y1) / 2), str(digit), fill=255, font=font)
    # Shear about the centre: x_src = x + k*(y - cy)
    k = -slant * 0.5
    glyph = glyph.transform(glyph.size, Image.Transform.AFFINE, (1, k, -k * cy, 0, 1, 0), Image.Resampling.BILINEAR)
    return Image.fromarray(np.maximum(np.asarray(img), np.asarray(glyph)))


def drawn_digit(digit: int, rng: np.random.Generator, typed: bool = False) -> np.ndarray:
    """One canvas (280, 280, 4) uint8 showing `digit`, every drawing choice taken from `rng`."""
    height = float(rng.uniform(30, 250))
    aspect = float(rng.uniform(0.45, 0.95)) if digit != 1 else float(rng.uniform(0.15, 0.5))
    width = max(height * aspect, 1.0)
    slant = float(rng.uniform(-0.35, 0.35))
    angle = math.radians(float(rng.uniform(-12, 12)))
    pen = float(min(rng.uniform(8, 40), max(4.0, height / 6)))
    span_w, span_h = width + pen + abs(slant) * width, height + pen
    left = float(rng.uniform(pen / 2, max(pen / 2, SIZE - span_w)))
    top = float(rng.uniform(pen / 2, max(pen / 2, SIZE - span_h)))
    img = Image.new("L", (SIZE * _SS, SIZE * _SS), 0)
    if typed:
        img = _typed(img, digit, rng, height, (left + width / 2, top + height / 2), slant)
    else:
        variants = TEMPLATES[digit]
        strokes = variants[int(rng.integers(len(variants)))]
        box = (left, top, width, height)
        _strokes(ImageDraw.Draw(img), [_transform(s, rng, box, slant, angle, 0.012) for s in strokes], pen)
    grey = np.asarray(img.resize((SIZE, SIZE), Image.Resampling.BOX))
    out = np.empty((SIZE, SIZE, 4), np.uint8)
    out[..., :3] = grey[..., None]
    out[..., 3] = 255
    return out


def drawn_set(n: int = 1000, seed: int = 0, typed_share: float = 0.2) -> tuple[list[np.ndarray], np.ndarray]:
    """`n` canvases (280, 280, 4) uint8 and their labels (n,): digits 0-9 in turn, `typed_share` of them typed."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    pictures = [drawn_digit(int(d), rng, typed=bool(rng.random() < typed_share)) for d in labels]
    return pictures, labels


def robustness_accuracy(model, n: int = 1000, seed: int = 0) -> float:
    """The share of the drawn-digit set that `model` reads right through `cnn_core.digits.to_mnist`."""
    from cnn_core.digits import to_mnist
    from cnn_core.metrics import predict_in_batches

    pictures, labels = drawn_set(n, seed)
    x = np.stack([to_mnist(p) for p in pictures])[..., None]
    return float((predict_in_batches(model, x).argmax(axis=1) == labels).mean())
