"""The Draw page's one interactive chart: the ten probabilities (pictures are in ui.draw_images)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

_CONFIG_MARGIN = dict(l=10, r=10, t=30, b=10)


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
