"""Plotly pictures of a layer table: the network diagram and the per-layer cost bars, each with a text summary."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from cnn_core.costs import activation_bytes, cost_split
from cnn_core.formulas import ArchitectureTable

COLOURS = {
    "Input": "#BAB0AC",
    "Conv2D": "#4C78A8",
    "MaxPooling2D": "#F58518",
    "AveragePooling2D": "#E45756",
    "Flatten": "#9D9D9D",
    "Dense": "#54A24B",
}
BROKEN = "#D62728"


def _shape(s) -> str:
    return "x".join(str(d) for d in s)


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
            w = 0.15 + 0.65 * math.log2(1 + shape[2]) / 9  # 9 = log2(512): 256 filters fills most of a slot
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
        bottom.append(_shape(shape) + (f"<br>{params:,} p" if params else ""))
    hover = [f"{n} ({k}): output {_shape(s)}, {p:,} parameters" for n, k, s, p, _ in layers]
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
    steps = [f"input {_shape(input_shape)}"] + [f"{r.name} {_shape(r.output_shape)}" for r in table.rows]
    return "Data flows left to right: " + " → ".join(steps) + "."


def cost_bars(table: ArchitectureTable) -> go.Figure:
    """Three bar charts side by side: parameters, multiply-accumulates and activation memory per layer."""
    names = [r.name for r in table.rows]
    colours = [COLOURS.get(r.kind, "#777") for r in table.rows]
    titles = ("Parameters", "Multiply-adds per digit", "Activation memory per digit (KiB)")
    series = (
        [r.params for r in table.rows],
        [r.macs for r in table.rows],
        [b / 1024 for b in activation_bytes(table)],
    )
    # Three panels laid out by axis domains in one layout dict (make_subplots costs ~30 ms per rerun).
    gap, width = 0.07, (1 - 2 * 0.07) / 3
    data, layout = [], {}
    for col, (title, ys) in enumerate(zip(titles, series, strict=True), start=1):
        x0 = (col - 1) * (width + gap)
        suffix = "" if col == 1 else str(col)
        text = [f"{y:,.1f}" if col == 3 else f"{y:,}" for y in ys]
        data.append(
            dict(
                type="bar",
                x=names,
                y=ys,
                xaxis=f"x{suffix}",
                yaxis=f"y{suffix}",
                marker=dict(color=colours),
                text=text,
                textposition="outside",
                cliponaxis=False,
                showlegend=False,
                hovertemplate="%{x}: %{text}<extra>" + title + "</extra>",
            )
        )
        layout[f"xaxis{suffix}"] = dict(domain=[x0, x0 + width], anchor=f"y{suffix}")
        layout[f"yaxis{suffix}"] = dict(anchor=f"x{suffix}", rangemode="tozero")
        layout.setdefault("annotations", []).append(
            dict(
                text=title,
                x=x0 + width / 2,
                y=1.0,
                xref="paper",
                yref="paper",
                xanchor="center",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=14),
            )
        )
    for k in dict.fromkeys(r.kind for r in table.rows):
        data.append(dict(type="bar", x=[None], y=[None], marker=dict(color=COLOURS[k]), name=k))
    layout.update(
        height=340,
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", y=-0.25, x=0),
        uniformtext=dict(minsize=8, mode="hide"),
    )
    return go.Figure(dict(data=data, layout=layout), skip_invalid=False)


def cost_summary(table: ArchitectureTable) -> str:
    """One sentence contrasting where parameters and where compute live."""
    s = cost_split(table)
    return (
        f"Conv layers hold {s.conv_params:.0%} of the parameters but do {s.conv_macs:.0%} of the multiply-adds; "
        f"dense layers hold {s.dense_params:.0%} of the parameters and do {s.dense_macs:.0%} of the work. "
        f"One digit's activations take {s.total_activation_bytes / 1024:,.1f} KiB in float32."
    )
