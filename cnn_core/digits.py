"""Turn a drawing or a photo of a digit into the network's 28x28 input, the way MNIST was made.

MNIST digits were size-normalised to fit a 20x20 box (keeping their aspect ratio),
anti-aliased, and placed in a 28x28 frame so that their centre of mass sits at the
centre. A digit drawn on a 280x280 canvas looks nothing like that until the same
steps are applied, and each step can be switched off to see what it is for.
No TensorFlow here (Pillow, NumPy and SciPy only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image
from scipy import ndimage

from cnn_core.ink import (  # noqa: F401 - re-exported: the digit pipeline's public names
    MAX_SIDE,
    BadDrawing,
    EmptyDrawing,
    NotADigit,
    check_ink,
    grey_ink,
    ink_bbox,
)

SIZE = 28  # side of the network's input
BOX = 20  # MNIST digits fit in a 20x20 box inside the 28x28 frame
CENTRE = 14.0  # where MNIST's centres of mass sit (row and column, 0-based): measured, not 13.5

# Steps after the first (grey scale), in order; each can be switched off.
STEPS = ("crop", "scale", "place", "centre", "normalise")
STEP_TITLES = {  # a table of labels: alike in shape to convolution.PADDING_LABELS, nothing shared
    "grey": "Grey scale, white ink on black",
    "crop": "Crop to the ink's bounding box",
    "scale": "Scale to fit 20x20, aspect ratio kept",
    "place": "Place in the middle of a 28x28 frame",
    "centre": "Shift the centre of mass to the centre",
    "normalise": "Normalise: brightest ink = 1, values in [0, 1]",
}
STEP_OFF = {
    "crop": "off: the whole picture is used, with its empty margins",
    "scale": "off: stretched to fill 28x28, aspect ratio lost",
    "place": "off: put in the top-left corner of the frame",
    "centre": "off: the ink's centre of mass stays where it is",
    "normalise": "off: the network gets 0-255 pixel values, not the 0-1 it was trained on",
}


@dataclass
class Stage:
    """One step of the preprocessing: its name, the picture after it, and whether it was applied."""

    name: str
    image: np.ndarray  # 2-D float32
    applied: bool = True

    @property
    def title(self) -> str:
        return STEP_TITLES[self.name]


@dataclass
class Preprocessed:
    image: np.ndarray  # (28, 28) float32, in [0, 1] (in [0, 255] when 'normalise' is off)
    stages: list[Stage] = field(default_factory=list)
    inverted: bool = False  # the picture was dark ink on a light background and was inverted
    shrunk: bool = False  # the picture was larger than MAX_SIDE and was shrunk first


def centre_of_mass(a: np.ndarray) -> tuple[float, float]:
    """(row, col) of the intensity-weighted centre of a 2-D array with some ink (scipy.ndimage)."""
    r, c = ndimage.center_of_mass(np.asarray(a, dtype=np.float64))
    return float(r), float(c)


def _resize(a: np.ndarray, width: int, height: int) -> np.ndarray:
    shrinking = width <= a.shape[1] and height <= a.shape[0]
    method = Image.Resampling.BOX if shrinking else Image.Resampling.BILINEAR
    out = Image.fromarray(np.ascontiguousarray(a, dtype=np.float32)).resize((width, height), method)
    return np.clip(np.asarray(out, dtype=np.float32), 0.0, None)


def _place(src: np.ndarray, h: float, w: float, top: float, left: float) -> np.ndarray:
    """A (SIZE, SIZE) frame of zeros with `src` resampled into the h x w rectangle at (top, left).

    The corner may be fractional: one resampling (Pillow with a fractional source box, area
    average when shrinking), so a sub-pixel position costs no extra blur.
    """
    sy, sx = src.shape[0] / h, src.shape[1] / w
    y0, y1, x0, x1 = -top * sy, (SIZE - top) * sy, -left * sx, (SIZE - left) * sx
    pt, pl = math.ceil(max(0.0, -y0)) + 1, math.ceil(max(0.0, -x0)) + 1
    pb, pr = math.ceil(max(0.0, y1 - src.shape[0])) + 1, math.ceil(max(0.0, x1 - src.shape[1])) + 1
    padded = np.pad(np.asarray(src, dtype=np.float32), ((pt, pb), (pl, pr)))
    method = Image.Resampling.BOX if h <= src.shape[0] and w <= src.shape[1] else Image.Resampling.BILINEAR
    out = Image.fromarray(padded).resize((SIZE, SIZE), method, box=(x0 + pl, y0 + pt, x1 + pl, y1 + pt))
    out = np.clip(np.asarray(out, dtype=np.float32), 0.0, None)
    keep = np.zeros((SIZE, SIZE), dtype=bool)  # only the pixels the rectangle covers, as when pasting it
    keep[max(0, math.floor(top)) : math.ceil(top + h), max(0, math.floor(left)) : math.ceil(left + w)] = True
    return np.where(keep, out, 0.0).astype(np.float32)


def centre_shift(frame: np.ndarray) -> tuple[float, float]:
    """(rows, cols), sub-pixel, that move a frame's centre of mass to (CENTRE, CENTRE) without pushing ink out."""
    r, c = centre_of_mass(frame)
    top, bottom, left, right = ink_bbox(frame)
    return float(np.clip(CENTRE - r, -top, SIZE - bottom)), float(np.clip(CENTRE - c, -left, SIZE - right))


