"""Plotly figures for the Kernels page: value grids with a colour legend, windows highlighted.

No maths here: every array comes computed from cnn_core. Arrays are sent as float32
(Plotly encodes them in binary), so a 512 x 512 picture stays quick to draw.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

DIVERGING = "RdBu_r"  # blue below 0, white at 0, red above
GREY = "gray"
WINDOW = "#f5a623"  # orange, visible on grey and on red/blue
OUTPUT = "#00a651"


def grid(
    a: np.ndarray,
    title: str,
    *,
    signed: bool = False,
    text: bool | None = None,
    fmt: str = ".2f",
    highlight: list[tuple[int, int, int, int, str]] | None = None,
    padded: np.ndarray | None = None,
    origin: tuple[int, int] = (0, 0),
    colorbar: str = "value",
    zrange: tuple[float, float] | None = None,
    height: int = 330,
) -> go.Figure:
    """An (H, W) array as a heatmap with hover values and a colour legend.

    signed : diverging colours centred on 0 (for outputs that go negative), grey otherwise.
    text : write each value in its cell (default: when the array has at most 12 x 12 cells).
    highlight : rectangles (top, left, height, width, colour) in array cells.
    padded : (H, W) bool, cells drawn with an x marker and listed in the legend as padding.
    origin : (row, col) index of a[0, 0], so axes show padded-input coordinates.
    """
    a = np.asarray(a)
    h, w = a.shape
    text = (h <= 12 and w <= 12) if text is None else text
    ys, xs = np.arange(h) + origin[0], np.arange(w) + origin[1]
    z = a.astype(np.float32) if a.dtype.kind == "f" else a
    hm = go.Heatmap(
        z=z,
        x=xs,
        y=ys,
        colorscale=DIVERGING if signed else GREY,
        zmid=0 if signed else None,
        zmin=None if zrange is None or signed else zrange[0],
        zmax=None if zrange is None or signed else zrange[1],
        colorbar=dict(title=dict(text=colorbar), thickness=12, len=0.9),
        hovertemplate="row %{y}, column %{x}<br>value %{z:.4g}<extra></extra>",
        texttemplate=f"%{{z:{fmt}}}" if text else None,
        textfont=dict(size=12 if h <= 7 else 9),
    )
    fig = go.Figure(hm)
    if padded is not None and padded.any():
        pr, pc = np.nonzero(padded)
        fig.add_trace(
            go.Scatter(
                x=pc + origin[1],
                y=pr + origin[0],
                mode="markers",
                marker=dict(symbol="x-thin-open", size=6 if max(h, w) > 20 else 9, color="#7f7f7f"),
                name="padding (not part of the picture)",
                hoverinfo="skip",
            )
        )
    for top, left, hh, ww, colour in highlight or []:
        fig.add_shape(
            type="rect",
            x0=origin[1] + left - 0.5,
            x1=origin[1] + left + ww - 0.5,
            y0=origin[0] + top - 0.5,
            y1=origin[0] + top + hh - 0.5,
            line=dict(color=colour, width=3),
        )
    fig.update_yaxes(autorange="reversed", scaleanchor="x", constrain="domain", title=None, showgrid=False)
    fig.update_xaxes(constrain="domain", title=None, showgrid=False, side="top" if h <= 12 else "bottom")
    fig.update_layout(
        title=dict(text=title, font=dict(size=14)),
        height=height,
        margin=dict(l=10, r=10, t=40 if h > 12 else 60, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.02, x=0),
        plot_bgcolor="white",
    )
    return fig
