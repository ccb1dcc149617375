"""The live layer table, the totals, and Keras' own table: formatting only, the numbers come from cnn_core."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cnn_core.costs import cost_split
from cnn_core.formulas import ArchitectureTable, shape_text
from cnn_core.nn.keras_check import KerasCheck
from ui.architecture.text import formula_text

BROKEN = "background-color: #fde2e1; color: #8a1c14; font-weight: 600"
AFTER_BROKEN = "color: #9aa0a6"


def table_frame(table: ArchitectureTable, input_shape: tuple[int, ...]) -> pd.DataFrame:
    """One row per layer plus the input and the total, as strings ready to show."""
    rows = [
        {
            "Layer": "input",
            "Type": "Input",
            "Hyper-parameters": "one grey MNIST digit",
            "Input shape": "",
            "Output shape": shape_text(input_shape),
            "Output size: formula = value": "",
            "Parameters": "0",
            "Parameters: formula = value": "",
        }
    ]
    for r in table.rows:
        rows.append(
            {
                "Layer": ("⚠ " if r.error else "") + r.name,
                "Type": r.kind,
                "Hyper-parameters": r.config,
                "Input shape": shape_text(r.input_shape),
                "Output shape": shape_text(r.output_shape),
                "Output size: formula = value": formula_text(r.shape_formula),
                "Parameters": f"{r.params:,}",
                "Parameters: formula = value": formula_text(r.params_formula),
            }
        )
    total = table.total_params
    rows.append(
        {
            "Layer": "Total",
            "Type": "",
            "Hyper-parameters": f"{len(table.rows)} layers",
            "Input shape": "",
            "Output shape": "",
            "Output size: formula = value": "",
            "Parameters": f"{total:,}",
            "Parameters: formula = value": " + ".join(f"{r.params:,}" for r in table.rows if r.params)
            + f" = {total:,}",
        }
    )
    return pd.DataFrame(rows)


def _style(frame: pd.DataFrame, broken_index: int | None):
    def paint(row):
        i = row.name
        if broken_index is None or i < broken_index or i == len(frame) - 1:
            css = ""
        elif i == broken_index:
            css = BROKEN
        else:
            css = AFTER_BROKEN
        return [css] * len(row)

    return frame.style.apply(paint, axis=1).hide(axis="index")


def show_table(table: ArchitectureTable, input_shape: tuple[int, ...]) -> None:
    """The per-layer table; the first impossible layer is highlighted and explained above it."""
    frame = table_frame(table, input_shape)
    broken = table.first_error
    broken_index = None
    if broken is not None:
        broken_index = 1 + table.rows.index(broken)  # +1: the input row comes first
        st.error(
            f"**Layer {broken.name} cannot exist** (highlighted in the table). {broken.error} "
            "The layers after it are greyed out; Keras would refuse to build this network.",
            icon=":material/block:",
        )
    st.table(_style(frame, broken_index))


def show_totals(table: ArchitectureTable) -> None:
    """Metric tiles: total, trainable and non-trainable parameters, compute and memory per example."""
    trainable = table.total_trainable
    fixed = table.total_params - trainable
    norms = sum(r.kind == "BatchNormalization" for r in table.rows)
    split = cost_split(table)
    if not table.valid:
        st.caption("These totals describe a network that cannot be built: see the highlighted layer below.")
    c = st.columns(5)
    c[0].metric("Total parameters", f"{table.total_params:,}")
    c[1].metric(
        "Trainable",
        f"{trainable:,}",
        help="Conv2D kernels and biases, Dense weights and biases, batch norm's scales and shifts.",
    )
    c[2].metric(
        "Non-trainable",
        f"{fixed:,}",
        help=f"Numbers no optimizer updates: the running mean and variance of each of the {norms} batch-norm "
        "layers (2 per channel), averaged while training."
        if norms
        else "Numbers no optimizer updates, such as batch norm's running statistics. This network has no batch norm.",
    )
    c[3].metric("Multiply-adds per digit", f"{table.total_macs:,}")
    c[4].metric(
        "Activation memory per digit",
        f"{split.total_activation_bytes / 1024:,.1f} KiB",
        help="All layer outputs for one image, 4 bytes (float32) per number.",
    )


def keras_frame(check: KerasCheck) -> pd.DataFrame:
    """Keras' layers as `model.summary()` lists them: name (type), output shape, parameters."""
    rows = [
        {
            "Layer (type)": f"{r.name} ({r.kind})",
            "Output shape": "(None, " + ", ".join(str(d) for d in r.output_shape) + ")",
            "Param #": f"{r.params:,}",
            "Trainable": f"{r.trainable:,}",
            "Non-trainable": f"{r.non_trainable:,}",
        }
        for r in check.rows
    ]
    rows.append(
        {
            "Layer (type)": "Total",
            "Output shape": "",
            "Param #": f"{check.total_params:,}",
            "Trainable": f"{check.trainable:,}",
            "Non-trainable": f"{check.non_trainable:,}",
        }
    )
    return pd.DataFrame(rows)


def show_keras_check(check: KerasCheck, table: ArchitectureTable) -> None:
    """Keras' verdict, then its summary table."""
    if check.error and table.valid:
        st.warning(f"Not built: {check.error}")
        return
    if check.error:
        st.warning(f"Keras refused to build this network, as the table predicted: *{check.error}*")
        return
    if check.agrees:
        st.success(
            f"Keras agrees on every layer: {len(check.rows)} layers, the same output shapes, the same "
            f"parameter counts, and the same total of {check.total_params:,} "
            f"({check.trainable:,} trainable, {check.non_trainable:,} non-trainable).",
            icon=":material/check_circle:",
        )
    else:
        st.error("Keras disagrees with the formulas. This is a bug in the app:\n\n- " + "\n- ".join(check.mismatches))
    st.table(keras_frame(check).style.hide(axis="index"))
