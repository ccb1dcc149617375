"""Seeded random architectures within the editor's limits, for tests and benchmarks."""

from __future__ import annotations

import random

from cnn_core.architecture import ACTIVATIONS, LIMITS, PADDINGS, POOLS, Architecture, ConvBlock, DenseLayer


def _dropout(rng: random.Random) -> float:
    """No dropout half the time, else a whole percent within the limits."""
    lo, hi = (round(v * 100) for v in LIMITS.dropout)
    return 0.0 if rng.random() < 0.5 else rng.randint(max(lo, 1), hi) / 100


def random_architecture(
    rng: random.Random, max_filters: int = LIMITS.filters[1], max_units: int = LIMITS.units[1]
) -> Architecture:
    """Any network the Architecture page can describe (valid or not), within `LIMITS`.

    `max_filters` and `max_units` lower the top of those two ranges (tests keep networks small).
    """
    blocks = tuple(
        ConvBlock(
            filters=rng.randint(LIMITS.filters[0], max_filters),
            kernel_size=rng.randint(*LIMITS.kernel_size),
            stride=rng.randint(*LIMITS.stride),
            padding=rng.choice(PADDINGS),
            activation=rng.choice(ACTIVATIONS),
            pool=rng.choice(POOLS),
            pool_size=rng.choice(LIMITS.pool_sizes),
            batch_norm=rng.random() < 0.3,
            dropout=_dropout(rng),
        )
        for _ in range(rng.randint(*LIMITS.conv_blocks))
    )
    dense = tuple(
        DenseLayer(rng.randint(LIMITS.units[0], max_units), rng.choice(ACTIVATIONS), rng.random() < 0.3, _dropout(rng))
        for _ in range(rng.randint(*LIMITS.dense_layers))
    )
    return Architecture(conv_blocks=blocks, dense_layers=dense)
