"""Plotly figures of the Train page: live curves, run overlays, learned first-layer kernels."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

DIVERGING = "RdBu_r"  # blue = negative weight, white = 0, red = positive
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


def _layout(fig: go.Figure, title: str, height: int = 320) -> go.Figure:
    fig.update_layout(
        title=title,
        height=height,
        margin=dict(l=10, r=10, t=50, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.22),
    )
    return fig


def batch_curves(series: dict) -> go.Figure:
    """Training loss (left axis) and accuracy (right axis) after every batch.

    Built without make_subplots: this figure is redrawn every poll while a job trains, and
    make_subplots costs ~10x more Python time (time the training thread then waits for).
    """
    fig = go.Figure()
    fig.add_scatter(x=series["step"], y=series["loss"], name="training loss", mode="lines", line_color=PALETTE[0])
    fig.add_scatter(
        x=series["step"],
        y=series["accuracy"],
        name="training accuracy",
        mode="lines",
        line_color=PALETTE[1],
        yaxis="y2",
    )
    fig.update_layout(
        xaxis=dict(title="batch"),
        yaxis=dict(title="loss"),
        yaxis2=dict(title="accuracy", overlaying="y", side="right", range=[0, 1], dtick=0.2, showgrid=False),
    )
    return _layout(fig, "Per batch: training loss and accuracy (epoch's running mean)")


TRAIN_DASH, VALIDATION_DASH = "dash", "solid"


def curves_key(n_runs: int) -> str:
    """What epoch_curves draws, in words: line styles always, colours only when they mean runs."""
    styles = "dashed lines are training, solid lines validation"
    if n_runs > 1:
        return f"Each colour is one of the {n_runs} runs; {styles}."
    return f"One run: {styles} (loss on the left, accuracy on the right)."


def epoch_curves(runs: list, names: list[str] | None = None) -> go.Figure:
    """Per-epoch training (dashed) vs validation (solid) loss (left) and accuracy (right), one colour per run."""
    fig = go.Figure()
    for i, job in enumerate(runs):
        colour = PALETTE[i % len(PALETTE)]
        name = (names[i] if names else job.label.split(":")[0]) if len(runs) > 1 else ""
        ep = [h["epoch"] for h in job.history]
        for axis, key in (("", "loss"), ("2", "accuracy")):
            for prefix, dash, what in (("", TRAIN_DASH, "train"), ("val_", VALIDATION_DASH, "validation")):
                fig.add_scatter(
                    x=ep,
                    y=[h.get(prefix + key) for h in job.history],
                    name=f"{name} {what} {key}".strip(),
                    mode="lines+markers",
                    line=dict(color=colour if len(runs) > 1 else PALETTE[0 if what == "train" else 3], dash=dash),
                    xaxis="x" + axis,
                    yaxis="y" + axis,
                )
    fig.update_layout(
        xaxis=dict(domain=[0, 0.45], title="epoch", dtick=1),
        xaxis2=dict(domain=[0.55, 1], title="epoch", dtick=1),
        yaxis=dict(title="loss", anchor="x"),
        yaxis2=dict(title="accuracy", anchor="x2"),
    )
    return _layout(fig, "Per epoch: training (dashed) vs validation (solid)", height=380)


def kernel_grid(job, snapshot: int, selected: int) -> go.Figure:
    """Every first-layer kernel at one snapshot as one mosaic heatmap, on one shared diverging scale.

    One trace whatever the filter count (1-256): subplots need a spacing that shrinks with the rows
    (plotly refuses a fixed one past ~17 rows) and cost ~10 ms of Python per kernel. Kernels are
    laid out left to right, `cols` per row, with a one-pixel gap; hover names each kernel.
    """
    k = job.kernels[snapshot]  # (ks, ks, channels, n)
    ks, n = k.shape[0], k.shape[-1]
    cols = 8 if n <= 64 else 16
    rows = -(-n // cols)
    cell = ks + 1
    z = np.full((rows * cell - 1, cols * cell - 1), np.nan)
    info = np.full((*z.shape, 3), -1, dtype=int)  # kernel number, row and column inside it
    for i in range(n):
        r0, c0 = (i // cols) * cell, (i % cols) * cell
        z[r0 : r0 + ks, c0 : c0 + ks] = k[:, :, 0, i]
        info[r0 : r0 + ks, c0 : c0 + ks, 0] = i + 1
        info[r0 : r0 + ks, c0 : c0 + ks, 1] = np.arange(1, ks + 1)[:, None]  # rows and columns from 1
        info[r0 : r0 + ks, c0 : c0 + ks, 2] = np.arange(1, ks + 1)[None, :]
    lim = job.kernel_limit()
    fig = go.Figure(
        go.Heatmap(
            z=z,
            customdata=info,
            zmin=-lim,
            zmax=lim,
            colorscale=DIVERGING,
            colorbar=dict(title="weight"),
            hoverongaps=False,
            hovertemplate="kernel #%{customdata[0]}<br>row %{customdata[1]}, col %{customdata[2]}"
            "<br>weight %{z:.3f}<extra></extra>",
        )
    )
    r0, c0 = (selected // cols) * cell, (selected % cols) * cell
    fig.add_shape(type="rect", x0=c0 - 0.5, x1=c0 + ks - 0.5, y0=r0 - 0.5, y1=r0 + ks - 0.5, line=dict(width=3))
    if n <= 64:  # numbered tiles; beyond that the hover names them
        for i in range(n):
            fig.add_annotation(
                x=(i % cols) * cell + (ks - 1) / 2,
                y=(i // cols) * cell - 0.5,
                text=f"{'▶ ' if i == selected else ''}#{i + 1}",
                showarrow=False,
                yanchor="bottom",
                font_size=10,
            )
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    fig.update_layout(plot_bgcolor="white")
    per_row = 90 if cols == 8 else 60
    title = f"Kernel #{selected + 1} outlined" + ("" if n <= 64 else f"; {cols} per row, hover one for its number")
    return _layout(fig, title, height=per_row * rows + 90)


def kernel_detail(kernel, lim: float, title: str) -> go.Figure:
    """One kernel (k, k) with its weights written in the cells, on the grid's colour scale.

    Rows and columns are numbered from 1, one tick per cell and no other, the axes ending at the cells' edges.
    """
    kernel = np.asarray(kernel)
    k = kernel.shape[0]
    cells = list(range(1, k + 1))
    fig = go.Figure(
        go.Heatmap(
            z=kernel,
            x=cells,
            y=cells,
            text=[[f"{v:+.3f}" for v in row] for row in kernel],
            texttemplate="%{text}",
            colorscale=DIVERGING,
            zmin=-lim,
            zmax=lim,
            colorbar=dict(title="weight"),
            hovertemplate="row %{y}, col %{x}: %{z:.4f}<extra></extra>",
        )
    )
    ticks = dict(tickmode="array", tickvals=cells, ticktext=[str(c) for c in cells])
    fig.update_yaxes(range=[k + 0.5, 0.5], scaleanchor="x", title="row", **ticks)
    fig.update_xaxes(range=[0.5, k + 0.5], constrain="domain", title="column", **ticks)
    return _layout(fig, title, height=330)
