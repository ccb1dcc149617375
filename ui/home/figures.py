"""Plotly figures for the Home page's live answers (no maths: every array comes from cnn_core)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from cnn_core.seed_facts import TrainingRecord

GREY = [[0.0, "rgb(0,0,0)"], [1.0, "rgb(255,255,255)"]]
DIVERGING = [[0.0, "rgb(5,48,97)"], [0.5, "rgb(247,247,247)"], [1.0, "rgb(103,0,31)"]]  # blue < 0 < red
CHANGED = [[0.0, "rgb(255,255,255)"], [1.0, "rgb(214,39,40)"]]


def heat(a: np.ndarray, title: str, colorbar: str, zrange=None, scale=None, height: int = 260) -> go.Figure:
    """An (H, W) array as a square heatmap with a colour legend and hover values."""
    a = np.asarray(a)
    hm = dict(
        type="heatmap",
        z=a.astype(np.float32),
        colorscale=scale or GREY,
        colorbar=dict(title=dict(text=colorbar), thickness=10, len=0.9),
        hovertemplate="row %{y}, column %{x}<br>value %{z:.4g}<extra></extra>",
    )
    if zrange is not None:
        hm["zmin"], hm["zmax"] = zrange
    if max(a.shape) <= 7:  # a filter's weights: write each value in its cell
        hm["texttemplate"] = "%{z:.2f}"
    layout = dict(
        title=dict(text=title, font=dict(size=13)),
        height=height,
        margin=dict(l=5, r=5, t=35, b=5),
        yaxis=dict(autorange="reversed", scaleanchor="x", constrain="domain", showgrid=False),
        xaxis=dict(constrain="domain", showgrid=False),
        plot_bgcolor="white",
    )
    return go.Figure(dict(data=[hm], layout=layout), _validate=False)


def history(r: TrainingRecord) -> go.Figure:
    """Training and validation accuracy per epoch, from the shipped model's training record."""
    epochs = list(range(1, r.epochs + 1))
    fig = go.Figure(
        [
            go.Scatter(x=epochs, y=r.accuracy, mode="lines+markers", name=f"training images ({r.n_fit:,})"),
            go.Scatter(
                x=epochs,
                y=r.val_accuracy,
                mode="lines+markers",
                name=f"validation images, never trained on ({r.n_validation:,})",
                line=dict(dash="dash"),
            ),
        ]
    )
    fig.update_layout(
        xaxis=dict(title="epoch (pass over the training images)", dtick=1),
        yaxis=dict(title="accuracy", tickformat=".1%"),
        height=300,
        margin=dict(l=10, r=10, t=30, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0),
    )
    return fig
