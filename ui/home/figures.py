"""Plotly figures for the Home page's live answers (no maths: every array comes from cnn_core)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from cnn_core.seed_facts import TrainingRecord

GREY = [[0.0, "rgb(0,0,0)"], [1.0, "rgb(255,255,255)"]]
DIVERGING = [[0.0, "rgb(5,48,97)"], [0.5, "rgb(247,247,247)"], [1.0, "rgb(103,0,31)"]]  # blue < 0 < red
CHANGED = [[0.0, "rgb(255,255,255)"], [1.0, "rgb(214,39,40)"]]


def panels(items: list[dict], height: int = 280) -> go.Figure:
    """Square heatmaps side by side in ONE figure (one Plotly draw, not one per picture), each with its title,
    its colour legend and hover values.

    items : dicts with z (H, W), title, colorbar, and optionally zrange (lo, hi) and scale (a colour scale).
    Arrays of at most 7 x 7 (a filter's weights) get their values written in the cells.
    """
    n = len(items)
    data, layout = [], {}
    width = 1.0 / n
    for i, it in enumerate(items, start=1):
        a = np.asarray(it["z"])
        x0, x1 = (i - 1) * width + 0.035, i * width - 0.075  # room for the y ticks and the colour legend
        hm = dict(
            type="heatmap",
            z=a.astype(np.float32),
            xaxis=f"x{i}",
            yaxis=f"y{i}",
            colorscale=it.get("scale") or GREY,
            colorbar=dict(title=dict(text=it["colorbar"]), thickness=8, len=0.8, x=x1 + 0.005, y=0.55),
            hovertemplate="row %{y}, column %{x}<br>value %{z:.4g}<extra></extra>",
        )
        if it.get("zrange") is not None:
            hm["zmin"], hm["zmax"] = it["zrange"]
        if max(a.shape) <= 7:
            hm["texttemplate"] = "%{z:.2f}"
        data.append(hm)
        # the title sits under its own picture (the x axis title), so it stays centred on it
        title = dict(text=f"<b>{it['title']}</b>", font=dict(size=12), standoff=4)
        layout[f"xaxis{i}"] = dict(domain=[x0, x1], anchor=f"y{i}", showgrid=False, title=title)
        layout[f"yaxis{i}"] = dict(
            domain=[0, 1], anchor=f"x{i}", autorange="reversed", scaleanchor=f"x{i}", constrain="domain", showgrid=False
        )
    layout.update(height=height, margin=dict(l=5, r=5, t=5, b=5), plot_bgcolor="white")
    # Plain dicts without Plotly's per-property validation (quicker); tests validate a built figure.
    return go.Figure(dict(data=data, layout=layout), _validate=False)


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
