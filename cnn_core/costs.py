"""Where a network keeps its parameters, spends its compute and holds its activations, and whether
this server will build and train it (the limits live in `cnn_core.settings`).

Pure arithmetic over `cnn_core.formulas.ArchitectureTable`; no TensorFlow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cnn_core import settings
from cnn_core.architecture import TrainingRecipe
from cnn_core.data import N_CLASSES, N_PIXELS, N_TEST
from cnn_core.formulas import ArchitectureTable, batches_per_epoch

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


def size_refusal(table: ArchitectureTable) -> str | None:
    """The one sentence (and the one limit) for a network too big to build; None when it fits.

    Used by the Keras check of the Architecture page and by the Train page, so both say the same.
    """
    limit = settings.max_params()
    n = table.total_params
    if not table.valid or n <= limit:
        return None
    return (
        f"This network has {n:,} parameters ({n * BYTES_PER_FLOAT32 / 2**30:.1f} GiB of float32 weights); this "
        f"server builds networks of up to {limit:,} parameters only. Add pooling or use fewer filters or units."
    )


@dataclass(frozen=True)
class TrainingEstimate:
    """What one training run of a network is expected to cost, from the layer table's figures."""

    memory_bytes: int  # weights, gradients, Adam's two moments, one batch's activations, the data
    epoch_seconds: float  # one epoch: forward + backward over the training images, forward over validation
    train_examples: int
    macs_per_example: int


def training_estimate(table: ArchitectureTable, recipe: TrainingRecipe) -> TrainingEstimate:
    """Estimate memory and time of training `table`'s network with `recipe`.

    Memory: 16 bytes per parameter (weight, gradient, two Adam moments, float32), each layer's
    output for a whole batch three times (the output, what the activation keeps for the backward
    pass, and its gradient), and the training and test images as float32 (twice: Keras copies
    the validation split). Time: a backward pass costs about twice the forward one, so
    3 x multiply-adds per training image plus 1 x per validation image, at
    settings.TRAIN_MACS_PER_SECOND, plus a fixed overhead per batch.
    """
    n_val = int(recipe.train_size * recipe.validation_split)
    n_train = recipe.train_size - n_val
    pixels = math.prod(table.rows[0].input_shape) if table.rows else N_PIXELS
    per_example_acts = sum(r.activations for r in table.rows) + pixels
    memory = (
        16 * table.total_params
        + 3 * per_example_acts * recipe.batch_size * BYTES_PER_FLOAT32
        + 2 * (recipe.train_size + N_TEST) * (pixels + N_CLASSES) * BYTES_PER_FLOAT32  # images + one-hot labels
    )
    macs = table.total_macs
    steps = batches_per_epoch(recipe.train_size, recipe.batch_size, recipe.validation_split)
    seconds = (3 * macs * n_train + macs * n_val) / settings.TRAIN_MACS_PER_SECOND
    seconds += steps * settings.SECONDS_PER_BATCH
    return TrainingEstimate(int(memory), seconds, n_train, macs)


def training_refusal(table: ArchitectureTable, recipe: TrainingRecipe) -> str | None:
    """Why this server will not train this network with this recipe, in plain words; None when it may."""
    too_big = size_refusal(table)
    if too_big or not table.valid:
        return too_big
    est = training_estimate(table, recipe)
    mem_limit = settings.max_train_bytes()
    if est.memory_bytes > mem_limit:
        return (
            f"Training this network in batches of {recipe.batch_size} would need about "
            f"{est.memory_bytes / 2**20:,.0f} MB of memory (the layers' outputs for a whole batch, the weights "
            f"and the images); this server allows {mem_limit / 2**20:,.0f} MB per run. Use a smaller batch, "
            "add pooling or use fewer filters."
        )
    sec_limit = settings.max_epoch_seconds()
    if est.epoch_seconds > sec_limit:
        return (
            f"One epoch of this network on {recipe.train_size:,} images would take about "
            f"{_minutes(est.epoch_seconds)} here ({est.macs_per_example:,} multiply-adds per image, about three "
            f"times that to learn from it); this server allows {_minutes(sec_limit)} per epoch. Train on fewer "
            "images, add pooling or use fewer filters."
        )
    return None


def _minutes(seconds: float) -> str:
    return f"{seconds:,.0f} seconds" if seconds < 120 else f"{seconds / 60:,.0f} minutes"
