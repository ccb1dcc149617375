"""A drawing or photo read as ink: grey, light ink on black, and checked to look like one digit.

The first step of `cnn_core.digits.preprocess` (which re-exports these names). Pillow,
NumPy and SciPy; no TensorFlow.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from cnn_core import images

MAX_SIDE = 560  # larger pictures are shrunk first (area average), so a 5000x5000 photo stays fast
MIN_CONTRAST = 0.12  # ink must stand out from the background by 12% of full scale
INK_THRESHOLD = 0.15  # a pixel is ink if it is at least 15% as bright as the brightest ink
MAX_COVER = 0.6  # ink (half the brightest or more) on more of the picture than this is not a digit
NOISE_SPECKS = 40  # more separate blobs of ink than this, none holding half of it, is noise


class EmptyDrawing(ValueError):
    """There is no ink to read (a blank canvas, an all-white or all-grey picture)."""


class BadDrawing(ValueError):
    """The array is not a picture this module can read; the message says why in plain words."""


class NotADigit(ValueError):
    """There is ink, but it does not look like one digit (covers most of the picture, or is noise)."""


def grey_ink(image: np.ndarray, may_invert: bool = True) -> tuple[np.ndarray, bool, bool]:
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
    if a.dtype == np.uint8:  # shrink 8-bit pictures before converting: 5000x5000 stays fast
        a, _ = images.downscale(a, MAX_SIDE)
    a = _as_unit_float(a)
    if a.ndim == 3:
        lum = images.to_grey(a).astype(np.float32)
        if a.shape[2] == 4:
            alpha = a[..., 3]
            opaque = alpha > 0.5
            # Dark strokes on a transparent background: the alpha channel is the ink.
            if 0 < opaque.sum() < opaque.size and lum[opaque].mean() < 0.5:
                lum = alpha
            else:
                lum = lum * alpha  # composite over black, like the canvas background
        a = lum.astype(np.float32)
    a, _ = images.downscale(a, MAX_SIDE)  # pictures of other types, now grey
    # A canvas (may_invert False) is white ink on pure black: strokes along its edges are ink, not background.
    background = float(np.median(_border(a))) if may_invert else 0.0
    inverted = may_invert and background > 0.5
    if inverted:
        a = 1.0 - a
        background = 1.0 - background
    a = np.clip(a - background, 0.0, 1.0) / max(1.0 - background, 1e-6)
    return a.astype(np.float32), inverted, shrunk


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
    """Raise, with the reason in plain words, unless `grey` (from `grey_ink`) looks like one digit.

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
