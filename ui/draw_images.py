"""Feature-map mosaics and dense strips as ONE small PNG each, with a labelled colour bar.

A browser shows a PNG at once, where a dozen interactive plotly heatmaps take
seconds to lay out on a busy machine; the Draw page must feel instant.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from plotly.colors import sample_colorscale, unlabel_rgb

_LUT = np.array([unlabel_rgb(c) for c in sample_colorscale("Viridis", np.linspace(0, 1, 256))], dtype=np.uint8)
GAP = (255, 255, 255)
BAR_W, PAD = 14, 4


def colourise(a: np.ndarray, lo: float, hi: float, cell: int) -> Image.Image:
    """2-D float array (NaN = gap) -> RGB image, `cell` screen pixels per value, Viridis from lo to hi."""
    span = hi - lo if hi > lo else 1.0
    idx = np.clip((np.nan_to_num(a, nan=lo) - lo) / span * 255, 0, 255).astype(np.uint8)
    rgb = _LUT[idx]
    rgb[np.isnan(a)] = GAP
    rgb = rgb.repeat(cell, axis=0).repeat(cell, axis=1)
    return Image.fromarray(rgb, "RGB")


def with_colour_bar(img: Image.Image, lo: float, hi: float, label: str) -> Image.Image:
    """`img` with a vertical colour bar on its right, labelled with lo, hi and `label`."""
    font = ImageFont.load_default(size=12)
    h = max(img.height, 60)
    grad = _LUT[np.linspace(255, 0, h).astype(np.uint8)][:, None, :].repeat(BAR_W, axis=1)
    text_w = 8 + max(int(font.getlength(s)) for s in (f"{hi:.3g}", f"{lo:.3g}", label))
    out = Image.new("RGB", (img.width + PAD * 3 + BAR_W + text_w, h), "white")
    out.paste(img, (0, 0))
    x = img.width + PAD * 3
    out.paste(Image.fromarray(np.ascontiguousarray(grad), "RGB"), (x, 0))
    d = ImageDraw.Draw(out)
    d.text((x + BAR_W + 4, 0), f"{hi:.3g}", fill="black", font=font)
    d.text((x + BAR_W + 4, h - 14), f"{lo:.3g}", fill="black", font=font)
    d.text((x + BAR_W + 4, h // 2 - 7), label, fill="#555555", font=font)
    return out


def png(img: Image.Image) -> bytes:
    """Fast PNG bytes (light compression: these pictures are small and change on every stroke)."""
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def mosaic_png(tiles: np.ndarray, label: str, target_width: int = 620) -> bytes:
    """A mosaic from cnn_core.features.tile_maps as an image with its colour bar."""
    lo, hi = float(np.nanmin(tiles)), float(np.nanmax(tiles))
    cell = max(1, target_width // tiles.shape[1])
    return png(with_colour_bar(colourise(tiles, lo, hi, cell), lo, hi, label))


def strip_png(values: np.ndarray, label: str, target_width: int = 620) -> bytes:
    """A dense layer's outputs as one row of coloured cells, with its colour bar."""
    v = np.asarray(values, dtype=np.float32)
    lo, hi = float(v.min()), float(v.max())
    cell = max(1, target_width // len(v))
    img = colourise(v[None, :], lo, hi, cell).resize((cell * len(v), 28), Image.Resampling.NEAREST)
    return png(with_colour_bar(img, lo, hi, label))
