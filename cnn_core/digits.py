"""Turn a drawing or a photo of a digit into the network's 28x28 input, the way MNIST was made.

MNIST digits were size-normalised to fit a 20x20 box (keeping their aspect ratio),
anti-aliased, and placed in a 28x28 frame so that their centre of mass sits at the
centre. A digit drawn on a 280x280 canvas looks nothing like that until the same
steps are applied, and each step can be switched off to see what it is for.
No TensorFlow here (Pillow and NumPy only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image
from scipy import ndimage

SIZE = 28  # side of the network's input
BOX = 20  # MNIST digits fit in a 20x20 box inside the 28x28 frame
CENTRE = 14.0  # where MNIST's centres of mass sit (row and column, 0-based): measured, not 13.5
MAX_SIDE = 560  # larger pictures are shrunk first (area average), so a 5000x5000 photo stays fast
MIN_CONTRAST = 0.12  # ink must stand out from the background by 12% of full scale
INK_THRESHOLD = 0.15  # a pixel is ink if it is at least 15% as bright as the brightest ink
MAX_COVER = 0.6  # ink (half the brightest or more) on more of the picture than this is not a digit
NOISE_SPECKS = 40  # more separate blobs of ink than this, none holding half of it, is noise

# Steps after the first (grey scale), in order; each can be switched off.
STEPS = ("crop", "scale", "place", "centre", "normalise")
STEP_TITLES = {
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


class EmptyDrawing(ValueError):
    """There is no ink to read (a blank canvas, an all-white or all-grey picture)."""


class BadDrawing(ValueError):
    """The array is not a picture this module can read; the message says why in plain words."""


class NotADigit(ValueError):
    """There is ink, but it does not look like one digit (covers most of the picture, or is noise)."""


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


def to_grey(image: np.ndarray, may_invert: bool = True) -> tuple[np.ndarray, bool, bool]:
    """Any supported picture -> (H, W) float32 in [0, 1], light ink on black.

    Parameters
    ----------
    image : (H, W) grey, (H, W, 3) RGB or (H, W, 4) RGBA array; uint8, uint16
        (16-bit, scaled by 65535), bool, or float in [0, 1].

    Returns
    -------
    (grey (H', W') float32, inverted, shrunk): the background level is subtracted
    so it is 0; dark-on-light pictures are inverted (`inverted` True). With
    `may_invert` False (the canvas: always white ink on black) nothing is inverted
    and the background is black whatever touches the edges. Pictures
    with a side over MAX_SIDE are shrunk by area averaging (`shrunk` True).

    Raises
    ------
    BadDrawing : wrong number of dimensions or channels, unsupported dtype, NaNs.
    """
    a = np.asarray(image)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (3, 4)):
        raise BadDrawing(
            f"Expected a grey (H, W), RGB (H, W, 3) or RGBA (H, W, 4) picture, got an array of shape {a.shape}."
        )
    if min(a.shape[:2]) < 1:
        raise BadDrawing(f"The picture has no pixels (shape {a.shape}).")
    shrunk = max(a.shape[:2]) > MAX_SIDE
    if shrunk and a.dtype == np.uint8:  # shrink 8-bit pictures before converting: 5000x5000 stays fast
        a = np.asarray(Image.fromarray(a).resize(_fit(a.shape), Image.Resampling.BOX))
    a = _as_unit_float(a)
    if a.ndim == 3:
        lum = a[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        if a.shape[2] == 4:
            alpha = a[..., 3]
            opaque = alpha > 0.5
            # Dark strokes on a transparent background: the alpha channel is the ink.
            if 0 < opaque.sum() < opaque.size and lum[opaque].mean() < 0.5:
                lum = alpha
            else:
                lum = lum * alpha  # composite over black, like the canvas background
        a = lum.astype(np.float32)
    if max(a.shape) > MAX_SIDE:
        a = _resize(a, *_fit(a.shape))
    # A canvas (may_invert False) is white ink on pure black: strokes along its edges are ink, not background.
    background = float(np.median(_border(a))) if may_invert else 0.0
    inverted = may_invert and background > 0.5
    if inverted:
        a = 1.0 - a
        background = 1.0 - background
    a = np.clip(a - background, 0.0, 1.0) / max(1.0 - background, 1e-6)
    return a.astype(np.float32), inverted, shrunk


def _fit(shape: tuple[int, ...]) -> tuple[int, int]:
    """(width, height) that brings the long side of `shape` down to MAX_SIDE."""
    s = MAX_SIDE / max(shape[:2])
    return max(1, round(shape[1] * s)), max(1, round(shape[0] * s))


def _as_unit_float(a: np.ndarray) -> np.ndarray:
    if a.dtype == np.bool_:
        return a.astype(np.float32)
    if a.dtype == np.uint8:
        return a.astype(np.float32) / 255.0
    if a.dtype == np.uint16:
        return a.astype(np.float32) / 65535.0
    if np.issubdtype(a.dtype, np.floating):
        if not np.isfinite(a).all():
            raise BadDrawing("The picture contains NaN or infinite values.")
        if a.min() < 0 or a.max() > 1:
            raise BadDrawing("A float picture must hold values in [0, 1].")
        return a.astype(np.float32)
    raise BadDrawing(f"Pixels of type {a.dtype} are not supported: use 8-bit or 16-bit pictures.")


def _border(a: np.ndarray) -> np.ndarray:
    """The outermost pixels of a 2-D array (all of it if it is tiny)."""
    if min(a.shape) <= 2:
        return a.ravel()
    return np.concatenate([a[0], a[-1], a[1:-1, 0], a[1:-1, -1]])


def ink_bbox(a: np.ndarray) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the ink in a 2-D array, bottom/right exclusive; EmptyDrawing if none."""
    peak = float(a.max()) if a.size else 0.0
    if peak < MIN_CONTRAST:
        raise EmptyDrawing("There is no ink to read: draw a digit first.")
    rows = np.flatnonzero((a >= INK_THRESHOLD * peak).any(axis=1))
    cols = np.flatnonzero((a >= INK_THRESHOLD * peak).any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def check_ink(grey: np.ndarray) -> None:
    """Raise, with the reason in plain words, unless `grey` (from `to_grey`) looks like one digit.

    Raises
    ------
    EmptyDrawing : a flat picture, or ink too faint to stand out (below MIN_CONTRAST).
    NotADigit : ink on most of the picture (more than MAX_COVER), or scattered specks (noise).
    """
    peak = float(grey.max()) if grey.size else 0.0
    if peak < 1 / 255:
        raise EmptyDrawing("No ink found: nothing in the picture stands out from its background (it is blank).")
    if peak < MIN_CONTRAST:
        raise EmptyDrawing(
            f"Too little contrast: the strongest mark differs from the background by only {peak:.0%} of full "
            "brightness, so no strokes stand out. Try darker ink, brighter light or a closer photo."
        )
    ink = grey >= 0.5 * peak
    cover = float(ink.mean())
    if cover > MAX_COVER:
        raise NotADigit(
            f"This is not a digit: ink covers {cover:.0%} of the picture. A digit is a few strokes with "
            "plenty of empty background around them."
        )
    blobs, n = ndimage.label(ink)
    if n > NOISE_SPECKS and np.bincount(blobs.ravel())[1:].max() < 0.5 * ink.sum():
        raise NotADigit(
            f"This looks like noise rather than a digit: the ink is scattered in {n:,} separate specks, "
            "with no stroke standing out."
        )


def centre_of_mass(a: np.ndarray) -> tuple[float, float]:
    """(row, col) of the intensity-weighted centre of a 2-D array with some ink."""
    total = float(a.sum())
    r = np.arange(a.shape[0], dtype=np.float64) @ a.sum(axis=1) / total
    c = np.arange(a.shape[1], dtype=np.float64) @ a.sum(axis=0) / total
    return float(r), float(c)


def _resize(a: np.ndarray, width: int, height: int) -> np.ndarray:
    shrinking = width <= a.shape[1] and height <= a.shape[0]
    method = Image.Resampling.BOX if shrinking else Image.Resampling.BILINEAR
    out = Image.fromarray(np.ascontiguousarray(a, dtype=np.float32)).resize((width, height), method)
    return np.clip(np.asarray(out, dtype=np.float32), 0.0, None)


def _shift(a: np.ndarray, dr: int, dc: int) -> np.ndarray:
    """Move the content of a 2-D array by whole pixels, filling with zeros."""
    out = np.zeros_like(a)
    h, w = a.shape
    src_r, dst_r = slice(max(0, -dr), min(h, h - dr)), slice(max(0, dr), min(h, h + dr))
    src_c, dst_c = slice(max(0, -dc), min(w, w - dc)), slice(max(0, dc), min(w, w + dc))
    out[dst_r, dst_c] = a[src_r, src_c]
    return out


def _centre_shift(a: np.ndarray) -> tuple[int, int]:
    """Whole-pixel shift that brings the centre of mass to the frame's centre without pushing ink out."""
    r, c = centre_of_mass(a)
    mid = a.shape[0] * CENTRE / SIZE
    top, bottom, left, right = ink_bbox(a)
    dr = int(np.clip(round(mid - r), -top, a.shape[0] - bottom))
    dc = int(np.clip(round(mid - c), -left, a.shape[1] - right))
    return dr, dc


def preprocess(image: np.ndarray, steps: dict[str, bool] | None = None, may_invert: bool = True) -> Preprocessed:
    """Run every step on a drawing or photo and keep each intermediate picture for display.

    Parameters
    ----------
    image : (H, W) grey, (H, W, 3) RGB or (H, W, 4) RGBA; uint8 (or see `to_grey`).
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
    grey, inverted, shrunk = to_grey(image, may_invert)
    check_ink(grey)  # raises before any work
    stages = [Stage("grey", grey)]

    a = grey
    if on["crop"]:
        top, bottom, left, right = ink_bbox(a)
        a = a[top:bottom, left:right]
    stages.append(Stage("crop", a, on["crop"]))

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
        a = _shift(a, *_centre_shift(a))
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
