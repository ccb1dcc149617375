"""Decode uploaded pictures safely into NumPy arrays (Pillow; no TensorFlow).

Caps the pixel count before decoding (decompression bombs), and turns every
mode Pillow reads (16-bit, CMYK, palette, RGBA with transparency, ...) into
either an (H, W, 3) RGB or an (H, W) grey uint8 array.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 10 * 2**20  # matches server.maxUploadSize in .streamlit/config.toml
MAX_PIXELS = 40_000_000  # refused before decoding


class BadImage(ValueError):
    """The upload is not a picture we can use; the message says why in plain words."""


def decode_image(data: bytes, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Bytes of a PNG/JPEG/... file -> uint8 array, (H, W) for grey pictures or (H, W, 3) for colour.

    Transparent pixels are composited on white. 16-bit greys are scaled to 8 bits.
    Raises BadImage for empty, truncated, non-image, huge or degenerate (1x1) files.
    """
    if not data:
        raise BadImage("The file is empty (0 bytes).")
    if len(data) > MAX_BYTES:
        raise BadImage(f"The file is {len(data) / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            w, h = img.size
            if w * h > max_pixels:
                raise BadImage(f"The picture is {w}x{h} pixels; the limit is {max_pixels / 1e6:.0f} megapixels.")
            img.load()
    except BadImage:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise BadImage("This file is not a picture we can read (try a PNG or JPEG).") from e
    except (OSError, SyntaxError, ValueError) as e:
        raise BadImage("The picture is damaged or cut short; try saving it again.") from e
    if min(img.size) < 3:
        raise BadImage(f"The picture is only {img.size[0]}x{img.size[1]} pixels; it needs at least 3x3.")
    return _to_array(img)


def _to_array(img: Image.Image) -> np.ndarray:
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        a = np.asarray(img, dtype=np.float64)
        top = a.max() if a.max() > 255 else 255.0
        return np.clip(a / top * 255.0, 0, 255).astype(np.uint8)
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA"):
        bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(bg, img.convert("RGBA"))
    if img.mode in ("1", "L", "LA", "F"):
        return np.asarray(img.convert("L"), dtype=np.uint8)
    rgb = np.asarray(img.convert("RGB"), dtype=np.uint8)
    if (rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all():
        return rgb[..., 0].copy()
    return rgb


def to_grey(a: np.ndarray) -> np.ndarray:
    """(H, W, 3) RGB -> (H, W) float luminance (ITU-R 601 weights); grey input is returned as float."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 3:
        return a[..., :3] @ np.array([0.299, 0.587, 0.114])
    return a


def downscale(a: np.ndarray, max_side: int = 512) -> tuple[np.ndarray, bool]:
    """Shrink so the long side is at most `max_side` (area resampling). Returns (array, was_shrunk)."""
    h, w = a.shape[:2]
    if max(h, w) <= max_side:
        return a, False
    s = max_side / max(h, w)
    img = Image.fromarray(a).resize((max(1, round(w * s)), max(1, round(h * s))), Image.Resampling.BOX)
    return np.asarray(img), True
