"""Plotly figure builders shared by pages (pictures of digits, value matrices, bar charts)."""

from __future__ import annotations

import numpy as np
import plotly.express as px
import plotly.graph_objects as go

GREY = "gray"


def pixel_matrix(img: np.ndarray, title: str, fmt: str = "d") -> go.Figure:
    """A (H, W) image as a heatmap with each pixel's value written in its cell, and a colour legend."""
    fig = px.imshow(img, color_continuous_scale=GREY, text_auto=f".{2 if fmt == 'f' else 0}f" if fmt == "f" else True)
    fig.update_traces(textfont_size=8)
    fig.update_layout(
        title=title,
        height=620,
        margin=dict(l=10, r=10, t=40, b=10),
        coloraxis_colorbar=dict(title="value"),
    )
    return fig


def digit_grid(images: np.ndarray, labels, cols: int = 10, title: str = "") -> go.Figure:
    """Small multiples of (N, 28, 28) digits, each titled with its label."""
    fig = px.imshow(images, facet_col=0, facet_col_wrap=cols, binary_string=True, facet_row_spacing=0.06)
    for ann in fig.layout.annotations:
        i = int(ann.text.split("=")[1])
        ann.text = f"label {labels[i]}"
        ann.font.size = 11
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    rows = -(-len(images) // cols)
    fig.update_layout(title=title, height=110 * rows + 40, margin=dict(l=0, r=0, t=40, b=0))
    return fig


def class_balance(train_counts: np.ndarray, test_counts: np.ndarray) -> go.Figure:
    digits = [str(d) for d in range(10)]
    fig = go.Figure(
        [
            go.Bar(name="train (60,000)", x=digits, y=train_counts, text=train_counts, textposition="outside"),
            go.Bar(name="test (10,000)", x=digits, y=test_counts, text=test_counts, textposition="outside"),
        ]
    )
    fig.update_layout(
        barmode="group",
        xaxis_type="category",
        xaxis_title="digit",
        yaxis_title="images",
        height=380,
        margin=dict(l=10, r=10, t=30, b=10),
        legend=dict(orientation="h", y=1.1),
    )
    return fig


def vector_bar(values, title: str, y_title: str = "value") -> go.Figure:
    """A 10-vector (one-hot or probabilities) as bars labelled 0-9."""
    values = np.asarray(values, dtype=float)
    fig = go.Figure(go.Bar(x=[str(i) for i in range(len(values))], y=values, text=[f"{v:.2g}" for v in values]))
    fig.update_layout(
        title=title, xaxis_title="digit", yaxis_title=y_title, height=260, margin=dict(l=10, r=10, t=40, b=10)
    )
    return fig


def network_diagram(rows) -> go.Figure:
    """One block per layer of a formulas.layer_table, height growing with its output size, labelled with shapes."""
    colours = {
        "Conv2D": "#4C78A8",
        "MaxPooling2D": "#F58518",
        "AveragePooling2D": "#F58518",
        "Flatten": "#9D9D9D",
        "Dense": "#54A24B",
    }
    fig = go.Figure()
    sizes = [np.log2(1 + np.prod(r.output_shape)) for r in rows]
    top = max(sizes)
    for i, (r, s) in enumerate(zip(rows, sizes, strict=True)):
        h = 0.25 + 0.75 * s / top
        shape = "x".join(str(d) for d in r.output_shape)
        fig.add_shape(
            type="rect",
            x0=i - 0.4,
            x1=i + 0.4,
            y0=-h / 2,
            y1=h / 2,
            fillcolor=colours.get(r.kind, "#777"),
            line_width=0,
            opacity=0.85,
        )
        fig.add_annotation(x=i, y=h / 2 + 0.08, text=f"<b>{r.name}</b><br>{r.kind}", showarrow=False, font_size=10)
        fig.add_annotation(x=i, y=-h / 2 - 0.1, text=f"{shape}<br>{r.params:,} params", showarrow=False, font_size=10)
    fig.add_trace(
        go.Scatter(
            x=list(range(len(rows))),
            y=[0] * len(rows),
            mode="markers",
            marker_opacity=0,
            hovertext=[f"{r.name}: {r.config} -> {r.output_shape}, {r.params:,} parameters" for r in rows],
            hoverinfo="text",
            showlegend=False,
        )
    )
    fig.update_xaxes(visible=False, range=[-0.6, len(rows) - 0.4])
    fig.update_yaxes(visible=False, range=[-0.85, 0.85])
    fig.update_layout(height=300, margin=dict(l=0, r=0, t=10, b=0), plot_bgcolor="white")
    return fig
