"""Feature maps, strips, kernels and saliency as tiny inline PNGs with a real-text colour bar.

Each picture is sent at one pixel per value and enlarged by the browser with
`image-rendering: pixelated` (crisp squares, a few kB each, inline as a data URI:
no extra request). The colour bar is a CSS gradient with its numbers as text.
A dozen interactive plotly heatmaps took seconds to lay out on a busy machine;
the Draw page must feel instant.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np
import streamlit as st
from PIL import Image
from plotly.colors import sample_colorscale, unlabel_rgb


def _lut(name: str) -> np.ndarray:
    """(256, 3) uint8 colours of a plotly colour scale."""
    return np.array([unlabel_rgb(c) for c in sample_colorscale(name, np.linspace(0, 1, 256))], dtype=np.uint8)


VIRIDIS = _lut("Viridis")  # activations (>= 0 after ReLU)
SIGNED = _lut("RdBu_r")  # weights and signed gradients: blue < 0 < red
HOT = _lut("Hot")  # saliency magnitude
GREY = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
GAP = (255, 255, 255)


def colourise(a: np.ndarray, lo: float, hi: float, lut: np.ndarray = VIRIDIS) -> np.ndarray:
    """2-D float array (NaN = gap, drawn white) -> (H, W, 3) uint8 colours from lo to hi."""
    span = hi - lo if hi > lo else 1.0
    idx = np.clip((np.nan_to_num(a, nan=lo) - lo) / span * 255, 0, 255).astype(np.uint8)
    rgb = lut[idx]
    rgb[np.isnan(a)] = GAP
    return rgb


def png(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _bar(lo: float, hi: float, label: str, lut: np.ndarray, height: int) -> str:
    stops = ", ".join(f"rgb{tuple(int(v) for v in lut[i])}" for i in np.linspace(255, 0, 9).astype(int))
    return (
        f'<div style="display:flex;gap:4px;height:{height}px;font-size:12px;color:#444">'
        f'<div style="width:12px;background:linear-gradient({stops})"></div>'
        '<div style="display:flex;flex-direction:column;justify-content:space-between">'
        f"<span>{hi:.3g}</span><span style='color:#777'>{html.escape(label)}</span><span>{lo:.3g}</span></div></div>"
    )


def show(html_text: str) -> None:
    """Put HTML built by this module in the page (Streamlit sanitises it; no scripts)."""
    st.html(html_text)


def figure(rgb: np.ndarray, caption: str, width: int, bar: tuple[float, float, str, np.ndarray] | None = None) -> str:
    """HTML of an (H, W, 3) picture `width` px wide, crisp, with an optional colour bar (lo, hi, label, lut)."""
    src = "data:image/png;base64," + base64.b64encode(png(rgb)).decode("ascii")
    height = max(48, round(width * rgb.shape[0] / rgb.shape[1]))
    legend = _bar(*bar, height) if bar else ""
    return (
        '<figure style="margin:0">'
        f'<div style="display:flex;gap:10px;align-items:flex-start"><img src="{src}" alt="{html.escape(caption)}" '
        f'style="width:{width}px;max-width:85%;height:auto;image-rendering:pixelated">{legend}</div>'
        f'<figcaption style="font-size:0.85em;color:#6b6f76;margin-top:0.3em">{html.escape(caption)}</figcaption>'
        "</figure>"
    )


def _width(cols: int, target: int, per_value_max: int = 12) -> int:
    return min(target, cols * per_value_max)


def mosaic(tiles: np.ndarray, label: str, caption: str, target: int = 620) -> str:
    """A mosaic from cnn_core.nn.features.tile_maps (NaN gaps), Viridis, with its colour bar."""
    lo, hi = float(np.nanmin(tiles)), float(np.nanmax(tiles))
    return figure(colourise(tiles, lo, hi), caption, _width(tiles.shape[1], target), (lo, hi, label, VIRIDIS))


def strip(values: np.ndarray, label: str, caption: str, target: int = 620) -> str:
    """A dense layer's outputs as one row of coloured cells (drawn 3 values tall so it reads as a strip)."""
    v = np.asarray(values, dtype=np.float32)[None, :]
    lo, hi = float(v.min()), float(v.max())
    rows = np.repeat(v, max(1, round(len(v[0]) / 40)), axis=0)  # keep the strip about 1/40 as tall as wide
    return figure(colourise(rows, lo, hi), caption, _width(v.shape[1], target, 24), (lo, hi, label, VIRIDIS))


def signed(a: np.ndarray, label: str, caption: str, target: int = 300) -> str:
    """Signed values (weights, gradients; NaN = gap) on a blue-white-red scale centred on 0."""
    lim = float(np.nanmax(np.abs(a))) or 1.0
    return figure(colourise(a, -lim, lim, SIGNED), caption, _width(a.shape[1], target, 40), (-lim, lim, label, SIGNED))


def single(a: np.ndarray, label: str, caption: str, target: int = 300) -> str:
    """One feature map, large, with its colour bar."""
    lo, hi = float(a.min()), float(a.max())
    return figure(colourise(a, lo, hi), caption, _width(a.shape[1], target, 40), (lo, hi, label, VIRIDIS))


def overlay(image: np.ndarray, heat: np.ndarray, label: str, caption: str, target: int = 300) -> str:
    """A non-negative heat map (saliency) in 'Hot' colours, blended over a grey picture in [0, 1]."""
    hi = float(heat.max()) or 1.0
    blend = 0.65 * colourise(heat, 0.0, hi, HOT).astype(np.float32) + 0.35 * colourise(image, 0.0, 1.0, GREY)
    return figure(blend.astype(np.uint8), caption, target, (0.0, hi, label, HOT))


def row(pictures: list[np.ndarray], caption: str, gap: int = 8) -> str:
    """Equal-size uint8 grey pictures side by side on white (the preprocessing steps)."""
    h = max(p.shape[0] for p in pictures)
    w = sum(p.shape[1] for p in pictures) + gap * (len(pictures) - 1)
    out = np.full((h, w), 255, dtype=np.uint8)
    x = 0
    for p in pictures:
        out[: p.shape[0], x : x + p.shape[1]] = p
        x += p.shape[1] + gap
    return figure(GREY[out], caption, w)


def note(text: str) -> str:
    """A caption paragraph (plain text, escaped) to put under a figure inside the same HTML element."""
    return f'<p style="font-size:0.85em;color:#6b6f76;margin:0.4em 0 0.8em 0">{html.escape(text)}</p>'


def side_by_side(*parts: str) -> str:
    """HTML figures in one row (wrapping on narrow screens)."""
    cells = "".join(f'<div style="flex:1 1 300px">{p}</div>' for p in parts)
    return f'<div style="display:flex;flex-wrap:wrap;gap:24px">{cells}</div>'


def section(title_html: str, caption: str, body: str, question: tuple[str, str] | None) -> str:
    """One bordered layer section: a title, a caption, a picture and an optional question that opens."""
    q = ""
    if question:
        q = (
            '<details style="margin-top:8px"><summary style="cursor:pointer">'
            f"{html.escape(question[0])}</summary><p>{html.escape(question[1])}</p></details>"
        )
    return (
        '<section style="border:1px solid rgba(49,51,63,0.2);border-radius:8px;padding:12px 16px;margin-bottom:12px">'
        f'<p style="margin:0 0 4px 0">{title_html}</p>'
        f'<p style="font-size:0.85em;color:#6b6f76;margin:0 0 8px 0">{caption}</p>{body}{q}</section>'
    )
