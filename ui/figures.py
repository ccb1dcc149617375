"""Plotly figure builders shared by pages (pictures of digits, value matrices, bar charts, the network diagram)."""

from __future__ import annotations

import math

import numpy as np
import plotly.express as px
import plotly.graph_objects as go

from cnn_core.architecture import LIMITS
from cnn_core.formulas import ArchitectureTable, shape_text

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
    """Images per digit, (10,) counts each, as grouped bars named with each set's size."""
    digits = [str(d) for d in range(10)]
    fig = go.Figure(
        [
            go.Bar(name=f"{name} ({int(counts.sum()):,})", x=digits, y=counts, text=counts, textposition="outside")
            for name, counts in (("train", train_counts), ("test", test_counts))
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


# One colour per layer kind, on every figure that shows layers (the network diagram, the cost bars).
COLOURS = {
    "Input": "#BAB0AC",
    "Conv2D": "#4C78A8",
    "MaxPooling2D": "#F58518",
    "AveragePooling2D": "#E45756",
    "BatchNormalization": "#B279A2",
    "Dropout": "#72B7B2",
    "Flatten": "#9D9D9D",
    "Dense": "#54A24B",
}
BROKEN = "#D62728"


def network_diagram(table: ArchitectureTable, input_shape: tuple[int, ...]) -> go.Figure:
    """One block per layer (and the input): height grows with the map's width, width with its depth.

    Flat layers (Flatten, Dense) are drawn as thin bars whose height grows with their length.
    The first impossible layer, if any, is drawn in red with a dashed outline.
    """
    layers = [("input", "Input", tuple(input_shape), 0, None)] + [
        (r.name, r.kind, r.output_shape, r.params, r.error) for r in table.rows
    ]
    broken = table.first_error.name if table.first_error else None
    broken_at = next((i for i, layer in enumerate(layers) if layer[0] == broken), len(layers))
    biggest = max(max(s[0] if len(s) == 3 else math.log2(1 + s[0]) * 2, 1) for _, _, s, _, _ in layers)
    # Blocks are one bar trace (per-bar base and width) and labels one text trace: far cheaper for
    # the browser to redraw on every edit than one layout shape and two annotations per layer.
    xs, hs, ws, colours, opacity, line_w, top, bottom = [], [], [], [], [], [], [], []
    for i, (name, kind, shape, params, _) in enumerate(layers):
        if len(shape) == 3:
            h = 0.15 + 0.85 * shape[0] / biggest
            w = 0.15 + 0.65 * math.log2(1 + shape[2]) / math.log2(2 * LIMITS.filters[1])  # the most filters: ~0.8
        else:
            h = 0.15 + 0.85 * math.log2(1 + shape[0]) * 2 / biggest
            w = 0.12
        h = min(h, 1.0)
        xs.append(i)
        hs.append(h)
        ws.append(w)
        colours.append(BROKEN if i == broken_at else COLOURS.get(kind, "#777"))
        opacity.append(0.35 if i > broken_at else 0.9)
        line_w.append(3 if i == broken_at else 0)
        top.append(f"<b>{name}</b>")
        bottom.append(shape_text(shape) + (f"<br>{params:,} p" if params else ""))
    hover = [f"{n} ({k}): output {shape_text(s)}, {p:,} parameters" for n, k, s, p, _ in layers]
    data = [
        dict(
            type="bar",
            x=xs,
            y=hs,
            base=[-h / 2 for h in hs],
            width=ws,
            marker=dict(color=colours, opacity=opacity, line=dict(color="black", width=line_w)),
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
        ),
        dict(
            type="scatter",
            x=xs + xs,
            y=[h / 2 + 0.1 for h in hs] + [-h / 2 - 0.15 for h in hs],
            text=top + bottom,
            mode="text",
            textfont=dict(size=[11] * len(xs) + [10] * len(xs)),
            hoverinfo="skip",
            showlegend=False,
        ),
    ]
    # Legend entries (one per kind present) so the colours are explained on the figure itself.
    legend = [(k, COLOURS[k]) for k in dict.fromkeys(k for _, k, _, _, _ in layers)]
    if broken:
        legend.append(("cannot exist", BROKEN))
    data += [
        dict(type="scatter", x=[None], y=[None], mode="markers", name=k, marker=dict(size=12, color=c, symbol="square"))
        for k, c in legend
    ]
    layout = dict(
        xaxis=dict(visible=False, range=[-0.6, len(layers) - 0.4]),
        yaxis=dict(visible=False, range=[-0.8, 0.7]),
        height=300,
        margin=dict(l=0, r=0, t=10, b=0),
        plot_bgcolor="white",
        legend=dict(orientation="h", y=-0.02, x=0),
    )
    return go.Figure(dict(data=data, layout=layout), skip_invalid=False)


def diagram_summary(table: ArchitectureTable, input_shape: tuple[int, ...]) -> str:
    """The diagram in words, for readers who cannot see it."""
    steps = [f"input {shape_text(input_shape)}"] + [f"{r.name} {shape_text(r.output_shape)}" for r in table.rows]
    return "Data flows left to right: " + " → ".join(steps) + "."


GREY_SCALE = [[0.0, "rgb(0,0,0)"], [1.0, "rgb(255,255,255)"]]  # 0 black, the maximum white
DIVERGING = [[0.0, "rgb(5,48,97)"], [0.5, "rgb(247,247,247)"], [1.0, "rgb(103,0,31)"]]  # blue < 0 < red


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
            colorscale=it.get("scale") or GREY_SCALE,
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
