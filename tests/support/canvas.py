"""A drawing as streamlit-drawable-canvas keeps it in session_state, for AppTests and benchmarks."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image


def data_url(rgba: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def canvas_value(rgba: np.ndarray) -> dict:
    """What streamlit-drawable-canvas 0.13 keeps in session_state under its key after a stroke."""
    return {"drawing": {"raw": {"objects": [{"type": "path"}]}, "data": data_url(rgba)}, "backgroundFit": None}


def html_of(at) -> str:
    """The text of every st.html element (layer views, pictures)."""
    return " ".join(h.proto.body for h in at.get("html"))


def drawn(digit: np.ndarray, top: int = 40, left: int = 60, side: int = 180) -> np.ndarray:
    out = np.zeros((280, 280, 4), np.uint8)
    out[..., 3] = 255
    big = np.asarray(Image.fromarray(digit).resize((side, side), Image.Resampling.BILINEAR))
    out[top : top + side, left : left + side, :3] = big[..., None]
    return out
