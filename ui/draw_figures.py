"""Plotly figures of the Draw page: probabilities, feature-map mosaics, kernels, bar strips, saliency.

Each builder takes arrays computed in cnn_core and returns one go.Figure; every
colour scale carries a colorbar. No maths here beyond what plotly needs.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

MAPS = "Viridis"  # sequential: activations are >= 0 after ReLU
SIGNED = "RdBu_r"  # diverging, red = positive, blue = negative
_CONFIG_MARGIN = dict(l=10, r=10, t=30, b=10)


def _two_panels(fig: go.Figure, titles: list[str], height: int) -> None:
    """Side-by-side square panels without make_subplots (which costs ~60 ms per figure)."""
    axis = dict(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=40, b=10),
        plot_bgcolor="white",
        xaxis=dict(domain=[0, 0.4], constrain="domain", **axis),
        yaxis=dict(autorange="reversed", scaleanchor="x", constrain="domain", **axis),
        xaxis2=dict(domain=[0.56, 0.96], constrain="domain", **axis),
        yaxis2=dict(autorange="reversed", scaleanchor="x2", constrain="domain", anchor="x2", **axis),
        annotations=[
            dict(text=t, x=x, y=1.0, xref="paper", yref="paper", yanchor="bottom", showarrow=False)
            for t, x in zip(titles, (0.2, 0.76), strict=False)
        ],
    )


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


def _heat(z, colorscale, bar_title: str, bar_x: float, xaxis: str, **kw) -> go.Heatmap:
    return go.Heatmap(
        z=z,
        colorscale=colorscale,
        colorbar=dict(title=dict(text=bar_title, side="right"), x=bar_x, thickness=12, len=0.9),
        xaxis=xaxis,
        yaxis=xaxis.replace("x", "y"),
        hovertemplate="row %{y}, col %{x}: %{z:.3f}<extra></extra>",
        hoverongaps=False,
        **kw,
    )


def map_and_kernels(fmap: np.ndarray, title: str, kernels: np.ndarray | None, kernel_title: str) -> go.Figure:
    """A feature map large (left) beside the mosaic of the kernel slices that produced it (right)."""
    fig = go.Figure(_heat(fmap, MAPS, "activation", 0.41, "x"))
    if kernels is not None:
        lim = float(np.nanmax(np.abs(kernels))) or 1.0
        fig.add_trace(_heat(kernels, SIGNED, "weight", 0.97, "x2", zmin=-lim, zmax=lim))
    _two_panels(fig, [title, kernel_title], 360)
    return fig


def saliency(image: np.ndarray, grad: np.ndarray, contrast: np.ndarray, digit: int, runner_up: int) -> go.Figure:
    """Left: |gradient| of the predicted score over the input. Right: signed gradient of top minus runner-up."""
    lim = float(np.abs(contrast).max()) or 1.0
    fig = go.Figure(
        [
            go.Heatmap(z=image, colorscale="Greys", reversescale=True, showscale=False, hoverinfo="skip"),
            _heat(np.abs(grad), "Hot", "|gradient|", 0.41, "x", opacity=0.7),
            _heat(contrast, SIGNED, "gradient", 0.97, "x2", zmin=-lim, zmax=lim),
            go.Contour(
                z=image,
                contours=dict(start=0.5, end=0.5, coloring="none"),
                line=dict(color="black", width=1),
                showscale=False,
                hoverinfo="skip",
                xaxis="x2",
                yaxis="y2",
            ),
        ]
    )
    _two_panels(fig, [f"Where the score of {digit} is sensitive", f"Towards {digit} (red) or {runner_up} (blue)"], 330)
    return fig
