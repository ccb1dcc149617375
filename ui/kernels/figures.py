"""Plotly figures for the Kernels page: value grids with a colour legend, windows highlighted.

No maths here: every array comes computed from cnn_core. Arrays are sent as float32
(Plotly encodes them in binary), so a 512 x 512 picture stays quick to draw.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

# Explicit colour scales (Plotly.js does not know Python-side names such as "RdBu_r").
DIVERGING = [
    [0.0, "rgb(5,48,97)"],
    [0.25, "rgb(67,147,195)"],
    [0.5, "rgb(247,247,247)"],
    [0.75, "rgb(214,96,77)"],
    [1.0, "rgb(103,0,31)"],
]  # blue < 0 < red
GREY = [[0.0, "rgb(0,0,0)"], [1.0, "rgb(255,255,255)"]]
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
    z = a.astype(np.float32) if a.dtype.kind == "f" else a
    hm = dict(
        type="heatmap",
        z=z,
        x=np.arange(w) + origin[1],
        y=np.arange(h) + origin[0],
        colorscale=DIVERGING if signed else GREY,
        colorbar=dict(title=dict(text=colorbar), thickness=12, len=0.9),
        hovertemplate="row %{y}, column %{x}<br>value %{z:.4g}<extra></extra>",
        textfont=dict(size=12 if h <= 7 else 9),
    )
    if signed:
        hm["zmid"] = 0
    elif zrange is not None:
        hm["zmin"], hm["zmax"] = zrange
    if text:
        hm["texttemplate"] = f"%{{z:{fmt}}}"
    data = [hm]
    if padded is not None and padded.any():
        pr, pc = np.nonzero(padded)
        data.append(
            dict(
                type="scatter",
                x=pc + origin[1],
                y=pr + origin[0],
                mode="markers",
                marker=dict(symbol="x-thin-open", size=6 if max(h, w) > 20 else 9, color="#7f7f7f"),
                name="padding (not part of the picture)",
                hoverinfo="skip",
            )
        )
    shapes = [
        dict(
            type="rect",
            x0=origin[1] + left - 0.5,
            x1=origin[1] + left + ww - 0.5,
            y0=origin[0] + top - 0.5,
            y1=origin[0] + top + hh - 0.5,
            line=dict(color=colour, width=3),
        )
        for top, left, hh, ww, colour in highlight or []
    ]
    layout = dict(
        title=dict(text=title, font=dict(size=14)),
        height=height,
        margin=dict(l=10, r=10, t=40 if h > 12 else 60, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.02, x=0),
        plot_bgcolor="white",
        shapes=shapes,
        yaxis=dict(
            autorange="reversed", scaleanchor="x", constrain="domain", showgrid=False, dtick=1 if h <= 12 else None
        ),
        xaxis=dict(
            constrain="domain", showgrid=False, side="top" if h <= 12 else "bottom", dtick=1 if w <= 12 else None
        ),
    )
    # Built from plain dicts without Plotly's per-property validation (about 5x faster, which
    # matters with ~14 figures per rerun); the figure is checked in tests/pages/test_page_kernels.py.
    return go.Figure(dict(data=data, layout=layout), _validate=False)


def grid_row(panels: list[tuple[np.ndarray, str, dict]], fmt: str = ".4~g", height: int = 260) -> go.Figure:
    """Small (K, K) grids side by side in ONE figure (one Plotly draw instead of three), each with its
    title, its values written in the cells and its own colour legend.

    panels : (array, title, options) with options among signed, zrange, colorbar.
    """
    n = len(panels)
    data, annotations, layout = [], [], {}
    width = 1.0 / n
    for i, (a, title, opt) in enumerate(panels, start=1):
        a = np.asarray(a)
        k = max(a.shape)
        x0, x1 = (i - 1) * width + 0.02, i * width - 0.09  # room on the right for the colour legend
        signed = opt.get("signed", False)
        hm = dict(
            type="heatmap",
            z=a.astype(np.float32),
            xaxis=f"x{i}",
            yaxis=f"y{i}",
            colorscale=DIVERGING if signed else GREY,
            colorbar=dict(title=dict(text=opt.get("colorbar", "value")), thickness=10, len=0.8, x=x1 + 0.01, y=0.45),
            hovertemplate="row %{y}, column %{x}<br>value %{z:.4g}<extra></extra>",
            textfont=dict(size=12 if k <= 5 else 9),
        )
        if signed:
            hm["zmid"] = 0
        elif "zrange" in opt:
            hm["zmin"], hm["zmax"] = opt["zrange"]
        if k <= 7:
            hm["texttemplate"] = f"%{{z:{fmt}}}"
        data.append(hm)
        layout[f"xaxis{i}"] = dict(domain=[x0, x1], anchor=f"y{i}", side="bottom", showgrid=False, dtick=1)
        layout[f"yaxis{i}"] = dict(
            domain=[0, 0.85],
            anchor=f"x{i}",
            autorange="reversed",
            scaleanchor=f"x{i}",
            constrain="domain",
            showgrid=False,
            dtick=1,
        )
        annotations.append(
            dict(
                text=f"<b>{title}</b>",
                x=(x0 + x1) / 2,
                y=1.0,
                xref="paper",
                yref="paper",
                showarrow=False,
                font=dict(size=13),
            )
        )
    layout.update(height=height, margin=dict(l=10, r=10, t=30, b=10), annotations=annotations, plot_bgcolor="white")
    return go.Figure(dict(data=data, layout=layout), _validate=False)
