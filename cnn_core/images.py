"""Decode uploaded pictures safely into NumPy arrays (Pillow; no TensorFlow).

Caps the pixel count before decoding (decompression bombs), and turns every
mode Pillow reads (16-bit, CMYK, palette, RGBA with transparency, ...) into
either an (H, W, 3) RGB or an (H, W) grey uint8 array. `decode_small` also
shrinks a large picture while decoding it (JPEG draft mode, then an integer
reduce), so a 36-megapixel photo never exists as a full-size array.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 10 * 2**20  # the app's own limit (.streamlit/config.toml lets larger files through to say so)
MAX_PIXELS = 40_000_000  # refused before decoding


class BadImage(ValueError):
    """The upload is not a picture we can use; the message says why in plain words."""


@dataclass
class Decoded:
    """A decoded upload: its pixels (maybe shrunk) and the size of the picture in the file."""

    pixels: np.ndarray  # (H, W) grey or (H, W, 3) RGB uint8
    height: int  # of the picture in the file, before any shrinking
    width: int

    @property
    def shrunk(self) -> bool:
        return self.pixels.shape[:2] != (self.height, self.width)


def _too_big(w: int, h: int, max_pixels: int) -> BadImage:
    return BadImage(f"The picture is {w} x {h} pixels; the limit is {max_pixels / 1e6:.0f} megapixels.")


def _header_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) read from the file's header by the first Pillow plug-in that accepts it.

    Used only when Pillow's own guard refused the file (it fires from about 90 megapixels),
    so the learner still hears the size and our limit rather than 'not a picture'.
    """
    Image.init()
    prefix = data[:16]
    for fmt in Image.ID:
        factory, accept = Image.OPEN[fmt]
        if accept is not None and not accept(prefix):
            continue
        try:
            return factory(io.BytesIO(data), "").size
        except Exception:  # noqa: BLE001 - not this format: try the next plug-in, as Image.open does
            continue
    return None


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """The file opened (header only, nothing decoded yet); BadImage for anything unusable."""
    if not data:
        raise BadImage("The file is empty (0 bytes).")
    if len(data) > MAX_BYTES:
        raise BadImage(f"The file is {len(data) / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own, lower cap follows
            img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as e:
        size = _header_size(data)
        if size is None:
            raise BadImage("This file is not a picture we can read (try a PNG or JPEG).") from e
        raise _too_big(*size, max_pixels) from e
    except UnidentifiedImageError as e:
        raise BadImage("This file is not a picture we can read (try a PNG or JPEG).") from e
    except (OSError, SyntaxError, ValueError) as e:
        raise BadImage("The picture is damaged or cut short; try saving it again.") from e
    w, h = img.size
    if w * h > max_pixels:
        raise _too_big(w, h, max_pixels)
    if min(w, h) < 3:
        raise BadImage(f"The picture is only {w}x{h} pixels; it needs at least 3x3.")
    return img


def _load(img: Image.Image) -> None:
    try:
        img.load()
    except (OSError, SyntaxError, ValueError) as e:
        raise BadImage("The picture is damaged or cut short; try saving it again.") from e


def decode_image(data: bytes, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Bytes of a PNG/JPEG/... file -> uint8 array, (H, W) for grey pictures or (H, W, 3) for colour.

    Transparent pixels are composited on white. 16-bit greys are scaled to 8 bits.
    Raises BadImage for empty, truncated, non-image, huge or degenerate (1x1) files.
    """
    img = _open(data, max_pixels)
    _load(img)
    return _to_array(img)


def decode_small(data: bytes, max_side: int, max_pixels: int = MAX_PIXELS) -> Decoded:
    """Like `decode_image`, but the long side of the pixels is at most `max_side` (area average).

    The picture is shrunk while it is decoded: a JPEG is decoded at 1/2, 1/4 or 1/8 scale
    (draft mode), any other format is reduced by an integer factor straight after decoding
    and the full-size image is dropped, before any mode conversion copies it.
    """
    img = _open(data, max_pixels)
    w, h = img.size
    scale = max_side / max(w, h)
    if scale < 1 and img.format == "JPEG":
        img.draft(img.mode, (max(1, round(w * scale)), max(1, round(h * scale))))
    _load(img)
    if scale < 1:
        img = _shrink(img, max_side)
    return Decoded(_to_array(img), h, w)


def _shrink(img: Image.Image, max_side: int) -> Image.Image:
    """The loaded image with its long side brought to `max_side` (integer reduce, then a box resize)."""
    if img.mode in ("1", "P", "I;16", "I;16B", "I;16L"):  # modes Image.reduce cannot average
        img = img.convert("RGBA" if img.mode == "P" and "transparency" in img.info else _plain_mode(img))
    factor = max(img.size) // max_side
    if factor >= 2:
        img = img.reduce(factor)
    s = max_side / max(img.size)
    if s < 1:
        img = img.resize((max(1, round(img.size[0] * s)), max(1, round(img.size[1] * s))), Image.Resampling.BOX)
    return img


def _plain_mode(img: Image.Image) -> str:
    if img.mode == "P":
        return "RGB"
    return "I" if img.mode.startswith("I;16") else "L"


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


LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R 601 weights of R, G, B (as Pillow's convert("L"))


def to_grey(a: np.ndarray, unit_to: float | None = None) -> np.ndarray:
    """Any picture -> (H, W) float grey: the one place colour becomes luminance.

    Parameters
    ----------
    a : (H, W) grey, or (H, W, 3) RGB / (H, W, 4) RGBA (alpha ignored: callers that need it
        read it themselves).
    unit_to : if given, a float picture whose values lie within [0, 1] (e.g. the Draw page's
        digit) is read as fractions of full brightness and scaled to `unit_to` (e.g. 255).

    Returns
    -------
    (H, W) float64 (float32 for a float32 picture): R, G, B weighted by LUMA; a grey picture is
    returned as float.
    """
    a = np.asarray(a)
    if unit_to is not None and a.dtype.kind == "f" and a.size and 0.0 <= np.nanmin(a) and np.nanmax(a) <= 1.0:
        a = a * unit_to
    dtype = np.float32 if a.dtype == np.float32 else np.float64  # float32 stays float32: half the memory
    if a.ndim == 3:
        return a[..., :3].astype(dtype, copy=False) @ LUMA.astype(dtype)
    return a.astype(dtype, copy=False)


def downscale(a: np.ndarray, max_side: int = 512) -> tuple[np.ndarray, bool]:
    """Shrink so the long side is at most `max_side` (area average, as `decode_small`). Returns (array, was_shrunk).

    a : uint8 (H, W), (H, W, 3) or (H, W, 4), or a (H, W) float picture (shrunk as float32).
    """
    h, w = a.shape[:2]
    if max(h, w) <= max_side:
        return a, False
    img = Image.fromarray(a if a.dtype == np.uint8 else np.asarray(a, dtype=np.float32))
    return np.asarray(_shrink(img, max_side)), True
