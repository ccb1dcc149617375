"""Where a network keeps its parameters, spends its compute and holds its activations.

Pure arithmetic over `cnn_core.formulas.ArchitectureTable`; no TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnn_core.formulas import ArchitectureTable

BYTES_PER_FLOAT32 = 4


def activation_bytes(table: ArchitectureTable) -> list[int]:
    """Bytes each layer's output takes for one example, stored as float32."""
    return [r.activations * BYTES_PER_FLOAT32 for r in table.rows]


@dataclass(frozen=True)
class CostSplit:
    """Shares (0-1) of parameters and multiply-accumulates held by conv and by dense layers."""

    conv_params: float
    dense_params: float
    conv_macs: float
    dense_macs: float
    total_activation_bytes: int


def cost_split(table: ArchitectureTable) -> CostSplit:
    """Split the totals of `table` between Conv2D rows and Dense rows (pooling and Flatten have none)."""

    def share(kind: str, attr: str) -> float:
        total = sum(getattr(r, attr) for r in table.rows)
        part = sum(getattr(r, attr) for r in table.rows if r.kind == kind)
        return part / total if total else 0.0

    return CostSplit(
        conv_params=share("Conv2D", "params"),
        dense_params=share("Dense", "params"),
        conv_macs=share("Conv2D", "macs"),
        dense_macs=share("Dense", "macs"),
        total_activation_bytes=sum(activation_bytes(table)),
    )
