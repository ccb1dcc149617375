"""Plotly figures for the Home page's live answers (no maths: every array comes from cnn_core)."""

from __future__ import annotations

import plotly.graph_objects as go

from cnn_core.seed_facts import TrainingRecord
from ui.figures import panels  # noqa: F401 - the Home page's pictures use the shared one

DIVERGING = [[0.0, "rgb(5,48,97)"], [0.5, "rgb(247,247,247)"], [1.0, "rgb(103,0,31)"]]  # blue < 0 < red
CHANGED = [[0.0, "rgb(255,255,255)"], [1.0, "rgb(214,39,40)"]]


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
