"""Plotly pictures for the Architecture page: the per-layer cost bars with a text summary, and the
activation curves (the ones this network uses drawn thick).

The network diagram, shared with the Home page, is `ui.figures.network_diagram`.
"""

from __future__ import annotations

import plotly.graph_objects as go

from cnn_core.activations import curve
from cnn_core.costs import activation_bytes, cost_split
from cnn_core.formulas import ArchitectureTable
from ui.figures import COLOURS


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


# One line style per activation, so a curve keeps its look when the network changes.
ACTIVATION_COLOURS = {"relu": "#d62728", "tanh": "#1f77b4", "sigmoid": "#2ca02c", "elu": "#9467bd", "linear": "#7f7f7f"}


def activation_curves(used: dict[str, list[str]]) -> go.Figure:
    """All offered activations over [-4, 4]: solid and thick where a layer of the network uses them,
    thin and dotted otherwise. `used` maps each activation to its layers (cnn_core.activations.layers_by_activation)."""
    data = []
    for name, layers in used.items():
        xs, ys = curve(name)
        inside = bool(layers)
        data.append(
            dict(
                type="scatter",
                x=xs,
                y=ys,
                mode="lines",
                name=f"{name} ({', '.join(layers)})" if inside else f"{name} (not used)",
                line=dict(
                    color=ACTIVATION_COLOURS[name], width=4 if inside else 1.5, dash="solid" if inside else "dot"
                ),
                opacity=1.0 if inside else 0.6,
                hovertemplate=f"{name}(%{{x:.2f}}) = %{{y:.3f}}<extra></extra>",
            )
        )
    layout = dict(
        height=320,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(title="the layer's sum (weights x inputs + bias)", zeroline=True),
        yaxis=dict(title="what the layer passes on", range=[-2, 4], zeroline=True),
        legend=dict(title="activation (layers using it)"),
    )
    return go.Figure(dict(data=data, layout=layout), skip_invalid=False)
