"""Feature-map mosaics and dense strips as ONE small PNG each, with a labelled colour bar.

A browser shows a PNG at once, where a dozen interactive plotly heatmaps take
seconds to lay out on a busy machine; the Draw page must feel instant.
"""

from __future__ import annotations

import base64
import functools
import html
import io

import numpy as np
import streamlit as st
from PIL import Image, ImageDraw, ImageFont
from plotly.colors import sample_colorscale, unlabel_rgb


def _lut(name: str) -> np.ndarray:
    """(256, 3) uint8 colours of a plotly colour scale."""
    return np.array([unlabel_rgb(c) for c in sample_colorscale(name, np.linspace(0, 1, 256))], dtype=np.uint8)


_LUT = VIRIDIS = _lut("Viridis")  # activations (>= 0 after ReLU)
SIGNED = _lut("RdBu_r")  # weights and signed gradients: blue < 0 < red
HOT = _lut("Hot")  # saliency magnitude
GAP = (255, 255, 255)
BAR_W, PAD = 14, 4


def colourise(a: np.ndarray, lo: float, hi: float, cell: int, lut: np.ndarray = VIRIDIS) -> Image.Image:
    """2-D float array (NaN = gap) -> RGB image, `cell` screen pixels per value, Viridis from lo to hi."""
    span = hi - lo if hi > lo else 1.0
    idx = np.clip((np.nan_to_num(a, nan=lo) - lo) / span * 255, 0, 255).astype(np.uint8)
    rgb = lut[idx]
    rgb[np.isnan(a)] = GAP
    rgb = rgb.repeat(cell, axis=0).repeat(cell, axis=1)
    return Image.fromarray(rgb, "RGB")


@functools.cache
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=12)


def with_colour_bar(img: Image.Image, lo: float, hi: float, label: str, lut: np.ndarray = VIRIDIS) -> Image.Image:
    """`img` with a vertical colour bar on its right, labelled with lo, hi and `label`."""
    font = _font()
    h = max(img.height, 60)
    grad = lut[np.linspace(255, 0, h).astype(np.uint8)][:, None, :].repeat(BAR_W, axis=1)
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


def signed_png(a: np.ndarray, label: str, target_width: int = 300) -> bytes:
    """Signed values (weights, gradients; NaN = gap) on a blue-white-red scale centred on 0."""
    lim = float(np.nanmax(np.abs(a))) or 1.0
    cell = max(1, target_width // a.shape[1])
    return png(with_colour_bar(colourise(a, -lim, lim, cell, SIGNED), -lim, lim, label, SIGNED))


def map_png(a: np.ndarray, label: str, target_width: int = 300) -> bytes:
    """One feature map, large, with its colour bar."""
    lo, hi = float(a.min()), float(a.max())
    cell = max(1, target_width // a.shape[1])
    return png(with_colour_bar(colourise(a, lo, hi, cell), lo, hi, label))


def overlay_png(image: np.ndarray, heat: np.ndarray, label: str, target_width: int = 300) -> bytes:
    """A non-negative heat map (saliency) in 'Hot' colours, blended over a grey picture in [0, 1]."""
    hi = float(heat.max()) or 1.0
    cell = max(1, target_width // heat.shape[1])
    colour = np.asarray(colourise(heat, 0.0, hi, cell, HOT), dtype=np.float32)
    grey = np.asarray(colourise(image, 0.0, 1.0, cell, np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, 1)))
    blend = (0.65 * colour + 0.35 * grey.astype(np.float32)).astype(np.uint8)
    return png(with_colour_bar(Image.fromarray(blend, "RGB"), 0.0, hi, label, HOT))


def row_png(pictures: list[np.ndarray], gap: int = 8) -> bytes:
    """Equal-height uint8 grey pictures side by side, on white, as one PNG (one request for the browser)."""
    h = max(p.shape[0] for p in pictures)
    w = sum(p.shape[1] for p in pictures) + gap * (len(pictures) - 1)
    out = np.full((h, w), 255, dtype=np.uint8)
    x = 0
    for p in pictures:
        out[: p.shape[0], x : x + p.shape[1]] = p
        x += p.shape[1] + gap
    return png(Image.fromarray(out, "L"))


def show(png_bytes: bytes, caption: str, alt: str | None = None) -> None:
    """Put a PNG in the page inline (a data URI): no extra request, so it appears with the text around it."""
    src = "data:image/png;base64," + base64.b64encode(png_bytes).decode("ascii")
    alt = html.escape(alt or caption, quote=True)
    st.html(
        f'<figure style="margin:0"><img src="{src}" alt="{alt}" style="max-width:100%;height:auto">'
        f'<figcaption style="font-size:0.85em;color:#6b6f76;margin-top:0.25em">{html.escape(caption)}</figcaption>'
        "</figure>"
    )
