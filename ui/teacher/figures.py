"""Pictures of the Teacher page: the join link's QR code and the drawings as small images."""

from __future__ import annotations

import io

import numpy as np
import segno

THUMB_SCALE = 3  # a 28x28 drawing shown as 84x84 pixels, each pixel a sharp 3x3 block


def qr_png(link: str, scale: int = 8) -> bytes:
    """The QR code of `link` as PNG bytes (error correction picked by segno for the length)."""
    buf = io.BytesIO()
    segno.make(link, micro=False).save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def thumbnails(images: np.ndarray, scale: int = THUMB_SCALE) -> list[np.ndarray]:
    """(n, 28, 28) floats in [0, 1] -> n uint8 images enlarged by `scale` (nearest pixel, no blur)."""
    x = np.clip(np.rint(np.asarray(images) * 255), 0, 255).astype(np.uint8)
    return [np.kron(img, np.ones((scale, scale), np.uint8)) for img in x]
