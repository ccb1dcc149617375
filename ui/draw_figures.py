"""Plotly figures of the Draw page: probabilities, feature-map mosaics, kernels, bar strips, saliency.

Each builder takes arrays computed in cnn_core and returns one go.Figure; every
colour scale carries a colorbar. No maths here beyond what plotly needs.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

MAPS = "Viridis"  # sequential: activations are >= 0 after ReLU
SIGNED = "RdBu_r"  # diverging, red = positive, blue = negative
_CONFIG_MARGIN = dict(l=10, r=10, t=30, b=10)


def _square(fig: go.Figure, row: int | None = None, col: int | None = None, anchor: str = "x") -> None:
    kw = dict(row=row, col=col) if row else {}
    fig.update_yaxes(autorange="reversed", scaleanchor=anchor, showticklabels=False, showgrid=False, **kw)
    fig.update_xaxes(showticklabels=False, showgrid=False, constrain="domain", **kw)


def probabilities(probs: np.ndarray, digit: int) -> go.Figure:
    """Bar chart of the ten class probabilities, the predicted digit highlighted."""
    colours = ["#e4572e" if d == digit else "#8aa1b1" for d in range(len(probs))]
    fig = go.Figure(
        go.Bar(
            x=[str(d) for d in range(len(probs))],
            y=probs,
            marker_color=colours,
            text=[f"{p:.0%}" if p >= 0.01 else "" for p in probs],
            textposition="outside",
            hovertemplate="digit %{x}: %{y:.2%}<extra></extra>",
        )
    )
    fig.update_layout(
        height=220, margin=_CONFIG_MARGIN, yaxis=dict(range=[0, 1.15], tickformat=".0%", title="probability")
    )
    fig.update_xaxes(title="digit", type="category")
    return fig


def mosaic(tiles: np.ndarray, index: np.ndarray, scale_title: str, height: int) -> go.Figure:
    """One heatmap of all feature maps of a layer (tiles from cnn_core.features.tile_maps).

    index : same shape as tiles, the map number under each pixel (-1 in the gaps), shown on hover.
    """
    fig = go.Figure(
        go.Heatmap(
            z=tiles,
            customdata=index,
            colorscale=MAPS,
            colorbar=dict(title=dict(text=scale_title, side="right"), thickness=12),
            hovertemplate="map %{customdata}<br>value %{z:.3f}<extra></extra>",
            hoverongaps=False,
        )
    )
    _square(fig)
    fig.update_layout(height=height, margin=_CONFIG_MARGIN, plot_bgcolor="white")
    return fig


def map_and_kernels(fmap: np.ndarray, title: str, kernels: np.ndarray | None, kernel_title: str) -> go.Figure:
    """A feature map large (left) beside the mosaic of the kernel slices that produced it (right)."""
    cols = 2 if kernels is not None else 1
    fig = make_subplots(rows=1, cols=cols, subplot_titles=[title, kernel_title][:cols], horizontal_spacing=0.12)
    fig.add_trace(
        go.Heatmap(
            z=fmap,
            colorscale=MAPS,
            colorbar=dict(title="activation", x=0.44 if cols == 2 else 1.0, thickness=12),
            hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    _square(fig, 1, 1, "x")
    if kernels is not None:
        lim = float(np.nanmax(np.abs(kernels))) or 1.0
        fig.add_trace(
            go.Heatmap(
                z=kernels,
                colorscale=SIGNED,
                zmin=-lim,
                zmax=lim,
                colorbar=dict(title="weight", thickness=12),
                hovertemplate="weight %{z:.3f}<extra></extra>",
                hoverongaps=False,
            ),
            row=1,
            col=2,
        )
        _square(fig, 1, 2, "x2")
    fig.update_layout(height=360, margin=dict(l=10, r=10, t=40, b=10), plot_bgcolor="white")
    return fig


def strip(values: np.ndarray, title: str) -> go.Figure:
    """A dense layer's outputs as one row of coloured cells (unit number on hover)."""
    fig = go.Figure(
        go.Heatmap(
            z=np.asarray(values)[None, :],
            colorscale=MAPS,
            colorbar=dict(title=title, thickness=10, len=1.4),
            hovertemplate="unit %{x}: %{z:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(showticklabels=False)
    fig.update_xaxes(title="unit")
    fig.update_layout(height=120, margin=dict(l=10, r=10, t=10, b=35))
    return fig


def saliency(image: np.ndarray, grad: np.ndarray, contrast: np.ndarray, digit: int, runner_up: int) -> go.Figure:
    """Left: |gradient| of the predicted score over the input. Right: signed gradient of top minus runner-up."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[f"Where the score of {digit} is sensitive", f"Towards {digit} (red) or {runner_up} (blue)"],
        horizontal_spacing=0.14,
    )
    fig.add_trace(go.Heatmap(z=image, colorscale="Greys", reversescale=True, showscale=False, hoverinfo="skip"), 1, 1)
    fig.add_trace(
        go.Heatmap(
            z=np.abs(grad),
            colorscale="Hot",
            reversescale=False,
            opacity=0.65,
            colorbar=dict(title="|gradient|", x=0.42, thickness=12),
            hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
        ),
        1,
        1,
    )
    lim = float(np.abs(contrast).max()) or 1.0
    fig.add_trace(
        go.Heatmap(
            z=contrast,
            colorscale=SIGNED,
            zmin=-lim,
            zmax=lim,
            colorbar=dict(title="gradient", thickness=12),
            hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
        ),
        1,
        2,
    )
    fig.add_trace(
        go.Contour(
            z=image,
            contours=dict(start=0.5, end=0.5, coloring="none"),
            line=dict(color="black", width=1),
            showscale=False,
            hoverinfo="skip",
        ),
        1,
        2,
    )
    _square(fig, 1, 1, "x")
    _square(fig, 1, 2, "x2")
    fig.update_layout(height=330, margin=dict(l=10, r=10, t=40, b=10))
    return fig
