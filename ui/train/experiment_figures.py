"""Plotly figures of the guided experiments: one chart per experiment, built from its measured outcomes."""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cnn_core.experiment_results import CHANCE, Outcome, turn_up_epoch
from cnn_core.experiments import CHART_BATCH, CHART_LOSS_GAP, Experiment
from cnn_core.improved_record import TARGET, ImprovedRecord
from ui.train.figures import PALETTE, TRAIN_DASH, VALIDATION_DASH, _layout


def loss_gap(o: Outcome) -> go.Figure:
    """Training (dashed) and validation (solid) loss per epoch of one run, the lowest validation loss marked."""
    epochs = [h["epoch"] for h in o.history]
    fig = go.Figure()
    fig.add_scatter(
        x=epochs,
        y=o.series("loss"),
        name="training loss",
        mode="lines+markers",
        line=dict(color=PALETTE[0], dash=TRAIN_DASH),
    )
    fig.add_scatter(
        x=epochs,
        y=o.series("val_loss"),
        name="validation loss",
        mode="lines+markers",
        line=dict(color=PALETTE[3], dash=VALIDATION_DASH),
    )
    val = o.series("val_loss")
    finite = [(e, v) for e, v in zip(epochs, val, strict=True) if v is not None and math.isfinite(v)]
    if finite:
        best_epoch = min(finite, key=lambda ev: ev[1])[0]
        fig.add_vline(x=best_epoch, line_dash="dot", annotation_text=f"lowest validation loss: epoch {best_epoch}")
    # a logarithmic loss axis: the late epochs' small rise stays visible beside the first epochs' large fall
    fig.update_layout(
        xaxis=dict(title="epoch", dtick=1 if len(epochs) <= 10 else 2), yaxis=dict(title="loss (log scale)", type="log")
    )
    return _layout(fig, f"{o.name}: training (dashed) vs validation (solid) loss", height=360)


def val_accuracy(outcomes: list[Outcome]) -> go.Figure:
    """Each variant's validation accuracy per epoch, one colour per variant, with the level of guessing."""
    fig = go.Figure()
    for i, o in enumerate(outcomes):
        fig.add_scatter(
            x=[h["epoch"] for h in o.history],
            y=o.series("val_accuracy"),
            name=o.name,
            mode="lines+markers",
            line=dict(color=PALETTE[i % len(PALETTE)]),
        )
    fig.update_layout(xaxis=dict(title="epoch", dtick=1), yaxis=dict(title="validation accuracy", tickformat=".0%"))
    if near_chance(outcomes):  # the whole scale, with the level of guessing; else zoomed in on the differences
        fig.add_hline(y=CHANCE, line_dash="dot", annotation_text=f"guessing: {CHANCE:.0%}")
        fig.update_yaxes(range=[0, 1])
    return _layout(fig, "Validation accuracy per epoch", height=360)


def near_chance(outcomes: list[Outcome]) -> bool:
    """True when some variant ended below half right: then the chart shows 0-100% and the level of guessing."""
    return any(o.last("val_accuracy") is None or o.last("val_accuracy") < 0.5 for o in outcomes)


def batch_effects(outcomes: list[Outcome]) -> go.Figure:
    """Left: seconds per epoch of each variant (bars). Right: each variant's per-batch loss over its last epoch."""
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=("Seconds per epoch", "Loss of each batch, last epoch"), horizontal_spacing=0.14
    )
    for i, o in enumerate(outcomes):
        colour = PALETTE[i % len(PALETTE)]
        fig.add_bar(
            x=[o.name],
            y=[o.seconds],
            name=o.name,
            marker_color=colour,
            text=[None if o.seconds is None else f"{o.seconds:.2f} s"],
            textposition="outside",
            showlegend=False,  # the bars are named under the axis; the legend names the curves
            row=1,
            col=1,
        )
        n = len(o.last_epoch_losses)
        fig.add_scatter(
            x=[(k + 1) / n for k in range(n)],
            y=list(o.last_epoch_losses),
            name=f"{o.name}: {n} batch{'es' if n != 1 else ''}",
            mode="lines+markers" if n <= 40 else "lines",
            line=dict(color=colour),
            row=1,
            col=2,
        )
    fig.update_yaxes(title_text="seconds", row=1, col=1)
    fig.update_xaxes(title_text="share of the epoch done", tickformat=".0%", row=1, col=2)
    fig.update_yaxes(title_text="loss of the batch", row=1, col=2)
    return _layout(fig, "", height=380)


def figure(exp: Experiment, outcomes: list[Outcome]) -> go.Figure:
    """The one chart of `exp`."""
    if exp.chart == CHART_LOSS_GAP:
        return loss_gap(outcomes[0])
    if exp.chart == CHART_BATCH:
        return batch_effects(outcomes)
    return val_accuracy(outcomes)


def caption(exp: Experiment, outcomes: list[Outcome]) -> str:
    """What the chart draws, in words (its line styles, axes and marks)."""
    if exp.chart == CHART_LOSS_GAP:
        turn = turn_up_epoch(outcomes[0].series("val_loss"))
        where = f"it turns upward at epoch {turn}" if turn is not None else "it never turns upward here"
        return (
            "Dashed: the loss on the training images; solid: the loss on the held-back validation images, on a "
            "logarithmic scale so that the late epochs' small changes show; the dotted vertical line marks the "
            f"epoch of the lowest validation loss ({where})."
        )
    if exp.chart == CHART_BATCH:
        return (
            "Left: the typical seconds one epoch took (the first epoch, when TensorFlow builds its training step, "
            "left out). Right: the loss of every batch of the last epoch, recovered from the running mean Keras "
            "reports; the more it zigzags, the noisier each weight update."
        )
    text = "One line per variant: the share of the validation images it got right after each epoch."
    if near_chance(outcomes):
        return text + f" The dotted horizontal line is what guessing gets ({CHANCE:.0%})."
    return text + " The scale is zoomed in on the differences: it does not start at 0."


def improved_record(rec: ImprovedRecord, seed_test_accuracy: float) -> go.Figure:
    """The improved preset's test accuracy after each epoch, the 99.5% target and the shipped seed network's."""
    epochs = list(range(1, rec.epochs + 1))
    fig = go.Figure()
    fig.add_scatter(
        x=epochs, y=rec.test_accuracy, name="improved preset", mode="lines+markers", line=dict(color=PALETTE[0])
    )
    fig.add_hline(y=TARGET, line_dash="dot", annotation_text=f"target: {TARGET:.1%}")
    fig.add_hline(
        y=seed_test_accuracy,
        line_dash="dash",
        line_color=PALETTE[3],
        annotation_text=f"shipped seed network: {seed_test_accuracy:.2%}",
        annotation_position="bottom right",
    )
    fig.update_layout(xaxis=dict(title="epoch", dtick=1), yaxis=dict(title="test accuracy", tickformat=".2%"))
    return _layout(fig, "Improved preset: test accuracy after each epoch (recorded run)", height=320)
