"""Check the hand formulas against Keras: build the real model and compare it layer by layer.

TensorFlow is imported only inside `keras_rows`, so importing this module is free;
the Architecture page imports TensorFlow only when the learner asks for the check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cnn_core.architecture import Architecture
from cnn_core.costs import size_refusal
from cnn_core.formulas import ArchitectureTable, layer_table
from cnn_core.settings import max_params

# Building allocates every weight: 4 bytes each. The editor allows ~210 million (0.8 GB), too much
# for a classroom server, so the check stops at the same limit as training (cnn_core.costs.size_refusal).
MAX_PARAMS = max_params()


@dataclass(frozen=True)
class KerasRow:
    """One layer as Keras built it (shapes without the batch axis)."""

    name: str
    kind: str  # Keras' class name, e.g. Conv2D
    output_shape: tuple[int, ...]
    params: int  # layer.count_params()
    trainable: int  # weights the optimizer updates
    non_trainable: int


@dataclass(frozen=True)
class KerasCheck:
    """Keras' view of an architecture and every place where it disagrees with the formulas."""

    rows: tuple[KerasRow, ...]
    total_params: int  # model.count_params()
    trainable: int
    non_trainable: int
    mismatches: tuple[str, ...]  # one sentence per disagreement; empty means Keras agrees
    error: str | None = None  # Keras refused to build the model, in its own words

    @property
    def agrees(self) -> bool:
        return self.error is None and not self.mismatches


def _size(weights) -> int:
    return sum(math.prod(w.shape) for w in weights)


def keras_rows(arch: Architecture) -> tuple[tuple[KerasRow, ...], int]:
    """Build `arch` with Keras (imports TensorFlow) and read every layer's shape and parameters.

    Returns the rows and `model.count_params()`. Raises whatever Keras raises
    for an impossible architecture.
    """
    from cnn_core.nn.model import build_model  # imports keras

    model = build_model(arch)
    rows = tuple(
        KerasRow(
            name=layer.name,
            kind=type(layer).__name__,
            output_shape=tuple(int(d) for d in layer.output.shape[1:]),
            params=int(layer.count_params()),
            trainable=int(_size(layer.trainable_weights)),
            non_trainable=int(_size(layer.non_trainable_weights)),
        )
        for layer in model.layers
    )
    return rows, int(model.count_params())


def compare(table: ArchitectureTable, rows: tuple[KerasRow, ...], total: int) -> tuple[str, ...]:
    """Sentences describing every difference between the formula table and Keras' layers."""
    out = []
    ours = [r.name for r in table.rows]
    theirs = [r.name for r in rows]
    if ours != theirs:
        out.append(f"The layers differ: formulas list {ours}, Keras built {theirs}.")
    by_name = {r.name: r for r in rows}
    for r in table.rows:
        k = by_name.get(r.name)
        if k is None:
            continue
        if k.kind != r.kind:
            out.append(f"{r.name}: formulas say {r.kind}, Keras built {k.kind}.")
        if tuple(k.output_shape) != tuple(r.output_shape):
            out.append(f"{r.name}: output shape {r.output_shape} by formula, {k.output_shape} in Keras.")
        if k.params != r.params:
            out.append(f"{r.name}: {r.params:,} parameters by formula, {k.params:,} in Keras.")
        elif k.non_trainable != r.non_trainable:
            out.append(f"{r.name}: {r.non_trainable:,} non-trainable by formula, {k.non_trainable:,} in Keras.")
    if total != table.total_params:
        out.append(f"Total: {table.total_params:,} parameters by formula, {total:,} in Keras.")
    return tuple(out)


def check_with_keras(arch: Architecture) -> KerasCheck:
    """Build `arch` in Keras and compare it with `layer_table(arch)`; never raises for a bad architecture."""
    table = layer_table(arch)
    too_big = size_refusal(table)
    if too_big:
        return KerasCheck((), 0, 0, 0, (), error=too_big)
    try:
        rows, total = keras_rows(arch)
    except ValueError as e:
        first = str(e).strip().splitlines()
        msg = next((line for line in first if "output size" in line), first[0] if first else repr(e))
        return KerasCheck((), 0, 0, 0, (), error=msg.replace("\x1b[1m", "").replace("\x1b[0m", ""))
    trainable = sum(r.trainable for r in rows)
    non_trainable = sum(r.non_trainable for r in rows)
    return KerasCheck(rows, total, trainable, non_trainable, compare(table, rows, total))
