"""Pictures of the Teacher page: the join link's QR code and the drawings as small images."""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
import segno
from PIL import Image

THUMB_SCALE = 3  # a 28x28 drawing shown as 84x84 pixels, each pixel a sharp 3x3 block


@lru_cache(maxsize=64)
def qr_png(link: str, scale: int = 8) -> bytes:
    """The QR code of `link` as PNG bytes (error correction picked by segno for the length); made once per link."""
    buf = io.BytesIO()
    segno.make(link, micro=False).save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def thumbnails(images: np.ndarray) -> list[bytes]:
    """(n, 28, 28) floats in [0, 1] -> n PNGs enlarged THUMB_SCALE times (nearest pixel, no blur).

    A drawing never changes once sent, so each PNG is encoded once per server process (the Teacher
    page redraws the grid every run; encoding 60 of them each time cost ~100 ms).
    """
    x = np.clip(np.rint(np.asarray(images) * 255), 0, 255).astype(np.uint8)
    return [_png(img.tobytes(), img.shape) for img in x]


@lru_cache(maxsize=4096)
def _png(pixels: bytes, shape: tuple[int, int]) -> bytes:
    img = Image.frombytes("L", shape[::-1], pixels)
    img = img.resize((shape[1] * THUMB_SCALE, shape[0] * THUMB_SCALE), Image.Resampling.NEAREST)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
