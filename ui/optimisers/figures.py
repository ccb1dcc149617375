"""Plotly pictures of the optimiser race: paths over the loss surface's contours, and loss per step."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from cnn_core.optimisers import Outcome, Path, Surface, grid

NAMES = {"gd": "Gradient descent", "momentum": "Momentum", "rmsprop": "RMSprop", "adam": "Adam"}
# Colour and dash both differ, so the paths stay apart in grey print and for colour-blind readers.
STYLES = {
    "gd": dict(color="#d62728", dash="solid"),
    "momentum": dict(color="#ff7f0e", dash="dash"),
    "rmsprop": dict(color="#2ca02c", dash="dot"),
    "adam": dict(color="#1f77b4", dash="dashdot"),
}
SURFACE_SCALE = [[0.0, "#ffffff"], [1.0, "#555555"]]  # greys, lighter is lower: the coloured paths stand out
FLOOR = 1e-4  # losses below this share the darkest colour (the minimum itself is 0)


def _log_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    powers = range(math.floor(lo), math.ceil(hi) + 1)
    return list(powers), [f"{10.0**p:g}" for p in powers]


def race_figure(surface: Surface, race: dict[str, tuple[Path, Outcome]]) -> go.Figure:
    """Contours of log10(loss) with a colour bar in loss units, the four paths, the start and the minimum."""
    xs, ys, z = grid(surface)
    logz = np.log10(np.maximum(z, FLOOR))
    tickvals, ticktext = _log_ticks(float(logz.min()), float(logz.max()))
    data = [
        dict(
            type="contour",
            x=xs,
            y=ys,
            z=logz,
            colorscale=SURFACE_SCALE,
            contours=dict(coloring="heatmap", showlines=True),
            line=dict(width=0.5),
            colorbar=dict(title=dict(text="loss"), tickvals=tickvals, ticktext=ticktext),
            hovertemplate="x %{x:.2f}, y %{y:.2f}<extra></extra>",
            name="loss",
        )
    ]
    for kind, (walk, _) in race.items():
        data.append(
            dict(
                type="scatter",
                x=walk.points[:, 0],
                y=walk.points[:, 1],
                mode="lines+markers",
                name=NAMES[kind],
                line=dict(width=2.5, **STYLES[kind]),
                marker=dict(size=4, color=STYLES[kind]["color"]),
                hovertemplate=NAMES[kind] + " step %{pointNumber}: (%{x:.3f}, %{y:.3f})<extra></extra>",
            )
        )
    start = next(iter(race.values()))[0].points[0]
    data.append(
        dict(
            type="scatter",
            x=[start[0]],
            y=[start[1]],
            mode="markers",
            name="start",
            marker=dict(symbol="circle-open", size=14, color="black", line=dict(width=3)),
        )
    )
    m = surface.minimum
    data.append(
        dict(
            type="scatter",
            x=[m[0]],
            y=[m[1]],
            mode="markers",
            name="minimum",
            marker=dict(symbol="x", size=14, color="black"),
        )
    )
    layout = dict(
        height=520,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(title="x", range=list(surface.x_range), constrain="domain"),
        yaxis=dict(title="y", range=list(surface.y_range), scaleanchor="x", scaleratio=1, constrain="domain"),
        legend=dict(orientation="h", y=-0.15, x=0),
    )
    return go.Figure(dict(data=data, layout=layout), skip_invalid=False)


def loss_figure(race: dict[str, tuple[Path, Outcome]]) -> go.Figure:
    """The loss after every step of each path, on a log scale (0 drawn at FLOOR)."""
    data = []
    for kind, (walk, _) in race.items():
        losses = walk.losses
        data.append(
            dict(
                type="scatter",
                x=np.arange(len(losses)),
                y=np.maximum(losses, FLOOR),
                mode="lines",
                name=NAMES[kind],
                line=dict(width=2.5, **STYLES[kind]),
                hovertemplate=NAMES[kind] + " step %{x}: loss %{y:.3g}<extra></extra>",
            )
        )
    layout = dict(
        height=320,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(title="step"),
        yaxis=dict(title="loss (log scale)", type="log"),
        legend=dict(orientation="h", y=-0.25, x=0),
    )
    return go.Figure(dict(data=data, layout=layout), skip_invalid=False)