def _in_box(start: float, n: int) -> tuple[float, float]:
    """(start, length) of a side of n pixels placed at a fractional `start`, trimmed to stay within BOX.

    At a fractional start a full side (n = BOX) would cover BOX + 1 pixels, so it is shrunk
    by that fraction about the centre of mass (which stays at CENTRE).
    """
    first, length = start, float(n)
    for _ in range(3 if n >= BOX else 0):  # the trimmed side starts elsewhere, with another fraction
        length = BOX - (start - math.floor(start))
        start = CENTRE - (CENTRE - first) * length / n
    return start, length


def _centred(frame: np.ndarray, src: np.ndarray, size, corner, scaled: bool) -> np.ndarray:
    """The frame with its centre of mass moved to (CENTRE, CENTRE): the picture `src` placed again.

    A picture that was resampled anyway (drawn large, scaled down) is placed at a sub-pixel
    position, resampled once from `src`, so it costs no extra blur. One copied pixel for pixel
    (already 20 px, like an MNIST digit) moves by whole pixels, as MNIST's own digits were
    (their centres of mass spread +-0.5 px around the centre), so it keeps its pixels.
    """
    dr, dc = centre_shift(frame)
    (h, w), (top, left) = size, (corner[0] + dr, corner[1] + dc)
    if src.shape == (h, w):
        top, left = corner[0] + round(dr), corner[1] + round(dc)
    elif scaled:
        (top, h), (left, w) = _in_box(top, h), _in_box(left, w)
    return _place(src, h, w, top, left)


def preprocess(image: np.ndarray, steps: dict[str, bool] | None = None, may_invert: bool = True) -> Preprocessed:
    """Run every step on a drawing or photo and keep each intermediate picture for display.

    Parameters
    ----------
    image : (H, W) grey, (H, W, 3) RGB or (H, W, 4) RGBA; uint8 (or see `grey_ink`).
    steps : {step name: on?} for the names in STEPS; missing names are on.
    may_invert : False for the canvas (always white on black): never inverted, so
        strokes that reach the border cannot turn the drawing into its negative.

    Returns
    -------
    Preprocessed with `.image` (28, 28) float32 and one Stage per step, the first
    being the grey picture (H', W').

    Raises
    ------
    EmptyDrawing : no ink. NotADigit : ink that is not one digit. BadDrawing : not a picture.
    """
    on = {s: True for s in STEPS} | dict(steps or {})
    grey, inverted, shrunk = grey_ink(image, may_invert)
    check_ink(grey)  # raises before any work
    stages = [Stage("grey", grey)]

    a = grey
    if on["crop"]:
        top, bottom, left, right = ink_bbox(a)
        a = a[top:bottom, left:right]
    stages.append(Stage("crop", a, on["crop"]))
    src = a

    h, w = a.shape
    if on["scale"]:
        s = BOX / max(h, w)
        a = _resize(a, max(1, round(w * s)), max(1, round(h * s)))
    else:
        a = _resize(a, SIZE, SIZE)
    stages.append(Stage("scale", a, on["scale"]))

    frame = np.zeros((SIZE, SIZE), dtype=np.float32)
    h, w = a.shape
    r0, c0 = ((SIZE - h) // 2, (SIZE - w) // 2) if on["place"] else (0, 0)
    frame[r0 : r0 + h, c0 : c0 + w] = a
    a = frame
    stages.append(Stage("place", a, on["place"]))

    if on["centre"]:
        a = _centred(a, src, (h, w), (r0, c0), on["scale"])
    stages.append(Stage("centre", a, on["centre"]))

    a = a / a.max() if on["normalise"] else a * 255.0
    a = a.astype(np.float32)
    stages.append(Stage("normalise", a, on["normalise"]))
    return Preprocessed(a, stages, inverted, shrunk)


def to_mnist(image: np.ndarray, steps: dict[str, bool] | None = None) -> np.ndarray:
    """A drawing or photo -> (28, 28) float32 in [0, 1], like an MNIST digit (see `preprocess`)."""
    return preprocess(image, steps).image


def display(a: np.ndarray, size: int = 112) -> np.ndarray:
    """A 2-D float picture -> (size, size) uint8 for display: brightest pixel white, padded square, crisp pixels."""
    peak = float(a.max()) if a.size else 0.0
    img = (a / peak * 255.0 if peak > 0 else np.zeros_like(a)).astype(np.uint8)
    side = max(img.shape)
    square = np.zeros((side, side), dtype=np.uint8)
    r0, c0 = (side - img.shape[0]) // 2, (side - img.shape[1]) // 2
    square[r0 : r0 + img.shape[0], c0 : c0 + img.shape[1]] = img
    method = Image.Resampling.NEAREST if side < size else Image.Resampling.BOX
    return np.asarray(Image.fromarray(square).resize((size, size), method))
