"""Evaluate page helpers: cached test-set predictions per model, and the page's plotly figures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from cnn_core import metrics
from cnn_core.data import N_CLASSES, N_TEST
from cnn_core.preprocess import to_model_input


@dataclass
class TestResult:
    """One model's answers on the 10,000 test images."""

    probs: np.ndarray  # (10000, 10) float32
    labels: np.ndarray  # (10000,) true digits
    predicted: np.ndarray  # (10000,) argmax of probs
    loss: float
    accuracy: float
    report: metrics.Report
    confusion: np.ndarray  # (10, 10) counts
    correct: int  # how many test images it gets right
    model_id: str = ""


@st.cache_data(show_spinner=f"Predicting all {N_TEST:,} test images...", max_entries=8)
def test_result(model_id: str, _model, _mnist) -> TestResult:
    """Predict the test set in batches with model(x, training=False); cached per model id."""
    _, (x_test, y_test) = _mnist
    probs = metrics.predict_in_batches(_model, to_model_input(x_test))
    predicted = probs.argmax(axis=1)
    return TestResult(
        probs,
        y_test,
        predicted,
        metrics.log_loss(probs, y_test),
        metrics.accuracy(probs, y_test),
        metrics.classification_report(y_test, predicted),
        metrics.confusion_matrix(y_test, predicted),
        int((predicted == y_test).sum()),
        model_id,
    )


def digit_figure(image: np.ndarray, title: str) -> go.Figure:
    """A (28, 28) uint8 digit as a grey heatmap with a 0-255 colorbar."""
    fig = go.Figure(
        go.Heatmap(
            z=image,
            colorscale="gray",
            zmin=0,
            zmax=255,
            colorbar=dict(title="pixel"),
            hovertemplate="row %{y}, col %{x}: %{z}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", scaleanchor="x", visible=False)
    fig.update_xaxes(visible=False)
    fig.update_layout(title=title, height=300, margin=dict(l=10, r=10, t=40, b=10))
    return fig


def probability_figure(probs: np.ndarray, true_label: int) -> go.Figure:
    """The ten predicted probabilities as bars; the argmax in red, the true digit outlined."""
    top = int(np.argmax(probs))
    colours = ["#d62728" if d == top else "#1f77b4" for d in range(len(probs))]
    fig = go.Figure(
        go.Bar(
            x=list(range(len(probs))),
            y=probs,
            marker_color=colours,
            marker_line_width=[3 if d == true_label else 0 for d in range(len(probs))],
            marker_line_color="black",
            text=[f"{p:.3f}" for p in probs],
            textposition="outside",
            hovertemplate="digit %{x}: %{y:.4f}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text="digit", dtick=1)
    fig.update_yaxes(title_text="probability", range=[0, 1.15])
    fig.update_layout(
        title="Predicted probabilities (red = argmax, black outline = true digit)",
        height=300,
        margin=dict(l=10, r=10, t=40, b=10),
    )
    return fig


def confusion_figure(cm: np.ndarray, normalised: bool, selected: tuple[int, int] | None) -> go.Figure:
    """10 x 10 heatmap: rows true digit, columns predicted digit; values written in the cells."""
    z = metrics.row_normalise(cm) if normalised else cm
    text = [[f"{v:.1%}" if normalised else f"{v:,}" for v in row] for row in z]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(range(N_CLASSES)),
            y=list(range(N_CLASSES)),
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=1 if normalised else None,
            colorbar=dict(title="share of row" if normalised else "images"),
            hovertemplate="true %{y}, predicted %{x}: %{text}<extra></extra>",
        )
    )
    # Plotly heatmaps send no selection events to Streamlit, so near-invisible markers on the cell
    # centres take the clicks (streamlit/streamlit#8760).
    fig.add_scatter(
        x=[p for t in range(N_CLASSES) for p in range(N_CLASSES)],
        y=[t for t in range(N_CLASSES) for p in range(N_CLASSES)],
        mode="markers",
        marker=dict(size=28, opacity=0.01, color="black", symbol="square"),
        hoverinfo="none",
        showlegend=False,
    )
    if selected is not None:
        t, p = selected
        fig.add_shape(type="rect", x0=p - 0.5, x1=p + 0.5, y0=t - 0.5, y1=t + 0.5, line=dict(color="#d62728", width=3))
    fig.update_xaxes(title_text="predicted digit", dtick=1, side="top")
    fig.update_yaxes(title_text="true digit", dtick=1, autorange="reversed")
    fig.update_layout(height=520, margin=dict(l=10, r=10, t=60, b=10), clickmode="event+select", dragmode=False)
    return fig
